"""A damaged queue file is repaired, never abandoned: every readable response keeps its status, none is sent twice.

Each case: 600 responses, 250 of them already sent to the real collector; the closed file is
damaged (an index page or a table page overwritten, the file cut short, the header
overwritten); the queue is opened again, then synced to the collector.
"""
from __future__ import annotations

import json

import pytest
import requests

from fixtures_storage import DAMAGE_KINDS, damage
from kiosk.store import Queue, Status
from sync.uploader import Uploader

TOTAL, SENT_FIRST = 600, 250


class CountingSession(requests.Session):
    """A session that tallies the collector's per-item answers (to see that nothing went twice)."""

    def __init__(self):
        super().__init__()
        self.answers: dict[str, int] = {}

    def request(self, *args, **kwargs):
        answer = super().request(*args, **kwargs)
        try:
            for item in answer.json().get("results", []):
                self.answers[item["status"]] = self.answers.get(item["status"], 0) + 1
        except ValueError:
            pass
        return answer


@pytest.fixture
def synced_queue(tmp_path, collector_server, make_responses):
    """A queue of TOTAL responses, SENT_FIRST of them uploaded to a real collector; closed."""
    server = collector_server()
    token = server.kiosk_token()
    path = tmp_path / "data" / "queue.db"
    queue = Queue(path)
    responses = make_responses(TOTAL, seed=9, comment="Petugas ramah dan membantu.")
    queue.enqueue_many(responses)
    session = CountingSession()
    uploader = Uploader(session, server.url, token)
    assert uploader.upload_batch(queue, SENT_FIRST).sent == SENT_FIRST
    queue.close()
    return server, token, path


def statuses(queue: Queue) -> dict[str, Status]:
    return {item.response.id: item.status for item in queue.all_by_status()}


def drain_to_sent(queue, server, token) -> CountingSession:
    session = CountingSession()
    result = Uploader(session, server.url, token).drain(queue, 200)
    assert result.ok, result.last.error
    return session


@pytest.mark.parametrize("kind", DAMAGE_KINDS)
def test_damage_is_repaired_keeping_every_readable_row_and_nothing_is_sent_twice(kind, synced_queue, capsys):
    server, token, path = synced_queue
    before_queue = Queue(path)
    before = statuses(before_queue)
    before_queue.close()
    assert len(before) == TOTAL
    stored_before = server.stored_count()

    what = damage(path, kind)
    queue = Queue(path)
    try:
        report = queue.repaired
        assert report is not None, "the damage was noticed"
        assert queue.moved_aside.exists(), "the damaged file is kept"
        after = statuses(queue)
        assert all(after[i] is before[i] for i in after), "every recovered row keeps its status"
        assert set(after) <= set(before)
        assert report.rows_recovered == len(after)
        assert report.rows_recovered + report.rows_lost >= TOTAL, "what is not recovered is counted as lost"
        if kind in ("index_page", "garbage_header"):
            assert len(after) == TOTAL, "every row could be read: every row is kept"
        with capsys.disabled():
            print(f"\n  {kind} {what}: {report.kind}, {report.rows_recovered} recovered, {report.rows_lost} lost")
        assert queue.last_repair() == report
        pending = sum(1 for s in after.values() if s is Status.PENDING)

        session = drain_to_sent(queue, server, token)
        assert session.answers.get("duplicate", 0) == 0, "nothing sent before is sent again"
        assert session.answers.get("accepted", 0) == pending
        assert server.stored_count() == stored_before + pending
        assert queue.count_by_status()["pending"] == 0
    finally:
        queue.close()


def test_status_reports_the_repair(tmp_path, make_responses):
    from kiosk.commands.status import collect

    data = tmp_path / "data"
    queue = Queue(data / "queue.db")
    queue.enqueue_many(make_responses(300, seed=4, comment="Antrean terlalu lama, mohon ditambah loket."))
    queue.close()
    damage(data / "queue.db", "table_page")
    status = collect(data)
    repair = status["storage"]["last_repair"]
    assert repair["kind"] == "salvaged" and repair["rows_lost"] > 0
    assert repair["rows_recovered"] + repair["rows_lost"] == 300
    assert repair["kept_file"].startswith(str(data / "queue.db.damaged-"))
    assert status["pending"] == repair["rows_recovered"]
    assert json.dumps(status)  # all of it is JSON
