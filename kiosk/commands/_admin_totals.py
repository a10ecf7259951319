"""`kiosk admin rebuild-totals [--office ID] [--json]`: recompute the running totals, the comment rows and the held
flags from the stored responses."""
from __future__ import annotations

import json

from kiosk.commands._collector_db import open_database
from kiosk.errors import UserError


def register(action) -> None:
    """Add the action to `kiosk admin` (action is its helper that makes one sub-command)."""
    p = action("rebuild-totals", "recompute the running totals, the comment rows and the held flags from the stored "
               "responses and say whether they differed (exit 0 either way)", run_rebuild_totals)
    p.add_argument("--office", help="only this office (default: every office)")
    p.add_argument("--json", action="store_true", help="JSON per office: differed, totals_differing, totals, "
                   "comments_differing, comments, held_differing, held")


def run_rebuild_totals(args) -> int:
    from collector import records, totals

    engine = open_database(args)
    try:
        if args.office:
            if records.get_office(engine, args.office) is None:
                raise UserError(f"there is no office {args.office!r}.")
            office_ids = [args.office]
        else:
            office_ids = [o["id"] for o in records.list_offices(engine)]
        result = totals.rebuild(engine, office_ids)
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    for office_id, found in result.items():
        if found["totals_differing"]:
            print(f"office {office_id}: {found['totals_differing']} of the running totals differed from the stored "
                  f"responses; rebuilt ({found['totals']} totals)")
        else:
            print(f"office {office_id}: the running totals matched the stored responses ({found['totals']} totals)")
        if found["comments_differing"] or found["held_differing"]:
            print(f"office {office_id}: {found['comments_differing']} of the comment rows and "
                  f"{found['held_differing']} of the held flags differed from the stored responses; rebuilt "
                  f"({found['comments']} comment rows, {found['held']} held)")
        else:
            print(f"office {office_id}: the comment rows and held flags matched the stored responses "
                  f"({found['comments']} comment rows, {found['held']} held)")
    return 0
