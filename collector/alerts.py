"""Alert rules per office (unhappy share, IKM below a threshold, a kiosk's health) and their alerts.

An alert is one episode of a rule's condition for one subject (the office, or one kiosk). It is opened
by whichever collector process first sees the condition: the row's unique `open_key` makes the claim,
so several processes evaluating at once open it once (and collector/delivery.py sends it once). It
closes itself when the condition clears; an admin acknowledges it with a note. Alerts carry counts
and links only, never a respondent's comment.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any, Iterable, Mapping

import orjson
from sqlalchemy import Column, Float, Integer, Table, Text, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from collector import fleet
from collector.db import reading, writing
from collector.records import get_office, stamp
from collector.tables import metadata, responses
from kiosk import ikm
from kiosk.counting import VOIDED, CountingRule
from kiosk.errors import UserError

KINDS = ("unhappy", "ikm-below", "kiosk-health")
OFFICE_SUBJECT = ""  # unhappy and ikm-below rules watch the office (or one service) as a whole

DEFAULTS: dict[str, dict[str, Any]] = {
    # HappyOrNot's "smiley alert": half the answers unhappy in a quarter of an hour, with at least 4 answers.
    "unhappy": {"share": 0.5, "window_min": 15, "min_count": 4},
    # Below 76.61 is mutu C or D ("kurang baik", "tidak baik") in PermenPAN-RB 14/2017's conversion.
    "ikm-below": {"threshold": 76.61, "window_min": 24 * 60, "min_count": 10},
    "kiosk-health": {},
}

alert_rules = Table(
    "alert_rules", metadata,
    Column("id", Text, primary_key=True),
    Column("office_id", Text, nullable=False),
    Column("service_id", Text),
    Column("kind", Text, nullable=False),
    Column("share", Float),
    Column("window_min", Integer),
    Column("min_count", Integer),
    Column("threshold", Float),
    Column("webhook_url", Text),
    Column("email", Text),
    Column("created_at", Text, nullable=False),
    Column("removed_at", Text),
)

alerts = Table(
    "alerts", metadata,
    Column("id", Text, primary_key=True),
    Column("rule_id", Text, nullable=False),
    Column("office_id", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("open_key", Text, unique=True),
    Column("facts", Text, nullable=False),
    Column("opened_at", Text, nullable=False),
    Column("closed_at", Text),
    Column("acknowledged_at", Text),
    Column("acknowledged_by", Text),
    Column("ack_note", Text),
    Column("delivery", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", Text),
    Column("lease_until", Text),
    Column("delivered_at", Text),
    Column("last_error", Text),
)


@dataclass(frozen=True)
class Rule:
    id: str
    office_id: str
    service_id: str | None
    kind: str
    share: float | None
    window_min: int | None
    min_count: int | None
    threshold: float | None
    webhook_url: str | None
    email: str | None
    created_at: str

    @property
    def target(self) -> str:
        return f"webhook {self.webhook_url}" if self.webhook_url else f"email {self.email}"

    def to_json(self) -> dict[str, Any]:
        return {"rule_id": self.id, "office_id": self.office_id, "service_id": self.service_id, "kind": self.kind,
                "share": self.share, "window_min": self.window_min, "min_count": self.min_count,
                "threshold": self.threshold, "webhook": self.webhook_url, "email": self.email,
                "created_at": self.created_at}


@dataclass(frozen=True)
class Alert:
    id: str
    rule_id: str
    office_id: str
    subject: str
    facts: dict[str, Any]
    opened_at: str
    closed_at: str | None
    acknowledged_at: str | None
    acknowledged_by: str | None
    ack_note: str | None
    delivery: str
    attempts: int
    delivered_at: str | None
    last_error: str | None

    @property
    def open(self) -> bool:
        return self.closed_at is None

    def to_json(self) -> dict[str, Any]:
        return {"alert_id": self.id, "rule_id": self.rule_id, "office_id": self.office_id,
                "kiosk_id": self.subject or None, "facts": self.facts, "opened_at": self.opened_at,
                "closed_at": self.closed_at, "acknowledged_at": self.acknowledged_at,
                "acknowledged_by": self.acknowledged_by, "note": self.ack_note, "delivery": self.delivery,
                "attempts": self.attempts, "delivered_at": self.delivered_at, "last_error": self.last_error}


# --- rules ---------------------------------------------------------------------------------------

def _check_webhook(url: str) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000:
        raise UserError(f"--webhook {url!r} must be an http:// or https:// URL.")


def _check_email(address: str) -> None:
    local, at, domain = address.partition("@")
    if not at or not local or "." not in domain or any(c.isspace() or c in "<>,;\"" for c in address) \
            or len(address) > 254:
        raise UserError(f"--email {address!r} is not an email address.")


def add_rule(engine: Engine, office_id: str, kind: str, *, service_id: str | None = None,
             share: float | None = None, window_min: int | None = None, min_count: int | None = None,
             threshold: float | None = None, webhook_url: str | None = None, email: str | None = None,
             now: datetime) -> Rule:
    """A new rule; the kind's defaults fill what is not given. Bad settings are a UserError."""
    if kind not in KINDS:
        raise UserError(f"--kind {kind!r} must be one of {', '.join(KINDS)}.")
    if bool(webhook_url) == bool(email):
        raise UserError("an alert rule needs exactly one of --webhook URL or --email ADDR.")
    if webhook_url:
        _check_webhook(webhook_url)
    if email:
        _check_email(email)
    given = {"share": share, "window_min": window_min, "min_count": min_count, "threshold": threshold}
    allowed = DEFAULTS[kind]
    for name, value in given.items():
        if value is not None and name not in allowed:
            raise UserError(f"--{name.replace('_', '-')} does not apply to a {kind} rule.")
    values = {name: (given[name] if given[name] is not None else default) for name, default in allowed.items()}
    if "share" in values and not 0 < values["share"] <= 1:
        raise UserError("--share must be more than 0 and at most 1 (0.5 is half).")
    if "window_min" in values and not 1 <= values["window_min"] <= 90 * 24 * 60:
        raise UserError("--window-min must be between 1 and 129600 (90 days).")
    if "min_count" in values and not 1 <= values["min_count"] <= 1_000_000:
        raise UserError("--min-count must be between 1 and 1000000.")
    if "threshold" in values and not 25 <= values["threshold"] <= 100:
        raise UserError("--threshold is an IKM on the converted scale, between 25 and 100.")
    if service_id is not None and kind == "kiosk-health":
        raise UserError("--service does not apply to a kiosk-health rule (kiosks belong to the office).")
    office = get_office(engine, office_id)
    if office is None:
        raise UserError(f"there is no office {office_id!r}.")
    if service_id is not None and service_id not in office.service_ids():
        raise UserError(f"office {office_id!r} has no service {service_id!r}.")
    rule = Rule(id="rule-" + secrets.token_hex(4), office_id=office_id, service_id=service_id, kind=kind,
                share=values.get("share"), window_min=values.get("window_min"), min_count=values.get("min_count"),
                threshold=values.get("threshold"), webhook_url=webhook_url or None, email=email or None,
                created_at=stamp(now))
    with writing(engine) as conn:
        conn.execute(insert(alert_rules).values(
            id=rule.id, office_id=office_id, service_id=service_id, kind=kind, share=rule.share,
            window_min=rule.window_min, min_count=rule.min_count, threshold=rule.threshold,
            webhook_url=rule.webhook_url, email=rule.email, created_at=rule.created_at))
    return rule


def _rule(row: Any) -> Rule:
    return Rule(row.id, row.office_id, row.service_id, row.kind, row.share, row.window_min, row.min_count,
                row.threshold, row.webhook_url, row.email, row.created_at)


def list_rules(source: Engine | Connection, office_id: str | None = None) -> list[Rule]:
    """The rules in force (removed ones are kept for their alerts' history, but not listed)."""
    if isinstance(source, Engine):
        with reading(source) as conn:
            return list_rules(conn, office_id)
    query = select(alert_rules).where(alert_rules.c.removed_at.is_(None)).order_by(alert_rules.c.office_id,
                                                                                    alert_rules.c.created_at)
    if office_id:
        query = query.where(alert_rules.c.office_id == office_id)
    return [_rule(row) for row in source.execute(query)]


def get_rule(source: Engine | Connection, rule_id: str) -> Rule | None:
    if isinstance(source, Engine):
        with reading(source) as conn:
            return get_rule(conn, rule_id)
    row = source.execute(select(alert_rules).where(alert_rules.c.id == rule_id)).first()
    return _rule(row) if row is not None else None


def remove_rule(engine: Engine, rule_id: str, *, now: datetime) -> Rule:
    """Stop a rule; its open alerts close now. Its past alerts stay."""
    with writing(engine) as conn:
        rule = get_rule(conn, rule_id)
        if rule is None or conn.execute(select(alert_rules.c.removed_at)
                                        .where(alert_rules.c.id == rule_id)).scalar_one() is not None:
            raise UserError(f"there is no alert rule {rule_id!r} (see `kiosk admin alert-list`).")
        conn.execute(update(alert_rules).where(alert_rules.c.id == rule_id).values(removed_at=stamp(now)))
        conn.execute(update(alerts).where(alerts.c.rule_id == rule_id, alerts.c.closed_at.is_(None))
                     .values(closed_at=stamp(now), open_key=None))
    return rule


# --- conditions (pure) ---------------------------------------------------------------------------

def is_unhappy(answers: Mapping[str, Any]) -> bool | None:
    """A respondent is unhappy when at least half of their answers are 1 or 2; None without answers."""
    values = [v for v in answers.values() if type(v) is int]
    if not values:
        return None
    return 2 * sum(1 for v in values if v <= 2) >= len(values)


def unhappy_condition(answer_sets: Iterable[Mapping[str, Any]], rule: Rule) -> tuple[bool, dict[str, Any]]:
    """(met, facts) of an unhappy rule over the window's answers."""
    respondents = unhappy = 0
    for answers in answer_sets:
        verdict = is_unhappy(answers)
        if verdict is None:
            continue
        respondents += 1
        unhappy += verdict
    share = unhappy / respondents if respondents else 0.0
    met = respondents >= (rule.min_count or 1) and share >= (rule.share or 0)
    return met, {"respondents": respondents, "unhappy": unhappy, "share": round(share, 4),
                 "window_min": rule.window_min, "min_count": rule.min_count, "share_threshold": rule.share}


def ikm_condition(answer_sets: Iterable[Mapping[str, Any]], rule: Rule, questionnaire) -> tuple[bool, dict[str, Any]]:
    """(met, facts) of an ikm-below rule: the IKM (converted, 25-100) of the window below the threshold."""
    result = ikm.compute(answer_sets, questionnaire)
    converted = None if result.ikm is None else float(result.ikm * Fraction(25))
    met = (converted is not None and result.respondents >= (rule.min_count or 1)
           and converted < (rule.threshold or 0))
    return met, {"respondents": result.respondents, "ikm_converted": None if converted is None else round(converted, 2),
                 "threshold": rule.threshold, "window_min": rule.window_min, "min_count": rule.min_count}


# --- evaluation ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    opened: tuple[str, ...] = ()
    closed: tuple[str, ...] = ()


def _window_answers(conn: Connection, rule: Rule, now: datetime, counting: CountingRule, *,
                    complete_only: bool) -> list[dict[str, Any]]:
    """The answers of the rule's window that the office's counting rule would count (kiosk/counting.py):
    never simulated, voided or held as suspect. An unhappy rule also reads unfinished surveys
    (complete_only False): a citizen who walked away after two angry faces is exactly what it watches."""
    since = stamp(now - timedelta(minutes=rule.window_min or 15))
    query = select(responses.c.body, responses.c.collector_flags, responses.c.voided_at).where(
        responses.c.office_id == rule.office_id,
        responses.c.submitted_at >= since,
        responses.c.submitted_at <= stamp(now + timedelta(minutes=5)))
    if rule.service_id:
        query = query.where(responses.c.service_id == rule.service_id)
    if complete_only:
        query = query.where(responses.c.complete.is_(True))
    out = []
    for body, collector_flags, voided_at in conn.execute(query).all():
        wire = orjson.loads(body)
        flags = [f for f in (wire.get("flags") or ()) if isinstance(f, str)]
        flags += [f for f in (collector_flags or "").split(",") if f]
        if voided_at is not None:
            flags.append(VOIDED)
        if counting.left_out_because(flags) is None:
            out.append(wire.get("answers") or {})
    return out


def conditions(engine: Engine, rule: Rule, now: datetime,
               health_rules: fleet.HealthRules = fleet.HealthRules()) -> dict[str, tuple[bool, dict[str, Any]]]:
    """subject -> (met, facts) for one rule now."""
    if rule.kind == "kiosk-health":
        out = {}
        for kiosk in fleet.fleet(engine, now=now, office_id=rule.office_id, rules=health_rules):
            if kiosk.active:
                out[kiosk.kiosk_id] = (kiosk.health != fleet.OK, {"kiosk_id": kiosk.kiosk_id, "health": kiosk.health,
                                                                 "problems": list(kiosk.problems)})
        return out
    with reading(engine) as conn:
        office = get_office(conn, rule.office_id)
        counting = CountingRule.for_office(office.settings if office else None)
        answers = _window_answers(conn, rule, now, counting, complete_only=rule.kind == "ikm-below")
        if rule.kind == "unhappy":
            return {OFFICE_SUBJECT: unhappy_condition(answers, rule)}
    return {OFFICE_SUBJECT: ikm_condition(answers, rule, office.questionnaire())}


def _open_alerts(conn: Connection, rule_id: str) -> dict[str, str]:
    """subject -> alert id of the rule's open alerts."""
    return dict(conn.execute(select(alerts.c.subject, alerts.c.id)
                             .where(alerts.c.rule_id == rule_id, alerts.c.closed_at.is_(None))).all())


def evaluate_rule(engine: Engine, rule: Rule, now: datetime,
                  health_rules: fleet.HealthRules = fleet.HealthRules()) -> Outcome:
    """Open an alert for each subject whose condition is met and has none open; close those that cleared."""
    found = conditions(engine, rule, now, health_rules)
    with reading(engine) as conn:
        open_now = _open_alerts(conn, rule.id)
    opened, closed = [], []
    for subject, (met, facts) in found.items():
        if met and subject not in open_now:
            alert_id = _claim(engine, rule, subject, facts, now)
            if alert_id is not None:
                opened.append(alert_id)
    for subject, alert_id in open_now.items():
        met = found.get(subject, (False, {}))[0]
        if not met and _close(engine, alert_id, now):
            closed.append(alert_id)
    return Outcome(tuple(opened), tuple(closed))


def _claim(engine: Engine, rule: Rule, subject: str, facts: dict[str, Any], now: datetime) -> str | None:
    """Open the episode; None when another process opened it first (the unique open_key says so)."""
    alert_id = "alert-" + secrets.token_hex(6)
    try:
        with writing(engine) as conn:
            conn.execute(insert(alerts).values(
                id=alert_id, rule_id=rule.id, office_id=rule.office_id, subject=subject,
                open_key=f"{rule.id}/{subject}", facts=json.dumps(facts, sort_keys=True), opened_at=stamp(now),
                delivery="pending", attempts=0, next_attempt_at=stamp(now)))
    except IntegrityError:
        return None
    return alert_id


def _close(engine: Engine, alert_id: str, now: datetime) -> bool:
    with writing(engine) as conn:
        return conn.execute(update(alerts).where(alerts.c.id == alert_id, alerts.c.closed_at.is_(None))
                            .values(closed_at=stamp(now), open_key=None)).rowcount == 1


def evaluate(engine: Engine, now: datetime, *, office_id: str | None = None, kinds: tuple[str, ...] = KINDS,
             health_rules: fleet.HealthRules = fleet.HealthRules()) -> Outcome:
    """Every rule in force (of one office, of some kinds)."""
    opened: list[str] = []
    closed: list[str] = []
    for rule in list_rules(engine, office_id):
        if rule.kind in kinds:
            outcome = evaluate_rule(engine, rule, now, health_rules)
            opened += outcome.opened
            closed += outcome.closed
    return Outcome(tuple(opened), tuple(closed))


# --- reading and acknowledging -------------------------------------------------------------------

def _alert(row: Any) -> Alert:
    return Alert(row.id, row.rule_id, row.office_id, row.subject, json.loads(row.facts), row.opened_at, row.closed_at,
                 row.acknowledged_at, row.acknowledged_by, row.ack_note, row.delivery, row.attempts,
                 row.delivered_at, row.last_error)


def list_alerts(engine: Engine, *, office_id: str | None = None, open_only: bool = False,
                limit: int = 200) -> list[Alert]:
    """The latest alerts first."""
    query = select(alerts).order_by(alerts.c.opened_at.desc()).limit(limit)
    if office_id:
        query = query.where(alerts.c.office_id == office_id)
    if open_only:
        query = query.where(alerts.c.closed_at.is_(None))
    with reading(engine) as conn:
        return [_alert(row) for row in conn.execute(query)]


def get_alert(source: Engine | Connection, alert_id: str) -> Alert | None:
    if isinstance(source, Engine):
        with reading(source) as conn:
            return get_alert(conn, alert_id)
    row = source.execute(select(alerts).where(alerts.c.id == alert_id)).first()
    return _alert(row) if row is not None else None


NOTE_MAX = 500


def acknowledge(engine: Engine, alert_id: str, *, by: str, note: str, now: datetime) -> Alert:
    """Someone has seen it and says what is being done; the alert stays open until its condition clears."""
    note = note.strip()
    if not note or len(note) > NOTE_MAX or "\x00" in note:
        raise UserError(f"an acknowledgement needs a note of 1 to {NOTE_MAX} characters.")
    with writing(engine) as conn:
        if conn.execute(update(alerts).where(alerts.c.id == alert_id).values(
                acknowledged_at=stamp(now), acknowledged_by=by, ack_note=note)).rowcount != 1:
            raise UserError(f"there is no alert {alert_id!r} (see `kiosk admin alerts`).")
        return get_alert(conn, alert_id)  # type: ignore[return-value]

