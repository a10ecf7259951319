"""`kiosk admin held` and `kiosk admin accept-held`: review web answers held out of the count as suspect."""
from __future__ import annotations

import json

from kiosk.commands._collector_db import open_database
from kiosk.errors import UserError


def register(action) -> None:
    """Add the actions to `kiosk admin` (action is its helper that makes one sub-command)."""
    p = action("held", "list an office's answers held out of the IKM as suspect (JSON)", run_held)
    p.add_argument("--office", required=True, help="office id")
    p = action("accept-held", "count held answers of an office after all; prints JSON {accepted: [...]}",
               run_accept_held)
    p.add_argument("--office", required=True, help="office id")
    p.add_argument("response_ids", nargs="*", metavar="RESPONSE_ID", help="the answers to accept")
    p.add_argument("--all", action="store_true", help="accept every held answer of the office")
    p.add_argument("--by", default="admin-cli", help="who accepts, for the audit log (default: admin-cli)")


def run_held(args) -> int:
    from collector import held, records

    engine = open_database(args)
    if records.get_office(engine, args.office) is None:
        raise UserError(f"there is no office {args.office!r}.")
    print(json.dumps(held.held_answers(engine, args.office), indent=2, ensure_ascii=False))
    return 0


def run_accept_held(args) -> int:
    from collector import held, records

    if bool(args.response_ids) == bool(args.all):
        raise UserError("name the answers to accept (RESPONSE_ID...) or give --all, not both.")
    engine = open_database(args)
    if records.get_office(engine, args.office) is None:
        raise UserError(f"there is no office {args.office!r}.")
    accepted = held.accept_held(engine, args.office, None if args.all else args.response_ids, by=args.by)
    print(json.dumps({"accepted": accepted}, indent=2))
    return 0
