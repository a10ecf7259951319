"""The office page's charts (trend, service x unsur, day x hour, channels, weakest and strongest unsur): the numbers
drawn are the report JSON's, the dashboard shows them in both languages, the PDF carries them as vectors."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import pytest

from collector import chart_trend, records
from collector.ingest import store_batch
from fixtures_collector import DEMO_OFFICE, make_wire

WITA = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 29, 3, 0, tzinfo=timezone.utc)  # 11:00 in Buton Utara
LOGIN = ("admin", "rahasia-sekali")


def _answers(n: int, bias: int) -> dict:
    return {f"U{k}": max(1, min(4, 1 + bias + (n * k) % 3 - (k == 8))) for k in range(1, 10)}


@pytest.fixture(scope="module")
def office_data(tmp_path_factory):
    """A collector app with two years and a bit of answers: 2024 none, 2025 and 2026 on kiosk, web and paper."""
    from fastapi.testclient import TestClient

    from collector.app import create_app
    from kiosk.config import DEMO_CONFIG

    app = create_app(f"sqlite:///{tmp_path_factory.mktemp('charts') / 'c.db'}", clock=lambda: NOW)
    engine = app.state.engine
    records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
    records.add_admin(engine, *LOGIN)
    batches = [  # (first answer, how many, hours apart, channel, bias)
        (datetime(2023, 5, 2, 8, tzinfo=WITA), 3, 30, "kiosk", 1),
        (datetime(2025, 2, 3, 8, tzinfo=WITA), 12, 53, "kiosk", 1),
        (datetime(2025, 8, 4, 9, tzinfo=WITA), 8, 49, "paper", 2),
        (datetime(2026, 1, 5, 8, tzinfo=WITA), 14, 75, "kiosk", 2),
        (datetime(2026, 7, 6, 10, tzinfo=WITA), 9, 51, "web", 1),
    ]
    stored = []
    for first, count, apart, channel, bias in batches:
        wires = [make_wire(service_id=("ktp-el", "kk", "akta-lahir")[n % 3], answers=_answers(n, bias),
                           submitted_at=first + timedelta(hours=n * apart), channel=channel) for n in range(count)]
        results = store_batch(engine, DEMO_OFFICE, wires, channel=channel, now=first + timedelta(hours=count * apart))
        assert {r.status for r in results} == {"accepted"}
        stored += wires
    with TestClient(app) as client:
        yield client, engine, stored


def _section(html: str, name: str) -> str:
    start = html.index(f'<h3 id="{name}"')
    return html[start:html.index("<h3", start + 3)]


def _report(client, start, end, **extra) -> dict:
    return client.get("/api/v1/reports/ikm", params={"office": DEMO_OFFICE, "from": str(start), "to": str(end), **extra},
                      auth=LOGIN).json()


# --- trend ------------------------------------------------------------------------------------------

def test_trend_periods_are_of_the_chosen_kind_back_to_the_first_with_data():
    first = dt.date(2025, 3, 5)
    kind, spans, left_out = chart_trend.periods(dt.date(2026, 7, 1), dt.date(2026, 9, 30), first)
    assert kind == "quarter" and [s[0] for s in spans] == [f"{y}-Q{q}" for y in (2025, 2026) for q in range(1, 5)][:7]
    assert chart_trend.periods(dt.date(2026, 7, 1), dt.date(2026, 12, 31), first)[1][0][0] == "2025-S1"
    # This year up to today (the default) is the year; a plain week steps back week by week.
    assert [s[0] for s in chart_trend.periods(dt.date(2026, 1, 1), dt.date(2026, 11, 29), first)[1]] == ["2025", "2026"]
    kind, spans, _ = chart_trend.periods(dt.date(2026, 2, 3), dt.date(2026, 2, 9), dt.date(2026, 1, 20))
    assert kind == "range" and [(s[1], s[2]) for s in spans][:2] == [(dt.date(2026, 1, 20), dt.date(2026, 1, 26)),
                                                                      (dt.date(2026, 1, 27), dt.date(2026, 2, 2))]
    # No data at all: the chosen period alone; data from year 1: a bounded walk that says what it left out.
    assert chart_trend.periods(dt.date(2026, 1, 1), dt.date(2026, 3, 31), None)[1:] == (
        [("2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31))], 0)
    kind, spans, left_out = chart_trend.periods(dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(1, 1, 1))
    assert len(spans) == chart_trend.MOST_PERIODS and left_out == 2025 * 4 + 1 - chart_trend.MOST_PERIODS
    assert chart_trend.periods(dt.date(1, 1, 1), dt.date(1, 12, 31), dt.date(1, 1, 1))[1:] == (
        [("0001", dt.date(1, 1, 1), dt.date(1, 12, 31))], 0)


def test_trend_columns_are_each_period_report(office_data):
    client, engine, _ = office_data
    found = chart_trend.trend(engine, DEMO_OFFICE, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert [p.label for p in found.points] == ["2023", "2024", "2025", "2026"]
    svg = str(chart_trend_svg(found))
    columns = dict(re.findall(r'data-period="(\d{4})" data-value="([\d.]+)"', svg))
    for year in ("2023", "2025", "2026"):
        report = _report(client, f"{year}-01-01", f"{year}-12-31")
        assert float(columns[year]) == report["ikm_converted"]
        assert f'{report["ikm_converted"]:.2f}'.replace(".", ",") in svg
    assert "2024" not in columns and 'data-period="2024" data-empty="1"' in svg  # no data: a dash, not a zero
    assert "style=" not in svg and "<script" not in svg
    # One grouped read of the totals gives every period's office_report figures; the page's own report the last.
    for p in found.points:
        report = _report(client, p.date_from, p.date_to)
        assert (p.respondents, p.ikm_converted, p.mutu) == (report["respondents"], report["ikm_converted"], report["mutu"])
    page_report = _report(client, "2026-01-01", "2026-12-31")
    assert chart_trend.trend(engine, DEMO_OFFICE, dt.date(2026, 1, 1), dt.date(2026, 12, 31),
                             current={**page_report, "respondents": -1}).points == found.points[:-1] + (
        dataclasses.replace(found.points[-1], respondents=-1),)
    kk = chart_trend.trend(engine, DEMO_OFFICE, dt.date(2025, 1, 1), dt.date(2025, 12, 31), service="kk")
    for p in kk.points:
        report = _report(client, p.date_from, p.date_to, service="kk")
        assert (p.respondents, p.ikm_converted, p.mutu) == (report["respondents"], report["ikm_converted"], report["mutu"])


def chart_trend_svg(found):
    from collector.chart_shapes import to_svg

    return to_svg(chart_trend.picture(found))


def test_office_page_shows_the_trend_in_both_languages(office_data):
    client, _, _ = office_data
    html = client.get(f"/admin/offices/{DEMO_OFFICE}", params={"from": "2026-07-01", "to": "2026-09-30"},
                      auth=LOGIN).text
    trend = _section(html, "trend")
    assert re.findall(r'data-period="(\d{4}-Q\d)" data-value', trend)[0] == "2023-Q2"
    q3 = _report(client, "2026-07-01", "2026-09-30")
    assert f'data-period="2026-Q3" data-value="{q3["ikm_converted"]!r}"' in trend
    assert "TW 3 2026" in trend and "triwulan 3 2026" in trend
    english = client.get(f"/admin/offices/{DEMO_OFFICE}", params={"from": "2026-07-01", "to": "2026-09-30",
                                                                  "lang": "en"}, auth=LOGIN).text
    assert "Q3 2026" in english and "quarter 3 2026" in english and "TW 3" not in english


# --- service x unsur, day x hour, channels ---------------------------------------------------------------

def test_service_by_unsur_cells_are_each_service_report_with_the_extremes_outlined(office_data):
    client, _, _ = office_data
    html = client.get(f"/admin/offices/{DEMO_OFFICE}", params={"from": "2025-01-01", "to": "2025-12-31"},
                      auth=LOGIN).text
    svg = _section(html, "services-unsur")
    cells = re.findall(r'data-service="([\w-]*)" data-code="(U\d|IKM)" data-value="([\d.]+)"(?: data-rank="(\w+)")?',
                       svg)
    for service in ("ktp-el", "kk", "akta-lahir", ""):
        report = _report(client, "2025-01-01", "2025-12-31", **({"service": service} if service else {}))
        row = {code: (float(value), rank) for s, code, value, rank in cells if s == service}
        assert {c: v for c, (v, _) in row.items()} == {**{u["code"]: u["converted"] for u in report["unsur"]},
                                                      "IKM": report["ikm_converted"]}
        values = [u["converted"] for u in report["unsur"]]
        assert {c for c, (_, r) in row.items() if r == "weakest"} == {u["code"] for u in report["unsur"]
                                                                     if u["converted"] == min(values)}
        assert {c for c, (_, r) in row.items() if r == "strongest"} == {u["code"] for u in report["unsur"]
                                                                       if u["converted"] == max(values)}
    assert "Semua layanan" in svg and "Kartu Keluarga" in svg


def test_heat_map_counts_every_counted_respondent_at_its_local_hour(office_data):
    client, _, wires = office_data
    html = client.get(f"/admin/offices/{DEMO_OFFICE}", params={"from": "2026-01-01", "to": "2026-12-31"},
                      auth=LOGIN).text
    heat = _section(html, "hours")
    counts = re.findall(r'data-kind="respondents" data-day="(\d)" data-hour="(\d+)" data-respondents="(\d+)"', heat)
    report = _report(client, "2026-01-01", "2026-12-31")
    assert sum(int(n) for *_, n in counts) == report["respondents"] == 23
    # The first answer of 2026: Monday 5 January, 08:00 in WITA (00:00 UTC).
    assert any(d == "0" and h == "8" for d, h, _ in counts)
    # Worked out here from the answers as sent: the local hour of each and kiosk.ikm over each hour's answers.
    from kiosk import ikm

    hours: dict[tuple[str, str], list] = {}
    for wire in wires:
        local = datetime.fromisoformat(wire["submitted_at"]).astimezone(WITA)
        if local.year == 2026:
            hours.setdefault((str(local.weekday()), str(local.hour)), []).append(wire["answers"])
    assert {(d, h): int(n) for d, h, n in counts} == {slot: len(sets) for slot, sets in hours.items()}
    values = dict(((d, h), float(v)) for d, h, v in re.findall(
        r'data-kind="ikm" data-day="(\d)" data-hour="(\d+)" data-respondents="\d+" data-value="([\d.]+)"', heat))
    assert values == {slot: float(ikm.compute(sets).ikm_converted) for slot, sets in hours.items()}
    assert "Sen" in heat and "Responden per jam" in heat


def test_channel_split_adds_up_to_the_report(office_data):
    client, _, wires = office_data
    params = {"from": "2025-01-01", "to": "2026-12-31"}
    html = client.get(f"/admin/offices/{DEMO_OFFICE}", params=params, auth=LOGIN).text
    split = _section(html, "channels")
    report = _report(client, params["from"], params["to"])
    shown = {c: int(n) for c, n in re.findall(r'data-channel="(\w+)" data-respondents="(\d+)"', split)}
    assert shown == report["channels"] == {"kiosk": 26, "web": 9, "paper": 8}
    from kiosk import ikm

    values = dict(re.findall(r'data-channel="(\w+)" data-kind="ikm" data-value="([\d.]+)"', split))
    for channel in ("kiosk", "web", "paper"):
        sets = [w["answers"] for w in wires if w["channel"] == channel and w["submitted_at"] >= "2025"]
        assert float(values[channel]) == float(ikm.compute(sets).ikm_converted)
    english = client.get(f"/admin/offices/{DEMO_OFFICE}", params={**params, "lang": "en"}, auth=LOGIN).text
    assert "Web (QR link)" in _section(english, "channels") and "Kertas" in split


def test_unsur_bars_and_tables_speak_english_on_the_english_page(office_data):
    client, _, _ = office_data
    params = {"from": "2025-01-01", "to": "2025-12-31", "lang": "en"}
    english = client.get(f"/admin/offices/{DEMO_OFFICE}", params=params, auth=LOGIN).text
    report = _report(client, params["from"], params["to"])
    ranks = dict(re.findall(r'data-code="(U\d)" data-value="[\d.]+" data-rank="(\w+)"', english))
    values = {u["code"]: u["converted"] for u in report["unsur"]}
    assert {c for c, r in ranks.items() if r == "weakest"} == {c for c, v in values.items() if v == min(values.values())}
    assert "· lowest" in english and "· highest" in english and "terendah" not in english
    assert "Requirements" in english and "Persyaratan" not in english
    kinerja = {"Sangat baik": "Very good", "Baik": "Good", "Kurang baik": "Poor", "Tidak baik": "Very poor"}
    assert f"({kinerja[report['kinerja']]})" in english


# --- the same charts in the Laporan SKM ------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils missing")
def test_the_pdf_draws_service_by_unsur_the_hours_and_the_channels_as_vectors(office_data, tmp_path):
    from PIL import Image

    from collector.report_pdf import build_pdf
    from collector.reports import report_source

    client, engine, _ = office_data
    source = report_source(engine, DEMO_OFFICE, date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31))
    pdf = tmp_path / "laporan.pdf"
    pdf.write_bytes(build_pdf(source, generated_at=NOW))
    pages = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    number = next(i for i, text in enumerate(pages, 1) if "Gambar 4.2" in text)
    text = pages[number - 1]
    # The cells are each service's own report: its converted values are printed in the drawing.
    for service in ("ktp-el", "kk", "akta-lahir"):
        report = _report(client, "2025-01-01", "2025-12-31", service=service)
        for u in report["unsur"]:
            assert f"{u['converted']:.2f}".replace(".", ",") in text, (service, u["code"])
    assert "Semua layanan" in text and "unsur terendah pada baris" in text
    hours_page = next(i for i, t in enumerate(pages, 1) if "Gambar 4.3" in t)
    assert "Responden per jam" in pages[hours_page - 1] and "Sen" in pages[hours_page - 1]
    # The channel split: each channel's respondents in the sentence, its IKM printed in the drawing.
    channels_page = next(i for i, t in enumerate(pages, 1) if "Gambar 4.4" in t)
    whole = _report(client, "2025-01-01", "2025-12-31")
    split = pages[channels_page - 1].split("Gambar 4.4")[1]
    assert "Anjungan" in split and "Web (tautan QR)" in split and "Kertas" in split
    from kiosk import ikm

    assert whole["channels"] == {"kiosk": 12, "web": 0, "paper": 8}
    for channel, n in whole["channels"].items():
        sets = [w["answers"] for w in office_data[2] if w["channel"] == channel and w["submitted_at"][:4] == "2025"]
        assert len(sets) == n
        if n:
            assert f"{n} responden" in " ".join(" ".join(pages).split()), channel  # the sentence before the picture
            assert f"{float(ikm.compute(sets).ikm_converted):.2f}".replace(".", ",") in split, channel
    for page in {number, hours_page, channels_page}:
        images = subprocess.run(["pdfimages", "-list", "-f", str(page), "-l", str(page), str(pdf)],
                                capture_output=True, text=True, check=True).stdout.splitlines()
        assert len(images) <= 2  # the header lines only: drawn, not pasted as pictures
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", str(number), "-l", str(number), str(pdf),
                    str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    pixels = list(Image.open(png).convert("RGB").getdata())
    red_frames = sum(1 for r, g, b in pixels if r > 140 and g < 40 and b < 50)
    bands = sum(1 for p in pixels if p in ((0xF6, 0xD5, 0xD1), (0xFB, 0xE7, 0xC6), (0xE3, 0xF0, 0xD2)))
    assert red_frames > 20 and bands > 200


def test_channels_and_hours_read_the_running_totals_on_each_backend(collector_app):
    """The GROUP BY over the totals on SQLite and PostgreSQL alike (PostgreSQL's SUM is a numeric)."""
    from collector import response_patterns
    from kiosk import ikm

    app = collector_app
    kiosk = [make_wire(answers=_answers(n, 1), submitted_at=datetime(2026, 11, 27, 8 + n % 3, tzinfo=WITA))
             for n in range(5)]
    paper = [make_wire(answers=_answers(n, 2), submitted_at=datetime(2026, 11, 26, 10, tzinfo=WITA), channel="paper")
             for n in range(3)]
    assert app.statuses(kiosk) == ["accepted"] * 5
    assert {r.status for r in store_batch(app.engine, DEMO_OFFICE, paper, channel="paper")} == {"accepted"}
    office = records.get_office(app.engine, DEMO_OFFICE)
    records.add_admin(app.engine, *LOGIN)
    period = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    channels = response_patterns.by_channel(app.engine, office, *period)
    report = app.client.get("/api/v1/reports/ikm", params={"office": DEMO_OFFICE, "from": "2026-11-01",
                                                           "to": "2026-11-30"}, auth=LOGIN)
    assert {c: cell.respondents for c, cell in channels.items()} == {"kiosk": 5, "web": 0, "paper": 3}
    assert channels["paper"].ikm_converted == float(ikm.compute([w["answers"] for w in paper]).ikm_converted)
    assert channels["web"].ikm_converted is None
    hours = response_patterns.by_hour(app.engine, office, *period)
    assert {slot: cell.respondents for slot, cell in hours.items()} == {(4, 8): 2, (4, 9): 2, (4, 10): 1, (3, 10): 3}
    assert hours[(3, 10)].ikm_converted == channels["paper"].ikm_converted
    assert report.json()["channels"] == {c: cell.respondents for c, cell in channels.items()}
    # The office page hands over the totals it read for its report: the same split from them.
    from collector.reports import office_figures

    assert response_patterns.by_channel(app.engine, office, *period,
                                        found=office_figures(app.engine, DEMO_OFFICE, date_from=period[0],
                                                             date_to=period[1]).totals) == channels
