"""What keeping the running totals (collector/totals.py) adds to ingest: the same batches stored with the
totals kept and with them switched off, alternating on fresh SQLite databases (and PostgreSQL with --pg URL
of an empty database per run is not automated here). Goal of issue 10: at most 1.3x."""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

GOAL_RATIO = 1.3


def one_run(folder: Path, name: str, batches: list[list[dict]], keep_totals: bool) -> float:
    from collector import db, ingest, migrations, records
    from kiosk.config import DEMO_CONFIG

    engine = db.make_engine(f"sqlite:///{folder / name}.db")
    migrations.migrate(engine)
    records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
    kept = ingest._count
    if not keep_totals:
        ingest._count = lambda conn, rows: None  # the ingest path as it was before the totals
    try:
        start = time.perf_counter()
        for batch in batches:
            ingest.store_batch(engine, "dukcapil-butur", batch, channel="kiosk")
        return time.perf_counter() - start
    finally:
        ingest._count = kept
        engine.dispose()


def main(argv: list[str]) -> int:
    from kiosk.response import new_response

    parser = argparse.ArgumentParser(prog="bench_totals")
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--size", type=int, default=250)
    args = parser.parse_args(argv)
    rng = random.Random(10)
    base = datetime(2026, 11, 1, 9, tzinfo=timezone(timedelta(hours=8)))

    def batches() -> list[list[dict]]:
        out = []
        for _ in range(args.batches):
            batch = []
            for _ in range(args.size):
                at = base + timedelta(days=rng.randrange(28), minutes=rng.randrange(480))
                batch.append(new_response(office_id="dukcapil-butur", service_id=rng.choice(["ktp-el", "kk"]),
                                          answers={f"U{i}": rng.randint(1, 4) for i in range(1, 10)},
                                          started_at=at - timedelta(seconds=60), submitted_at=at).to_wire())
            out.append(batch)
        return out

    times = {True: 0.0, False: 0.0}
    with tempfile.TemporaryDirectory() as folder:
        for n, keep in enumerate((False, True, False, True)):
            times[keep] += one_run(Path(folder), f"run{n}", batches(), keep)
    total = 2 * args.batches * args.size
    print(f"ingest without totals: {total / times[False]:.0f} responses/s ({times[False]:.2f} s for {total})")
    print(f"ingest with totals:    {total / times[True]:.0f} responses/s ({times[True]:.2f} s for {total})")
    ratio = times[True] / times[False]
    print(f"ratio with/without: {ratio:.2f} (goal: at most {GOAL_RATIO}) {'ok' if ratio <= GOAL_RATIO else 'OVER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
