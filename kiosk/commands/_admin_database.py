"""`kiosk admin copy-db` and `kiosk admin link-secret-rotate`: moving the collector database, withdrawing QR posters."""
from __future__ import annotations

import json

from kiosk.commands._collector_db import cannot_open, open_database, redact
from kiosk.errors import UserError


def register(action) -> None:
    """Add the actions to `kiosk admin` (action is its helper that makes one sub-command)."""
    p = action("copy-db", "copy the whole collector database (--db) into a new, empty one, e.g. from SQLite to "
               "PostgreSQL; prints JSON counts per table", run_copy_db)
    p.add_argument("--to", required=True, metavar="URL", help="the new database, e.g. postgresql://skm@db/skm")
    p = action("link-secret-rotate", "a new secret for QR survey links: every poster printed before stops working",
               run_link_secret_rotate)
    p.add_argument("--yes", action="store_true", help="confirm: the old posters must then be replaced")


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
