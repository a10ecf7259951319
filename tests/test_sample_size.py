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
