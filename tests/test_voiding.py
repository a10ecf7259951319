"""Voiding and restoring responses with `kiosk admin`, never deleting, every step in the audit log (SQLite, PostgreSQL)."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from collector import db, migrations, records
from collector.ingest import store_batch
from collector.reports import office_report
from kiosk.config import DEMO_CONFIG
from fixtures_collector import DEMO_OFFICE, make_wire

RECEIVED = datetime(2026, 11, 29, 3, 0, tzinfo=timezone.utc)


def admin(db_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk", "admin", *args, "--db", db_url],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def stored(collector_db_url):
    engine = db.make_engine(collector_db_url)
    migrations.migrate(engine)
    records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
    wires = [make_wire(answers={f"U{k}": 4 if n < 3 else 1 for k in range(1, 10)},
                       submitted_at=datetime(2026, 11, 20, 9, tzinfo=timezone(timedelta(hours=8))) + timedelta(hours=n))
             for n in range(4)]
    assert {r.status for r in store_batch(engine, DEMO_OFFICE, wires, channel="kiosk", now=RECEIVED)} == {"accepted"}
    yield collector_db_url, engine, [w["id"] for w in wires]
    engine.dispose()


def test_void_restore_and_the_audit_log(stored):
    url, engine, ids = stored
    before = office_report(engine, DEMO_OFFICE)
    assert before["respondents"] == 4 and before["excluded"]["voided"] == 0
    done = admin(url, "void", "--office", DEMO_OFFICE, "--reason", "petugas mengisi sendiri saat uji coba",
                 "--by", "kepala-kantor", ids[3].upper(), "{" + ids[2] + "}")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"voided": [ids[3], ids[2]], "already_voided": []}
    after = office_report(engine, DEMO_OFFICE)
    assert after["respondents"] == 2 and after["excluded"]["voided"] == 2
    assert after["ikm_converted"] == 100.0  # the all-1 respondent is out, two all-4 ones remain
    again = admin(url, "void", "--office", DEMO_OFFICE, "--reason", "sekali lagi", "--by", "kepala-kantor", ids[3])
    assert json.loads(again.stdout) == {"voided": [], "already_voided": [ids[3]]}
    back = admin(url, "restore", "--office", DEMO_OFFICE, "--reason", "ternyata responden asli", "--by", "kepala",
                 ids[2])
    assert json.loads(back.stdout) == {"restored": [ids[2]], "already_restored": []}
    assert office_report(engine, DEMO_OFFICE)["respondents"] == 3
    assert records.list_offices(engine)[0]["responses"] == 4  # nothing was deleted

    log = admin(url, "audit", "--office", DEMO_OFFICE)
    assert log.returncode == 0, log.stderr
    lines = [json.loads(line) for line in log.stdout.splitlines()]
    assert [(e["action"], e["response_id"], e["actor"]) for e in lines] == [
        ("void", ids[3], "kepala-kantor"), ("void", ids[2], "kepala-kantor"), ("restore", ids[2], "kepala")]
    assert lines[0]["reason"] == "petugas mengisi sendiri saat uji coba" and lines[0]["at"] <= lines[2]["at"]


def test_bad_void_requests_are_one_sentence_and_change_nothing(stored):
    url, engine, ids = stored
    for args, words in [
        (("--office", DEMO_OFFICE, "--reason", " ", ids[0]), "give the reason"),
        (("--office", DEMO_OFFICE, "--reason", "x", ids[0], "bukan-uuid", "8f14e45f-ceea-467f-a0e6-0b1d1bd2c1a4"),
         "'bukan-uuid' is not a response id"),
        (("--office", "tidak-ada", "--reason", "x", ids[0]), "there is no office"),
    ]:
        done = admin(url, "void", *args)
        assert done.returncode != 0 and words in done.stderr and "Traceback" not in done.stderr
        assert done.stderr.count("\n") == 1
    both = admin(url, "void", "--office", DEMO_OFFICE, "--reason", "x", "bukan-uuid",
                 "8f14e45f-ceea-467f-a0e6-0b1d1bd2c1a4")
    assert "no response 8f14e45f" in both.stderr  # every bad id named at once
    assert office_report(engine, DEMO_OFFICE)["excluded"]["voided"] == 0
    assert admin(url, "audit", "--office", DEMO_OFFICE).stdout == ""
