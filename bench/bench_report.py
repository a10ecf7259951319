"""The Laporan SKM documents of a large office, against the report JSON they are built from.

One year of an office with many respondents in a collector SQLite database; times the report JSON
(kiosk report --format json: read + kiosk.ikm), then the XLSX and the PDF (the same read, then the
layout). Prints each document's time as a ratio of the JSON's. Goal: the PDF within 3x of the JSON
(its size does not grow with the respondents), the XLSX (one row per response) within 10x.
"""
from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from kiosk.config import DEMO_CONFIG, load
from kiosk.simulate import synthetic_responses


def _database(root: Path, count: int):
    from collector import db, migrations, records
    from collector.ingest import ingest_batch

    engine = db.make_engine(f"sqlite:///{root / 'collector.db'}")
    migrations.migrate(engine)
    records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
    _, token = records.add_kiosk(engine, "dukcapil-butur")
    with db.reading(engine) as conn:
        kiosk = records.kiosk_for_token(conn, token)
    wires = [r.to_wire() for r in synthetic_responses(load(DEMO_CONFIG), count, seed=7)]
    for start in range(0, len(wires), 1000):
        ingest_batch(engine, kiosk, wires[start:start + 1000])
    return engine


def _best_of(runs: int, work) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench_report")
    parser.add_argument("--count", type=int, default=20000, help="responses in the office (default 20000)")
    args = parser.parse_args(argv)
    from collector.report_pdf import build_pdf
    from collector.report_xlsx import build_xlsx
    from collector.reports import office_report, report_source

    with tempfile.TemporaryDirectory() as tmp:
        engine = _database(Path(tmp), args.count)
        scope = dict(date_from=dt.date(2000, 1, 1), date_to=dt.date(2099, 12, 31), population=50000)
        respondents = office_report(engine, "dukcapil-butur", **scope)["respondents"]
        json_s = _best_of(3, lambda: office_report(engine, "dukcapil-butur", **scope))
        xlsx_s = _best_of(2, lambda: build_xlsx(report_source(engine, "dukcapil-butur", **scope)))
        pdf_s = _best_of(2, lambda: build_pdf(report_source(engine, "dukcapil-butur", **scope)))
        engine.dispose()
    print(f"{respondents} respondents: report JSON {json_s:.2f} s")
    print(f"xlsx / json: {xlsx_s / json_s:.1f}x ({xlsx_s:.2f} s, goal <= 10x)")
    print(f"pdf  / json: {pdf_s / json_s:.1f}x ({pdf_s:.2f} s, goal <= 3x)")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
