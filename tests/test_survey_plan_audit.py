"""Edits of the survey team, its decree (SK) and the schedule go to the append-only audit log as follow-up plan
edits do (who, when, each field from what to what), on SQLite and PostgreSQL, and the Laporan shows them: the PDF's
audit lampiran and the workbook's "Tim & Jadwal" sheet."""
from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone

from collector import survey_plan
from fixtures_collector import DEMO_OFFICE

ADDED = datetime(2026, 6, 20, 1, 30, tzinfo=timezone.utc)  # 09.30 in Makassar, the office's clock


def admin(db_url: str, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "kiosk", "admin", *args, "--db", db_url], capture_output=True,
                          text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_every_team_decree_and_schedule_edit_is_in_the_audit_log_and_the_report(office_db, tmp_path):
    import openpyxl

    from collector.report_pdf import build_pdf
    from collector.report_xlsx import build_xlsx
    from collector.reports import report_source

    url, engine = office_db
    survey_plan.set_plan(engine, DEMO_OFFICE, "2026-S2", decree_number="800/12/2026",
                         stages={"preparation": ("2026-06-01", "2026-06-30")}, by="sekretaris", now=ADDED)
    survey_plan.set_plan(engine, DEMO_OFFICE, "2026-S2", decree_number="800/12/2026", by="sekretaris",
                         now=ADDED + timedelta(minutes=1))  # saved unchanged: no line
    chair = survey_plan.add_member(engine, DEMO_OFFICE, "2026-S2", name="Wa Ode Hasnia", role="Ketua",
                                   position="Kepala Bidang", by="sekretaris", now=ADDED + timedelta(minutes=2))
    survey_plan.add_member(engine, DEMO_OFFICE, "2026", name="Lain Periode", role="Anggota", by="x",
                           now=ADDED + timedelta(minutes=3))  # another period's team: not in this report
    fixed = admin(url, "survey-plan", "--office", DEMO_OFFICE, "--period", "2026-S2", "--decree-number", "800/123/2026",
                  "--decree-date", "2026-06-20", "--preparation", "", "--by", "kepala")
    assert fixed.returncode == 0, fixed.stderr
    typo = json.loads(admin(url, "team", "add", "--office", DEMO_OFFICE, "--period", "2026-S2", "--name", "Salah Ketik",
                            "--role", "Anggota").stdout)
    assert admin(url, "team", "remove", typo["id"], "--by", "operator").returncode == 0

    logged = subprocess.run([sys.executable, "-m", "kiosk", "admin", "audit", "--office", DEMO_OFFICE, "--db", url],
                            capture_output=True, text=True, timeout=120)
    edits = [e for e in map(json.loads, logged.stdout.splitlines())
             if e["action"] in ("survey-plan-change", "team-add", "team-remove") and e["detail"]["period"] == "2026-S2"]
    assert [(e["action"], e["actor"]) for e in edits] == [
        ("survey-plan-change", "sekretaris"), ("team-add", "sekretaris"), ("survey-plan-change", "kepala"),
        ("team-add", "admin-cli"), ("team-remove", "operator")]
    assert edits[0]["at"].startswith("2026-06-20T01:30")
    assert edits[0]["detail"]["changes"] == {"decree_number": [None, "800/12/2026"],
                                             "preparation": [None, "2026-06-01:2026-06-30"]}
    assert edits[1]["detail"] == {"period": "2026-S2", "member_id": chair.id, "changes": {
        "name": [None, "Wa Ode Hasnia"], "position": [None, "Kepala Bidang"], "role": [None, "Ketua"]}}
    assert edits[2]["detail"]["changes"] == {"decree_number": ["800/12/2026", "800/123/2026"],
                                             "decree_date": [None, "2026-06-20"],
                                             "preparation": ["2026-06-01:2026-06-30", None]}
    assert edits[4]["detail"]["changes"] == {"name": ["Salah Ketik", None], "role": ["Anggota", None]}

    source = report_source(engine, DEMO_OFFICE, date_from=dt.date(2026, 7, 1), date_to=dt.date(2026, 12, 31))
    assert len(source.team_audit) == 5  # the 2026 team's line belongs to another period
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(io.BytesIO(build_xlsx(source)))["Tim & Jadwal"]
            .iter_rows()]
    shown = [r for r in rows if r[0] is None and r[1]]
    assert [(r[2], r[3]) for r in shown] == [
        ("sekretaris", "SK dan jadwal (semester II 2026)"), ("sekretaris", "Tim pelaksana (semester II 2026)"),
        ("kepala", "SK dan jadwal (semester II 2026)"), ("admin-cli", "Tim pelaksana (semester II 2026)"),
        ("operator", "Tim pelaksana (semester II 2026)")]
    assert [r[1] for r in shown[:2]] == ["2026-06-20 09:30", "2026-06-20 09:32"]  # the office's local time
    assert shown[0][4] == "nomor SK: (kosong) menjadi 800/12/2026; jadwal persiapan: (kosong) menjadi " \
                          "2026-06-01 s.d. 2026-06-30"
    assert shown[1][4] == "ditambahkan: nama Wa Ode Hasnia; jabatan Kepala Bidang; kedudukan dalam tim Ketua"
    assert shown[4][4] == "dihapus: nama Salah Ketik; kedudukan dalam tim Anggota"
    (tmp_path / "laporan.pdf").write_bytes(build_pdf(source))
    if shutil.which("pdftotext"):
        text = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / "laporan.pdf"), "-"],
                                       capture_output=True, text=True, check=True).stdout.split())
        annex = text[text.rindex("Perubahan tim pelaksana, SK dan jadwal"):]
        assert "kepala SK dan jadwal (semester II 2026) nomor SK: 800/12/2026 menjadi 800/123/2026; tanggal SK: " \
               "(kosong) menjadi 2026-06-20; jadwal persiapan: 2026-06-01 s.d. 2026-06-30 menjadi (kosong)" in annex
        assert "Lain Periode" not in text


def test_the_survey_plan_page_lists_its_history_newest_first_in_both_languages(collector_db_url):
    """The dashboard's survey-plan page shows the audit log's lines about its period: who, when (office time),
    what changed from what to what; edits made on the page itself appear there."""
    import re

    from collector import records
    from collector.login import SESSION_COOKIE
    from fixtures_collector import CollectorApp

    moments = iter(ADDED + timedelta(minutes=m) for m in range(100))
    app = CollectorApp(collector_db_url, clock=lambda: next(moments))
    try:
        client, engine = app.client, app.engine
        records.add_admin(engine, "pengelola", "kata-sandi-rahasia")
        cookie = client.app.state.logins.start_session(records.Admin("pengelola", None))
        csrf = client.app.state.logins.session(cookie).csrf
        client.cookies.set(SESSION_COOKIE, cookie)
        base = f"/admin/offices/{DEMO_OFFICE}/survey-plan"
        assert "Belum ada perubahan yang tercatat untuk periode ini." in client.get(base, params={"period": "2026-S2"}).text
        survey_plan.set_plan(engine, DEMO_OFFICE, "2026-S2", decree_number="800/1/2026", by="sekretaris",
                             now=ADDED - timedelta(days=1))
        survey_plan.add_member(engine, DEMO_OFFICE, "2026", name="Lain Periode", role="Anggota", by="x", now=ADDED)
        saved = client.post(f"{base}?period=2026-S2", follow_redirects=False, data={
            "csrf": csrf, "decree_number": "800/45/2026 <b>", "decree_date": "", "preparation_from": "2026-06-01",
            "preparation_to": "2026-06-30", **{f"{s}_{end}": "" for s in ("collection", "processing", "reporting")
                                               for end in ("from", "to")}})
        assert saved.status_code == 303
        added = client.post(f"{base}/team?period=2026-S2", follow_redirects=False,
                            data={"csrf": csrf, "name": "Salah Ketik", "role": "Anggota", "position": ""})
        assert added.status_code == 303
        member = survey_plan.team(engine, DEMO_OFFICE, "2026-S2")[0]
        assert client.post(f"{base}/team/{member.id}/remove?period=2026-S2", data={"csrf": csrf},
                           follow_redirects=False).status_code == 303

        def history(lang: str) -> list[tuple[str, str, str, list[str]]]:
            html = client.get(base, params={"period": "2026-S2", "lang": lang}).text
            section = html[html.index('<h3 id="history"'):]
            return [(when, who, what, re.findall(r"<li>(.*?)</li>", changes)) for when, who, what, changes in
                    re.findall(r"<tr><td>([\d: -]+)</td><td>(\w+)</td><td>([^<]+)</td>\s*<td><ul>(.*?)</ul>", section)]

        logged = survey_plan.history(engine, DEMO_OFFICE, "2026-S2")
        assert [e["actor"] for e in logged] == ["sekretaris", "pengelola", "pengelola", "pengelola"]
        local = [dt.datetime.fromisoformat(e["at"]).astimezone(timezone(timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")
                 for e in reversed(logged)]
        assert local[-1] == "2026-06-19 09:30" and len(set(local)) == 4  # the office's clock (WITA), each edit its own
        assert history("id") == [
            (local[0], "pengelola", "Anggota tim dihapus", ["Nama: Salah Ketik", "Kedudukan dalam tim: Anggota"]),
            (local[1], "pengelola", "Anggota tim ditambahkan", ["Nama: Salah Ketik", "Kedudukan dalam tim: Anggota"]),
            (local[2], "pengelola", "SK dan jadwal diubah", ["Nomor SK: 800/1/2026 → 800/45/2026 &lt;b&gt;",
                                                              "Persiapan: (kosong) → 2026-06-01 – 2026-06-30"]),
            (local[3], "sekretaris", "SK dan jadwal diubah", ["Nomor SK: (kosong) → 800/1/2026"])]
        english = history("en")
        assert [e[2] for e in english] == ["Team member removed", "Team member added", "Decree and schedule changed",
                                           "Decree and schedule changed"]
        assert english[2][3] == ["Decree (SK) number: 800/1/2026 → 800/45/2026 &lt;b&gt;",
                                 "Preparation: (empty) → 2026-06-01 – 2026-06-30"]
        assert "Lain Periode" not in client.get(base, params={"period": "2026-S2"}).text  # another period's edit
        year = client.get(base, params={"period": "2026"}).text
        assert "Nama: Lain Periode" in year[year.index('<h3 id="history"'):]
    finally:
        app.close()
