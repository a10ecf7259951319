"""`kiosk queue restore FILE` brings a set-aside queue file back without sending anything twice."""
from __future__ import annotations

import shutil

import requests

from fixtures_storage import checkpointed, damage
from fixtures_sync import run_kiosk
from kiosk.store import Queue, Status
from sync.uploader import Uploader
from test_queue_repair import CountingSession


def statuses(path) -> dict[str, Status]:
    queue = Queue(path)
    try:
        return {item.response.id: item.status for item in queue.all_by_status()}
    finally:
        queue.close()


def test_a_backup_brings_back_what_a_repair_lost_and_nothing_goes_twice(tmp_path, collector_server, make_responses):
    server = collector_server()
    token = server.kiosk_token()
    data = tmp_path / "data"
    path = data / "queue.db"
    queue = Queue(path)
    queue.enqueue_many(make_responses(400, seed=11, comment="Ruang tunggu panas, mohon perbaiki AC."))
    assert Uploader(requests.Session(), server.url, token).upload_batch(queue, 150).sent == 150
    queue.close()
    checkpointed(path)
    backup = tmp_path / "backup-queue.db"
    shutil.copyfile(path, backup)
    before = statuses(path)

    damage(path, "table_page")
    repaired = Queue(path)
    lost = set(before) - {item.response.id for item in repaired.all_by_status()}
    kept = repaired.moved_aside
    repaired.close()
    assert lost, "the damage cost some rows"

    done = run_kiosk("queue", "restore", str(backup), data_dir=data)
    assert done.returncode == 0, done.stderr
    assert f"{len(lost)} added" in done.stdout and "0 moved on" in done.stdout
    assert statuses(path) == before, "every response is back with the status it had"

    again = run_kiosk("queue", "restore", str(kept), data_dir=data)
    assert again.returncode == 0 and "0 added" in again.stdout, again.stdout + again.stderr
    assert "could not be read" in again.stderr

    session = CountingSession()
    queue = Queue(path)
    try:
        assert Uploader(session, server.url, token).drain(queue, 100).ok
    finally:
        queue.close()
    assert session.answers == {"accepted": 250}, "only what was pending went, and once"
    assert server.stored_count() == 400


def test_the_more_advanced_status_wins(tmp_path, make_responses):
    one, two, three = make_responses(3, seed=12)
    other = Queue(tmp_path / "other.db")
    other.enqueue_many([one, two, three])
    other.mark_sent([one.id])
    other.mark_rejected({three.id: "conflict: another copy"})
    other.close()
    here = Queue(tmp_path / "data" / "queue.db")
    here.enqueue_many([one, two])
    here.mark_sent([two.id])
    here.close()

    done = run_kiosk("queue", "restore", str(tmp_path / "other.db"), data_dir=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    assert "1 added, 1 moved on to a later status, 1 already here" in done.stdout
    got = statuses(tmp_path / "data" / "queue.db")
    assert got == {one.id: Status.SENT, two.id: Status.SENT, three.id: Status.REJECTED}


def test_a_file_that_is_not_a_queue_is_refused_in_one_sentence(tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("hello\n" * 2000)
    for target in (junk, tmp_path / "missing.db"):
        done = run_kiosk("queue", "restore", str(target), data_dir=tmp_path / "data")
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
