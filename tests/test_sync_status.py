"""The one sync status type: read from the queue, with the error code split back and the 24 h alarm."""
from __future__ import annotations

from kiosk.response import new_response, now_local
from kiosk.store import Queue
from kiosk.sync_status import ALARM_AFTER_S, ERROR_CODES, split_error, status_from_queue


def enqueue(queue) -> None:
    queue.enqueue(new_response(office_id="x", service_id=None, answers={"U1": 4}, started_at=now_local()))


def test_status_from_queue(queue):
    assert status_from_queue(queue, enabled=False).pending == 0
    enqueue(queue)
    queue.record_sync(success=False, error="connection refused")
    status = status_from_queue(queue, enabled=True)
    assert (status.pending, status.sent, status.rejected) == (1, 0, 0)
    assert status.enabled and status.authorised and not status.alarm and status.oldest_pending_age_s >= 0
    assert (status.last_error_code, status.last_error) == ("network", "connection refused")


def test_the_recorded_error_code_is_split_back():
    assert split_error("timeout: timed out waiting for the collector") == ("timeout", "timed out waiting for the collector")
    assert split_error("whatever: happened") == ("network", "whatever: happened")
    assert split_error(None) == (None, None)
    assert all(split_error(f"{code}: x") == (code, "x") for code in ERROR_CODES)


def test_a_missing_token_is_unauthorised_only_while_sync_is_on(queue):
    off = status_from_queue(queue, enabled=False, missing_token="no token")
    assert off.authorised and off.last_error_code is None
    on = status_from_queue(queue, enabled=True, missing_token="no token")
    assert not on.authorised and (on.last_error_code, on.last_error) == ("unauthorised", "no token")
    queue.record_sync(success=False, error="server: the collector answered HTTP 503")
    later = status_from_queue(queue, enabled=True, missing_token="no token")
    assert not later.authorised and later.last_error_code == "server", "the latest failure is the one shown"


def test_the_alarm_rings_after_a_day_pending(tmp_path):
    now = [1_800_000_000.0]
    queue = Queue(tmp_path / "q.db", clock=lambda: now[0])
    try:
        enqueue(queue)
        now[0] += ALARM_AFTER_S - 60
        assert not status_from_queue(queue, enabled=True).alarm
        now[0] += 120
        assert status_from_queue(queue, enabled=True).alarm
    finally:
        queue.close()
