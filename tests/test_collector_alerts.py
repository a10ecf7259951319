"""Alert rules and their evaluation: conditions, one alert per episode even under racing evaluators, ack, auto-close."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone

import pytest

from collector import alerts, records
from fixtures_collector import DEMO_OFFICE, REPO, CollectorApp, make_wire
from kiosk.errors import UserError

NOW = datetime.now(timezone.utc).replace(microsecond=0)
UNHAPPY = {f"U{i}": 1 + (i % 2) for i in range(1, 10)}   # all 1s and 2s
HAPPY = {f"U{i}": 4 for i in range(1, 10)}


def rule(**changes) -> alerts.Rule:
    values = dict(id="rule-x", office_id=DEMO_OFFICE, service_id=None, kind="unhappy", share=0.5, window_min=15,
                  min_count=4, threshold=None, webhook_url="http://127.0.0.1:9/hook", email=None, created_at="")
    values.update(changes)
    return alerts.Rule(**values)


def test_a_respondent_is_unhappy_when_half_their_answers_are_1_or_2():
    assert alerts.is_unhappy(UNHAPPY) and not alerts.is_unhappy(HAPPY)
    assert alerts.is_unhappy({"U1": 1, "U2": 4}) and not alerts.is_unhappy({"U1": 1, "U2": 3, "U3": 4})
    assert alerts.is_unhappy({}) is None


@pytest.mark.parametrize("unhappy, happy, met", [(4, 0, True), (3, 0, False), (4, 4, True), (4, 5, False),
                                                 (2, 2, True), (1, 3, False)])
def test_unhappy_share_with_a_minimum_count(unhappy, happy, met):
    found, facts = alerts.unhappy_condition([UNHAPPY] * unhappy + [HAPPY] * happy, rule())
    assert found is met
    assert (facts["respondents"], facts["unhappy"]) == (unhappy + happy, unhappy)


def test_ikm_below_a_threshold():
    from kiosk.questionnaire import SKM_2017

    low = rule(kind="ikm-below", share=None, threshold=76.61, min_count=3)
    met, facts = alerts.ikm_condition([{f"U{i}": 2 for i in range(1, 10)}] * 3, low, SKM_2017)
    assert met and facts["ikm_converted"] == 50.0
    assert not alerts.ikm_condition([HAPPY] * 3, low, SKM_2017)[0]
    assert not alerts.ikm_condition([{f"U{i}": 2 for i in range(1, 10)}] * 2, low, SKM_2017)[0]  # too few


def test_rule_settings_are_checked(collector_app):
    engine = collector_app.engine
    for kwargs, words in [
        ({"kind": "sad"}, "--kind"),
        ({"kind": "unhappy"}, "exactly one"),
        ({"kind": "unhappy", "webhook_url": "ftp://x", }, "--webhook"),
        ({"kind": "unhappy", "email": "not-an-address"}, "--email"),
        ({"kind": "unhappy", "email": "a@b.id", "share": 1.5}, "--share"),
        ({"kind": "unhappy", "email": "a@b.id", "window_min": 0}, "--window-min"),
        ({"kind": "unhappy", "email": "a@b.id", "threshold": 70}, "--threshold does not apply"),
        ({"kind": "ikm-below", "email": "a@b.id", "threshold": 101}, "--threshold"),
        ({"kind": "unhappy", "email": "a@b.id", "service_id": "no-such"}, "no service"),
    ]:
        with pytest.raises(UserError, match=words):
            alerts.add_rule(engine, DEMO_OFFICE, now=NOW, **kwargs)
    with pytest.raises(UserError, match="no office"):
        alerts.add_rule(engine, "no-office", "unhappy", email="a@b.id", now=NOW)
    made = alerts.add_rule(engine, DEMO_OFFICE, "ikm-below", email="kepala@kantor.go.id", now=NOW)
    assert (made.threshold, made.window_min, made.min_count, made.share) == (76.61, 1440, 10, None)
    assert [r.id for r in alerts.list_rules(engine, DEMO_OFFICE)] == [made.id]


@pytest.fixture
def office(collector_app):
    rule_ = alerts.add_rule(collector_app.engine, DEMO_OFFICE, "unhappy", webhook_url="http://127.0.0.1:9/hook",
                            now=NOW)
    return collector_app, rule_


def answers_now(app, answers, count, when=None):
    when = when or datetime.now(timezone.utc)
    items = [make_wire(answers=answers, submitted_at=when - timedelta(seconds=i)) for i in range(count)]
    assert set(app.statuses(items)) == {"accepted"}


def test_one_alert_per_episode_closed_when_it_clears(office):
    app, rule_ = office
    answers_now(app, UNHAPPY, 3)
    assert alerts.evaluate(app.engine, datetime.now(timezone.utc)).opened == ()   # 3 < min count
    answers_now(app, UNHAPPY, 1)
    opened = alerts.evaluate(app.engine, datetime.now(timezone.utc)).opened
    assert len(opened) == 1
    assert alerts.evaluate(app.engine, datetime.now(timezone.utc)).opened == ()   # still the same episode
    (alert,) = alerts.list_alerts(app.engine, open_only=True)
    assert alert.facts["respondents"] == 4 and alert.facts["unhappy"] == 4 and alert.delivery == "pending"
    assert "comment" not in json.dumps(alert.facts)
    answers_now(app, HAPPY, 5)
    outcome = alerts.evaluate(app.engine, datetime.now(timezone.utc))
    assert outcome.closed == opened and alerts.list_alerts(app.engine, open_only=True) == []
    answers_now(app, UNHAPPY, 2)   # 6 of 11: a new episode, a new alert
    assert len(alerts.evaluate(app.engine, datetime.now(timezone.utc)).opened) == 1
    assert len(alerts.list_alerts(app.engine)) == 2


def test_answers_leave_the_window(office):
    app, _ = office
    answers_now(app, UNHAPPY, 4)
    now = datetime.now(timezone.utc)
    assert len(alerts.evaluate(app.engine, now).opened) == 1
    assert len(alerts.evaluate(app.engine, now + timedelta(minutes=16)).closed) == 1


def test_old_answers_from_a_backlog_do_not_alert(office):
    app, _ = office
    answers_now(app, UNHAPPY, 10, when=datetime.now(timezone.utc) - timedelta(hours=3))
    assert alerts.evaluate(app.engine, datetime.now(timezone.utc)).opened == ()


def test_answers_the_counting_rule_leaves_out_do_not_alert(office):
    """Fast, simulated and voided answers are not counted by kiosk/counting.py, so they raise no alert either."""
    from collector import voiding

    app, _ = office
    now = datetime.now(timezone.utc)
    fast = [make_wire(answers=UNHAPPY, submitted_at=now - timedelta(seconds=i), flags=["fast"]) for i in range(4)]
    demo = [make_wire(answers=UNHAPPY, submitted_at=now - timedelta(seconds=i), flags=["simulated"]) for i in range(4)]
    voided = [make_wire(answers=UNHAPPY, submitted_at=now - timedelta(seconds=i)) for i in range(4)]
    assert set(app.statuses(fast + demo + voided)) == {"accepted"}
    voiding.void(app.engine, DEMO_OFFICE, [w["id"] for w in voided], reason="tes petugas", actor="admin", now=now)
    assert alerts.evaluate(app.engine, now).opened == ()
    voiding.restore(app.engine, DEMO_OFFICE, [w["id"] for w in voided], reason="salah void", actor="admin", now=now)
    assert len(alerts.evaluate(app.engine, now).opened) == 1


def test_an_office_that_counts_fast_answers_is_alerted_by_them(office):
    app, _ = office
    office_ = records.get_office(app.engine, DEMO_OFFICE)
    records.update_office(app.engine, DEMO_OFFICE, name=office_.name, timezone_name=office_.timezone,
                          settings=dict(office_.settings or {}, counting={"count_fast": True}))
    now = datetime.now(timezone.utc)
    fast = [make_wire(answers=UNHAPPY, submitted_at=now - timedelta(seconds=i), flags=["fast"]) for i in range(4)]
    assert set(app.statuses(fast)) == {"accepted"}
    assert len(alerts.evaluate(app.engine, now).opened) == 1


def test_racing_evaluators_open_it_once(collector_db_url):
    from collector import db

    app = CollectorApp(collector_db_url)
    try:
        alerts.add_rule(app.engine, DEMO_OFFICE, "unhappy", email="kepala@kantor.go.id", now=NOW)
        answers_now(app, UNHAPPY, 6)
        engines = [db.make_engine(collector_db_url) for _ in range(4)]  # as if four collector processes
        start = threading.Barrier(len(engines))
        opened: list[str] = []

        def evaluate(engine):
            start.wait()
            opened.extend(alerts.evaluate(engine, datetime.now(timezone.utc)).opened)

        threads = [threading.Thread(target=evaluate, args=(e,)) for e in engines]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        for engine in engines:
            engine.dispose()
        assert len(opened) == 1 and len(alerts.list_alerts(app.engine)) == 1
    finally:
        app.close()


def test_kiosk_health_turning_bad(office):
    app, _ = office
    from collector import fleet

    health = alerts.add_rule(app.engine, DEMO_OFFICE, "kiosk-health", email="it@kantor.go.id", now=NOW)
    rules = fleet.HealthRules(silent_after=timedelta(minutes=30))
    assert alerts.evaluate_rule(app.engine, health, datetime.now(timezone.utc), rules).opened == ()
    later = datetime.now(timezone.utc) + timedelta(hours=1)
    (opened,) = alerts.evaluate_rule(app.engine, health, later, rules).opened
    alert = alerts.get_alert(app.engine, opened)
    assert alert.subject == app.kiosk_id and alert.facts["health"] == "silent"
    answer = app.client.post("/api/v1/heartbeat", headers=app.auth(), json={
        "app_version": "0.1.0", "pending": 0, "sent": 0, "rejected": 0,
        "device_time": datetime.now(timezone.utc).isoformat()})
    assert answer.status_code == 200
    assert alerts.evaluate_rule(app.engine, health, datetime.now(timezone.utc), rules).closed == (opened,)


def test_acknowledge_with_a_note_and_remove(office):
    app, rule_ = office
    answers_now(app, UNHAPPY, 4)
    (opened,) = alerts.evaluate(app.engine, datetime.now(timezone.utc)).opened
    with pytest.raises(UserError, match="note"):
        alerts.acknowledge(app.engine, opened, by="pengelola", note="  ", now=NOW)
    with pytest.raises(UserError, match="no alert"):
        alerts.acknowledge(app.engine, "alert-nope", by="pengelola", note="dicek", now=NOW)
    acked = alerts.acknowledge(app.engine, opened, by="pengelola", note="Kepala loket menelepon petugas", now=NOW)
    assert acked.acknowledged_by == "pengelola" and acked.open   # acknowledged, still open until it clears
    alerts.remove_rule(app.engine, rule_.id, now=NOW)
    assert not alerts.get_alert(app.engine, opened).open and alerts.list_rules(app.engine) == []
    with pytest.raises(UserError, match="no alert rule"):
        alerts.remove_rule(app.engine, rule_.id, now=NOW)


def admin_cli(db_url, *args):
    return subprocess.run([sys.executable, "-m", "kiosk", "admin", "--db", db_url, *args], capture_output=True,
                          text=True, cwd=REPO, env=dict(os.environ), timeout=60)


def test_the_admin_commands(collector_app):
    url = collector_app.db_url
    added = admin_cli(url, "alert-add", "--office", DEMO_OFFICE, "--kind", "unhappy", "--share", "0.6",
                      "--window-min", "30", "--min-count", "5", "--webhook", "https://hooks.example.id/skm")
    assert added.returncode == 0, added.stderr
    rule_ = json.loads(added.stdout)
    assert (rule_["share"], rule_["window_min"], rule_["min_count"], rule_["webhook"]) == (
        0.6, 30, 5, "https://hooks.example.id/skm")
    mail = admin_cli(url, "alert-add", "--office", DEMO_OFFICE, "--kind", "ikm-below", "--threshold", "80",
                     "--email", "kepala@kantor.go.id")
    assert mail.returncode == 0, mail.stderr
    listed = json.loads(admin_cli(url, "alert-list", "--office", DEMO_OFFICE).stdout)
    assert {r["kind"] for r in listed} == {"unhappy", "ikm-below"}
    for bad in (["alert-add", "--office", DEMO_OFFICE, "--kind", "unhappy"],
                ["alert-add", "--office", DEMO_OFFICE, "--kind", "unhappy", "--email", "x", "--webhook", "http://a"],
                ["alert-add", "--office", DEMO_OFFICE, "--kind", "unhappy", "--share", "2", "--email", "a@b.id"],
                ["alert-remove", "rule-nope"], ["alert-ack", "alert-nope", "--note", "ok"]):
        refused = admin_cli(url, *bad)
        assert refused.returncode != 0 and refused.stderr.strip() and "Traceback" not in refused.stderr, bad
    answers_now(collector_app, UNHAPPY, 5)
    alerts.evaluate(collector_app.engine, datetime.now(timezone.utc))
    (alert,) = json.loads(admin_cli(url, "alerts", "--open").stdout)
    acked = admin_cli(url, "alert-ack", alert["alert_id"], "--note", "ditangani", "--by", "kepala")
    assert acked.returncode == 0 and json.loads(acked.stdout)["note"] == "ditangani"
    removed = admin_cli(url, "alert-remove", rule_["rule_id"])
    assert removed.returncode == 0 and rule_["rule_id"] in removed.stdout
    assert [r["kind"] for r in json.loads(admin_cli(url, "alert-list").stdout)] == ["ikm-below"]
    assert json.loads(admin_cli(url, "alerts", "--open").stdout) == []


def test_rules_on_the_dashboard(collector_app):
    import base64

    records.add_admin(collector_app.engine, "pengelola", "kata-sandi-rahasia")
    login = {"Authorization": "Basic " + base64.b64encode(b"pengelola:kata-sandi-rahasia").decode()}
    client = collector_app.client
    assert client.get("/admin/alerts").status_code == 401
    form = {"office": DEMO_OFFICE, "kind": "unhappy", "share": "0.6", "target": "kepala@kantor.go.id"}
    refused = client.post("/admin/alerts/rules", data=form, headers={**login, "Origin": "https://evil.example"},
                          follow_redirects=False)
    assert refused.status_code == 403 and alerts.list_rules(collector_app.engine) == []
    added = client.post("/admin/alerts/rules", data=form, headers={**login, "Origin": "http://testserver"},
                        follow_redirects=False)
    assert added.status_code == 303
    (rule_,) = alerts.list_rules(collector_app.engine)
    assert (rule_.kind, rule_.share, rule_.email, rule_.window_min) == ("unhappy", 0.6, "kepala@kantor.go.id", 15)
    bad = client.post("/admin/alerts/rules", data={**form, "share": "lots"}, headers=login, follow_redirects=False)
    assert bad.status_code == 400
    page = client.get("/admin/alerts?lang=en", headers=login)
    assert page.status_code == 200 and f'data-rule="{rule_.id}"' in page.text and "Alert rules" in page.text
    assert "Aturan peringatan" in client.get("/admin/alerts", headers=login).text
    removed = client.post(f"/admin/alerts/rules/{rule_.id}/remove", headers=login, follow_redirects=False)
    assert removed.status_code == 303 and alerts.list_rules(collector_app.engine) == []
    records.add_office(collector_app.engine, "kantor-b", "Kantor B")
    records.add_admin(collector_app.engine, "kepala-b", "kata-sandi-rahasia", office_ids=("kantor-b",))
    other = {"Authorization": "Basic " + base64.b64encode(b"kepala-b:kata-sandi-rahasia").decode()}
    assert client.post("/admin/alerts/rules", data=form, headers=other).status_code == 403
