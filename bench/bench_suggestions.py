"""What one page of the kritik-dan-saran feed (collector/suggestions.py) costs as an office's comments grow, and
what the office page's "N new suggestions" costs in an office of many responses. SQLite on a temporary file and
PostgreSQL (a throwaway cluster of tests/pgcluster.py; `--no-pg` for SQLite only).

The feed filters, groups, counts and pages the comment rows kept at ingest (collector/comments.py) in the
database: no body is parsed. The page's ids come from an index in the page's order (migration 26), read
from the period's newest comment until the page is full: that part is flat. The group and state counts
still pass over the index entries of the period's comments, so the first page's time grows with them
(`--counts 1000,10000,100000` on a 2-core machine shared with other work: SQLite 3.0 / 7.4 / 155 ms, PostgreSQL
15 / 16 / 76 ms; before migration 26, when the page's ids sorted the period's comments too, 3.4 / 24 / 172 and
8.7 / 14 / 76 ms. Each statement timed alone at 100,000: the page's ids 35 ms -> 0.04 ms on SQLite (1 ms on
PostgreSQL), the count 65 ms on SQLite and 74 ms on PostgreSQL, a parallel pass over the office's comments).
The new count is one COUNT over an index of the comment rows.
`--responses N` builds an office of N responses (a share with a comment) the way bench_report_scale does,
fills the comment rows with the migration's backfill (timed), and times the count and the feed's first page;
`--keep DIR` leaves that database there (to time an older collector's code on the same rows)."""
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


GOAL_FLAT = 2.0      # first page at 10x the comments: at most this many times the time
GOAL_COUNT_MS = 30   # the new count at 100,000 responses: a tenth of the office page's 300 ms budget


def _median_ms(work, runs: int = 15) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    return sorted(samples)[len(samples) // 2]


def office_of(responses: int, share: float, folder: Path) -> str:
    """An SQLite office of `responses` rows of a year, `share` of them with a comment, rows bulk-inserted as
    bench_report_scale does and the comment rows filled by the migration's backfill; returns its URL."""
    import orjson

    from bench.bench_report_scale import _insert, _rows
    from collector import comments, db, migrations, records

    url = f"sqlite:///{folder / f'office-{responses}.db'}"
    engine = db.make_engine(url)
    migrations.migrate(engine)
    from kiosk.config import DEMO_CONFIG

    records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
    rng = random.Random(7)
    for batch in _rows("dukcapil-butur", responses, seed=3):
        rows = []
        for row in batch:
            if rng.random() < share:
                wire = orjson.loads(row[8])
                wire["comment"] = " ".join(rng.sample(WORDS, 2))
                row = row[:8] + (orjson.dumps(wire, option=orjson.OPT_SORT_KEYS).decode(),) + row[9:]
            rows.append(row)
        _insert(engine, rows)
    start = time.perf_counter()
    with engine.begin() as conn:
        comments.backfill(conn)
        conn.exec_driver_sql("ANALYZE")
    print(f"{responses} responses, {share:.0%} with a comment: comment rows filled from the bodies "
          f"(the migration's backfill) in {time.perf_counter() - start:.1f} s")
    engine.dispose()
    return url


def at_scale(responses: int, share: float, folder: Path) -> None:
    from collector import dashboard, db, suggestions

    url = office_of(responses, share, folder)
    engine = db.make_engine(url)
    year = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    count_ms = _median_ms(lambda: dashboard.new_suggestions(engine, "dukcapil-butur", year))
    page_ms = _median_ms(lambda: suggestions.feed(engine, "dukcapil-butur", date_from=year[0], date_to=year[1]))
    new = dashboard.new_suggestions(engine, "dukcapil-butur", year)
    engine.dispose()
    print(f"office page's new-suggestions count at {responses} responses ({new} new): median {count_ms:.1f} ms "
          f"(goal <= {GOAL_COUNT_MS} ms) {'ok' if count_ms <= GOAL_COUNT_MS else 'MISSED'}")
    print(f"feed first page at {responses} responses: median {page_ms:.0f} ms")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counts", default="1000,10000", help="comments per year to try (comma-separated)")
    parser.add_argument("--responses", type=int, default=0, help="also time the new count in an office this large")
    parser.add_argument("--share", type=float, default=0.3, help="share of those responses with a comment")
    parser.add_argument("--keep", type=Path, help="build the large office's database in this folder and keep it")
    parser.add_argument("--no-pg", action="store_true", help="the feed on SQLite only")
    args = parser.parse_args(argv)
    if args.responses:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            at_scale(args.responses, args.share, args.keep)
        else:
            with tempfile.TemporaryDirectory() as folder:
                at_scale(args.responses, args.share, Path(folder))
    counts = [int(c) for c in args.counts.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        files = iter(range(1000))
        feed_series("sqlite", lambda: f"sqlite:///{Path(folder) / f'c{next(files)}.db'}", counts)
    if args.no_pg:
        return 0
    from bench import postgres

    with postgres() as cluster:
        if cluster is not None:
            feed_series("postgresql", cluster.create_database, counts)
    return 0


def feed_series(backend: str, new_url, counts: list[int]) -> None:
    """The feed's first page, a search and a group at each number of comments in a year, on fresh databases
    of one backend (new_url() makes one); then the first page's ratio, largest to smallest."""
    from collector import db, migrations, records, suggestions
    from kiosk.config import DEMO_CONFIG

    year = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    first: dict[int, float] = {}
    for count in counts:
        engine = db.make_engine(new_url())
        try:
            migrations.migrate(engine)
            records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
            fill(engine, count, seed=count)
            with engine.begin() as conn:  # as an operator does after a large import (collector/README.md)
                conn.exec_driver_sql("ANALYZE")
            timings = {}
            for name, filters in (("first page", {}), ("search", {"search": "PARKIR"}), ("group U3", {"group": "U3"})):
                found = suggestions.feed(engine, "dukcapil-butur", date_from=year[0], date_to=year[1], **filters)
                timings[name] = (_median_ms(lambda: suggestions.feed(engine, "dukcapil-butur", date_from=year[0],
                                                                     date_to=year[1], **filters), runs=5), found.total)
        finally:
            engine.dispose()
        first[count] = timings["first page"][0]
        print(f"{backend}: {count:>7} comments in the year: " + "; ".join(
            f"{name} {ms:.1f} ms ({total} match)" for name, (ms, total) in timings.items()))
    if len(first) >= 2:
        (small, small_ms), (large, large_ms) = sorted(first.items())[0], sorted(first.items())[-1]
        ratio = large_ms / small_ms
        print(f"{backend}: feed first page {large} / {small} comments: {ratio:.1f}x for {large / small:.0f}x the "
              f"comments (goal <= {GOAL_FLAT}x) {'ok' if ratio <= GOAL_FLAT else 'MISSED'}")

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
