"""Krejcie and Morgan minimum sample, as tabulated in SKM.md."""
import pytest

from kiosk.ikm import SampleError, required_sample, sample


@pytest.mark.parametrize("population, required", [
    (10, 10), (50, 44), (100, 80), (500, 217), (1200, 291), (9000, 368), (1, 1), (1_000_000, 384),
])
def test_table_rows(population, required):
    assert required_sample(population) == required


def test_sufficiency_is_reported_against_the_population():
    assert sample(80, 100) == {"population": 100, "required": 80, "sufficient": True, "smallest_answered": 80}
    assert sample(79, 100)["sufficient"] is False
    assert sample(5, None) == {"population": None, "required": None, "sufficient": None, "smallest_answered": 5}


def test_sufficiency_rests_on_the_unsur_with_the_fewest_answers():
    assert sample(100, 100, smallest_answered=80)["sufficient"] is True
    assert sample(100, 100, smallest_answered=79) == {"population": 100, "required": 80, "sufficient": False,
                                                      "smallest_answered": 79}


def test_a_population_smaller_than_the_respondents_is_an_error():
    with pytest.raises(SampleError, match="population \\(100\\) is smaller than the 2000 respondents"):
        sample(2000, 100)
    assert sample(100, 100)["sufficient"] is True


def test_population_must_be_positive():
    with pytest.raises(ValueError):
        required_sample(0)


def test_a_service_is_held_to_the_minimum_of_its_share_of_the_population():
    from kiosk.ikm import by_service

    rows = [("a", {"U1": 4})] * 90 + [("b", {"U1": 4})] * 10
    services = {s["service_id"]: s for s in by_service(rows, population=1000)}
    # a: 900 of the population -> at least 269; b: 100 -> at least 80
    assert services["a"]["sample"] == {"required": 269, "basis": "population share", "smallest_answered": 90,
                                       "sufficient": False}
    assert services["b"]["sample"]["required"] == 80 and services["b"]["caveat"].startswith("indicative only")
    plenty = {s["service_id"]: s for s in by_service([("a", {"U1": 3})] * 30)}
    assert plenty["a"]["caveat"] is None and plenty["a"]["sample"]["basis"] == "floor"
