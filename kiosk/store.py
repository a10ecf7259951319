"""The kiosk's durable response queue: SQLite (WAL, synchronous=FULL), one connection per thread."""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

import sqlite_utils

from kiosk.response import Response

log = logging.getLogger(__name__)


class Status(str, Enum):
    PENDING = "pending"
    SENT = "sent"
    REJECTED = "rejected"


@dataclass(frozen=True)
class QueuedResponse:
    response: Response
    status: Status
    queued_at: float
    changed_at: float
    reason: str | None


@dataclass(frozen=True)
class SyncState:
    """What the last sync attempts did, for staff and `kiosk status`."""

    last_attempt: float | None = None
    last_success: float | None = None
    last_error: str | None = None
    last_error_at: float | None = None


def _m001_responses(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE responses (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'rejected')),
            queued_at REAL NOT NULL,
            changed_at REAL NOT NULL,
            reason TEXT,
            body TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX responses_status_seq ON responses (status, seq)")


def _m002_sync_state(db: sqlite_utils.Database) -> None:
    db.execute("CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT)")


# Numbered migrations, applied in order at open, each in one transaction with its record.
MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (_m001_responses, _m002_sync_state)


class QueueCorrupt(Exception):
    pass


class Queue:
    """Pending, sent and rejected responses on this kiosk. Safe from several threads at once."""

    def __init__(self, path: str | os.PathLike, *, clock: Callable[[], float] = time.time):
        self.path = Path(path)
        self.clock = clock
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self.moved_aside: Path | None = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._migrate(self._db())
        except (sqlite3.DatabaseError, QueueCorrupt) as exc:
            self.close()
            self.moved_aside = self._move_aside(exc)
            self._migrate(self._db())

    # -- connections -------------------------------------------------------------------

    def _db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 30000")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise QueueCorrupt(f"journal_mode is {mode}, not wal")
            conn.execute("PRAGMA synchronous = FULL")
            db = sqlite_utils.Database(conn)
            self._local.db = db
            with self._lock:
                self._connections.append(conn)
        return db

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                try:
                    conn.close()
                except sqlite3.Error:
                    pass
            self._connections.clear()
        self._local = threading.local()

    def _migrate(self, db: sqlite_utils.Database) -> None:
        check = db.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise QueueCorrupt(f"quick_check says {check}")
        db.execute("CREATE TABLE IF NOT EXISTS migrations (number INTEGER PRIMARY KEY, name TEXT, applied_at REAL)")
        done = {row[0] for row in db.execute("SELECT number FROM migrations")}
        for number, migration in enumerate(MIGRATIONS, start=1):
            if number in done:
                continue
            with _transaction(db.conn):
                migration(db)
                db.execute("INSERT INTO migrations VALUES (?, ?, ?)", [number, migration.__name__, self.clock()])

    def _move_aside(self, exc: Exception) -> Path:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            src = Path(str(self.path) + suffix)
            if src.exists():
                os.replace(src, Path(str(target) + suffix))
        log.error("QUEUE FILE %s IS UNREADABLE (%s): moved aside to %s and started a new queue; "
                  "the old file is kept for recovery", self.path, exc, target)
        return target

    # -- writing -----------------------------------------------------------------------

    def enqueue(self, response: Response) -> None:
        """Store a pending response; returns only once the commit is on disk."""
        now = self.clock()
        conn = self._db().conn
        with _transaction(conn):
            conn.execute(
                "INSERT INTO responses (id, status, queued_at, changed_at, body) VALUES (?, 'pending', ?, ?, ?)",
                (response.id, now, now, response.to_json()),
            )

    def enqueue_many(self, responses: Iterable[Response]) -> int:
        """Store many pending responses in one durable transaction (simulation, imports)."""
        now = self.clock()
        rows = [(r.id, now, now, r.to_json()) for r in responses]
        conn = self._db().conn
        with _transaction(conn):
            conn.executemany(
                "INSERT INTO responses (id, status, queued_at, changed_at, body) VALUES (?, 'pending', ?, ?, ?)", rows)
        return len(rows)

    def mark_sent(self, ids: Iterable[str]) -> None:
        self._set_status(((i, None) for i in ids), Status.SENT)

    def mark_rejected(self, reasons: Mapping[str, str]) -> None:
        """Rejected responses are kept for staff to see, never retried automatically, never purged."""
        self._set_status(reasons.items(), Status.REJECTED)

    def _set_status(self, items: Iterable[tuple[str, str | None]], status: Status) -> None:
        now = self.clock()
        conn = self._db().conn
        with _transaction(conn):
            conn.executemany(
                "UPDATE responses SET status = ?, changed_at = ?, reason = ? WHERE id = ?",
                [(status.value, now, reason, rid) for rid, reason in items],
            )

    def purge_sent(self, older_than_s: float) -> int:
        """Delete sent responses older than the retention period; pending and rejected stay."""
        conn = self._db().conn
        with _transaction(conn):
            cur = conn.execute("DELETE FROM responses WHERE status = 'sent' AND changed_at < ?",
                               (self.clock() - older_than_s,))
        return cur.rowcount

    # -- reading -----------------------------------------------------------------------

    def pending_batch(self, limit: int) -> list[Response]:
        rows = self._db().execute(
            "SELECT body FROM responses WHERE status = 'pending' ORDER BY seq LIMIT ?", [limit])
        return [Response.from_wire(json.loads(body)) for (body,) in rows]

    def pending_bodies(self, limit: int, after_seq: int = 0) -> list[tuple[int, str, str]]:
        """(seq, id, canonical wire JSON) of the oldest pending responses queued after `after_seq`.

        What the uploader sends, unparsed; `after_seq` lets it read the next batch while the
        previous one is still on its way.
        """
        return self._db().execute(
            "SELECT seq, id, body FROM responses WHERE status = 'pending' AND seq > ? ORDER BY seq LIMIT ?",
            [after_seq, limit]).fetchall()

    def count_by_status(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Status}
        for status, n in self._db().execute("SELECT status, count(*) FROM responses GROUP BY status"):
            counts[status] = n
        return counts

    def oldest_pending_age(self) -> float | None:
        """Seconds the oldest pending response has waited, or None when nothing is pending."""
        (oldest,) = self._db().execute(
            "SELECT min(queued_at) FROM responses WHERE status = 'pending'").fetchone()
        return None if oldest is None else max(0.0, self.clock() - oldest)

    def get(self, response_id: str) -> QueuedResponse | None:
        row = self._db().execute(
            "SELECT body, status, queued_at, changed_at, reason FROM responses WHERE id = ?",
            [response_id]).fetchone()
        return None if row is None else _queued(row)

    def all_by_status(self, *statuses: Status) -> Iterator[QueuedResponse]:
        wanted = [s.value for s in (statuses or tuple(Status))]
        marks = ",".join("?" * len(wanted))
        yield from map(_queued, self._db().execute(
            f"SELECT body, status, queued_at, changed_at, reason FROM responses WHERE status IN ({marks}) "
            "ORDER BY seq", wanted))

    # -- sync state --------------------------------------------------------------------

    def record_sync(self, *, success: bool, error: str | None = None) -> None:
        now = self.clock()
        values = {"last_attempt": now}
        if success:
            values.update(last_success=now, last_error=None, last_error_at=None)
        else:
            values.update(last_error=error or "unknown error", last_error_at=now)
        conn = self._db().conn
        with _transaction(conn):
            conn.executemany("INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)",
                             [(k, json.dumps(v)) for k, v in values.items()])

    def sync_state(self) -> SyncState:
        values = {k: json.loads(v) for k, v in self._db().execute("SELECT key, value FROM sync_state")}
        return SyncState(**{k: values.get(k) for k in SyncState.__dataclass_fields__})


def _queued(row: tuple) -> QueuedResponse:
    body, status, queued_at, changed_at, reason = row
    return QueuedResponse(Response.from_wire(json.loads(body)), Status(status), queued_at, changed_at, reason)


class _transaction:
    """BEGIN IMMEDIATE ... COMMIT on an autocommit connection; ROLLBACK on any error."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")
