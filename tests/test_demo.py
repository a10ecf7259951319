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
    # Autoplay's answers are flagged simulated: delivered, disclosed, never counted.
    assert "0 respondents counted, 5 set aside as simulated" in done.stdout
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


class _ScriptedDemo:
    """The demo's steps with the kiosk commands recorded instead of run (one unit: the step order)."""

    def __init__(self, tmp_path, fail: str | None = None):
        from kiosk.commands import demo

        self.calls = []
        self.demo = demo.Demo(tmp_path / ".demo", port=1)
        self.demo.start_collector = lambda: None
        outputs = {"offices": "[]", "enroll-code": '{"code": "C0DE"}', "report": '{"respondents": 5}'}

        def kiosk(step, *args, **kwargs):
            self.calls.append(args)
            if step == fail:
                raise demo.StepFailed(step, "exited with status 1")
            return next((out for key, out in outputs.items() if key in args), "")

        self.demo.kiosk = kiosk


@pytest.mark.parametrize("windowed, ui_step", [(True, ("run", "--windowed")), (False, ("autoplay", "--count", "5"))])
def test_the_ui_step_depends_on_the_display(tmp_path, capsys, windowed, ui_step):
    scripted = _ScriptedDemo(tmp_path)
    scripted.demo.run(count=5, windowed=windowed)
    commands = [c[0] if c[0] != "admin" else c[1] for c in scripted.calls]
    assert commands == ["init", "offices", "office-add", "user-add", "enroll-code", "enroll", ui_step[0], "sync", "report"]
    assert ui_step in scripted.calls
    assert ("enroll", "http://127.0.0.1:1", "C0DE") in scripted.calls
    assert "5 respondents" in capsys.readouterr().out


def test_a_failed_sync_stops_before_the_report(tmp_path, capsys):
    from kiosk.commands import demo

    scripted = _ScriptedDemo(tmp_path, fail="sync")
    with pytest.raises(demo.StepFailed, match="sync failed"):
        scripted.demo.run(count=5, windowed=False)
    assert not any("report" in c for c in scripted.calls)
    assert "respondents" not in capsys.readouterr().out
