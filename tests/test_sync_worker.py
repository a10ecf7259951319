"""The sender thread: start-up, wake, timer, sync now, stop, 401, alarm, refused items."""
from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from kiosk.store import Queue
from kiosk.sync_status import ALARM_AFTER_S
from sync.backoff import Backoff
from sync.token import write_token
from sync.worker import SyncWorker, status_of

URL = "https://collector.example.id"


def eventually(check, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.01)
    return check()


def drained(worker) -> bool:
    """Nothing pending and the drain that sent it has finished (its results recorded)."""
    status = worker.status()
    return status.pending == 0 and not status.syncing


@pytest.fixture
def config(demo_config):
    return demo_config.with_sync(url=URL, token_file="token", batch_size=4, interval_s=3600)


@pytest.fixture
def enrolled(data_dir):
    write_token(data_dir / "token", "good-token")
    return data_dir


@pytest.fixture
def make_worker(queue, config, enrolled, fake_collector):
    made = []

    def make(**kwargs):
        kwargs.setdefault("session", fake_collector)
        kwargs.setdefault("backoff", Backoff(base_s=1000, cap_s=1000, random=lambda: 1.0))
        worker = SyncWorker(queue, kwargs.pop("config", config), enrolled, **kwargs)
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.stop()


def test_start_up_drains_the_backlog_in_batches(make_worker, queue, make_responses, fake_collector):
    for r in make_responses(10):
        queue.enqueue(r)
    worker = make_worker()
    worker.start()
    assert eventually(lambda: drained(worker))
    assert [len(p["ids"]) for p in fake_collector.posts] == [4, 4, 2]
    status = worker.status()
    assert status.sent == 10 and status.authorised and status.last_success and status.last_error is None


def test_wake_sends_a_new_response_soon(make_worker, queue, make_responses):
    worker = make_worker()
    worker.start()
    assert eventually(lambda: worker.cycles == 1)
    (r,) = make_responses(1)
    queue.enqueue(r)
    worker.wake()
    assert eventually(lambda: worker.status().sent == 1)


def test_timer_sends_without_a_wake(make_worker, queue, make_responses, config):
    worker = make_worker(config=config.with_sync(interval_s=0.05))
    worker.start()
    assert eventually(lambda: worker.cycles >= 1)
    (r,) = make_responses(1)
    queue.enqueue(r)
    assert eventually(lambda: worker.status().sent == 1)


def test_backoff_holds_wakes_but_sync_now_goes_through(make_worker, queue, make_responses, fake_collector):
    fake_collector.faults.append(503)
    for r in make_responses(2):
        queue.enqueue(r)
    worker = make_worker()
    worker.start()
    assert eventually(lambda: worker.status().last_error_code == "server")
    worker.wake()
    time.sleep(0.2)
    assert len(fake_collector.posts) == 1 and worker.status().pending == 2  # backing off for 1000 s
    worker.sync_now()
    assert eventually(lambda: drained(worker))
    assert worker.status().last_error is None


def test_stop_joins_the_thread(make_worker):
    worker = make_worker()
    worker.start()
    assert eventually(lambda: worker.cycles == 1)
    thread = worker._thread
    worker.stop(timeout=5)
    assert not thread.is_alive()


def test_401_keeps_everything_pending_and_stops_trying(make_worker, queue, make_responses, fake_collector, enrolled):
    fake_collector.revoke_all()
    for r in make_responses(3):
        queue.enqueue(r)
    worker = make_worker()
    worker.start()
    assert eventually(lambda: worker.status().last_error_code == "unauthorised")
    status = worker.status()
    assert not status.authorised and status.pending == 3 and "not authorised" in status.last_error
    for _ in range(3):
        worker.wake()
    time.sleep(0.2)
    assert len(fake_collector.posts) == 1
    # Re-enrolment writes a new token: the next wake picks it up.
    fake_collector.tokens["new-token"] = fake_collector.office_id
    time.sleep(0.01)
    write_token(enrolled / "token", "new-token")
    worker.wake()
    assert eventually(lambda: drained(worker))
    assert worker.status().authorised


def test_sync_now_retries_after_a_401(make_worker, queue, make_responses, fake_collector):
    fake_collector.faults.append(401)
    (r,) = make_responses(1)
    queue.enqueue(r)
    worker = make_worker()
    worker.start()
    assert eventually(lambda: worker.status().last_error_code == "unauthorised")
    worker.sync_now()
    assert eventually(lambda: worker.status().sent == 1)


def test_no_token_means_not_authorised(make_worker, queue, make_responses, enrolled, fake_collector):
    (enrolled / "token").unlink()
    (r,) = make_responses(1)
    queue.enqueue(r)
    worker = make_worker()
    worker.start()
    assert eventually(lambda: worker.cycles == 1)
    status = worker.status()
    assert not status.authorised and status.last_error_code == "unauthorised" and status.pending == 1
    assert fake_collector.posts == []


def test_refused_items_are_kept_and_never_retried(make_worker, queue, make_responses, fake_collector):
    good, bad = make_responses(2, seed=9)
    bad = replace(bad, office_id="another-office")
    queue.enqueue(good)
    queue.enqueue(bad)
    worker = make_worker()
    worker.start()
    assert eventually(lambda: worker.status().rejected == 1 and worker.status().sent == 1)
    for _ in range(3):
        worker.sync_now()
        time.sleep(0.05)
    sent_ids = [i for p in fake_collector.posts for i in (p["ids"] or [])]
    assert sent_ids.count(bad.id) == 1
    kept = queue.get(bad.id)
    assert kept.status.value == "rejected" and "office" in kept.reason


def test_disabled_without_a_url(make_worker, queue, make_responses, config, fake_collector):
    (r,) = make_responses(1)
    queue.enqueue(r)
    worker = make_worker(config=config.with_sync(url=""))
    worker.start()
    worker.sync_now()
    time.sleep(0.1)
    status = worker.status()
    assert not status.enabled and status.pending == 1 and fake_collector.posts == []


def test_syncing_is_true_while_a_batch_is_in_flight(make_worker, queue, make_responses, fake_collector):
    release, entered = threading.Event(), threading.Event()
    real_post = fake_collector.post

    def slow_post(*args, **kwargs):
        entered.set()
        release.wait(5)
        return real_post(*args, **kwargs)

    fake_collector.post = slow_post
    (r,) = make_responses(1)
    queue.enqueue(r)
    worker = make_worker()
    worker.start()
    assert entered.wait(5)
    assert worker.status().syncing
    release.set()
    assert eventually(lambda: worker.status().sent == 1 and not worker.status().syncing)


def test_alarm_after_24_hours(tmp_path, config, make_responses, enrolled):
    now = [1_800_000_000.0]
    queue = Queue(tmp_path / "q.db", clock=lambda: now[0])
    try:
        (r,) = make_responses(1)
        queue.enqueue(r)
        now[0] += ALARM_AFTER_S - 60
        assert not status_of(queue, config, enrolled).alarm
        now[0] += 120
        status = status_of(queue, config, enrolled)
        assert status.alarm and status.oldest_pending_age_s == pytest.approx(ALARM_AFTER_S + 60)
        assert SyncWorker(queue, config, enrolled).status().alarm
    finally:
        queue.close()


def test_injected_sleep_gets_the_backoff_delay(queue, config, enrolled, make_responses, fake_collector):
    asked = []
    fake_collector.faults.extend([503, 503])
    (r,) = make_responses(1)
    queue.enqueue(r)
    clock = [0.0]
    worker = SyncWorker(queue, config, enrolled, session=fake_collector, clock=lambda: clock[0],
                        backoff=Backoff(base_s=8, cap_s=60, random=lambda: 1.0, clock=lambda: clock[0]))

    def sleep(seconds):
        asked.append(seconds)
        clock[0] += seconds
        if len(asked) >= 3:
            worker._stopping.set()

    worker._sleep = sleep
    worker.start()
    worker._thread.join(5)
    assert asked[:2] == [8, 16]
    assert queue.count_by_status()["sent"] == 1


def test_the_worker_leaves_the_upload_to_another_sender(make_worker, queue, make_responses, fake_collector,
                                                       enrolled, monkeypatch):
    from sync import worker as worker_module
    from sync.lock import SenderLock

    monkeypatch.setattr(worker_module, "LOCKED_RETRY_S", 0.05)
    (r,) = make_responses(1)
    queue.enqueue(r)
    other = SenderLock(enrolled)
    assert other.acquire()  # as `kiosk sync` in a terminal would hold it
    worker = make_worker()
    worker.start()
    assert eventually(lambda: worker.cycles >= 2)
    assert fake_collector.posts == [] and worker.status().pending == 1
    other.release()
    assert eventually(lambda: worker.status().sent == 1)


def test_old_sent_responses_are_purged_pending_and_rejected_kept(tmp_path, config, enrolled, make_responses,
                                                                fake_collector):
    now = [1_800_000_000.0]
    queue = Queue(tmp_path / "q.db", clock=lambda: now[0])
    try:
        old, refused, waiting = make_responses(3, seed=21)
        queue.enqueue(old)
        queue.enqueue(replace(refused, office_id="another-office"))
        worker = SyncWorker(queue, config, enrolled, session=fake_collector, keep_sent_s=30 * 86400,
                            clock=lambda: now[0])
        worker.run_cycle(queue, fake_collector)
        assert queue.count_by_status() == {"pending": 0, "sent": 1, "rejected": 1}
        now[0] += 31 * 86400
        queue.enqueue(waiting)
        fake_collector.faults.append(503)  # the new one cannot go out: it stays pending
        worker.run_cycle(queue, fake_collector)
        worker.backoff.reset()
        fake_collector.faults.clear()
        fake_collector.tokens.clear()  # and now it cannot be sent either: 401 keeps it pending
        worker.sync_now()
        worker.run_cycle(queue, fake_collector)
        assert queue.count_by_status() == {"pending": 1, "sent": 1, "rejected": 1}  # no purge without a success
        fake_collector.tokens["good-token"] = fake_collector.office_id
        worker.run_cycle(queue, fake_collector)
        assert queue.count_by_status() == {"pending": 0, "sent": 1, "rejected": 1}
        assert queue.get(old.id) is None and queue.get(waiting.id).status.value == "sent"
        assert queue.get(refused.id).status.value == "rejected"
    finally:
        queue.close()
