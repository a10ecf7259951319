"""`kiosk admin paper-import`: paper questionnaires into the collector as channel paper (SQLite, PostgreSQL)."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

from collector.reports import office_report
from fixtures_collector import DEMO_OFFICE

HEADER = "tanggal;U1;U2;U3;U4;U5;U6;U7;U8;U9;service;gender;age_group;education;occupation"
GOOD = [
    "03/11/2026;4;4;3;4;4;3;4;4;3;ktp-el;L;37;SLTA;wiraswasta",
    "2026-11-04;d;c;c;d;d;d;d;c;c;Kartu Keluarga;P;22;S1;mahasiswa",
    "05/11/2026;3;3;;3;3;3;3;3;3;;p;;d3;ASN",
]


def admin(db_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk", "admin", *args, "--db", db_url],
                          capture_output=True, text=True, timeout=120)


def write(path, rows):
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return str(path)


def test_a_file_imported_twice_is_stored_once(office_db, tmp_path):
    url, engine = office_db
    paper = write(tmp_path / "kuesioner-november.csv", GOOD)
    first = admin(url, "paper-import", "--office", DEMO_OFFICE, "--by", "operator", paper)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert (summary["rows"], summary["accepted"], summary["duplicate"]) == (3, 3, 0)
    second = json.loads(admin(url, "paper-import", "--office", DEMO_OFFICE, paper).stdout)
    assert (second["accepted"], second["duplicate"]) == (0, 3)

    report = office_report(engine, DEMO_OFFICE)
    assert report["respondents"] == 3 and report["channels"] == {"kiosk": 0, "web": 0, "paper": 3}
    assert report["profile"]["gender"] == {"f": 2, "m": 1}
    assert report["profile"]["age_group"] == {"-": 1, "20-24": 1, "35-44": 1}
    assert report["profile"]["education"] == {"d1-d3": 1, "s1": 1, "sma": 1}
    assert report["profile"]["occupation"] == {"pelajar": 1, "pns": 1, "wiraswasta": 1}
    u1 = next(u for u in report["unsur"] if u["code"] == "U1")
    assert (u1["answered"], u1["sum"]) == (3, 4 + 4 + 3)  # "d" on paper is 4
    assert {s["service_id"]: s["respondents"] for s in report["services"]} == {"ktp-el": 1, "kk": 1, None: 1}
    by_day = office_report(engine, DEMO_OFFICE, date_from=dt.date(2026, 11, 4), date_to=dt.date(2026, 11, 4))
    assert by_day["respondents"] == 1  # placed by the date written on the form

    log = [json.loads(line) for line in admin(url, "audit", "--office", DEMO_OFFICE).stdout.splitlines()]
    assert [(e["action"], e["actor"], e["detail"]["accepted"]) for e in log][0] == ("paper-import", "operator", 3)
    assert len(log) == 2 and log[0]["detail"]["file"] == "kuesioner-november.csv"


def test_every_bad_cell_is_reported_at_once_and_nothing_is_stored(office_db, tmp_path):
    url, engine = office_db
    paper = write(tmp_path / "salah.csv", GOOD + [
        "06/11/2026;5;4;4;4;4;4;4;4;4;ktp-el;X;;;",
        "31/02/2026;4;4;4;4;4;4;4;4;e;paspor;L;;S9;",
        "07/11/2099;4;4;4;4;4;4;4;4;4;;;;;",
    ])
    done = admin(url, "paper-import", "--office", DEMO_OFFICE, paper)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "nothing imported: 7 problem(s)" in done.stderr
    problems = json.loads(done.stdout)["problems"]
    for words in ("row 5, column U1 holds '5'", "row 5, column gender holds 'X'", "row 6, column U9 holds 'e'",
                  "row 6, column education holds 'S9'", "row 6, column tanggal holds '31/02/2026'",
                  "row 7 is dated 2099-11-07, after today", "row 6, column service holds 'paspor'"):
        assert any(words in p for p in problems), (words, problems)
    assert office_report(engine, DEMO_OFFICE)["respondents"] == 0


def test_a_missing_file_is_one_sentence(office_db, tmp_path):
    url, _ = office_db
    done = admin(url, "paper-import", "--office", DEMO_OFFICE, str(tmp_path / "tidak-ada.csv"))
    assert done.returncode != 0 and "does not exist" in done.stderr and "Traceback" not in done.stderr
