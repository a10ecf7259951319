"""Sending alerts: a signed webhook (JSON POST, HMAC-SHA256) or an email through the configured SMTP server.

Each alert row carries its delivery state. A collector process claims a due alert with one guarded
UPDATE (pending and due, or sending with an expired lease), so with several processes exactly one
sends it; a failure is retried with exponential backoff up to MAX_ATTEMPTS. Settings come from the
environment, which `kiosk serve` flags fill in (collector/README.md lists them).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any, Callable

import requests
from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Engine

from collector import alerts
from collector.db import reading, writing
from collector.records import stamp
from kiosk.errors import UserError

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-SKM-Signature"     # "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body)
TIMESTAMP_HEADER = "X-SKM-Timestamp"     # Unix seconds when it was sent; receivers refuse old ones (replay)
MAX_ATTEMPTS = 10
LEASE = timedelta(seconds=120)           # a claim this old belongs to a process that died mid-send
WEBHOOK_TIMEOUT = (5.0, 10.0)


@dataclass(frozen=True)
class DeliverySettings:
    webhook_secret: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "skm-kiosk@localhost"
    smtp_starttls: bool = False
    public_url: str | None = None        # the dashboard's address as admins reach it, for links in alerts
    retry_base_s: float = 30.0           # first retry after this, doubling up to an hour

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> "DeliverySettings":
        env = os.environ if environ is None else environ
        port = env.get("KIOSK_SMTP_PORT", "25")
        retry = env.get("KIOSK_ALERT_RETRY_S", "30")
        try:
            port_number, retry_s = int(port), float(retry)
        except ValueError:
            raise UserError(f"KIOSK_SMTP_PORT={port!r} and KIOSK_ALERT_RETRY_S={retry!r} must be numbers.") from None
        if not 0 < port_number < 65536 or not 0.01 <= retry_s <= 3600:
            raise UserError("KIOSK_SMTP_PORT must be 1..65535 and KIOSK_ALERT_RETRY_S 0.01..3600.")
        return cls(webhook_secret=env.get("KIOSK_WEBHOOK_SECRET") or None, smtp_host=env.get("KIOSK_SMTP_HOST") or None,
                   smtp_port=port_number, smtp_user=env.get("KIOSK_SMTP_USER") or None,
                   smtp_password=env.get("KIOSK_SMTP_PASSWORD") or None,
                   smtp_from=env.get("KIOSK_SMTP_FROM") or cls.smtp_from,
                   smtp_starttls=env.get("KIOSK_SMTP_STARTTLS", "") in ("1", "true", "yes"),
                   public_url=(env.get("KIOSK_PUBLIC_URL") or "").rstrip("/") or None, retry_base_s=retry_s)


class DeliveryFailed(Exception):
    """This attempt failed; the message says why (no secrets in it)."""


def payload(alert: alerts.Alert, rule: alerts.Rule, public_url: str | None) -> dict[str, Any]:
    """What a webhook receives and an email says: the rule, the counts, a link. Never a comment."""
    link = f"{public_url or ''}/admin/alerts?office={alert.office_id}"
    return {"alert_id": alert.id, "rule_id": rule.id, "kind": rule.kind, "office_id": alert.office_id,
            "service_id": rule.service_id, "kiosk_id": alert.subject or None, "opened_at": alert.opened_at,
            "facts": alert.facts, "link": link}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def send_webhook(url: str, data: dict[str, Any], secret: str | None, now: datetime,
                 session: requests.Session | None = None) -> None:
    body = json.dumps(data, sort_keys=True).encode()
    timestamp = str(int(now.timestamp()))
    headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: timestamp, "User-Agent": "skm-kiosk-collector"}
    if secret:
        headers[SIGNATURE_HEADER] = sign(secret, timestamp, body)
    try:
        answer = (session or requests).post(url, data=body, headers=headers, timeout=WEBHOOK_TIMEOUT,
                                            allow_redirects=False)
    except requests.RequestException as exc:
        raise DeliveryFailed(f"webhook not reached: {type(exc).__name__}") from None
    if not 200 <= answer.status_code < 300:
        raise DeliveryFailed(f"webhook answered {answer.status_code}")


SUBJECTS = {
    "unhappy": "[SKM] Banyak jawaban tidak puas / many unhappy answers: {office}",
    "ikm-below": "[SKM] IKM di bawah ambang / IKM below threshold: {office}",
    "kiosk-health": "[SKM] Kiosk bermasalah / kiosk needs attention: {office} {kiosk}",
}


def email_message(data: dict[str, Any], settings: DeliverySettings, to: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = SUBJECTS[data["kind"]].format(office=data["office_id"], kiosk=data["kiosk_id"] or "")
    message["From"] = settings.smtp_from
    message["To"] = to
    lines = [f"{key}: {value}" for key, value in sorted(data["facts"].items())]
    message.set_content("\n".join([
        f"Kantor / office: {data['office_id']}" + (f", layanan / service: {data['service_id']}"
                                                    if data["service_id"] else ""),
        f"Aturan / rule: {data['rule_id']} ({data['kind']})",
        f"Dibuka / opened: {data['opened_at']} UTC",
        *lines,
        "",
        f"Dasbor / dashboard: {data['link']}",
    ]) + "\n")
    return message


def send_email(to: str, data: dict[str, Any], settings: DeliverySettings) -> None:
    if not settings.smtp_host:
        raise DeliveryFailed("no SMTP server configured (kiosk serve --smtp-host)")
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(email_message(data, settings, to))
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryFailed(f"email not sent: {type(exc).__name__}: {str(exc)[:120]}") from None


def retry_delay(attempts: int, base_s: float) -> timedelta:
    return timedelta(seconds=min(base_s * 2 ** max(0, attempts - 1), 3600.0))


def _due(now: datetime):
    text = stamp(now)
    return or_(and_(alerts.alerts.c.delivery == "pending", alerts.alerts.c.next_attempt_at <= text),
               and_(alerts.alerts.c.delivery == "sending", alerts.alerts.c.lease_until < text))


def _claim(engine: Engine, alert_id: str, now: datetime) -> bool:
    with writing(engine) as conn:
        return conn.execute(update(alerts.alerts).where(alerts.alerts.c.id == alert_id, _due(now)).values(
            delivery="sending", lease_until=stamp(now + LEASE),
            attempts=alerts.alerts.c.attempts + 1)).rowcount == 1


def deliver(engine: Engine, alert_id: str, settings: DeliverySettings, now: datetime,
            send: Callable[[alerts.Rule, dict[str, Any]], None] | None = None) -> bool | None:
    """Claim and send one alert: True sent, False failed (retry later or given up), None not ours to send."""
    if not _claim(engine, alert_id, now):
        return None
    alert = alerts.get_alert(engine, alert_id)
    rule = alerts.get_rule(engine, alert.rule_id)  # type: ignore[union-attr]
    data = payload(alert, rule, settings.public_url)  # type: ignore[arg-type]
    try:
        if send is not None:
            send(rule, data)  # type: ignore[arg-type]
        elif rule.webhook_url:  # type: ignore[union-attr]
            send_webhook(rule.webhook_url, data, settings.webhook_secret, now)  # type: ignore[union-attr]
        else:
            send_email(rule.email, data, settings)  # type: ignore[union-attr, arg-type]
    except DeliveryFailed as exc:
        attempts = alert.attempts  # type: ignore[union-attr]  (the claim counted this attempt)
        gave_up = attempts >= MAX_ATTEMPTS
        with writing(engine) as conn:
            conn.execute(update(alerts.alerts).where(alerts.alerts.c.id == alert_id).values(
                delivery="failed" if gave_up else "pending", lease_until=None, last_error=str(exc)[:300],
                next_attempt_at=None if gave_up else stamp(now + retry_delay(attempts, settings.retry_base_s))))
        log.warning("alert %s: %s (attempt %d%s)", alert_id, exc, attempts, ", giving up" if gave_up else "")
        return False
    with writing(engine) as conn:
        conn.execute(update(alerts.alerts).where(alerts.alerts.c.id == alert_id).values(
            delivery="sent", delivered_at=stamp(now), lease_until=None, last_error=None))
    log.info("alert %s sent to %s", alert_id, rule.target)  # type: ignore[union-attr]
    return True


def deliver_due(engine: Engine, settings: DeliverySettings, now: datetime,
                send: Callable[[alerts.Rule, dict[str, Any]], None] | None = None) -> dict[str, bool]:
    """Send every alert that is due; alert id -> sent, for those this process claimed."""
    with reading(engine) as conn:
        due = list(conn.execute(select(alerts.alerts.c.id).where(_due(now))
                                .order_by(alerts.alerts.c.opened_at).limit(100)).scalars())
    done = {}
    for alert_id in due:
        outcome = deliver(engine, alert_id, settings, now, send)
        if outcome is not None:
            done[alert_id] = outcome
    return done
