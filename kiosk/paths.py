"""Where a kiosk keeps its files: the data dir and what lies in it."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def data_dir(explicit: str | os.PathLike | None = None, *, create: bool = True) -> Path:
    """--data-dir, else KIOSK_DATA_DIR, else the platform's user data dir for skm-kiosk (made unless create=False)."""
    chosen = explicit or os.environ.get("KIOSK_DATA_DIR") or platformdirs.user_data_dir("skm-kiosk")
    path = Path(chosen).expanduser()
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def config_file(root: Path) -> Path:
    return root / "config.toml"


def queue_file(root: Path) -> Path:
    return root / "queue.db"


def log_dir(root: Path) -> Path:
    return root / "logs"
