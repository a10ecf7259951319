"""Reads every readable response out of a damaged queue file, row by row, skipping damaged pages.

Rows are read in rowid (seq) order through the table's b-tree. A damaged page makes SQLite
raise "malformed" for the seeks that land on it; the reader then probes forward rowid by
rowid (and in growing steps over a long damaged stretch, narrowed down again once a seek
works) until it reaches readable rows again. The indexes, when they can still be read,
tell which ids were on the damaged pages and what their status was.
"""
from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.storage import is_damage

log = logging.getLogger(__name__)

COLUMNS = ("seq", "id", "status", "queued_at", "changed_at", "reason", "body")
STATUSES = ("pending", "sent", "rejected")
_BATCH = 500
_LINEAR_PROBES = 64  # rowids probed one by one before the reader starts jumping


@dataclass
class Salvage:
    """What could be read from a damaged queue file."""

    rows: list[tuple] = field(default_factory=list)           # COLUMNS, in seq order, bodies parsed once
    sync_state: dict[str, str] = field(default_factory=dict)
    skipped_ranges: list[tuple[int, int]] = field(default_factory=list)  # seq ranges that could not be read
    lost_ids: dict[str, str] = field(default_factory=dict)    # id -> status, from an index, when readable
    unreadable_rows: int = 0                                  # rows found but not usable (bad body, bad status)

    @property
    def rows_lost(self) -> int:
        """Responses known or estimated to be lost: from the indexes when they can be read, else the gaps."""
        if self.lost_ids:
            return len(self.lost_ids) + self.unreadable_rows
        return sum(hi - lo + 1 for lo, hi in self.skipped_ranges) + self.unreadable_rows


def salvage(path: Path) -> Salvage:
    """Every readable row of the queue file at `path` (opened read-only, never written)."""
    result = Salvage()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    try:
        _read_rows(conn, result)
        result.sync_state = _read_sync_state(conn)
        result.lost_ids = _lost_ids(conn, {row[1] for row in result.rows}) if result.skipped_ranges else {}
    finally:
        conn.close()
    return result


class _Unreadable(Exception):
    """This read hit a damaged page."""


# A statement that runs far longer than any read of a healthy queue could is stopped (a damaged
# page can send a b-tree walk round in circles) and counts as a read of a damaged page.
_MAX_PROGRESS_CALLS = 20_000  # each after 1000 virtual-machine steps


def _query(conn: sqlite3.Connection, sql: str, args: tuple = ()) -> list[tuple]:
    calls = [0]

    def budget() -> int:
        calls[0] += 1
        return 1 if calls[0] > _MAX_PROGRESS_CALLS else 0

    conn.set_progress_handler(budget, 1000)
    try:
        return conn.execute(sql, args).fetchall()
    except sqlite3.DatabaseError as exc:
        if is_damage(exc) or calls[0] > _MAX_PROGRESS_CALLS:
            raise _Unreadable(str(exc)) from exc
        raise
    finally:
        conn.set_progress_handler(None, 1000)


def _read_rows(conn: sqlite3.Connection, result: Salvage) -> None:
    top = _highest_seq(conn)
    after = 0
    while True:
        try:
            rows = _query(conn, "SELECT seq, id, status, queued_at, changed_at, reason, body FROM responses "
                                "NOT INDEXED WHERE seq > ? ORDER BY seq LIMIT ?", (after, _BATCH))
        except _Unreadable:
            rows = _one_by_one(conn, after, result)
            if not rows:
                after = _skip_damage(conn, after, top, result)
                if after is None:
                    return
                continue
        if not rows:
            return
        if any(not isinstance(r[0], int) for r in rows) or any(b[0] <= a[0] for a, b in zip([(after,)] + rows, rows)):
            # A damaged page can give rowids out of order (a cycle): read that stretch one by one.
            rows = _one_by_one(conn, after, result)
            if not rows:
                after = _skip_damage(conn, after, top, result)
                if after is None:
                    return
                continue
        for row in rows:
            if _usable(row):
                result.rows.append(row)
            else:
                result.unreadable_rows += 1
        after = rows[-1][0]


def _skip_damage(conn: sqlite3.Connection, after: int, top: int | None, result: Salvage) -> int | None:
    """Past a damaged stretch after `after`: records it as skipped, keeps the first readable row beyond
    it, and returns that row's seq (None when nothing can be read beyond). Always moves forward."""
    resume = _next_readable(conn, after + 1, top)
    if resume is None:
        if top is not None and top > after:
            result.skipped_ranges.append((after + 1, top))
        return None
    if resume > after + 1:
        result.skipped_ranges.append((after + 1, resume - 1))
    try:
        found = _query(conn, "SELECT seq, id, status, queued_at, changed_at, reason, body FROM responses "
                             "NOT INDEXED WHERE seq = ?", (resume,))
    except _Unreadable:
        found = []
    if found and _usable(found[0]):
        result.rows.append(found[0])
    else:
        result.skipped_ranges.append((resume, resume))
    return resume


def _one_by_one(conn: sqlite3.Connection, after: int, result: Salvage) -> list[tuple]:
    """The rows after `after` up to the first that cannot be read (a batch failed somewhere inside)."""
    rows = []
    while True:
        try:
            found = _query(conn, "SELECT seq, id, status, queued_at, changed_at, reason, body FROM responses "
                                 "NOT INDEXED WHERE seq > ? ORDER BY seq LIMIT 1", (after,))
        except _Unreadable:
            return rows
        row = found[0] if found else None
        if row is None or not isinstance(row[0], int) or row[0] <= after:
            return rows  # the end, or a damaged page handing back rowids out of order
        rows.append(row)
        after = row[0]


def _next_readable(conn: sqlite3.Connection, start: int, top: int | None) -> int | None:
    """The smallest seq >= start whose row can be read, or None when none can before `top`."""
    candidate, step, failed_at = start, 1, start - 1
    probes = 0
    limit = top if top is not None else start + 10_000_000
    while candidate <= limit:
        found = _seek(conn, candidate)
        if found is not None and found is not False:
            if step > 1:  # jumped over readable rows? look back between the last failure and here
                lo, hi = failed_at + 1, candidate
                while lo < hi:
                    mid = (lo + hi) // 2
                    if _seek(conn, mid) is False:
                        lo = mid + 1
                    else:
                        hi = mid
                return _seek(conn, lo) or found
            return found
        if found is None:  # a clean seek that found nothing: no rows beyond
            return None
        failed_at = candidate
        probes += 1
        if probes > _LINEAR_PROBES:
            step *= 2
        candidate += step
    return None


def _seek(conn: sqlite3.Connection, seq: int) -> int | None | bool:
    """The first readable seq >= `seq`; None when there is none; False when the seek hits damage."""
    try:
        found = _query(conn, "SELECT seq FROM responses NOT INDEXED WHERE seq >= ? ORDER BY seq LIMIT 1", (seq,))
    except _Unreadable:
        return False
    if not found:
        return None
    got = found[0][0]
    return got if isinstance(got, int) and got >= seq else False  # out of order: a damaged page


def _highest_seq(conn: sqlite3.Connection) -> int | None:
    for sql in ("SELECT seq FROM sqlite_sequence WHERE name = 'responses'",
                "SELECT max(seq) FROM responses NOT INDEXED",
                "SELECT max(seq) FROM responses"):
        try:
            found = _query(conn, sql)
        except (_Unreadable, sqlite3.DatabaseError):
            continue
        if found and isinstance(found[0][0], int):
            return found[0][0]
    return None


def _usable(row: tuple) -> bool:
    seq, rid, status, queued_at, changed_at, _reason, body = row
    if not isinstance(rid, str) or status not in STATUSES or not isinstance(body, str):
        return False
    try:
        wire = json.loads(body)
    except ValueError:
        return False
    return isinstance(wire, dict) and wire.get("id") == rid


def _read_sync_state(conn: sqlite3.Connection) -> dict[str, str]:
    try:
        return dict(_query(conn, "SELECT key, value FROM sync_state"))
    except (_Unreadable, sqlite3.DatabaseError):
        return {}


def _lost_ids(conn: sqlite3.Connection, recovered: set[str]) -> dict[str, str]:
    """Ids (with their status) that an index lists but the table could not give back."""
    lost: dict[str, str] = {}
    try:
        # The (status, seq) index has no id; the unique index on id has no status: read both.
        ids = [r[0] for r in _query(conn, "SELECT id FROM responses INDEXED BY sqlite_autoindex_responses_1 "
                                          "WHERE id IS NOT NULL")]
    except (_Unreadable, sqlite3.DatabaseError):
        return {}
    for rid in ids:
        if rid not in recovered:
            lost[rid] = "unknown"
    return lost
