"""A clock that moves only when told: for tests, autoplay and benchmarks of the survey flow."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo


class ManualClock:
    """Monotonic seconds (call it) and a matching offset-aware wall time (`wall()`)."""

    def __init__(self, start: float = 1000.0, *, wall_start: datetime | None = None, tz: tzinfo | None = None):
        self.now = start
        self._origin = start
        self._wall_origin = wall_start or datetime.now(timezone.utc).astimezone(tz)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock never runs backwards")
        self.now += seconds

    def wall(self) -> datetime:
        return self._wall_origin + timedelta(seconds=self.now - self._origin)
