"""The region overview: regions, offices in them, `kiosk report --region` and the dashboard's region pages,
on both backends. Every office's figures must be exactly its own report JSON's."""
from __future__ import annotations

import base64
import csv
import io
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from collector import records, regions, voiding
from collector.reports import ReportError, office_report
from fixtures_collector import DEMO_OFFICE, make_wire

REPO = Path(__file__).resolve().parent.parent
MAKASSAR = timezone(timedelta(hours=8))
DAY = datetime(2026, 11, 10, 10, 0, tzinfo=MAKASSAR)
PERIOD = {"from": "2026-11-01", "to": "2026-11-30"}
SHARED = ("dukcapil-butur", DEMO_OFFICE, "rsud-butur", "kecamatan-kulisusu", "samsat-sultra")


def kiosk(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=120)


def refused(result: subprocess.CompletedProcess, needle: str) -> None:
    assert result.returncode != 0
    assert needle in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def add_office_with_kiosk(app, office_id: str, region_id: str | None) -> str:
    records.add_office(app.engine, office_id, office_id.replace("-", " ").title(), timezone_name="Asia/Makassar")
    records.add_service(app.engine, office_id, "umum", "Layanan umum", "General service")
    if region_id:
        regions.set_office_region(app.engine, office_id, region_id)
    return records.add_kiosk(app.engine, office_id)[1]


@pytest.fixture
def province(collector_app):
    """A provinsi with a kabupaten in it: the demo office and RSUD in the kabupaten, Samsat directly in the
    provinsi, a kecamatan office in the kabupaten with no responses, and an office elsewhere (left out)."""
    engine = collector_app.engine
    regions.add_region(engine, "sultra", "Provinsi Sulawesi Tenggara", "provinsi")
    regions.add_region(engine, "butur", "Kabupaten Buton Utara", "kabupaten", parent_id="sultra")
    regions.set_office_region(engine, DEMO_OFFICE, "butur")
    tokens = {"rsud-butur": add_office_with_kiosk(collector_app, "rsud-butur", "butur"),
              "samsat-sultra": add_office_with_kiosk(collector_app, "samsat-sultra", "sultra"),
              "kecamatan-kulisusu": add_office_with_kiosk(collector_app, "kecamatan-kulisusu", "butur"),
              "kantor-jauh": add_office_with_kiosk(collector_app, "kantor-jauh", None)}
    demo = [make_wire(answers={f"U{i}": 1 + (i + n) % 4 for i in range(1, 10)}, submitted_at=DAY + timedelta(days=n))
            for n in range(7)]
    demo += [make_wire(flags=["simulated"], submitted_at=DAY), make_wire(complete=False, answers={"U1": 2},
                                                                         submitted_at=DAY),
             make_wire(submitted_at=DAY - timedelta(days=40))]  # before the period
    assert set(collector_app.statuses(demo)) == {"accepted"}
    voiding.void(engine, DEMO_OFFICE, [demo[0]["id"]], reason="double entry", actor="test")
    rsud = [make_wire("rsud-butur", "umum", answers={f"U{i}": 4 for i in range(1, 10)}, submitted_at=DAY)
            for _ in range(3)]
    rsud.append(make_wire("rsud-butur", "umum", answers={"U1": 3, "U2": 4}, submitted_at=DAY))  # skipped unsur
    samsat = [make_wire("samsat-sultra", "umum", answers={f"U{i}": 2 + i % 2 for i in range(1, 10)},
                        submitted_at=DAY + timedelta(hours=n)) for n in range(5)]
    jauh = [make_wire("kantor-jauh", "umum", submitted_at=DAY)]
    for office_id, items in (("rsud-butur", rsud), ("samsat-sultra", samsat), ("kantor-jauh", jauh)):
        assert set(collector_app.statuses(items, tokens[office_id])) == {"accepted"}
    return collector_app


def period():
    from datetime import date

    return date(2026, 11, 1), date(2026, 11, 30)


def test_each_office_row_is_its_own_report_exactly_and_ranked(province):
    start, end = period()
    overview = regions.region_report(province.engine, "sultra", date_from=start, date_to=end)
    assert overview["scope"] == {"region_id": "sultra", "from": "2026-11-01", "to": "2026-11-30"}
    assert overview["region"] == {"id": "sultra", "name": "Provinsi Sulawesi Tenggara", "kind": "provinsi",
                                  "parent_id": None}
    rows = {row["office_id"]: row for row in overview["offices"]}
    assert set(rows) == {DEMO_OFFICE, "rsud-butur", "samsat-sultra", "kecamatan-kulisusu"}  # not kantor-jauh
    for office_id, row in rows.items():
        own = office_report(province.engine, office_id, date_from=start, date_to=end)
        for key in ("respondents", "ikm", "ikm_converted", "mutu", "kinerja", "channels", "excluded"):
            assert row[key] == own[key], (office_id, key)
        assert row["sample"] == {"required": own["sample"]["required"], "reached": own["sample"]["smallest_answered"],
                                 "sufficient": own["sample"]["sufficient"]}
    # The counting rule was applied (one void, one simulated, one abandoned, one outside the period).
    assert rows[DEMO_OFFICE]["respondents"] == 6
    assert rows[DEMO_OFFICE]["excluded"]["voided"] == 1 and rows[DEMO_OFFICE]["excluded"]["simulated"] == 1
    assert rows["rsud-butur"]["respondents"] == 4
    assert rows["rsud-butur"]["sample"]["reached"] == 3  # U3..U9 answered only by three of the four
    assert overview["respondents"] == 6 + 4 + 5
    ranked = [row["office_id"] for row in overview["offices"]]
    assert ranked[0] == "rsud-butur" and ranked[-1] == "kecamatan-kulisusu"
    ikms = [row["ikm"] for row in overview["offices"] if row["ikm"] is not None]
    assert ikms == sorted(ikms, reverse=True)
    assert [row["rank"] for row in overview["offices"]] == [1, 2, 3, None]
    # A kabupaten holds only its own offices.
    kabupaten = regions.region_report(province.engine, "butur", date_from=start, date_to=end)
    assert {row["office_id"] for row in kabupaten["offices"]} == {DEMO_OFFICE, "rsud-butur", "kecamatan-kulisusu"}


def test_silent_kiosks_are_counted_per_office(province):
    start, end = period()
    later = records.utc_now() + timedelta(days=3)  # past the working day without a word
    overview = regions.region_report(province.engine, "butur", date_from=start, date_to=end, now=later)
    rows = {row["office_id"]: row for row in overview["offices"]}
    assert rows["rsud-butur"]["kiosks"] == {"active": 1, "silent": 1, "ok": 0}
    assert overview["kiosks"] == {"active": 3, "silent": 3}
    fresh = regions.region_report(province.engine, "butur", date_from=start, date_to=end)
    assert fresh["kiosks"] == {"active": 3, "silent": 0}


def test_region_rules(collector_app):
    engine = collector_app.engine
    from kiosk.errors import UserError

    regions.add_region(engine, "sultra", "Sulawesi Tenggara", "provinsi")
    for call, needle in ((lambda: regions.add_region(engine, "sultra", "Lagi", "provinsi"), "already exists"),
                         (lambda: regions.add_region(engine, "Bad Id", "X", "kota"), "must be made of"),
                         (lambda: regions.add_region(engine, "x", "X", "desa"), "must be one of"),
                         (lambda: regions.add_region(engine, "x", "X", "kota", parent_id="nowhere"), "no region"),
                         (lambda: regions.add_region(engine, "x", "X", "provinsi", parent_id="sultra"),
                          "only in a provinsi"),
                         (lambda: regions.set_office_region(engine, DEMO_OFFICE, "nowhere"), "no region"),
                         (lambda: regions.set_office_region(engine, "tidak-ada", "sultra"), "no office")):
        with pytest.raises(UserError, match=needle):
            call()
    with pytest.raises(ReportError) as missing:
        regions.region_report(engine, "nowhere")
    assert missing.value.status == 404
    regions.set_office_region(engine, DEMO_OFFICE, "sultra")
    assert regions.list_regions(engine) == [{"id": "sultra", "name": "Sulawesi Tenggara", "kind": "provinsi",
                                             "parent_id": None, "offices": [DEMO_OFFICE]}]
    regions.set_office_region(engine, DEMO_OFFICE, None)
    assert regions.list_regions(engine)[0]["offices"] == []


def test_the_command_line_region_report(province, tmp_path):
    db = province.db_url
    added = kiosk("admin", "region-add", "--db", db, "--id", "kolaka", "--name", "Kabupaten Kolaka",
                  "--kind", "kabupaten", "--parent", "sultra")
    assert added.returncode == 0, added.stderr
    office = kiosk("admin", "office-add", "--db", db, "--id", "dinkes-kolaka", "--name", "Dinas Kesehatan Kolaka",
                   "--region", "kolaka")
    assert office.returncode == 0, office.stderr
    assert json.loads(office.stdout)["region_id"] == "kolaka"
    moved = kiosk("admin", "office-region", "--db", db, "--office", "kantor-jauh", "--region", "kolaka")
    assert moved.returncode == 0, moved.stderr
    listed = {r["id"]: r for r in json.loads(kiosk("admin", "regions", "--db", db).stdout)}
    assert listed["kolaka"]["offices"] == ["dinkes-kolaka", "kantor-jauh"]

    shown = kiosk("report", "--db", db, "--region", "sultra", "--from", PERIOD["from"], "--to", PERIOD["to"])
    assert shown.returncode == 0, shown.stderr
    overview = json.loads(shown.stdout)
    assert [r["office_id"] for r in overview["offices"]][-2:] == ["dinkes-kolaka", "kecamatan-kulisusu"]
    own = kiosk("report", "--db", db, "--office", "kantor-jauh", "--from", PERIOD["from"], "--to", PERIOD["to"])
    own_json = json.loads(own.stdout)
    row = next(r for r in overview["offices"] if r["office_id"] == "kantor-jauh")
    assert (row["respondents"], row["ikm"], row["ikm_converted"], row["mutu"]) == (
        own_json["respondents"], own_json["ikm"], own_json["ikm_converted"], own_json["mutu"])

    table = kiosk("report", "--db", db, "--region", "sultra", "--format", "csv", "--from", PERIOD["from"],
                  "--to", PERIOD["to"])
    lines = list(csv.DictReader(io.StringIO(table.stdout)))
    assert [line["office_id"] for line in lines] == [r["office_id"] for r in overview["offices"]]
    assert lines[0]["ikm_converted"] == str(overview["offices"][0]["ikm_converted"])

    out = tmp_path / "region.xlsx"
    written = kiosk("report", "--db", db, "--region", "sultra", "--format", "xlsx", "--out", str(out))
    assert written.returncode == 0, written.stderr
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][:3] == ("rank", "office_id", "name")
    assert [v[1] for v in values[2:]] == [r["office_id"] for r in json.loads(
        kiosk("report", "--db", db, "--region", "sultra").stdout)["offices"]]

    refused(kiosk("report", "--db", db, "--region", "nowhere"), "no region 'nowhere'")
    refused(kiosk("report", "--db", db, "--region", "sultra", "--format", "pdf"), "not pdf")
    refused(kiosk("report", "--db", db, "--region", "sultra", "--format", "xlsx"), "--out")
    refused(kiosk("admin", "office-add", "--db", db, "--id", "baru", "--name", "Baru", "--region", "nowhere"),
            "no region 'nowhere'")
    assert "baru" not in {o["id"] for o in json.loads(kiosk("admin", "offices", "--db", db).stdout)}
    refused(kiosk("admin", "region-add", "--db", db, "--id", "kolaka", "--name", "X", "--kind", "kota"),
            "already exists")


def basic(name: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()}


def test_dashboard_region_page_drills_down_to_each_office(province):
    records.add_admin(province.engine, "bupati", "kata-sandi-bupati")
    login = basic("bupati", "kata-sandi-bupati")
    client = province.client
    assert client.get("/admin/regions/butur").status_code == 401
    listing = client.get("/admin/regions", headers=login)
    assert listing.status_code == 200 and 'href="/admin/regions/butur?' in listing.text
    page = client.get("/admin/regions/sultra", params=PERIOD, headers=login)
    assert page.status_code == 200
    start, end = period()
    overview = regions.region_report(province.engine, "sultra", date_from=start, date_to=end)
    positions = [page.text.index(f'href="/admin/offices/{r["office_id"]}?') for r in overview["offices"]]
    assert positions == sorted(positions)  # shown in rank order, each a link to the office's page
    first = overview["offices"][0]
    assert f'{first["ikm_converted"]:.2f}'.replace(".", ",") in page.text  # the Indonesian page's decimal comma
    drill = client.get(f"/admin/offices/{first['office_id']}", params=PERIOD, headers=login)
    assert drill.status_code == 200
    assert "Wilayah" in client.get("/admin", headers=login).text  # the header links to the regions
    assert "Regions" in client.get("/admin/regions", params={"lang": "en"}, headers=login).text
    download = client.get("/admin/regions/sultra/report.csv", params=PERIOD, headers=login)
    assert download.status_code == 200 and download.text == __import__("collector.region_formats").region_formats \
        .to_csv(overview)
    assert client.get("/admin/regions/nowhere", headers=login).status_code == 404
    assert client.get("/admin/regions/sultra/report.pdf", headers=login).status_code == 404
    assert client.get("/admin/regions/sultra", params={"from": "kemarin"}, headers=login).status_code == 400


def test_an_admin_of_some_offices_sees_only_those_in_the_region(province):
    records.add_admin(province.engine, "kepala-rsud", "kata-sandi-rsud", office_ids=("rsud-butur",))
    page = province.client.get("/admin/regions/sultra", params=PERIOD, headers=basic("kepala-rsud", "kata-sandi-rsud"))
    assert page.status_code == 200
    assert "/admin/offices/rsud-butur?" in page.text and f"/admin/offices/{DEMO_OFFICE}?" not in page.text


def test_follow_up_status_for_a_plan_period(province):
    from datetime import date

    from collector import followup

    for status in ("done", "planned", "done"):
        followup.add(province.engine, "rsud-butur", period="2026-Q4", unsur="U3", action="Papan informasi biaya",
                     quarter="2027-Q1", person="Kepala TU", status=status)
    quarter = regions.region_report(province.engine, "butur", date_from=date(2026, 10, 1), date_to=date(2026, 12, 31))
    rows = {row["office_id"]: row for row in quarter["offices"]}
    assert rows["rsud-butur"]["followup"] == {"period": "2026-Q4", "actions": 3, "planned": 1, "in-progress": 0,
                                              "done": 2, "dropped": 0}
    assert rows[DEMO_OFFICE]["followup"]["actions"] == 0
    from collector.region_formats import to_csv

    line = next(r for r in csv.DictReader(io.StringIO(to_csv(quarter))) if r["office_id"] == "rsud-butur")
    assert (line["followup_actions"], line["followup_done"]) == ("3", "2")
    # Dates that are not a plan's period (a year, semester or triwulan) have no follow-up to show.
    start, end = period()
    assert regions.region_report(province.engine, "butur", date_from=start, date_to=end)["offices"][0]["followup"] is None
