"""Android entry point: python-for-android starts main.py, which runs `kiosk run` on the app's private storage."""
from __future__ import annotations

import os
import sys


def android_data_dir(environ) -> str | None:
    """The kiosk's data dir inside the app's private storage (python-for-android's ANDROID_PRIVATE), if any.

    Private storage needs no permission, is out of reach of other apps, and goes with the app when it is
    uninstalled: the queue and the sync token never sit on shared storage.
    """
    private = environ.get("ANDROID_PRIVATE")
    return os.path.join(private, "kiosk-data") if private else None


if __name__ == "__main__":
    from kiosk.cli import main

    data_dir = android_data_dir(os.environ)
    sys.exit(main(["run", *(["--data-dir", data_dir] if data_dir else [])]))
