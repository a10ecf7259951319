"""The uploader's contract suite: unchanged against the fake transport and the real collector on 127.0.0.1."""
from __future__ import annotations

import socket
from dataclasses import replace

import pytest

from kiosk.store import Queue
from sync.connection import test_connection as check_connection
from sync.uploader import Uploader


@pytest.fixture
def uploader(sync_target):
    return Uploader(sync_target.session, sync_target.base_url, sync_target.token, timeout=(2.0, 10.0))


def enqueue(queue, responses):
    for r in responses:
        queue.enqueue(r)
    return responses


def test_a_batch_is_accepted_and_marked_sent(sync_target, uploader, queue, make_responses):
    batch = enqueue(queue, make_responses(6))
    result = uploader.upload_batch(queue, 100)
    assert result.ok and (result.attempted, result.sent, result.rejected) == (6, 6, 0)
    assert queue.count_by_status() == {"pending": 0, "sent": 6, "rejected": 0}
    assert sync_target.stored_ids() == {r.id for r in batch}


def test_a_resent_batch_is_duplicate_and_stored_once(sync_target, uploader, queue, tmp_path, make_responses):
    batch = enqueue(queue, make_responses(4))
    assert uploader.upload_batch(queue, 100).ok
    # The same responses again, as from a kiosk whose queue was restored from a backup.
    again = Queue(tmp_path / "restored.db")
    try:
        enqueue(again, batch)
        result = uploader.upload_batch(again, 100)
        assert result.ok and result.sent == 4
        assert again.count_by_status() == {"pending": 0, "sent": 4, "rejected": 0}
    finally:
        again.close()
    assert sync_target.stored_count() == 4


def test_same_id_other_content_is_a_conflict_kept_as_rejected(sync_target, uploader, queue, tmp_path,
                                                              make_responses):
    (original,) = enqueue(queue, make_responses(1))
    assert uploader.upload_batch(queue, 10).ok
    other = Queue(tmp_path / "other.db")
    try:
        changed = replace(original, answers={**original.answers, "U1": 5 - original.answers["U1"]})
        enqueue(other, [changed])
        result = uploader.upload_batch(other, 10)
        assert result.ok and result.rejected == 1
        kept = other.get(original.id)
        assert kept.status.value == "rejected" and kept.reason.startswith("conflict")
    finally:
        other.close()
    assert sync_target.stored_count() == 1


def test_invalid_and_foreign_responses_are_rejected_per_item(sync_target, uploader, queue, make_responses):
    good1, bad_answer, foreign, good2 = make_responses(4, seed=3)
    bad_answer = replace(bad_answer, answers={**bad_answer.answers, "U3": 9})
    foreign = replace(foreign, office_id="dukcapil-lain")
    enqueue(queue, [good1, bad_answer, foreign, good2])
    result = uploader.upload_batch(queue, 10)
    assert result.ok and (result.sent, result.rejected) == (2, 2)
    assert queue.get(good1.id).status.value == "sent" and queue.get(good2.id).status.value == "sent"
    assert queue.get(bad_answer.id).status.value == "rejected" and "U3" in queue.get(bad_answer.id).reason
    assert queue.get(foreign.id).status.value == "rejected" and "office" in queue.get(foreign.id).reason
    assert sync_target.stored_ids() == {good1.id, good2.id}
    assert uploader.upload_batch(queue, 10).attempted == 0  # refused items are never sent again


def test_a_revoked_token_keeps_everything_pending(sync_target, uploader, queue, make_responses):
    enqueue(queue, make_responses(3))
    sync_target.revoke()
    result = uploader.upload_batch(queue, 10)
    assert result.unauthorised and result.http_status == 401
    assert queue.count_by_status() == {"pending": 3, "sent": 0, "rejected": 0}
    assert sync_target.stored_count() == 0


def test_a_backlog_drains_batch_by_batch(sync_target, uploader, queue, make_responses):
    batch = enqueue(queue, make_responses(23, seed=7))
    result = uploader.drain(queue, 10)
    assert result.ok and result.batches == 3 and result.sent == 23
    assert sync_target.stored_ids() == {r.id for r in batch}
    assert queue.sync_state().last_success is not None


def test_the_connection_check_sees_a_healthy_collector(sync_target):
    check = check_connection(sync_target.base_url, timeout=2.0, session=sync_target.session)
    assert check.ok and check.code == "ok"


def test_the_connection_check_names_the_failure():
    assert check_connection("ftp://example.id").code == "bad_url"
    assert check_connection("http://").code == "bad_url"
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    closed = check_connection(f"http://127.0.0.1:{port}", timeout=1.0)
    assert not closed.ok and closed.code == "network"
