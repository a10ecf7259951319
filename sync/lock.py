"""One sender per kiosk: an advisory lock in the data dir, held while a sender uploads."""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

LOCK_FILE = "sync.lock"


class SenderLock:
    """flock on <data dir>/sync.lock: the kiosk app's worker and `kiosk sync` never upload at once.

    Two senders would still be safe (the collector answers the second copy `duplicate`),
    but they would send everything twice. The lock dies with its process, so a crash
    never leaves it stuck.
    """

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / LOCK_FILE
        self._fd: int | None = None

    def acquire(self, *, wait: bool = False) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "SenderLock":
        self.acquire(wait=True)
        return self

    def __exit__(self, *exc) -> None:
        self.release()
