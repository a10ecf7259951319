"""Uploads pending responses in batches and records per item what the collector answered."""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import requests

from kiosk import atomic
from kiosk.response import Response
from kiosk.store import Queue
from kiosk.sync_status import ERROR_CODES
from sync import wire
from sync.backoff import parse_retry_after

log = logging.getLogger(__name__)

USER_AGENT = "skm-kiosk-sync/1"
NOT_AUTHORISED = "kiosk not authorised"
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


def load_token(path: Path) -> str | None:
    """The kiosk token stored by `kiosk enroll`; None when there is none."""
    try:
        token = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):  # missing, unreadable or garbled: not enrolled, as far as we can tell
        return None
    return token or None


def write_token(path: Path, token: str) -> None:
    """Write the token readable by the owner only (mode 600), atomically."""
    atomic.write_text(path, token + "\n", file_mode=0o600)


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

    # -- one batch ---------------------------------------------------------------------

    def send(self, responses: Sequence[Response]) -> tuple[list[wire.ItemResult] | None, UploadResult]:
        """POST one batch; the per-item results, or None with the error. Touches no queue."""
        return self.send_bodies([r.id for r in responses], [r.to_json() for r in responses])

    def send_bodies(self, ids: Sequence[str], bodies: Sequence[str]) -> tuple[list[wire.ItemResult] | None,
                                                                                UploadResult]:
        """POST responses given as (id, canonical wire JSON), as the queue stores them."""
        body = wire.encode_bodies(bodies)
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        failed = lambda code, detail, **kw: (None, UploadResult(len(ids), error_code=code, error=detail, **kw))
        try:
            # verify=True on every call: a session someone configured with verify=False changes nothing.
            # No redirects: a captive portal answers a POST with a redirect to its login page.
            reply = self.session.post(self.base_url + wire.RESPONSES_PATH, data=body, headers=headers,
                                      timeout=self.timeout, verify=True, allow_redirects=False)
        except requests.RequestException as exc:
            return failed(*classify_exception(exc))
        status = reply.status_code
        retry_after = parse_retry_after(reply.headers.get("Retry-After"), self.clock)
        if status == 200:
            try:
                results = wire.parse_results(reply.content, reply.headers.get("Content-Type"), ids)
            except wire.BadResults as exc:
                return failed(exc.code, exc.detail, http_status=status)
            return results, UploadResult(len(ids), http_status=status)
        html = reply.headers.get("Content-Type", "").split(";")[0].strip().lower() == "text/html"
        if status in (401, 403) and html:
            # The collector answers in JSON; an HTML refusal comes from a proxy or hotspot in the way,
            # and must not stop sync the way a revoked token does.
            return failed("captive_portal", f"the network refused the upload with a web page (HTTP {status})",
                          http_status=status)
        if status == 401:
            return failed("unauthorised", f"{NOT_AUTHORISED}: the collector answered HTTP {status} "
                                          "(token unknown or revoked; enrol the kiosk again)", http_status=status)
        if 300 <= status < 400 or status == 511:
            where = reply.headers.get("Location", "")
            return failed("captive_portal", f"the network redirected the upload (HTTP {status}"
                                            f"{' to ' + where if where else ''}): a Wi-Fi login page is in the way",
                          http_status=status)
        if status == 429 or status >= 500:
            return failed("server", f"the collector answered HTTP {status}", http_status=status,
                          retry_after_s=retry_after)
        if status == 413:
            return failed("server", f"the collector found a batch of {len(ids)} too large (HTTP 413)",
                          http_status=status)
        if status == 403:
            return failed("bad_response", "the collector refused the upload (HTTP 403)", http_status=status)
        return failed("bad_response", f"the collector answered HTTP {status} to {self.base_url}"
                                      f"{wire.RESPONSES_PATH}: is the sync URL right?", http_status=status)

    def upload_batch(self, queue: Queue, limit: int) -> UploadResult:
        """Send the oldest pending responses (at most `limit`) and mark each as the collector says."""
        batch = queue.pending_bodies(min(limit, wire.MAX_BATCH))
        if not batch:
            return UploadResult()
        results, outcome = self.send_bodies([rid for _, rid, _ in batch], [body for _, _, body in batch])
        if results is None:
            return outcome
        apply_results(queue, results)
        sent = sum(1 for r in results if r.status.stored)
        return UploadResult(len(batch), sent=sent, rejected=len(results) - sent, http_status=outcome.http_status)

    # -- a backlog ---------------------------------------------------------------------

    def drain(self, queue: Queue, batch_size: int, *,
              progress: Callable[[int, int], None] | None = None,
              should_stop: Callable[[], bool] = lambda: False,
              depth: int = 1) -> "DrainResult":
        """Send batch after batch until nothing is pending, an upload fails, or should_stop() says so.

        With depth > 1, that many batches are under way at once: while one is on the network,
        the next is read and compressed and the previous one's results are written (requests
        still go out one at a time). On this project's 2-core test machine that gained nothing
        measurable (the collector's ingest dominates; see bench/bench_drain.py), so the default
        is 1; a kiosk with a slow CPU may gain. Every batch in flight is still pending in the
        queue, so a crash or a failure at any point only means a re-send, which the collector
        answers `duplicate`. After a failure no new batch starts; those already sent are applied.

        Attempts are recorded with Queue.record_sync, so `kiosk status` can show them: every
        failure, and successes at most every RECORD_EVERY_S during a long drain and at its end
        (each record is a durable commit; one per batch was a tenth of the drain's time).
        `progress(done, total)` is called after each batch.
        """
        total = queue.count_by_status()["pending"]
        size = max(1, min(batch_size, wire.MAX_BATCH))
        tally = _Tally(queue, total, progress)
        failure: UploadResult | None = None
        in_flight: deque[_Send] = deque()
        after_seq, exhausted, halving = 0, False, False
        while True:
            while (failure is None and not halving and not exhausted and len(in_flight) < max(1, depth)
                   and not should_stop()):
                rows = queue.pending_bodies(size, after_seq)
                if not rows:
                    exhausted = True
                    break
                after_seq = rows[-1][0]
                in_flight.append(_Send(self.send_bodies, [r[1] for r in rows], [r[2] for r in rows],
                                      after=in_flight[-1] if in_flight else None))
            if not in_flight:
                if halving:  # everything sent before the 413 is settled: go on with smaller batches
                    halving, after_seq, exhausted = False, 0, False
                    continue
                break
            results, outcome = in_flight.popleft().outcome()
            if results is not None:
                apply_results(queue, results)
                tally.batch(results)
            elif outcome.too_large and size > 1 and failure is None:
                size = max(1, size // 2)  # the collector's body limit is smaller than we thought
                log.warning("collector refused a batch as too large; trying batches of %d", size)
                halving = True
            elif failure is None:
                failure = outcome
        if failure is not None:
            tally.flush()
            queue.record_sync(success=False, error=f"{failure.error_code}: {failure.error}")
            log.warning("sync failed (%s): %s", failure.error_code, failure.error)
        else:
            tally.flush()
        return DrainResult(batches=tally.batches, sent=tally.sent, rejected=tally.rejected,
                           last=failure or UploadResult())


class _Send(threading.Thread):
    """One batch's POST on its own daemon thread, starting only after the previous one finished.

    Daemon threads rather than a thread pool: Ctrl-C or the end of the program must not wait
    for an upload stuck on a dead network (a pool joins its threads at exit).
    """

    def __init__(self, send, ids, bodies, *, after: "_Send | None"):
        super().__init__(name="skm-upload", daemon=True)
        self._send, self._ids, self._bodies, self._after = send, ids, bodies, after
        self._outcome = None
        self._error: BaseException | None = None
        self.start()

    def run(self) -> None:
        if self._after is not None:
            self._after.join()
            self._after = None  # no chain of finished threads kept alive through a long drain
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

    def __init__(self, queue: Queue, total: int, progress: Callable[[int, int], None] | None):
        self.queue, self.total, self.progress = queue, total, progress
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
            self.queue.record_sync(success=True)
            self._recorded_at, self._unrecorded = time.monotonic(), False
        else:
            self._unrecorded = True
        if self.progress:
            done = self.sent + self.rejected
            self.progress(done, max(self.total, done))

    def flush(self) -> None:
        if self._unrecorded:
            self.queue.record_sync(success=True)
            self._unrecorded = False


@dataclass(frozen=True)
class DrainResult:
    batches: int
    sent: int
    rejected: int
    last: UploadResult

    @property
    def ok(self) -> bool:
        return self.last.ok


def apply_results(queue: Queue, results: Sequence[wire.ItemResult]) -> None:
    stored = [r.id for r in results if r.status.stored]
    refused = {r.id: f"{r.status.value}: {r.reason}" for r in results if not r.status.stored}
    if stored:
        queue.mark_sent(stored)
    if refused:
        queue.mark_rejected(refused)


def classify_exception(exc: requests.RequestException) -> tuple[str, str]:
    """An error code from ERROR_CODES and an English detail for a failed request."""
    if isinstance(exc, requests.exceptions.SSLError):
        return "tls", f"the collector's TLS certificate could not be verified ({_short(exc)})"
    if isinstance(exc, requests.exceptions.Timeout):
        kind = "connecting to" if isinstance(exc, requests.exceptions.ConnectTimeout) else "waiting for"
        return "timeout", f"timed out {kind} the collector"
    if isinstance(exc, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)):
        return "bad_response", "the collector's answer was cut off before its end"
    if isinstance(exc, requests.exceptions.ConnectionError):
        if "timed out" in str(exc).lower():
            return "timeout", "timed out waiting for the collector"
        return "network", f"could not reach the collector ({_short(exc)})"
    return "network", f"the upload failed ({_short(exc)})"


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost OS error (reset, refused, no route) under requests' and urllib3's wrappers."""
    seen, todo = set(), [exc]
    found = exc
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and getattr(current, "strerror", None):
            return current
        found = current
        todo += [a for a in getattr(current, "args", ()) if isinstance(a, BaseException)]
        todo += [c for c in (getattr(current, "reason", None), current.__cause__, current.__context__)
                 if isinstance(c, BaseException)]
    return found


def _short(exc: BaseException) -> str:
    root = _root_cause(exc)
    if isinstance(root, OSError) and root.strerror:
        return root.strerror.lower()
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."
