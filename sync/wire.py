"""The ingest wire format: the batch envelope a kiosk sends and the result list it must get back."""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from enum import Enum
from typing import Sequence

from kiosk.response import Response

RESPONSES_PATH = "/api/v1/responses"
HEALTH_PATH = "/api/v1/health"
ENROLL_PATH = "/api/v1/enroll"
CONFIG_PATH = "/api/v1/config"
HEARTBEAT_PATH = "/api/v1/heartbeat"
USER_AGENT = "skm-kiosk-sync/1"  # on every request a kiosk makes, so collector logs tell kiosks from browsers
MAX_BATCH = 1000
# What a heartbeat body carries (sync/heartbeat.py sends it, collector/heartbeat.py checks and keeps it).
HEARTBEAT_FIELDS = ("app_version", "pending", "sent", "rejected", "oldest_pending_age_s", "last_error_code",
                    "device_time", "uptime_s", "storage_free_bytes", "battery_percent", "storage_problem")
MAX_BODY_BYTES = 5 * 1024 * 1024


class ItemStatus(str, Enum):
    ACCEPTED = "accepted"    # stored now
    DUPLICATE = "duplicate"  # same id, same content: stored before (an earlier answer was lost)
    CONFLICT = "conflict"    # same id, other content: not stored
    REJECTED = "rejected"    # invalid: the reason says why

    @property
    def stored(self) -> bool:
        """The collector holds this response: the kiosk may mark it sent."""
        return self in (ItemStatus.ACCEPTED, ItemStatus.DUPLICATE)


_STATUSES = {s.value: s for s in ItemStatus}


@dataclass(frozen=True)
class ItemResult:
    id: str
    status: ItemStatus
    reason: str | None = None


class BadResults(Exception):
    """The body of a 200 is not the result list for this batch; `code` says what it looked like."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code = code
        self.detail = detail


def encode_batch(responses: Sequence[Response]) -> bytes:
    """The gzip-compressed JSON envelope for one batch."""
    return encode_bodies([r.to_json() for r in responses])


def encode_bodies(bodies: Sequence[str]) -> bytes:
    """The gzip-compressed envelope around responses already in canonical wire JSON (as the queue keeps them).

    Splicing the stored text avoids parsing and re-serialising every response: on a large
    backlog that was most of the kiosk's share of the upload time.
    """
    if not 1 <= len(bodies) <= MAX_BATCH:
        raise ValueError(f"a batch holds 1 to {MAX_BATCH} responses, not {len(bodies)}")
    raw = ('{"responses":[' + ",".join(bodies) + "]}").encode("utf-8")
    # mtime=0: the same batch always compresses to the same bytes.
    return gzip.compress(raw, compresslevel=6, mtime=0)


def parse_results(body: bytes, content_type: str | None, expected_ids: Sequence[str]) -> list[ItemResult]:
    """The per-item results of a 200, checked against the batch: same ids, same order, known statuses.

    Anything else (a captive portal's login page, a cut-off body, another batch's results)
    raises BadResults, and the caller must change nothing.
    """
    ctype = (content_type or "").split(";")[0].strip().lower()
    head = body[:512].lstrip().lower()
    if ctype in ("text/html", "application/xhtml+xml") or head.startswith((b"<!doctype html", b"<html")):
        return _raise("captive_portal", "got an HTML page instead of the collector's answer "
                                        "(a Wi-Fi login page or proxy is in the way)")
    if ctype and ctype != "application/json" and not ctype.endswith("+json"):
        return _raise("bad_response", f"got {ctype!r} instead of JSON from the collector")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # nested deeper than json reads: not an answer
        return _raise("bad_response", f"the collector's answer is not complete JSON ({len(body)} bytes)")
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        return _raise("bad_response", "the collector's answer has no result list")
    if len(results) != len(expected_ids):
        return _raise("bad_response",
                      f"the collector answered {len(results)} results for a batch of {len(expected_ids)}")
    parsed = []
    for position, (item, want) in enumerate(zip(results, expected_ids)):
        if not isinstance(item, dict) or item.get("id") != want:
            got = item.get("id") if isinstance(item, dict) else item
            return _raise("bad_response", f"result {position} is for {got!r}, not {want!r}")
        raw_status = item.get("status")
        status = _STATUSES.get(raw_status) if isinstance(raw_status, str) else None
        if status is None:
            return _raise("bad_response", f"result {position} has unknown status {item.get('status')!r}")
        reason = item.get("reason")
        if reason is not None and not isinstance(reason, str):
            return _raise("bad_response", f"result {position} has a reason that is not text")
        if not status.stored and not reason:
            reason = f"{status.value} (the collector gave no reason)"
        parsed.append(ItemResult(want, status, reason))
    return parsed


def _raise(code: str, detail: str):
    raise BadResults(code, detail)
