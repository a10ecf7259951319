"""The downloads (CSV, XLSX, PDF) of a fixed data set are byte for byte what they were before they streamed.

tests/golden/downloads/ holds the files the in-memory implementation wrote for this data set (captured
with `python tests/test_download_bytes.py --capture` before the change). XLSX is a zip whose entries carry
the time of writing, so it is compared entry by entry, with only the workbook's created/modified stamps
left out; the PDF is written in reportlab's invariant mode, which fixes its date and document id.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import sys
import uuid
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixtures_collector import DEMO_OFFICE, make_wire  # noqa: E402

GOLDEN = Path(__file__).resolve().parent / "golden" / "downloads"
MAKASSAR = timezone(timedelta(hours=8))
NOW = datetime(2026, 12, 20, 3, 0, tzinfo=timezone.utc)
GENERATED = datetime(2026, 12, 21, 1, 2, 3, tzinfo=timezone.utc)
PERIOD = dict(date_from=dt.date(2026, 7, 1), date_to=dt.date(2026, 12, 31))


def _id(i: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"skm-kiosk/golden/{i}"))


def _wire(i: int, submitted: datetime | None = None, **changes) -> dict:
    answers = {f"U{k}": 1 + (i * 7 + k) % 4 for k in range(1, 10)}
    if i % 6 == 0:
        del answers["U4"]
    submitted = submitted or datetime(2026, 7, 2, 8, 15, tzinfo=MAKASSAR) + timedelta(days=3 * (i % 50), minutes=7 * i)
    wire = make_wire(service_id=("ktp-el", "kk", None)[i % 3], answers=answers, submitted_at=submitted,
                     profile={"gender": "mf"[i % 2], "age_group": ("25-34", "35-44", "45-54")[i % 3],
                              **({"education": "s1"} if i % 4 else {})},
                     comment={0: "Antrean lama, petugas ramah", 1: '=HYPERLINK("http://x.test","klik")'}.get(i % 9))
    wire.update(id=_id(i), **changes)
    return wire


def build_office(engine) -> None:
    """The demo office with counted, simulated, fast, clock-flagged, voided and abandoned responses on three
    channels in the period, some in the period before, a void in the audit log and a follow-up plan."""
    from collector import followup, records, voiding
    from collector.ingest import store_batch
    from kiosk.config import DEMO_CONFIG

    records.add_office(engine, **records.office_from_config(DEMO_CONFIG), now=NOW)
    kiosk = [_wire(i) for i in range(40)]
    kiosk[5]["flags"] = ["simulated"]
    kiosk[6]["flags"] = ["fast"]
    kiosk[7] = _wire(7, datetime(2031, 1, 1, tzinfo=MAKASSAR))  # a clock that runs ahead: dated by reception
    kiosk += [_wire(100 + i, complete=False, answers={"U1": 2}) for i in range(3)]
    kiosk += [_wire(200 + i, datetime(2026, 3, 1 + i, 10, tzinfo=MAKASSAR)) for i in range(5)]
    web = [_wire(300 + i, channel="web") for i in range(8)]
    paper = [_wire(400 + i, channel="paper") for i in range(4)]
    for channel, items in (("kiosk", kiosk), ("web", web), ("paper", paper)):
        results = store_batch(engine, DEMO_OFFICE, items, channel=channel, now=NOW)
        assert {r.status for r in results} == {"accepted"}, [r for r in results if r.status != "accepted"]
    voiding.void(engine, DEMO_OFFICE, [_id(8), _id(9)], reason="uji coba petugas", actor="admin", now=NOW)
    followup.add(engine, DEMO_OFFICE, period="2026-S2", unsur="U9", action="Menambah loket pengaduan",
                 quarter="2027-Q1", person="Kepala Seksi", now=NOW)


@pytest.fixture(scope="module")
def fixed_db(tmp_path_factory) -> str:
    from collector import db, migrations, records

    url = f"sqlite:///{tmp_path_factory.mktemp('golden') / 'collector.db'}"
    engine = db.make_engine(url)
    migrations.migrate(engine)
    build_office(engine)
    records.add_admin(engine, "pengelola", "kata-sandi-rahasia")
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def fixed_engine(fixed_db):
    from collector import db

    engine = db.make_engine(fixed_db)
    yield engine
    engine.dispose()


def render(engine) -> dict[str, bytes]:
    """The four downloads of the fixed data set, as the project writes them now."""
    from reportlab import rl_config

    from collector.report_csv import to_csv
    from collector.report_pdf import build_pdf
    from collector.report_xlsx import build_xlsx
    from collector.reports import office_report, report_source

    csv_text = to_csv(office_report(engine, DEMO_OFFICE, **PERIOD))
    source = report_source(engine, DEMO_OFFICE, **PERIOD)
    was, rl_config.invariant = rl_config.invariant, 1
    try:
        pdf = build_pdf(source, generated_at=GENERATED)
    finally:
        rl_config.invariant = was
    return {"report.csv": csv_text.encode("utf-8"),
            "report.xlsx": build_xlsx(source, generated_at=GENERATED),
            "report-comments.xlsx": build_xlsx(source, with_comments=True, generated_at=GENERATED),
            "report.pdf": pdf}


_STAMPS = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)")


def xlsx_entries(data: bytes) -> dict[str, bytes]:
    """The workbook's entries, in order, with the created/modified stamps (the time of writing) blanked."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return {name: _STAMPS.sub(rb"\1\3", book.read(name)) for name in book.namelist()}


@pytest.mark.parametrize("name", ["report.csv", "report.xlsx", "report-comments.xlsx", "report.pdf"])
def test_download_is_what_it_was(fixed_engine, name):
    now = render(fixed_engine)[name]
    before = (GOLDEN / name).read_bytes()
    if name.endswith(".xlsx"):
        have, want = xlsx_entries(now), xlsx_entries(before)
        assert list(have) == list(want)
        for entry in want:
            assert have[entry] == want[entry], entry
    else:
        assert now == before


def test_postgresql_gives_the_same_documents(postgres_database, monkeypatch):
    """On PostgreSQL the Data sheet comes through a server-side cursor in batches (made small here so there are
    several) and the languages from a jsonb grouping: the documents are the same bytes."""
    from collector import db, migrations, report_rows

    monkeypatch.setattr(report_rows, "BATCH", 7)
    engine = db.make_engine(postgres_database())
    migrations.migrate(engine)
    build_office(engine)
    try:
        documents = render(engine)
    finally:
        engine.dispose()
    for name, data in documents.items():
        if name.endswith(".xlsx"):
            assert xlsx_entries(data) == xlsx_entries((GOLDEN / name).read_bytes()), name
        else:
            assert data == (GOLDEN / name).read_bytes(), name


def test_walking_the_rows_gives_the_connection_back_as_it_was(fixed_db):
    """The Data sheet's pass shrinks SQLite's page cache for its own connection only: stopped half-way or run
    to the end, the pooled connection goes back to the collector with the cache it had."""
    from collector import db
    from collector.report_rows import DataRows
    from kiosk.counting import CountingRule

    engine = db.make_engine(fixed_db)  # a fresh pool: its one connection serves every use below
    try:
        with engine.connect() as conn:
            before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        rows = DataRows(engine, DEMO_OFFICE, None, None, None, CountingRule())
        walk = iter(rows)
        next(walk)
        walk.close()
        assert len(list(rows)) == 57  # every complete response of the office, no period given
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == before
    finally:
        engine.dispose()


def _same_workbook(data: bytes, name: str) -> None:
    have, want = xlsx_entries(data), xlsx_entries((GOLDEN / name).read_bytes())
    assert list(have) == list(want)
    # The summary sheet says when it was made; every other entry is the golden one's.
    assert {e for e in want if have[e] != want[e]} <= {"xl/worksheets/sheet1.xml"}


def test_the_dashboard_streams_the_same_documents(fixed_db):
    """The dashboard's CSV goes out a line at a time and its XLSX from a spooled file, with the same bytes."""
    import base64

    from fastapi.testclient import TestClient

    from collector.app import create_app

    login = {"Authorization": "Basic " + base64.b64encode(b"pengelola:kata-sandi-rahasia").decode()}
    params = {"from": "2026-07-01", "to": "2026-12-31"}
    app = create_app(fixed_db, clock=lambda: GENERATED)
    with TestClient(app) as client:
        base = f"/admin/offices/{DEMO_OFFICE}"
        with client.stream("GET", f"{base}/report.csv", params=params, headers=login) as answer:
            assert answer.status_code == 200
            assert "content-length" not in answer.headers  # streamed, not built whole first
            chunks = list(answer.iter_raw())
        assert len(chunks) > 1 and b"".join(chunks) == (GOLDEN / "report.csv").read_bytes()
        answer = client.get(f"{base}/report.xlsx", params=params, headers=login)
        assert answer.status_code == 200 and answer.headers["content-disposition"].endswith('.xlsx"')
        assert int(answer.headers["content-length"]) == len(answer.content)
        _same_workbook(answer.content, "report.xlsx")
        assert client.get(f"{base}/report.xlsx", params={"from": "2026-13-01"}, headers=login).status_code == 400
    app.state.engine.dispose()


def test_the_command_writes_the_same_documents(fixed_db, tmp_path):
    """`kiosk report` writes the CSV and the XLSX (with comments) as it goes, with the same bytes."""
    import os
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    period = ["--from", "2026-07-01", "--to", "2026-12-31"]
    for fmt, name, extra in (("csv", "report.csv", []), ("xlsx", "report-comments.xlsx", ["--with-comments"])):
        out = tmp_path / name
        done = subprocess.run([sys.executable, "-m", "kiosk", "report", "--db", fixed_db, "--office", DEMO_OFFICE,
                               *period, "--format", fmt, "--out", str(out), *extra,
                               "--data-dir", str(tmp_path / "data")], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
        assert "48 respondents" in done.stderr and not (tmp_path / f"{name}.part").exists()
        if fmt == "csv":
            assert out.read_bytes() == (GOLDEN / name).read_bytes()
        else:
            _same_workbook(out.read_bytes(), name)


if __name__ == "__main__" and sys.argv[1:] == ["--capture"]:
    import tempfile

    from collector import db, migrations

    with tempfile.TemporaryDirectory() as tmp:
        engine = db.make_engine(f"sqlite:///{tmp}/collector.db")
        migrations.migrate(engine)
        build_office(engine)
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for file_name, data in render(engine).items():
            (GOLDEN / file_name).write_bytes(data)
            print(file_name, len(data))
        engine.dispose()
