"""`kiosk demo` headless: five autoplayed surveys reach the local collector; a failed step is never hidden."""
from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import command_modules

REPO = Path(__file__).resolve().parent.parent


def run_demo(cwd: Path, *args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "KIOSK_DATA_DIR")}
    return subprocess.run([sys.executable, "-m", "kiosk", "demo", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout)


@pytest.mark.skipif("autoplay" not in command_modules(), reason="`kiosk autoplay` (the UI helper's) is not there yet")
def test_headless_demo_delivers_five_autoplayed_surveys(tmp_path):
    done = run_demo(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no display" in done.stdout
    assert "admin login: admin / " in done.stdout
    demo = tmp_path / ".demo"
    with sqlite3.connect(demo / "collector" / "collector.db") as db:
        rows = db.execute("SELECT channel, office_id FROM responses").fetchall()
    assert rows == [("kiosk", "dukcapil-butur")] * 5
    with sqlite3.connect(demo / "kiosk" / "queue.db") as queue:
        assert dict(queue.execute("SELECT status, count(*) FROM responses GROUP BY status")) == {"sent": 5}
    assert "5 respondents" in done.stdout
    assert str(demo / "collector" / "collector.db") in done.stdout
    assert "collector stopped" in done.stdout


def test_a_failed_step_is_named_and_exits_non_zero(tmp_path):
    with socket.socket() as busy:  # the collector cannot listen on a port that is taken
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = run_demo(tmp_path, "--port", str(port), "--data-dir", str(tmp_path / "d"), timeout=60)
    assert done.returncode == 1
    assert "start the collector failed" in done.stderr
    assert "report of" not in done.stdout
