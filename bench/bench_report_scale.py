"""Reports at province scale: report JSON, dashboard pages and memory at 1,000,000 responses (issue 10 goals).

An office of 1,000,000 responses against one of 10,000, on SQLite and PostgreSQL (a throwaway cluster of
tests/pgcluster.py).

The rows go in by bulk insert (PostgreSQL: COPY) and the running totals are filled by totals.rebuild, as an
upgraded collector's migration fills them. Prints, each with its goal: the report JSON's time at 1,000,000
against 10,000 (within 2x, under 1 s); the peak memory of a process making that report (under 150 MB, its
VmHWM); the dashboard's office page and region page p95 through the real app (under 300 ms); the peak
memory of a `kiosk serve` answering three 1,000,000-response reports at once (under 500 MB).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import orjson

REPO = Path(__file__).resolve().parent.parent
BIG, SMALL, REGION = "dukcapil-butur", "dukcapil-kecil", "butur"
YEAR = dict(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))
GOAL_FLAT, GOAL_REPORT_S, GOAL_REPORT_MB, GOAL_PAGE_MS, GOAL_THREE_MB = 2.0, 1.0, 150, 300, 500
_COLUMNS = ("id", "office_id", "service_id", "kiosk_id", "channel", "submitted_at", "local_date", "complete",
            "body", "received_at", "collector_flags")


def _rows(office_id: str, count: int, seed: int):
    """Batches of stored rows of a year of kiosk answers, 8 to 16 local time, 2% fast, 1% abandoned."""
    rng = random.Random(seed)
    tz = ZoneInfo("Asia/Makassar")
    start = datetime(2026, 1, 1, 8, tzinfo=tz)
    services = ("ktp-el", "kk", "akta-lahir", "pindah-datang")
    genders, ages = ("m", "f"), ("20-24", "25-34", "35-44", "45-54")
    batch = []
    for _ in range(count):
        local = start + timedelta(days=rng.randrange(365), seconds=rng.randrange(8 * 3600))
        stamp = local.astimezone(timezone.utc).isoformat(timespec="microseconds")
        rid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        service = services[rng.randrange(4)]
        complete = rng.random() >= 0.01
        answers = {f"U{k}": rng.randint(1, 4) for k in range(1, 10) if rng.random() >= 0.03}
        wire = {"id": rid, "office_id": office_id, "service_id": service, "questionnaire": "skm-2017",
                "questionnaire_version": 1, "channel": "kiosk", "locale": "id",
                "started_at": (local - timedelta(seconds=45)).isoformat(), "submitted_at": local.isoformat(),
                "answers": answers or {"U1": 3}, "extra": {}, "comment": None, "complete": complete,
                "profile": {"gender": genders[rng.randrange(2)], "age_group": ages[rng.randrange(4)]},
                "flags": ["fast"] if rng.random() < 0.02 else []}
        batch.append((rid, office_id, service, None, "kiosk", stamp, local.date().isoformat(), complete,
                      orjson.dumps(wire, option=orjson.OPT_SORT_KEYS).decode(), stamp, ""))
        if len(batch) == 50_000:
            yield batch
            batch = []
    if batch:
        yield batch


def build(db_url: str, big: int, small: int) -> None:
    """Two offices of one region, their rows bulk-inserted, their totals rebuilt from the rows."""
    from collector import db, migrations, records, regions, totals
    from kiosk.config import DEMO_CONFIG

    engine = db.make_engine(db_url)
    try:
        migrations.migrate(engine)
        config = records.office_from_config(DEMO_CONFIG)
        records.add_office(engine, **config)
        records.add_office(engine, **{**config, "office_id": SMALL, "name": "Dukcapil (kecil)"})
        regions.add_region(engine, REGION, "Kabupaten Buton Utara", "kabupaten")
        for office in (BIG, SMALL):
            regions.set_office_region(engine, office, REGION)
            records.add_kiosk(engine, office)
        records.add_admin(engine, "bench", "bench-password-1")
        for office, count, seed in ((BIG, big, 1), (SMALL, small, 2)):
            for batch in _rows(office, count, seed):
                _insert(engine, batch)
        totals.rebuild(engine, [BIG, SMALL])
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()


def _insert(engine, rows: list[tuple]) -> None:
    from collector.db import writing

    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            with raw.driver_connection.cursor() as cur:
                with cur.copy(f"COPY responses ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            raw.commit()
        finally:
            raw.close()
        return
    with writing(engine) as conn:
        conn.exec_driver_sql(f"INSERT INTO responses ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * 11)})", rows)


def _timed(work, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        out.append(time.perf_counter() - start)
    return out


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


_REPORT_PROCESS = """
import datetime as dt, sys
from pathlib import Path
from collector import db, reports
engine = db.make_engine(sys.argv[1])
if sys.argv[2] == "report":
    reports.office_report(engine, sys.argv[3], date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))
else:
    reports.office_report(engine, "{small}", date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 1, 1))
# VmHWM: this process's own peak; ru_maxrss would keep the forking parent's (Linux keeps it across exec)
print(next(l.split()[1] for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM")))
""".replace("{small}", SMALL)


def report_process_mb(db_url: str, what: str) -> float:
    done = subprocess.run([sys.executable, "-c", _REPORT_PROCESS, db_url, what, BIG], capture_output=True, text=True,
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=600, check=True)
    return int(done.stdout.split()[-1]) / 1024


def pages(db_url: str, runs: int) -> tuple[list[float], list[float]]:
    import base64

    from fastapi.testclient import TestClient

    from collector.app import create_app

    app = create_app(db_url, clock=lambda: datetime(2026, 12, 31, 12, tzinfo=timezone.utc))
    login = {"Authorization": "Basic " + base64.b64encode(b"bench:bench-password-1").decode()}
    period = {"from": "2026-01-01", "to": "2026-12-31"}
    try:
        with TestClient(app) as client:
            def get(path):
                answer = client.get(path, params=period, headers=login)
                assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
            get(f"/admin/offices/{BIG}")
            get(f"/admin/regions/{REGION}")
            office = _timed(lambda: get(f"/admin/offices/{BIG}"), runs)
            region = _timed(lambda: get(f"/admin/regions/{REGION}"), runs)
    finally:
        app.state.engine.dispose()
    return office, region


def three_at_once_mb(db_url: str, workdir: Path) -> tuple[float, float]:
    """Peak memory (VmHWM) of a `kiosk serve` answering three 1,000,000-response reports at once, and the
    slowest of the three (seconds)."""
    import requests

    from tests.pgcluster import free_port

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "kiosk", "serve", "--db", db_url, "--host", "127.0.0.1",
                               "--port", str(port), "--data-dir", str(workdir)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(url + "/api/v1/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        times: list[float] = []

        def one() -> None:
            start = time.perf_counter()
            for _ in range(20):  # the login throttle answers 429 to logins that overlap; it says when to retry
                answer = requests.get(url + "/api/v1/reports/ikm", auth=("bench", "bench-password-1"), timeout=300,
                                      params={"office": BIG, "from": "2026-01-01", "to": "2026-12-31"})
                if answer.status_code != 429:
                    break
                time.sleep(float(answer.headers.get("Retry-After", 1)))
            assert answer.status_code == 200, answer.text[:300]
            times.append(time.perf_counter() - start)

        threads = [threading.Thread(target=one) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        status = Path(f"/proc/{server.pid}/status").read_text()
        peak_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
        return peak_kb / 1024, max(times)
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure(name: str, db_url: str, big: int, small: int, workdir: Path, runs: int) -> None:
    from collector import db
    from collector.reports import office_report

    start = time.perf_counter()
    build(db_url, big, small)
    print(f"{name}: {big} + {small} responses stored and their totals rebuilt in {time.perf_counter() - start:.0f} s",
          flush=True)
    engine = db.make_engine(db_url)
    try:
        office_report(engine, BIG, **YEAR)
        assert office_report(engine, SMALL, **YEAR)["abandoned"] > 0
        big_s = statistics.median(_timed(lambda: office_report(engine, BIG, **YEAR), runs))
        small_s = statistics.median(_timed(lambda: office_report(engine, SMALL, **YEAR), runs))
    finally:
        engine.dispose()
    ratio = big_s / small_s
    print(f"{name}: report JSON of a year, {big} responses {big_s * 1000:.0f} ms, {small} responses "
          f"{small_s * 1000:.0f} ms: ratio {ratio:.2f} (goal: at most {GOAL_FLAT}) {_ok(ratio <= GOAL_FLAT)}; "
          f"{big_s:.2f} s (goal: under {GOAL_REPORT_S} s) {_ok(big_s < GOAL_REPORT_S)}", flush=True)
    base_mb, report_mb = report_process_mb(db_url, "baseline"), report_process_mb(db_url, "report")
    print(f"{name}: peak memory of a process making the {big}-response report {report_mb:.0f} MB "
          f"(goal: under {GOAL_REPORT_MB} MB) {_ok(report_mb < GOAL_REPORT_MB)}; the same process making a "
          f"one-day report: {base_mb:.0f} MB", flush=True)
    office, region = pages(db_url, runs)
    for page, samples in (("office page", office), ("region page", region)):
        ms = p95(samples) * 1000
        print(f"{name}: dashboard {page} at {big} responses p95 {ms:.0f} ms over {runs} loads (goal: under "
              f"{GOAL_PAGE_MS} ms) {_ok(ms < GOAL_PAGE_MS)}", flush=True)
    peak_mb, slowest = three_at_once_mb(db_url, workdir)
    print(f"{name}: kiosk serve answering three {big}-response reports at once: peak memory {peak_mb:.0f} MB "
          f"(goal: under {GOAL_THREE_MB} MB) {_ok(peak_mb < GOAL_THREE_MB)}, slowest {slowest:.2f} s", flush=True)


def _ok(met: bool) -> str:
    return "ok" if met else "OVER"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench_report_scale", description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=int, default=1_000_000, help="responses of the large office")
    parser.add_argument("--small", type=int, default=10_000, help="responses of the small office")
    parser.add_argument("--runs", type=int, default=20, help="timed loads of each page and report")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        measure("sqlite", f"sqlite:///{folder}/collector.db", args.big, args.small, Path(folder), args.runs)
    if args.no_pg:
        return 0
    from bench import postgres

    with postgres() as cluster, tempfile.TemporaryDirectory() as folder:
        if cluster is not None:
            measure("postgresql", cluster.create_database(), args.big, args.small, Path(folder), args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
