"""The kiosk's single sender thread, and the sync status (kiosk.sync_status) it reports to staff and `kiosk status`."""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Callable

import requests

from kiosk.config import Config
from kiosk.storage import StorageError
from kiosk.store import Queue
from kiosk.sync_status import SyncStatus, status_from_queue
from sync.backoff import Backoff
from sync.lock import SenderLock
from sync.errors import NOT_AUTHORISED
from sync.token import load_token, token_path
from sync.uploader import Uploader

log = logging.getLogger(__name__)

LOCKED_RETRY_S = 5.0  # another sender holds the lock: look again after this long
KEEP_SENT_S = 180 * 86400.0  # sent responses stay on the kiosk this long (the collector has them), then go
PURGE_EVERY_S = 86400.0


def status_of(queue: Queue, config: Config, data_dir: Path | None = None, *, syncing: bool = False) -> SyncStatus:
    """The sync status from the queue alone, without a running worker (for `kiosk status --json`)."""
    missing = None
    if data_dir is not None and load_token(token_path(config, data_dir)) is None:
        missing = f"{NOT_AUTHORISED}: no token; enrol with `kiosk enroll URL CODE`"
    return status_from_queue(queue, enabled=bool(config.sync.url), missing_token=missing, syncing=syncing)


class SyncWorker:
    """Sends pending responses from one thread: at start-up, on wake(), on sync_now() and on a timer.

    Failures back off exponentially (with jitter, never giving up); a 401 stops automatic
    attempts until the token file changes (re-enrolment) or staff press "sync now".
    """

    def __init__(self, queue: Queue, config: Config, data_dir: Path, *,
                 session: requests.Session | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] | None = None,
                 backoff: Backoff | None = None,
                 timeout: tuple[float, float] = (10.0, 60.0),
                 config_interval_s: float = 3600.0,
                 on_config: Callable[[Config], None] | None = None,
                 keep_sent_s: float | None = KEEP_SENT_S):
        self.queue = queue
        self.config = config
        self.data_dir = Path(data_dir)
        self.session = session
        self.clock = clock
        self._sleep = sleep
        self.backoff = backoff or Backoff(clock=clock)
        self.timeout = timeout
        self._event = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._woken = False
        self._forced = False
        self._syncing = False
        self._paused_for_token: float | None = None  # token file mtime when a 401 paused us
        self._next_timer = float("-inf")  # start-up counts as a timer tick
        self._thread: threading.Thread | None = None
        self.cycles = 0
        # The office config is pulled from the collector (GET /api/v1/config, ETag) this often;
        # on_config(new_config) is called from this thread when it changed and was saved.
        self.config_interval_s = config_interval_s
        self.on_config = on_config
        self._next_config_check = float("-inf")
        # Sent responses older than keep_sent_s are deleted once a day so a kiosk's disk never fills;
        # pending and rejected ones are never deleted. None keeps everything.
        self.keep_sent_s = keep_sent_s
        self._next_purge = float("-inf")
        from sync.heartbeat import HeartbeatSender

        self.heartbeats = HeartbeatSender(self.data_dir, clock=clock, timeout=timeout)

    # -- the interface the UI calls ----------------------------------------------------

    @property
    def enabled(self) -> bool:
        return bool(self.config.sync.url)

    def start(self) -> None:
        if not self.enabled or (self._thread and self._thread.is_alive()):
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="skm-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5) -> None:
        self._stopping.set()
        self._event.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("sync thread did not stop within %.0f s (an upload is still running)", timeout)
            else:
                self._thread = None

    def wake(self) -> None:
        """A response was just queued: send it soon (after any backoff in force)."""
        with self._lock:
            self._woken = True
        self._event.set()

    def sync_now(self) -> None:
        """Staff asked: try immediately, ignoring backoff and a previous 401."""
        with self._lock:
            self._forced = True
        self._event.set()

    def status(self) -> SyncStatus:
        return status_of(self.queue, self.config, self.data_dir, syncing=self._syncing)

    # -- the thread --------------------------------------------------------------------

    def _run(self) -> None:
        # The Queue keeps one SQLite connection per thread, so this thread has its own. (Not a second
        # Queue on the same file: opening one checks the file and could move it aside under the UI.)
        own = self.queue
        session = self.session or requests.Session()
        try:
            while not self._stopping.is_set():
                if self._due():
                    try:
                        self.run_cycle(own, session)
                    except StorageError as exc:  # full disk, read-only, I/O error: wait, then try again
                        log.error("sync paused: %s", exc.problem.words)
                        self._next_timer = self.clock() + self.backoff.failed()
                    except Exception:  # a bug must not kill the only sender; log it and back off
                        log.exception("sync cycle failed unexpectedly")
                        self._next_timer = self.clock() + self.backoff.failed()
                    self.send_heartbeat(own, session)
                self._wait(self._wait_time())
        finally:
            if self.session is None:
                session.close()

    def _due(self) -> bool:
        with self._lock:
            forced, woken = self._forced, self._woken
        if forced:
            return True
        if self._paused_for_token is not None:
            return self._token_mtime() != self._paused_for_token
        if not self.backoff.ready():
            return False
        return woken or self.clock() >= self._next_timer

    def _wait_time(self) -> float:
        interval = self.config.sync.interval_s
        if self._paused_for_token is not None:
            return interval
        if not self.backoff.ready():
            return self.backoff.remaining()
        with self._lock:
            if self._woken or self._forced:
                return 0.0
        return max(0.0, self._next_timer - self.clock())

    def _wait(self, seconds: float) -> None:
        if self._stopping.is_set():
            return
        if self._sleep is not None:
            self._sleep(seconds)
        else:
            self._event.wait(seconds)
        self._event.clear()

    def _token_mtime(self) -> float:
        try:
            return token_path(self.config, self.data_dir).stat().st_mtime
        except OSError:
            return -1.0

    def run_cycle(self, queue: Queue, session: requests.Session) -> None:
        """Drain the backlog batch by batch; on failure schedule the retry."""
        with self._lock:
            forced = self._forced
            self._forced = self._woken = False
        if forced:
            self.backoff.reset()
        self._paused_for_token = None
        self._next_timer = self.clock() + self.config.sync.interval_s
        self.cycles += 1
        pending = queue.count_by_status()["pending"]
        token = load_token(token_path(self.config, self.data_dir))
        if pending == 0:
            if token is not None:
                self._maybe_pull_config(session, token)
            return
        if token is None:
            queue.record_sync(success=False, error=f"unauthorised: {NOT_AUTHORISED}: no token file at "
                                                   f"{token_path(self.config, self.data_dir)}; "
                                                   "enrol with `kiosk enroll URL CODE`")
            self._paused_for_token = self._token_mtime()
            return
        uploader = Uploader(session, self.config.sync.url, token, timeout=self.timeout)
        lock = SenderLock(self.data_dir)
        if not lock.acquire():
            # `kiosk sync` is uploading from a terminal: look again shortly instead of sending twice.
            self._next_timer = self.clock() + LOCKED_RETRY_S
            with self._lock:
                self._woken = False
            return
        self._syncing = True
        try:
            result = uploader.drain(queue, self.config.sync.batch_size, should_stop=self._stopping.is_set)
        finally:
            self._syncing = False
            lock.release()
        if result.ok:
            self.backoff.succeeded()
            self._maybe_pull_config(session, token)
            self._maybe_purge(queue)
        elif result.last.unauthorised:
            log.error("%s: automatic sync stopped until the kiosk is enrolled again", result.last.error)
            self._paused_for_token = self._token_mtime()
        else:
            delay = self.backoff.failed(result.last.retry_after_s)
            self._next_timer = min(self._next_timer, self.clock() + delay)  # retry when the backoff ends
            log.info("next sync attempt in %.1f s", delay)

    def send_heartbeat(self, queue: Queue, session: requests.Session) -> None:
        """Every few minutes and after each sync attempt: the kiosk's health to the collector (never raises)."""
        try:
            self.heartbeats.maybe_send(queue, session, self.config.sync.url,
                                       load_token(token_path(self.config, self.data_dir)))
        except StorageError as exc:
            log.warning("no heartbeat: %s", exc.problem.words)
        except Exception:  # the heartbeat must never stop the sender
            log.exception("heartbeat failed unexpectedly")

    def _maybe_purge(self, queue: Queue) -> None:
        if self.keep_sent_s is None or self.clock() < self._next_purge:
            return
        self._next_purge = self.clock() + PURGE_EVERY_S
        purged = queue.purge_sent(self.keep_sent_s)
        if purged:
            log.info("deleted %d sent response(s) older than %.0f days from the kiosk", purged,
                     self.keep_sent_s / 86400)

    def _maybe_pull_config(self, session: requests.Session, token: str) -> None:
        """Pick up office config changes now and then; a failure here never affects uploads."""
        if self.clock() < self._next_config_check:
            return
        self._next_config_check = self.clock() + self.config_interval_s
        from sync import configsync

        try:
            new = configsync.pull(session, self.config, self.data_dir, token, timeout=self.timeout)
        except configsync.ConfigRejected as exc:
            log.error("the collector's office config was not applied: %s", exc)
            return
        except OSError as exc:
            log.error("could not save the office config from the collector: %s", exc)
            return
        if new is None:
            return
        log.info("office config updated from the collector")
        self.config = new
        if self.on_config is not None:
            try:
                self.on_config(new)
            except Exception:
                log.exception("on_config failed")
