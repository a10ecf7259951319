"""The collector's quick ingest path gives exactly what the straightforward checks and serialisation give.

validate_wire, ingest.item_problems and ingest.canonical_wire take shortcuts for the common case of
plain JSON values (see kiosk.response.plainly_valid_times). The reference implementations below are
the plain versions they replaced, kept here verbatim: every reason list and every stored byte must match
theirs, for valid responses and for responses broken in every way the generators can think of.
"""
from __future__ import annotations

import json
import types
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collector import db, envelope, ingest, migrations, records
from collector.records import OfficeRecord
from kiosk.bounds import free_form_problems, shown  # reasons quote values cut short: a crafted value can be huge
from kiosk.config import DEMO_CONFIG, Service
from kiosk.questionnaire import LOCALES, PROFILE, SKM_2017, SKM_UNSUR, Questionnaire, Text, Unsur
from kiosk.response import (CHANNELS, COMMENT_MAX, FLAGS, WIRE_KEYS, Response, parse_timestamp,
                            plainly_valid_times, validate_wire)

OFFICE = "dukcapil-butur"
SERVICES = ("ktp-el", "kk", "akta-lahir")


# -- the reference implementations -------------------------------------------------------------------

def reference_validate_wire(wire: object, questionnaire: Questionnaire = SKM_2017) -> list[str]:
    if not isinstance(wire, Mapping):
        return ["a response must be a JSON object"]
    problems: list[str] = []
    unknown = sorted(set(wire) - set(WIRE_KEYS))
    if unknown:
        problems.append(f"unknown fields: {', '.join(unknown)}")
    for key in ("id", "office_id", "questionnaire", "channel", "locale", "started_at", "submitted_at"):
        if not isinstance(wire.get(key), str) or not wire.get(key):
            problems.append(f"{key} must be a non-empty string")
    if isinstance(wire.get("id"), str):
        try:
            uuid.UUID(wire["id"])
        except ValueError:
            problems.append("id must be a UUID")
    if wire.get("service_id") is not None and (not isinstance(wire["service_id"], str) or not wire["service_id"]):
        problems.append("service_id must be a non-empty string or null")
    if wire.get("questionnaire") != questionnaire.id:
        problems.append(f"questionnaire must be {questionnaire.id!r}")
    if wire.get("questionnaire_version") != questionnaire.version or type(wire.get("questionnaire_version")) is not int:
        problems.append(f"questionnaire_version must be {questionnaire.version}")
    if "channel" in wire and wire["channel"] not in CHANNELS:
        problems.append(f"channel must be one of {', '.join(CHANNELS)}")
    if "locale" in wire and wire["locale"] not in LOCALES:
        problems.append(f"locale must be one of {', '.join(LOCALES)}")
    started, submitted = parse_timestamp(wire.get("started_at")), parse_timestamp(wire.get("submitted_at"))
    for key, stamp in (("started_at", started), ("submitted_at", submitted)):
        if stamp is None and isinstance(wire.get(key), str):
            problems.append(f"{key} must be an ISO 8601 time with a UTC offset")
    if started and submitted and submitted < started:
        problems.append("submitted_at is before started_at")
    answers, complete = wire.get("answers"), wire.get("complete")
    if not isinstance(answers, Mapping):
        problems.append("answers must be an object of unsur code to answer")
    else:
        known = set(questionnaire.codes())
        for code, value in answers.items():
            if code not in known:
                problems.append(f"answers has unknown unsur {shown(code)}")
            elif not questionnaire.unsur(code).valid_answer(value):
                problems.append(f"answers.{code} must be an integer 1..4, got {shown(value)}")
        if complete is True and not answers:
            problems.append("a complete response must answer at least one unsur")
    if wire.get("extra") is not None and not isinstance(wire.get("extra"), Mapping):
        problems.append("extra must be an object")
    elif wire.get("extra") is not None:  # its limits have their own tests (test_bounds.py)
        problems += free_form_problems(dict(wire["extra"]))
    profile = wire.get("profile")
    if profile is not None:
        if not isinstance(profile, Mapping):
            problems.append("profile must be an object")
        else:
            for key, value in profile.items():
                spec = PROFILE.get(key)
                if spec is None:
                    problems.append(f"profile has unknown field {shown(key)}")
                elif value not in spec.keys():
                    problems.append(f"profile.{key} must be one of {', '.join(spec.keys())}, got {shown(value)}")
    comment = wire.get("comment")
    if comment is not None and (not isinstance(comment, str) or len(comment) > COMMENT_MAX):
        problems.append(f"comment must be text of at most {COMMENT_MAX} characters")
    if type(wire.get("complete")) is not bool:
        problems.append("complete must be true or false")
    flags = wire.get("flags", [])
    if not isinstance(flags, list) or any(f not in FLAGS for f in flags):
        problems.append(f"flags must be a list of {', '.join(FLAGS)}")
    return problems


def reference_item_problems(wire: object, office: OfficeRecord, questionnaire: Questionnaire,
                            channel: str | None = None) -> list[str]:
    problems = reference_validate_wire(wire, questionnaire)
    if not isinstance(wire, Mapping):
        return problems
    if isinstance(wire.get("office_id"), str) and wire["office_id"] != office.id:
        problems.append(f"office_id {shown(wire['office_id'])} is not this kiosk's office {office.id!r}")
    service = wire.get("service_id")
    if isinstance(service, str) and service and service not in office.service_ids():
        problems.append(f"service_id {shown(service)} is not a service of office {office.id!r}")
    # Any time is taken (an implausible clock is flagged, not refused); the credential fixes the channel.
    if channel is not None and wire.get("channel") in CHANNELS and wire["channel"] != channel:
        problems.append("channel")
    return problems


def reference_canonical_wire(wire: Mapping[str, Any]) -> str:
    full = {"service_id": None, "extra": {}, "profile": {}, "comment": None, "flags": [], **wire}
    return Response.from_wire(full).to_json()


def reference_row(wire: Mapping[str, Any], body: str, office: OfficeRecord, kiosk_id: str, now_text: str) -> dict:
    submitted, now = parse_timestamp(wire["submitted_at"]), datetime.fromisoformat(now_text)
    try:
        believable = now - timedelta(days=400) <= submitted <= now + timedelta(minutes=10)
        when = submitted.astimezone(timezone.utc) if believable else now
    except OverflowError:
        believable, when = False, now
    return {
        "id": wire["id"], "office_id": office.id, "service_id": wire.get("service_id"), "kiosk_id": kiosk_id,
        "channel": wire["channel"], "submitted_at": records.stamp(when),
        "local_date": when.astimezone(office.tz).date().isoformat(),
        "complete": wire["complete"], "body": body, "received_at": now_text,
        "collector_flags": "" if believable else "clock",
    }


# -- what gets checked ---------------------------------------------------------------------------------

# SKM 2017 plus a choice-list question of the office's own, whose answers are text.
WITH_CHOICES = Questionnaire(id="skm-2017", version=1, items=SKM_UNSUR + (
    Unsur("Q1", Text("Info", "Info"), Text("Dari mana?", "From where?"),
          choices=(("teman", Text("Teman", "Friend")), ("spanduk", Text("Spanduk", "Banner")))),))
OFFICE_RECORD = OfficeRecord(id=OFFICE, name="Dukcapil", timezone="Asia/Makassar", logo=None, settings={},
                             pin_hash=None, services=tuple(Service(s, Text(s, s)) for s in SERVICES[:2]))


class Text2(str):
    """A str subclass: valid for validate_wire, and not the plain JSON kind the quick path takes."""


class Answers(dict):
    """A dict subclass, likewise."""


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                         st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12))
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)), max_leaves=8)

texts = st.text(st.characters(codec="utf-8"), max_size=20)  # no lone surrogates: those are ingest's own check
moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2110, 1, 1),
                       timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=8)),
                                                  timezone(timedelta(hours=-3, minutes=-30))]))
uuids = st.uuids().map(str)
odd_values = st.one_of(
    json_scalars, json_values, st.sampled_from([
        "", "x", "U1", 0, 1, 4, 5, -1, 1.0, 4.0, True, False, [], {}, [1], {"U1": 1}, ["fast", "fast"], ["slow"],
        "2026-11-28T08:00:00", "2026-11-28T08:00:00Z", "2026-11-28", "1999-12-31T23:59:59+00:00",
        "2100-01-01T00:00:01+00:00", "kiosk", "web", "en", "fr", "skm-2017", "skm-2018", OFFICE, "ktp-el", "akta-lahir",
        "x" * COMMENT_MAX, "x" * (COMMENT_MAX + 1), Text2("ktp-el"), Text2("2026-11-28T08:00:00+08:00"),
        ("fast",), types.MappingProxyType({"gender": "f"}), Answers(U1=3)]),
    uuids.map(str.upper), uuids.map(lambda u: u.replace("-", "")), uuids.map(lambda u: "{" + u + "}"),
    uuids.map(lambda u: "urn:uuid:" + u), uuids.map(lambda u: u + "\n"), uuids.map(Text2),
    moments.map(lambda m: m.isoformat()))


@st.composite
def valid_wires(draw) -> dict:
    started = draw(moments.filter(lambda m: datetime(2001, 1, 1, tzinfo=timezone.utc) <= m
                                  <= datetime(2099, 1, 1, tzinfo=timezone.utc)))
    codes = draw(st.lists(st.sampled_from([u.code for u in SKM_UNSUR]), unique=True, max_size=9))
    complete = draw(st.booleans()) if codes else False
    wire = {
        "id": draw(uuids), "office_id": OFFICE, "service_id": draw(st.sampled_from(SERVICES[:2] + (None,))),
        "questionnaire": "skm-2017", "questionnaire_version": 1, "channel": draw(st.sampled_from(CHANNELS)),
        "locale": draw(st.sampled_from(LOCALES)), "started_at": started.isoformat(),
        "submitted_at": (started + draw(st.timedeltas(timedelta(0), timedelta(hours=2)))).isoformat(),
        "answers": {code: draw(st.integers(1, 4)) for code in codes},
        "extra": draw(st.one_of(st.none(), st.dictionaries(st.text(max_size=6), json_values, max_size=3))),
        "profile": draw(st.one_of(st.none(), st.fixed_dictionaries({}, optional={
            key: st.sampled_from(spec.keys()) for key, spec in PROFILE.items()}))),
        "comment": draw(st.one_of(st.none(), texts, st.text(min_size=COMMENT_MAX - 1, max_size=COMMENT_MAX))),
        "complete": complete,
        "flags": draw(st.lists(st.sampled_from(FLAGS), max_size=2)),
    }
    for key in draw(st.sets(st.sampled_from(["service_id", "extra", "profile", "comment", "flags"]))):
        del wire[key]  # optional keys a sender may leave out
    return wire


# Per key, values that are nearly right: each is wrong in one small way, or right in an unusual one.
NEAR_MISSES: dict[str, list[object]] = {
    "id": ["", "x", 1, None, Text2(str(uuid.UUID(int=7)))],
    "office_id": ["", "dukcapil-buton", None, Text2(OFFICE)],
    "service_id": ["", "akta-lahir", "KTP-EL", 0, Text2("kk")],
    "questionnaire": ["skm-2018", "", None],
    "questionnaire_version": [0, 2, 1.0, True, "1", None],
    "channel": ["", "sms", "Kiosk", None, Text2("web")],
    "locale": ["", "fr", "ID", None, Text2("en")],
    "started_at": ["2026-11-28T08:00:00", "2026-11-28", "1999-12-31T23:59:59+00:00", "2099-12-31T23:59:59+00:00",
                   "2026-11-28T08:00:00Z", "", None, 0],
    "submitted_at": ["2026-11-28T08:00:00", "2100-01-01T00:00:01+00:00", "2100-01-01T00:00:00+00:00",
                     "2000-01-01T00:00:00+00:00", "2026-11-28T08:00:00.5+08:00", "", None],
    "answers": [{}, {"U1": 0}, {"U1": 5}, {"U1": True}, {"U2": 3.0}, {"U3": "3"}, {"U10": 1}, {"Q1": "teman"},
                {"Q1": "Teman"}, {"Q1": 1}, [], None, Answers(U1=3)],
    "extra": [None, [], "x", 0, {"nested": {"z": 1, "a": [1.5, -0.0, 1e300, "é\n"]}},
              types.MappingProxyType({"a": 1})],
    "profile": [None, {}, [], {"gender": "x"}, {"gender": 1}, {"hat": "f"}, {"gender": "F"}, {"education": "sma"},
                types.MappingProxyType({"gender": "f"})],
    "comment": [None, "", "x" * COMMENT_MAX, "x" * (COMMENT_MAX + 1), 0, Text2("baik"), "ramah\u0000\u2028"],
    "complete": [True, False, 0, 1, None, "true"],
    "flags": [None, [], ["slow"], ["fast", "fast"], [None], [1], ("fast",), "fast", ["fast", "simulated"]],
}


@st.composite
def wires(draw) -> object:
    """Valid responses and responses broken one or a few ways at a time (some not even objects)."""
    wire = draw(valid_wires())
    for _ in range(draw(st.integers(0, 3))):
        how = draw(st.sampled_from(["near", "near", "near", "set", "drop", "add", "swap", "answer", "profile",
                                    "flag"]))
        if how == "near":
            key = draw(st.sampled_from(WIRE_KEYS))
            wire[key] = draw(st.sampled_from(NEAR_MISSES[key]))
        elif how == "set":
            wire[draw(st.sampled_from(WIRE_KEYS))] = draw(odd_values)
        elif how == "swap":
            wire["started_at"], wire["submitted_at"] = wire.get("submitted_at"), wire.get("started_at")
        elif how == "drop" and wire:
            del wire[draw(st.sampled_from(sorted(wire)))]
        elif how == "add":
            wire[draw(st.sampled_from(["hat", "Id", "answer", ""]))] = draw(odd_values)
        elif how == "answer" and isinstance(wire.get("answers"), dict):
            wire["answers"] = type(wire["answers"])(wire["answers"])  # never change a value drawn before
            wire["answers"][draw(st.sampled_from(["U1", "U9", "U10", "Q1", "u1", ""]))] = draw(
                st.one_of(st.sampled_from(["teman", "spanduk", "Teman"]), odd_values))
        elif how == "profile" and isinstance(wire.get("profile"), dict):
            wire["profile"] = type(wire["profile"])(wire["profile"])
            wire["profile"][draw(st.sampled_from(list(PROFILE) + ["hat"]))] = draw(
                st.one_of(st.sampled_from(["f", "m", "sma", "25-34"]), odd_values))
        elif how == "flag" and isinstance(wire.get("flags"), list):
            wire["flags"] = list(wire["flags"])
            wire["flags"].append(draw(st.sampled_from(list(FLAGS) + ["slow", None, 1])))
    if draw(st.integers(0, 30)) == 0:
        return draw(odd_values)
    return wire


def plain_json(value: object) -> bool:
    """True when the value is made only of what json.loads gives (the quick path's kind)."""
    if type(value) is dict:
        return all(type(k) is str and plain_json(v) for k, v in value.items())
    if type(value) is list:
        return all(plain_json(v) for v in value)
    return value is None or type(value) in (bool, int, float, str)


SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- the properties ------------------------------------------------------------------------------------

def assert_same_as_reference(wire: object, questionnaire: Questionnaire) -> None:
    """Same reasons, same quick-path answers, and for a valid response the same stored body and row."""
    expected = reference_validate_wire(wire, questionnaire)
    assert validate_wire(wire, questionnaire) == expected
    times = plainly_valid_times(wire, questionnaire)
    if times is not None:
        assert expected == []
        assert times == (parse_timestamp(wire["started_at"]), parse_timestamp(wire["submitted_at"]))
    elif plain_json(wire) and type(questionnaire) is Questionnaire:
        assert expected != [], "a valid response of plain JSON values must take the quick path"

    expected = reference_item_problems(wire, OFFICE_RECORD, questionnaire)
    if questionnaire is SKM_2017:
        assert ingest.item_problems(wire, OFFICE_RECORD) == expected
        as_kiosk = reference_item_problems(wire, OFFICE_RECORD, questionnaire, "kiosk")
        assert [p.split(" ")[0] for p in ingest.item_problems(wire, OFFICE_RECORD, "kiosk")] == [
            p.split(" ")[0] for p in as_kiosk]
    submitted = ingest._plainly_storable(wire, OFFICE_RECORD, questionnaire, OFFICE_RECORD.service_ids(), None)
    if submitted is not None:
        assert expected == []
        assert submitted == parse_timestamp(wire["submitted_at"])
    elif plain_json(wire) and type(questionnaire) is Questionnaire:
        assert expected != []
    if expected:
        return

    body = ingest.canonical_wire(wire)
    assert body == reference_canonical_wire(wire)
    if submitted is not None:
        assert ingest._plain_body(wire) == body
    # A kiosk sends what Response.to_json() gives; the collector must store those very bytes.
    assert body == Response.from_wire(json.loads(body)).to_json()
    now = "2026-11-28T00:00:00.000000+00:00"
    assert ingest._row(wire, body, OFFICE_RECORD, "kiosk-1", now) == reference_row(
        wire, body, OFFICE_RECORD, "kiosk-1", now)


class OnlyFours(Unsur):
    def valid_answer(self, value: object) -> bool:
        return value == 4


class Renamed(Questionnaire):
    """A questionnaire that finds its unsur its own way (every code answers like U1)."""

    def unsur(self, code: str) -> Unsur:
        return OnlyFours(code, Text(code, code), Text(code, code))


QUESTIONNAIRES = [SKM_2017, WITH_CHOICES,
                  Renamed(id="skm-2017", version=1, items=SKM_UNSUR),
                  Questionnaire(id="skm-2017", version=1, items=(OnlyFours("U1", Text("a", "a"), Text("b", "b")),))]

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(wire=wires(), questionnaire=st.sampled_from(QUESTIONNAIRES))
def test_generated_responses_give_the_reference_results(wire, questionnaire):
    assert_same_as_reference(wire, questionnaire)


BASE = {"id": "6f1c1a52-64c5-4b8e-9d55-2c1f3b0e7a10", "office_id": OFFICE, "service_id": "ktp-el",
        "questionnaire": "skm-2017", "questionnaire_version": 1, "channel": "kiosk", "locale": "id",
        "started_at": "2026-11-28T08:00:00+08:00", "submitted_at": "2026-11-28T08:00:30+08:00",
        "answers": {"U1": 4, "U2": 3, "U3": 2, "U4": 1, "U5": 4, "U6": 4, "U7": 3, "U8": 3, "U9": 2},
        "extra": {}, "profile": {"gender": "f", "age_group": "25-34"}, "comment": None, "complete": True,
        "flags": ["fast"]}
NEAR_BASE = {**NEAR_MISSES, "started_at": NEAR_MISSES["started_at"] + ["2026-11-28T08:00:31+08:00",
                                                                         "2026-11-28T00:00:30+00:00"],
             "submitted_at": NEAR_MISSES["submitted_at"] + ["2026-11-28T08:00:29+08:00", "2026-11-28T08:00:00+08:00",
                                                            "2026-11-28T00:00:29+00:00"]}


@pytest.mark.parametrize("key, value", [(key, value) for key, values in NEAR_BASE.items() for value in values],
                         ids=lambda v: v if isinstance(v, str) and len(v) < 30 and v.isprintable() else None)
def test_every_near_miss_gives_the_reference_results(key, value):
    assert_same_as_reference({**BASE, key: value}, SKM_2017)
    assert_same_as_reference({**BASE, key: value}, WITH_CHOICES)
    assert_same_as_reference({**BASE, key: value, "complete": False}, SKM_2017)
    assert_same_as_reference({k: v for k, v in BASE.items() if k != key}, SKM_2017)


def test_canonical_wire_keeps_the_reference_for_values_json_does_not_make():
    wire = {"id": str(uuid.uuid4()), "office_id": OFFICE, "service_id": Text2("ktp-el"), "questionnaire": "skm-2017",
            "questionnaire_version": 1, "channel": "kiosk", "locale": "id", "started_at": "2026-11-28T08:00:00+08:00",
            "submitted_at": "2026-11-28T08:00:30+08:00", "answers": Answers(U1=4),
            "extra": types.MappingProxyType({"b": 1, "a": [1.5, None]}), "profile": types.MappingProxyType({"gender": "f"}),
            "comment": "", "complete": True, "flags": ("fast",)}
    assert ingest.canonical_wire(wire) == reference_canonical_wire(wire)
    assert ingest.canonical_wire({**wire, "extra": None, "flags": None}) == reference_canonical_wire(
        {**wire, "extra": None, "flags": None})
    plain = {**wire, "service_id": "ktp-el", "answers": {"U1": 4}, "extra": {}, "profile": {}, "flags": []}
    for flags in (("fast",), "fast", "", (), None, [], {"fast": 1}):
        assert ingest.canonical_wire({**plain, "flags": flags}) == reference_canonical_wire({**plain, "flags": flags})
    for unknown in ({"hat": 1}, {"answers": [["U1", 4]]}):
        assert ingest.canonical_wire({**plain, **unknown}) == reference_canonical_wire({**plain, **unknown})
    for broken in ({k: v for k, v in plain.items() if k != "locale"},
                   {**{k: v for k, v in plain.items() if k != "locale"}, "hat": 1}):
        with pytest.raises(TypeError):
            reference_canonical_wire(broken)
        with pytest.raises(TypeError):
            ingest.canonical_wire(broken)


def test_sqlite_batch_stores_new_ids_once_and_reports_the_rest(tmp_path):
    """The SQLite path looks stored ids up before a plain insert: across look-up chunks, with stored,
    repeated and changed copies in one batch, the outcome is the one the contract names."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'collector.db'}")
    migrations.migrate(engine)
    records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
    _, token = records.add_kiosk(engine, OFFICE)
    with db.reading(engine) as conn:
        kiosk = records.kiosk_for_token(conn, token)
    base = datetime(2026, 11, 28, 8, 0, tzinfo=timezone(timedelta(hours=8)))

    def wire(n: int, answer: int = 3) -> dict:
        return {"id": str(uuid.UUID(int=n + 1)), "office_id": OFFICE, "service_id": "ktp-el",
                "questionnaire": "skm-2017", "questionnaire_version": 1, "channel": "kiosk", "locale": "id",
                "started_at": (base + timedelta(minutes=n)).isoformat(),
                "submitted_at": (base + timedelta(minutes=n, seconds=30)).isoformat(),
                "answers": {"U1": answer}, "extra": {}, "profile": {}, "comment": None, "complete": True, "flags": []}

    first = [wire(n) for n in range(0, 1200, 2)]
    assert {r.status for r in ingest.ingest_batch(engine, kiosk, first)} == {"accepted"}
    batch = [wire(n) for n in range(1200)] + [wire(1), wire(2, answer=4), wire(3, answer=4), {"id": "x"}]
    results = ingest.ingest_batch(engine, kiosk, batch)
    expected = ["duplicate" if n % 2 == 0 else "accepted" for n in range(1200)]
    assert [r.status for r in results] == expected + ["duplicate", "conflict", "conflict", "rejected"]
    assert [r.id for r in results[:1203]] == [w["id"] for w in batch[:1203]]
    with db.reading(engine) as conn:
        stored = dict(conn.exec_driver_sql("SELECT id, body FROM responses").all())
    assert stored == {w["id"]: reference_canonical_wire(w) for w in batch[:1200]}
    engine.dispose()


def test_results_are_the_bytes_the_response_model_would_give(collector_app):
    """The route writes its results itself; they are what IngestResults would have made of them."""
    from fixtures_collector import make_wire

    from collector.schemas import IngestResults

    wire = make_wire()
    items = [wire, wire, {**wire, "comment": "lain"}, {**make_wire(), "profile": {"gender": "perempuan é"}},
             {"id": "bukan-uuid-é"}, [], make_wire(answers={})]
    answer = collector_app.post(items)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.content == IngestResults.model_validate(answer.json()).model_dump_json().encode()
    assert [r["status"] for r in answer.json()["results"]] == [
        "accepted", "duplicate", "conflict", "rejected", "rejected", "rejected", "rejected"]


def test_an_id_that_is_not_unicode_is_rejected_not_a_server_error(collector_app):
    raw = json.dumps({"responses": [{"id": "PLACEHOLDER"}]}).replace("PLACEHOLDER", "\\ud800").encode()
    answer = collector_app.client.post("/api/v1/responses", content=raw, headers=collector_app.auth())
    assert answer.status_code == 200
    [result] = answer.json()["results"]
    assert (result["id"], result["status"]) == ("\ud800", "rejected")
    assert "id must be a UUID" in result["reason"]


# -- reading the envelope: orjson where it agrees with json, json where it might not ----------------------

def same(a: object, b: object) -> bool:
    """Equal, with the same types and the same key order all the way down (1 is not 1.0, nor True)."""
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return len(a) == len(b) and all(ka == kb and same(va, vb) for (ka, va), (kb, vb) in zip(a.items(), b.items()))
    if type(a) is list:
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if type(a) is float:
        return repr(a) == repr(b)
    return a == b


def json_reading(raw: bytes) -> object:
    try:
        return json.loads(raw, parse_constant=envelope._not_json)
    except (ValueError, RecursionError) as exc:
        return type(exc)


def envelope_reading(raw: bytes) -> object:
    try:
        return envelope.loads(raw)
    except (ValueError, RecursionError) as exc:
        return type(exc)


numbers = st.one_of(
    st.from_regex(r"\A-?(0|[1-9][0-9]{0,24})(\.[0-9]{1,24})?([eE][+-]?[0-9]{1,3})?\Z"),
    st.floats(allow_nan=False).map(repr), st.integers().map(str),
    st.sampled_from(["2.2250738585072011e-308", "9007199254740993", "1.7976931348623157e308",
                     "1.7976931348623159e308", "4.9e-324", "2.4703282292062328e-324", "1e-400", "1e400", "-0",
                     "-0.0", "123456789012345678", "-9223372036854775808", "9223372036854775807",
                     "18446744073709551615", "18446744073709551616", "NaN", "Infinity", "-Infinity", "01", "1.",
                     ".5", "+1"]))
any_text = st.text(st.characters(), max_size=12)  # lone surrogates included
documents = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), any_text),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(any_text, inner, max_size=4)), max_leaves=12)


@st.composite
def raw_bodies(draw) -> bytes:
    """Envelope bodies as kiosks, other clients and garbage might send them."""
    how = draw(st.sampled_from(["dumps", "dumps", "numbers", "duplicate keys", "mutated"]))
    if how == "numbers":
        text = '{"responses":[' + ",".join(draw(st.lists(numbers, min_size=1, max_size=5))) + "]}"
    elif how == "duplicate keys":
        text = '{"responses":[{"a":1,"b":2,"a":' + draw(numbers) + ',"c":{"x":[],"x":{}}}],"responses":[]}'
    else:
        text = json.dumps({"responses": draw(st.lists(documents, max_size=4))}, ensure_ascii=draw(st.booleans()),
                          indent=draw(st.sampled_from([None, None, 1, "\t"])))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-32-le"]))
    raw = text.encode(encoding, "surrogatepass")
    if how == "mutated" and raw:
        at = draw(st.integers(0, len(raw) - 1))
        raw = raw[:at] + draw(st.binary(max_size=2)) + raw[at + draw(st.integers(0, 2)):]
    return raw


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=raw_bodies())
def test_envelope_reads_what_json_reads(raw):
    assert same(envelope_reading(raw), json_reading(raw))


def test_envelope_reads_long_integers_exactly():
    raw = b'{"responses":[{"extra":{"n":123456789012345678901234567890,"m":-9223372036854775809}}]}'
    assert envelope.parse(raw) == [{"extra": {"n": 123456789012345678901234567890, "m": -9223372036854775809}}]
    assert same(envelope.parse(b'{"responses":[1.0,1,1e2,true]}'), [1.0, 1, 100.0, True])
