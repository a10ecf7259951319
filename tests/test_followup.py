"""Rencana tindak lanjut: `kiosk admin followup` on SQLite and PostgreSQL, and the plan in the Laporan SKM PDF."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from collector import followup
from collector.ingest import store_batch
from fixtures_collector import DEMO_OFFICE, make_wire

RECEIVED = datetime(2026, 11, 29, 3, 0, tzinfo=timezone.utc)


def admin(db_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk", "admin", "followup", *args, "--db", db_url],
                          capture_output=True, text=True, timeout=120)


def test_periods_are_named_exactly():
    assert followup.period_dates("2026") == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert followup.period_dates("2026-S2") == (dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    assert followup.period_dates("2024-Q1") == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert followup.period_of(dt.date(2026, 7, 1), dt.date(2026, 9, 30)) == "2026-Q3"
    assert followup.period_of(dt.date(2026, 7, 1), dt.date(2026, 9, 29)) is None
    assert followup.period_id("2026-S1") == "semester I 2026"


def test_add_list_update_from_the_command_line(office_db):
    url, engine = office_db
    added = admin(url, "add", "--office", DEMO_OFFICE, "--period", "2026", "--unsur", "u3",
                  "--action", "Menambah satu loket pada jam sibuk", "--quarter", "2027-q1",
                  "--person", "Kepala Seksi Pelayanan", "--forum-date", "2026-12-10")
    assert added.returncode == 0, added.stderr
    plan = json.loads(added.stdout)
    assert (plan["unsur"], plan["quarter"], plan["status"], plan["forum_date"]) == ("U3", "2027-Q1", "planned",
                                                                                    "2026-12-10")
    other = admin(url, "add", "--office", DEMO_OFFICE, "--period", "2025", "--unsur", "U9", "--action", "Kursi tunggu",
                  "--quarter", "2026-Q2", "--person", "Sekretariat")
    assert other.returncode == 0, other.stderr

    listed = admin(url, "list", "--office", DEMO_OFFICE, "--period", "2026", "--json")
    assert [p["id"] for p in json.loads(listed.stdout)] == [plan["id"]]
    assert len(json.loads(admin(url, "list", "--office", DEMO_OFFICE, "--json").stdout)) == 2
    table = admin(url, "list", "--office", DEMO_OFFICE)
    assert "Menambah satu loket" in table.stdout and "Kursi tunggu" in table.stdout

    changed = admin(url, "update", plan["id"], "--status", "done", "--note", "Loket 4 dibuka sejak Februari",
                    "--by", "kepala")
    assert changed.returncode == 0, changed.stderr
    stored = followup.get(engine, plan["id"])
    assert (stored.status, stored.note, stored.updated_by, stored.action) == (
        "done", "Loket 4 dibuka sejak Februari", "kepala", "Menambah satu loket pada jam sibuk")


@pytest.mark.parametrize("args, says", [
    (("add", "--office", DEMO_OFFICE, "--period", "2026-S3", "--unsur", "U3", "--action", "x", "--quarter",
      "2027-Q1", "--person", "p"), "period '2026-S3' must be"),
    (("add", "--office", DEMO_OFFICE, "--period", "2026", "--unsur", "U12", "--action", "x", "--quarter",
      "2027-Q1", "--person", "p"), "unsur 'U12' is not one of"),
    (("add", "--office", "tidak-ada", "--period", "2026", "--unsur", "U1", "--action", "x", "--quarter",
      "2027-Q1", "--person", "p"), "there is no office 'tidak-ada'"),
    (("add", "--office", DEMO_OFFICE, "--period", "2026", "--unsur", "U1", "--action", "x", "--quarter",
      "2027-5", "--person", "p"), "quarter '2027-5' must be written YYYY-QN"),
    (("add", "--office", DEMO_OFFICE, "--period", "2026", "--unsur", "U1", "--action", " ", "--quarter",
      "2027-Q1", "--person", "p"), "needs an action"),
    (("add", "--office", DEMO_OFFICE, "--period", "2026", "--unsur", "U1", "--action", "x", "--quarter",
      "2027-Q1", "--person", "p", "--forum-date", "10/12/2026"), "forum date '10/12/2026' must be a date"),
    (("update", "bukan-id", "--status", "done"), "there is no follow-up 'bukan-id'"),
])
def test_mistakes_are_one_sentence(office_db, args, says):
    url, engine = office_db
    done = admin(url, *args)
    assert done.returncode != 0
    assert says in done.stderr and "Traceback" not in done.stderr
    assert followup.plans(engine, DEMO_OFFICE) == []


def test_update_needs_something_to_change(office_db):
    url, engine = office_db
    plan = followup.add(engine, DEMO_OFFICE, period="2026", unsur="U1", action="x", quarter="2027-Q1", person="p")
    done = admin(url, "update", plan.id)
    assert done.returncode != 0 and "say what changes" in done.stderr


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext missing (poppler-utils)")
def test_the_report_prints_this_plan_and_the_realisation_of_the_last(office_db, tmp_path):
    url, engine = office_db
    wires = [make_wire(submitted_at=datetime(2026, 5, 4, 9, tzinfo=timezone(timedelta(hours=8))) + timedelta(hours=n))
             for n in range(3)]
    store_batch(engine, DEMO_OFFICE, wires, channel="kiosk", now=RECEIVED)
    followup.add(engine, DEMO_OFFICE, period="2026", unsur="U3", action="Antrean daring untuk pengambilan KTP-el",
                 quarter="2027-Q2", person="Kasi Pelayanan", forum_date="2026-12-10")
    old = followup.add(engine, DEMO_OFFICE, period="2025", unsur="U9", action="Menambah kursi ruang tunggu",
                       quarter="2026-Q1", person="Sekretariat")
    followup.change(engine, old.id, status="done", note="Dua puluh kursi dipasang Maret 2026")
    followup.add(engine, DEMO_OFFICE, period="2026-S1", unsur="U1", action="Rencana semester lain",
                 quarter="2026-Q3", person="x")

    out = tmp_path / "laporan.pdf"
    done = subprocess.run([sys.executable, "-m", "kiosk", "report", "--office", DEMO_OFFICE, "--from", "2026-01-01",
                           "--to", "2026-12-31", "--format", "pdf", "--out", str(out), "--db", url],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    bab4 = flat[flat.rindex("Tabel 4.2"):flat.rindex("C. Tren Nilai SKM")]
    assert "Antrean daring untuk pengambilan KTP-el" in bab4 and "Triwulan II 2027" in bab4
    assert "Direncanakan" in bab4 and "10 Desember 2026" in bab4
    assert "diisi oleh unit pelayanan" not in flat  # the blank table gave way to the plan
    assert "Rencana semester lain" not in flat  # another period's plan stays out
    lampiran = flat[flat.rindex("Lampiran 4."):]
    assert "Menambah kursi ruang tunggu" in lampiran and "Dua puluh kursi dipasang Maret 2026" in lampiran
    assert "Selesai" in lampiran and "tahun 2025" in lampiran


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext missing (poppler-utils)")
def test_without_a_plan_the_report_keeps_the_table_to_fill(office_db, tmp_path):
    url, engine = office_db
    out = tmp_path / "laporan.pdf"
    done = subprocess.run([sys.executable, "-m", "kiosk", "report", "--office", DEMO_OFFICE, "--from", "2026-07-01",
                           "--to", "2026-12-31", "--format", "pdf", "--out", str(out), "--db", url],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    flat = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Belum ada rencana tindak lanjut yang dicatat" in flat and "diisi oleh unit pelayanan" in flat
    assert "Tidak ada rencana tindak lanjut periode semester I 2026 yang tercatat." in flat


def test_every_plan_edit_is_in_the_audit_log_and_the_report(office_db, tmp_path):
    """Who added or changed which plan item, when, from what to what: in `kiosk admin audit`, the PDF's
    lampiran and the workbook's Rencana Tindak Lanjut sheet."""
    import io

    import openpyxl

    from collector.report_pdf import build_pdf
    from collector.report_xlsx import build_xlsx
    from collector.reports import report_source

    url, engine = office_db
    added = datetime(2026, 10, 10, 2, 0, tzinfo=timezone.utc)  # 10.00 in Makassar; before the command-line edit
    plan = followup.add(engine, DEMO_OFFICE, period="2026", unsur="U3", action="Antrean daring", quarter="2027-Q2",
                        person="Kasi Pelayanan", by="sekretaris", now=added)
    followup.change(engine, plan.id, status="in-progress", note="Uji coba di loket 2", by="kepala",
                    now=added + timedelta(days=30))
    followup.change(engine, plan.id, status="in-progress", by="kepala", now=added + timedelta(days=31))  # no change
    done = admin(url, "update", plan.id, "--status", "done", "--by", "operator")
    assert done.returncode == 0, done.stderr

    audit = subprocess.run([sys.executable, "-m", "kiosk", "admin", "audit", "--office", DEMO_OFFICE, "--db", url],
                           capture_output=True, text=True, timeout=120)
    lines = [json.loads(line) for line in audit.stdout.splitlines()]
    edits = [e for e in lines if e["action"].startswith("followup-")]
    assert [(e["action"], e["actor"]) for e in edits] == [("followup-add", "sekretaris"), ("followup-change", "kepala"),
                                                           ("followup-change", "operator")]
    assert edits[0]["at"].startswith("2026-10-10T02:00")
    assert edits[1]["detail"]["changes"] == {"status": ["planned", "in-progress"], "note": ["", "Uji coba di loket 2"]}
    assert edits[2]["detail"]["changes"] == {"status": ["in-progress", "done"]}
    assert all(e["detail"]["plan_id"] == plan.id for e in edits)

    source = report_source(engine, DEMO_OFFICE, date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))
    (tmp_path / "laporan.pdf").write_bytes(build_pdf(source))
    if shutil.which("pdftotext"):
        text = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / "laporan.pdf"), "-"],
                                       capture_output=True, text=True, check=True).stdout.split())
        annex = text[text.rindex("Perubahan rencana tindak lanjut"):]
        assert "2026-10-10 10:00 sekretaris U3 (tahun 2026)" in annex
        assert "ditambahkan: rencana Antrean daring; waktu Triwulan II 2027; penanggung jawab Kasi Pelayanan; " \
               "status Direncanakan" in annex
        assert "status: Direncanakan menjadi Sedang berjalan; realisasi: (kosong) menjadi Uji coba di loket 2" in annex
        assert "status: Sedang berjalan menjadi Selesai" in annex
    sheet = openpyxl.load_workbook(io.BytesIO(build_xlsx(source)))["Rencana Tindak Lanjut"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["Periode ini", "tahun 2026", "U3", "Antrean daring", "Triwulan II 2027", "Kasi Pelayanan", "Selesai",
            "Uji coba di loket 2", "-"] in rows
    logged = [r for r in rows if r[0] is None and r[1]]
    assert [r[2] for r in logged] == ["sekretaris", "kepala", "operator"]
    assert logged[2][4] == "status: Sedang berjalan menjadi Selesai"
