"""The Laporan SKM, complete: teknik sampling, the regulations, the trend over every earlier period, the
questionnaire as asked, in the PDF (read back with pdftotext, rendered with pdftoppm) and the XLSX; every number
held to the report JSON of its period."""
from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import openpyxl
import pytest

from collector import db, migrations, records
from collector.report_text import angka
from fixtures_collector import DEMO_OFFICE, make_wire

MAKASSAR = timezone(timedelta(hours=8))
SEMESTERS = {"semester I 2025": ("2025-01-01", "2025-06-30"), "semester II 2025": ("2025-07-01", "2025-12-31"),
             "semester I 2026": ("2026-01-01", "2026-06-30"), "semester II 2026": ("2026-07-01", "2026-12-31")}

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
                                   reason="poppler-utils missing: run scripts/install-system-deps.sh")


def _wires() -> list[dict]:
    first = [make_wire(answers={f"U{k}": 3 for k in range(1, 10)},
                       submitted_at=datetime(2025, 3, 10, 9, tzinfo=MAKASSAR) + timedelta(hours=i)) for i in range(3)]
    # semester II 2025 has none: the trend shows the gap, it does not stop there
    middle = [make_wire(answers={f"U{k}": 2 + (i + k) % 3 for k in range(1, 10)},
                        submitted_at=datetime(2026, 4, 6, 9, tzinfo=MAKASSAR) + timedelta(days=i)) for i in range(4)]
    now = [make_wire(answers={f"U{k}": 3 + (i + k) % 2 for k in range(1, 10)}, locale="en" if i < 2 else "id",
                     submitted_at=datetime(2026, 8, 3, 9, tzinfo=MAKASSAR) + timedelta(days=i)) for i in range(6)]
    return first + middle + now


@pytest.fixture(scope="module")
def laporan(tmp_path_factory):
    """The data set on SQLite, the documents of semester II 2026 and the report JSON of every semester."""
    from collector.ingest import store_batch
    from collector.report_pdf import build_pdf
    from collector.report_xlsx import build_xlsx
    from collector.reports import office_report, report_source
    from kiosk.config import DEMO_CONFIG

    out = tmp_path_factory.mktemp("lengkap")
    engine = db.make_engine(f"sqlite:///{out / 'collector.db'}")
    migrations.migrate(engine)
    records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
    for wire in _wires():  # each received the day it was sent: a device clock the collector believes
        received = datetime.fromisoformat(wire["submitted_at"]) + timedelta(hours=1)
        assert [r.status for r in store_batch(engine, DEMO_OFFICE, [wire], channel="kiosk", now=received)] == [
            "accepted"]
    reports = {label: office_report(engine, DEMO_OFFICE, date_from=dt.date.fromisoformat(a),
                                    date_to=dt.date.fromisoformat(b)) for label, (a, b) in SEMESTERS.items()}
    source = report_source(engine, DEMO_OFFICE, date_from=dt.date(2026, 7, 1), date_to=dt.date(2026, 12, 31),
                           population=40)
    (out / "laporan.pdf").write_bytes(build_pdf(source))
    book = openpyxl.load_workbook(io.BytesIO(build_xlsx(source)))
    engine.dispose()
    return {"dir": out, "reports": reports, "report": source.report, "book": book}


def _text(path) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


def _lines(path) -> list[str]:
    done = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True)
    return [" ".join(line.split()) for line in done.stdout.splitlines()]


@needs_poppler
def test_the_pdf_renders_and_holds_every_new_chapter_in_order(laporan, tmp_path):
    pdf = laporan["dir"] / "laporan.pdf"
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(pdf), str(tmp_path / "halaman")], check=True)
    pages = sorted(tmp_path.glob("halaman-*.png"))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len(pages) == int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert all(p.stat().st_size > 1000 for p in pages)  # every page drew something
    text = _text(pdf)
    body = text[text.rindex("BAB II PENGUMPULAN DATA"):]
    order = ["E. Penentuan Jumlah Responden", "Teknik sampling.", "Jumlah sampel minimum.", "Tabel 2.3",
             "BAB IV ANALISIS HASIL", "C. Tren Nilai SKM", "Tabel 4.4 Tren IKM seluruh periode", "Gambar 4.1 Tren nilai konversi IKM", "LAMPIRAN",
             "Lampiran 5. Kuesioner"]
    positions = [body.find(heading) for heading in order]
    assert -1 not in positions and positions == sorted(positions), dict(zip(order, positions))


@needs_poppler
def test_regulations_and_sampling_are_stated(laporan):
    text = _text(laporan["dir"] / "laporan.pdf")
    basis = text[text.rindex("B. Dasar Pelaksanaan"):text.rindex("C. Maksud dan Tujuan")]
    for regulation in ("Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik",
                       "Peraturan Pemerintah Nomor 96 Tahun 2012 tentang Pelaksanaan Undang-Undang Nomor 25 Tahun "
                       "2009", "Nomor 14 Tahun 2017 tentang Pedoman Penyusunan Survei Kepuasan Masyarakat",
                       "Nomor 16 Tahun 2017 tentang Pedoman Penyelenggaraan Forum Konsultasi Publik"):
        assert regulation in basis, regulation
    assert "accidental sampling" in text and "X² = 3,841" in text and "d = 0,05" in text
    sample = laporan["report"]["sample"]
    assert (sample["population"], sample["required"]) == (40, 36)  # Krejcie-Morgan for N = 40
    assert f"Dengan populasi 40 penerima layanan, jumlah sampel minimum adalah {sample['required']} responden. " \
           f"Terkumpul {laporan['report']['respondents']} responden" in text


@needs_poppler
def test_the_trend_covers_every_earlier_period_with_its_report_json(laporan):
    lines = _lines(laporan["dir"] / "laporan.pdf")
    reports = laporan["reports"]
    assert reports["semester II 2025"]["respondents"] == 0 and reports["semester I 2025"]["respondents"] == 3
    for number, (label, report) in enumerate(reports.items(), 1):
        row = (f"{number} {label} {report['respondents']} {angka(report['ikm'], 4)} "
               f"{angka(report['ikm_converted'], 2)} {report['mutu'] or '-'}")
        assert row in lines, row
    assert not any(line.startswith("5 semester") or "semester II 2024" in line for line in lines)  # data starts 2025
    text = _text(laporan["dir"] / "laporan.pdf")
    assert "sejak data pertama tersimpan (semester I 2025)" in text


def test_the_workbook_trend_is_the_report_json_of_each_period(laporan):
    sheet = laporan["book"]["Tren"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows == [[label, SEMESTERS[label][0], SEMESTERS[label][1], r["respondents"], r["ikm"], r["ikm_converted"],
                     r["mutu"] or "-"] for label, r in laporan["reports"].items()]
    assert sheet.cell(2, 4).number_format == "#,##0"


@needs_poppler
def test_the_questionnaire_is_printed_as_asked_in_each_language_used(laporan):
    from kiosk.questionnaire import PROFILE_FIELDS, SKM_2017

    text = _text(laporan["dir"] / "laporan.pdf")
    annex = text[text.rindex("Lampiran 5. Kuesioner"):]
    assert "Bahasa Indonesia (4 responden), bahasa Inggris (2 responden)" in annex
    assert "Kuesioner dalam Bahasa Indonesia" in annex and "Kuesioner dalam bahasa Inggris" in annex
    book = laporan["book"]["Kuesioner"]
    rows = [[c.value for c in row] for row in book.iter_rows(min_row=2)]
    for locale, language in (("id", "Bahasa Indonesia"), ("en", "bahasa Inggris")):
        asked = {r[1]: r for r in rows if r[0] == language and r[1]}
        for u in SKM_2017.items:
            assert asked[u.code][2] == u.question(locale)
            assert asked[u.code][3] == "; ".join(f"{v}. {label(locale)}" for v, label in enumerate(u.labels, 1))
            # the PDF wraps long sentences inside a cell; its words are all there, in order
            assert " ".join(u.question(locale).split()[:4]) in annex
        labels = {r[2] for r in rows if r[0] == language and not r[1]}
        assert {f.label(locale) for f in PROFILE_FIELDS} <= labels
    assert "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana di unit ini?" in annex
    assert "How good are the facilities at this office?" in annex
