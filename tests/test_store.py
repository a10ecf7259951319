"""The durable queue: statuses, named queries, kill -9 safety, corrupt files, two threads."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kiosk.response import new_response, now_local
from kiosk.store import Queue, Status


def response(i=0, **kw):
    return new_response(office_id="dukcapil-butur", service_id="kk", answers={"U1": 1 + i % 4},
                        started_at=now_local(), **kw)


class Clock:
    def __init__(self, t=1_000_000.0):
        self.t = t

    def __call__(self):
        return self.t


def test_pending_batch_is_oldest_first_and_round_trips(queue):
    items = [response(i) for i in range(5)]
    for r in items:
        queue.enqueue(r)
    assert queue.pending_batch(3) == items[:3]
    assert queue.count_by_status() == {"pending": 5, "sent": 0, "rejected": 0}


def test_statuses_and_reasons(queue):
    a, b, c = response(1), response(2), response(3)
    for r in (a, b, c):
        queue.enqueue(r)
    queue.mark_sent([a.id])
    queue.mark_rejected({b.id: "answers.U1 must be an integer 1..4"})
    assert queue.count_by_status() == {"pending": 1, "sent": 1, "rejected": 1}
    assert queue.get(b.id).status is Status.REJECTED
    assert queue.get(b.id).reason == "answers.U1 must be an integer 1..4"
    assert queue.pending_batch(10) == [c]
    assert [q.response for q in queue.all_by_status(Status.REJECTED)] == [b]


def test_same_id_twice_is_refused(queue):
    r = response()
    queue.enqueue(r)
    with pytest.raises(Exception):
        queue.enqueue(r)
    assert queue.count_by_status()["pending"] == 1


def test_oldest_pending_age_and_purge_keep_pending_and_rejected(tmp_path):
    clock = Clock()
    q = Queue(tmp_path / "q.db", clock=clock)
    assert q.oldest_pending_age() is None
    sent, pending, rejected = response(1), response(2), response(3)
    for r in (sent, pending, rejected):
        q.enqueue(r)
    q.mark_sent([sent.id])
    q.mark_rejected({rejected.id: "conflict"})
    clock.t += 40 * 86400
    assert q.oldest_pending_age() == pytest.approx(40 * 86400)
    assert q.purge_sent(older_than_s=30 * 86400) == 1
    assert q.count_by_status() == {"pending": 1, "sent": 0, "rejected": 1}
    q.close()


def test_sync_state_records_success_and_error(queue):
    queue.record_sync(success=False, error="network: connection refused")
    state = queue.sync_state()
    assert state.last_error == "network: connection refused" and state.last_success is None
    queue.record_sync(success=True)
    state = queue.sync_state()
    assert state.last_error is None and state.last_success is not None


def test_migrations_are_recorded_once(tmp_path):
    Queue(tmp_path / "q.db").close()
    q = Queue(tmp_path / "q.db")
    rows = list(q._db().execute("SELECT number, name FROM migrations ORDER BY number"))
    assert [n for n, _ in rows] == [1, 2, 3]
    assert q._db().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    q.close()


WRITER = """
import sys
from kiosk.store import Queue
from kiosk.response import new_response, now_local
q = Queue(sys.argv[1])
r = new_response(office_id="dukcapil-butur", service_id="kk", answers={"U1": 4}, started_at=now_local())
q.enqueue(r)
print(r.id, flush=True)
sys.stdin.read()  # wait here, holding the connection open, until killed
"""


def test_enqueue_survives_kill_9_right_after_it_returned(tmp_path):
    path = tmp_path / "q.db"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    response_id = proc.stdout.readline().strip()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    q = Queue(path)
    assert q.get(response_id).status is Status.PENDING
    q.close()


def test_a_file_that_is_no_database_is_kept_and_a_new_queue_works(tmp_path, caplog):
    path = tmp_path / "queue.db"
    path.write_bytes(b"\x00garbage" * 4096)
    q = Queue(path)
    assert q.moved_aside is not None and q.moved_aside.read_bytes() == b"\x00garbage" * 4096
    assert "DAMAGED" in caplog.text and str(q.moved_aside) in caplog.text
    assert q.repaired.rows_recovered == 0
    q.enqueue(response())
    assert q.count_by_status()["pending"] == 1
    assert q.last_repair().kept_file == str(q.moved_aside)
    q.close()


def test_ui_thread_and_sync_thread_at_once(tmp_path):
    q = Queue(tmp_path / "q.db")
    written, errors = [], []

    def ui():
        try:
            for i in range(100):
                r = response(i)
                q.enqueue(r)
                written.append(r.id)
        except Exception as exc:  # surfaced below
            errors.append(exc)

    def sync():
        try:
            sent = 0
            deadline = time.monotonic() + 30
            while sent < 100 and time.monotonic() < deadline:
                batch = q.pending_batch(7)
                q.mark_sent([r.id for r in batch])
                sent += len(batch)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ui), threading.Thread(target=sync)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert q.count_by_status() == {"pending": 0, "sent": 100, "rejected": 0}
    q.close()
