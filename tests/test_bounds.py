"""Bounded input: limits on free-form parts, safe reasons, non-finite numbers, no RecursionError anywhere."""
from __future__ import annotations

import json
import math

import pytest

from kiosk.bounds import EXTRA_MAX_DEPTH, free_form_problems, shown
from kiosk.response import canonical_json, validate_wire
from sync.wire import BadResults, parse_results

from fixtures_collector import make_wire


def deep(depth: int, leaf=1):
    value = leaf
    for _ in range(depth):
        value = {"a": value}
    return value


def deep_list(depth: int):
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def test_extra_within_the_limits_is_taken():
    assert free_form_problems({"device": {"battery": 81, "clock": "ok", "temps": [30.5, 31.0]}}) == []
    assert free_form_problems(deep(EXTRA_MAX_DEPTH - 1)) == []


@pytest.mark.parametrize("extra, words", [
    (deep(EXTRA_MAX_DEPTH + 1), "nested too deep"),
    (deep(50_000), "nested too deep"),           # deeper than Python could ever recurse
    ({"l": deep_list(50_000)}, "nested too deep"),
    ({"x": math.inf}, "finite"),
    ({"x": -math.inf}, "finite"),
    ({"x": math.nan}, "finite"),
    ({"x": 10**30}, "64 bits"),
    ({"x": "a" * 1001}, "longer than"),
    ({"k" * 1001: 1}, "longer than"),
    ({f"k{i}": i for i in range(300)}, "more than 200 values"),
    ({f"k{i}": "t" * 900 for i in range(20)}, "characters of text"),
    ({"x": object()}, "must be JSON"),
    ([1, 2], "must be an object"),
])
def test_extra_beyond_the_limits_is_refused_in_one_sentence(extra, words):
    (problem,) = free_form_problems(extra)
    assert words in problem and problem.startswith("extra")


def test_every_part_of_a_crafted_response_gets_a_short_reason_not_a_recursion_error():
    monster = deep(50_000)
    wire = make_wire(extra=monster, answers={"U1": monster, "U2": deep_list(50_000), "U" + "9" * 10_000: 1},
                     profile={"gender": monster, "x" * 100_000: "f"}, flags=[monster], comment=monster)
    wire["y" * 100_000] = 1
    problems = validate_wire(wire)
    assert len(problems) >= 6
    assert all(len(p) < 300 for p in problems), problems
    assert any("nested too deep" in p for p in problems)


def test_shown_values_are_short():
    assert shown("x" * 10_000).endswith("...'") and len(shown("x" * 10_000)) < 50
    assert shown(deep(50_000)) == "a JSON object"
    assert shown(math.inf) == "a number that is not finite"
    assert shown(3) == "3"


def test_canonical_json_never_writes_infinity():
    with pytest.raises(ValueError):
        canonical_json({"x": math.inf})


def test_a_deeply_nested_answer_from_a_collector_is_bad_results_not_a_crash():
    body = ('{"results":' + "[" * 100_000 + "]" * 100_000 + "}").encode()
    with pytest.raises(BadResults):
        parse_results(body, "application/json", ["a"])
