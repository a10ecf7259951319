"""What the Laporan SKM documents take from single responses, without holding an office's responses in memory.

The Data sheet walks a database cursor (server-side on PostgreSQL, SQLite's own stepping) one response at a
time; the period's first and last dates come from the running totals (collector/totals.py); the audit
entries are only those about this scope, chosen by the database.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
from typing import Any, Iterator

from sqlalchemy import Text, cast, exists, func, or_, select, true
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Engine

from collector.db import reading
from collector.ingest import read_stored_body
from collector.tables import audit_log, responses, totals_respondents
from kiosk.counting import CLOCK, CountingRule
from kiosk.response import Response

BATCH = 1000  # rows per round trip of a PostgreSQL server-side cursor
SQLITE_CACHE_KIB = 4096  # the page cache of a connection walking the Data sheet's rows


@contextlib.contextmanager
def one_pass(conn: Connection) -> Iterator[None]:
    """A query that reads every row of an office once: collector/db.py's large SQLite page cache would only
    fill with pages read once, and SQLite's sort spills to disk at a budget that follows it, so the
    connection gets a small one meanwhile (and its own back after, for the collector's other work)."""
    restore = conn.exec_driver_sql("PRAGMA cache_size").scalar() if conn.dialect.name == "sqlite" else None
    if restore is not None:
        conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        if restore is not None:
            conn.exec_driver_sql(f"PRAGMA cache_size={int(restore)}")


def _in_scope(query, office_id: str, service: str | None, date_from: dt.date | None, date_to: dt.date | None):
    query = query.where(responses.c.office_id == office_id)
    if service:
        query = query.where(responses.c.service_id == service)
    if date_from:
        query = query.where(responses.c.local_date >= date_from.isoformat())
    if date_to:
        query = query.where(responses.c.local_date <= date_to.isoformat())
    return query


@dataclasses.dataclass(frozen=True)
class DataRows:
    """Every complete response in scope, oldest first, with what became of it: "" when counted, else the
    reason the counting rule left it out. Each pass reads the database anew, a batch at a time."""

    engine: Engine
    office_id: str
    service: str | None
    date_from: dt.date | None
    date_to: dt.date | None
    rule: CountingRule

    def __iter__(self) -> Iterator[tuple[Response, str]]:
        query = _in_scope(select(responses.c.body, responses.c.collector_flags, responses.c.voided_at)
                          .where(responses.c.complete.is_(True)),
                          self.office_id, self.service, self.date_from, self.date_to)
        query = query.order_by(responses.c.submitted_at, responses.c.id).execution_options(yield_per=BATCH)
        with reading(self.engine) as conn, one_pass(conn):
            yield from self._rows(conn, query)

    def _rows(self, conn: Connection, query) -> Iterator[tuple[Response, str]]:
        for body, collector_flags, voided_at in conn.execute(query):
            wire = read_stored_body(body)
            if wire is None:
                continue
            response = Response.from_wire(wire)
            added = tuple(f for f in (collector_flags or "").split(",") if f) + (("voided",) if voided_at else ())
            if added:
                response = dataclasses.replace(response, flags=response.flags + added)
            if response.complete:
                yield response, self.rule.left_out_because(response.flags) or ""


def counted_span(conn: Connection, office_id: str, service: str | None, date_from: dt.date | None,
                 date_to: dt.date | None, rule: CountingRule) -> tuple[dt.date, dt.date] | None:
    """The first and last local dates of the counted responses, leaving out those dated by their reception
    (`clock`): read from the running totals, a few rows per counting class whatever the office's size."""
    t = totals_respondents
    query = (select(t.c["class"], t.c.local_date).where(t.c.office_id == office_id, t.c.n > 0)
             .group_by(t.c["class"], t.c.local_date))
    if service:
        query = query.where(t.c.service_id == service)
    if date_from:
        query = query.where(t.c.local_date >= date_from.isoformat())
    if date_to:
        query = query.where(t.c.local_date <= date_to.isoformat())
    from collector.totals import ABANDONED, UNREADABLE

    days = []
    for flags_text, day in conn.execute(query):
        if flags_text in (ABANDONED, UNREADABLE):
            continue
        flags = flags_text.split(",") if flags_text else []
        if CLOCK not in flags and rule.left_out_because(flags) is None:
            days.append(day)
    return (dt.date.fromisoformat(min(days)), dt.date.fromisoformat(max(days))) if days else None


def counted_locales(conn: Connection, office_id: str, service: str | None, date_from: dt.date | None,
                    date_to: dt.date | None, rule: CountingRule) -> dict[str, int]:
    """Counted respondents per language of the survey (None when the body names none): one grouping query
    in the database, a row per language and set of flags, whatever the office's size."""
    if conn.dialect.name == "postgresql":
        body = cast(responses.c.body, JSONB)
        locale, flags, readable = body["locale"].astext, cast(body["flags"], Text), true()
    else:
        locale = func.json_extract(responses.c.body, "$.locale")
        flags = func.json_extract(responses.c.body, "$.flags")
        readable = func.json_valid(responses.c.body) == 1  # an unreadable body counts nowhere, as in reports
    voided = responses.c.voided_at.is_not(None)
    query = _in_scope(select(locale, flags, responses.c.collector_flags, voided, func.count())
                      .where(responses.c.complete.is_(True), readable), office_id, service, date_from, date_to)
    counts: dict[str, int] = {}
    with one_pass(conn):
        grouped = conn.execute(query.group_by(locale, flags, responses.c.collector_flags, voided)).all()
    for code, flags_json, collector_flags, is_voided, n in grouped:
        body_flags = json.loads(flags_json) if flags_json else []
        present = [f for f in (body_flags if isinstance(body_flags, list) else []) if isinstance(f, str)]
        present += [f for f in (collector_flags or "").split(",") if f] + (["voided"] if is_voided else [])
        if rule.left_out_because(present) is None:
            counts[code] = counts.get(code, 0) + n
    return counts


def scope_audit(conn: Connection, office_id: str, service: str | None, date_from: dt.date | None,
                date_to: dt.date | None) -> tuple[dict[str, Any], ...]:
    """The audit log's entries about the scope's complete responses, and the office's paper imports that
    stored some, oldest first."""
    about_scope = exists(_in_scope(select(responses.c.id).where(responses.c.id == audit_log.c.response_id,
                                                                responses.c.complete.is_(True)),
                                   office_id, service, date_from, date_to))
    from collector.voiding import PAPER_IMPORT

    query = (select(audit_log, about_scope.label("about_scope"))
             .where(audit_log.c.office_id == office_id, or_(about_scope, audit_log.c.action == PAPER_IMPORT))
             .order_by(audit_log.c.at, audit_log.c.id))
    return tuple(entry for entry, about in _entries(conn.execute(query)) if about or entry["detail"].get("accepted"))


def office_audit(conn: Connection, office_id: str, actions: tuple[str, ...]) -> tuple[dict[str, Any], ...]:
    """The office's audit entries of these kinds (such as follow-up plan edits), oldest first."""
    query = (select(audit_log, true().label("about_scope"))
             .where(audit_log.c.office_id == office_id, audit_log.c.action.in_(actions))
             .order_by(audit_log.c.at, audit_log.c.id))
    return tuple(entry for entry, _ in _entries(conn.execute(query)))


def _entries(rows) -> Iterator[tuple[dict[str, Any], bool]]:
    for r in rows:
        yield ({"at": r.at, "office_id": r.office_id, "actor": r.actor, "action": r.action,
                "response_id": r.response_id, "reason": r.reason, "detail": json.loads(r.detail)}, bool(r.about_scope))
