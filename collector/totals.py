"""Exact running totals of the stored responses, kept in the same transaction as every change to them.

Per office, service, office-local date, channel and counting class: respondents; per unsur the answers
and their sum; per profile field and value the respondents. All integers, so a report can add them up
and keep the IKM exact (Fractions, half-up once, as kiosk/ikm.py does).

The counting class is what kiosk/counting.py needs to decide, at report time and under the office's
own rule, whether a response counts: `abandoned` (incomplete), `voided`, or the sorted flags of the
device and the collector joined by commas ("" for a clean one). The rule is not applied here, so an
office changing what it counts needs no rebuild.

Every write path goes through `track` (or `add_rows` for fresh inserts): the rows' contributions are
read before and after the change and the difference is added with UPSERT increments
(INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n), which SQLite and PostgreSQL both apply
atomically, so several collector processes can write at once. `recompute` derives the same totals
from the raw rows; `rebuild` replaces them and says whether they differed.
"""
from __future__ import annotations

import contextlib
import json
from collections import Counter
from typing import Any, Iterable, Iterator, Sequence

from sqlalchemy import delete, select, text
from sqlalchemy.engine import Connection, Engine

from collector.db import writing
from collector.tables import responses, totals_profile, totals_respondents, totals_unsur
from kiosk.questionnaire import PROFILE_FIELDS

ABANDONED, VOIDED = "abandoned", "voided"
_KEY = ("office_id", "service_id", "local_date", "channel", "class")
_PROFILE_KEYS = tuple(f.key for f in PROFILE_FIELDS)

# (table, extra key columns, value columns) of the three kinds of total
_KINDS = (("totals_respondents", (), ("n",)),
          ("totals_unsur", ("unsur",), ("answered", "score_sum")),
          ("totals_profile", ("field", "value"), ("n",)))


def counting_class(complete: bool, body_flags: Iterable[str], collector_flags: str | None, voided: bool) -> str:
    if not complete:
        return ABANDONED
    if voided:
        return VOIDED
    flags = set(body_flags) | {f for f in (collector_flags or "").split(",") if f}
    return ",".join(sorted(flags))


def contributions(office_id: str, service_id: str | None, local_date: str, channel: str, complete: bool,
                  body: str, collector_flags: str | None, voided: bool) -> Iterator[tuple[str, tuple, tuple]]:
    """(table, key, values) of one stored row; a body that cannot be read counts nowhere (as in reports)."""
    try:
        wire = json.loads(body)
    except (ValueError, RecursionError):
        return
    if not isinstance(wire, dict):
        return
    flags = wire.get("flags") if isinstance(wire.get("flags"), list) else []
    key = (office_id, service_id or "", local_date, channel,
           counting_class(bool(complete), (f for f in flags if isinstance(f, str)), collector_flags, voided))
    yield "totals_respondents", key, (1,)
    answers = wire.get("answers") if isinstance(wire.get("answers"), dict) else {}
    for code, value in answers.items():
        if isinstance(value, int) and not isinstance(value, bool):
            yield "totals_unsur", key + (code,), (1, value)
    profile = wire.get("profile") if isinstance(wire.get("profile"), dict) else {}
    for field in _PROFILE_KEYS:
        yield "totals_profile", key + (field, str(profile.get(field) or "-")), (1,)


def _sum(rows: Iterable[Sequence[Any]], sign: int, into: dict[tuple, list[int]]) -> None:
    for row in rows:
        for table, key, values in contributions(*row):
            have = into.get((table, key))
            if have is None:
                into[(table, key)] = [sign * v for v in values]
            elif len(values) == 1:
                have[0] += sign * values[0]
            else:
                have[0] += sign * values[0]
                have[1] += sign * values[1]


_ROW = (responses.c.office_id, responses.c.service_id, responses.c.local_date, responses.c.channel,
        responses.c.complete, responses.c.body, responses.c.collector_flags, responses.c.voided_at.is_not(None))


def _rows(conn: Connection, ids: Sequence[str]) -> list[tuple]:
    found: list[tuple] = []
    for start in range(0, len(ids), 500):
        found.extend(tuple(r) for r in conn.execute(select(*_ROW).where(responses.c.id.in_(ids[start:start + 500]))))
    return found


def _apply(conn: Connection, deltas: dict[tuple, list[int]]) -> None:
    """Add the deltas with UPSERT increments, in one key order for every writer (no deadlocks).
    Plain driver statements with positional parameters: this runs inside every ingest."""
    mark = "%s" if conn.dialect.name == "postgresql" else "?"
    for table, extra, values in _KINDS:
        items = sorted(key + tuple(vals) for (t, key), vals in deltas.items() if t == table and any(vals))
        if not items:
            continue
        columns = ['"class"' if c == "class" else c for c in _KEY + extra + values]
        conflict = ", ".join(columns[:len(_KEY + extra)])
        sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))}) "
               f"ON CONFLICT ({conflict}) DO UPDATE SET "
               + ", ".join(f"{v} = {table}.{v} + excluded.{v}" for v in values))
        conn.exec_driver_sql(sql, items)


def add_rows(conn: Connection, rows: Iterable[Sequence[Any]]) -> None:
    """Count freshly inserted rows: (office_id, service_id, local_date, channel, complete, body,
    collector_flags, voided)."""
    deltas: dict[tuple, list[int]] = {}
    _sum(rows, 1, deltas)
    _apply(conn, deltas)


@contextlib.contextmanager
def track(conn: Connection, ids: Sequence[str]) -> Iterator[None]:
    """Around a change to these stored rows (void, restore, flags, re-dating): their totals follow it."""
    ids = list(ids)
    before = _rows(conn, ids)
    yield
    deltas: dict[tuple, list[int]] = {}
    _sum(before, -1, deltas)
    _sum(_rows(conn, ids), 1, deltas)
    _apply(conn, deltas)


# --- recomputation --------------------------------------------------------------------------------

def recompute(conn: Connection, office_id: str) -> dict[tuple, list[int]]:
    """The totals of an office computed from its raw rows, read in batches (not all in memory)."""
    deltas: dict[tuple, list[int]] = {}
    result = conn.execute(select(*_ROW).where(responses.c.office_id == office_id)
                          .execution_options(stream_results=True))  # this statement only, not the connection
    while batch := result.fetchmany(2000):
        _sum((tuple(r) for r in batch), 1, deltas)
    return {k: v for k, v in deltas.items() if any(v)}


def stored(conn: Connection, office_id: str) -> dict[tuple, list[int]]:
    found: dict[tuple, list[int]] = {}
    for table, extra, values in _KINDS:
        columns = _KEY + extra + values
        quoted = ", ".join('"class"' if c == "class" else c for c in columns)
        for row in conn.execute(text(f"SELECT {quoted} FROM {table} WHERE office_id = :o"), {"o": office_id}):
            key, vals = tuple(row[:len(_KEY + extra)]), list(row[len(_KEY + extra):])
            if any(vals):
                found[(table, key)] = vals
    return found


def rebuild(engine: Engine, office_ids: Sequence[str]) -> dict[str, Any]:
    """Replace the offices' totals by a recomputation; per office whether they differed and how many
    totals did. Writers wait meanwhile (SQLite's write lock; a SHARE lock on PostgreSQL's responses)."""
    out: dict[str, Any] = {}
    with writing(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("LOCK TABLE responses IN SHARE MODE"))
        for office_id in office_ids:
            want, have = recompute(conn, office_id), stored(conn, office_id)
            differing = sum(1 for k in set(want) | set(have) if want.get(k) != have.get(k))
            for table in (totals_respondents, totals_unsur, totals_profile):
                conn.execute(delete(table).where(table.c.office_id == office_id))
            _apply(conn, want)
            out[office_id] = {"differed": differing > 0, "totals_differing": differing, "totals": len(want)}
    return out
