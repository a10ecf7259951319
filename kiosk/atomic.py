"""Writing a file so that a power cut or a crash leaves the old file or the new one, never half of either."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator


@contextmanager
def replacing(path: str | os.PathLike, *, newline: str | None = None, file_mode: int | None = None
              ) -> Iterator[IO[str]]:
    """A text file (UTF-8) that takes the place of `path` only when the with-block ends without an error.

    It is written beside the target as NAME.tmp, flushed to the disk, then renamed over the target
    (a rename is atomic on one file system). On an error the temp file goes and the target is untouched.
    `file_mode` (e.g. 0o600 for a secret) is set on the temp file before anything is written to it.
    """
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666 if file_mode is None else file_mode)
    try:
        if file_mode is not None:
            os.fchmod(fd, file_mode)  # a stale temp file may have had a wider mode, which O_CREAT keeps
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as f:
            fd = -1  # the file object owns it now
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if fd != -1:
            os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)


def write_text(path: str | os.PathLike, text: str, *, file_mode: int | None = None) -> None:
    """Replace `path` with `text` atomically (see `replacing`)."""
    with replacing(path, file_mode=file_mode) as f:
        f.write(text)


def _sync_directory(folder: Path) -> None:
    # The rename itself lives in the directory: without this a power cut right after it may bring back the old file.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse fsync on a directory; the rename is still atomic there
        pass
    finally:
        os.close(fd)
