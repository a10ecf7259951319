"""`kiosk report --format xlsx|pdf` and the dashboard downloads: the Laporan SKM documents hold the
report JSON's numbers exactly, follow the national template, and keep comments out unless asked."""
from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from collector import records
from collector.report_text import angka
from collector.reports import previous_period
from fixtures_collector import DEMO_OFFICE, REPO, make_wire

MAKASSAR = timezone(timedelta(hours=8))  # the demo office's zone
PERIOD = ("2026-07-01", "2026-12-31")
BEFORE = ("2026-01-01", "2026-06-30")
PERSONAL = "Nama saya Budi Santoso, HP 0812-3456-7890"
FORMULA = '=HYPERLINK("http://contoh.test","klik")'
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="pdftotext missing: run scripts/install-system-deps.sh (poppler-utils)")


def _answers(i: int) -> dict:
    """Varied answers with U9 clearly the weakest and U4 skipped by every fifth respondent."""
    answers = {f"U{k}": 3 + (i + k) % 2 for k in range(1, 9)}
    answers["U7"] = 4
    answers["U9"] = 1 + i % 3
    if i % 5 == 0:
        del answers["U4"]
    return answers


def _dataset() -> dict:
    channels = ["kiosk"] * 14 + ["web"] * 6 + ["paper"] * 4
    in_scope = []
    for i, channel in enumerate(channels):
        in_scope.append(make_wire(
            service_id=("ktp-el", "kk", None)[i % 3], answers=_answers(i), channel=channel,
            submitted_at=datetime(2026, 7, 3, 9, 0, tzinfo=MAKASSAR) + timedelta(days=7 * i, minutes=i),
            profile={"gender": "mf"[i % 2], "age_group": ("25-34", "35-44")[i % 2],
                     **({"education": "s1"} if i % 4 else {})},
            comment={0: PERSONAL, 1: FORMULA}.get(i)))
    abandoned = [make_wire(complete=False, answers={"U1": 1}, submitted_at=datetime(2026, 8, 1, 9, tzinfo=MAKASSAR))
                 for _ in range(2)]
    earlier = [make_wire(answers={f"U{k}": 3 for k in range(1, 10)},
                         submitted_at=datetime(2026, 2, 2, 10, tzinfo=MAKASSAR) + timedelta(days=9 * i))
               for i in range(10)]
    later = [make_wire(submitted_at=datetime(2027, 1, 5, 10, tzinfo=MAKASSAR))]
    return {"in_scope": in_scope, "all": in_scope + abandoned + earlier + later}


def _kiosk(args: list[str], check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    if check:
        assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def produced(request, tmp_path_factory):
    """The data set in a collector database of each backend, and the documents `kiosk report` made of it."""
    from collector import db, migrations
    from collector.ingest import ingest_batch, store_batch
    from kiosk.config import DEMO_CONFIG

    out = tmp_path_factory.mktemp(f"report-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{out / 'collector.db'}"
    else:
        url = request.getfixturevalue("postgres_cluster").create_database()
    engine = db.make_engine(url)
    migrations.migrate(engine)
    records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
    _, token = records.add_kiosk(engine, DEMO_OFFICE)
    with db.reading(engine) as conn:
        kiosk = records.kiosk_for_token(conn, token)
    data = _dataset()
    received = datetime(2027, 2, 1, tzinfo=MAKASSAR)  # every device clock believable (collector/received.py)
    for channel in ("kiosk", "web", "paper"):
        batch = [w for w in data["all"] if w["channel"] == channel]
        if channel == "kiosk":
            assert {r.status for r in ingest_batch(engine, kiosk, batch, now=received)} == {"accepted"}
        else:  # as the web survey and a paper import store theirs
            assert {r.status for r in store_batch(engine, DEMO_OFFICE, batch, channel=channel, now=received)} == {
                "accepted"}
    engine.dispose()

    scope = ["report", "--db", url, "--data-dir", str(out / "data"), "--office", DEMO_OFFICE,
             "--from", PERIOD[0], "--to", PERIOD[1]]
    report = json.loads(_kiosk([*scope, "--population", "30"]).stdout)
    previous = json.loads(_kiosk([*scope[:-4], "--from", BEFORE[0], "--to", BEFORE[1]]).stdout)
    _kiosk([*scope, "--population", "30", "--format", "xlsx", "--out", str(out / "laporan.xlsx")])
    _kiosk([*scope, "--format", "xlsx", "--with-comments", "--out", str(out / "dengan-saran.xlsx")])
    _kiosk([*scope, "--population", "30", "--format", "pdf", "--out", str(out / "laporan.pdf")])
    return {"url": url, "dir": out, "report": report, "previous": previous, "scope": scope, **data}


def _by_key(sheet) -> dict:
    """Ringkasan rows keyed by their report JSON key (column C)."""
    return {row[2].value: row[1] for row in sheet.iter_rows(min_row=6) if len(row) > 2 and row[2].value not in
            (None, "-")}


def _table(sheet) -> tuple[list, list[list]]:
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    return rows[0], [r for r in rows[1:] if any(v is not None for v in r)]


def test_workbook_summary_is_the_report_json(produced):
    report = produced["report"]
    book = openpyxl.load_workbook(produced["dir"] / "laporan.xlsx")
    assert book.sheetnames[:5] == ["Ringkasan", "Per unsur", "Per layanan", "Profil responden", "Data"]
    assert {"Kuesioner", "Tren"} <= set(book.sheetnames)  # annex sheets (tests/test_report_complete.py)
    cells = _by_key(book["Ringkasan"])
    assert report["respondents"] == len(produced["in_scope"])  # the abandoned and out-of-period ones are not in it
    assert cells["respondents"].value == report["respondents"] and cells["respondents"].number_format == "#,##0"
    assert cells["ikm"].value == report["ikm"] and isinstance(cells["ikm"].value, float)
    assert cells["ikm"].number_format.startswith("0.0000")
    assert cells["ikm_converted"].value == report["ikm_converted"] and cells["ikm_converted"].number_format == "0.00"
    assert cells["mutu"].value == report["mutu"] and cells["kinerja"].value == report["kinerja"]
    assert cells["sample.population"].value == report["sample"]["population"] == 30
    assert cells["sample.required"].value == report["sample"]["required"]
    assert cells["sample.sufficient"].value == ("Ya" if report["sample"]["sufficient"] else "Tidak")
    assert cells["scope.office_id"].value == DEMO_OFFICE
    assert cells["scope.from"].value.date() == dt.date.fromisoformat(PERIOD[0])
    assert cells["scope.to"].value.date() == dt.date.fromisoformat(PERIOD[1])


def test_workbook_unsur_services_and_profile_are_the_report_json(produced):
    report = produced["report"]
    book = openpyxl.load_workbook(produced["dir"] / "laporan.xlsx")
    sheet = book["Per unsur"]
    header, rows = _table(sheet)
    assert header == ["Kode", "Unsur", "Jumlah jawaban", "Jumlah nilai", "NRR", "NRR tertimbang", "Nilai konversi",
                      "Mutu"]
    expected = [[u["code"], u["name"], u["answered"], u["sum"], u["nrr"], u["nrr_weighted"], u["converted"], u["mutu"]]
                for u in report["unsur"]]
    assert rows[:-1] == expected
    assert rows[-1] == ["IKM", "Nilai IKM (jumlah NRR tertimbang)", report["respondents"], None, None, report["ikm"],
                        report["ikm_converted"], report["mutu"]]
    assert {(sheet.cell(2, c).number_format) for c in (5, 6, 7)} == {"0.0000", "0.000", "0.00"}
    assert report["unsur"][3]["answered"] < report["respondents"]  # U4 skipped: it leaves the denominator

    _, rows = _table(book["Per layanan"])
    assert [[r[0], r[2], r[3], r[4], r[5], r[6]] for r in rows] == [
        [s["service_id"] or "-", s["respondents"], s["ikm"], s["ikm_converted"], s["mutu"], s["kinerja"]]
        for s in report["services"]]

    _, rows = _table(book["Profil responden"])
    counts = {(r[0], r[1]): r[2] for r in rows}
    assert counts[("Jenis kelamin", "Perempuan")] == report["profile"]["gender"]["f"]
    assert counts[("Pendidikan", "D4/S1")] == report["profile"]["education"]["s1"]
    assert counts[("Pendidikan", "Tidak diisi")] == report["profile"]["education"]["-"]
    assert counts[("Pekerjaan", "Tidak diisi")] == report["respondents"]
    share = next(r[3] for r in rows if r[:2] == ["Jenis kelamin", "Perempuan"])
    assert share == pytest.approx(report["profile"]["gender"]["f"] / report["respondents"])


def test_workbook_data_has_every_complete_response_and_no_comments(produced):
    book = openpyxl.load_workbook(produced["dir"] / "laporan.xlsx")
    header, rows = _table(book["Data"])
    assert header[:5] == ["id", "service", "channel", "submitted_at", "local_time"]
    assert "comment" not in header
    wires = {w["id"]: w for w in produced["in_scope"]}
    assert sorted(r[0] for r in rows) == sorted(wires)
    codes = [f"U{k}" for k in range(1, 10)]
    for row in rows:
        values = dict(zip(header, row))
        wire = wires[values["id"]]
        assert values["service"] == wire["service_id"] and values["channel"] == wire["channel"]
        assert [values[c] for c in codes] == [wire["answers"].get(c) for c in codes]
        assert values["gender"] == wire["profile"]["gender"]
        local = datetime.fromisoformat(wire["submitted_at"]).astimezone(MAKASSAR).replace(tzinfo=None)
        assert values["local_time"] == local
    every_text = " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row)
    assert "Budi" not in every_text and "HYPERLINK" not in every_text


def test_comments_only_when_asked_and_always_as_text(produced):
    book = openpyxl.load_workbook(produced["dir"] / "dengan-saran.xlsx")
    header, rows = _table(book["Data"])
    assert header[-1] == "comment"
    comments = {r[0]: r[-1] for r in rows}
    assert sorted(c for c in comments.values() if c) == sorted([PERSONAL, FORMULA])
    formula_cell = next(row[-1] for row in book["Data"].iter_rows(min_row=2) if row[-1].value == FORMULA)
    assert formula_cell.data_type == "s"  # text, not a formula Excel would run


def _pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


def _pdf_lines(path: Path) -> list[str]:
    """The PDF's lines as laid out (table rows stay together), whitespace collapsed."""
    done = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True)
    return [" ".join(line.split()) for line in done.stdout.splitlines()]


@needs_poppler
def test_pdf_follows_the_national_template(produced):
    text = _pdf_text(produced["dir"] / "laporan.pdf")
    order = ["LAPORAN SURVEI KEPUASAN MASYARAKAT", "BAB I PENDAHULUAN", "A. Latar Belakang", "B. Dasar Pelaksanaan",
             "C. Maksud dan Tujuan", "BAB II PENGUMPULAN DATA", "A. Pelaksana", "B. Metode Pengumpulan Data",
             "C. Lokasi Pengumpulan Data", "D. Waktu Pelaksanaan", "E. Penentuan Jumlah Responden",
             "BAB III HASIL PENGOLAHAN DATA", "A. Jumlah Responden", "B. Profil Responden",
             "BAB IV ANALISIS HASIL", "B. Rencana Tindak Lanjut", "C. Tren Nilai SKM", "PENUTUP", "LAMPIRAN"]
    # Each heading's last occurrence is in the body (the daftar isi comes first, with page numbers).
    contents = text.find("DAFTAR ISI")
    positions = [text.rfind(heading) for heading in order]
    assert all(p > contents > 0 for p in positions[1:]), [h for h, p in zip(order, positions) if p <= contents]
    assert positions == sorted(positions)
    assert re.search(r"DAFTAR ISI BAB I PENDAHULUAN[ .]+\d+ A\. Latar Belakang[ .]+\d+", text)
    assert re.search(r"BAB IV ANALISIS HASIL[ .]+\d+", text)
    assert "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Buton Utara" in text
    assert "1 Juli 2026 s.d. 31 Desember 2026" in text
    assert "Nomor 14 Tahun 2017" in text


@needs_poppler
def test_pdf_states_the_numbers_of_the_report(produced):
    report = produced["report"]
    text = _pdf_text(produced["dir"] / "laporan.pdf")
    converted = angka(report["ikm_converted"], 2)
    assert "," in converted and f"nilai konversi {converted}, sehingga mutu pelayanan {report['mutu']} dan kinerja " \
                                f"unit pelayanan {report['kinerja']}" in text
    weakest = min(report["unsur"], key=lambda u: u["nrr"])
    strongest = max(report["unsur"], key=lambda u: u["nrr"])
    assert weakest["code"] == "U9" and strongest["code"] == "U7"  # as the data set was built
    assert f"nilai terendah adalah {weakest['code']} {weakest['name']} (NRR {angka(weakest['nrr'], 4)}" in text
    assert f"nilai tertinggi adalah {strongest['code']} {strongest['name']}" in text
    for u in report["unsur"]:
        assert f"{u['code']} {u['name']} {u['answered']} {angka(u['nrr'], 4)} {angka(u['nrr_weighted'], 3)} " \
               f"{angka(u['converted'], 2)} {u['mutu']}" in text
    # The NRR tertimbang column adds up to its printed total; the IKM row is the exact value.
    printed = sum(Decimal(angka(u["nrr_weighted"], 3).replace(",", ".")) for u in report["unsur"])
    lines = _pdf_lines(produced["dir"] / "laporan.pdf")
    assert f"Jumlah kolom NRR tertimbang {angka(printed, 3)}" in lines
    assert f"Nilai IKM dari nilai eksak {report['respondents']} {angka(report['ikm'], 4)} " \
           f"{angka(report['ikm_converted'], 2)} {report['mutu']}" in lines
    assert "NRR tertimbang tiga desimal, dibulatkan setengah ke atas" in text
    sample = report["sample"]
    verdict = "memenuhi" if sample["sufficient"] else "belum memenuhi"
    assert f"Dengan populasi 30 penerima layanan, jumlah sampel minimum adalah {sample['required']} responden. " \
           f"Terkumpul {report['respondents']} responden, sehingga jumlah responden {verdict}" in text
    assert "Anjungan survei mandiri di loket pelayanan 14" in text and "Kuesioner kertas 4" in text
    assert "Kiosk" not in text  # the Indonesian word, not the English one
    assert "menjadi responden melalui anjungan survei mandiri di loket pelayanan, kuesioner kertas dan survei " \
           "daring (tautan/QR)." in text  # teknik sampling (tests/test_report_complete.py)
    assert "2 survei ditinggalkan sebelum selesai" in text


@needs_poppler
def test_pdf_compares_with_the_previous_period_and_leaves_follow_up_to_the_office(produced):
    report, previous = produced["report"], produced["previous"]
    text = _pdf_text(produced["dir"] / "laporan.pdf")
    assert previous["respondents"] == 10
    assert "(1 Januari 2026 s.d. 30 Juni 2026)" in text
    change = Decimal(str(report["ikm_converted"])) - Decimal(str(previous["ikm_converted"]))
    assert change > 0  # the earlier period was all 3s
    row = f"Nilai konversi IKM {angka(previous['ikm_converted'], 2)} {angka(report['ikm_converted'], 2)} +{angka(change, 2)}"
    assert row in _pdf_lines(produced["dir"] / "laporan.pdf")
    assert f"Nilai konversi IKM naik {angka(change, 2)} poin dibandingkan periode sebelumnya." in text
    assert "rencana diisi oleh Dinas Kependudukan" in text  # no plan recorded: the table to fill (test_followup.py)
    assert "Tabel 4.2 Rencana tindak lanjut (diisi oleh unit pelayanan)" in text
    assert "88,31 - 100,00 A Sangat baik" in text and "25,00 - 64,99 D Tidak baik" in text  # the lampiran
    assert "Budi" not in text


@needs_poppler
def test_pdf_of_a_period_without_responses_says_so(produced, tmp_path):
    out = tmp_path / "kosong.pdf"
    scope = produced["scope"][:-4]
    _kiosk([*scope, "--from", "2025-03-01", "--to", "2025-03-31", "--format", "pdf", "--out", str(out)])
    text = _pdf_text(out)
    assert "Belum ada responden pada periode ini, sehingga IKM belum dapat dihitung." in text
    assert "kecukupan jumlah responden belum dapat dinilai" in text
    assert "Tidak ada data SKM pada periode sebelumnya (1 Februari 2025 s.d. 28 Februari 2025)" in text


def test_documents_need_a_file_and_bad_input_is_one_sentence(produced, tmp_path):
    scope = produced["scope"]
    for args, words in (
        (["--format", "pdf"], "--format pdf writes a file"),
        (["--format", "xlsx"], "--format xlsx writes a file"),
        (["--format", "pdf", "--with-comments", "--out", str(tmp_path / "a.pdf")], "only to --format xlsx"),
        (["--format", "xlsx", "--out", str(tmp_path / "no-such-dir" / "a.xlsx")], "cannot write"),
    ):
        done = _kiosk([*scope, *args], check=False)
        assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    done = _kiosk([*scope[:6], "tidak-ada", "--format", "pdf", "--out", str(tmp_path / "b.pdf")], check=False)
    assert done.returncode == 2 and "there is no office" in done.stderr
    assert not list(tmp_path.rglob("*.pdf")) and not list(tmp_path.rglob("*.part"))


def test_previous_period_of_equal_length():
    d = dt.date
    assert previous_period(d(2026, 7, 1), d(2026, 12, 31)) == (d(2026, 1, 1), d(2026, 6, 30))
    assert previous_period(d(2026, 1, 1), d(2026, 12, 31)) == (d(2025, 1, 1), d(2025, 12, 31))
    assert previous_period(d(2026, 3, 1), d(2026, 3, 31)) == (d(2026, 2, 1), d(2026, 2, 28))
    assert previous_period(d(2026, 11, 10), d(2026, 11, 20)) == (d(2026, 10, 30), d(2026, 11, 9))


# --- the dashboard downloads -----------------------------------------------------------------------

def _basic(name: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()}


@pytest.fixture
def login(collector_app) -> dict:
    records.add_admin(collector_app.engine, "pengelola", "kata-sandi-rahasia")
    return _basic("pengelola", "kata-sandi-rahasia")


def test_dashboard_offers_the_documents_behind_the_login(collector_app, login):
    collector_app.statuses([make_wire(answers=_answers(i)) for i in range(6)])
    period = {"from": "2026-11-01", "to": "2026-11-30"}
    page = collector_app.client.get(f"/admin/offices/{DEMO_OFFICE}", params=period, headers=login).text
    for kind in ("csv", "xlsx", "pdf"):
        assert re.search(rf'href="/admin/offices/{DEMO_OFFICE}/report\.{kind}\?from=2026-11-01&amp;to=2026-11-30"',
                         page), kind
    for kind, media_type in (("xlsx", XLSX_TYPE), ("pdf", "application/pdf")):
        path = f"/admin/offices/{DEMO_OFFICE}/report.{kind}"
        refused = collector_app.client.get(path, params=period)
        assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Basic")
        answer = collector_app.client.get(path, params=period, headers=login)
        assert answer.status_code == 200 and answer.headers["content-type"] == media_type
        assert f"laporan-skm-{DEMO_OFFICE}-2026-11-01-2026-11-30.{kind}" in answer.headers["content-disposition"]
    api = collector_app.client.get("/api/v1/reports/ikm", params={"office": DEMO_OFFICE, **period}, headers=login)
    answer = collector_app.client.get(f"/admin/offices/{DEMO_OFFICE}/report.xlsx", params=period, headers=login)
    cells = _by_key(openpyxl.load_workbook(io.BytesIO(answer.content))["Ringkasan"])
    assert cells["ikm"].value == api.json()["ikm"] and cells["respondents"].value == 6
    pdf = collector_app.client.get(f"/admin/offices/{DEMO_OFFICE}/report.pdf", params=period, headers=login)
    assert pdf.content.startswith(b"%PDF-")


def test_dashboard_form_passes_the_population(collector_app, login):
    collector_app.statuses([make_wire(answers=_answers(i)) for i in range(6)])
    period = {"from": "2026-11-01", "to": "2026-11-30"}
    page = collector_app.client.get(f"/admin/offices/{DEMO_OFFICE}", params=period, headers=login).text
    assert 'name="population"' in page and f'formaction="/admin/offices/{DEMO_OFFICE}/report.xlsx"' in page
    base = f"/admin/offices/{DEMO_OFFICE}/report.xlsx"
    answer = collector_app.client.get(base, params={**period, "population": "10"}, headers=login)
    cells = _by_key(openpyxl.load_workbook(io.BytesIO(answer.content))["Ringkasan"])
    assert (cells["sample.population"].value, cells["sample.required"].value) == (10, 10)
    assert cells["sample.sufficient"].value == "Tidak"  # 6 of the 10 required
    blank = collector_app.client.get(base, params={**period, "population": ""}, headers=login)  # the form's empty field
    assert _by_key(openpyxl.load_workbook(io.BytesIO(blank.content))["Ringkasan"])["sample.population"].value == "-"


def test_dashboard_documents_refuse_what_the_csv_refuses(collector_app, login):
    from kiosk.config import Service
    from kiosk.questionnaire import Text

    base = f"/admin/offices/{DEMO_OFFICE}"
    assert collector_app.client.get(f"{base}/report.pdf", params={"from": "kemarin"}, headers=login).status_code == 400
    assert collector_app.client.get(f"{base}/report.xlsx", params={"population": "0"}, headers=login).status_code == 400
    assert collector_app.client.get(f"{base}/report.docx", headers=login).status_code == 404
    assert collector_app.client.get("/admin/offices/tidak-ada/report.pdf", headers=login).status_code == 404
    assert collector_app.client.get(f"{base}/report.xlsx", params={"service": "sim-c"}, headers=login).status_code == 404
    records.add_office(collector_app.engine, "kantor-lain", "Kantor Lain",
                       services_=(Service("umum", Text("Umum", "General")),))
    records.add_admin(collector_app.engine, "kepala-lain", "kata-sandi-kepala", office_ids=("kantor-lain",))
    other = _basic("kepala-lain", "kata-sandi-kepala")
    assert collector_app.client.get(f"{base}/report.pdf", headers=other).status_code == 403
    assert collector_app.client.get("/admin/offices/kantor-lain/report.pdf", headers=other).status_code == 200


@needs_poppler
def test_one_service_odd_names_and_unanswered_unsur(tmp_path):
    """Markup characters in names are text, a single service is named on the cover, and an unsur nobody
    answered is said to be left out."""
    from collector import db, migrations
    from collector.ingest import ingest_batch
    from collector.report_pdf import build_pdf
    from collector.report_xlsx import build_xlsx
    from collector.reports import report_source
    from kiosk.config import Service
    from kiosk.questionnaire import Text

    engine = db.make_engine(f"sqlite:///{tmp_path / 'collector.db'}")
    migrations.migrate(engine)
    name = 'Kantor A & B <Uji> "Satu"'
    records.add_office(engine, "kantor-x", name, timezone_name="Asia/Jakarta",
                       services_=(Service("umum", Text("Layanan <umum> & lain", "General")),
                                  Service("lain", Text("Lain", "Other"))))
    _, token = records.add_kiosk(engine, "kantor-x")
    with db.reading(engine) as conn:
        kiosk = records.kiosk_for_token(conn, token)
    ingest_batch(engine, kiosk, [make_wire(office_id="kantor-x", service_id="umum", answers={"U1": 2, "U3": 4}),
                                 make_wire(office_id="kantor-x", service_id="lain", answers={"U1": 4})])
    source = report_source(engine, "kantor-x", service="umum", date_from=dt.date(2026, 11, 1),
                           date_to=dt.date(2026, 11, 30))
    engine.dispose()
    assert source.report["respondents"] == 1
    (tmp_path / "x.pdf").write_bytes(build_pdf(source))
    text = _pdf_text(tmp_path / "x.pdf")
    assert name.upper() in text and f"Kepala {name}" in text
    assert "Jenis layanan: Layanan <umum> & lain" in text
    assert "Unsur yang tidak dijawab oleh satu responden pun (U2 Sistem, mekanisme, dan prosedur; U4" in text
    book = openpyxl.load_workbook(io.BytesIO(build_xlsx(source)))
    assert _by_key(book["Ringkasan"])["scope.service_id"].value == "Layanan <umum> & lain"
    _, rows = _table(book["Per layanan"])
    assert [r[0] for r in rows] == ["umum"]
    _, rows = _table(book["Per unsur"])
    assert rows[1][:5] == ["U2", "Sistem, mekanisme, dan prosedur", 0, 0, None]
