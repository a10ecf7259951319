"""Shared fixtures: a temp data dir, the demo config, a queue on disk.

Feature-specific fixtures live in tests/fixtures_*.py plugins listed below.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# Kivy must never read pytest's argv or write into the user's home, whichever test imports it first.
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")

sys.path.insert(0, str(Path(__file__).parent))
from kinds import kinds_of  # noqa: E402  (tests/ is on the path from here)

pytest_plugins: list[str] = ["fixtures_sync", "fixtures_postgres", "fixtures_collector", "fixtures_ui", "fixtures_alerts",
                             "fixtures_storage", "fixtures_browser"]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    root = tmp_path / "kiosk-data"
    root.mkdir()
    return root


@pytest.fixture
def demo_config():
    from kiosk import config

    return config.load(config.DEMO_CONFIG)


@pytest.fixture
def queue(tmp_path: Path):
    from kiosk.store import Queue

    q = Queue(tmp_path / "queue.db")
    yield q
    q.close()


def pytest_collection_modifyitems(config, items) -> None:
    """Mark every test by kind (tests/kinds.py), so `pytest -m "not slow"` is the fast loop."""
    for item in items:
        for kind in sorted(kinds_of(item)):
            item.add_marker(kind)
