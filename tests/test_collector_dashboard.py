"""/admin: the dashboard behind the admin login, with offices, kiosks, counts and the IKM."""
from __future__ import annotations

import base64
import csv
import io

from datetime import date, datetime, timedelta, timezone

import pytest

from collector import records
from collector.reports import office_report
from fixtures_collector import DEMO_OFFICE, make_wire
from kiosk.config import Service
from kiosk.questionnaire import Text

PERIOD = {"from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture
def login(collector_app) -> dict:
    records.add_admin(collector_app.engine, "pengelola", "kata-sandi-rahasia")
    return {"Authorization": "Basic " + base64.b64encode(b"pengelola:kata-sandi-rahasia").decode()}


def test_the_dashboard_needs_an_admin_login(collector_app, login):
    for path in ("/admin", f"/admin/offices/{DEMO_OFFICE}", f"/admin/offices/{DEMO_OFFICE}/report.csv"):
        refused = collector_app.client.get(path)
        assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Basic")
        assert collector_app.client.get(path, headers=login).status_code == 200


def test_offices_with_counts_and_ikm(collector_app, login):
    collector_app.statuses([make_wire(answers={f"U{i}": 4 for i in range(1, 10)}) for _ in range(3)])
    page = collector_app.client.get("/admin", params=PERIOD, headers=login).text
    assert "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Buton Utara" in page
    assert "100,00" in page and "Sangat baik" in page
    assert "Dasbor SKM" in page
    english = collector_app.client.get("/admin", params={**PERIOD, "lang": "en"}, headers=login).text
    assert "SKM dashboard" in english and "100.00" in english


def test_numbers_and_reasons_as_the_pages_reader_writes_them(collector_app, login):
    """Decimal comma and thousands dot on the Indonesian page, the English way on the English one; the
    reasons a response was left out in words, not the counting rule's keys."""
    answers = {f"U{i}": 3 + (i % 2) for i in range(1, 10)}
    wires = [make_wire(answers=answers, submitted_at=datetime(2026, 11, 28, 9, tzinfo=timezone.utc)
                       - timedelta(seconds=i)) for i in range(1001)]
    wires.append(make_wire(flags=["simulated"]))
    assert set(collector_app.statuses(wires[:1000]) + collector_app.statuses(wires[1000:])) == {"accepted"}
    indonesian = collector_app.client.get(f"/admin/offices/{DEMO_OFFICE}", params=PERIOD, headers=login).text
    english = collector_app.client.get(f"/admin/offices/{DEMO_OFFICE}", params={**PERIOD, "lang": "en"},
                                       headers=login).text
    ikm = office_report(collector_app.engine, DEMO_OFFICE, date_from=date(2026, 11, 1),
                        date_to=date(2026, 11, 30))["ikm_converted"]
    assert f"<strong>{ikm:.2f}</strong>".replace(".", ",") in indonesian and f"<strong>{ikm:.2f}</strong>" in english
    assert "Responden: 1.001" in indonesian and "Respondents: 1,001" in english
    assert "simulasi (jawaban demo atau uji coba)" in indonesian and "simulated (demo or test answers)" in english
    assert ">simulated<" not in indonesian


def test_names_are_escaped(collector_app, login):
    records.add_office(collector_app.engine, "kantor-baru", "Kantor <script>alert(1)</script>",
                       services_=(Service("umum", Text("Umum", "General")),))
    page = collector_app.client.get("/admin", headers=login).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_office_page_shows_services_unsur_and_kiosks(collector_app, login):
    collector_app.statuses([make_wire(service_id="kk"), make_wire(service_id="ktp-el")])
    page = collector_app.client.get(f"/admin/offices/{DEMO_OFFICE}", params=PERIOD, headers=login).text
    assert "Kartu Keluarga" in page and "KTP elektronik" in page
    assert "Persyaratan" in page
    assert collector_app.kiosk_id in page
    assert collector_app.client.get("/admin/offices/tidak-ada", headers=login).status_code == 404
    assert collector_app.client.get("/admin", params={"from": "kemarin"}, headers=login).status_code == 400


def test_csv_download_is_the_report_of_the_period(collector_app, login):
    collector_app.statuses([make_wire(answers={f"U{i}": 3 for i in range(1, 10)}) for _ in range(2)])
    answer = collector_app.client.get(f"/admin/offices/{DEMO_OFFICE}/report.csv", params=PERIOD, headers=login)
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text)))
    ikm_row = next(r for r in rows if r[0] == "IKM")
    assert ikm_row[2] == "2" and float(ikm_row[6]) == 75.0 and ikm_row[7] == "C"
    empty = collector_app.client.get(f"/admin/offices/{DEMO_OFFICE}/report.csv",
                                     params={"from": "2025-01-01", "to": "2025-01-31"}, headers=login)
    assert next(r for r in csv.reader(io.StringIO(empty.text)) if r[0] == "IKM")[2] == "0"


def test_an_admin_of_one_office_sees_only_that_office(collector_app):
    records.add_office(collector_app.engine, "kantor-lain", "Kantor Kecamatan Lain",
                       services_=(Service("umum", Text("Umum", "General")),))
    records.add_admin(collector_app.engine, "kepala-lain", "kata-sandi-kepala", office_ids=("kantor-lain",))
    login = {"Authorization": "Basic " + base64.b64encode(b"kepala-lain:kata-sandi-kepala").decode()}
    page = collector_app.client.get("/admin", headers=login).text
    assert "Kantor Kecamatan Lain" in page and "Buton Utara" not in page
    assert collector_app.client.get(f"/admin/offices/{DEMO_OFFICE}", headers=login).status_code == 403
    assert collector_app.client.get(f"/admin/offices/{DEMO_OFFICE}/report.csv", headers=login).status_code == 403
    assert collector_app.client.get("/admin/offices/kantor-lain", headers=login).status_code == 200
