"""The IKM computation of SKM.md, exact to the cent."""
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from kiosk.ikm import classify, compute, report, round_half_up, select, to_json
from kiosk.questionnaire import SKM_2017, SKM_CODES, Questionnaire, SKM_UNSUR
from kiosk.response import new_response, now_local

ALL = list(SKM_CODES)


def uniform(value: int) -> dict:
    return {c: value for c in ALL}


def test_all_fours_give_exactly_100_and_A():
    result = compute([uniform(4)])
    assert result.ikm == 4
    assert result.ikm_converted == Decimal("100.00")
    assert (result.mutu, result.kinerja) == ("A", "Sangat baik")
    assert all(u.nrr == 4 and u.mutu == "A" for u in result.unsur)


def test_all_ones_give_25_and_D():
    result = compute([uniform(1)] * 3)
    assert result.ikm_converted == Decimal("25.00")
    assert (result.mutu, result.kinerja) == ("D", "Tidak baik")


def test_skipped_answer_leaves_the_denominator():
    # U1 answered by two of three respondents: NRR U1 = (4 + 2) / 2 = 3, not 6 / 3 = 2.
    rows = [uniform(3) | {"U1": 4}, uniform(3) | {"U1": 2}, {c: 3 for c in ALL if c != "U1"}]
    result = compute(rows)
    u1 = result.unsur[0]
    assert (u1.answered, u1.sum, u1.nrr) == (2, 6, Fraction(3))
    assert result.respondents == 3
    assert result.ikm == 3 and result.ikm_converted == Decimal("75.00")


def test_nrr_is_not_rounded_before_summing():
    # NRR 10/3 on every unsur: IKM 10/3, converted 83.333.. -> 83.33. Rounding each NRR
    # to 2 decimals first (3.33) would give 83.25.
    rows = [uniform(3), uniform(3), uniform(4)]
    assert compute(rows).ikm_converted == Decimal("83.33")


def test_per_unsur_means_not_the_mean_of_all_items():
    # U1: one answer of 1. Every other unsur: two answers of 4. The mean of all 17 items
    # would be 65/17 = 3.82 (95.59); per-unsur means give (1 + 8 * 4) / 9 = 33/9 (91.67).
    rows = [uniform(4), {c: 4 for c in ALL if c != "U1"} | {"U1": 1}]
    rows[0].pop("U1")
    assert compute(rows).ikm_converted == Decimal("91.67")


def test_worked_example_of_design_md_per_unsur_values():
    # 29 respondents, U1 sum 105 -> NRR 3.6207, weighted 0.402, converted 90.52, A.
    rows = [uniform(4) for _ in range(18)] + [uniform(3) for _ in range(11)]
    u1 = to_json(compute(rows), scope={})["unsur"][0]
    assert (u1["answered"], u1["sum"], u1["nrr"], u1["nrr_weighted"], u1["converted"], u1["mutu"]) == \
        (29, 105, 3.6207, 0.402, 90.52, "A")


def test_round_half_up_on_an_exact_tie():
    assert round_half_up(Fraction(88305, 1000), 2) == Decimal("88.31")
    assert round_half_up(Fraction(76605, 1000), 2) == Decimal("76.61")
    assert round_half_up(Fraction(1, 8), 2) == Decimal("0.13")  # binary-float round() gives 0.12
    assert round_half_up(Fraction(64995, 1000), 2) == Decimal("65.00")
    assert round_half_up(Fraction(64994999, 1000000), 2) == Decimal("64.99")


def test_exact_tie_in_the_converted_value_rounds_up():
    # 8 respondents answering all nine: converted = 25 * total / 72. A total of 225 gives
    # exactly 78.125, which must become 78.13 (round-half-even, as Python's round does, gives 78.12).
    rows = [uniform(3) for _ in range(8)]
    for r in rows[:3]:
        r["U1"] = 2  # 216 - 3 + 12 (below) = 225
    for r in rows[:4]:
        r["U9"] = 4
    for r in rows[:4]:
        r["U8"] = 4
    for r in rows[:4]:
        r["U7"] = 4
    total = sum(sum(r.values()) for r in rows)
    assert total == 225
    result = compute(rows)
    assert result.ikm * 25 == Fraction(78125, 1000)
    assert result.ikm_converted == Decimal("78.13")
    assert round(78.125, 2) == 78.12  # why floats must not do the rounding


@pytest.mark.parametrize("value, mutu, kinerja", [
    ("100.00", "A", "Sangat baik"), ("88.31", "A", "Sangat baik"), ("88.30", "B", "Baik"),
    ("76.61", "B", "Baik"), ("76.60", "C", "Kurang baik"), ("65.00", "C", "Kurang baik"),
    ("64.99", "D", "Tidak baik"), ("25.00", "D", "Tidak baik"),
])
def test_each_class_boundary(value, mutu, kinerja):
    assert classify(Decimal(value)) == (mutu, kinerja)


def test_boundary_reached_through_real_answers():
    # 4 respondents, 36 answers; total T gives converted 25 * T / 36.
    # T = 128 -> 88.888.. A; T = 127 -> 88.19 B; T = 111 -> 77.08 B; T = 110 -> 76.39 C.
    def with_total(total):
        rows = [uniform(4) for _ in range(4)]
        missing = 144 - total
        for r in rows:
            for c in ALL:
                if missing and r[c] > 1:
                    step = min(3, missing, r[c] - 1)
                    r[c] -= step
                    missing -= step
        return compute(rows)
    assert with_total(128).mutu == "A" and with_total(127).mutu == "B"
    assert with_total(111).mutu == "B" and with_total(110).mutu == "C"
    assert with_total(94).ikm_converted == Decimal("65.28") and with_total(94).mutu == "C"
    assert with_total(93).ikm_converted == Decimal("64.58") and with_total(93).mutu == "D"


def test_only_complete_responses_count_and_select_filters():
    start = now_local()
    done = new_response(office_id="o", service_id="a", answers=uniform(4), started_at=start)
    walked_away = new_response(office_id="o", service_id="a", answers={"U1": 1}, started_at=start, complete=False)
    other_service = new_response(office_id="o", service_id="b", answers=uniform(1), started_at=start)
    doc = report([done, walked_away], scope={"office_id": "o"})
    assert doc["respondents"] == 1 and doc["ikm_converted"] == 100.0
    assert select([done, walked_away, other_service], service_id="a") == [done]
    services = report([done, walked_away, other_service], scope={})["services"]
    assert [(s["service_id"], s["respondents"], s["ikm_converted"]) for s in services] == \
        [("a", 1, 100.0), ("b", 1, 25.0)]


def test_office_weights_are_used_exactly():
    weights = {c: Fraction(1, 10) for c in ALL}
    weights["U1"] = Fraction(2, 10)
    q = Questionnaire("custom", 1, SKM_UNSUR, weights)
    result = compute([uniform(3) | {"U1": 4}], q)
    assert result.ikm == Fraction(2, 10) * 4 + Fraction(8, 10) * 3  # 3.2 exactly
    assert result.ikm_converted == Decimal("80.00")


def test_out_of_range_answer_is_refused():
    with pytest.raises(ValueError):
        compute([uniform(4) | {"U3": 5}])


answers = st.dictionaries(st.sampled_from(ALL), st.integers(1, 4), min_size=1)


@settings(max_examples=200, deadline=None)
@given(st.lists(answers, min_size=1, max_size=40))
def test_value_stays_within_25_and_100(rows):
    converted = compute(rows).ikm_converted
    assert Decimal("25.00") <= converted <= Decimal("100.00")


@settings(max_examples=200, deadline=None)
@given(st.lists(answers, min_size=1, max_size=30), st.data())
def test_raising_any_answer_never_lowers_the_index(rows, data):
    i = data.draw(st.integers(0, len(rows) - 1))
    code = data.draw(st.sampled_from(sorted(rows[i])))
    raised = [dict(r) for r in rows]
    raised[i][code] = min(4, raised[i][code] + data.draw(st.integers(1, 3)))
    assert compute(raised).ikm >= compute(rows).ikm


@settings(max_examples=100, deadline=None)
@given(st.lists(answers, min_size=1, max_size=30), st.randoms())
def test_row_order_does_not_matter(rows, rnd):
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert compute(shuffled) == compute(rows)
