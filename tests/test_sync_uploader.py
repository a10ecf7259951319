"""The uploader against the in-memory fake collector: what each kind of bad answer changes (nothing)."""
from __future__ import annotations

import gzip
import json

import pytest

from sync.uploader import Uploader

URL = "https://collector.example.id"


@pytest.fixture
def uploader(fake_collector):
    return Uploader(fake_collector, URL + "/", "good-token", timeout=(1.5, 4.0))


@pytest.fixture
def backlog(queue, make_responses):
    batch = make_responses(7)
    for r in batch:
        queue.enqueue(r)
    return batch


def test_request_carries_gzip_bearer_timeouts_and_verification(uploader, fake_collector, queue, backlog):
    fake_collector.verify = False  # a session someone misconfigured: the uploader must not follow it
    result = uploader.upload_batch(queue, 100)
    assert result.ok and result.sent == 7
    (post,) = fake_collector.posts
    assert post["url"] == URL + "/api/v1/responses"
    assert post["headers"]["Authorization"] == "Bearer good-token"
    assert post["headers"]["Content-Encoding"] == "gzip"
    assert post["kwargs"]["verify"] is True
    assert post["kwargs"]["timeout"] == (1.5, 4.0)
    assert post["kwargs"]["allow_redirects"] is False
    assert post["ids"] == [r.id for r in backlog]


def test_batch_is_oldest_first_and_limited(uploader, fake_collector, queue, backlog):
    result = uploader.upload_batch(queue, 3)
    assert result.attempted == 3
    assert fake_collector.posts[0]["ids"] == [r.id for r in backlog[:3]]
    assert queue.count_by_status() == {"pending": 4, "sent": 3, "rejected": 0}


@pytest.mark.parametrize("fault, code", [
    ("drop_before", "network"),
    ("drop_after", "network"),
    ("timeout_after", "timeout"),
    ("captive", "captive_portal"),
    ("redirect", "captive_portal"),
    ("truncated", "bad_response"),
    ("mismatch", "bad_response"),
    ("tls", "tls"),
    (503, "server"),
    (500, "server"),
    (404, "bad_response"),
    (403, "bad_response"),
    ((403, "html"), "captive_portal"),
    ((401, "html"), "captive_portal"),
])
def test_a_failed_upload_changes_nothing(uploader, fake_collector, queue, backlog, fault, code):
    fake_collector.faults.append(fault)
    result = uploader.upload_batch(queue, 100)
    assert result.error_code == code and not result.ok
    assert result.error
    assert queue.count_by_status() == {"pending": 7, "sent": 0, "rejected": 0}


@pytest.mark.parametrize("fault", ["drop_after", "timeout_after", "truncated", "mismatch"])
def test_after_a_lost_answer_the_retry_marks_everything_sent_once(uploader, fake_collector, queue, backlog, fault):
    fake_collector.faults.append(fault)
    assert not uploader.upload_batch(queue, 100).ok
    assert len(fake_collector.stored) == 7  # the collector did store them
    retry = uploader.upload_batch(queue, 100)
    assert retry.ok and retry.sent == 7
    assert queue.count_by_status() == {"pending": 0, "sent": 7, "rejected": 0}
    assert len(fake_collector.stored) == 7


def test_retry_after_is_passed_on(uploader, fake_collector, queue, backlog):
    fake_collector.faults.append((429, {"Retry-After": "42"}))
    result = uploader.upload_batch(queue, 100)
    assert result.error_code == "server" and result.retry_after_s == 42


def test_401_keeps_everything_pending(uploader, fake_collector, queue, backlog):
    fake_collector.revoke_all()
    result = uploader.upload_batch(queue, 100)
    assert result.unauthorised and "not authorised" in result.error
    assert queue.count_by_status()["pending"] == 7


def test_drain_sends_the_backlog_batch_by_batch_and_records_it(uploader, fake_collector, queue, backlog):
    seen = []
    result = uploader.drain(queue, 3, progress=lambda done, total: seen.append((done, total)))
    assert result.ok and result.batches == 3 and result.sent == 7
    assert seen == [(3, 7), (6, 7), (7, 7)]
    assert [len(p["ids"]) for p in fake_collector.posts] == [3, 3, 1]
    assert queue.sync_state().last_success is not None and queue.sync_state().last_error is None


def test_drain_stops_at_the_first_failure_and_records_it(uploader, fake_collector, queue, backlog):
    fake_collector.faults.extend([None, 503])
    result = uploader.drain(queue, 3)
    assert not result.ok and result.sent == 3
    assert queue.count_by_status()["pending"] == 4
    assert queue.sync_state().last_error.startswith("server: ")
    assert len(fake_collector.posts) == 2


def test_drain_halves_the_batch_on_413(uploader, fake_collector, queue, backlog):
    fake_collector.faults.append(413)
    result = uploader.drain(queue, 6)
    assert result.ok and queue.count_by_status() == {"pending": 0, "sent": 7, "rejected": 0}
    # Refused (the fake counts no ids for it), then halved, in order.
    assert [len(p["ids"] or []) for p in fake_collector.posts] == [0, 3, 3, 1]
    assert [i for p in fake_collector.posts[1:] for i in p["ids"]] == [r.id for r in backlog]


def test_refused_items_are_kept_with_the_reason_and_not_resent(uploader, fake_collector, queue, make_responses):
    good, bad = make_responses(2, seed=5)
    bad = type(bad)(**{**vars(bad), "answers": {**bad.answers, "U1": 7}})
    queue.enqueue(good)
    queue.enqueue(bad)
    assert uploader.drain(queue, 10).ok
    kept = queue.get(bad.id)
    assert kept.status.value == "rejected" and "U1" in kept.reason and kept.reason.startswith("rejected")
    assert queue.get(good.id).status.value == "sent"
    assert uploader.upload_batch(queue, 10).attempted == 0
    assert len(fake_collector.posts) == 1


def test_envelope_is_the_wire_shape(uploader, fake_collector, queue, backlog, monkeypatch):
    bodies = []
    real_ingest = fake_collector.ingest
    monkeypatch.setattr(fake_collector, "ingest", lambda data, headers: bodies.append(data) or real_ingest(data, headers))
    uploader.upload_batch(queue, 2)
    assert json.loads(gzip.decompress(bodies[0]))["responses"] == [r.to_wire() for r in backlog[:2]]
