"""The respondents' comments and the held answers as columns kept at every write, so no page parses stored bodies.

A response with a comment (non-blank text in `comment`) has one row in `comments` (migration 20) with what
the kritik-dan-saran feed filters, counts and orders by: office, service, local date, submission time, the
trimmed text and its casefolded form for the search, the unsur its words talk about (told at ingest from
collector/suggestion_groups.py over all nine unsur, ",U3,U9," or "," for none), whether the survey was
complete and is voided, the device's and the collector's flags (",fast,simulated,"), and the moderation state
(a copy of suggestion_states.state, "new" without a row there). The counting rule is not applied here, so an
office changing what it counts needs no rewrite: the feed turns the rule into a condition on these columns.

`responses.held` says that the body's flags hold the answer as suspect (kiosk/holds.py), for the held page.

Rows are written where responses are: `add_new` beside the insert (collector/ingest.py, so kiosk uploads,
paper imports and the web survey alike), `follow` after every change that totals.track wraps (void, restore,
accepting a held answer, re-dating), and `backfill` once in the migration for the responses stored before it.
`rebuild` (from `kiosk admin rebuild-totals`, beside the running totals) tells them again from an office's stored
bodies, repairs the ones that differ and says how many did: the unsur groups of a comment are otherwise fixed at ingest.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy import (Boolean, Column, Table, Text, bindparam, delete, insert, literal_column, or_, select, text,
                        update)
from sqlalchemy.engine import Connection

from collector.suggestion_groups import KEYWORDS, groups_of
from collector.tables import metadata, responses
from kiosk.holds import HELD_FLAGS, is_held

comments = Table(
    "comments", metadata,
    Column("response_id", Text, primary_key=True),
    Column("office_id", Text, nullable=False),
    Column("service_id", Text),
    Column("local_date", Text, nullable=False),
    Column("submitted_at", Text, nullable=False),
    Column("complete", Boolean, nullable=False),
    Column("voided", Boolean, nullable=False),
    Column("flags", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("unsur", Text, nullable=False),
    Column("comment", Text, nullable=False),
    Column("comment_folded", Text, nullable=False),
)

_CHUNK = 500
# Narrows the migration's scan to bodies with a comment string, as the feed did before this table.
_HAS_COMMENT = '%"comment":"%'
NEW = "new"


def comment_of(wire: Mapping[str, Any]) -> str | None:
    """The comment as the feed shows it (trimmed), None when there is none worth showing."""
    text = wire.get("comment")
    if not isinstance(text, str):
        return None
    # The body keeps a NUL exactly as sent (JSON escapes it), but PostgreSQL's text refuses one: the
    # comment row shows it as the replacement character instead of failing the whole batch.
    text = text.replace("\x00", "\ufffd").strip()
    return text or None


def delimited(values: Iterable[str]) -> str:
    """",a,b," (sorted, each once; "," for none): a value is in it when it holds ",value,"."""
    return "".join(f",{v}" for v in sorted(set(values))) + ","


def _flags(wire: Mapping[str, Any], collector_flags: str | None) -> str:
    body = wire.get("flags")
    body = [f for f in body if isinstance(f, str)] if isinstance(body, list) else []
    return delimited(body + [f for f in (collector_flags or "").split(",") if f])


def _row(rid: str, office_id: str, service_id: str | None, local_date: str, submitted_at: str, complete: Any,
         wire: Mapping[str, Any], collector_flags: str | None, voided: bool) -> dict[str, Any] | None:
    text = comment_of(wire)
    if text is None:
        return None
    found = groups_of(text, KEYWORDS)
    return {"response_id": rid, "office_id": office_id, "service_id": service_id, "local_date": local_date,
            "submitted_at": submitted_at, "complete": wire.get("complete") is True and bool(complete),
            "voided": bool(voided), "flags": _flags(wire, collector_flags), "state": NEW,
            "unsur": delimited(c for c in found if c in KEYWORDS), "comment": text, "comment_folded": text.casefold()}


def _held_body(wire: Mapping[str, Any]) -> bool:
    flags = wire.get("flags")
    return isinstance(flags, list) and is_held(f for f in flags if isinstance(f, str))


def _readable(body: Any) -> dict[str, Any] | None:
    from collector.totals import readable

    return readable(body) if isinstance(body, str) else body


def add_new(conn: Connection, rows: Sequence[Sequence[Any]], parsed: Mapping[str, Mapping[str, Any]]) -> None:
    """Freshly inserted responses (tuples in collector/ingest.py's column order: id, office_id, service_id,
    kiosk_id, channel, submitted_at, local_date, complete, body, received_at, collector_flags); parsed: their
    wire dicts by id where the caller has them. Most responses have no comment and are not held: one look each."""
    found, held = [], []
    for r in rows:
        wire = parsed.get(r[0]) or _readable(r[8])
        if wire is None:
            continue
        if wire.get("comment"):
            row = _row(r[0], r[1], r[2], r[6], r[5], r[7], wire, r[10], False)
            if row is not None:
                found.append(row)
        if wire.get("flags") and _held_body(wire):
            held.append(r[0])
    if found:
        conn.execute(insert(comments), found)
    _mark_held(conn, held, True)


def _mark_held(conn: Connection, ids: Sequence[str], value: bool) -> None:
    if ids:
        conn.execute(update(responses).where(responses.c.id == bindparam("rid")).values(held=value),
                     [{"rid": rid} for rid in ids])


_ROW = (responses.c.id, responses.c.office_id, responses.c.service_id, responses.c.local_date,
        responses.c.submitted_at, responses.c.complete, responses.c.body, responses.c.collector_flags,
        responses.c.voided_at, literal_column("responses.held").label("held"))


def follow(conn: Connection, ids: Sequence[str]) -> None:
    """After a change to these stored responses (void, restore, their flags, their local date): their comment
    rows and held flags follow it. Text, groups and moderation state do not change."""
    ids = list(ids)
    for start in range(0, len(ids), _CHUNK):
        changes, held, cleared = [], [], []
        for rid, office_id, service_id, local_date, submitted_at, complete, body, collector_flags, voided_at, \
                was_held in conn.execute(select(*_ROW).where(responses.c.id.in_(ids[start:start + _CHUNK]))).all():
            wire = _readable(body)
            if wire is None:
                continue
            row = _row(rid, office_id, service_id, local_date, submitted_at, complete, wire, collector_flags,
                       voided_at is not None)
            if row is not None:
                changes.append({"rid": rid, "local_date": row["local_date"], "voided": row["voided"],
                                "flags": row["flags"], "complete": row["complete"]})
            now_held = _held_body(wire)
            if now_held != bool(was_held):
                (held if now_held else cleared).append(rid)
        if changes:
            conn.execute(update(comments).where(comments.c.response_id == bindparam("rid"))
                         .values(local_date=bindparam("local_date"), voided=bindparam("voided"),
                                 flags=bindparam("flags"), complete=bindparam("complete")), changes)
        _mark_held(conn, held, True)
        _mark_held(conn, cleared, False)


def backfill(conn: Connection) -> None:
    """The comment rows, their moderation states and the held flags of every response stored before the
    migration that brought them (a database upgraded in place needs no step by hand). Read in batches."""
    query = select(*_ROW[:-1]).where(responses.c.body.like(_HAS_COMMENT)).order_by(responses.c.id)
    _in_batches(conn, query, _comment_batch)
    mentions = or_(*(responses.c.body.like(f'%"{flag}"%') for flag in sorted(HELD_FLAGS)))
    held = [rid for rid, body in conn.execute(select(responses.c.id, responses.c.body).where(mentions)).all()
            if (wire := _readable(body)) is not None and _held_body(wire)]
    for start in range(0, len(held), _CHUNK):
        _mark_held(conn, held[start:start + _CHUNK], True)
    conn.exec_driver_sql("UPDATE comments SET state = (SELECT s.state FROM suggestion_states s "
                         "WHERE s.response_id = comments.response_id) "
                         "WHERE response_id IN (SELECT response_id FROM suggestion_states)")


def _comment_batch(conn: Connection, batch: Sequence[Sequence[Any]]) -> None:
    found = []
    for rid, office_id, service_id, local_date, submitted_at, complete, body, collector_flags, voided_at in batch:
        wire = _readable(body)
        if wire is not None:
            row = _row(rid, office_id, service_id, local_date, submitted_at, complete, wire, collector_flags,
                       voided_at is not None)
            if row is not None:
                found.append(row)
    if found:
        conn.execute(insert(comments), found)


def rebuild(conn: Connection, office_id: str) -> dict[str, int]:
    """The office's comment rows and held flags told again from its stored bodies (and the moderation states)
    inside this transaction; the rows and flags that differed are replaced. {"comments_differing": rows added,
    changed or removed, "held_differing": held flags set or cleared, "comments": rows now, "held": held answers
    now}. The responses are streamed and compared a batch at a time: memory does not grow with the office."""
    if conn.dialect.name == "postgresql":  # a moderation meanwhile would change a state this has just read
        conn.execute(text("LOCK TABLE suggestion_states IN SHARE MODE"))
    from collector.suggestions import suggestion_states  # it imports this module

    query = (select(*_ROW, suggestion_states.c.state)
             .select_from(responses.outerjoin(suggestion_states, suggestion_states.c.response_id == responses.c.id))
             .where(responses.c.office_id == office_id).execution_options(stream_results=True))
    found = {"comments_differing": 0, "held_differing": 0, "comments": 0, "held": 0}
    held, cleared = [], []
    result = conn.execute(query)
    while batch := result.fetchmany(_CHUNK):
        want: dict[str, dict[str, Any] | None] = {}
        for rid, office, service_id, local_date, submitted_at, complete, body, collector_flags, voided_at, \
                was_held, moderated in batch:
            wire = _readable(body)
            row = None if wire is None else _row(rid, office, service_id, local_date, submitted_at, complete,
                                                   wire, collector_flags, voided_at is not None)
            if row is not None:
                row["state"] = moderated or NEW
                found["comments"] += 1
            want[rid] = row
            now_held = wire is not None and _held_body(wire)
            found["held"] += now_held
            if now_held != bool(was_held):
                (held if now_held else cleared).append(rid)
        have = {row["response_id"]: row for row in conn.execute(
            select(comments).where(comments.c.response_id.in_(list(want)))).mappings()}
        wrong = [rid for rid, row in want.items() if (dict(have[rid]) if rid in have else None) != row]
        if wrong:
            found["comments_differing"] += len(wrong)
            conn.execute(delete(comments).where(comments.c.response_id.in_(wrong)))
            fresh = [want[rid] for rid in wrong if want[rid] is not None]
            if fresh:
                conn.execute(insert(comments), fresh)
    # Rows of this office's comments whose response is not the office's (or no longer there).
    strays = list(conn.execute(
        select(comments.c.response_id)
        .select_from(comments.outerjoin(responses, responses.c.id == comments.c.response_id))
        .where(comments.c.office_id == office_id,
               or_(responses.c.id.is_(None), responses.c.office_id != office_id))).scalars())
    for start in range(0, len(strays), _CHUNK):
        conn.execute(delete(comments).where(comments.c.response_id.in_(strays[start:start + _CHUNK])))
    found["comments_differing"] += len(strays)
    found["held_differing"] = len(held) + len(cleared)
    for start in range(0, max(len(held), len(cleared)), _CHUNK):
        _mark_held(conn, held[start:start + _CHUNK], True)
        _mark_held(conn, cleared[start:start + _CHUNK], False)
    return found


def _in_batches(conn: Connection, query, each) -> None:
    """Keyset pages by id, so neither the rows nor an open cursor are held while the batch is written."""
    last = None
    while True:
        page = query if last is None else query.where(responses.c.id > last)
        batch = conn.execute(page.limit(2000)).all()
        if not batch:
            return
        each(conn, batch)
        last = batch[-1][0]


__all__ = ["comments", "comment_of", "delimited", "add_new", "follow", "backfill", "rebuild"]
