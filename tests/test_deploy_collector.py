"""Collector deployment: backup and restore scripts on both backends, and the nginx TLS front in deploy/collector/."""
from __future__ import annotations

import http.client
import json
import os
import shutil
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fixtures_collector import DEMO_OFFICE, CollectorApp, make_wire
from pgcluster import free_port

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy" / "collector"


def kiosk(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=60)


def script(name: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHON": sys.executable}
    return subprocess.run(["sh", str(DEPLOY / name), *args], capture_output=True, text=True, env=env, timeout=120)


def what_an_admin_reads(db_url: str) -> tuple[dict, str]:
    """The year's report and the signed survey link: what must be the same after a restore."""
    report = kiosk("report", "--office", DEMO_OFFICE, "--from", "2026-01-01", "--to", "2026-12-31", "--db", db_url)
    link = kiosk("qr", "link", "--office", DEMO_OFFICE, "--base-url", "https://skm.example.go.id", "--db", db_url)
    assert report.returncode == 0 and link.returncode == 0, report.stderr + link.stderr
    return json.loads(report.stdout), link.stdout.strip()


def test_backup_restores_into_a_new_database_with_the_same_report(collector_db_url, collector_backend, tmp_path,
                                                                   request):
    app = CollectorApp(collector_db_url)
    try:
        answers = [{f"U{i}": 1 + (i + n) % 4 for i in range(1, 10)} for n in range(7)]
        assert app.statuses([make_wire(answers=a) for a in answers]) == ["accepted"] * 7
    finally:
        app.close()
    before = what_an_admin_reads(collector_db_url)
    assert before[0]["respondents"] == 7
    backup = tmp_path / "collector.backup"
    made = script("backup-collector.sh", collector_db_url, str(backup))
    assert made.returncode == 0, made.stderr
    if collector_backend == "sqlite":
        restored_url = f"sqlite:///{tmp_path / 'restored' / 'collector.db'}"
        (tmp_path / "restored").mkdir()
    else:
        restored_url = request.getfixturevalue("postgres_database")()
    done = script("restore-collector.sh", str(backup), restored_url)
    assert done.returncode == 0, done.stderr
    assert what_an_admin_reads(restored_url) == before
    again = script("restore-collector.sh", str(backup), restored_url)
    assert again.returncode == 2 and len(again.stderr.strip().splitlines()) == 1, again.stderr
    assert "already" in again.stderr


def test_backup_refuses_a_missing_database_and_an_existing_file(tmp_path):
    missing = script("backup-collector.sh", f"sqlite:///{tmp_path / 'nothing.db'}", str(tmp_path / "b"))
    assert missing.returncode == 2 and "there is no collector database at" in missing.stderr
    (tmp_path / "b").write_text("an older backup")
    kept = script("backup-collector.sh", f"sqlite:///{tmp_path / 'nothing.db'}", str(tmp_path / "b"))
    assert kept.returncode == 2 and "never overwrites" in kept.stderr
    assert (tmp_path / "b").read_text() == "an older backup"


# --- nginx ------------------------------------------------------------------------------------------


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI must test the nginx config, but nginx is missing (scripts/install-system-deps.sh "
                        "installs it)", pytrace=False)
        pytest.skip("nginx is not installed (apt-get install nginx)")
    return found


def self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


@pytest.fixture
def nginx_front(tmp_path, collector_server):
    """deploy/collector's site config, ports and certificate swapped for test ones, before a real collector."""
    nginx = nginx_binary()
    unit = (DEPLOY / "skm-collector.service").read_text()
    server = collector_server(extra_args=("--behind-tls",) if "--behind-tls" in unit else ())
    cert, key = self_signed(tmp_path)
    https_port, http_port = free_port(), free_port()
    site = (DEPLOY / "nginx-skm-collector.conf").read_text()
    swaps = {"server 127.0.0.1:8080;": f"server 127.0.0.1:{server.port};",
             "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
             "listen [::]:443 ssl http2;": "", "listen 80;": f"listen 127.0.0.1:{http_port};", "listen [::]:80;": "",
             "/etc/letsencrypt/live/skm.example.go.id/fullchain.pem": str(cert),
             "/etc/letsencrypt/live/skm.example.go.id/privkey.pem": str(key)}
    for old, new in swaps.items():
        assert old in site, f"the shipped config no longer has {old!r}"
        site = site.replace(old, new)
    temp = tmp_path / "nginx"
    temp.mkdir()
    main = "\n".join([
        "user root;" if os.geteuid() == 0 else "", "daemon off;", "worker_processes 1;", f"pid {temp}/nginx.pid;",
        f"error_log {temp}/error.log;", "events { worker_connections 64; }", "http {",
        f"  access_log {temp}/access.log;", *(f"  {kind}_temp_path {temp}/{kind};" for kind in
                                               ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")),
        site, "}"])
    (temp / "nginx.conf").write_text(main)
    checked = subprocess.run([nginx, "-t", "-p", str(temp), "-c", str(temp / "nginx.conf")], capture_output=True,
                             text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([nginx, "-p", str(temp), "-c", str(temp / "nginx.conf")], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 15
    while not (temp / "nginx.pid").exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    try:
        yield server, https_port, http_port, ssl.create_default_context(cafile=str(cert))
    finally:
        process.terminate()
        process.wait(10)


def request(port, tls, method, path, body=None, headers=None, source="127.0.0.1"):
    if tls is None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    else:
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=tls, source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        answer = conn.getresponse()
        return answer.status, answer.getheaders(), answer.read()
    finally:
        conn.close()


def test_nginx_front_serves_tls_large_batches_and_the_real_client_address(nginx_front):
    server, https_port, http_port, tls = nginx_front
    server.add_demo_office()
    token = server.kiosk_token(DEMO_OFFICE)
    status, headers, body = request(https_port, tls, "GET", "/api/v1/health")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    hsts = {name.lower(): value for name, value in headers}.get("strict-transport-security", "")
    assert "max-age=" in hsts, "the unit's --behind-tls got lost"
    # A full batch of 1000 responses is well over nginx's default 1 MB limit on request bodies.
    # (json escapes each dash to six bytes: 500 characters of comment weigh 1.5 kB on the wire)
    batch = json.dumps({"responses": [make_wire(comment="\u2014 " * 250) for _ in range(1000)]}).encode()
    assert 2_000_000 < len(batch) < 5_000_000
    # The client comes from 127.0.0.2 and claims to be elsewhere: the collector must log 127.0.0.2.
    status, _, body = request(https_port, tls, "POST", "/api/v1/responses", body=batch, source="127.0.0.2",
                              headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                                       "X-Forwarded-For": "203.0.113.9"})
    assert status == 200, body[:300]
    assert {r["status"] for r in json.loads(body)["results"]} == {"accepted"}
    # The access log line is written as the response ends: on a busy machine it can land just after the
    # client has the whole answer, so it is waited for (10 s at most).
    deadline = time.monotonic() + 10
    while True:
        lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
        posted = [line for line in lines if line.get("path") == "/api/v1/responses"]
        if posted or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert posted and posted[-1]["client"] == "127.0.0.2", posted
    status, headers, _ = request(http_port, None, "GET", "/api/v1/health")
    assert status == 301 and {name.lower(): value for name, value in headers}["location"].startswith("https://")


def test_systemd_accepts_the_collector_unit(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        if os.environ.get("CI"):
            pytest.fail("CI must verify the unit, but systemd-analyze is missing (scripts/install-system-deps.sh "
                        "installs the systemd package)", pytrace=False)
        pytest.skip("systemd-analyze is not installed (apt-get install systemd)")
    installed = Path(sys.executable).parent / "kiosk"
    assert installed.exists(), "the kiosk command is not installed next to this Python"
    unit = tmp_path / "skm-collector.service"
    text = (DEPLOY / "skm-collector.service").read_text()
    assert "/opt/skm-kiosk/.venv/bin/kiosk serve" in text and "--behind-tls" in text
    # systemd-analyze checks that ExecStart exists here: the kiosk command of this virtual environment.
    unit.write_text(text.replace("/opt/skm-kiosk/.venv/bin/kiosk", str(installed)))
    done = subprocess.run([analyze, "verify", "--man=no", str(unit)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "skm-collector.service" not in done.stderr, done.stderr
