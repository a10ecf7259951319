"""Krejcie and Morgan minimum sample, as tabulated in SKM.md."""
import pytest

from kiosk.ikm import required_sample, sample


@pytest.mark.parametrize("population, required", [
    (10, 10), (50, 44), (100, 80), (500, 217), (1200, 291), (9000, 368), (1, 1), (1_000_000, 384),
])
def test_table_rows(population, required):
    assert required_sample(population) == required


def test_sufficiency_is_reported_against_the_population():
    assert sample(80, 100) == {"population": 100, "required": 80, "sufficient": True}
    assert sample(79, 100)["sufficient"] is False
    assert sample(5, None) == {"population": None, "required": None, "sufficient": None}


def test_population_must_be_positive():
    with pytest.raises(ValueError):
        required_sample(0)
