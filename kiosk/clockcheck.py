"""Whether the kiosk's clock can be believed: not before the software was built, near the collector's.

A tablet whose battery ran flat often restarts in 1970 or 2000. Two checks, both cheap:
- a wall clock before BUILD_DATE is certainly wrong;
- the collector's clock, read from the Date header of each upload answer, gives the offset
  (collector minus kiosk, recorded at each successful sync); more than MAX_OFFSET_S either way
  is wrong.
While the clock is suspect, each new response says so in its `extra` (see docs/sync.md), so the
collector can place it in the right period.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

# Update at each release: no correct clock can show a time before the software running on it was made.
BUILD_DATE = date(2026, 11, 1)
MAX_OFFSET_S = 600.0
BEFORE_BUILD, OFF_FROM_COLLECTOR = "before_build", "off_from_collector"


@dataclass(frozen=True)
class ClockCheck:
    suspect: bool
    reason: str | None = None          # BEFORE_BUILD or OFF_FROM_COLLECTOR
    offset_s: float | None = None      # collector minus kiosk at the last sync, when measured
    checked_at: float | None = None    # kiosk time (epoch s) of that measurement

    def to_json(self) -> dict[str, Any]:
        return {"suspect": self.suspect, "reason": self.reason,
                "offset_s": None if self.offset_s is None else round(self.offset_s, 1),
                "checked_at": None if self.checked_at is None else
                datetime.fromtimestamp(self.checked_at, timezone.utc).isoformat(timespec="seconds")}

    def response_extra(self) -> dict[str, Any]:
        """What a response made now carries in `extra`: nothing while the clock is fine."""
        if not self.suspect:
            return {}
        extra: dict[str, Any] = {"device_clock_suspect": True, "device_clock_reason": self.reason}
        if self.offset_s is not None:
            extra["device_clock_offset_s"] = int(round(self.offset_s))
        return extra


def check(now: float, offset_s: float | None, checked_at: float | None, *, build_date: date = BUILD_DATE) -> ClockCheck:
    """The verdict on a kiosk clock that says `now` (epoch seconds), given the last measured offset."""
    built = datetime(build_date.year, build_date.month, build_date.day, tzinfo=timezone.utc).timestamp()
    if now < built:
        return ClockCheck(True, BEFORE_BUILD, offset_s, checked_at)
    if offset_s is not None and abs(offset_s) > MAX_OFFSET_S:
        return ClockCheck(True, OFF_FROM_COLLECTOR, offset_s, checked_at)
    return ClockCheck(False, None, offset_s, checked_at)


def from_queue(queue: Any, now: float) -> ClockCheck:
    """The check with the offset the queue recorded at the last sync (kiosk/store.py sync_value)."""
    offset = queue.sync_value("collector_offset_s")
    checked = queue.sync_value("clock_checked_at")
    return check(now, offset if isinstance(offset, (int, float)) else None,
                 checked if isinstance(checked, (int, float)) else None)
