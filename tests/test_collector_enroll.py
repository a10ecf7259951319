"""POST /api/v1/enroll: single-use, expiring codes that give a kiosk its token and the office config."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest

from collector import records
from fixtures_collector import DEMO_OFFICE, CollectorApp, make_wire
from kiosk import config as office_config


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clocked_app(collector_db_url):
    clock = Clock(datetime(2026, 11, 28, 1, 0, tzinfo=timezone.utc))
    app = CollectorApp(collector_db_url, clock=clock)
    app.clock = clock
    yield app
    app.close()


def test_a_code_enrols_one_kiosk_with_token_and_office_config(clocked_app):
    code, _ = records.new_enroll_code(clocked_app.engine, DEMO_OFFICE, now=clocked_app.clock.now)
    answer = clocked_app.client.post("/api/v1/enroll", json={"code": code})
    assert answer.status_code == 200
    body = answer.json()
    assert body["kiosk_id"].startswith("kiosk-") and len(body["token"]) >= 40
    # The config is TOML-ready: with a sync URL and the kiosk's PIN it checks as a kiosk config.
    checked, problems = office_config.check(body["config"])
    assert problems == [], problems
    assert checked.office.id == DEMO_OFFICE
    assert [s.id for s in checked.services] == ["ktp-el", "kk", "akta-lahir", "pindah-datang"]
    assert checked.sync.url == ""
    # The new token uploads for the office.
    assert clocked_app.statuses([make_wire()], token=body["token"]) == ["accepted"]


def test_a_code_works_once(clocked_app):
    code, _ = records.new_enroll_code(clocked_app.engine, DEMO_OFFICE, now=clocked_app.clock.now)
    assert clocked_app.client.post("/api/v1/enroll", json={"code": code}).status_code == 200
    again = clocked_app.client.post("/api/v1/enroll", json={"code": code})
    assert again.status_code == 403
    assert "already been used" in again.json()["detail"] and again.json()["code"] == "used-code"


def test_a_code_is_typed_back_without_caring_for_case_or_dashes(clocked_app):
    code, _ = records.new_enroll_code(clocked_app.engine, DEMO_OFFICE, now=clocked_app.clock.now)
    typed = code.replace("-", " ").lower()
    assert clocked_app.client.post("/api/v1/enroll", json={"code": typed}).status_code == 200


def test_a_code_expires_after_24_hours(clocked_app):
    code, expires_at = records.new_enroll_code(clocked_app.engine, DEMO_OFFICE, now=clocked_app.clock.now)
    assert datetime.fromisoformat(expires_at) == clocked_app.clock.now + timedelta(hours=24)
    clocked_app.clock.now += timedelta(hours=24, seconds=1)
    answer = clocked_app.client.post("/api/v1/enroll", json={"code": code})
    assert answer.status_code == 403
    assert "expired" in answer.json()["detail"] and answer.json()["code"] == "expired-code"


def test_a_code_still_works_just_before_it_expires(clocked_app):
    code, _ = records.new_enroll_code(clocked_app.engine, DEMO_OFFICE, now=clocked_app.clock.now)
    clocked_app.clock.now += timedelta(hours=23, minutes=59)
    assert clocked_app.client.post("/api/v1/enroll", json={"code": code}).status_code == 200


def test_unknown_and_malformed_codes(clocked_app):
    unknown = clocked_app.client.post("/api/v1/enroll", json={"code": "AAAA-BBBB-CCCC"})
    assert unknown.status_code == 403 and "unknown" in unknown.json()["detail"]
    assert unknown.json()["code"] == "unknown-code"
    for body in ({}, {"code": 12}, {"code": ""}, [1]):
        assert clocked_app.client.post("/api/v1/enroll", json=body).status_code == 400
    assert clocked_app.client.post("/api/v1/enroll", content=b"{").status_code == 400


def test_the_office_pin_travels_only_when_the_office_has_one(clocked_app):
    from kiosk.pin import hash_pin, verify_pin

    records.set_office_pin(clocked_app.engine, DEMO_OFFICE, None)
    code, _ = records.new_enroll_code(clocked_app.engine, DEMO_OFFICE, now=clocked_app.clock.now)
    assert "staff" not in clocked_app.client.post("/api/v1/enroll", json={"code": code}).json()["config"]
    records.set_office_pin(clocked_app.engine, DEMO_OFFICE, hash_pin("482916"))
    code, _ = records.new_enroll_code(clocked_app.engine, DEMO_OFFICE, now=clocked_app.clock.now)
    config = clocked_app.client.post("/api/v1/enroll", json={"code": code}).json()["config"]
    assert verify_pin("482916", config["staff"]["pin_hash"])


def test_an_office_without_services_cannot_enrol_yet(clocked_app):
    records.add_office(clocked_app.engine, "kantor-baru", "Kantor Baru")
    code, _ = records.new_enroll_code(clocked_app.engine, "kantor-baru", now=clocked_app.clock.now)
    refused = clocked_app.client.post("/api/v1/enroll", json={"code": code})
    assert refused.status_code == 403 and "no services" in refused.json()["detail"]
    assert refused.json()["code"] == "no-services" and "kiosk admin service-add" in refused.json()["detail"]
    records.add_service(clocked_app.engine, "kantor-baru", "umum", "Layanan umum", "General service")
    assert clocked_app.client.post("/api/v1/enroll", json={"code": code}).status_code == 200


def test_two_kiosks_racing_for_one_code_get_one_enrolment(clocked_app):
    code, _ = records.new_enroll_code(clocked_app.engine, DEMO_OFFICE, now=clocked_app.clock.now)
    outcomes: list[object] = []

    def redeem():
        try:
            outcomes.append(records.redeem_enroll_code(clocked_app.engine, code, now=clocked_app.clock.now)[0])
        except records.EnrolmentRefused as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=redeem) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(isinstance(o, str) for o in outcomes) == 1
    assert len(records.list_kiosks(clocked_app.engine, DEMO_OFFICE)) == 2  # the fixture's kiosk and the winner
