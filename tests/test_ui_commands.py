"""`kiosk autoplay` and `kiosk screenshot` end to end, as separate processes with no display."""
from __future__ import annotations

import os
import subprocess
import sys

from kiosk.response import validate_wire
from kiosk.store import Queue, Status


def kiosk(*args, data_dir, timeout=240):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "KIVY_HOME")}
    return subprocess.run([sys.executable, "-m", "kiosk", *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, timeout=timeout, env=env)


def test_autoplay_leaves_n_complete_pending_responses(data_dir):
    done = kiosk("autoplay", "--count", "3", "--seed", "7", "--size", "640x400", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    assert "3 complete surveys" in done.stdout
    queue = Queue(data_dir / "queue.db")
    try:
        assert queue.count_by_status() == {"pending": 3, "sent": 0, "rejected": 0}
        responses = [q.response for q in queue.all_by_status(Status.PENDING)]
    finally:
        queue.close()
    for response in responses:
        assert response.complete and response.flags == ("simulated",)
        assert len(response.answers) == 9
        assert validate_wire(response.to_wire()) == []
    assert len({r.id for r in responses}) == 3


def test_autoplay_refuses_a_bad_count(data_dir):
    done = kiosk("autoplay", "--count", "0", data_dir=data_dir)
    assert done.returncode == 2
    assert done.stderr.strip() == "kiosk autoplay: --count must be at least 1, not 0."


def test_screenshot_writes_every_screen(tmp_path, data_dir):
    out = tmp_path / "shots"
    done = kiosk("screenshot", "--out", str(out), "--locale", "en", "--size", "640x400", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert len(pngs) == 12 and pngs[0] == "en-01-welcome.png" and "en-11-staff.png" in pngs
    for name in pngs:
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not (data_dir / "queue.db").exists(), "screenshots never touch the kiosk's queue"


def test_run_without_a_display_says_how_to_exercise_the_ui(data_dir):
    done = kiosk("run", "--windowed", data_dir=data_dir)
    assert done.returncode == 2
    assert "autoplay" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
