"""Fixtures for the sync tests: synthetic responses and the in-memory fake collector."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from fakecollector import FakeCollector


REPO = Path(__file__).resolve().parent.parent


def run_kiosk(*args: str, data_dir: Path, stdin: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """`python -m kiosk ARGS --data-dir DATA_DIR` as a subprocess, as an operator would run it."""
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_DATA_DIR"}
    return subprocess.run([sys.executable, "-m", "kiosk", *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, cwd=REPO, env=env, input=stdin, timeout=timeout)


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


class SyncTarget:
    """What the uploader's contract suite talks to: the fake transport or the real collector."""

    def __init__(self, kind: str, session, base_url: str, token: str, *, stored_ids, revoke, server=None):
        self.kind, self.session, self.base_url, self.token = kind, session, base_url, token
        self._stored_ids, self._revoke, self.server = stored_ids, revoke, server

    def stored_ids(self) -> set[str]:
        return set(self._stored_ids())

    def stored_count(self) -> int:
        return len(list(self._stored_ids()))

    def revoke(self) -> None:
        self._revoke()


@pytest.fixture(params=["fake", "real"])
def sync_target(request):
    """The same uploader suite runs against the in-memory fake and against `kiosk serve` on 127.0.0.1."""
    if request.param == "fake":
        fake = FakeCollector()
        yield SyncTarget("fake", fake, "https://collector.test", "good-token",
                         stored_ids=lambda: list(fake.stored), revoke=fake.revoke_all)
        return
    import requests

    server = request.getfixturevalue("collector_server")()
    kiosk_id, token = server.new_kiosk()
    session = requests.Session()
    yield SyncTarget("real", session, server.url, token, stored_ids=server.stored_ids,
                     revoke=lambda: server.revoke(kiosk_id), server=server)
    session.close()


def sync_until_empty(queue, uploader, *, batch_size: int = 5, backoff=None, on_failure=None,
                     max_attempts: int = 50):
    """Drain like the worker does (fast backoff between failures) until nothing is pending.

    Returns the failed results seen on the way; raises if max_attempts pass first.
    """
    import time

    from sync.backoff import Backoff

    backoff = backoff or Backoff(base_s=0.01, cap_s=0.05)
    failures = []
    for _ in range(max_attempts):
        result = uploader.drain(queue, batch_size)
        if not result.ok:
            failures.append(result.last)
            if on_failure:
                on_failure(result.last)
            time.sleep(min(backoff.failed(result.last.retry_after_s), 0.2))
            continue
        if queue.count_by_status()["pending"] == 0:
            return failures
    raise AssertionError(f"still {queue.count_by_status()['pending']} pending after {max_attempts} attempts: "
                         f"{[f.error for f in failures[-3:]]}")
