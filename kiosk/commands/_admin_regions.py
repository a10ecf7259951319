"""`kiosk admin region-add / regions / office-region`: the regions (kabupaten, kota, provinsi) offices belong to."""
from __future__ import annotations

import json

from kiosk.commands._collector_db import open_database


def register(action) -> None:
    """Add the actions to `kiosk admin` (action is its helper that makes one sub-command)."""
    p = action("region-add", "register a region (kabupaten, kota or provinsi); prints JSON", run_region_add)
    p.add_argument("--id", required=True, help="region id: lowercase letters, digits and dashes")
    p.add_argument("--name", required=True, help="e.g. Kabupaten Buton Utara")
    p.add_argument("--kind", required=True, choices=("provinsi", "kabupaten", "kota"), help="provinsi, kabupaten or kota")
    p.add_argument("--parent", help="the provinsi a kabupaten or kota lies in")
    action("regions", "list regions with the offices in each (JSON)", run_regions)
    p = action("office-region", "put an existing office in a region (or in none with --clear)", run_office_region)
    p.add_argument("--office", required=True, help="office id")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--region", help="region id")
    group.add_argument("--clear", action="store_true", help="take the office out of its region")


def _print(data) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def run_region_add(args) -> int:
    from collector import regions

    engine = open_database(args)
    try:
        region = regions.add_region(engine, args.id, args.name, args.kind, parent_id=args.parent)
    finally:
        engine.dispose()
    _print(region.to_json())
    return 0


def run_regions(args) -> int:
    from collector import regions

    engine = open_database(args)
    try:
        _print(regions.list_regions(engine))
    finally:
        engine.dispose()
    return 0


def run_office_region(args) -> int:
    from collector import regions

    engine = open_database(args)
    try:
        regions.set_office_region(engine, args.office, None if args.clear else args.region)
    finally:
        engine.dispose()
    _print({"office_id": args.office, "region_id": None if args.clear else args.region})
    return 0
