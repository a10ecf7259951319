"""Benchmarks that print ratios against a baseline measured in the same run (never pass/fail)."""

from contextlib import contextmanager
from typing import Iterator


@contextmanager
def postgres(durable: bool = False) -> Iterator[object | None]:
    """A throwaway PostgreSQL cluster (tests/pgcluster.py) for one bench, stopped afterwards; None, with a line
    saying why, where none can start here (the bench then reports SQLite alone)."""
    from tests.pgcluster import ClusterUnavailable, PostgresCluster  # test kit, run from the repository root

    try:
        cluster = PostgresCluster(durable=durable).start()
    except ClusterUnavailable as exc:
        print(f"postgresql: skipped ({exc})")
        yield None
        return
    try:
        yield cluster
    finally:
        cluster.stop()
