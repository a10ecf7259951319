"""Repairs a damaged queue file: cheap repairs first, then every readable row into a fresh file.

The damaged file is never written: the work happens on a copy. In order:
1. copy the file (and its WAL) to `queue.db.repair-src`; a garbage header is rewritten there;
2. on the copy, REINDEX; if the integrity check then passes, the copy is the repaired queue;
3. otherwise every readable row is read out of the copy (kiosk/salvage.py) into a fresh queue,
   each with its status, queue time and reason, in the same order;
4. the damaged file is renamed `queue.db.damaged-<time>` (kept), the repaired one takes its place.
A repair that cannot get the space it needs raises CannotWriteNow and changes nothing.
"""
from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import struct
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from kiosk.salvage import Salvage, salvage
from kiosk.storage import CannotWriteNow, QueueDamaged, cannot_write, is_damage

log = logging.getLogger(__name__)

MAGIC = b"SQLite format 3\x00"
_SIDE = ("-wal",)  # the -shm is an index of the WAL, rebuilt by SQLite; never copied


def repair(path: Path, why: str, *, clock: Callable[[], float] = time.time):
    """Repair the queue file at `path` in place of it; returns the RepairRecord of what happened."""
    from kiosk.store import MIGRATIONS, RepairRecord

    path = Path(path)
    src = _sibling(path, ".repair-src")
    new = _sibling(path, ".repair-new")
    for leftover in (src, new):
        _remove(leftover)
    try:
        _copy(path, src)
        header_fixed = fix_header(src)
        kind, recovered, lost, detail = _reindex(src)
        if kind is None:
            found = salvage(src)
            _write_fresh(new, found, MIGRATIONS, clock)
            kind, recovered, lost = "salvaged", len(found.rows), found.rows_lost
            detail = _salvage_detail(found)
            _remove(src)
            result = new
        else:
            _checkpoint(src)
            result = src
        if header_fixed:
            detail = f"file header rewritten; {detail}"
        kept = _kept_name(path, clock)
        for suffix in ("", *_SIDE):
            if Path(str(path) + suffix).exists():
                os.replace(str(path) + suffix, str(kept) + suffix)
        _remove(Path(str(path) + "-shm"))
        os.replace(result, path)
        for suffix in ("-wal", "-shm"):
            _remove(Path(str(result) + suffix))
    except (OSError, sqlite3.Error) as exc:
        for leftover in (src, new):
            _remove(leftover)
        if isinstance(exc, sqlite3.Error) and is_damage(exc):
            raise QueueDamaged(path, f"repair failed: {exc}") from exc
        problem = cannot_write(exc, path)
        if problem is None:
            raise
        raise CannotWriteNow(problem.problem, path, f"the damaged queue needs space to be repaired: {exc}") from exc
    record = RepairRecord(at=clock(), kind=kind, rows_recovered=recovered, rows_lost=lost,
                          kept_file=str(kept), detail=f"{why}; {detail}")
    log.error("QUEUE FILE %s WAS DAMAGED (%s): %s, %d response(s) recovered, %d lost; the damaged file is kept "
              "as %s", path, why, kind, recovered, lost, kept)
    return record


def finish_interrupted(path: Path) -> None:
    """A repair cut off between setting the damaged file aside and moving the new one in: finish it."""
    path = Path(path)
    for name in (".repair-new", ".repair-src"):
        candidate = _sibling(path, name)
        if candidate.exists() and not path.exists():
            try:
                os.replace(candidate, path)
            except OSError:
                return
            log.warning("finished an interrupted repair of %s", path)
            return


def _reindex(copy: Path) -> tuple[str | None, int, int, str]:
    """The cheap repair: rebuild every index of the copy. ("reindexed", rows, 0, detail) when that did it."""
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        conn.execute("REINDEX")
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check(10)")]
        if problems != ["ok"]:
            return None, 0, 0, ""
        (rows,) = conn.execute("SELECT count(*) FROM responses").fetchone()
        return "reindexed", rows, 0, "indexes rebuilt, every row kept"
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):
            raise
        return None, 0, 0, ""
    finally:
        conn.close()


def _write_fresh(target: Path, found: Salvage, migrations, clock) -> None:
    """A new queue file holding the salvaged rows (same seq, status, times, reason, body) and sync state."""
    import sqlite_utils

    conn = sqlite3.connect(target, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        db = sqlite_utils.Database(conn)
        conn.execute("BEGIN IMMEDIATE")
        db.execute("CREATE TABLE migrations (number INTEGER PRIMARY KEY, name TEXT, applied_at REAL)")
        for number, migration in enumerate(migrations, start=1):
            migration(db)
            conn.execute("INSERT INTO migrations VALUES (?, ?, ?)", (number, migration.__name__, clock()))
        conn.executemany("INSERT INTO responses (seq, id, status, queued_at, changed_at, reason, body) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", found.rows)
        conn.executemany("INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)", found.sync_state.items())
        # Sequence numbers stay above every row that was there, readable or not.
        top = max([found.rows[-1][0] if found.rows else 0, *(hi for _, hi in found.skipped_ranges)])
        conn.execute("INSERT OR REPLACE INTO sqlite_sequence (name, seq) VALUES ('responses', ?)", (top,))
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()


def _salvage_detail(found: Salvage) -> str:
    ranges = ", ".join(f"{lo}-{hi}" if lo != hi else str(lo) for lo, hi in found.skipped_ranges[:10])
    parts = ["rows copied out one by one"]
    if ranges:
        parts.append(f"unreadable queue positions {ranges}{' ...' if len(found.skipped_ranges) > 10 else ''}")
    if found.lost_ids:
        parts.append("lost ids: " + ", ".join(sorted(found.lost_ids)[:20])
                     + (" ..." if len(found.lost_ids) > 20 else ""))
    return "; ".join(parts)


def fix_header(copy: Path) -> bool:
    """Write a plausible SQLite header over a garbage one (page 1's own content starts at byte 100);
    for a file cut short, the page count SQLite will accept. True when the copy was changed."""
    with open(copy, "r+b") as f:
        head = f.read(100)
        if len(head) < 100:
            return False
        size = os.fstat(f.fileno()).st_size
        if head[:16] == MAGIC and _page_size(head) is not None:
            # A file cut short: SQLite refuses a file smaller than its header says; say what is there.
            page = _page_size(head)
            (claimed,) = struct.unpack(">I", head[28:32])
            if claimed <= size // page:
                return False
            f.truncate(size // page * page)
            f.seek(28)
            f.write(struct.pack(">I", size // page))
            return True
        page = _guess_page_size(copy, size)
        fields = struct.pack(">HBBBBBBIIIIIIIIIIII", 1 if page == 65536 else page, 2, 2, 0, 64, 32, 32,
                             1, size // page, 0, 0, 1, 4, 0, 0, 1, 0, 0, 0)
        header = MAGIC + fields + b"\x00" * 20 + struct.pack(">II", 1, sqlite3.sqlite_version_info[0] * 1000000
                                                             + sqlite3.sqlite_version_info[1] * 1000
                                                             + sqlite3.sqlite_version_info[2])
        assert len(header) == 100
        f.seek(0)
        f.write(header)
    return True


def _page_size(head: bytes) -> int | None:
    (raw,) = struct.unpack(">H", head[16:18])
    size = 65536 if raw == 1 else raw
    return size if size >= 512 and size & (size - 1) == 0 else None


def _guess_page_size(copy: Path, size: int) -> int:
    """The page size whose second page starts with a b-tree page type (SQLite's default is 4096)."""
    with open(copy, "rb") as f:
        for page in (4096, 1024, 2048, 8192, 16384, 32768, 65536, 512):
            if size >= 2 * page and size % page == 0:
                f.seek(page)
                if f.read(1) in (b"\x02", b"\x05", b"\x0a", b"\x0d", b"\x00"):
                    return page
    return 4096


def _checkpoint(copy: Path) -> None:
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _copy(path: Path, target: Path) -> None:
    for suffix in ("", *_SIDE):
        source = Path(str(path) + suffix)
        if source.exists():
            shutil.copyfile(source, str(target) + suffix)
            with open(str(target) + suffix, "rb+") as f:
                os.fsync(f.fileno())


def _kept_name(path: Path, clock: Callable[[], float]) -> Path:
    stamp = datetime.fromtimestamp(clock(), timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    kept = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while kept.exists():
        n += 1
        kept = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    return kept


def _sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(str(path) + suffix)
        except FileNotFoundError:
            pass
