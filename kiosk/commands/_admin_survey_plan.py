"""`kiosk admin survey-plan` and `kiosk admin team add | list | remove`: the survey's decree, schedule and team
per office and period, printed in the Laporan SKM's BAB II; every edit is a line of the audit log."""
from __future__ import annotations

import argparse
import json

from kiosk.commands._collector_db import add_db_option, open_database

_PERIOD_HELP = "the survey period: 2026, 2026-S1 or 2026-Q3"


def register(action) -> None:
    """Adds `survey-plan` and `team` through admin's `action(name, help, run)` helper."""
    p = action("survey-plan", "the survey's decree (SK) and schedule for a period: records what is given, then "
               "prints the plan with its team as JSON", run_plan)
    p.add_argument("--office", required=True, help="office id")
    p.add_argument("--period", required=True, help=_PERIOD_HELP)
    p.add_argument("--decree-number", help="number of the decree (SK) that appointed the team")
    p.add_argument("--decree-date", help="date of the decree, YYYY-MM-DD")
    for stage, words in (("preparation", "persiapan"), ("collection", "pengumpulan data"),
                         ("processing", "pengolahan data"), ("reporting", "pelaporan")):
        p.add_argument(f"--{stage}", metavar="FROM:TO",
                       help=f"dates of the {stage} stage ({words}), YYYY-MM-DD:YYYY-MM-DD; empty clears it")
    p.add_argument("--by", default="admin-cli", help="who records it (default: admin-cli)")

    parser = action("team", "tim pelaksana: the survey team of an office for a period", None)
    steps = parser.add_subparsers(dest="step", metavar="STEP", required=True)
    p = steps.add_parser("add", help="add a member (in the order the decree lists them); prints it as JSON")
    p.set_defaults(run=run_team_add)
    p.add_argument("--office", required=True, help="office id")
    p.add_argument("--period", required=True, help=_PERIOD_HELP)
    p.add_argument("--name", required=True, help="the member's name")
    p.add_argument("--role", required=True, help="role in the team, e.g. Ketua, Sekretaris, Anggota")
    p.add_argument("--position", default="", help="position (jabatan) in the office")
    p.add_argument("--by", default="admin-cli", help="who records it (default: admin-cli)")
    p = steps.add_parser("list", help="the team of a period (JSON with --json, else a table)")
    p.set_defaults(run=run_team_list)
    p.add_argument("--office", required=True, help="office id")
    p.add_argument("--period", required=True, help=_PERIOD_HELP)
    p.add_argument("--json", action="store_true", help="JSON instead of a table")
    p = steps.add_parser("remove", help="remove a member entered by mistake")
    p.set_defaults(run=run_team_remove)
    p.add_argument("member_id", help="the id that `team add` or `team list` printed")
    p.add_argument("--by", default="admin-cli", help="who removes it, for the audit log (default: admin-cli)")
    for sub in steps.choices.values():  # `admin team add --db X` works as well as `admin --db X team add`
        add_db_option(sub, default=argparse.SUPPRESS)


def _print(data) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _whole(engine, office_id: str, period: str) -> dict:
    from collector import survey_plan

    found = survey_plan.plan(engine, office_id, period) or survey_plan.empty(office_id, period)
    return {**found.to_json(), "team": [m.to_json() for m in survey_plan.team(engine, office_id, period)]}


def run_plan(args) -> int:
    from collector import records, survey_plan
    from kiosk.errors import UserError

    survey_plan.period_dates(args.period)
    stages = {stage: survey_plan.stage_dates(stage, getattr(args, stage)) for stage in survey_plan.STAGES
              if getattr(args, stage) is not None}
    engine = open_database(args)
    try:
        if args.decree_number is not None or args.decree_date is not None or stages:
            survey_plan.set_plan(engine, args.office, args.period, decree_number=args.decree_number,
                                 decree_date=args.decree_date, stages=stages, by=args.by)
        elif records.get_office(engine, args.office) is None:
            raise UserError(f"there is no office {args.office!r}.")
        _print(_whole(engine, args.office, args.period))
    finally:
        engine.dispose()
    return 0


def run_team_add(args) -> int:
    from collector import survey_plan

    engine = open_database(args)
    try:
        member = survey_plan.add_member(engine, args.office, args.period, name=args.name, role=args.role,
                                        position=args.position, by=args.by)
    finally:
        engine.dispose()
    _print(member.to_json())
    return 0


def run_team_list(args) -> int:
    from collector import records, survey_plan
    from kiosk.errors import UserError

    survey_plan.period_dates(args.period)
    engine = open_database(args)
    try:
        if records.get_office(engine, args.office) is None:
            raise UserError(f"there is no office {args.office!r}.")
        members = survey_plan.team(engine, args.office, args.period)
    finally:
        engine.dispose()
    if args.json:
        _print([m.to_json() for m in members])
        return 0
    for m in members:
        print(f"{m.id}  {m.role:14} {m.name}" + (f" ({m.position})" if m.position else ""))
    if not members:
        print(f"office {args.office}: no team recorded for {args.period}")
    return 0


def run_team_remove(args) -> int:
    from collector import survey_plan

    engine = open_database(args)
    try:
        member = survey_plan.remove_member(engine, args.member_id, by=args.by)
    finally:
        engine.dispose()
    _print({"removed": member.to_json()})
    return 0
