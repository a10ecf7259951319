"""/p/ and /tv/ in real headless Chromium on the real collector (127.0.0.1): the CSP lets them render with no
violation, the numbers shown are the report JSON's, the printed page is one A4 sheet, Mode TV fills a 1080p screen.

Screenshots go to the test's temporary folder; with KIOSK_UPDATE_SCREENSHOTS=1 they also replace the ones in
docs/screenshots/ that the README shows.
"""
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from fixtures_browser import keep_screenshot, watch

WITA = timezone(timedelta(hours=8))


@pytest.fixture
def published(collector_server):
    """A running collector with a year of the demo office's answers and its follow-up plans."""
    from collector import followup
    from collector.ingest import store_batch
    from fixtures_collector import make_wire

    server = collector_server()
    office = server.add_demo_office()
    now = datetime.now(timezone.utc)
    start = datetime(now.year, 1, 6, 8, tzinfo=WITA)
    wires = [make_wire(service_id=("ktp-el", "kk", "akta-lahir")[n % 3],
                       answers={f"U{k}": 2 + (n * k + n // 4) % 3 for k in range(1, 10)},
                       submitted_at=min(start + timedelta(hours=n * 29), now - timedelta(hours=1)))
               for n in range(41)]
    assert {r.status for r in store_batch(server.engine, office, wires, channel="kiosk", now=now)} == {"accepted"}
    year = str(now.astimezone(WITA).year)
    followup.add(server.engine, office, period=year, unsur="U3", action="Antrean daring untuk pengambilan KTP-el",
                 quarter=f"{int(year) + 1}-Q1", person="Kepala Seksi Pelayanan", forum_date=f"{year}-12-10")
    followup.add(server.engine, office, period=year, unsur="U8", action="Kotak saran digital dan balasan dalam 3 hari",
                 quarter=f"{int(year) + 1}-Q2", person="Sekretaris Dinas")
    old = followup.add(server.engine, office, period=str(int(year) - 1), unsur="U9",
                       action="Menambah kursi dan kipas di ruang tunggu", quarter=f"{year}-Q1", person="Sekretariat")
    followup.change(server.engine, old.id, status="done", note="20 kursi dan 4 kipas dipasang Maret")
    report = json.loads(subprocess.run(
        [sys.executable, "-m", "kiosk", "report", "--office", office, "--from", f"{year}-01-01", "--to",
         f"{year}-12-31", "--format", "json", "--db", server.db_url], capture_output=True, text=True,
        check=True).stdout)
    return server, office, report


def test_public_page_in_both_languages_and_on_paper(published, browser, tmp_path):
    server, office, report = published
    page = browser.new_page(viewport={"width": 1024, "height": 900})
    problems = watch(page)
    page.goto(f"{server.url}/p/{office}")
    assert page.locator("#ikm").inner_text() == f"{report['ikm_converted']:.2f}".replace(".", ",")
    assert page.locator("#respondents").inner_text() == str(report["respondents"]) == "41"
    assert page.locator("#mutu").inner_text() == report["mutu"]
    assert page.locator("#unsur tr[data-code]").count() == len(report["unsur"])
    # The stylesheet from /static applied (a CSP without inline styles would otherwise leave it plain).
    assert page.eval_on_selector("header", "e => getComputedStyle(e).backgroundColor") == "rgb(11, 79, 138)"
    page.screenshot(path=str(tmp_path / "public-id.png"), full_page=True)

    page.get_by_role("link", name="English").click()
    assert page.locator("h2").first.inner_text() == "Results per element"
    assert page.locator("#ikm").inner_text() == f"{report['ikm_converted']:.2f}"
    assert "in progress" not in page.content() and "planned" in page.locator("#plan").inner_text()
    page.screenshot(path=str(tmp_path / "public-en.png"), full_page=True)
    assert problems == []

    page.goto(f"{server.url}/p/{office}")
    pdf = tmp_path / "public-a4.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    info = dict(line.split(":", 1) for line in pages.splitlines() if ":" in line)
    assert info["Pages"].strip() == "1" and "(A4)" in info["Page size"]  # one A4 sheet for the notice board
    page.emulate_media(media="print")
    assert page.eval_on_selector(".lang", "e => getComputedStyle(e).display") == "none"
    for name in ("public-id.png", "public-en.png"):
        keep_screenshot(tmp_path / name)


def test_mode_tv_fills_the_screen_and_refreshes_itself(published, browser, tmp_path):
    server, office, report = published
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    problems = watch(page)
    answer = page.goto(f"{server.url}/tv/{office}")
    assert answer.headers["refresh"] == "60"
    assert page.locator("#ikm").inner_text() == f"{report['ikm_converted']:.2f}".replace(".", ",")
    box = page.locator("svg.gauge").bounding_box()
    assert box["width"] > 600 and box["height"] > 300  # readable from across the room
    needle = page.locator("svg.gauge .needle")
    assert needle.count() == 1
    ranked = [float(v.replace(",", ".")) for v in page.locator("#services .value").all_inner_texts()]
    assert ranked == sorted((s["ikm_converted"] for s in report["services"]), reverse=True) and len(ranked) == 3
    # Nothing scrolls on a TV: the page fits the screen.
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    assert page.evaluate("typeof document.scripts.length === 'number' && document.scripts.length") == 0
    page.screenshot(path=str(tmp_path / "tv-id.png"))
    assert problems == []
    keep_screenshot(tmp_path / "tv-id.png")


def test_admin_records_the_plan_in_the_dashboard_and_the_public_page_shows_it(published, browser, tmp_path):
    from collector import followup, records

    server, office, report = published
    records.add_admin(server.engine, "kepala", "rahasia-sekali")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = watch(page)
    page.goto(f"{server.url}/admin/offices/{office}")  # to the login page and back, as a person does
    page.locator('input[name="name"]').fill("kepala")
    page.locator('input[name="password"]').fill("rahasia-sekali")
    page.locator('button[type="submit"]').click()
    page.wait_for_selector("figure.chart svg")
    assert page.locator("nav.presets a").count() == 4
    bars = page.locator("#unsur + figure rect[data-code]")
    assert bars.count() == len(report["unsur"])
    page.screenshot(path=str(tmp_path / "dashboard-office.png"), full_page=True)

    page.get_by_role("link", name="Rencana tindak lanjut").click()
    page.locator('select[name="unsur"]').select_option("U7")
    page.locator('input[name="action"]').fill("Pelatihan layanan prima untuk petugas loket")
    page.locator('input[name="quarter"]').fill("2027-Q2")
    page.locator('input[name="person"]').fill("Kepala Dinas")
    page.get_by_role("button", name="Tambah", exact=True).click()  # the form carries the session's CSRF token
    page.wait_for_selector("text=Pelatihan layanan prima untuk petugas loket")
    added = [p for p in followup.plans(server.engine, office) if p.unsur == "U7"]
    assert len(added) == 1 and added[0].updated_by == "kepala"
    page.screenshot(path=str(tmp_path / "dashboard-followup.png"), full_page=True)
    page.goto(f"{server.url}/p/{office}")
    assert "Pelatihan layanan prima untuk petugas loket" in page.locator("#plan").inner_text()
    assert problems == []
    for name in ("dashboard-office.png", "dashboard-followup.png"):
        keep_screenshot(tmp_path / name)


def test_mode_tv_shows_a_code_to_scan_and_type_when_the_public_address_is_known(browser, tmp_path, monkeypatch):
    import zxingcpp
    from PIL import Image

    from collector import shortlinks
    from fixtures_collector import DEMO_OFFICE, CollectorApp

    app = CollectorApp(f"sqlite:///{tmp_path / 'collector.db'}")
    try:
        assert 'id="scan"' not in app.client.get(f"/tv/{DEMO_OFFICE}").text  # no address known: nothing to scan
        monkeypatch.setenv("KIOSK_PUBLIC_URL", "https://skm.example.go.id/")
        html = app.client.get(f"/tv/{DEMO_OFFICE}").text
        code = shortlinks.code_for(app.engine, DEMO_OFFICE)
    finally:
        app.close()
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.set_content(html)  # the served page as it is; the code's size and colours are the SVG's own
    assert page.locator("#typed").inner_text() == f"skm.example.go.id/s/{code[:4]}-{code[4:]}"
    page.locator("#scan svg").screenshot(path=str(tmp_path / "qr.png"))
    with Image.open(tmp_path / "qr.png") as shot:
        (scanned,) = [r.text for r in zxingcpp.read_barcodes(shot)]
    assert scanned == f"https://skm.example.go.id/s/{code}"
    assert shortlinks.resolve(app.engine, scanned.rsplit("/", 1)[1]) == (DEMO_OFFICE, None)
