"""Fixtures for the sync tests: synthetic responses and the in-memory fake collector."""
from __future__ import annotations

from dataclasses import replace

import pytest

from fakecollector import FakeCollector


@pytest.fixture
def make_responses(demo_config):
    """make_responses(n, seed=..., **changes): n valid synthetic responses for the demo office."""
    from kiosk.simulate import synthetic_responses

    def make(count: int, seed: int = 1, **changes):
        made = synthetic_responses(demo_config, count, seed=seed)
        return [replace(r, **changes) for r in made] if changes else made

    return make


@pytest.fixture
def fake_collector() -> FakeCollector:
    return FakeCollector()
