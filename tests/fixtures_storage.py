"""Sick storage for tests: damaged queue files, a small real file system (tmpfs), read-only mounts.

`damage(path, kind)` damages a closed queue file the way disks and power cuts do: an index page
or a table page overwritten with garbage, the file cut short, the header overwritten.
`small_fs(size)` mounts a tmpfs of that size (root only; skipped without root unless CI is
set, where it must run) and can remount it read-only.
"""
from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest

PAGE = 4096
DAMAGE_KINDS = ("index_page", "table_page", "truncated", "garbage_header")


def pages_of(path: Path, name: str, pagetype: str = "leaf") -> list[int]:
    """Page numbers of one table's or index's b-tree of the given type ('leaf', 'internal')."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [p for (p,) in conn.execute("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = ? "
                                           "ORDER BY pageno", (name, pagetype))]
    finally:
        conn.close()


def checkpointed(path: Path) -> None:
    """Every committed page written into the main file (no WAL left), as after a clean shutdown."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def overwrite_page(path: Path, pageno: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with open(path, "r+b") as f:
        f.seek((pageno - 1) * PAGE)
        f.write(bytes(rng.randrange(256) for _ in range(PAGE)))


def damage(path: Path, kind: str) -> dict:
    """Damage the (closed) queue file at `path`; returns what was done, for the test's figures."""
    path = Path(path)
    checkpointed(path)
    if kind == "index_page":
        leaves = pages_of(path, "responses_status_seq")
        target = leaves[len(leaves) // 2]
        overwrite_page(path, target)
        return {"page": target}
    if kind == "table_page":
        leaves = pages_of(path, "responses")
        target = leaves[len(leaves) // 2]
        overwrite_page(path, target)
        return {"page": target}
    if kind == "truncated":
        size = path.stat().st_size
        keep = (size // PAGE * 2 // 3) * PAGE + 1234  # cut in the middle of a page, two thirds in
        with open(path, "r+b") as f:
            f.truncate(keep)
        return {"kept_bytes": keep, "of": size}
    if kind == "garbage_header":
        with open(path, "r+b") as f:
            f.write(bytes(random.Random(3).randrange(256) for _ in range(100)))
        return {"bytes": 100}
    raise ValueError(kind)


class SmallFs:
    """A tmpfs mounted on `root` for one test; unmounted afterwards."""

    def __init__(self, root: Path, size: str):
        self.root, self.size = root, size
        root.mkdir(parents=True, exist_ok=True)
        _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(root))

    def fill(self) -> Path:
        """Take every free byte with a filler file; returns it (delete it to free the space)."""
        filler = self.root / f"filler-{uuid.uuid4().hex[:6]}"
        with open(filler, "wb", buffering=0) as f:
            for chunk in (65536, 4096, 512):  # then what still fits in the last partial blocks
                try:
                    while f.write(b"\0" * chunk):
                        pass
                except OSError:
                    pass
        return filler

    def read_only(self, on: bool = True) -> None:
        _run("mount", "-o", f"remount,{'ro' if on else 'rw'}", str(self.root))

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.root)], check=False, capture_output=True)


def _run(*cmd: str) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {done.stderr.strip()}")


def can_mount() -> bool:
    return os.geteuid() == 0


@pytest.fixture
def small_fs(tmp_path):
    """small_fs(size="4m") -> SmallFs mounted under tmp_path (root only; CI must run it)."""
    if not can_mount():
        if os.environ.get("CI"):
            pytest.fail("CI is set but the tests do not run as root: the small file system tests must run in CI")
        pytest.skip("mounting a tmpfs needs root (CI runs these)")
    mounted: list[SmallFs] = []

    def mount(size: str = "4m", name: str = "small") -> SmallFs:
        fs = SmallFs(tmp_path / name, size)
        mounted.append(fs)
        return fs

    yield mount
    for fs in mounted:
        fs.unmount()
