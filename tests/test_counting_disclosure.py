"""Every format says what the IKM left out and why: JSON, CSV, XLSX, PDF and the dashboard (SQLite, PostgreSQL);
voiding, restoring and paper upload from the dashboard; per-service figures below their minimum carry a caveat."""
from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import openpyxl
import pytest

from collector import records
from collector.ingest import store_batch
from fixtures_collector import DEMO_OFFICE, CollectorApp, make_wire

RECEIVED = datetime(2026, 11, 29, 3, 0, tzinfo=timezone.utc)
WITA = timezone(timedelta(hours=8))
PERIOD = {"from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture
def office(collector_db_url):
    app = CollectorApp(collector_db_url, clock=lambda: RECEIVED)
    records.add_admin(app.engine, "pengelola", "kata-sandi-rahasia")
    day = datetime(2026, 11, 20, 9, 0, tzinfo=WITA)
    wires = {
        "counted": [make_wire(submitted_at=day + timedelta(hours=n)) for n in range(3)],
        "simulated": [make_wire(submitted_at=day, flags=["simulated"]) for _ in range(2)],
        "fast": [make_wire(submitted_at=day, flags=["fast"])],
        "to_void": [make_wire(submitted_at=day)],
        "clock": [make_wire(submitted_at=datetime(2000, 1, 1, tzinfo=WITA))],
    }
    everything = [w for group in wires.values() for w in group]
    assert {r.status for r in store_batch(app.engine, DEMO_OFFICE, everything, channel="kiosk", now=RECEIVED)} == {
        "accepted"}
    yield app, wires
    app.close()


def login() -> dict:
    token = base64.b64encode(b"pengelola:kata-sandi-rahasia").decode()
    return {"Authorization": f"Basic {token}", "Origin": "http://testserver"}


def void_from_dashboard(app, ids, action="void", reason="petugas menguji kiosk"):
    return app.client.post(f"/admin/offices/{DEMO_OFFICE}/void", headers=login(), follow_redirects=False,
                           data={"id": ids, "reason": reason, "action": action})


def test_the_report_json_says_what_was_left_out_and_why(office):
    app, wires = office
    answer = void_from_dashboard(app, [wires["to_void"][0]["id"]])
    assert answer.status_code == 303, answer.text
    report = app.client.get("/api/v1/reports/ikm", params={"office": DEMO_OFFICE, **PERIOD}, headers=login()).json()
    assert report["respondents"] == 4  # three plain ones and the one dated by reception (clock)
    assert report["excluded"] == {"fast": 1, "simulated": 2, "voided": 1}
    assert report["channels"] == {"kiosk": 4, "web": 0, "paper": 0}
    assert report["flagged"] == {"clock": 1}
    assert report["counting_rule"]["fast_counted"] is False
    (service,) = report["services"]
    assert service["caveat"] and service["sample"] == {"required": 30, "basis": "floor", "smallest_answered": 4,
                                                       "sufficient": False}

    restored = void_from_dashboard(app, [wires["to_void"][0]["id"]], "restore", "bukan uji coba")
    assert restored.status_code == 303
    again = app.client.get("/api/v1/reports/ikm", params={"office": DEMO_OFFICE, **PERIOD}, headers=login()).json()
    assert again["respondents"] == 5 and again["excluded"]["voided"] == 0
    page = app.client.get(f"/admin/offices/{DEMO_OFFICE}/responses", params=PERIOD, headers=login()).text
    assert page.count("petugas menguji kiosk") == 1 and "bukan uji coba" in page  # the audit log, on the page


def test_a_dashboard_post_needs_a_reason_and_this_collector_as_origin(office):
    app, wires = office
    rid = wires["counted"][0]["id"]
    assert void_from_dashboard(app, [rid], reason=" ").status_code == 400
    foreign = app.client.post(f"/admin/offices/{DEMO_OFFICE}/void", follow_redirects=False,
                              headers={**login(), "Origin": "https://jahat.example"},
                              data={"id": [rid], "reason": "x", "action": "void"})
    assert foreign.status_code == 403
    report = app.client.get("/api/v1/reports/ikm", params={"office": DEMO_OFFICE, **PERIOD}, headers=login()).json()
    assert report["excluded"]["voided"] == 0


def test_csv_xlsx_and_dashboard_disclose_the_same(office):
    app, wires = office
    void_from_dashboard(app, [wires["to_void"][0]["id"]])
    csv_text = app.client.get(f"/admin/offices/{DEMO_OFFICE}/report.csv", params=PERIOD, headers=login()).text
    assert "excluded:simulated,,2" in csv_text and "excluded:voided,,1" in csv_text
    assert "channel:kiosk,,4" in csv_text and "flagged:clock,,1" in csv_text
    assert re.search(r"service:ktp-el,indicative only: 4 answers", csv_text)

    data = app.client.get(f"/admin/offices/{DEMO_OFFICE}/report.xlsx", params=PERIOD, headers=login()).content
    book = openpyxl.load_workbook(io.BytesIO(data))
    summary = {row[2]: row[1] for row in book["Ringkasan"].iter_rows(values_only=True) if row and len(row) > 2}
    assert (summary["excluded.simulated"], summary["excluded.fast"], summary["excluded.voided"]) == (2, 1, 1)
    assert summary["channels.kiosk"] == 4 and summary["flagged.clock"] == 1
    rows = list(book["Data"].iter_rows(values_only=True))
    status = rows[0].index("status")
    statuses = sorted(row[status] for row in rows[1:])
    assert statuses == sorted(["dihitung"] * 4 + ["tidak dihitung: simulated"] * 2 + ["tidak dihitung: fast",
                                                                                    "tidak dihitung: voided"])
    services = list(book["Per layanan"].iter_rows(values_only=True))
    assert services[1][-1].startswith("indikatif: 4 jawaban")

    page = app.client.get(f"/admin/offices/{DEMO_OFFICE}", params=PERIOD, headers=login()).text
    assert re.search(r"<td>simulasi \(jawaban demo atau uji coba\)</td><td class=\"num\">2</td>", page)
    assert "indicative only" in page or "indikatif" in page


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext missing (poppler-utils)")
def test_the_pdf_says_it_in_bab_ii_and_the_lampiran(office, tmp_path):
    app, wires = office
    void_from_dashboard(app, [wires["to_void"][0]["id"]], reason="respons ganda")
    pdf = app.client.get(f"/admin/offices/{DEMO_OFFICE}/report.pdf", params=PERIOD, headers=login()).content
    (tmp_path / "laporan.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / "laporan.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    text = " ".join(text.split())
    bab2 = text[text.rindex("PENGUMPULAN DATA"):text.rindex("HASIL PENGOLAHAN DATA")]  # past the daftar isi
    assert "tidak dihitung dalam IKM" in bab2 and "data simulasi" in bab2 and "dibatalkan oleh admin" in bab2
    assert "Respons yang diisi terlalu cepat tidak dihitung" in bab2
    assert "jam perangkat tidak wajar" in bab2
    assert "indikatif: 4 jawaban" in text
    lampiran = text[text.rindex("Lampiran 3"):]
    assert "dibatalkan" in lampiran and "respons ganda" in lampiran


def test_paper_upload_from_the_dashboard(office):
    app, _ = office
    csv_text = "tanggal,U1,U2,U3,U4,U5,U6,U7,U8,U9,gender\n2026-11-10,4,4,4,4,4,4,4,4,4,P\n"
    send = lambda: app.client.post(f"/admin/offices/{DEMO_OFFICE}/paper", headers=login(), follow_redirects=False,
                                   files={"file": ("kertas.csv", csv_text.encode(), "text/csv")})
    assert send().status_code == 303
    assert send().status_code == 303  # the same file again adds nothing
    report = app.client.get("/api/v1/reports/ikm", params={"office": DEMO_OFFICE, **PERIOD}, headers=login()).json()
    assert report["channels"]["paper"] == 1
    bad = app.client.post(f"/admin/offices/{DEMO_OFFICE}/paper", headers=login(),
                          files={"file": ("salah.csv", b"U1,U2,U3,U4,U5,U6,U7,U8,U9\n5,4,4,4,4,4,4,4,x\n", "text/csv")})
    assert bad.status_code == 422 and "row 2, column U1" in bad.text and "row 2, column U9" in bad.text
    assert "/tmp" not in bad.text
