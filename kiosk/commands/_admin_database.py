"""`kiosk admin init`, `copy-db` and `link-secret-rotate`: making and moving the collector database, withdrawing QR posters."""
from __future__ import annotations

import json

from kiosk.commands._collector_db import cannot_open, db_url, missing_sqlite_file, open_database, redact
from kiosk.errors import UserError


def register(action) -> None:
    """Add the actions to `kiosk admin` (action is its helper that makes one sub-command)."""
    action("init", "create the collector database at --db (or bring its tables up to date); the only admin "
           "action that creates one", run_init)
    p = action("copy-db", "copy the whole collector database (--db) into a new, empty one, e.g. from SQLite to "
               "PostgreSQL; prints JSON counts per table", run_copy_db)
    p.add_argument("--to", required=True, metavar="URL", help="the new database, e.g. postgresql://skm@db/skm")
    p = action("link-secret-rotate", "a new secret for QR survey links: every poster printed before stops working",
               run_link_secret_rotate)
    p.add_argument("--yes", action="store_true", help="confirm: the old posters must then be replaced")


def run_init(args) -> int:
    from collector import migrations

    url = db_url(args)
    new = missing_sqlite_file(url) is not None
    engine = open_database(args, create=True)
    try:
        version = max(migrations.applied(engine), default=0)
    finally:
        engine.dispose()
    print(f"{'created' if new else 'ready'}: collector database {redact(url)} (schema version {version}); "
          "add an office with `kiosk admin office-add`.")
    return 0


def run_copy_db(args) -> int:
    from collector import db, dbcopy

    source = open_database(args)
    target = db.make_engine(args.to)
    try:
        result = dbcopy.copy(source, target)
    except dbcopy.CopyRefused as exc:
        raise UserError(f"{exc}.") from None
    except UserError:
        raise
    except Exception as exc:  # the target cannot be reached or written: one sentence, nothing half-copied
        raise UserError(cannot_open(args.to, exc)) from None
    finally:
        source.dispose()
        target.dispose()
    print(json.dumps({"to": redact(args.to), "copied": result.rows}, indent=2))
    return 0


def run_link_secret_rotate(args) -> int:
    from collector import links

    if not args.yes:
        raise UserError("every QR poster printed so far would stop opening the survey; "
                        "run again with --yes to rotate the secret, then print new posters with `kiosk qr poster`.")
    engine = open_database(args)
    try:
        links.rotate_link_secret(engine)
    finally:
        engine.dispose()
    print("survey-link secret rotated: links and posters made before no longer open the survey; "
          "print new ones with `kiosk qr poster`.")
    return 0
