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

    return default_url(paths.data_dir(args.data_dir))


def open_database(args):
    """The collector database of a command (--db), migrated; a failure is one sentence."""
    try:
        from collector import db, migrations
    except ImportError as exc:
        raise UserError(MISSING_EXTRA.format(name=exc.name)) from None
    url = db_url(args)
    engine = db.make_engine(url)
    try:
        migrations.migrate(engine)
    except Exception as exc:
        engine.dispose()
        raise UserError(cannot_open(url, exc)) from None
    return engine


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
