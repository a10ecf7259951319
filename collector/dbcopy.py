"""Copying a whole collector database into a new, empty one: moving an office from SQLite to PostgreSQL."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Boolean, LargeBinary, MetaData, func, select
from sqlalchemy.engine import Engine

from collector import migrations

BATCH = 2000
# The target has its own migration record, made when copy() brings its schema up to date.
NOT_COPIED = {"schema_migrations"}


class CopyRefused(Exception):
    """The copy would mix two databases or lose rows; the message says why, in one sentence."""


@dataclass(frozen=True)
class CopyResult:
    rows: dict[str, int]   # table -> rows copied


def copy(source: Engine, target: Engine) -> CopyResult:
    """Every row of every collector table from source into target (migrated first, and empty)."""
    migrations.migrate(source)
    migrations.migrate(target)
    source_tables, target_tables = MetaData(), MetaData()
    source_tables.reflect(source)
    target_tables.reflect(target)
    _binary_as_binary(source_tables, target_tables)
    names = [t.name for t in target_tables.sorted_tables if t.name not in NOT_COPIED]
    missing = sorted(set(source_tables.tables) - set(target_tables.tables) - NOT_COPIED)
    if missing:
        raise CopyRefused(f"the target has no table {missing[0]}; both databases must be of this collector version")
    with target.connect() as conn:
        for name in names:
            if conn.execute(select(func.count()).select_from(target_tables.tables[name])).scalar():
                raise CopyRefused(f"the target database already has rows in {name}; copy into a new, empty database")
    copied: dict[str, int] = {}
    # One transaction on the target: a failed copy leaves it as empty as it was.
    with source.connect() as read, target.begin() as write:
        for name in names:
            if name not in source_tables.tables:
                copied[name] = 0
                continue
            into = target_tables.tables[name]
            flags = [c.name for c in into.columns if isinstance(c.type, Boolean)]
            count = 0
            result = read.execution_options(stream_results=True).execute(select(source_tables.tables[name])).mappings()
            while rows := result.fetchmany(BATCH):
                batch = [dict(row) for row in rows]
                for row in batch:
                    for flag in flags:  # SQLite keeps booleans as 0/1; PostgreSQL wants true/false
                        if row.get(flag) is not None:
                            row[flag] = bool(row[flag])
                write.execute(into.insert(), batch)
                count += len(batch)
            copied[name] = count
            if write.dialect.name == "postgresql":
                _advance_sequences(write, into)
    return CopyResult(copied)


def _binary_as_binary(*sides: MetaData) -> None:
    """A BYTEA column (report_photos.data) reflects from SQLite as NUMERIC, its declared type's affinity, and its
    bytes would be read or written as a number: where either side knows the column as binary, both use bytes."""
    for name in set.intersection(*(set(side.tables) for side in sides)):
        tables = [side.tables[name] for side in sides]
        for column in tables[0].columns:
            if any(isinstance(t.c[column.name].type, LargeBinary) for t in tables if column.name in t.c):
                for t in tables:
                    if column.name in t.c:
                        t.c[column.name].type = LargeBinary()


def _advance_sequences(conn, table) -> None:
    """Rows came with their ids: move each serial column's sequence past them, or the next insert collides."""
    for column in table.primary_key.columns:
        sequence = conn.execute(select(func.pg_get_serial_sequence(table.name, column.name))).scalar()
        if sequence:
            highest = conn.execute(select(func.max(column))).scalar()
            conn.execute(select(func.setval(sequence, highest or 1, highest is not None)))
