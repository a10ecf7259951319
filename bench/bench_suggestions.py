"""What one page of the kritik-dan-saran feed (collector/suggestions.py) costs as an office's comments grow:
the feed reads and parses every comment of the period to filter, group and count them, so its time grows
with the comments of the period (not with the responses without one). SQLite on a temporary file."""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

WORDS = ("antrian lama", "petugas ramah", "biaya mahal", "ruang tunggu panas", "terima kasih", "syarat ribet",
         "pelayanan cepat", "parkir sempit", "mohon ditingkatkan", "AC mati")


def fill(engine, count: int, seed: int) -> None:
    from collector.ingest import store_batch
    from kiosk.response import new_response

    rng = random.Random(seed)
    start = datetime(2026, 1, 2, 8, tzinfo=timezone(timedelta(hours=8)))
    batch = []
    for n in range(count):
        at = start + timedelta(minutes=rng.randrange(0, 340 * 24 * 60))
        wire = new_response(office_id="dukcapil-butur", service_id=rng.choice(("ktp-el", "kk")),
                            answers={f"U{k}": rng.randint(1, 4) for k in range(1, 10)},
                            started_at=at - timedelta(seconds=60), submitted_at=at).to_wire()
        wire["comment"] = " ".join(rng.sample(WORDS, 2)) + f" #{n}"
        batch.append(wire)
        if len(batch) == 1000:
            store_batch(engine, "dukcapil-butur", batch, channel="kiosk", now=datetime(2026, 12, 31, tzinfo=timezone.utc))
            batch = []
    if batch:
        store_batch(engine, "dukcapil-butur", batch, channel="kiosk", now=datetime(2026, 12, 31, tzinfo=timezone.utc))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counts", default="1000,10000", help="comments per year to try (comma-separated)")
    args = parser.parse_args(argv)
    from collector import db, migrations, records, suggestions
    from kiosk.config import DEMO_CONFIG

    year = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    for count in (int(c) for c in args.counts.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            engine = db.make_engine(f"sqlite:///{Path(folder) / 'c.db'}")
            migrations.migrate(engine)
            records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
            fill(engine, count, seed=count)
            timings = {}
            for name, filters in (("first page", {}), ("search", {"search": "PARKIR"}), ("group U3", {"group": "U3"})):
                start = time.perf_counter()
                found = suggestions.feed(engine, "dukcapil-butur", date_from=year[0], date_to=year[1], **filters)
                timings[name] = (time.perf_counter() - start, found.total)
            engine.dispose()
        print(f"{count:>7} comments in the year: " + "; ".join(f"{name} {seconds * 1000:.0f} ms ({total} match)"
                                                              for name, (seconds, total) in timings.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
