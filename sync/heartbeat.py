"""The kiosk's heartbeat: what POST /api/v1/heartbeat tells the collector about this kiosk's health."""
from __future__ import annotations

import logging
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import requests

from kiosk.store import Queue
from kiosk.sync_status import split_error
from sync.wire import HEARTBEAT_PATH

log = logging.getLogger(__name__)

HEARTBEAT_EVERY_S = 300.0  # a working day of silence is what the collector calls `silent`; 5 min is plenty
POWER_SUPPLY = Path("/sys/class/power_supply")
_STARTED = time.monotonic()


@dataclass(frozen=True)
class Heartbeat:
    app_version: str
    pending: int
    sent: int
    rejected: int
    oldest_pending_age_s: float | None
    last_error_code: str | None
    device_time: str
    uptime_s: float
    storage_free_bytes: int | None
    battery_percent: float | None
    # Why the queue cannot save now (kiosk.storage.Problem: disk_full, read_only, ...), None when it can:
    # free bytes alone miss a read-only remount or an I/O error.
    storage_problem: str | None = None

    def to_json(self) -> dict:
        return asdict(self)


def app_version() -> str:
    try:
        from importlib.metadata import version

        return version("skm-kiosk")
    except Exception:  # running from a source tree without an install
        return "0+unknown"


def battery_percent(root: Path = POWER_SUPPLY) -> float | None:
    """The battery's charge where Linux tells it (/sys/class/power_supply/*/capacity); None otherwise."""
    try:
        supplies = sorted(root.iterdir())
    except OSError:
        return None
    for supply in supplies:
        try:
            if (supply / "type").read_text().strip() != "Battery":
                continue
            value = float((supply / "capacity").read_text().strip())
        except (OSError, ValueError):
            continue
        if 0 <= value <= 100:
            return value
    return None


def storage_free(path: Path) -> int | None:
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None


def storage_problem(queue: Queue) -> str | None:
    problem = queue.storage_problem()
    return None if problem is None else problem.problem.value


def last_error_code(recorded: str | None) -> str | None:
    """The code of the queue's recorded last error ("code: detail"); None after a success."""
    return split_error(recorded)[0]


def build(queue: Queue, data_dir: Path, *, now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
          uptime: Callable[[], float] = lambda: time.monotonic() - _STARTED,
          battery: Callable[[], float | None] = battery_percent) -> Heartbeat:
    counts = queue.count_by_status()
    age = queue.oldest_pending_age()
    return Heartbeat(
        app_version=app_version(), pending=counts["pending"], sent=counts["sent"], rejected=counts["rejected"],
        oldest_pending_age_s=None if age is None else round(max(0.0, age), 1),
        last_error_code=last_error_code(queue.sync_state().last_error),
        device_time=now().astimezone().isoformat(), uptime_s=round(uptime(), 1),
        storage_free_bytes=storage_free(Path(data_dir)), battery_percent=battery(),
        storage_problem=storage_problem(queue))


def send(session: requests.Session, url: str, token: str, heartbeat: Heartbeat,
         timeout: tuple[float, float] = (10.0, 30.0)) -> bool:
    """POST the heartbeat; True when the collector took it. Failures are logged, never raised: a heartbeat
    is worth nothing next to an upload."""
    try:
        answer = session.post(url.rstrip("/") + HEARTBEAT_PATH, json=heartbeat.to_json(),
                              headers={"Authorization": f"Bearer {token}"}, timeout=timeout)
    except requests.RequestException as exc:
        log.info("heartbeat not sent: %s", exc)
        return False
    if answer.status_code == 404:
        return False  # an older collector without heartbeats
    if answer.status_code != 200:
        log.warning("heartbeat refused with %s: %s", answer.status_code, answer.text[:200])
        return False
    return True


class HeartbeatSender:
    """Sends a heartbeat every `every_s` and after each sync attempt (the queue's last attempt changed)."""

    def __init__(self, data_dir: Path, *, every_s: float = HEARTBEAT_EVERY_S,
                 clock: Callable[[], float] = time.monotonic, timeout: tuple[float, float] = (10.0, 30.0)):
        self.data_dir = Path(data_dir)
        self.every_s = every_s
        self.clock = clock
        self.timeout = timeout
        self.sent = 0
        self._next = float("-inf")
        self._last_attempt_seen: float | None = None

    def maybe_send(self, queue: Queue, session: requests.Session, url: str, token: str | None) -> bool:
        if not url or not token:
            return False
        last_attempt = queue.sync_state().last_attempt
        if self.clock() < self._next and last_attempt == self._last_attempt_seen:
            return False
        self._last_attempt_seen = last_attempt
        self._next = self.clock() + self.every_s
        ok = send(session, url, token, build(queue, self.data_dir), self.timeout)
        self.sent += ok
        return ok
