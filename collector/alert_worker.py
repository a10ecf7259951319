"""The collector process's alert thread: evaluates rules after ingest (coalesced) and periodically, then sends due alerts."""
from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from datetime import datetime
from typing import Callable

from sqlalchemy.engine import Engine

from collector import alerts, delivery, fleet
from kiosk.errors import UserError

log = logging.getLogger(__name__)

# An upload changes the unhappy share at once; the IKM of a day and kiosk health are left to the periodic sweep.
AFTER_INGEST = ("unhappy",)
DELIVERY_POLL_S = 2.0
SHARE_OF_TIME_FACTOR = 19.0  # wait 19x what an after-ingest pass took: evaluation <= 5% of the thread's time


class AlertWorker:
    """One daemon thread per collector process. notice() is all the ingest path does: it marks the office
    and wakes the thread, which evaluates that office's rules at most every `min_gap_s`, so a drain of
    many batches costs one evaluation per office per gap, not one per batch."""

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime], interval_s: float = 60.0,
                 min_gap_s: float = 1.0, settings: delivery.DeliverySettings | None = None,
                 health_rules: fleet.HealthRules | None = None, enabled: bool = True):
        self.engine = engine
        self.clock = clock
        self.interval_s = interval_s
        self.min_gap_s = min_gap_s
        self.settings = settings or delivery.DeliverySettings()
        self.health_rules = health_rules or fleet.HealthRules()
        self.enabled = enabled
        self._offices: set[str] = set()
        self._guard = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.evaluations = 0
        self.busy_s = 0.0  # time spent evaluating after ingest, logged at stop (bench/bench_alerts.py reads it)

    @classmethod
    def from_environment(cls, engine: Engine, clock: Callable[[], datetime]) -> "AlertWorker":
        interval = os.environ.get("KIOSK_ALERT_INTERVAL_S", "60")
        try:
            interval_s = float(interval)
        except ValueError:
            interval_s = -1.0
        if not 0.1 <= interval_s <= 86400:
            raise UserError(f"KIOSK_ALERT_INTERVAL_S={interval!r} must be seconds between 0.1 and 86400.")
        return cls(engine, clock=clock, interval_s=interval_s, settings=delivery.DeliverySettings.from_environment(),
                   health_rules=fleet.HealthRules.from_environment(),
                   enabled=os.environ.get("KIOSK_ALERTS", "on") != "off")

    def notice(self, office_id: str) -> None:
        """Responses of this office were just stored."""
        if not self.enabled:
            return
        with self._guard:
            self._offices.add(office_id)
        self._wake.set()

    def start(self) -> None:
        if not self.enabled or self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="skm-alerts", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
            log.info("alert evaluation after ingest: %d evaluations, %.2f s", self.evaluations, self.busy_s)

    def _run(self) -> None:
        next_sweep = time.monotonic()  # every rule at start-up, then every interval
        next_delivery = time.monotonic()
        while not self._stopping.is_set():
            gap = self.min_gap_s
            try:
                if time.monotonic() >= next_sweep:
                    next_sweep = time.monotonic() + self.interval_s
                    with self._guard:
                        self._offices.clear()
                    alerts.evaluate(self.engine, self.clock(), health_rules=self.health_rules)
                    self.evaluations += 1
                    next_delivery = 0.0
                with self._guard:
                    offices, self._offices = self._offices, set()
                started = time.monotonic()
                for office_id in sorted(offices):
                    alerts.evaluate(self.engine, self.clock(), office_id=office_id, kinds=AFTER_INGEST,
                                    health_rules=self.health_rules)
                    self.evaluations += 1
                    next_delivery = 0.0
                # Evaluation takes at most a twentieth of this thread's time: a big drain into offices with
                # busy windows makes alerts a few seconds later, never the ingest much slower.
                spent = time.monotonic() - started
                self.busy_s += spent
                gap = max(self.min_gap_s, SHARE_OF_TIME_FACTOR * spent)
                if time.monotonic() >= next_delivery:
                    next_delivery = time.monotonic() + DELIVERY_POLL_S
                    delivery.deliver_due(self.engine, self.settings, self.clock())
            except Exception:  # a database hiccup must not end alerting for the life of the process
                log.exception("alert evaluation failed; trying again shortly")
            # At most one evaluation per office per gap; a wake in between is remembered in _offices.
            self._stopping.wait(gap)
            self._wake.wait(max(0.0, min(next_sweep, next_delivery) - time.monotonic()))
            self._wake.clear()


def install(app, engine: Engine, clock: Callable[[], datetime]) -> AlertWorker:
    """The worker of this app, started and stopped with it (ASGI lifespan); app.state.alerts."""
    worker = AlertWorker.from_environment(engine, clock)
    app.state.alerts = worker
    previous = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(application):
        worker.start()
        try:
            async with previous(application) as state:
                yield state
        finally:
            worker.stop()

    app.router.lifespan_context = lifespan
    return worker
