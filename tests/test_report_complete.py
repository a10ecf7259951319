"""The Laporan SKM, complete: teknik sampling, the regulations, the team and schedule (kiosk admin team and
survey-plan), the trend over every earlier period, the questionnaire as asked, in the PDF (read back with pdftotext, rendered with pdftoppm) and the XLSX; every number
held to the report JSON of its period."""
from __future__ import annotations

import datetime as dt
import io
import shutil
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import openpyxl
import pytest

from collector import db, migrations, records
from collector.report_text import angka
from fixtures_collector import DEMO_OFFICE, REPO, make_wire

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
    url = f"sqlite:///{out / 'collector.db'}"
    for args in (["survey-plan", "--office", DEMO_OFFICE, "--period", "2026-S2", "--decree-number", "800/123/DKPS/2026",
                  "--decree-date", "2026-06-20", "--preparation", "2026-06-01:2026-06-30", "--processing",
                  "2027-01-02:2027-01-10"],
                 ["team", "add", "--office", DEMO_OFFICE, "--period", "2026-S2", "--name", "Wa Ode Hasnia", "--role",
                  "Ketua", "--position", "Kepala Bidang Pelayanan"],
                 ["team", "add", "--office", DEMO_OFFICE, "--period", "2026-S2", "--name", "La Ode Karim", "--role",
                  "Anggota"]):
        assert _admin(url, *args).returncode == 0
    reports = {label: office_report(engine, DEMO_OFFICE, date_from=dt.date.fromisoformat(a),
                                    date_to=dt.date.fromisoformat(b)) for label, (a, b) in SEMESTERS.items()}
    source = report_source(engine, DEMO_OFFICE, date_from=dt.date(2026, 7, 1), date_to=dt.date(2026, 12, 31),
                           population=40)
    (out / "laporan.pdf").write_bytes(build_pdf(source))
    large = report_source(engine, DEMO_OFFICE, date_from=dt.date(2026, 7, 1), date_to=dt.date(2026, 12, 31),
                          population=12_000)
    (out / "besar.pdf").write_bytes(build_pdf(large))
    earlier = report_source(engine, DEMO_OFFICE, date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 6, 30))
    (out / "semester-1.pdf").write_bytes(build_pdf(earlier))
    book = openpyxl.load_workbook(io.BytesIO(build_xlsx(source)))
    engine.dispose()
    return {"dir": out, "url": url, "reports": reports, "report": source.report, "book": book,
            "large": large.report, "large_book": openpyxl.load_workbook(io.BytesIO(build_xlsx(large)))}


def _admin(url: str, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "kiosk", "admin", *args, "--db", url], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done


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
    order = ["E. Penentuan Jumlah Responden", "Teknik sampling.", "Jumlah sampel minimum.", "Tabel 2.5",
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
    assert "bersedia mengisi kuesioner menjadi responden melalui anjungan survei mandiri di loket pelayanan." in text
    sample = laporan["report"]["sample"]
    assert (sample["population"], sample["required"]) == (40, 36)  # Krejcie-Morgan for N = 40
    assert f"Dengan populasi 40 penerima layanan, jumlah sampel minimum adalah {sample['required']} responden. " \
           f"Terkumpul {laporan['report']['respondents']} responden" in text


@needs_poppler
def test_thousands_are_written_the_indonesian_way(laporan):
    sample = laporan["large"]["sample"]
    assert sample["population"] == 12_000 and sample["required"] == 372
    text = _text(laporan["dir"] / "besar.pdf")
    assert f"Dengan populasi {angka(12_000, 0)} penerima layanan, jumlah sampel minimum adalah 372" in text
    assert "populasi 12.000 " in text and "12000" not in text and "12,000" not in text
    assert "12.000 372 6 Belum memenuhi" in _lines(laporan["dir"] / "besar.pdf")
    cells = {row[2].value: row[1] for row in laporan["large_book"]["Ringkasan"].iter_rows(min_row=6)
             if len(row) > 2 and row[2].value}
    assert cells["sample.population"].value == 12_000 and cells["sample.population"].number_format == "#,##0"
    labels = {row[0].value: row[1].value for row in laporan["large_book"]["Ringkasan"].iter_rows(min_row=6) if row}
    assert labels["Teknik sampling"].startswith("accidental sampling; sampel minimum menurut rumus Krejcie-Morgan")


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


def test_the_trend_table_read_at_once_is_each_period_report_on_both_databases(office_db):
    """Tabel 4.4 reads every period from one grouped read of the totals; each row must still be what the
    report JSON of that period says (respondents, unrounded IKM, converted, mutu), for triwulans with a gap,
    for one service, and for a plain range stepping back by its length."""
    from collector.ingest import store_batch
    from collector.report_trend import rows_for
    from collector.reports import office_report

    _, engine = office_db
    for i, wire in enumerate(_wires()):  # each received an hour after it was sent, as in `laporan`
        wire["service_id"] = ("ktp-el", "kk")[i % 2]
        received = datetime.fromisoformat(wire["submitted_at"]) + timedelta(hours=1)
        assert [r.status for r in store_batch(engine, DEMO_OFFICE, [wire], channel="kiosk", now=received)] == [
            "accepted"]
    d = dt.date
    for service, start, end in ((None, d(2026, 7, 1), d(2026, 9, 30)), ("kk", d(2026, 7, 1), d(2026, 9, 30)),
                                (None, d(2026, 8, 1), d(2026, 8, 20))):
        rows, left_out = rows_for(engine, DEMO_OFFICE, service=service, date_from=start, date_to=end)
        # back to the period holding the first response (10 March 2025), ending with the report's own
        assert rows[0]["from"] <= "2025-03-10" <= rows[0]["to"] and rows[-1]["to"] == end.isoformat()
        assert left_out == 0 and rows[0]["respondents"] > 0
        assert any(r["respondents"] == 0 for r in rows) and sum(r["respondents"] > 0 for r in rows) >= 3
        for row in rows:
            report = office_report(engine, DEMO_OFFICE, service=service, date_from=d.fromisoformat(row["from"]),
                                   date_to=d.fromisoformat(row["to"]))
            assert (row["respondents"], row["ikm"], row["ikm_converted"], row["mutu"]) == (
                report["respondents"], report["ikm"], report["ikm_converted"], report["mutu"]), row
        # The report's own JSON, when given, is the last row as it is.
        own = office_report(engine, DEMO_OFFICE, service=service, date_from=start, date_to=end)
        assert rows_for(engine, DEMO_OFFICE, service=service, date_from=start, date_to=end,
                        current={**own, "ikm": -1.0})[0][-1]["ikm"] == -1.0


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


@needs_poppler
def test_the_team_its_decree_and_the_schedule_are_printed(laporan):
    lines = _lines(laporan["dir"] / "laporan.pdf")
    assert "Tabel 2.1 Tim pelaksana SKM semester II 2026" in lines
    assert "1 Wa Ode Hasnia Kepala Bidang Pelayanan Ketua" in lines and "2 La Ode Karim - Anggota" in lines
    text = _text(laporan["dir"] / "laporan.pdf")
    assert "ditetapkan dengan surat keputusan (SK) Nomor 800/123/DKPS/2026 tanggal 20 Juni 2026." in text
    assert "Tabel 2.4 Jadwal kegiatan SKM semester II 2026" in lines
    assert "1 Persiapan 1 Juni 2026 30 Juni 2026 -" in lines
    assert "2 Pengumpulan data 3 Agustus 2026 8 Agustus 2026 dari respons pertama dan terakhir" in lines
    assert "3 Pengolahan data 2 Januari 2027 10 Januari 2027 -" in lines
    assert "4 Pelaporan - - belum dicatat" in lines
    assert "Jadwal tahap pengumpulan data dan pelaporan belum dicatat" in text


@needs_poppler
def test_a_period_without_a_team_says_what_is_missing(laporan):
    text = _text(laporan["dir"] / "semester-1.pdf")
    assert "Susunan tim pelaksana SKM semester I 2026 belum dicatat" in text
    assert "Nomor dan tanggal surat keputusan (SK) pembentukan tim pelaksana belum dicatat." in text
    assert "Wa Ode Hasnia" not in text and "800/123" not in text  # another period's team stays out
    assert "Jadwal tahap persiapan, pengumpulan data, pengolahan data dan pelaporan belum dicatat" in text


def test_the_workbook_has_the_team_and_schedule(laporan):
    rows = [[c.value for c in row] for row in laporan["book"]["Tim & Jadwal"].iter_rows()]
    assert ["Nomor SK tim pelaksana", "800/123/DKPS/2026"] == rows[2][:2] and rows[3][:2] == ["Tanggal SK",
                                                                                           "2026-06-20"]
    assert [1, "Wa Ode Hasnia", "Kepala Bidang Pelayanan", "Ketua"] in [r[:4] for r in rows]
    assert [2, "Pengumpulan data", "2026-08-03", "2026-08-08"] in [r[:4] for r in rows]
    assert [4, "Pelaporan", "-", "-", "belum dicatat"] in [r[:5] for r in rows]


def test_the_commands_show_list_remove_and_refuse_in_one_sentence(laporan):
    url = laporan["url"]
    shown = json.loads(_admin(url, "survey-plan", "--office", DEMO_OFFICE, "--period", "2026-S2").stdout)
    assert (shown["decree_number"], shown["schedule"]["preparation"], shown["schedule"]["reporting"]) == (
        "800/123/DKPS/2026", {"from": "2026-06-01", "to": "2026-06-30"}, None)
    assert [m["name"] for m in shown["team"]] == ["Wa Ode Hasnia", "La Ode Karim"]
    listed = json.loads(_admin(url, "team", "list", "--office", DEMO_OFFICE, "--period", "2026-S2", "--json").stdout)
    assert listed == shown["team"]
    extra = json.loads(_admin(url, "team", "add", "--office", DEMO_OFFICE, "--period", "2027", "--name", "Salah Ketik",
                              "--role", "Anggota").stdout)
    assert _admin(url, "team", "remove", extra["id"]).returncode == 0
    assert json.loads(_admin(url, "team", "list", "--office", DEMO_OFFICE, "--period", "2027", "--json").stdout) == []
    for args, says in ((["survey-plan", "--office", DEMO_OFFICE, "--period", "2026-S2", "--collection",
                         "2026-12-31:2026-07-01"], "starts (2026-12-31) after it ends (2026-07-01)"),
                       (["survey-plan", "--office", "tidak-ada", "--period", "2026"], "there is no office 'tidak-ada'"),
                       (["team", "remove", "bukan-id"], "there is no team member 'bukan-id'")):
        done = _admin(url, *args)
        assert done.returncode != 0 and says in done.stderr and len(done.stderr.strip().splitlines()) == 1, \
            done.stderr
    # The same checks without a process each: the command prints what these raise.
    from collector import survey_plan
    from kiosk.errors import UserError

    engine = db.make_engine(url)
    try:
        for call, says in ((lambda: survey_plan.set_plan(engine, DEMO_OFFICE, "2026-S3", decree_number="1"),
                            "period '2026-S3' must be"),
                           (lambda: survey_plan.set_plan(engine, DEMO_OFFICE, "2026", decree_date="20/06/2026"),
                            "must be a date YYYY-MM-DD"),
                           (lambda: survey_plan.add_member(engine, DEMO_OFFICE, "2026", name=" ", role="Ketua"),
                            "give the member's name")):
            with pytest.raises(UserError, match=says):
                call()
    finally:
        engine.dispose()


# --- the dashboard's form and the dokumentasi photos ---------------------------------------------------------

def _image(kind: str, size=(2400, 1200), colour=(30, 110, 60)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, kind, **({"exif": _exif()} if kind == "JPEG" else {}))
    return out.getvalue()


def _exif() -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "KameraUji"  # Make: a stand-in for what a phone writes (GPS, model, time)
    return exif.tobytes()


def test_photos_are_checked_shrunk_and_stripped_before_they_are_stored(collector_app):
    from PIL import Image

    from collector import report_photos
    from kiosk.errors import UserError

    engine = collector_app.engine
    stored = report_photos.add(engine, DEMO_OFFICE, "2026-S2", _image("JPEG"), caption="Responden di anjungan")
    assert (stored.media_type, stored.width, stored.height) == ("image/jpeg", report_photos.LONGEST, 800)
    with Image.open(io.BytesIO(report_photos.get(engine, DEMO_OFFICE, stored.id).data)) as back:
        assert back.format == "JPEG" and back.size == (1600, 800) and not back.getexif()
    png = report_photos.add(engine, DEMO_OFFICE, "2026-S2", _image("PNG", (300, 200)), caption="Poster QR")
    assert (png.media_type, png.width) == ("image/png", 300)
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    for raw, caption, says in ((b"bukan gambar", "x", "not a readable JPEG or PNG image"),
                               (gif.getvalue(), "x", "must be a JPEG or PNG image, not GIF"),
                               (_image("JPEG")[:4000], "x", "not a readable JPEG or PNG image"),
                               (b"\xff" * (report_photos.UPLOAD_MAX + 1), "x", "larger than 8 MB"),
                               (_image("PNG", (20, 20)), " ", "give the photo a caption")):
        with pytest.raises(UserError, match=says):
            report_photos.add(engine, DEMO_OFFICE, "2026-S2", raw, caption=caption)
    assert [p.caption for p in report_photos.photos(engine, DEMO_OFFICE, "2026-S2")] == ["Responden di anjungan",
                                                                                           "Poster QR"]


def test_the_dashboard_records_team_schedule_and_photos_with_the_session_token(collector_app):
    from collector import report_photos, survey_plan
    from collector.login import SESSION_COOKIE

    client, engine = collector_app.client, collector_app.engine
    records.add_admin(engine, "pengelola", "kata-sandi-rahasia")
    logins = client.app.state.logins
    cookie = logins.start_session(records.Admin("pengelola", None))
    csrf = logins.session(cookie).csrf
    client.cookies.set(SESSION_COOKIE, cookie)
    base = f"/admin/offices/{DEMO_OFFICE}/survey-plan"
    office_page = client.get(f"/admin/offices/{DEMO_OFFICE}")
    assert f'href="{base}?lang=id"' in office_page.text
    page = client.get(base, params={"period": "2026-S2"})
    assert page.status_code == 200 and "Tim dan jadwal survei" in page.text and csrf in page.text
    assert client.get(base, params={"period": "2026-S2", "lang": "en"}).text.count("Survey team and schedule") >= 1

    stale = client.post(f"{base}?period=2026-S2", data={"decree_number": "1", "csrf": "lama"}, follow_redirects=False)
    assert stale.status_code == 403 and survey_plan.plan(engine, DEMO_OFFICE, "2026-S2") is None
    saved = client.post(f"{base}?period=2026-S2", follow_redirects=False, data={
        "csrf": csrf, "decree_number": "800/45/2026", "decree_date": "2026-06-20", "preparation_from": "2026-06-01",
        "preparation_to": "2026-06-30", "collection_from": "", "collection_to": "", "processing_from": "2027-01-02",
        "processing_to": "2027-01-09", "reporting_from": "", "reporting_to": ""})
    assert saved.status_code == 303
    plan = survey_plan.plan(engine, DEMO_OFFICE, "2026-S2")
    assert (plan.decree_number, plan.decree_date, plan.stages["preparation"], plan.stages["collection"],
            plan.updated_by) == ("800/45/2026", "2026-06-20", ("2026-06-01", "2026-06-30"), None, "pengelola")
    wrong = client.post(f"{base}?period=2026-S2", data={"csrf": csrf, "reporting_from": "2027-02-01",
                                                          "reporting_to": "2027-01-01"})
    assert "starts (2027-02-01) after it ends (2027-01-01)" in wrong.text

    for name, role in (("Wa Ode Hasnia", "Ketua"), ("La Ode Karim", "Anggota")):
        assert client.post(f"{base}/team?period=2026-S2", data={"csrf": csrf, "name": name, "role": role,
                                                                "position": ""}, follow_redirects=False).status_code == 303
    team = survey_plan.team(engine, DEMO_OFFICE, "2026-S2")
    assert [(m.name, m.role) for m in team] == [("Wa Ode Hasnia", "Ketua"), ("La Ode Karim", "Anggota")]
    client.post(f"{base}/team/{team[1].id}/remove?period=2026-S2", data={"csrf": csrf})
    assert [m.name for m in survey_plan.team(engine, DEMO_OFFICE, "2026-S2")] == ["Wa Ode Hasnia"]

    upload = client.post(f"{base}/photos?period=2026-S2", data={"csrf": csrf, "caption": "Forum konsultasi publik"},
                         files={"photo": ("forum.jpg", _image("JPEG"), "image/jpeg")}, follow_redirects=False)
    assert upload.status_code == 303
    refused = client.post(f"{base}/photos?period=2026-S2", data={"csrf": csrf, "caption": "x"},
                          files={"photo": ("a.txt", b"teks", "image/jpeg")})
    assert "not a readable JPEG or PNG image" in refused.text
    photo = report_photos.photos(engine, DEMO_OFFICE, "2026-S2")[0]
    shown = client.get(base, params={"period": "2026-S2"}).text
    assert f'src="{base}/photos/{photo.id}"' in shown and "Forum konsultasi publik" in shown
    served = client.get(f"{base}/photos/{photo.id}")
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert served.content.startswith(b"\xff\xd8")
    client.cookies.clear()
    assert client.get(f"{base}/photos/{photo.id}").status_code in (401, 303)


@needs_poppler
def test_the_photos_are_printed_in_the_dokumentasi_lampiran(collector_app, tmp_path):
    from collector import report_photos
    from collector.report_pdf import build_pdf
    from collector.reports import report_source

    engine = collector_app.engine
    report_photos.add(engine, DEMO_OFFICE, "2026-S2", _image("JPEG", (1200, 900), (200, 40, 40)),
                      caption="Responden mengisi survei di anjungan")
    report_photos.add(engine, DEMO_OFFICE, "2026-S1", _image("PNG", (300, 200)), caption="Foto periode lain")
    source = report_source(engine, DEMO_OFFICE, date_from=dt.date(2026, 7, 1), date_to=dt.date(2026, 12, 31))
    (tmp_path / "laporan.pdf").write_bytes(build_pdf(source))
    text = _text(tmp_path / "laporan.pdf")
    annex = text[text.rindex("Lampiran 6. Dokumentasi"):]
    assert "Foto 6.1 Responden mengisi survei di anjungan" in annex and "Foto periode lain" not in text
    images = subprocess.run(["pdfimages", "-list", str(tmp_path / "laporan.pdf")], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    assert any(line.split()[3:5] == ["1200", "900"] for line in images), images  # the photo itself, at full size
    empty = report_source(engine, DEMO_OFFICE, date_from=dt.date(2025, 7, 1), date_to=dt.date(2025, 12, 31))
    (tmp_path / "kosong.pdf").write_bytes(build_pdf(empty))
    assert "Tidak ada foto dokumentasi yang diunggah untuk semester II 2025." in _text(tmp_path / "kosong.pdf")


@needs_poppler
def test_a_month_or_triwulan_report_prints_the_team_of_the_period_around_it(laporan, tmp_path):
    from collector import survey_plan
    from collector.report_pdf import build_pdf
    from collector.report_xlsx import build_xlsx
    from collector.reports import report_source

    d = dt.date
    assert survey_plan.periods_around(d(2026, 8, 1), d(2026, 8, 31)) == ["2026-Q3", "2026-S2", "2026"]
    assert survey_plan.periods_around(d(2026, 7, 1), d(2026, 9, 30)) == ["2026-Q3", "2026-S2", "2026"]
    assert survey_plan.periods_around(d(2026, 1, 1), d(2026, 11, 29)) == ["2026"]  # this year so far
    assert survey_plan.periods_around(d(2026, 5, 1), d(2026, 8, 31)) == ["2026"]
    # Across a year boundary: the periods that cover the end, the year first (a team is appointed for a year).
    assert survey_plan.periods_around(d(2025, 12, 1), d(2026, 8, 31)) == ["2026", "2026-S2", "2026-Q3"]
    assert survey_plan.periods_around(d(2026, 1, 1), None) == []
    engine = db.make_engine(laporan["url"])
    try:
        august = report_source(engine, DEMO_OFFICE, date_from=d(2026, 8, 1), date_to=d(2026, 8, 31))
        across = report_source(engine, DEMO_OFFICE, date_from=d(2025, 12, 1), date_to=d(2026, 8, 31))
    finally:
        engine.dispose()
    assert august.plan_period == "2026-S2" and [m.name for m in august.team][:1] == ["Wa Ode Hasnia"]
    (tmp_path / "agustus.pdf").write_bytes(build_pdf(august))
    assert "Tabel 2.1 Tim pelaksana SKM semester II 2026" in _lines(tmp_path / "agustus.pdf")
    # The team of semester II 2026, which covers the end of the range, printed, and the report says why.
    assert across.plan_period == "2026-S2" and [m.name for m in across.team][:1] == ["Wa Ode Hasnia"]
    (tmp_path / "lintas.pdf").write_bytes(build_pdf(across))
    lines, text = _lines(tmp_path / "lintas.pdf"), _text(tmp_path / "lintas.pdf")
    assert "Rentang tanggal laporan ini (1 Desember 2025 sampai 31 Agustus 2026) melewati batas tahun, sedangkan " \
           "tim pelaksana dan jadwal dicatat per periode survei; yang dicetak di sini adalah tim dan jadwal " \
           "semester II 2026, periode yang mencakup akhir rentang laporan." in text
    assert "Tabel 2.1 Tim pelaksana SKM semester II 2026" in lines and "1 Wa Ode Hasnia Kepala Bidang Pelayanan Ketua" \
        in lines
    assert "Tabel 2.4 Jadwal kegiatan SKM semester II 2026" in lines and "1 Persiapan 1 Juni 2026 30 Juni 2026 -" in lines
    book = openpyxl.load_workbook(io.BytesIO(build_xlsx(across)))["Tim & Jadwal"]
    rows = [[c.value for c in row][:2] for row in book.iter_rows()]
    assert rows[1] == ["Periode survei", "semester II 2026"] and rows[2][0] == "Catatan" and "mencakup akhir" in rows[2][1]
    assert ["Nomor SK tim pelaksana", "800/123/DKPS/2026"] in rows
    # A report with no end date still prints no team: there is no period to choose.
    engine = db.make_engine(laporan["url"])
    try:
        open_ended = report_source(engine, DEMO_OFFICE, date_from=d(2026, 1, 1))
    finally:
        engine.dispose()
    (tmp_path / "terbuka.pdf").write_bytes(build_pdf(open_ended))
    assert "laporan ini tidak dibatasi tanggal awal dan akhir, sehingga keduanya tidak dicetak." in _text(
        tmp_path / "terbuka.pdf")


def test_photos_team_and_schedule_move_with_copy_db(tmp_path, postgres_database):
    """The photos live in the database so that `kiosk admin copy-db` carries them (collector/report_photos.py)."""
    from collector import report_photos, survey_plan
    from kiosk.config import DEMO_CONFIG

    sqlite_url = f"sqlite:///{tmp_path / 'collector.db'}"
    engine = db.make_engine(sqlite_url)
    migrations.migrate(engine)
    records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
    stored = report_photos.add(engine, DEMO_OFFICE, "2026", _image("PNG", (64, 48)), caption="Loket pelayanan")
    survey_plan.add_member(engine, DEMO_OFFICE, "2026", name="Wa Ode Hasnia", role="Ketua")
    survey_plan.set_plan(engine, DEMO_OFFICE, "2026", decree_number="800/1/2026", stages={
        "preparation": ("2026-01-05", "2026-01-20")})
    data = report_photos.get(engine, DEMO_OFFICE, stored.id).data
    engine.dispose()
    postgres_url = postgres_database()
    moved = subprocess.run([sys.executable, "-m", "kiosk", "admin", "copy-db", "--db", sqlite_url, "--to",
                            postgres_url], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert moved.returncode == 0, moved.stderr
    target = db.make_engine(postgres_url)
    try:
        assert report_photos.get(target, DEMO_OFFICE, stored.id).data == data
        assert [m.name for m in survey_plan.team(target, DEMO_OFFICE, "2026")] == ["Wa Ode Hasnia"]
        assert survey_plan.plan(target, DEMO_OFFICE, "2026").stages["preparation"] == ("2026-01-05", "2026-01-20")
    finally:
        target.dispose()
    back_url = f"sqlite:///{tmp_path / 'back.db'}"
    back = subprocess.run([sys.executable, "-m", "kiosk", "admin", "copy-db", "--db", postgres_url, "--to", back_url],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert back.returncode == 0, back.stderr
    again = db.make_engine(back_url)
    try:
        assert report_photos.get(again, DEMO_OFFICE, stored.id).data == data
    finally:
        again.dispose()
