"""The per-unsur chart with the mutu bands (collector/charts.py) on the dashboard and, as vectors, in the PDF;
the dashboard's period presets in office-local dates."""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import pytest

from collector import charts, records
from collector.ingest import store_batch
from collector.reports import report_source
from fixtures_collector import DEMO_OFFICE, make_wire

WITA = timezone(timedelta(hours=8))
# 17:30 UTC on 31 March is already 1 April in Buton Utara (WITA): a new triwulan there.
NOW = datetime(2026, 3, 31, 17, 30, tzinfo=timezone.utc)


@pytest.fixture
def dashboard(tmp_path):
    from fastapi.testclient import TestClient

    from collector.app import create_app
    from kiosk.config import DEMO_CONFIG

    app = create_app(f"sqlite:///{tmp_path / 'c.db'}", clock=lambda: NOW)
    engine = app.state.engine
    records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
    wires = [make_wire(answers={f"U{k}": 1 + (n + k) % 4 for k in range(1, 10)},
                       submitted_at=datetime(2026, 2, 2, 8, tzinfo=WITA) + timedelta(hours=n)) for n in range(7)]
    store_batch(engine, DEMO_OFFICE, wires, channel="kiosk", now=NOW)
    records.add_admin(engine, "admin", "rahasia-sekali")
    with TestClient(app) as client:
        yield client, engine


def test_bars_stand_at_the_converted_values_over_the_bands():
    report = {"unsur": [{"code": "U1", "name": "Persyaratan", "converted": 100.0},
                        {"code": "U2", "name": "Prosedur", "converted": 25.0},
                        {"code": "U3", "name": "Waktu", "converted": 62.5},
                        {"code": "U4", "name": "Biaya", "converted": None}]}
    svg = str(charts.unsur_svg(charts.bars(report), width=640))
    widths = {code: float(w) for w, code in
              re.findall(r'width="([\d.]+)" height="12" fill="#[0-9a-f]{6}" data-code="(U\d)"', svg)}
    lay = charts.Layout(640)
    assert widths["U1"] == pytest.approx(lay.x(100) - lay.label_w, abs=0.1)
    assert widths["U2"] == pytest.approx(0, abs=0.1)
    assert widths["U3"] == pytest.approx((lay.x(100) - lay.label_w) / 2, abs=0.1)
    assert "U4" not in widths  # nobody answered: no bar, not a zero
    assert [b for b in re.findall(r'data-band="([A-D])"', svg)] == ["D", "C", "B", "A"]
    assert "62,50" in svg and "style=" not in svg and "<script" not in svg
    # The weakest and the strongest bars stand out, in colour and in words.
    assert re.findall(r'fill="(#[0-9a-f]{6})" data-code="(U\d)" data-value="[\d.]+"(?: data-rank="(\w+)")?', svg) == [
        (charts.STRONG, "U1", "strongest"), (charts.WEAK, "U2", "weakest"), (charts.BAR, "U3", "")]
    assert "100,00 · tertinggi" in svg and "25,00 · terendah" in svg


def test_office_page_shows_presets_in_local_dates_and_the_chart(dashboard):
    client, engine = dashboard
    page = client.get(f"/admin/offices/{DEMO_OFFICE}", auth=("admin", "rahasia-sekali"))
    assert page.status_code == 200
    html = page.text
    # Default period: this local year up to the local today (1 April), not the UTC date (31 March).
    assert 'name="to" value="2026-04-01"' in html
    assert "from=2026-04-01&amp;to=2026-06-30" in html  # this triwulan is already Q2 in WITA
    assert "from=2026-01-01&amp;to=2026-06-30" in html and "from=2025-01-01&amp;to=2025-12-31" in html
    report = client.get("/api/v1/reports/ikm", params={"office": DEMO_OFFICE, "from": "2026-01-01", "to": "2026-04-01"},
                        auth=("admin", "rahasia-sekali")).json()
    values = dict(re.findall(r'data-code="(U\d)" data-value="([\d.]+)"', html))
    assert {k: float(v) for k, v in values.items()} == {u["code"]: u["converted"] for u in report["unsur"]}
    english = client.get(f"/admin/offices/{DEMO_OFFICE}", params={"lang": "en"}, auth=("admin", "rahasia-sekali")).text
    assert "This quarter" in english and "Triwulan ini" in html


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils missing")
def test_the_pdf_carries_the_chart_as_vectors(dashboard, tmp_path):
    import datetime as dt

    from PIL import Image

    from collector.report_pdf import build_pdf

    client, engine = dashboard
    source = report_source(engine, DEMO_OFFICE, date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 3, 31))
    pdf = tmp_path / "laporan.pdf"
    pdf.write_bytes(build_pdf(source, generated_at=NOW))
    pages = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    number = next(i for i, text in enumerate(pages, 1) if "Gambar 3.1" in text and "Nilai konversi per unsur" in text)
    images = subprocess.run(["pdfimages", "-list", "-f", str(number), "-l", str(number), str(pdf)],
                            capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(images) <= 2  # the header lines only: the chart is drawn, not pasted as a picture
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", str(number), "-l", str(number), str(pdf),
                    str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    pixels = Image.open(png).convert("RGB").getdata()
    bar = sum(1 for r, g, b in pixels if abs(r - 0x0B) < 30 and abs(g - 0x4F) < 30 and abs(b - 0x8A) < 30)
    bands = sum(1 for p in pixels if p == (0xF6, 0xD5, 0xD1) or p == (0xCF, 0xE9, 0xD8))
    assert bar > 200 and bands > 200
    converted = [u["converted"] for u in source.report["unsur"]]
    assert f"{converted[0]:.2f}".replace(".", ",") in pages[number - 1]
