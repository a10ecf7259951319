"""What can go wrong with the kiosk's storage, told apart: "cannot write now" is not "damaged".

A full disk, an I/O error, a read-only file system or a lock held by another program is a
temporary condition: nothing is moved or deleted, the write fails visibly and works again
once the condition clears. Only real damage (SQLite says the file is corrupt or is not a
database, or its integrity check fails) leads to a repair (kiosk/salvage.py).
"""
from __future__ import annotations

import errno
import os
import sqlite3
from enum import Enum
from pathlib import Path

__all__ = ["Problem", "StorageError", "CannotWriteNow", "QueueDamaged", "classify", "is_damage",
           "cannot_write", "filesystem_problem", "LOW_SPACE_BYTES"]

# Below this much free space a write of one response (a few 4 KB pages in the WAL) may fail.
LOW_SPACE_BYTES = 64 * 1024


class Problem(str, Enum):
    """Why the kiosk cannot write now; the code `kiosk status --json` and the staff screen use."""

    DISK_FULL = "disk_full"
    IO_ERROR = "io_error"
    READ_ONLY = "read_only"
    BUSY = "busy"
    CANNOT_OPEN = "cannot_open"
    DAMAGED = "damaged"

    @property
    def words(self) -> str:
        return _WORDS[self]


_WORDS = {
    Problem.DISK_FULL: "the disk is full",
    Problem.IO_ERROR: "the storage reports an input/output error",
    Problem.READ_ONLY: "the storage is read-only",
    Problem.BUSY: "another program holds the queue file locked",
    Problem.CANNOT_OPEN: "the queue file cannot be opened (missing permission or folder)",
    Problem.DAMAGED: "the queue file is damaged and could not be repaired yet",
}


class StorageError(Exception):
    """The queue cannot do what was asked; `problem` says why, the message is one sentence."""

    def __init__(self, problem: Problem, path: Path | str, detail: str = ""):
        self.problem, self.path, self.detail = problem, Path(path), detail
        super().__init__(self.sentence)

    @property
    def sentence(self) -> str:
        return (f"cannot save to the response queue {self.path} now: {self.problem.words}"
                f"{f' ({self.detail})' if self.detail else ''}; nothing saved earlier was changed, "
                "and saving works again once this is fixed")


class CannotWriteNow(StorageError):
    """Temporary: a full disk, an I/O error, read-only storage or a lock."""


class QueueDamaged(StorageError):
    """The file itself is damaged (corrupt pages, not a database, failed integrity check)."""

    def __init__(self, path: Path | str, detail: str = ""):
        super().__init__(Problem.DAMAGED, path, detail)


# SQLite's primary result codes (the low byte of an extended code), as in sqlite3.h.
_SQLITE_PROBLEMS = {5: Problem.BUSY, 6: Problem.BUSY, 8: Problem.READ_ONLY, 10: Problem.IO_ERROR,
                    13: Problem.DISK_FULL, 14: Problem.CANNOT_OPEN}
_SQLITE_DAMAGE = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_ERRNO_PROBLEMS = {errno.ENOSPC: Problem.DISK_FULL, errno.EDQUOT: Problem.DISK_FULL, errno.EROFS: Problem.READ_ONLY,
                   errno.EIO: Problem.IO_ERROR, errno.EACCES: Problem.CANNOT_OPEN, errno.EPERM: Problem.CANNOT_OPEN,
                   errno.EBUSY: Problem.BUSY}
# Messages of errors raised without a code (older Python, or SQLite's own wording in a plain DatabaseError).
_MESSAGES = (("malformed", Problem.DAMAGED), ("not a database", Problem.DAMAGED), ("disk is full", Problem.DISK_FULL),
             ("disk i/o error", Problem.IO_ERROR), ("readonly", Problem.READ_ONLY), ("read-only", Problem.READ_ONLY),
             ("is locked", Problem.BUSY), ("unable to open", Problem.CANNOT_OPEN))


def classify(exc: BaseException) -> Problem | None:
    """Which Problem an sqlite3 or OS error means; None for anything else (a bug: let it surface)."""
    if isinstance(exc, StorageError):
        return exc.problem
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None:
            primary = code & 0xFF
            if primary in _SQLITE_DAMAGE:
                return Problem.DAMAGED
            if primary in _SQLITE_PROBLEMS:
                return _SQLITE_PROBLEMS[primary]
        text = str(exc).lower()
        for words, problem in _MESSAGES:
            if words in text:
                return problem
        return None
    if isinstance(exc, OSError):
        return _ERRNO_PROBLEMS.get(exc.errno)
    return None


def is_damage(exc: BaseException) -> bool:
    return classify(exc) is Problem.DAMAGED


def cannot_write(exc: BaseException, path: Path | str) -> CannotWriteNow | None:
    """The CannotWriteNow an error stands for (refined by a look at the file system), or None."""
    problem = classify(exc)
    if problem is None or problem is Problem.DAMAGED:
        return None
    # SQLite says "unable to open" or "I/O error" for what is often a read-only or full file system.
    if problem in (Problem.CANNOT_OPEN, Problem.IO_ERROR):
        problem = filesystem_problem(Path(path).parent) or problem
    return CannotWriteNow(problem, path, _short(exc))


def filesystem_problem(folder: Path) -> Problem | None:
    """READ_ONLY or DISK_FULL when the file system holding `folder` is so; None when it looks writable."""
    try:
        stat = os.statvfs(folder)
    except OSError:
        return None
    if stat.f_flag & os.ST_RDONLY:
        return Problem.READ_ONLY
    if stat.f_bavail * stat.f_frsize < LOW_SPACE_BYTES:
        return Problem.DISK_FULL
    return None


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
