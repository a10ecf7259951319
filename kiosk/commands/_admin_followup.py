"""`kiosk admin followup add | list | update`: the rencana tindak lanjut of an office per period."""
from __future__ import annotations

import json

from kiosk.commands._collector_db import open_database

_STATUSES = ("planned", "in-progress", "done", "dropped")


def register(action) -> None:
    """Adds `followup` with its own sub-actions through admin's `action(name, help, run)` helper."""
    parser = action("followup", "rencana tindak lanjut: follow-up plans per office and period", None)
    steps = parser.add_subparsers(dest="step", metavar="STEP", required=True)

    p = steps.add_parser("add", help="add an action to an office's plan for a period; prints it as JSON")
    p.set_defaults(run=run_add)
    p.add_argument("--office", required=True, help="office id")
    p.add_argument("--period", required=True, help="the survey period it answers: 2026, 2026-S1 or 2026-Q3")
    p.add_argument("--unsur", required=True, help="the unsur it improves, e.g. U3")
    p.add_argument("--action", required=True, help="what will be done")
    p.add_argument("--quarter", required=True, help="when it is due, YYYY-QN (e.g. 2027-Q1)")
    p.add_argument("--person", required=True, help="who is in charge (name or position)")
    p.add_argument("--status", default="planned", choices=_STATUSES, help="default: planned")
    p.add_argument("--note", default="", help="what was realised so far")
    p.add_argument("--forum-date", help="date of the forum konsultasi publik that agreed it, YYYY-MM-DD")
    p.add_argument("--by", default="admin-cli", help="who records it (default: admin-cli)")

    p = steps.add_parser("list", help="an office's plan (JSON with --json, else a table)")
    p.set_defaults(run=run_list)
    p.add_argument("--office", required=True, help="office id")
    p.add_argument("--period", help="only this period")
    p.add_argument("--json", action="store_true", help="JSON instead of a table")

    p = steps.add_parser("update", help="change a plan item: its status and realisation note, mostly")
    p.set_defaults(run=run_update)
    p.add_argument("plan_id", help="the id that `followup add` or `followup list` printed")
    p.add_argument("--status", choices=_STATUSES)
    p.add_argument("--note", help="what was realised")
    p.add_argument("--action", help="the action, reworded")
    p.add_argument("--quarter", help="the new due quarter, YYYY-QN")
    p.add_argument("--person", help="who is in charge now")
    p.add_argument("--forum-date", help="date of the forum konsultasi publik, YYYY-MM-DD")
    p.add_argument("--by", default="admin-cli", help="who changes it (default: admin-cli)")
    p = action("publication", "whether an office's results are public at /p/ID and /tv/ID (on unless turned off); "
               "prints JSON", run_publication)
    p.add_argument("--office", required=True, help="office id")
    switch = p.add_mutually_exclusive_group()
    switch.add_argument("--on", dest="public", action="store_const", const=True, help="publish (the default)")
    switch.add_argument("--off", dest="public", action="store_const", const=False, help="stop publishing")
    p.add_argument("--by", default="admin-cli", help="who changes it (default: admin-cli)")

    for sub in steps.choices.values():  # `admin followup add --db X` works as well as `admin --db X followup`
        from kiosk.commands._collector_db import add_db_option
        import argparse

        add_db_option(sub, default=argparse.SUPPRESS)


def _print(data) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def run_add(args) -> int:
    from collector import followup

    engine = open_database(args)
    try:
        plan = followup.add(engine, args.office, period=args.period, unsur=args.unsur, action=args.action,
                            quarter=args.quarter, person=args.person, status=args.status, note=args.note,
                            forum_date=args.forum_date, by=args.by)
    finally:
        engine.dispose()
    _print(plan.to_json())
    return 0


def run_list(args) -> int:
    from collector import followup, records
    from kiosk.errors import UserError

    if args.period:
        followup.period_dates(args.period)
    engine = open_database(args)
    try:
        if records.get_office(engine, args.office) is None:
            raise UserError(f"there is no office {args.office!r}.")
        found = followup.plans(engine, args.office, args.period)
    finally:
        engine.dispose()
    if args.json:
        _print([p.to_json() for p in found])
        return 0
    for p in found:
        print(f"{p.id}  {p.period:8} {p.unsur:4} {p.status:12} {p.quarter}  {p.person}: {p.action}"
              + (f"  [{p.note}]" if p.note else ""))
    if not found:
        print(f"office {args.office}: no follow-up plan" + (f" for {args.period}" if args.period else ""))
    return 0


def run_update(args) -> int:
    from collector import followup

    engine = open_database(args)
    try:
        plan = followup.change(engine, args.plan_id, status=args.status, note=args.note, action=args.action,
                               quarter=args.quarter, person=args.person, forum_date=args.forum_date, by=args.by)
    finally:
        engine.dispose()
    _print(plan.to_json())
    return 0


def run_publication(args) -> int:
    from collector import publication, records
    from kiosk.errors import UserError

    engine = open_database(args)
    try:
        if args.public is not None:
            publication.set_public(engine, args.office, args.public, by=args.by)
        elif records.get_office(engine, args.office) is None:
            raise UserError(f"there is no office {args.office!r}.")
        public = publication.is_public(engine, args.office)
    finally:
        engine.dispose()
    _print({"office_id": args.office, "public": public, "page": f"/p/{args.office}", "tv": f"/tv/{args.office}"})
    return 0
