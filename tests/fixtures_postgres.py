"""A throwaway PostgreSQL server for the whole test session, and a fresh database per test.

Skipped (with the reason) when PostgreSQL is not installed; with CI set, that is a failure instead.
"""
from __future__ import annotations

import os

import pytest

from pgcluster import ClusterUnavailable, PostgresCluster


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the PostgreSQL tests, but {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def postgres_cluster():
    """The session's PostgreSQL cluster on 127.0.0.1 (a free port); stopped and removed at the end."""
    try:
        cluster = PostgresCluster().start()
    except ClusterUnavailable as exc:
        _unavailable(str(exc))
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_cluster) -> str:
    """URL of a database in the session's cluster, shared by the whole session."""
    return postgres_cluster.create_database("skm_session")


@pytest.fixture
def postgres_database(postgres_cluster):
    """A fresh, empty database for one test; returns its URL and drops it afterwards."""
    made: list[str] = []

    def make() -> str:
        url = postgres_cluster.create_database()
        made.append(url.rsplit("/", 1)[1])
        return url

    yield make
    for name in made:
        try:
            postgres_cluster.drop_database(name)
        except Exception:  # a database still in use is dropped with the cluster at session end
            pass
