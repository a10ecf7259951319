"""Smaller holes: plain-http enrolment, widening an admin's offices, CSV injection, absurd dashboard numbers."""
import csv
import io
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from collector import records
from collector.app import create_app
from collector.report_csv import to_csv
from kiosk import csvsafe
from kiosk.config import DEMO_CONFIG


def kiosk(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, input=stdin)


@pytest.mark.parametrize("url", ["http://skm.example.go.id", "http://10.0.0.5:8080", "HTTP://192.168.1.2"])
def test_enrol_refuses_plain_http_off_this_machine(url, tmp_path):
    done = kiosk("enroll", url, "ABCD-EFGH-JKLM", "--data-dir", str(tmp_path))
    assert done.returncode != 0 and "plain http" in done.stderr and "--allow-http" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "config.toml").exists()


def test_enrol_over_http_is_allowed_on_loopback_or_when_told(tmp_path):
    from kiosk.commands.enroll import refuse_plain_http

    for url in ("http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "https://skm.example.go.id"):
        refuse_plain_http(url, allowed=False)
    refuse_plain_http("http://10.0.0.5:8080", allowed=True)
    told = kiosk("enroll", "http://10.255.255.1:9", "ABCD-EFGH-JKLM", "--allow-http", "--data-dir", str(tmp_path))
    assert "plain http" not in told.stderr  # it got as far as trying to reach the (absent) collector


def test_user_add_never_silently_widens_a_scoped_admin(tmp_path):
    db = f"sqlite:///{tmp_path / 'c.db'}"
    create_app(db).state.engine.dispose()  # the database, as `kiosk serve` makes it
    assert kiosk("admin", "office-add", "--from-config", str(DEMO_CONFIG), "--db", db).returncode == 0
    scoped = kiosk("admin", "user-add", "kepala", "--office", "dukcapil-butur", "--db", db, stdin="kata-sandi-1\n")
    assert scoped.returncode == 0
    widened = kiosk("admin", "user-add", "kepala", "--db", db, stdin="kata-sandi-2\n")
    assert widened.returncode != 0 and "--all-offices" in widened.stderr and "Traceback" not in widened.stderr
    users = {u["name"]: u["offices"] for u in __import__("json").loads(kiosk("admin", "users", "--db", db).stdout)}
    assert users["kepala"] == ["dukcapil-butur"]
    kept = kiosk("admin", "user-add", "kepala", "--office", "dukcapil-butur", "--db", db, stdin="kata-sandi-3\n")
    assert kept.returncode == 0 and "dukcapil-butur" in kept.stdout
    assert kiosk("admin", "user-add", "kepala", "--all-offices", "--db", db, stdin="kata-sandi-4\n").returncode == 0
    assert "every office" in kiosk("admin", "user-add", "baru", "--db", db, stdin="kata-sandi-5\n").stdout


def test_csv_cells_cannot_start_a_formula():
    assert [csvsafe.neutralise(v) for v in ("=1+1", "+62 812", "-x", "@SUM(A1)", "\tcmd", "Kantor", "-3", "2.5", 4)] \
        == ["'=1+1", "'+62 812", "'-x", "'@SUM(A1)", "'\tcmd", "Kantor", "-3", "2.5", 4]
    report = {"unsur": [{"code": "U1", "name": '=HYPERLINK("http://evil.example","klik")', "answered": 3}],
              "kinerja": "@cmd", "respondents": 3, "ikm": 3.5, "ikm_converted": 87.5, "mutu": "B",
              "services": [{"service_id": "-svc", "respondents": 3}]}
    cells = [cell for row in csv.reader(io.StringIO(to_csv(report))) for cell in row]
    assert not any(cell.startswith(("=", "+", "@")) or (cell.startswith("-") and not cell[1:2].isdigit())
                   for cell in cells)
    assert "'=HYPERLINK(\"http://evil.example\",\"klik\")" in cells


def test_kiosk_export_csv_is_neutralised(tmp_path):
    from kiosk.export import export_queue
    from kiosk.response import new_response
    from kiosk.store import Queue
    from datetime import datetime, timezone

    queue = Queue(tmp_path / "queue.db")
    now = datetime(2026, 11, 29, 8, tzinfo=timezone.utc)
    queue.enqueue(new_response(office_id="o", service_id="s", answers={f"U{i}": 4 for i in range(1, 10)},
                           started_at=now, submitted_at=now, comment="=cmd|' /C calc'!A0"))
    export_queue(queue, tmp_path / "out.csv", "csv")
    queue.close()
    rows = list(csv.DictReader((tmp_path / "out.csv").open(newline="")))
    assert rows[0]["comment"] == "'=cmd|' /C calc'!A0"


@pytest.mark.parametrize("query", ["population=%C2%B2", "population=99999999999999999999999", "population=-1",
                                   "population=1e9", "population=0", "from=0001-01-01&to=0001-01-31",
                                   "from=9999-12-01&to=9999-12-31", "from=2026-13-01", "from=99999-01-01"])
def test_absurd_dashboard_numbers_are_400_never_500(tmp_path, query):
    app = create_app(f"sqlite:///{tmp_path / 'c.db'}")
    records.add_office(app.state.engine, **records.office_from_config(DEMO_CONFIG))
    records.add_admin(app.state.engine, "admin", "rahasia-sekali")
    with TestClient(app, raise_server_exceptions=False) as client:
        for path in ("/admin", "/admin/offices/dukcapil-butur", "/admin/offices/dukcapil-butur/report.csv",
                     "/admin/offices/dukcapil-butur/report.xlsx", "/admin/offices/dukcapil-butur/report.pdf",
                     "/api/v1/reports/ikm?office=dukcapil-butur"):
            answer = client.get(path + ("&" if "?" in path else "?") + query, auth=("admin", "rahasia-sekali"))
            assert answer.status_code in (200, 400), (path, query, answer.status_code, answer.text[:200])
    app.state.engine.dispose()
