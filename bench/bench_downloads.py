"""The downloads at 20,000 and 200,000 responses: flat memory, and a cost per row close to the writer's own.

Two collector SQLite databases (the demo office with N synthetic responses each). Every figure is taken
in a fresh subprocess, peak memory as its own high-water mark (VmHWM; ru_maxrss where there is none):

- xlsx-data: the XLSX as `kiosk report --format xlsx` writes it, its Data sheet holding all N responses
  (read through the database cursor), the report itself for a single day so that this measures the
  streaming and not the report JSON. Goal: peak memory at 200,000 within 1.5x of 20,000; time per row
  within 2x of openpyxl's own write-only mode writing rows of the same cells (same run, same N), taken
  as the cost of each added row between the two sizes so that start-up and the small sheets cancel out.
- xlsx-full and csv: the whole `kiosk report --format xlsx|csv` path, report JSON included. Printed for
  information: their memory is the report JSON's (collector/reports.py office_report); flat once that is
  computed from the running totals. The CSV is the report table (a row per unsur, service, channel and
  reason), so it has no per-response rows to compare with csv.writer; its rows are printed.

Usage: python bench/bench_downloads.py [--small 20000] [--large 200000]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OFFICE = "dukcapil-butur"
EVERYTHING = dict(date_from=dt.date(2000, 1, 1), date_to=dt.date(2099, 12, 31))


def _database(path: Path, count: int) -> str:
    from collector import db, migrations, records
    from collector.ingest import ingest_batch
    from kiosk.config import DEMO_CONFIG, load
    from kiosk.simulate import synthetic_responses

    url = f"sqlite:///{path}"
    engine = db.make_engine(url)
    migrations.migrate(engine)
    records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
    _, token = records.add_kiosk(engine, OFFICE)
    with db.reading(engine) as conn:
        kiosk = records.kiosk_for_token(conn, token)
    config = load(DEMO_CONFIG)
    for start in range(0, count, 10_000):  # in slices: the bench's own memory is not what is measured
        wires = [r.to_wire() for r in synthetic_responses(config, min(10_000, count - start), seed=start)]
        for first in range(0, len(wires), 1000):
            ingest_batch(engine, kiosk, wires[first:first + 1000])
    engine.dispose()
    return url


# --- what each subprocess measures --------------------------------------------------------------

def _xlsx_data(url: str, out: Path) -> int:
    import dataclasses

    from collector import db
    from collector.report_rows import DataRows
    from collector.report_xlsx import write_xlsx
    from collector.reports import report_source

    engine = db.make_engine(url)
    one_day = dt.date(2000, 1, 1)
    small = report_source(engine, OFFICE, date_from=one_day, date_to=one_day)
    rows = DataRows(engine, OFFICE, None, EVERYTHING["date_from"], EVERYTHING["date_to"],
                    small.statuses.rule)  # type: ignore[union-attr]
    written = []

    def counted():  # counts the rows as the sheet takes them: no second pass over the database
        for row in rows:
            written.append(None)
            yield row

    source = dataclasses.replace(small, statuses=counted())
    with open(out, "wb") as file:
        write_xlsx(source, file)
    engine.dispose()
    return len(written)


def _xlsx_full(url: str, out: Path) -> int:
    from collector import db
    from collector.report_xlsx import write_xlsx
    from collector.reports import report_source

    engine = db.make_engine(url)
    source = report_source(engine, OFFICE, **EVERYTHING)
    with open(out, "wb") as file:
        write_xlsx(source, file)
    engine.dispose()
    return source.report["respondents"] + sum(source.report["excluded"].values())


def _csv(url: str, out: Path) -> int:
    from collector import db
    from collector.report_csv import csv_lines
    from collector.reports import office_report

    engine = db.make_engine(url)
    report = office_report(engine, OFFICE, **EVERYTHING)
    with open(out, "w", encoding="utf-8", newline="") as file:
        lines = 0
        for line in csv_lines(report):
            file.write(line)
            lines += 1
    engine.dispose()
    return lines


def _openpyxl(rows: int, out: Path) -> int:
    """openpyxl's write-only mode writing rows shaped like the Data sheet's: id, service, channel, timestamp,
    a local time with a number format, nine answers, five profile values, status and flags."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    base = dt.datetime(2026, 11, 1, 8, 0)
    for i in range(rows):
        local = WriteOnlyCell(sheet, value=base + dt.timedelta(seconds=i))
        local.number_format = "yyyy-mm-dd hh:mm:ss"
        sheet.append([f"{i:08d}-0000-4000-8000-000000000000", "ktp-el", "kiosk", "2026-11-01T08:00:00+08:00", local,
                      *(1 + (i + k) % 4 for k in range(9)), "f", "25-34", "sma", "wiraswasta", None,
                      "tidak dihitung: simulasi", "simulated"])
    book.save(out)
    return rows


CHILDREN = {"xlsx-data": _xlsx_data, "xlsx-full": _xlsx_full, "csv": _csv}


def _child(kind: str, arg: str, out: str) -> None:
    start = time.perf_counter()
    rows = _openpyxl(int(arg), Path(out)) if kind == "openpyxl" else CHILDREN[kind](arg, Path(out))
    seconds = time.perf_counter() - start
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": _peak_mb()}))


def _peak_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM belongs to the process image, unlike ru_maxrss,
    which a child inherits from the parent that forked it (the parent here holds the data it stored)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(kind: str, arg: str, tmp: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", kind, arg, str(tmp / f"{kind}.out")],
                          capture_output=True, text=True, env={**os.environ}, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        _child(*argv[1:4])
        return
    parser = argparse.ArgumentParser(prog="bench_downloads")
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--large", type=int, default=200_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        figures: dict[tuple[str, int], dict] = {}
        for count in (args.small, args.large):
            started = time.perf_counter()
            url = _database(tmp / f"collector-{count}.db", count)
            print(f"{count} responses stored in {time.perf_counter() - started:.0f} s", flush=True)
            for kind in ("xlsx-data", "xlsx-full", "csv"):
                figures[(kind, count)] = _measure(kind, url, tmp)
            figures[("openpyxl", count)] = _measure("openpyxl", str(figures[("xlsx-data", count)]["rows"]), tmp)
            for kind in ("xlsx-data", "openpyxl", "xlsx-full", "csv"):
                f = figures[(kind, count)]
                print(f"  {kind:9} {f['rows']:>7} rows  {f['seconds']:7.2f} s  "
                      f"{1e6 * f['seconds'] / max(f['rows'], 1):7.1f} us/row  peak {f['peak_mb']:6.1f} MB", flush=True)
    small, large = args.small, args.large
    print()
    memory = figures[("xlsx-data", large)]["peak_mb"] / figures[("xlsx-data", small)]["peak_mb"]
    print(f"XLSX Data sheet peak memory {large} / {small} rows: {memory:.2f}x (goal <= 1.5x) {_verdict(memory <= 1.5)}")
    for count in (small, large):
        ours, theirs = figures[("xlsx-data", count)], figures[("openpyxl", count)]
        ratio = (ours["seconds"] / ours["rows"]) / (theirs["seconds"] / theirs["rows"])
        print(f"XLSX time per row vs openpyxl write-only, {count} rows, start-up included: {ratio:.2f}x")

    def per_row(kind: str) -> float:  # the cost of one more row: start-up, imports and other sheets cancel out
        a, b = figures[(kind, small)], figures[(kind, large)]
        return (b["seconds"] - a["seconds"]) / (b["rows"] - a["rows"])

    ratio = per_row("xlsx-data") / per_row("openpyxl")
    print(f"XLSX time per added row: {1e6 * per_row('xlsx-data'):.1f} us vs openpyxl write-only "
          f"{1e6 * per_row('openpyxl'):.1f} us: {ratio:.2f}x (goal <= 2x) {_verdict(ratio <= 2)}")
    for kind, label in (("xlsx-full", "whole XLSX download (report JSON included)"),
                        ("csv", "CSV download (report JSON included)")):
        ratio = figures[(kind, large)]["peak_mb"] / figures[(kind, small)]["peak_mb"]
        print(f"{label} peak memory {large} / {small}: {ratio:.2f}x (goal <= 1.5x once office_report reads the "
              f"running totals) {_verdict(ratio <= 1.5)}")
    print(f"CSV rows: {figures[('csv', large)]['rows']} at {large} responses, {figures[('csv', small)]['rows']} at "
          f"{small}: a row per unsur, service, channel and reason, none per response (nothing to compare with "
          "csv.writer per row)")


if __name__ == "__main__":
    main(sys.argv[1:])
