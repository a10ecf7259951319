"""Draining a kiosk backlog into a local collector, against the physical limit and against ODK-style uploads.

Three ways to get the same responses into the collector's SQLite database:
  drain      the real uploader, batch by batch (gzip, HTTP, validation, one transaction per batch)
             into `kiosk serve` on 127.0.0.1, marking each item sent in the kiosk queue
  bulk       the same rows bulk-inserted straight into the collector's table in one transaction:
             the limit no network path can beat
  one-by-one one HTTP request per response, as ODK-style clients submit (measured on a sample,
             rate extrapolated to the whole backlog)
Goals: drain within 10x of bulk; at least 50x faster than one request per response.
It also prints, to show where the time goes: the collector's own share (ingest_batch in-process, no HTTP),
the kiosk's own share (queue reads, gzip, marking sent; no HTTP), and the bulk insert committed once per
batch (durable batches cost that much on this disk whatever the code around them does).
"""
from __future__ import annotations

import argparse
import json
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import requests

from kiosk.config import DEMO_CONFIG, load
from kiosk.simulate import synthetic_responses
from kiosk.store import Queue
from sync.uploader import Uploader


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Collector:
    """`kiosk serve` on a fresh SQLite database, with the demo office and one kiosk token."""

    def __init__(self, workdir: Path):
        from collector import db, migrations, records

        self.db_path = workdir / "collector.db"
        self.db_url = f"sqlite:///{self.db_path}"
        engine = db.make_engine(self.db_url)
        migrations.migrate(engine)
        records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
        self.token = records.add_kiosk(engine, "dukcapil-butur")[1]
        engine.dispose()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(workdir / "collector.log", "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "serve", "--db", self.db_url, "--port", str(self.port),
             "--data-dir", str(workdir)], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/api/v1/health", timeout=2) as answer:
                    if json.load(answer).get("status") == "ok":
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the collector did not start")

    def count(self) -> int:
        with sqlite3.connect(self.db_path) as conn:
            return conn.execute("SELECT count(*) FROM responses").fetchone()[0]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()


def drain(collector: Collector, queue: Queue, batch_size: int) -> float:
    session = requests.Session()
    uploader = Uploader(session, collector.url, collector.token)
    start = time.perf_counter()
    result = uploader.drain(queue, batch_size)
    elapsed = time.perf_counter() - start
    session.close()
    if not result.ok or queue.count_by_status()["pending"]:
        raise RuntimeError(f"the drain did not finish: {result.last.error}")
    return elapsed


def _baseline_rows(path: Path, responses) -> tuple[str, list[tuple]]:
    """A freshly migrated collector database at `path` with the demo office and a kiosk, and the
    responses as the rows ingest would store (INSERT statement, rows in its column order)."""
    from collector import db, ingest, migrations, records

    engine = db.make_engine(f"sqlite:///{path}")
    migrations.migrate(engine)
    office = records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
    kiosk_id, _ = records.add_kiosk(engine, office.id)
    engine.dispose()
    received = records.stamp(records.utc_now())
    rows = []
    for r in responses:
        wire = r.to_wire()
        rows.append(tuple(ingest._row(wire, ingest.canonical_wire(wire), office, kiosk_id, received).values()))
    columns = ingest._COLUMNS
    return f"INSERT INTO responses ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows


def _durable_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")  # as the collector runs it: durable at commit
    return conn


def bulk_insert(workdir: Path, responses, name: str = "bulk") -> float:
    """The same rows into an identical, freshly migrated collector database, in one transaction."""
    path = workdir / (name + ".db")
    statement, rows = _baseline_rows(path, responses)
    conn = _durable_connection(path)
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(statement, rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def bulk_insert_per_batch(workdir: Path, responses, batch_size: int) -> float:
    """The bulk insert again, committed every batch_size rows: what durable batch-at-a-time storage costs
    on this disk with nothing else to do (a 200 to a kiosk means its batch is committed)."""
    path = workdir / "bulk-per-batch.db"
    statement, rows = _baseline_rows(path, responses)
    conn = _durable_connection(path)
    start = time.perf_counter()
    for i in range(0, len(rows), batch_size):
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(statement, sorted(rows[i:i + batch_size]))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def kiosk_only(workdir: Path, responses, batch_size: int) -> float:
    """The kiosk's own share of a drain, no network: read each batch from the queue, make its gzip
    envelope, mark it sent (durable), as the uploader does."""
    from sync import wire

    queue = Queue(workdir / "kiosk-only-queue.db")
    queue.enqueue_many(responses)
    start = time.perf_counter()
    after = 0
    while rows := queue.pending_bodies(batch_size, after):
        after = rows[-1][0]
        wire.encode_bodies([r[2] for r in rows])
        queue.mark_sent([r[1] for r in rows])
    elapsed = time.perf_counter() - start
    queue.close()
    return elapsed


def ingest_only(workdir: Path, responses, batch_size: int) -> float:
    """The collector's own share: ingest_batch in-process on a fresh database, same batches, no HTTP."""
    from collector import db, migrations, records
    from collector.ingest import ingest_batch

    engine = db.make_engine(f"sqlite:///{workdir / 'ingest-only.db'}")
    migrations.migrate(engine)
    records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
    _, token = records.add_kiosk(engine, "dukcapil-butur")
    with engine.connect() as conn:
        kiosk = records.kiosk_for_token(conn, token)
    wires = [r.to_wire() for r in responses]
    start = time.perf_counter()
    for i in range(0, len(wires), batch_size):
        ingest_batch(engine, kiosk, wires[i:i + batch_size])
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed


def one_by_one(collector: Collector, queue: Queue) -> tuple[int, float]:
    """One HTTP request per response, one after the other (keep-alive, as kind to this style as it gets)."""
    count = queue.count_by_status()["pending"]
    return count, drain(collector, queue, 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000, help="backlog size (default 100000)")
    parser.add_argument("--sample", type=int, default=2000, help="responses sent one request each (default 2000)")
    parser.add_argument("--batch-size", type=int, default=500, help="uploader batch size (default 500, as config)")
    args = parser.parse_args(argv)
    config = load(DEMO_CONFIG)
    backlog = synthetic_responses(config, args.count, seed=101)
    sample = synthetic_responses(config, min(args.sample, args.count), seed=202)
    with tempfile.TemporaryDirectory(prefix="bench-drain-") as tmp:
        workdir = Path(tmp)
        collector = Collector(workdir)
        try:
            odk_queue = Queue(workdir / "odk-queue.db")
            odk_queue.enqueue_many(sample)
            odk_n, odk_s = one_by_one(collector, odk_queue)
            odk_queue.close()
            queue = Queue(workdir / "queue.db")
            queue.enqueue_many(backlog)
            drain_s = drain(collector, queue, args.batch_size)
            queue.close()
            stored = collector.count()
        finally:
            collector.stop()
        if stored != odk_n + args.count:
            raise RuntimeError(f"the collector holds {stored} responses, expected {odk_n + args.count}")
        # Best of three: the limit is what this disk and CPU can do, not what a busy moment allowed.
        bulk_s = min(bulk_insert(workdir, backlog, f"bulk{i}") for i in range(3))
        ingest_s = ingest_only(workdir, backlog, args.batch_size)
        batched_s = bulk_insert_per_batch(workdir, backlog, args.batch_size)
        kiosk_s = kiosk_only(workdir, backlog, args.batch_size)
    odk_rate = odk_n / odk_s
    odk_total_s = args.count / odk_rate
    drain_rate, bulk_rate = args.count / drain_s, args.count / bulk_s
    vs_bulk = drain_s / bulk_s
    vs_odk = odk_total_s / drain_s
    print(f"backlog                       {args.count} responses, batches of {args.batch_size}")
    print(f"bulk insert into SQLite       {bulk_s:8.2f} s   {bulk_rate:10,.0f} responses/s  (the limit)")
    print(f"drain via the uploader        {drain_s:8.2f} s   {drain_rate:10,.0f} responses/s")
    print(f"collector ingest alone        {ingest_s:8.2f} s   {args.count / ingest_s:10,.0f} responses/s  "
          f"(ingest_batch in-process, no HTTP, no kiosk: {ingest_s / bulk_s:.1f}x the bulk insert)")
    print(f"bulk insert, batch commits    {batched_s:8.2f} s   {args.count / batched_s:10,.0f} responses/s  "
          f"(the same rows committed every {args.batch_size}: {batched_s / bulk_s:.1f}x the bulk insert)")
    print(f"kiosk queue alone             {kiosk_s:8.2f} s   {args.count / kiosk_s:10,.0f} responses/s  "
          f"(read, gzip, mark sent; no network: {kiosk_s / bulk_s:.1f}x the bulk insert)")
    print(f"one request per response      {odk_total_s:8.2f} s   {odk_rate:10,.0f} responses/s  "
          f"(extrapolated from {odk_n})")
    print(f"drain / bulk insert           {vs_bulk:6.1f}x  (goal: within 10x)  {'MET' if vs_bulk <= 10 else 'NOT MET'}")
    print(f"one-per-request / drain       {vs_odk:6.1f}x  (goal: at least 50x) {'MET' if vs_odk >= 50 else 'NOT MET'}")


if __name__ == "__main__":
    main(sys.argv[1:])
