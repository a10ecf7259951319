"""`kiosk admin ...` and `kiosk report ...` as an operator runs them, on both database backends."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures_collector import DEMO_OFFICE, CollectorApp, make_wire
from kiosk.config import DEMO_CONFIG

REPO = Path(__file__).resolve().parent.parent


def kiosk(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], input=stdin, capture_output=True, text=True,
                          cwd=REPO, timeout=60)


def admin(db_url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return kiosk("admin", *args, "--db", db_url, stdin=stdin)


def ok_json(result: subprocess.CompletedProcess):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def collector_db_url(collector_db_url):
    """The fresh database of each backend, made as an operator makes one: `kiosk admin init`."""
    made = admin(collector_db_url, "init")
    assert made.returncode == 0 and "collector database" in made.stdout, made.stderr
    return collector_db_url


def refused(result: subprocess.CompletedProcess, needle: str) -> None:
    assert result.returncode != 0
    assert needle in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_office_service_kiosk_and_revoke(collector_db_url):
    office = ok_json(admin(collector_db_url, "office-add", "--id", "kantor-camat", "--name", "Kantor Camat Kulisusu",
                           "--timezone", "Asia/Makassar"))
    assert office == {"office_id": "kantor-camat", "name": "Kantor Camat Kulisusu", "timezone": "Asia/Makassar",
                      "services": []}
    ok_json(admin(collector_db_url, "service-add", "--office", "kantor-camat", "--id", "ktp-el",
                  "--name-id", "KTP elektronik", "--name-en", "Electronic ID card"))
    made = ok_json(admin(collector_db_url, "kiosk-add", "--office", "kantor-camat"))
    assert set(made) >= {"kiosk_id", "token"}
    app = CollectorApp(collector_db_url)
    try:
        wire = make_wire(office_id="kantor-camat")
        assert app.statuses([wire], token=made["token"]) == ["accepted"]
        listed = ok_json(admin(collector_db_url, "kiosks", "--office", "kantor-camat"))
        assert [(k["kiosk_id"], k["responses"]) for k in listed] == [(made["kiosk_id"], 1)]
        assert admin(collector_db_url, "kiosk-revoke", made["kiosk_id"]).returncode == 0
        assert app.post([make_wire(office_id="kantor-camat")], token=made["token"]).status_code == 401
    finally:
        app.close()


def test_office_from_a_kiosk_config_and_enroll_code(collector_db_url):
    office = ok_json(admin(collector_db_url, "office-add", "--from-config", str(DEMO_CONFIG)))
    assert office["office_id"] == DEMO_OFFICE and "ktp-el" in office["services"]
    code = ok_json(admin(collector_db_url, "enroll-code", "--office", DEMO_OFFICE))
    assert set(code) == {"code", "expires_at"}
    app = CollectorApp(collector_db_url)
    try:
        assert app.client.post("/api/v1/enroll", json={"code": code["code"]}).status_code == 200
    finally:
        app.close()
    offices = ok_json(admin(collector_db_url, "offices"))
    assert [(o["id"], o["kiosks"]) for o in offices] == [(DEMO_OFFICE, 2)]  # CollectorApp's kiosk and the enrolled one
    updated = ok_json(admin(collector_db_url, "office-update", "--from-config", str(DEMO_CONFIG)))
    assert updated["office_id"] == DEMO_OFFICE and updated["config_etag"].startswith('"')
    refused(admin(collector_db_url, "office-update", "--id", "tidak-ada", "--from-config", str(DEMO_CONFIG)),
            "no office")


def test_user_add_reads_the_password_from_stdin(collector_db_url):
    import base64

    assert admin(collector_db_url, "office-add", "--from-config", str(DEMO_CONFIG)).returncode == 0
    assert admin(collector_db_url, "user-add", "pengelola", stdin="kata-sandi-rahasia\n").returncode == 0
    app = CollectorApp(collector_db_url)
    try:
        login = base64.b64encode(b"pengelola:kata-sandi-rahasia").decode()
        answer = app.client.get("/api/v1/reports/ikm", params={"office": DEMO_OFFICE},
                                headers={"Authorization": f"Basic {login}"})
        assert answer.status_code == 200
    finally:
        app.close()
    assert admin(collector_db_url, "user-add", "kepala", "--office", DEMO_OFFICE, stdin="kata-sandi-kepala\n"
                 ).returncode == 0
    users = ok_json(admin(collector_db_url, "users"))
    assert [(u["name"], u["offices"]) for u in users] == [("kepala", [DEMO_OFFICE]), ("pengelola", "all")]
    refused(admin(collector_db_url, "user-add", "x", "--office", "tidak-ada", stdin="kata-sandi-rahasia\n"),
            "no office")


def test_mistakes_are_one_sentence_and_non_zero(collector_db_url):
    assert admin(collector_db_url, "office-add", "--id", "kantor-a", "--name", "A").returncode == 0
    refused(admin(collector_db_url, "office-add", "--id", "kantor-a", "--name", "A"), "already exists")
    refused(admin(collector_db_url, "office-add", "--id", "Kantor A", "--name", "A"), "lower-case")
    refused(admin(collector_db_url, "office-add", "--id", "b", "--name", "B", "--timezone", "Mars/Base"), "time zone")
    refused(admin(collector_db_url, "kiosk-add", "--office", "tidak-ada"), "no office")
    refused(admin(collector_db_url, "enroll-code", "--office", "tidak-ada"), "no office")
    refused(admin(collector_db_url, "kiosk-revoke", "kiosk-00000000"), "no kiosk")
    refused(admin(collector_db_url, "user-add", "x", stdin="short\n"), "at least 8")
    missing = admin(collector_db_url, "office-add", "--from-config", "/nonexistent.toml")
    assert missing.returncode != 0 and "/nonexistent.toml" in missing.stderr and "Traceback" not in missing.stderr


def test_unusable_database_url_is_one_sentence():
    refused(admin("mysql://x@localhost/db", "offices"), "not supported")
    refused(admin("postgresql://nobody@127.0.0.1:1/none", "offices"), "cannot open the collector database")


def test_report_command_json_and_csv(collector_db_url, tmp_path):
    app = CollectorApp(collector_db_url)
    try:
        app.statuses([make_wire(answers={f"U{i}": 4 for i in range(1, 10)}) for _ in range(4)])
    finally:
        app.close()
    result = kiosk("report", "--db", collector_db_url, "--office", DEMO_OFFICE, "--format", "json")
    body = ok_json(result)
    assert body["respondents"] == 4 and body["ikm_converted"] == 100.0
    out = tmp_path / "laporan.csv"
    result = kiosk("report", "--db", collector_db_url, "--office", DEMO_OFFICE, "--service", "ktp-el",
                   "--from", "2026-11-01", "--to", "2026-11-30", "--format", "csv", "--out", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0][:3] == ["code", "name", "answered"]
    assert [r[0] for r in rows[1:10]] == [f"U{i}" for i in range(1, 10)]
    ikm_row = next(r for r in rows if r[0] == "IKM")
    assert ikm_row[2] == "4" and float(ikm_row[6]) == 100.0 and ikm_row[7] == "A"
    refused(kiosk("report", "--db", collector_db_url, "--office", "tidak-ada"), "no office")
    bad_date = kiosk("report", "--db", collector_db_url, "--office", DEMO_OFFICE, "--from", "kemarin")
    assert bad_date.returncode != 0 and "Traceback" not in bad_date.stderr


@pytest.mark.parametrize("collector_backend", ["sqlite"], indirect=True)
def test_db_defaults_to_the_data_dir(collector_backend, tmp_path):
    data = tmp_path / "data"
    assert kiosk("admin", "init", "--data-dir", str(data)).returncode == 0
    result = kiosk("admin", "office-add", "--id", "kantor-a", "--name", "A", "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    assert (data / "collector.db").exists()
