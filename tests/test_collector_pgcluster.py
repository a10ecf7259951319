"""The throwaway PostgreSQL cluster of the tests and benchmarks, and what happens when PostgreSQL is missing."""
from __future__ import annotations

import os

import psycopg
import pytest

import fixtures_postgres
import pgcluster


def test_missing_postgresql_fails_in_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the PostgreSQL tests"):
        fixtures_postgres._unavailable("initdb is not installed")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="initdb is not installed"):
        fixtures_postgres._unavailable("initdb is not installed")


def test_no_binaries_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(pgcluster, "find_bin_dir", lambda: None)
    with pytest.raises(pgcluster.ClusterUnavailable, match="install the Debian package postgresql"):
        pgcluster.PostgresCluster()


def test_a_cluster_starts_on_loopback_and_leaves_nothing_behind():
    if pgcluster.find_bin_dir() is None:
        fixtures_postgres._unavailable("PostgreSQL server binaries are not installed")
    cluster = pgcluster.PostgresCluster().start()
    root = cluster.root
    try:
        url = cluster.create_database("probe")
        assert url.startswith(f"postgresql://postgres@127.0.0.1:{cluster.port}/")
        with psycopg.connect(url) as conn:
            assert conn.execute("SHOW listen_addresses").fetchone()[0] == "127.0.0.1"
    finally:
        cluster.stop()
    assert not os.path.exists(root)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(cluster.url(), connect_timeout=2)
