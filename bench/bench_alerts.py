"""What alert evaluation adds to ingest time: the same live traffic into `kiosk serve` with alerts off and on.

Live traffic is the case that costs: every response is submitted just now, so it lies inside each
office's unhappy-share window and the IKM window. Each kiosk belongs to its own office, and every
office has an unhappy rule (webhook to a receiver in this process), an ikm-below rule and a
kiosk-health rule. The runs alternate off, on, off, on on fresh SQLite databases; the ratio is the
total time with alerts on over the total with them off. Goal: at most 1.10.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
import tempfile
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.bench_ingest import Server, run_kiosks

GOAL_RATIO = 1.10


def prepare(db_url: str, offices: int, hook: str) -> list[str]:
    """An office per kiosk, each with the three kinds of rule; returns the kiosks' tokens."""
    from collector import alerts, db, migrations, records
    from kiosk.config import Service
    from kiosk.questionnaire import Text

    engine = db.make_engine(db_url)
    try:
        migrations.migrate(engine)
        tokens = []
        now = datetime.now(timezone.utc)
        for n in range(offices):
            office_id = f"kantor-{n:02d}"
            records.add_office(engine, office_id, f"Kantor {n}", services_=(Service("layanan-a", Text("A", "A")),))
            alerts.add_rule(engine, office_id, "unhappy", webhook_url=hook, now=now)
            alerts.add_rule(engine, office_id, "ikm-below", webhook_url=hook, now=now)
            alerts.add_rule(engine, office_id, "kiosk-health", webhook_url=hook, now=now)
            tokens.append(records.add_kiosk(engine, office_id)[1])
        return tokens
    finally:
        engine.dispose()


def make_bodies(offices: int, batches: int, batch_size: int, seed: int) -> list[list[bytes]]:
    """Gzip batches of responses submitted in the last minutes, mostly content, sometimes not."""
    from kiosk.response import new_response

    rng = random.Random(seed)
    now = datetime.now(timezone.utc)
    out = []
    for n in range(offices):
        mine = []
        for _ in range(batches):
            wires = []
            for _ in range(batch_size):
                submitted = now - timedelta(seconds=rng.uniform(0, 600))
                # The first office has a bad hour, so alerts do open (and are sent) while the others' don't.
                weights = (6, 5, 2, 1) if n == 0 else (1, 2, 6, 5)
                answers = {f"U{i}": rng.choices((1, 2, 3, 4), weights=weights)[0] for i in range(1, 10)}
                wires.append(new_response(office_id=f"kantor-{n:02d}", service_id="layanan-a", answers=answers,
                                          started_at=submitted - timedelta(seconds=40),
                                          submitted_at=submitted).to_wire())
            mine.append(gzip.compress(json.dumps({"responses": wires}).encode()))
        out.append(mine)
    return out


class Receiver:
    """Takes the webhook alerts (the rules need somewhere to send them)."""

    def __init__(self):
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def one_run(alerts_on: bool, workdir: Path, args, hook: str, seed: int) -> tuple[float, int, int]:
    run_dir = workdir / f"run-{seed}"
    run_dir.mkdir()
    db_url = f"sqlite:///{run_dir / 'collector.db'}"
    tokens = prepare(db_url, args.offices, hook)
    bodies = make_bodies(args.offices, args.batches, args.batch_size, seed)
    warmup = make_bodies(args.offices, 1, args.batch_size, seed + 1000)
    os.environ["KIOSK_ALERTS"] = "on" if alerts_on else "off"
    os.environ["KIOSK_ALERT_INTERVAL_S"] = "60"
    try:
        server = Server(db_url, run_dir, 1)
    finally:
        os.environ.pop("KIOSK_ALERTS", None)
        os.environ.pop("KIOSK_ALERT_INTERVAL_S", None)
    try:
        run_kiosks(server.url, tokens, warmup)
        wall, _, accepted = run_kiosks(server.url, tokens, bodies)
    finally:
        server.stop()
    for line in Path(server.log.name).read_text(errors="replace").splitlines():
        if "alert evaluation after ingest" in line:
            print("   server:", json.loads(line).get("message", line))
    return wall, accepted, opened_alerts(db_url)


def opened_alerts(db_url: str) -> int:
    """Alerts opened during a run: proof that evaluation ran (alerts on) or did not (off)."""
    from collector import alerts, db

    engine = db.make_engine(db_url)
    try:
        return len(alerts.list_alerts(engine))
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=10, help="offices, one kiosk each")
    parser.add_argument("--batches", type=int, default=20, help="batches per kiosk")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2, help="off/on pairs")
    args = parser.parse_args(argv if argv is not None else [])
    receiver = Receiver()
    totals = {False: 0.0, True: 0.0}
    try:
        with tempfile.TemporaryDirectory(prefix="skm-bench-alerts-") as tmp:
            for round_ in range(args.rounds):
                for alerts_on in (False, True):
                    wall, accepted, opened = one_run(alerts_on, Path(tmp), args, receiver.url, seed=round_ * 2 + alerts_on)
                    totals[alerts_on] += wall
                    print(f"alerts {'on ' if alerts_on else 'off'} round {round_ + 1}: {accepted:,} responses "
                          f"into {args.offices} offices in {wall:.2f} s ({accepted / wall:,.0f}/s), {opened} alert(s) opened",
                          flush=True)
    finally:
        receiver.close()
    ratio = totals[True] / totals[False]
    print(f"ingest time with alert evaluation / without: {ratio:.3f} (goal <= {GOAL_RATIO:.2f}: "
          f"{'OK' if ratio <= GOAL_RATIO else 'MISSED'})")


if __name__ == "__main__":
    main(sys.argv[1:])
