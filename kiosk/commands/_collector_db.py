"""The collector database as the collector-side commands (serve, admin, report, qr) open it: --db and its errors."""
from __future__ import annotations

from kiosk import paths
from kiosk.errors import UserError

MISSING_EXTRA = ("the collector needs its extra packages ({name} is missing); "
                 "install them with pip install 'skm-kiosk[collector]'.")


def add_db_option(parser, default=None) -> None:
    parser.add_argument("--db", default=default, help="collector database URL (default: $KIOSK_COLLECTOR_DB or "
                                     "sqlite:///<data dir>/collector.db); postgresql://... for PostgreSQL")


def db_url(args) -> str:
    if getattr(args, "db", None):
        return args.db
    from collector.db import default_url

    # Not made here: a collector-side command that finds no database must leave no trace either.
    return default_url(paths.data_dir(args.data_dir, create=False))


def open_database(args, *, create: bool = False):
    """The collector database of a command (--db), migrated; a failure is one sentence.

    Only `kiosk admin init` (and `kiosk serve`, through the app) create a database: any other command
    given a mistyped --db, or none, would otherwise make an empty one and then report that the office
    does not exist.
    """
    try:
        from collector import db, migrations
    except ImportError as exc:
        raise UserError(MISSING_EXTRA.format(name=exc.name)) from None
    url = db_url(args)
    if not create:
        missing = missing_sqlite_file(url)
        if missing:
            raise UserError(no_database(url, f"there is no collector database at {missing}"))
    engine = db.make_engine(url)
    try:
        if not create and not migrations.has_schema(engine):
            raise UserError(no_database(url, f"the database {redact(url)} has no collector tables yet"))
        migrations.migrate(engine)
    except UserError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        raise UserError(cannot_open(url, exc)) from None
    return engine


def missing_sqlite_file(url: str) -> str | None:
    """The path of an SQLite URL's file when that file does not exist (None otherwise, or for PostgreSQL)."""
    from pathlib import Path

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return None  # make_engine says what is wrong with it
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    path = Path(parsed.database).expanduser()
    return None if path.exists() else str(path.absolute())


def no_database(url: str, what: str) -> str:
    return (f"{what}; check --db (or $KIOSK_COLLECTOR_DB), or create it with "
            f"`kiosk admin init --db {redact(url)}` (`kiosk serve` also creates it).")


def cannot_open(url: str, exc: Exception) -> str:
    """The one sentence for a database that cannot be opened or migrated."""
    return f"cannot open the collector database {redact(url)}: {str(exc).splitlines()[0]}"


def redact(url: str) -> str:
    """A database URL without its password, for messages."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(database URL)"
