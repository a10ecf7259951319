"""`kiosk report --office ID [--service S] [--from D] [--to D] --format json|csv|xlsx|pdf [--out F]`: IKM from the collector.

`kiosk report --region ID ...` is the region overview (kiosk/commands/_report_region.py).

json and csv are the report JSON and its table (collector/report_csv.py); xlsx and pdf are the Laporan SKM documents
(collector/report_xlsx.py, collector/report_pdf.py), written only to a file.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from kiosk.commands._collector_db import add_db_option, open_database
from kiosk.errors import UserError

FORMATS = ("json", "csv", "xlsx", "pdf")
DOCUMENTS = ("xlsx", "pdf")


def register(sub, common) -> None:
    parser = sub.add_parser("report", parents=[common], help="the IKM report of an office from the collector database",
                            description="Dates are the office's local dates of submission, both ends included.")
    add_db_option(parser)
    scope = parser.add_mutually_exclusive_group(required=True)
    scope.add_argument("--office", help="office id")
    scope.add_argument("--region", help="region id: every office of the region, ranked (json, csv or xlsx)")
    parser.add_argument("--service", help="one service id (default: all services)")
    parser.add_argument("--from", dest="date_from", type=_date, help="first date, YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", type=_date, help="last date, YYYY-MM-DD")
    parser.add_argument("--population", type=_population, help="service recipients in the period (sample check)")
    parser.add_argument("--format", choices=FORMATS, default="json",
                        help="json (the report JSON), csv, xlsx (workbook with the data) or pdf (the Laporan SKM)")
    parser.add_argument("--out", help="write to this file instead of stdout (required for xlsx and pdf)")
    parser.add_argument("--with-comments", action="store_true",
                        help="xlsx only: add the respondents' suggestions to the Data sheet (they may name people)")
    parser.set_defaults(run=run)


def _date(text: str) -> dt.date:
    import argparse

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def _population(text: str) -> int:
    import argparse

    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"population must be a whole number of at least 1, got {text!r}")
    return int(text)


def run(args) -> int:
    from collector.report_csv import csv_lines
    from collector.reports import ReportError, office_report

    if args.region is not None:
        from kiosk.commands import _report_region as report_region
        return report_region.run(args)
    if args.format in DOCUMENTS and not args.out:
        raise UserError(f"--format {args.format} writes a file: give it with --out FILE.{args.format}.")
    if args.with_comments and args.format != "xlsx":
        raise UserError("--with-comments applies only to --format xlsx.")
    if args.format in DOCUMENTS:
        return _document(args)
    engine = open_database(args)
    try:
        report = office_report(engine, args.office, service=args.service, date_from=args.date_from,
                               date_to=args.date_to, population=args.population)
    except ReportError as exc:
        raise UserError(f"{exc.detail}.") from None
    finally:
        engine.dispose()
    lines = [json.dumps(report, indent=2, ensure_ascii=False) + "\n"] if args.format == "json" else csv_lines(report)
    if args.out:
        try:
            with open(args.out, "w", encoding="utf-8", newline="") as out:
                out.writelines(lines)
        except OSError as exc:
            raise UserError(f"cannot write {args.out}: {exc.strerror}.") from None
        print(f"kiosk report: {report['respondents']} respondents, written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.writelines(lines)
    return 0


def _document(args) -> int:
    try:
        from collector.reports import ReportError, report_source
        if args.format == "xlsx":
            from collector.report_xlsx import write_xlsx as write
        else:
            from collector.report_pdf import build_pdf
    except ImportError as exc:
        raise UserError(f"--format {args.format} needs the collector's extra packages ({exc.name} is missing); "
                        "install them with pip install 'skm-kiosk[collector]'.") from None
    engine = open_database(args)
    target = Path(args.out)
    partial = target.with_name(target.name + ".part")
    try:  # whole or not at all: a half-written report must never look like a finished one
        source = report_source(engine, args.office, service=args.service, date_from=args.date_from,
                               date_to=args.date_to, population=args.population)
        with open(partial, "wb") as out:
            if args.format == "xlsx":  # the Data sheet's rows go from the database cursor to the file
                write(source, out, with_comments=args.with_comments)
            else:
                out.write(build_pdf(source))
        partial.replace(target)
    except ReportError as exc:
        raise UserError(f"{exc.detail}.") from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserError(f"cannot write {args.out}: {exc.strerror}.") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        engine.dispose()
    print(f"kiosk report: {source.report['respondents']} respondents, written to {args.out}", file=sys.stderr)
    return 0
