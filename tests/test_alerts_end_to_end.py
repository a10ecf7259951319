"""Alerts and fleet health end to end: two real `kiosk serve` processes on one database (SQLite and PostgreSQL),
a real webhook receiver and a real SMTP server; heartbeats from a real kiosk queue."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import requests

from collector import alerts
from fixtures_collector import DEMO_OFFICE, REPO, make_wire

SECRET = "end-to-end-webhook-secret"
HTML = {"Accept": "text/html"}
UNHAPPY = {f"U{i}": 1 + (i % 2) for i in range(1, 10)}
HAPPY = {f"U{i}": 4 for i in range(1, 10)}


def eventually(check, timeout: float = 40.0, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(every)
    return check()


def post(server, token, answers, count):
    now = datetime.now(timezone.utc)
    items = [make_wire(answers=answers, comment="Nama saya Siti, nomor HP 0812", submitted_at=now - timedelta(seconds=i))
             for i in range(count)]
    answer = requests.post(server.url + "/api/v1/responses", json={"responses": items},
                           headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert answer.status_code == 200 and {r["status"] for r in answer.json()["results"]} == {"accepted"}


def admin_cli(db_url, *args):
    done = subprocess.run([sys.executable, "-m", "kiosk", "admin", "--db", db_url, *args], capture_output=True,
                          text=True, cwd=REPO, env=dict(os.environ), timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_burst_alerts_once_by_webhook_and_email_then_ack_and_auto_close(
        collector_db_url, collector_server, webhook_receiver, mailbox, tmp_path):
    secret_file = tmp_path / "webhook-secret"
    secret_file.write_text(SECRET + "\n")
    flags = ("--smtp-host", "127.0.0.1", "--smtp-port", str(mailbox.port), "--smtp-from", "skm@kantor.go.id",
             "--webhook-secret-file", str(secret_file), "--public-url", "https://skm.example.id",
             "--alert-interval", "1", "--alert-retry", "0.5")
    first = collector_server(collector_db_url, extra_args=flags)
    second = collector_server(collector_db_url, extra_args=flags)
    first.add_demo_office()
    admin_cli(collector_db_url, "alert-add", "--office", DEMO_OFFICE, "--kind", "unhappy",
              "--webhook", webhook_receiver.url)
    admin_cli(collector_db_url, "alert-add", "--office", DEMO_OFFICE, "--kind", "unhappy", "--email",
              "kepala@kantor.go.id")
    tokens = [first.kiosk_token(), second.kiosk_token()]
    # The burst: unhappy answers arriving at both processes, batch by batch.
    for index in range(6):
        server = (first, second)[index % 2]
        post(server, tokens[index % 2], UNHAPPY, 2)
    calls = eventually(lambda: len(webhook_receiver.calls) >= 1 and webhook_receiver.calls)
    assert calls, first.log() + second.log()
    assert mailbox.wait_for(1)
    time.sleep(4)  # both processes evaluate and poll deliveries several times more
    assert len(webhook_receiver.calls) == 1, webhook_receiver.calls
    assert len(mailbox.messages) == 1
    ((headers, body),) = webhook_receiver.calls
    signed = "sha256=" + hmac.new(SECRET.encode(), headers["x-skm-timestamp"].encode() + b"." + body,
                                  hashlib.sha256).hexdigest()
    assert headers["x-skm-signature"] == signed
    data = json.loads(body)
    # Opened as soon as the condition held (4 answers at least), whichever batch that was.
    assert 4 <= data["facts"]["unhappy"] == data["facts"]["respondents"] <= 12
    assert "Siti" not in body.decode() and "0812" not in mailbox.messages[0].get_content()
    assert mailbox.recipients == [["kepala@kantor.go.id"]]

    # Acknowledged on the dashboard, with a note, by an admin logged in with a browser session.
    name, password = first.add_admin("pengelola", "kata-sandi-rahasia")
    browser = requests.Session()
    login_page = browser.get(second.url + "/admin/login", params={"next": "/admin/alerts"}, headers=HTML, timeout=30)
    form = dict(re.findall(r'name="(token|next)" value="([^"]*)"', login_page.text))
    assert browser.post(second.url + "/admin/login", data=form | {"name": name, "password": password},
                        timeout=30).status_code == 200
    page = browser.get(second.url + "/admin/alerts", headers=HTML, timeout=30)
    assert page.status_code == 200 and data["alert_id"] in page.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    ack_url = second.url + f"/admin/alerts/{data['alert_id']}/ack"
    assert browser.post(ack_url, data={"note": "x", "csrf": "forged"}, timeout=30).status_code == 403
    assert browser.post(ack_url, data={"note": "x", "csrf": csrf}, headers={"Origin": "https://evil.example"},
                        timeout=30).status_code == 403
    acked = browser.post(ack_url, data={"note": "Kepala kantor sudah menelepon loket 2", "csrf": csrf},
                         timeout=30, allow_redirects=False)
    assert acked.status_code == 303
    alert = alerts.get_alert(first.engine, data["alert_id"])
    assert (alert.acknowledged_by, alert.ack_note, alert.open) == ("pengelola", "Kepala kantor sudah menelepon loket 2",
                                                                  True)
    assert "Kepala kantor sudah menelepon loket 2" in browser.get(first.url + "/admin/alerts", headers=HTML,
                                                                  timeout=30).text

    # The queue cheers up: happy answers outnumber the unhappy ones and every alert closes by itself.
    post(first, tokens[0], HAPPY, 8)
    post(second, tokens[1], HAPPY, 8)
    assert eventually(lambda: alerts.list_alerts(first.engine, open_only=True) == []), first.log()
    assert len(alerts.list_alerts(first.engine)) == 2
    time.sleep(2)
    assert len(webhook_receiver.calls) == 1 and len(mailbox.messages) == 1  # closing sends nothing


def test_silent_and_backlog_kiosks(collector_db_url, collector_server, tmp_path, make_responses):
    from kiosk.store import Queue
    from sync import heartbeat

    server = collector_server(collector_db_url)
    quiet_id, quiet = server.new_kiosk()
    behind_id, behind = server.new_kiosk()
    session = requests.Session()
    # A kiosk whose oldest unsent answer is 25 hours old (its network has been down since yesterday).
    yesterday = [time.time() - 25 * 3600]
    queue = Queue(tmp_path / "behind.db", clock=lambda: yesterday[0])
    try:
        queue.enqueue_many(make_responses(3))
        yesterday[0] = time.time()
        assert heartbeat.send(session, server.url, behind, heartbeat.build(queue, tmp_path))
    finally:
        queue.close()
    fresh = Queue(tmp_path / "quiet.db")
    try:
        assert heartbeat.send(session, server.url, quiet, heartbeat.build(fresh, tmp_path))
    finally:
        fresh.close()
        session.close()

    def health(*flags):
        return {k["kiosk_id"]: k for k in admin_cli(collector_db_url, "kiosks", "--json", *flags)}

    now = health()
    assert now[behind_id]["health"] == "backlog" and now[behind_id]["oldest_pending_age_s"] > 24 * 3600
    assert now[behind_id]["pending"] == 3
    assert now[quiet_id]["health"] == "ok"
    # Silent after 3 s without a word (instead of a working day): the kiosk that stopped sending turns silent.
    # (Not silent yet within 10 minutes: seconds can pass during the commands above on a loaded machine.)
    # 3 s, not more: each look is a `kiosk admin` process, and waiting out 15 s made this test take 20 s.
    assert health("--silent-after-min", "10")[quiet_id]["health"] == "ok"
    assert eventually(lambda: health("--silent-after-min", "0.05")[quiet_id]["health"] == "silent", timeout=60,
                      every=0.5)
    summary = admin_cli(collector_db_url, "kiosks", "--summary", "--silent-after-min", "0.05")
    assert summary["offices"][DEMO_OFFICE]["silent"] == 2 and summary["total"]["ok"] == 0
