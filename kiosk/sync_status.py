"""The sync status staff see on the kiosk and `kiosk status` prints: one type, read from the queue."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ALARM_AFTER_S = 24 * 3600.0  # responses waiting longer than this raise the staff alarm
# Why the last sync failed, shared by sync/ (which finds it), the UI (which translates it) and `kiosk status`.
# "storage": the kiosk could not read or write its own queue (full disk, read-only, I/O error).
ERROR_CODES = ("unauthorised", "network", "timeout", "server", "captive_portal", "bad_response", "tls", "storage")


@dataclass(frozen=True)
class SyncStatus:
    enabled: bool
    pending: int
    sent: int
    rejected: int
    oldest_pending_age_s: float | None
    last_success: float | None      # epoch seconds
    last_error: str | None          # English detail, for logs and `kiosk status`
    last_error_code: str | None     # one of ERROR_CODES
    alarm: bool                     # something has been pending for more than ALARM_AFTER_S
    authorised: bool
    syncing: bool


def split_error(recorded: str | None) -> tuple[str | None, str | None]:
    """Queue.sync_state().last_error is stored as "code: detail"; split it back."""
    if not recorded:
        return None, None
    code, sep, detail = recorded.partition(": ")
    if sep and code in ERROR_CODES:
        return code, detail
    return "network", recorded


def status_from_queue(queue: Any, *, enabled: bool, missing_token: str | None = None,
                      syncing: bool = False) -> SyncStatus:
    """The status as the queue records it. `missing_token` (an English detail) says sync has no token:
    it counts as the last error when nothing else failed since."""
    counts = queue.count_by_status()
    age = queue.oldest_pending_age()
    state = queue.sync_state()
    code, detail = split_error(state.last_error)
    authorised = code != "unauthorised"
    if enabled and missing_token is not None:
        authorised = False
        if code is None:
            code, detail = "unauthorised", missing_token
    return SyncStatus(
        enabled=enabled,
        pending=counts["pending"],
        sent=counts["sent"],
        rejected=counts["rejected"],
        oldest_pending_age_s=age,
        last_success=state.last_success,
        last_error=detail,
        last_error_code=code,
        alarm=age is not None and age > ALARM_AFTER_S,
        authorised=authorised,
        syncing=syncing,
    )
