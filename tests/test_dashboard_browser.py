"""The dashboard's charts in real headless Chromium on the real collector (127.0.0.1): after logging in, the office
page draws the trend, per-unsur bars, service x unsur, day x hour and channel charts with no script and no CSP
violation, and their numbers are the report JSON's.

The screenshot goes to the test's temporary folder; with KIOSK_UPDATE_SCREENSHOTS=1 it also replaces
docs/screenshots/dashboard-charts-en.png that the README shows.
"""
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone


from fixtures_browser import keep_screenshot, watch

WITA = timezone(timedelta(hours=8))


def test_office_page_draws_every_chart_from_the_report(collector_server, browser, tmp_path):
    from collector import records
    from collector.ingest import store_batch
    from fixtures_collector import make_wire

    server = collector_server()
    office = server.add_demo_office()
    records.add_admin(server.engine, "kepala", "rahasia-sekali")
    now = datetime.now(timezone.utc)
    year = now.astimezone(WITA).year
    for first, count, channel in ((datetime(year - 2, 3, 2, 8, tzinfo=WITA), 20, "kiosk"),
                                  (datetime(year - 1, 2, 3, 8, tzinfo=WITA), 30, "paper"),
                                  (datetime(year, 1, 5, 8, tzinfo=WITA), 40, "kiosk"),
                                  (datetime(year, 6, 1, 9, tzinfo=WITA), 14, "web")):
        wires = [make_wire(service_id=("ktp-el", "kk", "akta-lahir")[n % 3], channel=channel,
                           answers={f"U{k}": 1 + min(3, (n * k + n // 3 + (k % 4 == 1)) % 4 + (k == 7)) for k in range(1, 10)},
                           submitted_at=min(first + timedelta(days=n + n // 5 * 2, hours=(n * 5) % 8), now - timedelta(hours=1)))
                 for n in range(count)]
        stored = store_batch(server.engine, office, wires, channel=channel,
                             now=min(first + timedelta(hours=count * 30), now))
        assert {r.status for r in stored} == {"accepted"}
    report = json.loads(subprocess.run(
        [sys.executable, "-m", "kiosk", "report", "--office", office, "--from", f"{year}-01-01", "--to",
         f"{year}-12-31", "--format", "json", "--db", server.db_url], capture_output=True, text=True,
        check=True).stdout)

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = watch(page)
    page.goto(f"{server.url}/admin/offices/{office}?lang=en&from={year}-01-01&to={year}-12-31")
    page.locator('input[name="name"]').fill("kepala")
    page.locator('input[name="password"]').fill("rahasia-sekali")
    page.locator('button[type="submit"]').click()
    page.wait_for_selector("#trend + figure svg")
    # Every chart is drawn at a readable size.
    for heading in ("trend", "services-unsur", "hours", "channels"):
        box = page.locator(f"#{heading} + figure svg").bounding_box()
        assert box is not None and box["width"] > 500 and box["height"] > 60, heading
    columns = page.locator("#trend + figure rect[data-period]")
    assert columns.count() == 3  # two earlier years, back to the first with data, and this one
    assert float(columns.last.get_attribute("data-value")) == report["ikm_converted"]
    whole = page.locator('#services-unsur + figure rect[data-service=""][data-value]')
    assert [float(v) for v in whole.evaluate_all("rs => rs.map(r => r.dataset.value)")] == \
        [u["converted"] for u in report["unsur"]] + [report["ikm_converted"]]
    counts = page.locator('#hours + figure rect[data-kind="respondents"]')
    assert sum(int(n) for n in counts.evaluate_all("rs => rs.map(r => r.dataset.respondents)")) == \
        report["respondents"]
    shares = page.locator("#channels + figure rect[data-respondents]")
    assert {r["channel"]: int(r["respondents"]) for r in shares.evaluate_all("rs => rs.map(r => r.dataset)")} \
        == report["channels"]
    assert page.locator("figure.chart svg rect[data-rank='weakest']").count() >= 1
    assert page.evaluate("document.scripts.length") == 0
    page.screenshot(path=str(tmp_path / "dashboard-charts-en.png"), full_page=True)
    assert problems == []
    keep_screenshot(tmp_path / "dashboard-charts-en.png")
