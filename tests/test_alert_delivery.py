"""Alert delivery to a real webhook receiver and a real SMTP server: signed, retried with backoff, once, no comments."""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone

import pytest

from collector import alerts, delivery
from fixtures_collector import DEMO_OFFICE, make_wire

SECRET = "a-shared-secret-of-some-length"
UNHAPPY = {f"U{i}": 1 for i in range(1, 10)}
COMMENT = "Petugas bernama Budi Santoso kasar sekali"


def open_alert(app, **target) -> tuple[alerts.Rule, str]:
    rule = alerts.add_rule(app.engine, DEMO_OFFICE, "unhappy", now=datetime.now(timezone.utc), **target)
    now = datetime.now(timezone.utc)
    items = [make_wire(answers=UNHAPPY, comment=COMMENT, submitted_at=now - timedelta(seconds=i)) for i in range(5)]
    assert set(app.statuses(items)) == {"accepted"}
    (alert_id,) = alerts.evaluate(app.engine, now).opened
    return rule, alert_id


def settings(**changes) -> delivery.DeliverySettings:
    return delivery.DeliverySettings(**{"webhook_secret": SECRET, "public_url": "https://skm.example.id",
                                        "retry_base_s": 30.0, **changes})


def test_webhook_is_signed_and_carries_counts_and_a_link(collector_app, webhook_receiver):
    rule, alert_id = open_alert(collector_app, webhook_url=webhook_receiver.url)
    now = datetime.now(timezone.utc)
    assert delivery.deliver_due(collector_app.engine, settings(), now) == {alert_id: True}
    assert delivery.deliver_due(collector_app.engine, settings(), now + timedelta(hours=1)) == {}  # sent once
    ((headers, body),) = webhook_receiver.calls
    timestamp = headers["x-skm-timestamp"]
    expected = "sha256=" + hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-skm-signature"], expected)
    assert abs(int(timestamp) - now.timestamp()) < 5 and headers["content-type"] == "application/json"
    data = json.loads(body)
    assert data["alert_id"] == alert_id and data["kind"] == "unhappy" and data["office_id"] == DEMO_OFFICE
    assert data["facts"]["respondents"] == 5 and data["facts"]["unhappy"] == 5
    assert data["link"] == f"https://skm.example.id/admin/alerts?office={DEMO_OFFICE}"
    assert "Budi" not in body.decode() and "comment" not in body.decode()
    assert alerts.get_alert(collector_app.engine, alert_id).delivery == "sent"


def test_a_failing_receiver_is_retried_with_backoff(collector_app, webhook_receiver):
    webhook_receiver.fail_first = 2
    _, alert_id = open_alert(collector_app, webhook_url=webhook_receiver.url)
    t0 = datetime.now(timezone.utc)
    assert delivery.deliver_due(collector_app.engine, settings(), t0) == {alert_id: False}
    failed = alerts.get_alert(collector_app.engine, alert_id)
    assert (failed.delivery, failed.attempts, failed.last_error) == ("pending", 1, "webhook answered 500")
    assert delivery.deliver_due(collector_app.engine, settings(), t0 + timedelta(seconds=29)) == {}
    assert delivery.deliver_due(collector_app.engine, settings(), t0 + timedelta(seconds=30)) == {alert_id: False}
    # The second failure waits twice as long.
    assert delivery.deliver_due(collector_app.engine, settings(), t0 + timedelta(seconds=89)) == {}
    assert delivery.deliver_due(collector_app.engine, settings(), t0 + timedelta(seconds=90)) == {alert_id: True}
    assert len(webhook_receiver.calls) == 3 and alerts.get_alert(collector_app.engine, alert_id).attempts == 3


def test_an_unreachable_receiver_is_given_up_after_the_last_attempt(collector_app):
    from pgcluster import free_port

    _, alert_id = open_alert(collector_app, webhook_url=f"http://127.0.0.1:{free_port()}/gone")
    moment = datetime.now(timezone.utc)
    for _ in range(delivery.MAX_ATTEMPTS):
        assert delivery.deliver_due(collector_app.engine, settings(retry_base_s=1), moment) == {alert_id: False}
        moment += timedelta(hours=1)
    gone = alerts.get_alert(collector_app.engine, alert_id)
    assert gone.delivery == "failed" and gone.attempts == delivery.MAX_ATTEMPTS and "not reached" in gone.last_error
    assert delivery.deliver_due(collector_app.engine, settings(), moment + timedelta(days=1)) == {}


def test_email_through_a_real_smtp_server(collector_app, mailbox):
    _, alert_id = open_alert(collector_app, email="kepala@kantor.go.id")
    smtp = settings(smtp_host="127.0.0.1", smtp_port=mailbox.port, smtp_from="skm@kantor.go.id")
    assert delivery.deliver_due(collector_app.engine, smtp, datetime.now(timezone.utc)) == {alert_id: True}
    (message,) = mailbox.wait_for(1)
    assert mailbox.recipients == [["kepala@kantor.go.id"]]
    assert message["To"] == "kepala@kantor.go.id" and message["From"] == "skm@kantor.go.id"
    assert DEMO_OFFICE in message["Subject"] and "tidak puas" in message["Subject"]
    text = message.get_content()
    assert "respondents: 5" in text and "unhappy: 5" in text
    assert f"https://skm.example.id/admin/alerts?office={DEMO_OFFICE}" in text and "Budi" not in text


def test_email_without_an_smtp_server_waits_for_one(collector_app):
    _, alert_id = open_alert(collector_app, email="kepala@kantor.go.id")
    assert delivery.deliver_due(collector_app.engine, settings(), datetime.now(timezone.utc)) == {alert_id: False}
    assert "no SMTP server" in alerts.get_alert(collector_app.engine, alert_id).last_error


def test_settings_from_the_environment():
    made = delivery.DeliverySettings.from_environment({
        "KIOSK_WEBHOOK_SECRET": SECRET, "KIOSK_SMTP_HOST": "mail.kantor.go.id", "KIOSK_SMTP_PORT": "587",
        "KIOSK_SMTP_STARTTLS": "1", "KIOSK_PUBLIC_URL": "https://skm.example.id/"})
    assert (made.webhook_secret, made.smtp_host, made.smtp_port, made.smtp_starttls, made.public_url) == (
        SECRET, "mail.kantor.go.id", 587, True, "https://skm.example.id")
    from kiosk.errors import UserError

    with pytest.raises(UserError, match="KIOSK_SMTP_PORT"):
        delivery.DeliverySettings.from_environment({"KIOSK_SMTP_PORT": "smtp"})
