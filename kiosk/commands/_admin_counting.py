"""`kiosk admin void / restore / audit / paper-import`: what enters the count, and the audit log of it."""
from __future__ import annotations

import getpass
import json

from kiosk.commands._collector_db import open_database
from kiosk.errors import UserError


def register(action) -> None:
    """Add the actions to `kiosk admin` (action is its helper that makes one sub-command)."""
    for name, verb, run in (("void", "take responses out of the count (never deleting them)", run_void),
                            ("restore", "put voided responses back into the count", run_restore)):
        p = action(name, f"{verb}; recorded in the audit log; prints JSON", run)
        p.add_argument("--office", required=True, help="office id")
        p.add_argument("--reason", required=True, help="why (kept in the audit log)")
        p.add_argument("--by", default=None, help="who does this (default: the login name)")
        p.add_argument("response_ids", nargs="+", metavar="RESPONSE_ID", help="response ids (UUIDs)")
    p = action("audit", "the audit log of an office: voids, restores, paper imports, suggestion moderation "
               "and more (JSON lines)", run_audit)
    p.add_argument("--office", required=True, help="office id")
    p = action("paper-import", "paper questionnaires (CSV) into the collector as channel paper; idempotent; "
               "prints JSON counts, or every bad cell", run_paper_import)
    p.add_argument("--office", required=True, help="office id")
    p.add_argument("--by", default=None, help="who imports (default: the login name)")
    p.add_argument("file", metavar="FILE.csv", help="columns U1..U9, optional date, service and profile columns")


def _actor(args) -> str:
    if args.by:
        return args.by
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "command line"


def _print(data) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def run_void(args) -> int:
    from collector import voiding

    _print(voiding.void(open_database(args), args.office, args.response_ids, reason=args.reason, actor=_actor(args)))
    return 0


def run_restore(args) -> int:
    from collector import voiding

    _print(voiding.restore(open_database(args), args.office, args.response_ids, reason=args.reason,
                           actor=_actor(args)))
    return 0


def run_audit(args) -> int:
    from collector import voiding

    for entry in voiding.audit(open_database(args), args.office):
        print(json.dumps(entry, ensure_ascii=False, sort_keys=True))
    return 0


def run_paper_import(args) -> int:
    from collector.paper_import import PaperImportError, import_file

    try:
        summary = import_file(open_database(args), args.office, args.file, actor=_actor(args))
    except PaperImportError as exc:
        _print({"imported": 0, "problems": exc.problems})
        raise UserError(str(exc)) from None
    _print(summary)
    return 0
