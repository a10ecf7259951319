"""The batch envelope and the checks on the collector's result list."""
from __future__ import annotations

import gzip
import json

import pytest
from hypothesis import given, settings, strategies as st

from sync import wire
from sync.wire import BadResults, ItemStatus


def results_body(*items) -> bytes:
    return json.dumps({"results": [{"id": i, "status": s, "reason": r} for i, s, r in items]}).encode()


def test_envelope_round_trips_through_gzip(make_responses):
    batch = make_responses(3)
    body = json.loads(gzip.decompress(wire.encode_batch(batch)))
    assert [r["id"] for r in body["responses"]] == [r.id for r in batch]
    assert body["responses"][0] == batch[0].to_wire()


def test_same_batch_same_bytes(make_responses):
    batch = make_responses(2)
    assert wire.encode_batch(batch) == wire.encode_batch(batch)


@pytest.mark.parametrize("size", [0, wire.MAX_BATCH + 1])
def test_batch_size_is_bounded(make_responses, size):
    batch = make_responses(1) * size
    with pytest.raises(ValueError):
        wire.encode_batch(batch)


def test_results_in_order_are_parsed():
    parsed = wire.parse_results(results_body(("a", "accepted", None), ("b", "duplicate", None),
                                             ("c", "conflict", "other content"), ("d", "rejected", "bad U1")),
                                "application/json", ["a", "b", "c", "d"])
    assert [(p.id, p.status) for p in parsed] == [("a", ItemStatus.ACCEPTED), ("b", ItemStatus.DUPLICATE),
                                                 ("c", ItemStatus.CONFLICT), ("d", ItemStatus.REJECTED)]
    assert [p.status.stored for p in parsed] == [True, True, False, False]
    assert parsed[3].reason == "bad U1"


def test_refusal_without_reason_gets_one():
    (parsed,) = wire.parse_results(results_body(("a", "rejected", None)), "application/json", ["a"])
    assert parsed.reason and "rejected" in parsed.reason


@pytest.mark.parametrize("body, ctype, code", [
    (b"<!DOCTYPE html><html><body>Login</body></html>", "text/html", "captive_portal"),
    (b"<html><body>Login</body></html>", "application/json", "captive_portal"),
    (b"<html><body>Login</body></html>", None, "captive_portal"),
    (b'{"results": [{"id": "a", "status": "acc', "application/json", "bad_response"),
    (b"", "application/json", "bad_response"),
    (b'{"detail": "ok"}', "application/json", "bad_response"),
    (b'["a"]', "application/json", "bad_response"),
    (b'{"results": []}', "application/json", "bad_response"),
    (b'{"results": [{"id": "b", "status": "accepted"}, {"id": "a", "status": "accepted"}]}',
     "application/json", "bad_response"),
    (b'{"results": [{"id": "a", "status": "accepted"}]}', "application/json", "bad_response"),
    (b'{"results": [{"id": "a", "status": "stored"}, {"id": "b", "status": "accepted"}]}',
     "application/json", "bad_response"),
    (b'{"results": [{"id": "a", "status": ["accepted"]}, {"id": "b", "status": "accepted"}]}',
     "application/json", "bad_response"),
    (b'{"results": [{"id": "a", "status": "rejected", "reason": 5}, {"id": "b", "status": "accepted"}]}',
     "application/json", "bad_response"),
    (b"plain text", "text/plain", "bad_response"),
    (b"\xff\xfe", "application/json", "bad_response"),
])
def test_anything_but_the_result_list_is_refused(body, ctype, code):
    with pytest.raises(BadResults) as err:
        wire.parse_results(body, ctype, ["a", "b"])
    assert err.value.code == code


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)
result_items = st.fixed_dictionaries({"id": st.sampled_from(["a", "b", "c", 1, None]),
                                      "status": st.sampled_from(["accepted", "duplicate", "conflict", "rejected",
                                                                 "ok", 1, None]),
                                      "reason": st.none() | st.text(max_size=5) | st.integers()})


@settings(max_examples=300, deadline=None)
@given(st.one_of(json_values, st.fixed_dictionaries({"results": st.lists(result_items | json_values, max_size=4)})))
def test_any_json_answer_parses_to_the_batch_or_is_refused(answer):
    body = json.dumps(answer).encode()
    try:
        parsed = wire.parse_results(body, "application/json", ["a", "b"])
    except BadResults as exc:
        assert exc.code == "bad_response"
        return
    assert [p.id for p in parsed] == ["a", "b"]
    assert all(p.status.stored or p.reason for p in parsed)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200), st.sampled_from([None, "application/json", "text/html", "text/plain"]))
def test_any_bytes_are_parsed_or_refused_never_crash(body, ctype):
    try:
        wire.parse_results(body, ctype, ["a"])
    except BadResults as exc:
        assert exc.code in ("bad_response", "captive_portal")
