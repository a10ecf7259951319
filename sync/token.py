"""The kiosk token file that `kiosk enroll` writes and every request to the collector carries."""
from __future__ import annotations

from pathlib import Path

from kiosk import atomic
from kiosk.config import Config


def token_path(config: Config, data_dir: Path) -> Path:
    return Path(data_dir) / config.sync.token_file


def load_token(path: Path) -> str | None:
    """The kiosk token stored by `kiosk enroll`; None when there is none."""
    try:
        token = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):  # missing, unreadable or garbled: not enrolled, as far as we can tell
        return None
    return token or None


def write_token(path: Path, token: str) -> None:
    """Write the token readable by the owner only (mode 600), atomically."""
    atomic.write_text(path, token + "\n", file_mode=0o600)
