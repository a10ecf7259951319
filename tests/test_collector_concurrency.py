"""Several collector processes on one database: the same responses arriving at once are stored exactly once."""
from __future__ import annotations

import threading
from collections import Counter

import pytest

from collector import db, migrations, records
from collector.ingest import ingest_batch
from fixtures_collector import DEMO_OFFICE, make_wire
from kiosk.config import DEMO_CONFIG


@pytest.fixture
def collectors(collector_db_url):
    """collectors(n) -> (engines, kiosk): one engine per "process" (separate connection pools, nothing
    shared in memory but the database), each migrating at start-up, and one kiosk of the demo office."""
    engines = []

    def start(count: int):
        engines.extend(db.make_engine(collector_db_url) for _ in range(count))
        for engine in engines:
            migrations.migrate(engine)
        records.add_office(engines[0], **records.office_from_config(DEMO_CONFIG))
        _, token = records.add_kiosk(engines[0], DEMO_OFFICE)
        with db.reading(engines[0]) as conn:
            return engines, records.kiosk_for_token(conn, token)

    yield start
    for engine in engines:
        engine.dispose()


def test_overlapping_batches_from_separate_collectors_store_each_response_once(collectors):
    engines, kiosk = collectors(4)
    wires = [make_wire() for _ in range(120)]
    # Every sender resends overlapping slices, as kiosks do after a lost answer.
    batches = [wires[start:start + 60] for start in range(0, 61, 20)] * 2
    outcomes: list[tuple[str, str]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(batches))

    def send(index: int, batch: list) -> None:
        barrier.wait()
        results = ingest_batch(engines[index % len(engines)], kiosk, batch)
        with lock:
            outcomes.extend((r.id, r.status) for r in results)

    threads = [threading.Thread(target=send, args=(i, b)) for i, b in enumerate(batches)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    accepted = Counter(rid for rid, status in outcomes if status == "accepted")
    assert set(accepted) == {w["id"] for w in wires}
    assert set(accepted.values()) == {1}
    assert {status for _, status in outcomes} == {"accepted", "duplicate"}
    assert len(outcomes) == sum(len(b) for b in batches)
    with db.reading(engines[0]) as conn:
        stored = conn.exec_driver_sql("SELECT COUNT(*), COUNT(DISTINCT id) FROM responses").one()
    assert tuple(stored) == (120, 120)


def test_conflicting_copies_racing_keep_exactly_one(collectors):
    engines, kiosk = collectors(2)
    originals = [make_wire() for _ in range(50)]
    variants = [{**w, "comment": "versi lain"} for w in originals]
    outcomes: dict[int, list[str]] = {}
    barrier = threading.Barrier(2)

    def send(index: int, batch: list) -> None:
        barrier.wait()
        outcomes[index] = [r.status for r in ingest_batch(engines[index], kiosk, batch)]

    threads = [threading.Thread(target=send, args=(0, originals)), threading.Thread(target=send, args=(1, variants))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for first, second in zip(outcomes[0], outcomes[1]):
        assert sorted([first, second]) == ["accepted", "conflict"]


def test_the_same_ids_in_opposite_orders_do_not_deadlock(collectors):
    engines, kiosk = collectors(2)
    for _ in range(5):
        wires = [make_wire() for _ in range(200)]
        orders = [wires, list(reversed(wires))]
        outcomes: dict[int, object] = {}
        barrier = threading.Barrier(2)

        def send(index: int) -> None:
            barrier.wait()
            try:
                outcomes[index] = [r.status for r in ingest_batch(engines[index], kiosk, orders[index])]
            except Exception as exc:  # noqa: BLE001 - a deadlock would surface here
                outcomes[index] = exc

        threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(isinstance(o, list) for o in outcomes.values()), outcomes
        assert Counter(outcomes[0] + outcomes[1]) == Counter({"accepted": 200, "duplicate": 200})
