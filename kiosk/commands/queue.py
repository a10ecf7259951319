"""`kiosk queue restore FILE`: bring back the responses of a queue file set aside earlier (or a backup)."""
from __future__ import annotations

import argparse
import sys
import shutil
import sqlite3
import tempfile
from pathlib import Path

from kiosk import paths
from kiosk.errors import UserError
from kiosk.store import Queue

DESCRIPTION = """\
Bring back the responses of another queue file: one a repair set aside
(queue.db.damaged-<time>, kept beside the queue), one moved aside by an older version
(queue.db.corrupt-<time>), or a backup. Damaged files are read row by row; whatever can be
read comes back.

Nothing is sent twice: a response already in the queue keeps the more advanced of its two
statuses (pending, then rejected, then sent), so one that was sent stays sent; a response the
queue does not have comes back with the status it had in the file. The file itself is only
read, never changed.
"""


def register(sub, common) -> None:
    parser = sub.add_parser("queue", parents=[common], help="queue maintenance: restore a set-aside queue file",
                            description="Queue maintenance.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    restore = actions.add_parser("restore", parents=[common], help="bring back the responses of a queue file",
                                 description=DESCRIPTION, formatter_class=_Raw)
    restore.add_argument("file", help="the queue file to bring back (e.g. queue.db.damaged-20261129T101500Z)")
    restore.set_defaults(run=run_restore)


class _Raw(argparse.RawDescriptionHelpFormatter):
    pass


def run_restore(args) -> int:
    source = Path(args.file).expanduser()
    if not source.is_file():
        raise UserError(f"{source} is not a file.")
    root = paths.data_dir(args.data_dir)
    if source.resolve() == paths.queue_file(root).resolve():
        raise UserError(f"{source} is this kiosk's own queue; name the file that was set aside.")
    found = _read(source)
    if not found.rows and found.rows_lost == 0:
        raise UserError(f"{source} holds no responses that can be read (is it a kiosk queue file?).")
    queue = Queue(paths.queue_file(root))
    try:
        counts = queue.merge_rows(found.rows)
        totals = queue.count_by_status()
    finally:
        queue.close()
    print(f"brought back {len(found.rows)} response(s) from {source}: {counts['added']} added, "
          f"{counts['advanced']} moved on to a later status, {counts['unchanged']} already here; "
          f"pending now {totals['pending']}, sent {totals['sent']}, rejected {totals['rejected']}")
    if found.rows_lost:
        print(f"kiosk queue restore: {found.rows_lost} response(s) in {source} could not be read", file=sys.stderr)
    return 0


def _read(source: Path):
    """Every readable row, from a copy (with its WAL), so the file set aside is never changed."""
    from kiosk.repair import fix_header
    from kiosk.salvage import salvage

    with tempfile.TemporaryDirectory(prefix="skm-restore-") as tmp:
        copy = Path(tmp) / "restore.db"
        try:
            shutil.copyfile(source, copy)
            wal = Path(str(source) + "-wal")
            if wal.exists():
                shutil.copyfile(wal, str(copy) + "-wal")
        except OSError as exc:
            raise UserError(f"cannot read {source} ({exc.strerror or exc}).") from None
        fix_header(copy)
        try:
            return salvage(copy)
        except sqlite3.DatabaseError as exc:
            raise UserError(f"{source} is not a kiosk queue file ({exc}).") from None
