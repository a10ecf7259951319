"""Uploads pending responses in batches and records per item what the collector answered."""
from __future__ import annotations

import logging
import threading
from email.utils import parsedate_to_datetime
import time
from dataclasses import dataclass
from typing import Callable, Sequence

import requests

from kiosk.storage import StorageError
from kiosk.store import Queue
from sync import wire
from sync.backoff import parse_retry_after
from sync.errors import classify_exception, classify_refusal

log = logging.getLogger(__name__)

RECORD_EVERY_S = 2.0


@dataclass(frozen=True)
class UploadResult:
    """What one batch upload did. On any error nothing in the queue changed."""

    attempted: int = 0
    sent: int = 0
    rejected: int = 0
    error_code: str | None = None
    error: str | None = None
    http_status: int | None = None
    retry_after_s: float | None = None

    @property
    def ok(self) -> bool:
        return self.error_code is None

    @property
    def unauthorised(self) -> bool:
        return self.error_code == "unauthorised"

    @property
    def too_large(self) -> bool:
        return self.http_status == 413


class Uploader:
    """One kiosk's connection to its collector.

    TLS certificates are always verified, whatever the session says; an office whose
    collector has a certificate from its own CA sets REQUESTS_CA_BUNDLE to that CA's file.
    """

    def __init__(self, session: requests.Session, base_url: str, token: str, *,
                 clock: Callable[[], float] = time.time, timeout: tuple[float, float] = (10.0, 60.0)):
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.clock = clock
        self.timeout = timeout
        self.clock_offset_s: float | None = None  # the collector's clock minus ours, at its last answer

    # -- one batch ---------------------------------------------------------------------

    def send_bodies(self, ids: Sequence[str], bodies: Sequence[str]) -> tuple[list[wire.ItemResult] | None,
                                                                                UploadResult]:
        """POST responses given as (id, canonical wire JSON), as the queue stores them."""
        body = wire.encode_bodies(bodies)
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
            "Accept": "application/json",
            "User-Agent": wire.USER_AGENT,
        }
        failed = lambda code, detail, **kw: (None, UploadResult(len(ids), error_code=code, error=detail, **kw))
        asked_at = self.clock()
        try:
            # verify=True on every call: a session someone configured with verify=False changes nothing.
            # No redirects: a captive portal answers a POST with a redirect to its login page.
            reply = self.session.post(self.base_url + wire.RESPONSES_PATH, data=body, headers=headers,
                                      timeout=self.timeout, verify=True, allow_redirects=False)
        except requests.RequestException as exc:
            return failed(*classify_exception(exc))
        status = reply.status_code
        if status == 200:
            try:
                results = wire.parse_results(reply.content, reply.headers.get("Content-Type"), ids)
            except wire.BadResults as exc:
                return failed(exc.code, exc.detail, http_status=status)
            self.clock_offset_s = collector_offset(reply.headers.get("Date"), asked_at, self.clock())
            return results, UploadResult(len(ids), http_status=status)
        code, detail = classify_refusal(status, reply.headers, items=len(ids),
                                        where=self.base_url + wire.RESPONSES_PATH)
        # Only a busy collector says when to come back (429, 5xx); the backoff honours it.
        retry_after = (parse_retry_after(reply.headers.get("Retry-After"), self.clock)
                       if status == 429 or status >= 500 else None)
        return failed(code, detail, http_status=status, retry_after_s=retry_after)

    def upload_batch(self, queue: Queue, limit: int) -> UploadResult:
        """Send the oldest pending responses (at most `limit`) and mark each as the collector says."""
        batch = queue.pending_bodies(min(limit, wire.MAX_BATCH))
        if not batch:
            return UploadResult()
        results, outcome = self.send_bodies([rid for _, rid, _ in batch], [body for _, _, body in batch])
        if results is None:
            return outcome
        try:
            apply_results(queue, results)
        except StorageError as exc:
            return UploadResult(len(batch), error_code="storage", error=not_marked(len(results), exc),
                                http_status=outcome.http_status)
        sent = sum(1 for r in results if r.status.stored)
        return UploadResult(len(batch), sent=sent, rejected=len(results) - sent, http_status=outcome.http_status)

    # -- a backlog ---------------------------------------------------------------------

    def drain(self, queue: Queue, batch_size: int, *,
              progress: Callable[[int, int], None] | None = None,
              should_stop: Callable[[], bool] = lambda: False) -> "DrainResult":
        """Send batch after batch, oldest first, until nothing is pending, an upload fails, or should_stop() says so.

        One batch at a time. (Sending the next batch while the previous one's results were written
        was tried and removed: on the 2-core test machine it gained nothing measurable, the collector's
        ingest dominates; see bench/bench_drain.py.) A batch stays pending in the queue until its
        results are written, so a crash or a failure at any point only means a re-send, which the
        collector answers `duplicate`. A 413 halves the batch size and goes on.

        Attempts are recorded with Queue.record_sync, so `kiosk status` can show them: every
        failure, and successes at most every RECORD_EVERY_S during a long drain and at its end
        (each record is a durable commit; one per batch was a tenth of the drain's time).
        `progress(done, total)` is called after each batch.
        """
        failure: UploadResult | None = None
        try:
            total = queue.count_by_status()["pending"]
        except StorageError as exc:
            failure = UploadResult(error_code="storage", error=f"the queue cannot be read ({exc.problem.words})")
            _record(queue, success=False, error=f"storage: {failure.error}")
            return DrainResult(batches=0, sent=0, rejected=0, last=failure)
        size = max(1, min(batch_size, wire.MAX_BATCH))
        tally = _Tally(queue, total, progress, self)
        after_seq = 0
        while not should_stop():
            try:
                rows = queue.pending_bodies(size, after_seq)
            except StorageError as exc:
                failure = UploadResult(error_code="storage", error=f"the queue cannot be read ({exc.problem.words})")
                break
            if not rows:
                break
            results, outcome = _Send(self.send_bodies, [r[1] for r in rows], [r[2] for r in rows]).outcome()
            if results is not None:
                try:
                    apply_results(queue, results)
                except StorageError as exc:
                    # Stored by the collector but still pending here: the next sync sends them again and
                    # the collector answers `duplicate` (it keeps one copy); nothing is lost or doubled.
                    failure = UploadResult(len(results), error_code="storage", error=not_marked(len(results), exc))
                    break
                tally.batch(results)
                after_seq = rows[-1][0]
            elif outcome.too_large and size > 1:
                size = max(1, size // 2)  # the collector's body limit is smaller than we thought
                log.warning("collector refused a batch as too large; trying batches of %d", size)
            else:
                failure = outcome
                break
        tally.flush()
        if failure is not None:
            _record(queue, success=False, error=f"{failure.error_code}: {failure.error}")
            log.warning("sync failed (%s): %s", failure.error_code, failure.error)
        return DrainResult(batches=tally.batches, sent=tally.sent, rejected=tally.rejected,
                           last=failure or UploadResult())


class _Send(threading.Thread):
    """One batch's POST on its own daemon thread.

    A daemon thread rather than the caller's: Ctrl-C or the end of the program must not wait
    for an upload stuck on a dead network.
    """

    def __init__(self, send, ids, bodies):
        super().__init__(name="skm-upload", daemon=True)
        self._send, self._ids, self._bodies = send, ids, bodies
        self._outcome = None
        self._error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self._outcome = self._send(self._ids, self._bodies)
        except BaseException as exc:  # handed to the caller, raised there
            self._error = exc

    def outcome(self):
        self.join()
        if self._error is not None:
            raise self._error
        return self._outcome


class _Tally:
    """Counts a drain's batches, reports progress, and records success at most every RECORD_EVERY_S."""

    def __init__(self, queue: Queue, total: int, progress: Callable[[int, int], None] | None,
                 uploader: "Uploader | None" = None):
        self.queue, self.total, self.progress, self.uploader = queue, total, progress, uploader
        self.batches = self.sent = self.rejected = 0
        self._recorded_at = float("-inf")
        self._unrecorded = False

    def batch(self, results: Sequence[wire.ItemResult]) -> None:
        stored = sum(1 for r in results if r.status.stored)
        self.batches += 1
        self.sent += stored
        self.rejected += len(results) - stored
        if len(results) > stored:
            log.warning("collector refused %d response(s); kept as rejected for staff", len(results) - stored)
        if time.monotonic() - self._recorded_at >= RECORD_EVERY_S:
            _record(self.queue, success=True, **self.clock_values())
            self._recorded_at, self._unrecorded = time.monotonic(), False
        else:
            self._unrecorded = True
        if self.progress:
            done = self.sent + self.rejected
            self.progress(done, max(self.total, done))

    def flush(self) -> None:
        if self._unrecorded:
            _record(self.queue, success=True, **self.clock_values())
            self._unrecorded = False

    def clock_values(self) -> dict:
        """The collector's clock as last measured, recorded with the success (kiosk/clockcheck.py)."""
        offset = self.uploader.clock_offset_s if self.uploader is not None else None
        return {} if offset is None else {"collector_offset_s": round(offset, 1),
                                          "clock_checked_at": self.uploader.clock()}


@dataclass(frozen=True)
class DrainResult:
    batches: int
    sent: int
    rejected: int
    last: UploadResult

    @property
    def ok(self) -> bool:
        return self.last.ok


def not_marked(count: int, exc: StorageError) -> str:
    return (f"the collector stored {count} response(s) but the kiosk could not mark them sent "
            f"({exc.problem.words}); they stay pending and the next sync sends them again "
            "(the collector keeps one copy)")


def _record(queue: Queue, **values) -> None:
    """Queue.record_sync, never failing the sync it records (a full disk must not stop the upload)."""
    try:
        queue.record_sync(**values)
    except StorageError as exc:
        log.warning("could not record the sync attempt: %s", exc.problem.words)


def collector_offset(date_header: str | None, asked_at: float, answered_at: float) -> float | None:
    """The collector's clock minus this kiosk's (seconds), from its answer's Date header; None without one.

    The header has whole seconds; the request's midpoint stands for the moment it was written.
    """
    if not date_header:
        return None
    try:
        stamp = parsedate_to_datetime(date_header)
    except (TypeError, ValueError, IndexError):
        return None
    if stamp is None or stamp.tzinfo is None:
        return None
    return stamp.timestamp() - (asked_at + answered_at) / 2


def apply_results(queue: Queue, results: Sequence[wire.ItemResult]) -> None:
    stored = [r.id for r in results if r.status.stored]
    refused = {r.id: f"{r.status.value}: {r.reason}" for r in results if not r.status.stored}
    if stored:
        queue.mark_sent(stored)
    if refused:
        queue.mark_rejected(refused)
