"""The wire shape of a response and its validation."""
from datetime import datetime, timedelta, timezone

from kiosk.response import Response, new_response, validate_wire

WITA = timezone(timedelta(hours=8))


def make(**kw):
    started = datetime(2026, 11, 28, 8, 1, 2, tzinfo=WITA)
    args = dict(office_id="dukcapil-butur", service_id="ktp-el", answers={f"U{i}": 3 for i in range(1, 10)},
                started_at=started, submitted_at=started + timedelta(seconds=29))
    return new_response(**(args | kw))


def test_wire_shape_matches_design():
    wire = make(profile={"gender": "f"}).to_wire()
    assert list(wire) == ["id", "office_id", "service_id", "questionnaire", "questionnaire_version", "channel",
                          "locale", "started_at", "submitted_at", "answers", "extra", "profile", "comment",
                          "complete", "flags"]
    assert wire["started_at"] == "2026-11-28T08:01:02+08:00"
    assert wire["submitted_at"] == "2026-11-28T08:01:31+08:00"
    assert (wire["questionnaire"], wire["questionnaire_version"], wire["channel"]) == ("skm-2017", 1, "kiosk")
    assert validate_wire(wire) == []
    assert Response.from_wire(wire) == make(profile={"gender": "f"}, make_id=lambda: wire["id"])


def test_ids_are_unique_uuids():
    assert make().id != make().id


def test_validation_names_each_problem():
    wire = make().to_wire() | {"answers": {"U1": 5, "U10": 3}, "locale": "fr", "started_at": "2026-11-28T08:00:00",
                                "profile": {"gender": "x"}, "comment": "x" * 501, "hat": 1}
    problems = validate_wire(wire)
    assert "answers.U1 must be an integer 1..4, got 5" in problems
    assert "answers has unknown unsur 'U10'" in problems
    assert any(p.startswith("locale") for p in problems)
    assert "started_at must be an ISO 8601 time with a UTC offset" in problems
    assert any(p.startswith("profile.gender") for p in problems)
    assert any(p.startswith("comment") for p in problems)
    assert "unknown fields: hat" in problems


def test_boolean_is_not_an_answer():
    assert validate_wire(make().to_wire() | {"answers": {"U1": True}}) != []


def test_incomplete_response_may_have_few_answers():
    assert validate_wire(make(answers={"U1": 2}, complete=False).to_wire()) == []
    assert validate_wire(make(answers={}, complete=False).to_wire()) == []
    assert validate_wire(make(answers={}).to_wire()) == ["a complete response must answer at least one unsur"]


def test_non_object_is_rejected():
    assert validate_wire([1, 2]) == ["a response must be a JSON object"]
