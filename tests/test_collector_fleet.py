"""Fleet health: one word per kiosk from one pure function, `kiosk admin kiosks --json`, the dashboard page, the counts."""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from collector import fleet, heartbeat, records
from collector.heartbeat import Heartbeat
from fixtures_collector import DEMO_OFFICE, REPO, CollectorApp

# The collector_app fixture registers its kiosk at the real time, so the tests' clock starts there too.
NOW = datetime.now(timezone.utc).replace(microsecond=0)
RULES = fleet.HealthRules()


def beat(**changes) -> Heartbeat:
    values = dict(kiosk_id="k", received_at=NOW - timedelta(minutes=3), app_version="0.1.0", pending=0, sent=10,
                  rejected=0, oldest_pending_age_s=None, last_error_code=None, device_time=NOW.isoformat(),
                  clock_offset_s=2.0, uptime_s=100.0, storage_free_bytes=8 * 1024 ** 3, battery_percent=None)
    values.update(changes)
    return Heartbeat(**values)


@pytest.mark.parametrize("changes, contact_ago, expected", [
    ({}, timedelta(minutes=3), ()),
    ({}, timedelta(hours=8, seconds=1), ("silent",)),
    ({}, timedelta(hours=7, minutes=59), ()),
    ({"pending": 5, "oldest_pending_age_s": 24 * 3600 + 1}, timedelta(minutes=3), ("backlog",)),
    ({"pending": 5, "oldest_pending_age_s": 23 * 3600}, timedelta(minutes=3), ()),
    ({"last_error_code": "server"}, timedelta(minutes=3), ("error",)),
    ({"clock_offset_s": -301.0}, timedelta(minutes=3), ("clock",)),
    ({"clock_offset_s": 299.0}, timedelta(minutes=3), ()),
    ({"storage_free_bytes": 50 * 1024 ** 2}, timedelta(minutes=3), ("storage",)),
    ({"storage_free_bytes": None}, timedelta(minutes=3), ()),
    ({"storage_problem": "read_only"}, timedelta(minutes=3), ("storage",)),  # plenty of space, cannot save
    ({"oldest_pending_age_s": 90_000.0, "last_error_code": "tls", "clock_offset_s": 4000.0},
     timedelta(days=2), ("silent", "backlog", "error", "clock")),
])
def test_the_health_words(changes, contact_ago, expected):
    problems = fleet.health(now=NOW, beat=beat(**changes), last_contact=NOW - contact_ago, rules=RULES)
    assert problems == expected
    assert fleet.word(problems) == (expected[0] if expected else "ok")


def test_without_heartbeats_only_silence_counts():
    assert fleet.health(now=NOW, beat=None, last_contact=NOW - timedelta(hours=1)) == ()
    assert fleet.health(now=NOW, beat=None, last_contact=NOW - timedelta(days=1)) == ("silent",)
    short = fleet.HealthRules(silent_after=timedelta(minutes=10))
    assert fleet.health(now=NOW, beat=None, last_contact=NOW - timedelta(minutes=11), rules=short) == ("silent",)


def test_silent_after_from_the_environment():
    assert fleet.HealthRules.from_environment({}).silent_after == timedelta(hours=8)
    assert fleet.HealthRules.from_environment({"KIOSK_SILENT_AFTER_MIN": "0.5"}).silent_after == timedelta(seconds=30)
    from kiosk.errors import UserError

    with pytest.raises(UserError, match="KIOSK_SILENT_AFTER_MIN"):
        fleet.HealthRules.from_environment({"KIOSK_SILENT_AFTER_MIN": "soon"})


@pytest.fixture
def collector(collector_db_url):
    now = [NOW]
    app = CollectorApp(collector_db_url, clock=lambda: now[0])
    app.now = now
    yield app
    app.close()


def send(app, token, **changes):
    payload = {"app_version": "0.1.0", "pending": 0, "sent": 1, "rejected": 0,
               "device_time": app.now[0].isoformat(), "storage_free_bytes": 8 * 1024 ** 3}
    payload.update(changes)
    answer = app.client.post("/api/v1/heartbeat", json=payload, headers=app.auth(token))
    assert answer.status_code == 200, answer.text


def test_fleet_and_summary_from_the_database(collector):
    records.add_office(collector.engine, "kantor-b", "Kantor B")
    quiet_id, quiet = records.add_kiosk(collector.engine, "kantor-b", now=NOW - timedelta(days=3))
    behind_id, behind = records.add_kiosk(collector.engine, DEMO_OFFICE, now=NOW)
    gone_id, _ = records.add_kiosk(collector.engine, DEMO_OFFICE, now=NOW)
    records.revoke_kiosk(collector.engine, gone_id)
    send(collector, collector.token)
    send(collector, behind, pending=40, oldest_pending_age_s=30 * 3600)
    kiosks = {k.kiosk_id: k for k in fleet.fleet(collector.engine, now=NOW + timedelta(minutes=1))}
    assert {k: v.health for k, v in kiosks.items()} == {collector.kiosk_id: "ok", behind_id: "backlog",
                                                        quiet_id: "silent", gone_id: None}
    assert kiosks[behind_id].to_json()["pending"] == 40
    counts = fleet.summary(list(kiosks.values()))
    assert counts["offices"]["kantor-b"]["silent"] == 1
    assert counts["offices"][DEMO_OFFICE] == {"ok": 1, "silent": 0, "backlog": 1, "error": 0, "clock": 0,
                                              "storage": 0}
    assert counts["total"]["ok"] + counts["total"]["backlog"] + counts["total"]["silent"] == 3
    assert sum(counts["total"].values()) == 3  # the revoked kiosk is out of the fleet
    # Later, without a word from anyone, everyone is silent.
    later = fleet.fleet(collector.engine, now=NOW + timedelta(hours=9), office_id=DEMO_OFFICE)
    assert {k.health for k in later if k.active} == {"silent"}


def test_the_dashboard_page(collector):
    records.add_admin(collector.engine, "pengelola", "kata-sandi-rahasia")
    login = {"Authorization": "Basic " + base64.b64encode(b"pengelola:kata-sandi-rahasia").decode()}
    send(collector, collector.token, last_error_code="server")
    assert collector.client.get("/admin/fleet").status_code == 401
    page = collector.client.get("/admin/fleet", headers=login)
    assert page.status_code == 200
    assert f'data-kiosk="{collector.kiosk_id}"' in page.text and 'data-health="error"' in page.text
    assert "galat" in page.text
    english = collector.client.get("/admin/fleet?lang=en", headers=login).text
    assert "Kiosk health" in english and ">error<" in english
    records.add_office(collector.engine, "kantor-b", "Kantor B")
    records.add_admin(collector.engine, "kepala-b", "kata-sandi-rahasia", office_ids=("kantor-b",))
    other = {"Authorization": "Basic " + base64.b64encode(b"kepala-b:kata-sandi-rahasia").decode()}
    assert collector.kiosk_id not in collector.client.get("/admin/fleet", headers=other).text
    assert collector.client.get(f"/admin/fleet?office={DEMO_OFFICE}", headers=other).status_code == 403


def admin_cli(db_url, *args, env=None):
    return subprocess.run([sys.executable, "-m", "kiosk", "admin", "--db", db_url, *args],
                          capture_output=True, text=True, cwd=REPO, env={**os.environ, **(env or {})}, timeout=60)


def test_kiosk_admin_kiosks_json(collector):
    send(collector, collector.token, pending=2, oldest_pending_age_s=25 * 3600, battery_percent=64.0)
    done = admin_cli(collector.db_url, "kiosks", "--office", DEMO_OFFICE, "--json", "--silent-after-min", "0.001")
    assert done.returncode == 0, done.stderr
    (kiosk,) = json.loads(done.stdout)
    # Silent after 60 ms, so silent by the time the command runs; it comes first.
    assert kiosk["kiosk_id"] == collector.kiosk_id and kiosk["health"] == "silent"
    assert kiosk["problems"] == ["silent", "backlog"] and kiosk["battery_percent"] == 64.0
    assert {"last_heartbeat_at", "app_version", "pending", "oldest_pending_age_s", "last_error_code",
            "clock_offset_s", "storage_free_bytes", "last_seen_at"} <= kiosk.keys()
    summary = admin_cli(collector.db_url, "kiosks", "--summary", "--silent-after-min", str(60 * 24 * 365))
    assert summary.returncode == 0, summary.stderr
    assert json.loads(summary.stdout)["total"]["backlog"] == 1
    for bad in (("--silent-after-min", "0"), ("--office", "no-such-office")):
        refused = admin_cli(collector.db_url, "kiosks", *bad)
        assert refused.returncode != 0 and "Traceback" not in refused.stderr and refused.stderr.strip()
    refused = admin_cli(collector.db_url, "kiosks", env={"KIOSK_SILENT_AFTER_MIN": "never"})
    assert refused.returncode != 0 and "KIOSK_SILENT_AFTER_MIN" in refused.stderr and "Traceback" not in refused.stderr
