"""Fuzz the collector through its own OpenAPI description: no input, valid or not, gives a server error.

Schemathesis makes the cases from /openapi.json (schema-conforming and deliberately broken ones);
Hypothesis runs a bounded, derandomised number of them per operation against each database backend.
"""
from __future__ import annotations

import base64

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (content_type_conformance, not_a_server_error, response_schema_conformance,
                                 status_code_conformance)

from collector import records
from fixtures_collector import DEMO_OFFICE

OPERATIONS = [("GET", "/api/v1/health"), ("POST", "/api/v1/responses"), ("POST", "/api/v1/enroll"),
              ("GET", "/api/v1/config"), ("GET", "/api/v1/reports/ikm"), ("GET", "/s/{token}"), ("POST", "/s/{token}"),
              ("POST", "/api/v1/heartbeat")]
EXAMPLES = 25  # per operation and generation mode
API_CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def credentials(path: str, token: str) -> dict[str, str]:
    """Real credentials, so the fuzzer's input also reaches the code behind the login."""
    if path.startswith("/api/v1/reports"):
        return {"Authorization": "Basic " + base64.b64encode(b"pengelola:kata-sandi-rahasia").decode()}
    if path in ("/api/v1/responses", "/api/v1/config", "/api/v1/heartbeat"):
        return {"Authorization": f"Bearer {token}"}
    return {}


def test_every_operation_is_fuzzed(collector_app):
    schema = schemathesis.openapi.from_asgi("/openapi.json", collector_app.app)
    found = {(op.ok().method.upper(), op.ok().path) for op in schema.get_all_operations()}
    assert found == set(OPERATIONS)


# Health has no input to break, so it gets valid calls only.
CASES = [(m, p, mode) for m, p in OPERATIONS for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
         if not (p == "/api/v1/health" and mode is GenerationMode.NEGATIVE)]


@pytest.mark.parametrize("method,path,mode", CASES, ids=[f"{m} {p} {mode.value}" for m, p, mode in CASES])
def test_no_server_errors(collector_app, method, path, mode):
    records.add_admin(collector_app.engine, "pengelola", "kata-sandi-rahasia")
    records.new_enroll_code(collector_app.engine, DEMO_OFFICE)
    operation = schemathesis.openapi.from_asgi("/openapi.json", collector_app.app)[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def no_server_error(case):
        with_login = {**(case.headers or {}), **credentials(path, collector_app.token)}
        for headers in (case.headers or {}, with_login):
            response = case.call(headers=headers)
            assert response.status_code < 500, f"{method} {path}: {response.status_code} {response.text[:300]}"
            if path.startswith("/api/"):  # the API answers only what its description promises
                case.validate_response(response, checks=API_CHECKS, headers=headers)
            if response.status_code == 200 and path == "/api/v1/responses" and isinstance(case.body, dict):
                assert len(response.json()["results"]) == len(case.body["responses"])

    no_server_error()



def _json_values():
    from hypothesis import strategies as st

    scalars = st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) | st.text(max_size=20)
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                              max_size=3), max_leaves=8)


def test_any_value_in_any_field_gets_a_result_per_item(collector_app):
    from hypothesis import strategies as st

    from fixtures_collector import make_wire
    from kiosk.response import WIRE_KEYS

    fields = st.sampled_from([*WIRE_KEYS, "answers.U1", "profile.gender", "extra.x", "unknown"])
    mutations = st.lists(st.tuples(fields, _json_values()), min_size=1, max_size=3)

    @given(batch=st.lists(mutations, min_size=1, max_size=5))
    @settings(max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    def each_item_answered(batch):
        items = []
        for changes in batch:
            wire = make_wire()
            for field, value in changes:
                if "." in field:
                    outer, inner = field.split(".")
                    wire[outer] = {**wire[outer], inner: value} if isinstance(wire.get(outer), dict) else value
                else:
                    wire[field] = value
            items.append(wire)
        answer = collector_app.post(items)
        assert answer.status_code == 200, answer.text
        results = answer.json()["results"]
        assert len(results) == len(items)
        assert {r["status"] for r in results} <= {"accepted", "duplicate", "conflict", "rejected"}
        for result in results:
            assert (result["reason"] is None) == (result["status"] == "accepted")

    each_item_answered()
