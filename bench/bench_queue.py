"""Durable enqueue latency and throughput, against a raw SQLite durable commit on the same disk.

The baseline is the physical limit of this disk for one durable transaction: a bare
INSERT + COMMIT on a WAL database with synchronous=FULL, in the same directory.
Goal: enqueue p99 within 3x of the raw commit's p99.
"""
from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from kiosk.config import DEMO_CONFIG, load
from kiosk.simulate import synthetic_responses
from kiosk.store import Queue


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def raw_commits(path: Path, bodies: list[str]) -> list[float]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    times = []
    for body in bodies:
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (body) VALUES (?)", (body,))
        conn.execute("COMMIT")
        times.append(time.perf_counter() - start)
    conn.close()
    return times


def enqueues(path: Path, responses) -> list[float]:
    queue = Queue(path)
    times = []
    for r in responses:
        start = time.perf_counter()
        queue.enqueue(r)
        times.append(time.perf_counter() - start)
    queue.close()
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args(argv)
    responses = synthetic_responses(load(DEMO_CONFIG), args.count, seed=1)
    bodies = [r.to_json() for r in responses]
    with tempfile.TemporaryDirectory(dir=Path(__file__).parent) as tmp:
        # Interleave rounds so that disk noise hits both sides alike.
        raw, queued = [], []
        half = args.count // 2
        for part in (slice(0, half), slice(half, None)):
            raw += raw_commits(Path(tmp) / f"raw{part.start}.db", bodies[part])
            queued += enqueues(Path(tmp) / f"queue{part.start}.db", responses[part])
    ms = 1000
    raw_p50, raw_p99 = statistics.median(raw) * ms, percentile(raw, 99) * ms
    q_p50, q_p99 = statistics.median(queued) * ms, percentile(queued, 99) * ms
    print(f"responses                 {args.count}")
    print(f"raw durable commit        median {raw_p50:.3f} ms   p99 {raw_p99:.3f} ms   "
          f"{len(raw) / sum(raw):,.0f} commits/s")
    print(f"Queue.enqueue             median {q_p50:.3f} ms   p99 {q_p99:.3f} ms   "
          f"{len(queued) / sum(queued):,.0f} responses/s")
    ratio = q_p99 / raw_p99
    print(f"enqueue p99 / raw p99     {ratio:.2f}x   (goal: within 3x) {'MET' if ratio <= 3 else 'NOT MET'}")
    print(f"enqueue median / raw      {q_p50 / raw_p50:.2f}x")


if __name__ == "__main__":
    main()
