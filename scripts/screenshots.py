"""Regenerate the README's pictures (docs/img/readme-*.png) from a real collector with a demo year of answers.

    python scripts/screenshots.py [--out docs/img]

Starts `kiosk serve` on 127.0.0.1 with a fresh SQLite database in a temporary folder, fills it with two
years of the demo office's answers (the synthetic respondents of `kiosk simulate`, counted here, not
flagged as simulated), follow-up plans and approved suggestions, then takes with headless Chromium (Debian's
/usr/bin/chromium through Playwright) the office dashboard and Mode TV, and renders one page of the Laporan
SKM PDF (`kiosk report --format pdf`) with pdftoppm. Each PNG is reduced to a 256-colour palette so the
README stays light (each well under 300 KB). Nothing is left running.
"""
from __future__ import annotations

import argparse
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

OFFICE, ADMIN, PASSWORD = "dukcapil-butur", "kepala", "rahasia-demo-1"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
MAX_BYTES = 300_000


def fill(db_url: str, now: datetime) -> None:
    """The demo office with last year's and this year's answers, plans and a few approved suggestions."""
    from collector import db, followup, migrations, records, suggestions
    from collector.ingest import store_batch
    from kiosk.config import DEMO_CONFIG, load
    from kiosk.simulate import synthetic_responses

    config = load(DEMO_CONFIG)
    config = replace(config, kiosk=replace(config.kiosk, service=None))  # answers for every service

    engine = db.make_engine(db_url)
    migrations.migrate(engine)
    records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
    records.add_admin(engine, ADMIN, PASSWORD)
    office = records.get_office(engine, OFFICE)  # its time zone dates the answers
    rng = random.Random(2026)
    months = [(now.year - 1, m) for m in range(1, 13)] + [(now.year, m) for m in range(1, now.month + 1)]
    for n, (year, month) in enumerate(months):
        end = min(datetime(year, month, 28, 15, tzinfo=office.tz), now - timedelta(hours=1))
        wires = []
        for response in synthetic_responses(config, rng.randrange(30, 55), seed=n, now=end):
            wire = response.to_wire()
            if not wire["submitted_at"].startswith(tuple(str(y) for y, _ in months)):
                continue  # the month before the first: two years of data, not two and a bit
            wire["flags"] = []  # shown as counted respondents, like a real office's
            wire["channel"] = "web" if rng.random() < 0.2 else "kiosk"
            wires.append(wire)
        for channel in ("kiosk", "web"):
            # Received soon after they were given, as from a kiosk online: the collector re-dates answers
            # that arrive long after their clock says (a kiosk with a wrong clock).
            store_batch(engine, OFFICE, [w for w in wires if w["channel"] == channel], channel=channel,
                        now=end + timedelta(minutes=30))
    year = str(now.year)
    followup.add(engine, OFFICE, period=year, unsur="U3", action="Antrean daring untuk pengambilan KTP-el",
                 quarter=f"{now.year + 1}-Q1", person="Kepala Seksi Pelayanan", forum_date=f"{year}-12-10")
    followup.add(engine, OFFICE, period=year, unsur="U8", action="Kotak saran digital dan balasan dalam 3 hari",
                 quarter=f"{now.year + 1}-Q2", person="Sekretaris Dinas")
    found = suggestions.feed(engine, OFFICE, date_from=datetime(now.year, 1, 1).date(), date_to=now.date(),
                             per_page=100).items
    chosen = {s.text: s.response_id for s in reversed(found)}  # the newest of each distinct comment
    suggestions.change_state(engine, list(chosen.values())[:3], "approve", actor=ADMIN, office_id=OFFICE)
    engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kiosk(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, check=True,
                          cwd=REPO, **kw)


def shrink(path: Path) -> None:
    """A 256-colour palette PNG: screenshots are flat colours and text, so nothing visible is lost."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)
    if path.stat().st_size > MAX_BYTES:
        raise SystemExit(f"{path} is {path.stat().st_size} bytes, more than {MAX_BYTES}")


def report_page(db_url: str, now: datetime, out: Path, work: Path) -> None:
    """The page of the Laporan SKM with its per-unsur chart (Gambar 3.1), at a screen-friendly 80 dpi."""
    pdf = work / "laporan.pdf"
    kiosk("report", "--office", OFFICE, "--from", f"{now.year}-01-01", "--to", now.date().isoformat(),
          "--format", "pdf", "--out", str(pdf), "--db", db_url)
    pages = int(next(line.split(":")[1] for line in subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                                        text=True, check=True).stdout.splitlines()
                     if line.startswith("Pages:")))
    for number in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        if "Gambar 3.1" in text:
            break
    else:
        raise SystemExit("the report has no page with Gambar 3.1")
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", str(number), "-l", str(number), str(pdf),
                    str(out.with_suffix(""))], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("Debian's chromium is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db_url = f"sqlite:///{work / 'collector.db'}"
        now = datetime.now().astimezone()
        fill(db_url, now)
        report_page(db_url, now, args.out / "readme-report.png", work)
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "kiosk", "serve", "--db", db_url, "--host", "127.0.0.1",
                                   "--port", str(port), "--public-url", "https://skm.example.go.id"],
                                  cwd=REPO, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"{base}/api/v1/health", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(f"{base}/admin/offices/{OFFICE}?from={now.year}-01-01&to={now.date().isoformat()}")
                page.locator('input[name="name"]').fill(ADMIN)
                page.locator('input[name="password"]').fill(PASSWORD)
                page.locator('button[type="submit"]').click()
                page.wait_for_selector("figure.chart svg")
                # From the top to the per-unsur chart: the page goes on with tables and charts a README need not show.
                chart = page.locator("figure.chart", has=page.locator("rect[data-code]")).first.bounding_box()
                page.screenshot(path=str(args.out / "readme-dashboard.png"), full_page=True,
                                clip={"x": 0, "y": 0, "width": 1280, "height": chart["y"] + chart["height"] + 50})
                tv = browser.new_page(viewport={"width": 1600, "height": 900})
                tv.goto(f"{base}/tv/{OFFICE}")
                tv.screenshot(path=str(args.out / "readme-tv.png"))
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    for name in ("readme-dashboard.png", "readme-report.png", "readme-tv.png"):
        shrink(args.out / name)
        print(f"wrote {args.out / name} ({(args.out / name).stat().st_size // 1000} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
