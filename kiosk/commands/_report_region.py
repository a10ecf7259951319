"""`kiosk report --region ID [--from D] [--to D] [--format json|csv|xlsx] [--out F]`: every office of a region, ranked.

The figures of each office are its own report JSON's (collector/regions.py); xlsx is written only to a file.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from kiosk.commands._collector_db import open_database
from kiosk.errors import UserError

FORMATS = ("json", "csv", "xlsx")


def run(args) -> int:
    from collector import region_formats
    from collector.regions import region_report
    from collector.reports import ReportError

    if args.format not in FORMATS:
        raise UserError(f"--region reports come as {', '.join(FORMATS)}, not {args.format}.")
    if args.service or args.population or args.with_comments:
        raise UserError("--service, --population and --with-comments apply to one office's report, not to --region.")
    if args.format == "xlsx" and not args.out:
        raise UserError("--format xlsx writes a file: give it with --out FILE.xlsx.")
    engine = open_database(args)
    try:
        overview = region_report(engine, args.region, date_from=args.date_from, date_to=args.date_to)
    except ReportError as exc:
        raise UserError(f"{exc.detail}.") from None
    finally:
        engine.dispose()
    if args.format == "json":
        data: str | bytes = json.dumps(overview, indent=2, ensure_ascii=False) + "\n"
    elif args.format == "csv":
        data = region_formats.to_csv(overview)
    else:
        data = region_formats.to_xlsx(overview)
    if not args.out:
        sys.stdout.write(data)  # type: ignore[arg-type]
        return 0
    target = Path(args.out)
    partial = target.with_name(target.name + ".part")
    try:  # whole or not at all, like the office documents
        if isinstance(data, bytes):
            partial.write_bytes(data)
        else:
            partial.write_text(data, encoding="utf-8", newline="")
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserError(f"cannot write {args.out}: {exc.strerror}.") from None
    print(f"kiosk report: {len(overview['offices'])} offices, {overview['respondents']} respondents, "
          f"written to {args.out}", file=sys.stderr)
    return 0
