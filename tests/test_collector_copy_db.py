"""`kiosk admin copy-db --to URL`: an office's SQLite collector moved to PostgreSQL (and back), nothing lost."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fixtures_collector import DEMO_OFFICE, CollectorApp, make_wire

REPO = Path(__file__).resolve().parent.parent


def kiosk(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=120)


def what_an_admin_reads(db_url: str) -> tuple[dict, str, str]:
    report = kiosk("report", "--office", DEMO_OFFICE, "--from", "2026-01-01", "--to", "2026-12-31", "--db", db_url)
    link = kiosk("qr", "link", "--office", DEMO_OFFICE, "--base-url", "https://skm.example.go.id", "--db", db_url)
    kiosks = kiosk("admin", "kiosks", "--db", db_url)
    assert report.returncode == link.returncode == kiosks.returncode == 0, report.stderr + link.stderr + kiosks.stderr
    return json.loads(report.stdout), link.stdout.strip(), kiosks.stdout


def test_sqlite_moves_to_postgresql_with_the_same_reports_links_and_tokens(tmp_path, postgres_database):
    sqlite_url = f"sqlite:///{tmp_path / 'collector.db'}"
    app = CollectorApp(sqlite_url)
    try:
        answers = [{f"U{i}": 1 + (i * n) % 4 for i in range(1, 10)} for n in range(1, 13)]
        assert app.statuses([make_wire(answers=a) for a in answers]) == ["accepted"] * 12
        assert app.statuses([make_wire(complete=False, answers={"U1": 2})]) == ["accepted"]
        token = app.token
    finally:
        app.close()
    before = what_an_admin_reads(sqlite_url)
    postgres_url = postgres_database()
    moved = kiosk("admin", "copy-db", "--db", sqlite_url, "--to", postgres_url)
    assert moved.returncode == 0, moved.stderr
    assert json.loads(moved.stdout)["copied"]["responses"] == 13
    assert what_an_admin_reads(postgres_url) == before
    # The kiosks keep their tokens: the next upload lands in PostgreSQL, and an old one is a duplicate.
    moved_app = CollectorApp(postgres_url)
    try:
        assert moved_app.statuses([make_wire()], token=token) == ["accepted"]
        assert len(moved_app.stored()) == 14
    finally:
        moved_app.close()
    again = kiosk("admin", "copy-db", "--db", sqlite_url, "--to", postgres_url)
    assert again.returncode != 0 and "already has rows" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1 and "Traceback" not in again.stderr
    # And back, should an office ever leave the region's server.
    back_url = f"sqlite:///{tmp_path / 'back.db'}"
    back = kiosk("admin", "copy-db", "--db", postgres_url, "--to", back_url)
    assert back.returncode == 0, back.stderr
    assert json.loads(back.stdout)["copied"]["responses"] == 14


def test_unreachable_target_is_one_sentence(tmp_path):
    sqlite_url = f"sqlite:///{tmp_path / 'collector.db'}"
    CollectorApp(sqlite_url).close()
    done = kiosk("admin", "copy-db", "--db", sqlite_url, "--to", "postgresql://skm@127.0.0.1:1/skm")
    assert done.returncode != 0
    assert "cannot open the collector database" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr

