"""Ingest throughput of the collector with 20 concurrent kiosks, on SQLite and on PostgreSQL.

Each kiosk is a thread with its own token and HTTP session, posting gzip batches of fresh
responses to `kiosk serve` on 127.0.0.1 as fast as the server answers. The bodies are made and
compressed before the clock starts, so the numbers are the server's (client and server still
share this machine's cores). PostgreSQL runs as a throwaway cluster with durable commits.
Goals: over 2,000 responses/s with p99 batch latency under 500 ms.
"""
from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import requests

from tests.pgcluster import ClusterUnavailable, PostgresCluster, free_port  # test kit, run from the repository root
from kiosk.config import DEMO_CONFIG, load
from kiosk.simulate import synthetic_responses

GOAL_RATE = 2000.0
GOAL_P99_MS = 500.0
REPO = Path(__file__).resolve().parent.parent


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def prepare(db_url: str, kiosks: int) -> list[str]:
    """The demo office and one token per kiosk in a fresh database."""
    from collector import db, migrations, records

    engine = db.make_engine(db_url)
    try:
        migrations.migrate(engine)
        records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
        return [records.add_kiosk(engine, "dukcapil-butur")[1] for _ in range(kiosks)]
    finally:
        engine.dispose()


class Server:
    def __init__(self, db_url: str, workdir: Path, workers: int):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(workdir / f"serve-{self.port}.log", "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "serve", "--db", db_url, "--port", str(self.port),
             "--workers", str(workers), "--data-dir", str(workdir)],
            stdout=subprocess.DEVNULL, stderr=self.log, cwd=REPO)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kiosk serve exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/api/v1/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("kiosk serve did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def make_bodies(kiosks: int, batches: int, batch_size: int, seed: int) -> list[list[bytes]]:
    config = load(DEMO_CONFIG)
    responses = synthetic_responses(config, kiosks * batches * batch_size, seed=seed)
    wires = [r.to_wire() for r in responses]
    per_kiosk = []
    for k in range(kiosks):
        mine = wires[k * batches * batch_size:(k + 1) * batches * batch_size]
        per_kiosk.append([gzip.compress(json.dumps({"responses": mine[b * batch_size:(b + 1) * batch_size]}).encode())
                          for b in range(batches)])
    return per_kiosk


def run_kiosks(url: str, tokens: list[str], bodies: list[list[bytes]]) -> tuple[float, list[float], int]:
    """All kiosks at once: (wall seconds, batch latencies, responses accepted)."""
    latencies: list[float] = []
    accepted = [0]
    errors: list[str] = []
    lock = threading.Lock()
    start_line = threading.Barrier(len(tokens) + 1)

    def kiosk(token: str, batches: list[bytes]) -> None:
        session = requests.Session()
        headers = {"Authorization": f"Bearer {token}", "Content-Encoding": "gzip",
                   "Content-Type": "application/json"}
        start_line.wait()
        mine, ok = [], 0
        for body in batches:
            t0 = time.perf_counter()
            answer = session.post(url + "/api/v1/responses", data=body, headers=headers, timeout=60)
            mine.append(time.perf_counter() - t0)
            if answer.status_code != 200:
                with lock:
                    errors.append(f"{answer.status_code} {answer.text[:200]}")
                continue
            ok += sum(r["status"] == "accepted" for r in answer.json()["results"])
        session.close()
        with lock:
            latencies.extend(mine)
            accepted[0] += ok

    threads = [threading.Thread(target=kiosk, args=(t, b)) for t, b in zip(tokens, bodies)]
    for t in threads:
        t.start()
    start_line.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if errors:
        print(f"  {len(errors)} failed batches, first: {errors[0]}")
    return wall, latencies, accepted[0]


def measure(name: str, db_url: str, workdir: Path, args) -> None:
    tokens = prepare(db_url, args.kiosks)
    bodies = make_bodies(args.kiosks, args.batches, args.batch_size, seed=hash(name) & 0xFFFF)
    warmup = make_bodies(args.kiosks, 1, args.batch_size, seed=(hash(name) + 1) & 0xFFFF)
    server = Server(db_url, workdir, args.workers)
    try:
        run_kiosks(server.url, tokens, warmup)
        wall, latencies, accepted = run_kiosks(server.url, tokens, bodies)
    finally:
        server.stop()
    expected = args.kiosks * args.batches * args.batch_size
    rate = accepted / wall
    p99 = percentile(latencies, 99) * 1000
    print(f"{name:<11} {args.kiosks} kiosks x {args.batches} batches x {args.batch_size}: "
          f"{accepted}/{expected} accepted in {wall:.2f} s")
    print(f"{'':<11} {rate:,.0f} responses/s (goal > {GOAL_RATE:,.0f}: {rate / GOAL_RATE:.2f}x of goal) "
          f"{'OK' if rate > GOAL_RATE else 'MISSED'}")
    print(f"{'':<11} batch latency p50 {statistics.median(latencies) * 1000:.0f} ms, p99 {p99:.0f} ms "
          f"(goal < {GOAL_P99_MS:.0f} ms: {p99 / GOAL_P99_MS:.2f}x of limit) {'OK' if p99 < GOAL_P99_MS else 'MISSED'}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiosks", type=int, default=20)
    parser.add_argument("--batches", type=int, default=30, help="batches per kiosk")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--workers", type=int, default=1, help="collector worker processes")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args(argv if argv is not None else [])
    with tempfile.TemporaryDirectory(prefix="skm-bench-ingest-") as tmp:
        workdir = Path(tmp)
        if args.backend in ("sqlite", "both"):
            measure("SQLite", f"sqlite:///{workdir / 'collector.db'}", workdir, args)
        if args.backend in ("postgresql", "both"):
            try:
                cluster = PostgresCluster(durable=True).start()
            except ClusterUnavailable as exc:
                print(f"PostgreSQL  skipped: {exc}")
                return
            try:
                measure("PostgreSQL", cluster.create_database("bench_ingest"), workdir, args)
            finally:
                cluster.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
