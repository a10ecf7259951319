"""The collector schema: numbered migrations, applied once, also when several processes start together."""
from __future__ import annotations

import threading

from sqlalchemy import inspect

from collector import db, migrations


def test_migrations_apply_once_and_are_recorded(collector_db_url):
    engine = db.make_engine(collector_db_url)
    try:
        assert migrations.migrate(engine) == [m[0] for m in migrations.MIGRATIONS]
        assert migrations.migrate(engine) == []
        assert migrations.applied(engine) == [m[0] for m in migrations.MIGRATIONS]
        tables = set(inspect(engine).get_table_names())
        assert {"offices", "services", "kiosks", "enroll_codes", "admins", "responses", "schema_migrations"} <= tables
    finally:
        engine.dispose()


def test_collectors_starting_together_migrate_once(collector_db_url):
    engines = [db.make_engine(collector_db_url) for _ in range(4)]
    applied: list[list[int]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(engines))

    def start(engine) -> None:
        barrier.wait()
        try:
            applied.append(migrations.migrate(engine))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(e,)) for e in engines]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert sorted(applied) == [[], [], [], [m[0] for m in migrations.MIGRATIONS]]
    finally:
        for engine in engines:
            engine.dispose()


def test_sqlite_database_is_in_wal_mode_with_durable_commits(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        migrations.migrate(engine)
        with db.reading(engine) as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
            # FULL (2): a batch answered 200 is on disk, so a kiosk may mark it sent.
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar_one() == 2
    finally:
        engine.dispose()
