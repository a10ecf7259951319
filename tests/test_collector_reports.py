"""GET /api/v1/reports/ikm: admin only; the numbers are kiosk.ikm's over the stored responses in scope."""
from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

import pytest

from collector import records
from fixtures_collector import DEMO_OFFICE, make_wire
from kiosk import ikm
from kiosk.config import DEMO_CONFIG, load
from kiosk.response import Response

MAKASSAR = timezone(timedelta(hours=8))  # the demo office's time zone (Asia/Makassar)
JAKARTA = timezone(timedelta(hours=7))


def basic(name: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()}


@pytest.fixture
def admin(collector_app) -> dict:
    records.add_admin(collector_app.engine, "pengelola", "kata-sandi-rahasia")
    return basic("pengelola", "kata-sandi-rahasia")


def report(collector_app, headers, **params):
    return collector_app.client.get("/api/v1/reports/ikm", params={"office": DEMO_OFFICE, **params}, headers=headers)


def test_reports_need_an_admin_login(collector_app, admin):
    assert report(collector_app, {}).status_code == 401
    assert report(collector_app, basic("pengelola", "salah")).status_code == 401
    assert report(collector_app, basic("orang-lain", "kata-sandi-rahasia")).status_code == 401
    assert report(collector_app, collector_app.auth()).status_code == 401  # a kiosk token is not an admin
    assert report(collector_app, admin).status_code == 200


def test_all_fours_give_100_and_mutu_a(collector_app, admin):
    collector_app.statuses([make_wire(answers={f"U{i}": 4 for i in range(1, 10)}) for _ in range(3)])
    body = report(collector_app, admin).json()
    assert body["respondents"] == 3
    assert body["ikm_converted"] == 100.0 and body["mutu"] == "A" and body["kinerja"] == "Sangat baik"
    assert body["scope"] == {"office_id": DEMO_OFFICE, "service_id": None, "from": None, "to": None}


def test_numbers_are_the_engines_over_what_is_in_scope(collector_app, admin):
    day = datetime(2026, 11, 10, 10, 0, tzinfo=MAKASSAR)
    in_scope = [make_wire(answers={"U1": 1 + i % 4, "U2": 2 + i % 3, "U5": 3, "U9": 4 - i % 2},
                          submitted_at=day + timedelta(days=i)) for i in range(6)]
    other_service = make_wire(service_id="kk", submitted_at=day)
    too_late = make_wire(submitted_at=day + timedelta(days=30))
    abandoned = make_wire(complete=False, answers={"U1": 1}, submitted_at=day)
    collector_app.statuses(in_scope + [other_service, too_late, abandoned])
    body = report(collector_app, admin, service="ktp-el", **{"from": "2026-11-10", "to": "2026-11-20"}).json()
    expected = ikm.report([Response.from_wire(w) for w in in_scope + [abandoned]], load(DEMO_CONFIG).questionnaire,
                          scope={"office_id": DEMO_OFFICE, "service_id": "ktp-el",
                                 "from": "2026-11-10", "to": "2026-11-20"})
    assert body == expected
    assert body["respondents"] == 6
    assert body["unsur"][0]["answered"] == 6


def test_dates_are_the_offices_local_dates(collector_app, admin):
    # 23:30 in Jakarta is already the next day in Makassar, where the demo office is.
    late_evening = make_wire(submitted_at=datetime(2026, 11, 27, 23, 30, tzinfo=JAKARTA))
    collector_app.statuses([late_evening])
    assert report(collector_app, admin, **{"from": "2026-11-28", "to": "2026-11-28"}).json()["respondents"] == 1
    assert report(collector_app, admin, **{"from": "2026-11-27", "to": "2026-11-27"}).json()["respondents"] == 0


def test_population_gives_the_sample_check(collector_app, admin):
    collector_app.statuses([make_wire() for _ in range(10)])
    sample = report(collector_app, admin, population=10).json()["sample"]
    assert sample == {"population": 10, "required": 10, "sufficient": True, "smallest_answered": 10}
    too_small = report(collector_app, admin, population=9)
    assert too_small.status_code == 400 and "smaller than the 10 respondents" in too_small.json()["detail"]


def test_bad_report_requests(collector_app, admin):
    assert report(collector_app, admin, office="tidak-ada").status_code == 404
    assert report(collector_app, admin, service="sim-c").status_code == 404
    assert report(collector_app, admin, **{"from": "2026-13-01"}).status_code == 400
    assert report(collector_app, admin, **{"from": "2026-12-01", "to": "2026-11-01"}).status_code == 400
    assert collector_app.client.get("/api/v1/reports/ikm", headers=admin).status_code == 400


def test_nul_characters_are_not_found_rather_than_a_server_error(collector_app, admin):
    assert report(collector_app, admin, office="a\x00b").status_code == 404
    assert report(collector_app, admin, service="ktp\x00").status_code == 404
    assert report(collector_app, basic("peng\x00elola", "kata-sandi-rahasia")).status_code == 401
    assert collector_app.client.get("/admin/offices/a%00b", headers=admin).status_code == 404


def test_an_admin_of_some_offices_reads_only_those(collector_app):
    from kiosk.config import Service
    from kiosk.questionnaire import Text

    records.add_office(collector_app.engine, "kantor-lain", "Kantor Lain",
                       services_=(Service("umum", Text("Umum", "General")),))
    records.add_admin(collector_app.engine, "kepala-dukcapil", "kata-sandi-kepala", office_ids=(DEMO_OFFICE,))
    own = basic("kepala-dukcapil", "kata-sandi-kepala")
    assert report(collector_app, own).status_code == 200
    refused = report(collector_app, own, office="kantor-lain")
    assert refused.status_code == 403 and "kantor-lain" in refused.json()["detail"]
    # Setting the password again without offices makes the admin province-wide.
    records.add_admin(collector_app.engine, "kepala-dukcapil", "kata-sandi-kepala")
    assert report(collector_app, own, office="kantor-lain").status_code == 200
