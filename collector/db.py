"""The collector's database: one SQLAlchemy engine for SQLite (WAL) or PostgreSQL (psycopg 3)."""
from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import sqlite3
import threading
import time
import weakref
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError

from kiosk.errors import UserError

log = logging.getLogger(__name__)
BUSY_TIMEOUT_S = 30
HEALTH_WRITE_TIMEOUT_MS = 2000
READONLY = "collector_readonly"


def default_url(data_dir: Path) -> str:
    """KIOSK_COLLECTOR_DB, else an SQLite file in the data dir."""
    return os.environ.get("KIOSK_COLLECTOR_DB") or f"sqlite:///{Path(data_dir) / 'collector.db'}"


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// URLs and route them to psycopg 3."""
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    """An engine for a collector database URL; an unsupported URL is a UserError."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UserError(f"{url!r} is not a database URL; use sqlite:///PATH or postgresql://USER@HOST/DB.") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
                               pool_size=8, max_overflow=16)
        _sqlite_transactions(engine)
        _clean_connections(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        engine = create_engine(url, pool_size=8, max_overflow=16, pool_pre_ping=True)
        _clean_connections(engine)
        return engine
    raise UserError(f"{parsed.get_backend_name()!r} databases are not supported; use sqlite:/// or postgresql://.")


def _sqlite_transactions(engine: Engine) -> None:
    """WAL, and real transactions: BEGIN IMMEDIATE takes the write lock up front.

    pysqlite's own implicit transactions start late and cannot wait for a lock they need to
    upgrade; taking it at BEGIN makes concurrent batches queue up (busy_timeout) instead of failing.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        _ensure_wal(cursor)
        cursor.execute("PRAGMA synchronous=FULL")  # a 200 to a kiosk must survive a power cut here too
        cursor.execute("PRAGMA foreign_keys=ON")
        # A backlog arrives as many large batches: a 64 MB page cache and a checkpoint every ~40 MB of
        # WAL instead of every 4 MB keep the ingest near the disk's limit (bench/bench_drain.py).
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.execute("PRAGMA wal_autocheckpoint=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        readonly = connection.get_execution_options().get(READONLY, False)
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def in_transaction(dbapi_connection) -> bool:
    """Whether a driver connection has a transaction open (on SQLite a read snapshot counts)."""
    info = getattr(dbapi_connection, "info", None)
    status = getattr(info, "transaction_status", None)
    if status is not None:  # psycopg 3: IDLE is the only state with nothing open
        import psycopg

        return status != psycopg.pq.TransactionStatus.IDLE
    return bool(getattr(dbapi_connection, "in_transaction", False))


def _clean_connections(engine: Engine) -> None:
    """No request can hand the next one a connection with a transaction still open.

    A pooled SQLite connection returned with its read snapshot open (a report that failed half-way
    through reading, say) made every later write on it fail with "database is locked" and held back
    WAL checkpoints until the process restarted. SQLAlchemy rolls back on return; these checks make
    sure of it on the way in and on the way out, and drop a connection that cannot be cleaned.
    """

    def clean(dbapi_connection, where: str) -> None:
        if not in_transaction(dbapi_connection):
            return
        log.warning("a database connection came %s with a transaction open; rolling it back", where)
        try:
            dbapi_connection.rollback()
        except Exception as exc:
            raise DisconnectionError(f"cannot roll back a pooled connection: {exc}") from exc
        if in_transaction(dbapi_connection):
            raise DisconnectionError("a pooled connection still has a transaction open")

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, _record, _proxy):
        clean(dbapi_connection, "out of the pool")  # DisconnectionError: the pool tries a fresh connection

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection, record):
        if dbapi_connection is None:
            return
        try:
            clean(dbapi_connection, "back to the pool")
        except DisconnectionError:
            record.invalidate()


def _ensure_wal(cursor) -> None:
    """WAL is a property of the file, set once; switching needs a moment alone with the file, which
    SQLite does not wait for (no busy handler), so retry while other connections are busy with it."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            cursor.execute("PRAGMA journal_mode=WAL").fetchone()
            return  # an in-memory database answers "memory" and stays so
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)


class _WriterQueue:
    """Where SQLite writers wait their turn: a lock for this process's threads, then an flock on a file
    beside the database for the other processes (`--workers`). Both block in the kernel and wake the
    next waiter at once, where SQLite's own busy wait polls with growing sleeps and lets unlucky
    batches starve."""

    def __init__(self, database: str | None):
        self.threads = threading.Lock()
        self.path = f"{database}.writer" if database and database != ":memory:" else None

    @contextlib.contextmanager
    def turn(self):
        with self.threads:
            if self.path is None:
                yield
                return
            with open(self.path, "a+b") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)


_writer_queues: "weakref.WeakKeyDictionary[Engine, _WriterQueue]" = weakref.WeakKeyDictionary()
_writer_queues_guard = threading.Lock()


@contextlib.contextmanager
def writing(engine: Engine):
    """A write transaction; on SQLite, taken in turn with the other writers (see _WriterQueue)."""
    if not is_sqlite(engine):
        with engine.begin() as conn:
            yield conn
        return
    with _writer_queues_guard:
        queue = _writer_queues.get(engine)
        if queue is None:
            queue = _writer_queues[engine] = _WriterQueue(engine.url.database)
    with queue.turn(), engine.begin() as conn:
        yield conn


def reading(engine: Engine):
    """A connection for reads only: on SQLite it does not take the write lock."""
    return engine.connect().execution_options(**{READONLY: True})


def ping(engine: Engine) -> None:
    """Raise when the database cannot answer a trivial query."""
    with reading(engine) as conn:
        conn.execute(text("SELECT 1")).scalar_one()


class NotWritable(Exception):
    """The database answers but cannot take a write now (message says why)."""


def check_writable(engine: Engine) -> None:
    """Raise when the database cannot take a write: what uploads, enrolments and web answers need.

    SQLite: the write lock must be had within HEALTH_WRITE_TIMEOUT_MS (nothing is written; a
    connection stuck holding it, or a read-only file, shows here). PostgreSQL: the server must
    accept writes (not a read-only standby or a read-only default).
    """
    if is_sqlite(engine):
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            raw.execute(f"PRAGMA busy_timeout={HEALTH_WRITE_TIMEOUT_MS}")
            try:
                raw.execute("BEGIN IMMEDIATE")
                raw.execute("ROLLBACK")
            except sqlite3.OperationalError as exc:
                raise NotWritable(f"the database cannot be written ({exc})") from None
            finally:
                raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        return
    with reading(engine) as conn:
        read_only = conn.execute(text("SELECT current_setting('transaction_read_only')")).scalar_one()
    if read_only != "off":
        raise NotWritable("the database accepts reads only")
