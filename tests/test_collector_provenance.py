"""What a credential may say about a response: one id per respondent, its channel, its time (SQLite and PostgreSQL)."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from collector.db import reading
from collector.tables import responses
from fixtures_collector import CollectorApp, make_wire

RECEIVED = datetime(2026, 11, 29, 3, 0, tzinfo=timezone.utc)
WITA = timezone(timedelta(hours=8))


@pytest.fixture
def app(collector_db_url):
    app = CollectorApp(collector_db_url, clock=lambda: RECEIVED)
    yield app
    app.close()


def rows(app) -> dict[str, dict]:
    with reading(app.engine) as conn:
        return {r.id: r._asdict() for r in conn.execute(select(responses))}


def spellings(rid: str) -> list[str]:
    plain = uuid.UUID(rid)
    return [str(plain), str(plain).upper(), "{" + str(plain) + "}", plain.hex, f"urn:uuid:{plain}"]


def test_one_uuid_is_one_respondent_however_it_is_spelled(app):
    wire = make_wire()
    sent = [{**wire, "id": spelling} for spelling in spellings(wire["id"])]
    answer = app.post(sent).json()["results"]
    assert [r["status"] for r in answer] == ["accepted"] + ["duplicate"] * 4
    assert [r["id"] for r in answer] == [w["id"] for w in sent]  # the kiosk matches results by what it sent
    again = app.post([{**wire, "id": wire["id"].upper(), "comment": "lain"}]).json()["results"]
    assert again[0]["status"] == "conflict"
    assert list(rows(app)) == [wire["id"]]


def test_an_upper_case_id_first_is_stored_in_canonical_spelling(app):
    wire = make_wire()
    assert app.statuses([{**wire, "id": wire["id"].upper()}]) == ["accepted"]
    assert app.statuses([wire]) == ["duplicate"]
    assert list(rows(app)) == [wire["id"]]


@pytest.mark.parametrize("channel", ["web", "paper"])
def test_a_kiosk_token_cannot_send_another_channel(app, channel):
    answer = app.post([make_wire(channel=channel), make_wire()]).json()["results"]
    assert [r["status"] for r in answer] == ["rejected", "accepted"]
    assert "channel must be 'kiosk'" in answer[0]["reason"] and channel in answer[0]["reason"]
    assert len(rows(app)) == 1


def test_the_collector_keeps_when_it_received_each_response(app):
    wire = make_wire()
    app.statuses([wire])
    row = rows(app)[wire["id"]]
    assert datetime.fromisoformat(row["received_at"]) == RECEIVED
    assert row["collector_flags"] == "" and row["local_date"] == "2026-11-28"


@pytest.mark.parametrize("submitted, believable", [
    (RECEIVED + timedelta(minutes=9), True),           # a few minutes ahead: clocks drift
    (RECEIVED + timedelta(minutes=11), False),         # ahead of the collector
    (RECEIVED + timedelta(days=365 * 70), False),      # 2096
    (RECEIVED - timedelta(days=399), True),            # a kiosk long offline
    (RECEIVED - timedelta(days=401), False),           # years behind: a reset clock
    (datetime(1970, 1, 1, tzinfo=timezone.utc), False),
    (datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))), False),  # not even representable in UTC
])
def test_an_implausible_device_clock_is_kept_flagged_and_dated_by_reception(app, submitted, believable):
    wire = make_wire(submitted_at=submitted.astimezone(WITA) if submitted.year > 1 else submitted)
    if submitted.year == 1:
        wire["started_at"] = wire["submitted_at"] = submitted.isoformat()
    assert app.statuses([wire]) == ["accepted"]
    row = rows(app)[wire["id"]]
    if believable:
        assert row["collector_flags"] == ""
        assert datetime.fromisoformat(row["submitted_at"]) == submitted
    else:
        assert row["collector_flags"] == "clock"
        assert datetime.fromisoformat(row["submitted_at"]) == RECEIVED
        assert row["local_date"] == "2026-11-29"  # the office's date (Asia/Makassar) at reception
    assert '"submitted_at":"' + wire["submitted_at"] + '"' in row["body"]  # what the device said is kept


@pytest.mark.parametrize("extra, day", [
    ({"device_clock_suspect": True, "device_clock_reason": "off_from_collector", "device_clock_offset_s": 2 * 86400},
     "2026-11-28"),  # the kiosk measured its error: dated by its time put right
    ({"device_clock_suspect": True, "device_clock_reason": "before_build"}, "2026-11-29"),  # no measure: reception
])
def test_a_kiosk_that_doubts_its_own_clock_is_flagged_and_dated_by_the_best_time_known(app, extra, day):
    wrong = datetime(2026, 11, 26, 9, 30, tzinfo=WITA)  # two days behind, which the rule alone would believe
    wire = make_wire(submitted_at=wrong, extra=extra)
    assert app.statuses([wire]) == ["accepted"]
    row = rows(app)[wire["id"]]
    assert (row["collector_flags"], row["local_date"]) == ("clock", day)
