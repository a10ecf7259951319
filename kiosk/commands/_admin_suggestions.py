"""`kiosk admin suggestions` and `suggestion-hide | suggestion-show | suggestion-approve`: the moderated
kritik-dan-saran feed of an office (collector/suggestions.py)."""
from __future__ import annotations

import argparse
import datetime as dt
import json

from kiosk.commands._collector_db import open_database
from kiosk.errors import UserError

_STATES = ("new", "hidden", "approved")
_VERBS = (("hide", "hide comments: kept, never deleted, shown to no one but admins looking for hidden ones"),
          ("show", "put comments back to new (seen by admins only; withdraws an approval)"),
          ("approve", "approve comments for publication on /p/ID and /tv/ID"))


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def _positive(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def register(action) -> None:
    """Add the actions to `kiosk admin` (action is its helper that makes one sub-command)."""
    p = action("suggestions", "an office's kritik dan saran, newest first, in office-local dates (text or JSON)",
               run_list)
    p.add_argument("--office", required=True, help="office id")
    p.add_argument("--from", dest="date_from", type=_date, help="first local date, YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", type=_date, help="last local date, YYYY-MM-DD")
    p.add_argument("--service", help="only this service")
    p.add_argument("--search", help="only comments holding this text (case-insensitive)")
    p.add_argument("--state", choices=_STATES, help="only comments in this moderation state")
    p.add_argument("--group", help="only comments about this unsur (U1..U9) or 'other'")
    p.add_argument("--all", action="store_true",
                   help="also comments of responses the counting rule leaves out (simulated, voided, held)")
    p.add_argument("--page", type=_positive, default=1, help="page number (default: 1)")
    p.add_argument("--per-page", type=_positive, default=50, help="comments per page, at most 200 (default: 50)")
    p.add_argument("--json", action="store_true", help="JSON with the counts per group and state")
    for verb, help_text in _VERBS:
        p = action(f"suggestion-{verb}", f"{help_text}; recorded in the audit log; prints JSON", run_change)
        p.set_defaults(verb=verb)
        p.add_argument("response_ids", nargs="+", metavar="RESPONSE_ID", help="the responses whose comment it is")
        p.add_argument("--reason", default="", help="why (kept in the audit log)")
        p.add_argument("--office", help="refuse any response that is not this office's")
        p.add_argument("--by", default=None, help="who does this (default: the login name)")


def run_list(args) -> int:
    from collector import suggestions

    engine = open_database(args)
    try:
        found = suggestions.feed(engine, args.office, date_from=args.date_from, date_to=args.date_to,
                                 service=args.service, search=args.search, state=args.state, group=args.group,
                                 include_uncounted=args.all, page=args.page, per_page=args.per_page)
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(found.to_json(), indent=2, ensure_ascii=False))
        return 0
    for s in found.items:
        note = "" if s.counted else f" (not counted: {s.left_out})"
        print(f"{s.response_id}  {s.local_date}  {s.state:8}  {','.join(s.groups):10}  {s.text}{note}")
    print(f"{found.total} suggestion(s), page {found.page} of {found.pages}")
    return 0


def run_change(args) -> int:
    from collector import suggestions
    from kiosk.commands._admin_counting import _actor

    if args.office is not None and not args.office.strip():
        raise UserError("--office needs an office id.")
    engine = open_database(args)
    try:
        done = suggestions.change_state(engine, args.response_ids, args.verb, actor=_actor(args), reason=args.reason,
                                        office_id=args.office)
    finally:
        engine.dispose()
    print(json.dumps({"state": suggestions.ACTIONS[args.verb], **done}, indent=2))
    return 0
