"""What keeping the running totals adds to ingest, on SQLite and PostgreSQL (goal: at most 1.3x).

The same batches stored with the totals (collector/totals.py) kept and with them switched off, alternating
on fresh databases, on SQLite and on PostgreSQL (a throwaway cluster of tests/pgcluster.py).

The ratio follows the rows of totals each batch writes beside its responses (printed under each ratio):
every row is an index look-up and an insert or an in-place update, and on PostgreSQL ON CONFLICT DO UPDATE
locks the row before updating it (two WAL records a row). Since migration 24 U1..U9's answered and sum are
columns of one row per key of the tables per unsur (before: a row per key and unsur), and since migration 25
the respondents per profile option columns of the respondents' row (before: a row per field and value). A
kiosk's batch holds neighbouring answers, so its 250 responses fold into about 21 rows (58 before migration
25, 360 before 24); measured 1.05x-1.18x on SQLite and 0.96x-1.30x on PostgreSQL in three runs at load 3.3-5
(1.18x-1.33x and 1.32x-1.44x before migration 25, same machine), what is left being mostly per batch:
gathering the totals in Python (about 0.5 ms) and, on PostgreSQL, the one statement that writes them (about
1.3 ms, a JSON parameter per table). A batch scattered over a month puts nearly every response in an hour of
its own: about 363 rows (777 before migration 25, 3,500 before 24), 1.36x-1.62x and 1.84x-1.94x (2.16x-2.30x
and 2.52x before migration 25; after it, until a bucket's nine unsur became one list, a third of what the
totals added on SQLite was the garbage collector's, run by the objects they made per answer). On PostgreSQL the
totals then went into the WITH list of the batch's insert (one round trip for both): oldest first 1.31x-1.32x
before, 1.18x-1.26x after (load 1-2); without the totals, the bench sends the insert alone."""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta, timezone

GOAL_RATIO = 1.3


def one_run(db_url: str, batches: list[list[dict]], keep_totals: bool, written: dict[str, int] | None = None) -> float:
    """Seconds to store the batches; `written` (with the totals) gets the totals' rows written per table."""
    from collector import db, ingest, migrations, records, totals
    from kiosk.config import DEMO_CONFIG

    engine = db.make_engine(db_url)
    migrations.migrate(engine)
    records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
    kept = ingest._follow_new, ingest._pg_insert_counted, totals.pg_params, totals.add_rows, totals.Deltas.rows
    if not keep_totals:  # the ingest path as it was before the totals (and the comment rows, kiosk counters)
        ingest._follow_new = totals.add_rows = lambda *args, **kwargs: None
        ingest._pg_insert_counted, totals.pg_params = lambda: ingest._PG_UNNEST_INSERT, lambda rows, tz: {}
    elif written is not None:
        made = kept[4]

        def counted(deltas):
            for table, rows in made(deltas):
                written[table] = written.get(table, 0) + len(rows)
                yield table, rows
        totals.Deltas.rows = counted
    try:
        start = time.perf_counter()
        for batch in batches:
            ingest.store_batch(engine, "dukcapil-butur", batch, channel="kiosk")
        return time.perf_counter() - start
    finally:
        ingest._follow_new, ingest._pg_insert_counted, totals.pg_params, totals.add_rows, totals.Deltas.rows = kept
        engine.dispose()


def make_batches(count: int, size: int, seed: int, in_order: bool) -> list[list[dict]]:
    """A month of a two-service office's kiosk answers (8 to 16 local time), with profiles, in batches:
    in_order as kiosks send them (their queue oldest first, so a batch holds neighbouring hours), else each
    batch scattered over the whole month (the worst case for the totals: every answer a total of its own)."""
    from kiosk.response import new_response

    rng = random.Random(seed)
    base = datetime(2026, 11, 1, 8, tzinfo=timezone(timedelta(hours=8)))
    moments = sorted(base + timedelta(days=rng.randrange(28), seconds=rng.randrange(8 * 3600))
                     for _ in range(count * size))
    if not in_order:
        rng.shuffle(moments)
    wires = []
    for at in moments:
        profile = {"gender": rng.choice(["m", "f"]), "age_group": rng.choice(["20-24", "25-34", "35-44"])}
        wires.append(new_response(office_id="dukcapil-butur", service_id=rng.choice(["ktp-el", "kk"]),
                                  answers={f"U{i}": rng.randint(1, 4) for i in range(1, 10)}, profile=profile,
                                  started_at=at - timedelta(seconds=60), submitted_at=at).to_wire())
    return [wires[i:i + size] for i in range(0, len(wires), size)]


def measure(name: str, fresh_url, batches: int, size: int) -> None:
    """Alternating runs without and with the totals, each on a fresh database; prints the rates and ratios."""
    for in_order, order in ((True, "oldest first, as kiosks send"), (False, "each batch scattered over the month")):
        times, written = {True: 0.0, False: 0.0}, {}
        for n, keep in enumerate((False, True, False, True)):
            times[keep] += one_run(fresh_url(), make_batches(batches, size, n // 2, in_order), keep,
                                   written if n == 1 else None)
        total = 2 * batches * size
        ratio = times[True] / times[False]
        print(f"{name}, {order}: without totals {total / times[False]:.0f} responses/s, with totals "
              f"{total / times[True]:.0f} responses/s ({total} responses, batches of {size}); "
              f"ratio {ratio:.2f} (goal: at most {GOAL_RATIO}) {'ok' if ratio <= GOAL_RATIO else 'OVER'}", flush=True)
        # What the ratio follows: the totals' rows each batch writes beside its responses' rows, each an
        # index look-up and an insert or update; the ratio is about 1 + rows per response x (a row's cost /
        # a response's cost).
        rows = sum(written.values()) / batches
        print(f"  totals rows written per batch of {size} responses: {rows:.0f} ("
              + ", ".join(f"{table} {n / batches:.0f}" for table, n in written.items()) + "); "
              f"a response without totals {1e6 * times[False] / total:.0f} us, the totals "
              f"{1e6 * (times[True] - times[False]) / (2 * batches * rows):.1f} us per row written", flush=True)


def main(argv: list[str]) -> int:
    import tempfile

    parser = argparse.ArgumentParser(prog="bench_totals", description=__doc__)
    parser.add_argument("--batches", type=int, default=30)
    parser.add_argument("--size", type=int, default=250)
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        runs = iter(range(1000))
        measure("sqlite", lambda: f"sqlite:///{folder}/run{next(runs)}.db", args.batches, args.size)
    if args.no_pg:
        return 0
    from bench import postgres

    with postgres(durable=True) as cluster:
        if cluster is not None:
            measure("postgresql", cluster.create_database, args.batches, args.size)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
