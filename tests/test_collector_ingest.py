"""POST /api/v1/responses: accepted, duplicate, conflict and rejected items; envelope limits; tokens; gzip."""
from __future__ import annotations

import gzip
import json

from collector import suggestions
from fixtures_collector import DEMO_OFFICE, make_wire


def test_new_response_is_accepted_and_stored_once(collector_app):
    wire = make_wire()
    answer = collector_app.post([wire])
    assert answer.status_code == 200
    assert answer.json() == {"results": [{"id": wire["id"], "status": "accepted", "reason": None}]}
    stored = collector_app.stored()
    assert list(stored) == [wire["id"]]
    assert json.loads(stored[wire["id"]]) == wire


def test_resent_response_is_duplicate_and_other_content_is_conflict(collector_app):
    wire = make_wire()
    assert collector_app.statuses([wire]) == ["accepted"]
    assert collector_app.statuses([wire]) == ["duplicate"]
    changed = {**wire, "answers": {**wire["answers"], "U1": 4 if wire["answers"]["U1"] != 4 else 3}}
    answer = collector_app.post([changed])
    assert answer.json()["results"][0]["status"] == "conflict"
    assert "already stored" in answer.json()["results"][0]["reason"]
    assert json.loads(collector_app.stored()[wire["id"]]) == wire  # the first one stays


def test_duplicates_within_one_batch(collector_app):
    wire = make_wire()
    other = {**wire, "comment": "antrean terlalu panjang"}
    assert collector_app.statuses([wire, wire, other]) == ["accepted", "duplicate", "conflict"]
    assert len(collector_app.stored()) == 1


def test_repeats_in_a_batch_of_an_already_stored_response(collector_app):
    wire = make_wire()
    collector_app.statuses([wire])
    other = {**wire, "locale": "en" if wire["locale"] == "id" else "id"}
    assert collector_app.statuses([other, wire, other]) == ["conflict", "duplicate", "conflict"]


def test_omitted_optional_keys_are_the_same_response(collector_app):
    wire = make_wire()
    collector_app.statuses([wire])
    short = {k: v for k, v in wire.items() if k not in ("extra", "profile", "comment", "flags")}
    assert wire["extra"] == {} and wire["profile"] == {} and wire["comment"] is None and wire["flags"] == []
    assert collector_app.statuses([short]) == ["duplicate"]


def test_results_follow_input_order_with_a_reason_per_rejected_item(collector_app):
    good = [make_wire() for _ in range(3)]
    bad_answer = make_wire(answers={"U1": 5})
    other_office = make_wire(office_id="kantor-lain")
    unknown_service = make_wire(service_id="sim-c")
    wrong_questionnaire = make_wire(questionnaire="skm-2004")
    items = [good[0], bad_answer, good[1], other_office, unknown_service, wrong_questionnaire, good[2], "x"]
    results = collector_app.post(items).json()["results"]
    assert [r["id"] for r in results[:7]] == [w["id"] for w in items[:7]]
    assert [r["status"] for r in results] == ["accepted", "rejected", "accepted", "rejected", "rejected",
                                              "rejected", "accepted", "rejected"]
    assert "answers.U1" in results[1]["reason"]
    assert "kantor-lain" in results[3]["reason"] and "office" in results[3]["reason"]
    assert "sim-c" in results[4]["reason"]
    assert "questionnaire" in results[5]["reason"]
    assert results[7]["id"] is None
    assert set(collector_app.stored()) == {w["id"] for w in good}


def test_response_without_a_service_is_accepted(collector_app):
    assert collector_app.statuses([make_wire(service_id=None)]) == ["accepted"]


def test_every_field_is_checked(collector_app):
    cases = {
        "comment": make_wire(comment="x" * 501),
        "profile": make_wire(profile={"gender": "unknown"}),
        "submitted_at": {**make_wire(), "submitted_at": "2026-11-28 09:00"},
        "id": {**make_wire(), "id": "not-a-uuid"},
        "unknown fields": {**make_wire(), "kiosk_id": "k1"},
        "complete": {**make_wire(), "complete": "yes"},
        "channel must be 'kiosk'": make_wire(channel="web"),
    }
    results = collector_app.post(list(cases.values())).json()["results"]
    for (needle, _), result in zip(cases.items(), results):
        assert result["status"] == "rejected"
        assert needle in result["reason"], (needle, result["reason"])
    assert collector_app.stored() == {}


def test_unknown_missing_and_revoked_tokens_are_401(collector_app):
    from collector import records

    wire = make_wire()
    assert collector_app.post([wire], token="not-a-token").status_code == 401
    missing = collector_app.client.post("/api/v1/responses", json={"responses": [wire]})
    assert missing.status_code == 401
    records.revoke_kiosk(collector_app.engine, collector_app.kiosk_id)
    answer = collector_app.post([wire])
    assert answer.status_code == 401
    assert "revoked" in answer.json()["detail"]
    assert collector_app.stored() == {}


def test_the_kiosk_comes_from_the_token(collector_app):
    from sqlalchemy import select

    from collector import records
    from collector.db import reading
    from collector.tables import responses

    second_id, second_token = records.add_kiosk(collector_app.engine, "dukcapil-butur")
    wire = make_wire()
    collector_app.statuses([wire], token=second_token)
    with reading(collector_app.engine) as conn:
        assert conn.execute(select(responses.c.kiosk_id)).scalar_one() == second_id


def test_a_kiosk_of_another_office_cannot_send_for_this_one(collector_app):
    from collector import records
    from kiosk.config import Service
    from kiosk.questionnaire import Text

    records.add_office(collector_app.engine, "kantor-lain", "Kantor Lain",
                       services_=(Service("ktp-el", Text("KTP", "ID card")),))
    _, token = records.add_kiosk(collector_app.engine, "kantor-lain")
    results = collector_app.post([make_wire()], token=token).json()["results"]
    assert results[0]["status"] == "rejected" and "not this kiosk's office" in results[0]["reason"]


def test_gzip_body_is_accepted(collector_app):
    wires = [make_wire() for _ in range(5)]
    body = gzip.compress(json.dumps({"responses": wires}).encode())
    answer = collector_app.client.post("/api/v1/responses", content=body, headers={
        **collector_app.auth(), "Content-Encoding": "gzip", "Content-Type": "application/json"})
    assert answer.status_code == 200
    assert [r["status"] for r in answer.json()["results"]] == ["accepted"] * 5


def test_more_than_1000_items_is_413(collector_app):
    wire = make_wire()
    answer = collector_app.post([wire] * 1001)
    assert answer.status_code == 413
    assert collector_app.stored() == {}
    assert collector_app.statuses([make_wire() for _ in range(1000)]).count("accepted") == 1000


def test_body_over_5_mb_is_413_plain_or_after_gunzip(collector_app):
    huge = json.dumps({"responses": [make_wire(extra={"pad": "x" * (6 * 1024 * 1024)})]}).encode()
    plain = collector_app.client.post("/api/v1/responses", content=huge, headers=collector_app.auth())
    assert plain.status_code == 413
    bomb = gzip.compress(huge)
    assert len(bomb) < 100_000
    zipped = collector_app.client.post("/api/v1/responses", content=bomb,
                                       headers={**collector_app.auth(), "Content-Encoding": "gzip"})
    assert zipped.status_code == 413
    assert collector_app.stored() == {}


def test_malformed_envelopes_are_400(collector_app):
    auth = collector_app.auth()
    for body, headers in [
        (b"{not json", {}),
        (b'{"responses": {"id": 1}}', {}),
        (b"[]", {}),
        (b'{"items": []}', {}),
        (b"\x1f\x8b\x08garbage", {"Content-Encoding": "gzip"}),
        (gzip.compress(b'{"responses": []}')[:-6], {"Content-Encoding": "gzip"}),
        (b'{"responses": []}', {"Content-Encoding": "br"}),
        (b'{"responses": [{"extra": {"x": NaN}}]}', {}),
        (b'{"responses": [{"extra": {"x": -Infinity}}]}', {}),
    ]:
        answer = collector_app.client.post("/api/v1/responses", content=body, headers={**auth, **headers})
        assert answer.status_code == 400, (body, answer.text)
        assert answer.json()["detail"]


def test_empty_batch_is_fine(collector_app):
    assert collector_app.post([]).json() == {"results": []}



def test_text_that_is_not_unicode_is_rejected_not_a_server_error(collector_app):
    wire = make_wire(comment="PLACEHOLDER")
    raw = json.dumps({"responses": [wire]}).replace("PLACEHOLDER", "\\ud800 dan \\u0000").encode()
    answer = collector_app.client.post("/api/v1/responses", content=raw, headers=collector_app.auth())
    assert answer.status_code == 200
    assert answer.json()["results"][0]["status"] == "rejected"
    assert "Unicode" in answer.json()["results"][0]["reason"]


def test_deeply_nested_json_is_400(collector_app):
    raw = b'{"responses": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}"
    answer = collector_app.client.post("/api/v1/responses", content=raw, headers=collector_app.auth())
    assert answer.status_code == 400


def test_control_characters_in_a_comment_are_stored_as_sent(collector_app):
    wire = make_wire(comment="baris satu\nbaris dua\u0000")
    assert collector_app.statuses([wire]) == ["accepted"]
    assert json.loads(collector_app.stored()[wire["id"]])["comment"] == wire["comment"]
    feed = suggestions.feed(collector_app.engine, DEMO_OFFICE, include_uncounted=True).items
    assert [s.text for s in feed if s.response_id == wire["id"]] == ["baris satu\nbaris dua\ufffd"]
