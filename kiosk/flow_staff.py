"""Staff mode without any UI: the hidden gesture, the PIN lock, settings edits, export (the status: kiosk.sync_status)."""
from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Any, Callable

from kiosk import config as office_config, paths
from kiosk.config import Config, ConfigError, Problem
from kiosk.pin import hash_pin, verify_pin

__all__ = [
    "LongPress", "PinGuard", "PinResult", "SettingsRejected", "save_settings", "change_pin", "export_queue_now",
]


class LongPress:
    """A press held for at least `hold_s` seconds, judged when the finger lifts."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, hold_s: float = 2.0):
        self.clock, self.hold_s = clock, hold_s
        self._down: float | None = None

    def down(self) -> None:
        self._down = self.clock()

    def up(self) -> bool:
        held = self._down is not None and self.clock() - self._down >= self.hold_s
        self._down = None
        return held


class PinResult(str, Enum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"


class PinGuard:
    """Checks the staff PIN against its hash; `max_failures` wrong PINs lock the pad for `lock_s`."""

    def __init__(self, pin_hash: str, *, clock: Callable[[], float] = time.monotonic,
                 max_failures: int = 5, lock_s: float = 60.0, verify: Callable[[str, str], bool] = verify_pin):
        self.pin_hash, self.clock, self.verify = pin_hash, clock, verify
        self.max_failures, self.lock_s = max_failures, lock_s
        self.failures = 0
        self._locked_until: float | None = None

    def locked_for(self) -> float:
        """Seconds left on the lock, 0 when the pad is open."""
        if self._locked_until is None:
            return 0.0
        left = self._locked_until - self.clock()
        if left <= 0:
            self._locked_until, self.failures = None, 0
            return 0.0
        return left

    def attempts_left(self) -> int:
        return self.max_failures - self.failures

    def check(self, pin: str) -> PinResult:
        if self.locked_for() > 0:
            return PinResult.LOCKED
        if pin and self.verify(pin, self.pin_hash):
            self.failures = 0
            return PinResult.OK
        self.failures += 1
        if self.failures >= self.max_failures:
            self._locked_until = self.clock() + self.lock_s
            return PinResult.LOCKED
        return PinResult.WRONG


class SettingsRejected(Exception):
    """Staff settings that do not pass the config check; `problems` name the keys."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(map(str, problems)))


def _save(config: Config, data_dir: Path) -> Config:
    try:
        return office_config.save(config, paths.config_file(Path(data_dir)))
    except ConfigError as exc:
        raise SettingsRejected(exc.problems) from None


def save_settings(config: Config, data_dir: Path, *, counter: str, service: str | None,
                  locales: tuple[str, ...], ask_profile: bool, ask_comment: bool, allow_skip: bool,
                  sync_url: str, read_aloud: str | None = None) -> Config:
    """Validate staff edits like `kiosk config check` and write config.toml in the data dir.

    On the shipped demo office this creates the data dir's config.toml. `read_aloud` None keeps the setting.
    """
    changed = config.with_kiosk(
        counter=counter.strip(), service=service or None, locales=tuple(locales),
        ask_profile=ask_profile, ask_comment=ask_comment, allow_skip=allow_skip,
        read_aloud=config.kiosk.read_aloud if read_aloud is None else read_aloud,
    ).with_sync(url=sync_url.strip())
    return _save(changed, data_dir)


def change_pin(config: Config, data_dir: Path, new_pin: str, repeated: str) -> Config:
    if new_pin != repeated:
        raise SettingsRejected([Problem("staff.pin", "<hidden>", "the same PIN typed twice")])
    try:
        new_hash = hash_pin(new_pin)
    except ValueError:
        raise SettingsRejected([Problem("staff.pin", "<hidden>", "4 to 12 digits")]) from None
    return _save(replace(config, pin_hash=new_hash), data_dir)


def export_queue_now(queue: Any, data_dir: Path, fmt: str, now: datetime | None = None) -> tuple[Path, int]:
    """Every queued response into exports/ in the data dir; returns the file and the count."""
    from kiosk.export import export_queue  # the lead's module; imported when staff asks for it

    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%d-%H%M%S")
    folder = Path(data_dir) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"responses-{stamp}.{fmt}"
    count = export_queue(queue, target, fmt)
    return target, count
