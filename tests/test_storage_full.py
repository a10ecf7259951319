"""A full disk is "cannot write now", never damage: nothing is moved, saving fails visibly, all resumes after.

Unit tests use SQLite's max_page_count; the rest run on a real 4 MB tmpfs mounted by the test
(root only, as in CI), through the `kiosk` command as staff would.
"""
from __future__ import annotations

import json

import pytest
import requests

from fixtures_sync import run_kiosk
from kiosk import config as office_config
from kiosk.storage import CannotWriteNow, Problem
from kiosk.store import Queue
from sync.uploader import Uploader
from sync.worker import status_of


def said(done) -> list[str]:
    """What a command said on stderr, but for the demo office's notice on a data dir without a config."""
    return [line for line in done.stderr.splitlines() if "no config.toml" not in line]


def cap_pages(queue: Queue) -> None:
    """This thread's connection may not grow the file any more: SQLite answers SQLITE_FULL."""
    conn = queue._connect()
    (pages,) = conn.execute("PRAGMA page_count").fetchone()
    conn.execute(f"PRAGMA max_page_count = {pages}")


def test_a_full_queue_refuses_the_write_changes_nothing_and_resumes(tmp_path, make_responses):
    queue = Queue(tmp_path / "queue.db")
    try:
        queue.enqueue_many(make_responses(200, seed=2))
        cap_pages(queue)
        refused = None
        for response in make_responses(400, seed=3):
            try:
                queue.enqueue(response)
            except CannotWriteNow as exc:
                refused = (response, exc)
                break
        assert refused is not None, "the capped file filled up"
        response, exc = refused
        assert exc.problem is Problem.DISK_FULL and "disk is full" in str(exc)
        assert queue.get(response.id) is None, "the refused response is not half-stored"
        counts = queue.count_by_status()
        assert counts["pending"] >= 200
        assert queue.storage_problem().problem is Problem.DISK_FULL
        assert queue.repaired is None
        assert [p.name for p in tmp_path.glob("queue.db*") if not p.name.endswith(("-wal", "-shm"))] == ["queue.db"]
        queue._connect().execute("PRAGMA max_page_count = 1073741823")  # space again
        queue.enqueue(response)
        assert queue.get(response.id) is not None
        assert queue.storage_problem() is None
        assert queue.count_by_status()["pending"] == counts["pending"] + 1
    finally:
        queue.close()


def test_the_issue_s_full_disk_keeps_every_pending_response(small_fs):
    fs = small_fs("4m")
    data = fs.root / "data"
    made = run_kiosk("simulate", "--count", "2000", "--seed", "1", data_dir=data)
    assert made.returncode == 0, made.stderr
    filler = fs.fill()

    status = run_kiosk("status", "--json", data_dir=data)
    assert status.returncode == 1 and "Traceback" not in status.stderr
    report = json.loads(status.stdout)
    assert report["pending"] == 2000, "a healthy queue on a full disk is read as it is"
    assert report["storage"]["ok"] is False and report["storage"]["reason"] == "disk_full"
    assert "disk is full" in report["storage"]["detail"]
    assert said(status) == [said(status)[0]] and "disk is full" in said(status)[0]

    more = run_kiosk("simulate", "--count", "50", data_dir=data)
    assert more.returncode == 1 and "Traceback" not in more.stderr
    assert len(said(more)) == 1 and "disk is full" in said(more)[0]
    assert sorted(p.name for p in data.glob("queue.db*") if not p.name.endswith(("-wal", "-shm"))) == ["queue.db"]

    filler.unlink()
    after = run_kiosk("status", "--json", data_dir=data)
    assert after.returncode == 0, after.stderr
    report = json.loads(after.stdout)
    assert report["pending"] == 2000 and report["storage"]["ok"] is True and report["storage"]["last_repair"] is None
    assert run_kiosk("simulate", "--count", "5", data_dir=data).returncode == 0


def test_sync_that_cannot_mark_sent_says_so_and_the_next_sync_resends_as_duplicates(small_fs, collector_server):
    server = collector_server()
    fs = small_fs("4m")
    data = fs.root / "data"
    assert run_kiosk("simulate", "--count", "500", "--seed", "4", data_dir=data).returncode == 0
    token = server.kiosk_token()
    (data / "token").write_text(token + "\n")
    (data / "config.toml").write_text(_config_with_url(server.url))

    queue = Queue(data / "queue.db")  # opened before the disk fills, as the running kiosk has it
    try:
        queue.count_by_status()
        filler = fs.fill()

        result = Uploader(requests.Session(), server.url, token).drain(queue, 500)
        assert not result.ok and result.last.error_code == "storage"
        assert "could not mark them sent" in result.last.error and "disk is full" in result.last.error
        assert server.stored_count() == 500, "the upload itself went through"
        assert queue.count_by_status()["pending"] == 500, "still pending: they will go again"
        state = queue.sync_state()
        assert "could not mark them sent" in state.last_error

        shown = status_of(queue, office_config.load_for(data), data)
        assert shown.last_error_code == "storage"
    finally:
        queue.close()

    failed = run_kiosk("sync", "--once", "--quiet", data_dir=data)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    filler.unlink()
    synced = run_kiosk("sync", "--once", "--quiet", data_dir=data)
    assert synced.returncode == 0, synced.stderr
    assert server.stored_count() == 500, "sent again, stored once"
    report = json.loads(run_kiosk("status", "--json", data_dir=data).stdout)
    assert report["pending"] == 0 and report["sent"] == 500 and report["last_error"] is None


def _config_with_url(url: str) -> str:
    return office_config.DEMO_CONFIG.read_text().replace('url = ""', f'url = "{url}"')


@pytest.fixture(autouse=True)
def _no_data_dir_env(monkeypatch):
    monkeypatch.delenv("KIOSK_DATA_DIR", raising=False)
