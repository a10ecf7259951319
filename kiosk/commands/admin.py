"""`kiosk admin ...`: offices, services, kiosks, enrolment codes and admin users in the collector database."""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import timedelta

from kiosk import ids
from kiosk.commands._collector_db import add_db_option, open_database
from kiosk.errors import UserError


def register(sub, common) -> None:
    parser = sub.add_parser("admin", parents=[common], help="manage the collector: offices, services, kiosks, users")
    add_db_option(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, help_text: str, run) -> argparse.ArgumentParser:
        p = actions.add_parser(name, parents=[common], help=help_text, description=help_text)
        add_db_option(p, default=argparse.SUPPRESS)  # `admin --db X ACTION` and `admin ACTION --db X` both work
        p.set_defaults(run=run)
        return p

    p = action("office-add", "register an office (or take office and services from a kiosk config TOML)", run_office_add)
    p.add_argument("--id", help=f"office id: {ids.OFFICE_ID_RULE}")
    p.add_argument("--name", help="the office's full name")
    p.add_argument("--timezone", help="IANA time zone (default: Asia/Jakarta, or the config's)")
    p.add_argument("--from-config", metavar="FILE", help="a kiosk config.toml: office, services, kiosk settings, PIN")
    p.add_argument("--region", help="the region (kabupaten, kota, provinsi) the office belongs to")

    p = action("office-update", "replace an office's name, time zone, services and kiosk settings from a kiosk "
               "config TOML; enrolled kiosks pick the change up", run_office_update)
    p.add_argument("--id", help="office id (default: the config's office.id)")
    p.add_argument("--from-config", metavar="FILE", required=True, help="a kiosk config.toml")

    p = action("service-add", "add a service to an office", run_service_add)
    p.add_argument("--office", required=True, help="office id")
    p.add_argument("--id", required=True, help="service id, e.g. ktp-el")
    p.add_argument("--name-id", required=True, help="name in Bahasa Indonesia")
    p.add_argument("--name-en", required=True, help="name in English")

    p = action("office-pin", "set the staff PIN that kiosks of an office receive (PIN from stdin)", run_office_pin)
    p.add_argument("--office", required=True, help="office id")
    p.add_argument("--clear", action="store_true", help="remove it: enrolled kiosks keep their own PIN")

    p = action("kiosk-add", "register a kiosk; prints JSON with kiosk_id and token (shown once)", run_kiosk_add)
    p.add_argument("--office", required=True, help="office id")

    p = action("kiosk-revoke", "revoke a kiosk's token: its uploads are refused from now on", run_kiosk_revoke)
    p.add_argument("kiosk_id", help="the kiosk id, as kiosk-add or enrolment printed it")

    p = action("enroll-code", "a single-use enrolment code for `kiosk enroll`; prints JSON {code, expires_at}",
               run_enroll_code)
    p.add_argument("--office", required=True, help="office id")
    p.add_argument("--hours", type=float, default=24.0, help="hours until it expires (default: 24)")

    p = action("user-add", "add an admin, or set its password and offices again; password from stdin",
               run_user_add)
    p.add_argument("name", help="login name")
    p.add_argument("--office", action="append", default=[], metavar="ID",
                   help="limit to this office (repeat for more); without it a new admin reads every office")
    p.add_argument("--all-offices", action="store_true",
                   help="let an admin limited to some offices read every office (never done without it)")

    action("users", "list admins and the offices they may read (JSON)", run_users)

    action("offices", "list offices with their services, kiosks and response counts (JSON)", run_offices)
    from kiosk.commands import _admin_alerts as admin_alerts

    admin_alerts.register(action)

    p = action("kiosks", "list kiosks with their health (JSON): last seen, version, queue, clock, storage, "
               "and ok, silent, backlog, error, clock or storage", run_kiosks)
    p.add_argument("--office", help="only this office's")
    p.add_argument("--json", action="store_true", help="JSON (the default and only format; kept for scripts)")
    p.add_argument("--summary", action="store_true", help="only the count of kiosks per health word, per office "
                                                          "and in total")
    p.add_argument("--silent-after-min", type=float, metavar="M",
                   help="minutes without a word before a kiosk is silent (default: $KIOSK_SILENT_AFTER_MIN or 480)")

    from kiosk.commands import _admin_counting, _admin_database, _admin_held, _admin_regions, _admin_totals

    _admin_held.register(action)
    _admin_counting.register(action)
    _admin_database.register(action)
    _admin_regions.register(action)
    _admin_totals.register(action)

    from kiosk.commands import _admin_followup as admin_followup

    admin_followup.register(action)
    from kiosk.commands import _admin_survey_plan

    _admin_survey_plan.register(action)

    from kiosk.commands import _admin_suggestions

    _admin_suggestions.register(action)


def _print_json(data) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def run_office_add(args) -> int:
    from collector import records

    if args.from_config:
        fields = records.office_from_config(args.from_config)
        if args.id:
            fields["office_id"] = args.id
        if args.name:
            fields["name"] = args.name
        if args.timezone:
            fields["timezone_name"] = args.timezone
    else:
        if not args.id or not args.name:
            raise UserError("office-add needs --id and --name, or --from-config FILE.")
        fields = {"office_id": args.id, "name": args.name, "timezone_name": args.timezone or records.DEFAULT_TIMEZONE}
    if not ids.is_office_id(fields["office_id"]):  # a typo in the id is said before a missing database is
        raise UserError(f"office id {fields['office_id']!r} must be made of {ids.OFFICE_ID_RULE}.")
    engine = open_database(args)
    try:
        if args.region:
            from collector.regions import get_region
            if get_region(engine, args.region) is None:  # said before the office is added
                raise UserError(f"there is no region {args.region!r}; add it first with `kiosk admin region-add`.")
        office = records.add_office(engine, **fields)
        if args.region:
            from collector.regions import set_office_region
            set_office_region(engine, office.id, args.region)
    finally:
        engine.dispose()
    added = {"office_id": office.id, "name": office.name, "timezone": office.timezone,
             "services": [s.id for s in office.services]}
    _print_json({**added, "region_id": args.region} if args.region else added)
    return 0


def run_office_update(args) -> int:
    from collector import records

    fields = records.office_from_config(args.from_config)
    office_id = args.id or fields.pop("office_id")
    fields.pop("office_id", None)
    engine = open_database(args)
    try:
        office = records.update_office(engine, office_id, **fields)
    finally:
        engine.dispose()
    _print_json({"office_id": office.id, "name": office.name, "timezone": office.timezone,
                 "services": [s.id for s in office.services], "config_etag": office.config_etag()})
    return 0


def run_service_add(args) -> int:
    from collector import records

    engine = open_database(args)
    try:
        service = records.add_service(engine, args.office, args.id, args.name_id, args.name_en)
    finally:
        engine.dispose()
    _print_json({"office_id": args.office, "service_id": service.id})
    return 0


def run_office_pin(args) -> int:
    from collector import records
    from kiosk.pin import hash_pin

    pin_hash = None
    if not args.clear:
        pin = getpass.getpass("Staff PIN: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
        try:
            pin_hash = hash_pin(pin)
        except ValueError as exc:
            raise UserError(f"{exc}.") from None
    engine = open_database(args)
    try:
        records.set_office_pin(engine, args.office, pin_hash)
    finally:
        engine.dispose()
    print(f"office {args.office}: staff PIN {'removed' if args.clear else 'set'} for newly enrolled kiosks")
    return 0


def run_kiosk_add(args) -> int:
    from collector import records

    engine = open_database(args)
    try:
        kiosk_id, token = records.add_kiosk(engine, args.office)
    finally:
        engine.dispose()
    _print_json({"kiosk_id": kiosk_id, "office_id": args.office, "token": token})
    return 0


def run_kiosk_revoke(args) -> int:
    from collector import records

    engine = open_database(args)
    try:
        records.revoke_kiosk(engine, args.kiosk_id)
    finally:
        engine.dispose()
    print(f"kiosk {args.kiosk_id}: token revoked")
    return 0


def run_enroll_code(args) -> int:
    from collector import records

    if not 0 < args.hours <= 24 * 30:
        raise UserError("--hours must be more than 0 and at most 720 (30 days).")
    engine = open_database(args)
    try:
        code, expires_at = records.new_enroll_code(engine, args.office, ttl=timedelta(hours=args.hours))
    finally:
        engine.dispose()
    _print_json({"code": code, "expires_at": expires_at})
    return 0


def run_user_add(args) -> int:
    from collector import records

    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            raise UserError("the two passwords differ.")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if args.office and args.all_offices:
        raise UserError("give --office ID or --all-offices, not both.")
    engine = open_database(args)
    try:
        if not args.office and not args.all_offices:
            # Setting a new password must not quietly widen an admin of some offices to every office.
            known = {a["name"]: a["offices"] for a in records.list_admins(engine)}
            if known.get(args.name, "all") != "all":
                raise UserError(f"admin {args.name} reads only {', '.join(known[args.name])}; repeat --office ID "
                                "for each office to keep, or give --all-offices to let it read every office.")
        admin = records.add_admin(engine, args.name, password, office_ids=tuple(args.office))
    finally:
        engine.dispose()
    scope = "every office" if admin.offices is None else "offices " + ", ".join(sorted(admin.offices))
    print(f"admin {args.name}: saved ({scope})")
    return 0


def run_users(args) -> int:
    from collector import records

    engine = open_database(args)
    try:
        _print_json(records.list_admins(engine))
    finally:
        engine.dispose()
    return 0


def run_offices(args) -> int:
    from collector import records

    engine = open_database(args)
    try:
        _print_json(records.list_offices(engine))
    finally:
        engine.dispose()
    return 0


def run_kiosks(args) -> int:
    from collector import fleet, records

    rules = fleet.HealthRules.from_environment()
    if args.silent_after_min is not None:
        if not 0 < args.silent_after_min <= 60 * 24 * 365:
            raise UserError("--silent-after-min must be more than 0 and at most a year (525600).")
        rules = fleet.HealthRules(silent_after=timedelta(minutes=args.silent_after_min))
    engine = open_database(args)
    try:
        if args.office and records.get_office(engine, args.office) is None:
            raise UserError(f"there is no office {args.office!r}.")
        kiosks = fleet.fleet(engine, now=records.utc_now(), office_id=args.office, rules=rules)
    finally:
        engine.dispose()
    _print_json(fleet.summary(kiosks) if args.summary else [k.to_json() for k in kiosks])
    return 0
