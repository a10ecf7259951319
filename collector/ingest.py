"""Storing a batch of wire responses exactly once: validate each, insert all in one transaction, say what happened.

Idempotent by response id under the primary key. On PostgreSQL rows go in with INSERT ... ON CONFLICT
DO NOTHING; on SQLite, whose writers take turns, the ids already stored are looked up first under the
write lock. An id that was not inserted is already stored (maybe by another collector process a moment
ago), and comparing canonical JSON tells a harmless re-send (duplicate) from a different response
under a used id (conflict). Nothing is kept in memory between batches.
"""
from __future__ import annotations

import dataclasses
import functools
import logging
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Iterator, Mapping, Sequence

import orjson
from sqlalchemy import select, update
from sqlalchemy.engine import Connection, Engine

from collector import received
from collector.db import writing
from collector.envelope import loads as envelope_loads
from collector.records import KioskRecord, OfficeRecord, get_office, stamp, utc_now
from collector.tables import kiosks, responses
from kiosk.bounds import shown
from kiosk.questionnaire import Questionnaire
from kiosk.response import (WIRE_KEYS, Response, canonical_json, parse_timestamp, plainly_valid_times, validate_wire,
                            with_canonical_id)
from sync.wire import ItemStatus

log = logging.getLogger(__name__)
# The wire contract's statuses as the plain strings the answer is written with.
ACCEPTED, DUPLICATE, CONFLICT, REJECTED = (ItemStatus.ACCEPTED.value, ItemStatus.DUPLICATE.value,
                                           ItemStatus.CONFLICT.value, ItemStatus.REJECTED.value)

# Optional wire keys a sender may leave out; filled in before comparing, so omitting them is not a conflict.
_OPTIONAL_DEFAULTS: dict[str, Any] = {"service_id": None, "extra": {}, "profile": {}, "comment": None, "flags": []}


@dataclass(frozen=True)
class ItemResult:
    id: str | None
    status: str
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "reason": self.reason}


def canonical_wire(wire: Mapping[str, Any]) -> str:
    """The stored form of a valid wire response: every key present, canonical JSON."""
    full = {**_OPTIONAL_DEFAULTS, **wire}
    if (len(full) == len(WIRE_KEYS) and full.keys() <= _WIRE_KEY_SET and type(full["answers"]) is dict
            and type(full["extra"]) in _DICT_OR_NONE and type(full["profile"]) in _DICT_OR_NONE
            and type(full["flags"]) in _LIST_OR_NONE):
        # What Response.from_wire(full).to_json() gives for plain JSON values, without building the
        # Response and copying every value twice: empty or null extra, profile and flags become {}, {}, [].
        if not full["extra"]:
            full["extra"] = {}
        if not full["profile"]:
            full["profile"] = {}
        if not full["flags"]:
            full["flags"] = []
        return canonical_json(full)
    return Response.from_wire(full).to_json()


def _plain_body(wire: dict[str, Any]) -> str:
    """canonical_wire of a response that passed the quick checks (plainly_valid_times).

    With nothing in `extra`, its values are only text, small integers, true, false and null, which
    orjson writes byte for byte as canonical_json does (keys sorted by code point either way), several
    times faster. Anything in `extra` (floats are written differently) and text that is not valid
    Unicode (orjson refuses it; ingest rejects it) go the usual way.
    """
    if wire.get("extra"):
        return canonical_wire(wire)
    full = {**_OPTIONAL_DEFAULTS, **wire, "extra": {}}
    if full["profile"] is None:
        full["profile"] = {}
    try:
        return orjson.dumps(full, option=orjson.OPT_SORT_KEYS).decode()
    except orjson.JSONEncodeError:
        return canonical_wire(wire)


_WIRE_KEY_SET = frozenset(WIRE_KEYS)
_DICT_OR_NONE = (dict, type(None))
_LIST_OR_NONE = (list, type(None))


def item_problems(wire: Any, office: OfficeRecord, channel: str | None = None) -> list[str]:
    """Why this item cannot be stored for this office; empty when it can. `channel`: the only channel the
    sender's credential may use (collector/received.py), None when the caller made the response itself."""
    problems = validate_wire(wire, office.questionnaire())
    if not isinstance(wire, Mapping):
        return problems
    if isinstance(wire.get("office_id"), str) and wire["office_id"] != office.id:
        problems.append(f"office_id {shown(wire['office_id'])} is not this kiosk's office {office.id!r}")
    service = wire.get("service_id")
    if isinstance(service, str) and service and service not in office.service_ids():
        problems.append(f"service_id {shown(service)} is not a service of office {office.id!r}")
    wrong_channel = received.channel_problem(wire.get("channel"), channel)
    if wrong_channel:
        problems.append(wrong_channel)
    return problems


def _is_unicode(text: str) -> bool:
    """False for lone surrogates, which JSON can carry but no database column can store."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _item_id(wire: Any) -> str | None:
    if isinstance(wire, Mapping) and isinstance(wire.get("id"), str):
        return wire["id"]
    return None


def _plainly_storable(wire: Any, office: OfficeRecord, questionnaire: Questionnaire,
                      service_ids: frozenset[str], channel: str | None = received.KIOSK) -> datetime | None:
    """The parsed submitted_at of an item that item_problems would pass, found the quick way; None when
    only item_problems can tell (and say why)."""
    times = plainly_valid_times(wire, questionnaire)
    if times is None or wire["office_id"] != office.id or channel is not None and wire["channel"] != channel:
        return None
    service = wire.get("service_id")
    if service is not None and service not in service_ids:
        return None
    return times[1]


def ingest_batch(engine: Engine, kiosk: KioskRecord, items: Sequence[Any], *,
                 now: datetime | None = None) -> list[ItemResult]:
    """Store a kiosk's batch in one transaction; one result per item, in input order."""
    return store_batch(engine, kiosk.office_id, items, channel=received.KIOSK, kiosk_id=kiosk.id, now=now)


def store_batch(engine: Engine, office_id: str, items: Sequence[Any], *, channel: str, kiosk_id: str | None = None,
                now: datetime | None = None) -> list[ItemResult]:
    """Store a batch of `channel` responses for an office in one transaction; one result per item, in input order.

    `channel` is the one the sender's credential allows (a kiosk token: kiosk; a paper import: paper).

    Each id is stored in its canonical spelling (one UUID, one respondent, however it was written);
    results carry the ids as they were sent, which is what the kiosk matches them by."""
    now = now or utc_now()
    now_text = stamp(now)
    results: list[ItemResult | None] = [None] * len(items)
    with writing(engine) as conn:
        office = get_office(conn, office_id)
        assert office is not None, "callers name an existing office (a kiosk's, by foreign key)"
        questionnaire, service_ids, tz = office.questionnaire(), office.service_ids(), office.tz
        first: dict[str, tuple[int, str]] = {}  # id -> (index, canonical body) of its first valid copy
        repeats: list[tuple[int, str, str]] = []  # later valid copies of an id within this batch
        rows: list[tuple[Any, ...]] = []
        parsed: dict[str, Mapping[str, Any]] = {}  # id -> its wire dict, so the totals need not parse the body again
        sent_ids = [_item_id(wire) for wire in items]
        for index, wire in enumerate(items):
            wire = with_canonical_id(wire)
            submitted = _plainly_storable(wire, office, questionnaire, service_ids, channel)
            if submitted is None:
                problems = item_problems(wire, office, channel)
                if problems:
                    results[index] = ItemResult(_item_id(wire), REJECTED, "; ".join(problems))
                    continue
                submitted = parse_timestamp(wire["submitted_at"])
                body = canonical_wire(wire)
            else:
                body = _plain_body(wire)
            if not _is_unicode(body):
                results[index] = ItemResult(sent_ids[index], REJECTED,
                                            "the response contains text that is not valid Unicode")
                continue
            rid = wire["id"]
            if rid in first:
                repeats.append((index, rid, body))
                continue
            first[rid] = (index, body)
            parsed[rid] = wire
            rows.append(_row_values(wire, body, office.id, kiosk_id, now, submitted, tz,
                                    device_clock=channel != received.PAPER))
        inserted = _insert_new(conn, rows, tz, parsed)
        stored = _stored_bodies(conn, [rid for rid in first if rid not in inserted])
        for rid, (index, body) in first.items():
            if rid in inserted:
                results[index] = ItemResult(rid, ACCEPTED)
            else:
                results[index] = _compare(rid, body, stored.get(rid))
        for index, rid, body in repeats:
            results[index] = _compare(rid, body, first[rid][1] if rid in inserted else stored.get(rid))
        if kiosk_id is not None:
            conn.execute(update(kiosks).where(kiosks.c.id == kiosk_id).values(last_seen_at=now_text))
    return [r if r.id == sent else ItemResult(sent, r.status, r.reason)  # type: ignore[union-attr]
            for r, sent in zip(results, sent_ids)]


def _compare(rid: str, body: str, stored: str | None) -> ItemResult:
    if stored == body:
        return ItemResult(rid, DUPLICATE, "already stored")
    return ItemResult(rid, CONFLICT, "another response with this id is already stored")


def _row(wire: Mapping[str, Any], body: str, office: OfficeRecord, kiosk_id: str | None, now_text: str) -> dict[str, Any]:
    """A valid response's row, column by column."""
    values = _row_values(wire, body, office.id, kiosk_id, datetime.fromisoformat(now_text),
                         parse_timestamp(wire["submitted_at"]), office.tz)
    return dict(zip(_COLUMNS, values))


def _row_values(wire: Mapping[str, Any], body: str, office_id: str, kiosk_id: str | None, now: datetime,
                submitted: datetime, tz: tzinfo, device_clock: bool = True) -> tuple[Any, ...]:
    """A valid response's row as a tuple in _COLUMNS order, from its already parsed submitted_at.

    A device clock that cannot be believed is flagged and the row dated by its reception (received.py);
    a paper form's date was written by a person and checked on import (device_clock False)."""
    if device_clock:
        extra = wire.get("extra")
        submitted_text, day, collector_flags = received.placement(
            submitted, now, tz, extra if isinstance(extra, Mapping) else None)
    else:
        submitted_text, day, collector_flags = stamp(submitted), submitted.astimezone(tz).date().isoformat(), ""
    return (wire["id"], office_id, wire.get("service_id"), kiosk_id, wire["channel"], submitted_text,
            day, wire["complete"], body, stamp(now), collector_flags)


def _insert_new(conn: Connection, rows: list[tuple[Any, ...]], tz: tzinfo,
                parsed: Mapping[str, Mapping[str, Any]] | None = None) -> set[str]:
    """Insert the rows (tuples in _COLUMNS order) of one office whose id is new, with their running totals;
    returns the ids actually inserted. tz: the office's time zone; parsed: the rows' wire dicts by id (they
    spare the totals parsing the bodies again)."""
    from collector import totals

    if not rows:
        return set()
    parsed = parsed or {}
    # Ids in one order for everyone: two batches holding the same ids in opposite orders would
    # otherwise each wait for the other's row locks (a deadlock) on PostgreSQL.
    rows = sorted(rows, key=_first)
    if conn.dialect.name == "postgresql":
        # One statement with one array per column (PostgreSQL parses it once, whatever the batch size) and one
        # round trip for the rows and their running totals: the totals are counted as if every row were new
        # (they nearly always are); the few that were not (a resent batch, a conflict) are taken back from them
        # in the same transaction, so the totals stay exact.
        params = {column: list(values) for column, values in zip(_COLUMNS, zip(*rows))}
        params.update(totals.pg_params(_totals_rows(rows, parsed), tz))
        inserted = set(conn.exec_driver_sql(_pg_insert_counted(), params).scalars())
        if len(inserted) < len(rows):
            totals.add_rows(conn, _totals_rows([row for row in rows if row[0] not in inserted], parsed), tz,
                            sign=-1)
        new = [row for row in rows if row[0] in inserted]
    else:
        # SQLite: this transaction began with BEGIN IMMEDIATE (collector.db), so no other writer, in this
        # process or another, can store one of these ids between the look-up and the insert. A plain
        # executemany is then several times cheaper than SQLAlchemy's INSERT ... RETURNING in many-row
        # statements; and should anything ever get past the look-up, the primary key refuses the second
        # copy (the batch fails and is retried, answered `duplicate`), so nothing is stored twice.
        stored = _stored_ids(conn, [row[0] for row in rows])
        new = [row for row in rows if row[0] not in stored] if stored else rows
        if new:
            conn.exec_driver_sql(_SQLITE_INSERT, new)
            totals.add_rows(conn, _totals_rows(new, parsed), tz)
    _follow_new(conn, new, parsed)
    return {row[0] for row in new}


def _follow_new(conn: Connection, rows: list[tuple[Any, ...]], parsed: Mapping[str, Mapping[str, Any]]) -> None:
    """Beside the running totals, the new rows' comment rows and held flags, which the pages read instead of the
    bodies (collector/comments.py), and each kiosk's count of stored responses (kiosks.responses), in the same
    transaction."""
    from collector import comments

    if not rows:
        return
    comments.add_new(conn, rows, parsed)
    per_kiosk: dict[str, int] = {}
    for r in rows:
        if r[3] is not None:
            per_kiosk[r[3]] = per_kiosk.get(r[3], 0) + 1
    for kiosk_id in sorted(per_kiosk):  # one order for every writer
        conn.execute(update(kiosks).where(kiosks.c.id == kiosk_id).values(responses=kiosks.c.responses + per_kiosk[kiosk_id]))


def _totals_rows(rows: list[tuple[Any, ...]], parsed: Mapping[str, Mapping[str, Any]]) -> Iterator[tuple[Any, ...]]:
    """The rows (in _COLUMNS order) as the totals read them (collector/totals.py Row), with the wire dicts
    already parsed where there are."""
    return ((r[1], r[2], r[6], r[4], r[7], parsed.get(r[0], r[8]), r[10], False, r[5]) for r in rows)


def _first(row: tuple[Any, ...]) -> Any:
    return row[0]


def _stored_ids(conn: Connection, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found.update(conn.exec_driver_sql(
            f"SELECT id FROM responses WHERE id IN ({', '.join('?' * len(chunk))})", tuple(chunk)).scalars())
    return found


_COLUMNS = ("id", "office_id", "service_id", "kiosk_id", "channel", "submitted_at", "local_date", "complete",
            "body", "received_at", "collector_flags")
_SQLITE_INSERT = f"INSERT INTO responses ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
# %(name)b: psycopg sends the arrays in binary, with no quoting of the JSON bodies to do.
_PG_UNNEST_INSERT = (
    f"INSERT INTO responses ({', '.join(_COLUMNS)}) SELECT * FROM unnest("
    + ", ".join(f"%({c})b::{'boolean' if c == 'complete' else 'text'}[]" for c in _COLUMNS)
    + ") ON CONFLICT (id) DO NOTHING RETURNING id")
# The insert and the totals of its rows in one statement: the main query takes the inserted ids from the insert
# first, then PostgreSQL runs the totals' upserts (a WITH clause nothing reads runs once, after the main query),
# so every writer still locks the responses, then the totals in key order.
@functools.cache
def _pg_insert_counted() -> str:
    from collector.totals import PG_UPSERTS_NAMED

    return f"WITH {PG_UPSERTS_NAMED}, new AS ({_PG_UNNEST_INSERT}) SELECT id FROM new"


def _stored_bodies(conn: Connection, ids: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found.update(conn.execute(select(responses.c.id, responses.c.body).where(responses.c.id.in_(chunk))).all())
    return found


def insert_if_new(conn: Connection, office: OfficeRecord, wire: Mapping[str, Any], *, kiosk_id: str | None,
                  now: datetime) -> bool:
    """Store one valid response unless its id is stored already; True when it was new (web survey)."""
    wire = with_canonical_id(wire)
    row = _row_values(wire, canonical_wire(wire), office.id, kiosk_id, now,
                      parse_timestamp(wire["submitted_at"]), office.tz)
    return bool(_insert_new(conn, [row], office.tz, {wire["id"]: wire}))


def stored_responses(conn: Connection, office_id: str, *, service_id: str | None = None,
                     date_from: str | None = None, date_to: str | None = None) -> list[Response]:
    """The office's stored responses, optionally for one service and a range of local dates (inclusive).

    Their flags are the device's plus the collector's own: `clock` (received.py) and `voided` while an
    admin has taken the response out of the count (voiding.py); kiosk.counting reads them all."""
    query = (select(responses.c.body, responses.c.collector_flags, responses.c.voided_at)
             .where(responses.c.office_id == office_id))
    if service_id:
        query = query.where(responses.c.service_id == service_id)
    if date_from:
        query = query.where(responses.c.local_date >= date_from)
    if date_to:
        query = query.where(responses.c.local_date <= date_to)
    rows = conn.execute(query.order_by(responses.c.submitted_at, responses.c.id)).all()  # read to the end first
    found = []
    for body, collector_flags, voided_at in rows:
        wire = read_stored_body(body)
        if wire is None:
            continue
        response = Response.from_wire(wire)
        added = tuple(f for f in (collector_flags or "").split(",") if f) + (("voided",) if voided_at else ())
        found.append(dataclasses.replace(response, flags=response.flags + added) if added else response)
    return found


def read_stored_body(body: str) -> dict[str, Any] | None:
    """A stored body as a dict; None (and a warning) for one an older collector stored that cannot be read
    back, such as `extra` nested too deep for Python's json: one bad row must not break every report."""
    try:
        wire = envelope_loads(body.encode("utf-8"))
    except (ValueError, RecursionError, UnicodeEncodeError):
        wire = None
    if not isinstance(wire, dict):
        warn_unreadable(1)
        return None
    return wire


def warn_unreadable(count: int) -> None:
    """The warning of each stored response that cannot be read back (reports from the totals give it too)."""
    for _ in range(count):
        log.warning("a stored response cannot be read back and is left out of reports")


__all__ = ["ACCEPTED", "DUPLICATE", "CONFLICT", "REJECTED", "ItemResult", "ingest_batch", "store_batch", "insert_if_new",
           "canonical_wire", "item_problems", "stored_responses"]
