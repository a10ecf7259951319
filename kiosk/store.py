"""The kiosk's durable response queue: SQLite (WAL, synchronous=FULL), one connection per thread."""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping, Protocol

if TYPE_CHECKING:
    import sqlite_utils

from kiosk.response import Response
from kiosk.storage import (CannotWriteNow, Problem, QueueDamaged, StorageError, cannot_write, filesystem_problem,
                           is_damage)

log = logging.getLogger(__name__)
CACHE_KIB = 512  # SQLite page cache per connection


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


class Executes(Protocol):
    """What a migration is given: a sqlite3 connection or a sqlite_utils Database (both execute)."""

    def execute(self, sql: str, parameters=...) -> object: ...


def _m001_responses(db: Executes) -> None:
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


def _m002_sync_state(db: Executes) -> None:
    db.execute("CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT)")


def _m003_repairs(db: Executes) -> None:
    # What a repair of a damaged queue file did, kept in the queue it produced (see kiosk/repair.py).
    db.execute(
        """CREATE TABLE repairs (
            at REAL NOT NULL,
            kind TEXT NOT NULL,
            rows_recovered INTEGER NOT NULL,
            rows_lost INTEGER NOT NULL,
            kept_file TEXT,
            detail TEXT
        )"""
    )


# Numbered migrations, applied in order at open, each in one transaction with its record.
MIGRATIONS: tuple[Callable[[Executes], None], ...] = (_m001_responses, _m002_sync_state,
                                                      _m003_repairs)


@dataclass(frozen=True)
class RepairRecord:
    """A repair of a damaged queue file: how, what it saved, what was lost, where the damaged file is."""

    at: float
    kind: str                # "reindexed" (only indexes were damaged) or "salvaged" (rows copied out one by one)
    rows_recovered: int
    rows_lost: int
    kept_file: str | None
    detail: str | None = None


@dataclass(frozen=True)
class StorageHealth:
    """What staff and `kiosk status` are told about the queue's storage."""

    problem: StorageError | None
    last_repair: RepairRecord | None

    @property
    def ok(self) -> bool:
        return self.problem is None


class Queue:
    """Pending, sent and rejected responses on this kiosk. Safe from several threads at once.

    Errors are told apart (kiosk/storage.py): a full disk, an I/O error, read-only storage or a
    lock raise CannotWriteNow and change nothing; the queue works again once that clears (opening
    is retried on the next call when it failed). A damaged file is repaired when the queue opens
    (kiosk/repair.py): indexes rebuilt, or every readable row salvaged into a fresh file, the
    damaged one kept beside it; `repaired` says what this open did, `last_repair()` what the
    latest repair did.
    """

    def __init__(self, path: str | os.PathLike, *, clock: Callable[[], float] = time.time):
        self.path = Path(path)
        self.clock = clock
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.RLock()
        self._generation = 0
        self._ready = False
        self.problem: StorageError | None = None       # why the last open failed (None once open)
        self.write_problem: CannotWriteNow | None = None  # the last failed write, until a write works again
        self.repaired: RepairRecord | None = None
        self._unsaved_sync_error: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._open()
        except StorageError as exc:  # the caller finds it in .problem and says so (one sentence, not two)
            self.problem = exc
            log.info("%s", exc)
        except OSError as exc:
            self.problem = cannot_write(exc, self.path) or CannotWriteNow(Problem.CANNOT_OPEN, self.path, str(exc))
            log.info("%s", self.problem)

    @property
    def moved_aside(self) -> Path | None:
        """The damaged file this open set aside (kept for recovery), if it repaired one."""
        return Path(self.repaired.kept_file) if self.repaired and self.repaired.kept_file else None

    # -- connections -------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        """This thread's connection to the queue file (a new one after a repair replaced the file)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.generation == self._generation:
            return conn
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout = 30000")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":  # SQLite could not switch to WAL: it cannot write the folder now
                raise CannotWriteNow(filesystem_problem(self.path.parent) or Problem.READ_ONLY, self.path,
                                     f"journal mode stays {mode}")
            conn.execute("PRAGMA synchronous = FULL")
            # SQLite's page cache would grow with the file to 2 MB per connection; the queue's work is
            # its newest pages and the status index, so 512 KiB keeps the kiosk's memory flat.
            conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        except BaseException:
            conn.close()
            raise
        self._local.conn, self._local.generation = conn, self._generation
        with self._lock:
            self._connections.append(conn)
        return conn

    def _db(self, writing: bool = True) -> sqlite_utils.Database:
        """This thread's connection, once the queue is open (opening again if the last try failed).

        When it cannot be opened for writing now (a full disk cannot take the WAL index SQLite
        needs), reads still get the file as last written, through a read-only connection.
        """
        import sqlite_utils  # here, not at the top: opening the queue (the kiosk's start) does without it

        if not self._ready:
            with self._lock:
                if not self._ready:
                    try:
                        self._open()
                    except CannotWriteNow as exc:
                        self.problem = exc
                        if writing:
                            raise
                        return sqlite_utils.Database(self._read_only(exc))
                    except StorageError as exc:
                        self.problem = exc
                        raise
        return sqlite_utils.Database(self._connect())

    def _read_only(self, why: CannotWriteNow) -> sqlite3.Connection:
        conn = getattr(self._local, "ro_conn", None)
        if conn is not None:
            return conn
        wal = Path(str(self.path) + "-wal")
        # immutable: SQLite reads the main file without any lock or index file; only right when no WAL
        # holds committed pages (a clean shutdown leaves none).
        options = ["mode=ro"] + (["immutable=1"] if not wal.exists() or wal.stat().st_size == 0 else [])
        try:
            conn = sqlite3.connect(f"file:{self.path}?{'&'.join(options)}", uri=True, check_same_thread=False)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error:
            raise why from None
        self._local.ro_conn = conn
        with self._lock:
            self._connections.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                try:
                    conn.close()
                except sqlite3.Error:
                    pass
            self._connections.clear()
            self._generation += 1
        self._local = threading.local()

    def _open(self) -> None:
        """Check the file and apply migrations; repair it when it is damaged."""
        from kiosk import repair

        repair.finish_interrupted(self.path)
        try:
            with _storage(self.path):
                conn = self._connect()
                check = conn.execute("PRAGMA quick_check").fetchone()[0]
                if check != "ok":
                    raise QueueDamaged(self.path, f"quick_check says {check}")
                self._migrate(conn)
        except QueueDamaged as exc:
            log.error("the queue file %s is damaged (%s): repairing it", self.path, exc.detail)
            self._retire_connections()
            self.repaired = repair.repair(self.path, exc.detail, clock=self.clock)
            with _storage(self.path):
                self._migrate(self._connect())
                self._record_repair(self.repaired)
        self._ready, self.problem = True, None

    def _migrate(self, conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE IF NOT EXISTS migrations (number INTEGER PRIMARY KEY, name TEXT, applied_at REAL)")
        done = {row[0] for row in conn.execute("SELECT number FROM migrations")}
        for number, migration in enumerate(MIGRATIONS, start=1):
            if number in done:
                continue
            with _transaction(conn):
                migration(conn)
                conn.execute("INSERT INTO migrations VALUES (?, ?, ?)", [number, migration.__name__, self.clock()])

    def _record_repair(self, record: RepairRecord) -> None:
        conn = self._connect()
        with _transaction(conn):
            conn.execute("INSERT INTO repairs VALUES (?, ?, ?, ?, ?, ?)",
                         (record.at, record.kind, record.rows_recovered, record.rows_lost, record.kept_file,
                          record.detail))

    def _damaged_while_open(self, exc: QueueDamaged) -> None:
        """Damage found while running: the next call opens (and so repairs) the file again.

        Every thread then makes a new connection; the old ones are closed by close().
        """
        log.error("%s", exc)
        with self._lock:
            self._ready = False
            self._generation += 1

    @contextmanager
    def _guard(self, writing: bool = False) -> Iterator[None]:
        """Turn SQLite's and the OS's errors into CannotWriteNow or QueueDamaged, and remember them."""
        try:
            with _storage(self.path):
                yield
        except CannotWriteNow as exc:
            if writing:
                self.write_problem = exc
            raise
        except QueueDamaged as exc:
            self._damaged_while_open(exc)
            raise
        else:
            if writing:
                self.write_problem = None

    def _retire_connections(self) -> None:
        """Close this thread's connection and make every thread open a new one (the file is replaced)."""
        conn = getattr(self._local, "conn", None)
        with self._lock:
            self._generation += 1
            if conn is not None:
                try:
                    conn.close()
                except sqlite3.Error:
                    pass
                if conn in self._connections:
                    self._connections.remove(conn)
        self._local = threading.local()

    # -- writing -----------------------------------------------------------------------

    def enqueue(self, response: Response) -> None:
        """Store a pending response; returns only once the commit is on disk.

        Raises CannotWriteNow (nothing stored, nothing else changed) when the disk is full,
        read-only, failing or locked.
        """
        now = self.clock()
        with self._guard(writing=True):
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
        with self._guard(writing=True):
            conn = self._db().conn
            with _transaction(conn):
                conn.executemany(
                    "INSERT INTO responses (id, status, queued_at, changed_at, body) VALUES (?, 'pending', ?, ?, ?)",
                    rows)
        return len(rows)

    def mark_sent(self, ids: Iterable[str]) -> None:
        self._set_status(((i, None) for i in ids), Status.SENT)

    def mark_rejected(self, reasons: Mapping[str, str]) -> None:
        """Rejected responses are kept for staff to see, never retried automatically, never purged."""
        self._set_status(reasons.items(), Status.REJECTED)

    def _set_status(self, items: Iterable[tuple[str, str | None]], status: Status) -> None:
        now = self.clock()
        with self._guard(writing=True):
            conn = self._db().conn
            with _transaction(conn):
                conn.executemany(
                    "UPDATE responses SET status = ?, changed_at = ?, reason = ? WHERE id = ?",
                    [(status.value, now, reason, rid) for rid, reason in items],
                )

    def purge_sent(self, older_than_s: float) -> int:
        """Delete sent responses older than the retention period; pending and rejected stay."""
        with self._guard(writing=True):
            conn = self._db().conn
            with _transaction(conn):
                cur = conn.execute("DELETE FROM responses WHERE status = 'sent' AND changed_at < ?",
                                   (self.clock() - older_than_s,))
        return cur.rowcount

    def merge_rows(self, rows: Iterable[tuple]) -> dict[str, int]:
        """Bring back rows (seq, id, status, queued_at, changed_at, reason, body) of another queue file.

        New ids are added with their status; an id already here keeps the more advanced of the two
        statuses (pending < rejected < sent), so nothing sent is sent again. Returns counts.
        """
        counts = {"added": 0, "advanced": 0, "unchanged": 0}
        with self._guard(writing=True):
            conn = self._db().conn
            with _transaction(conn):
                for _seq, rid, status, queued_at, changed_at, reason, body in rows:
                    here = conn.execute("SELECT status FROM responses WHERE id = ?", (rid,)).fetchone()
                    if here is None:
                        conn.execute("INSERT INTO responses (id, status, queued_at, changed_at, reason, body) "
                                     "VALUES (?, ?, ?, ?, ?, ?)", (rid, status, queued_at, changed_at, reason, body))
                        counts["added"] += 1
                    elif _RANK[status] > _RANK[here[0]]:
                        conn.execute("UPDATE responses SET status = ?, changed_at = ?, reason = ? WHERE id = ?",
                                     (status, changed_at, reason, rid))
                        counts["advanced"] += 1
                    else:
                        counts["unchanged"] += 1
        return counts

    # -- reading -----------------------------------------------------------------------

    def pending_batch(self, limit: int) -> list[Response]:
        with self._guard():
            rows = self._db(writing=False).execute(
                "SELECT body FROM responses WHERE status = 'pending' ORDER BY seq LIMIT ?", [limit]).fetchall()
        return [Response.from_wire(json.loads(body)) for (body,) in rows]

    def pending_bodies(self, limit: int, after_seq: int = 0) -> list[tuple[int, str, str]]:
        """(seq, id, canonical wire JSON) of the oldest pending responses queued after `after_seq`.

        What the uploader sends, unparsed; `after_seq` lets it read the next batch while the
        previous one is still on its way.
        """
        with self._guard():
            return self._db(writing=False).execute(
                "SELECT seq, id, body FROM responses WHERE status = 'pending' AND seq > ? ORDER BY seq LIMIT ?",
                [after_seq, limit]).fetchall()

    def count_by_status(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Status}
        with self._guard():
            for status, n in self._db(writing=False).execute("SELECT status, count(*) FROM responses GROUP BY status"):
                counts[status] = n
        return counts

    def oldest_pending_age(self) -> float | None:
        """Seconds the oldest pending response has waited, or None when nothing is pending."""
        with self._guard():
            (oldest,) = self._db(writing=False).execute(
                "SELECT min(queued_at) FROM responses WHERE status = 'pending'").fetchone()
        return None if oldest is None else max(0.0, self.clock() - oldest)

    def get(self, response_id: str) -> QueuedResponse | None:
        with self._guard():
            row = self._db(writing=False).execute(
                "SELECT body, status, queued_at, changed_at, reason FROM responses WHERE id = ?",
                [response_id]).fetchone()
        return None if row is None else _queued(row)

    def all_by_status(self, *statuses: Status) -> Iterator[QueuedResponse]:
        wanted = [s.value for s in (statuses or tuple(Status))]
        marks = ",".join("?" * len(wanted))
        with self._guard():
            rows = self._db(writing=False).execute(
                f"SELECT body, status, queued_at, changed_at, reason FROM responses WHERE status IN ({marks}) "
                "ORDER BY seq", wanted)
            for row in rows:
                yield _queued(row)

    def last_repair(self) -> RepairRecord | None:
        """The latest repair of this queue's file, or None when it never needed one."""
        with self._guard():
            db = self._db(writing=False)
            if "repairs" not in db.table_names():  # read-only, from before migration 3
                return self.repaired
            row = db.execute(
                "SELECT at, kind, rows_recovered, rows_lost, kept_file, detail FROM repairs "
                "ORDER BY rowid DESC LIMIT 1").fetchone()
        return None if row is None else RepairRecord(*row)

    # -- health ------------------------------------------------------------------------

    def health(self) -> "StorageHealth":
        """Whether saving works now and what the latest repair did; never raises."""
        problem = self.storage_problem()
        try:
            repair = self.last_repair()
        except StorageError:
            repair = self.repaired
        return StorageHealth(problem, repair)

    def storage_problem(self) -> StorageError | None:
        """Why saving would fail now, or None: the open failed, the last write failed, or the disk says so.

        Opening is tried again first, so a condition that has cleared is no longer reported.
        """
        if not self._ready:
            try:
                self._db()
            except StorageError as exc:
                return exc
        if self.write_problem is not None:
            return self.write_problem
        found = filesystem_problem(self.path.parent)
        return None if found is None else CannotWriteNow(found, self.path)

    # -- sync state --------------------------------------------------------------------

    def record_sync(self, *, success: bool, error: str | None = None, **more: object) -> None:
        """Record a sync attempt; `more` holds further values (the collector's clock offset).

        When the disk cannot take even this, an error is still kept in memory so this process's
        status shows it (and the caller is told by CannotWriteNow).
        """
        now = self.clock()
        values: dict[str, object] = {"last_attempt": now, **more}
        if success:
            values.update(last_success=now, last_error=None, last_error_at=None)
        else:
            values.update(last_error=error or "unknown error", last_error_at=now)
        try:
            with self._guard(writing=True):
                conn = self._db().conn
                with _transaction(conn):
                    conn.executemany("INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)",
                                     [(k, json.dumps(v)) for k, v in values.items()])
        except StorageError:
            if not success:
                self._unsaved_sync_error = values["last_error"]  # type: ignore[assignment]
            raise
        self._unsaved_sync_error = None

    def sync_state(self) -> SyncState:
        with self._guard():
            values = {k: json.loads(v) for k, v in self._db(writing=False).execute("SELECT key, value FROM sync_state")}
        if self._unsaved_sync_error is not None:
            values.update(last_error=self._unsaved_sync_error, last_error_at=self.clock())
        return SyncState(**{k: values.get(k) for k in SyncState.__dataclass_fields__})

    def sync_value(self, key: str) -> object:
        """One value of the sync state by name (e.g. the collector's clock offset), or None."""
        with self._guard():
            row = self._db(writing=False).execute("SELECT value FROM sync_state WHERE key = ?", [key]).fetchone()
        return None if row is None else json.loads(row[0])


_RANK = {"pending": 0, "rejected": 1, "sent": 2}


def _queued(row: tuple) -> QueuedResponse:
    body, status, queued_at, changed_at, reason = row
    return QueuedResponse(Response.from_wire(json.loads(body)), Status(status), queued_at, changed_at, reason)


@contextmanager
def _storage(path: Path) -> Iterator[None]:
    """SQLite's and the OS's storage errors as CannotWriteNow or QueueDamaged; anything else unchanged."""
    try:
        yield
    except StorageError:
        raise
    except (sqlite3.Error, OSError) as exc:
        if is_damage(exc):
            raise QueueDamaged(path, str(exc)) from exc
        problem = cannot_write(exc, path)
        if problem is None:
            raise
        raise problem from exc


class _transaction:
    """BEGIN IMMEDIATE ... COMMIT on an autocommit connection; ROLLBACK on any error."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            try:
                self.conn.execute("COMMIT")
                return
            except sqlite3.Error:
                self._rollback()
                raise
        self._rollback()

    def _rollback(self) -> None:
        # A failed COMMIT (disk full) may already have ended the transaction; then there is nothing to undo.
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
