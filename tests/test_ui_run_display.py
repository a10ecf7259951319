"""`kiosk run` on a real X display (Xvfb, when installed): full screen without a window manager, clean stop on SIGTERM."""
from __future__ import annotations

import os
import shutil
import signal
import struct
import subprocess
import sys
import time

import pytest
from fixtures_ui import X_SCREEN

pytestmark = pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed (apt-get install xvfb)")

SCREEN = X_SCREEN  # the x_display fixture's


def root_pixel(display: str, x: int, y: int) -> tuple[int, int, int] | None:
    """One pixel of the X screen, read with xwd (None when xwd is missing)."""
    if shutil.which("xwd") is None:
        return None
    data = subprocess.run(["xwd", "-root", "-silent", "-display", display], capture_output=True, check=True,
                          timeout=20).stdout
    header = struct.unpack(">25I", data[:100])
    size, bits, line, colours = header[0], header[11], header[12], header[19]
    assert bits in (24, 32), f"xwd gave {bits} bits per pixel"
    at = size + colours * 12 + y * line + x * (bits // 8)
    blue, green, red = data[at], data[at + 1], data[at + 2]
    return red, green, blue


def test_run_fills_the_screen_and_stops_cleanly_on_sigterm(x_display, data_dir):
    env = {**os.environ, "DISPLAY": x_display}
    env.pop("SDL_VIDEODRIVER", None)
    kiosk = subprocess.Popen([sys.executable, "-m", "kiosk", "run", "--data-dir", str(data_dir)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        page = (0xF3, 0xF5, 0xF8)  # screens.theme.PAGE
        deadline = time.monotonic() + 30
        corner = None
        while time.monotonic() < deadline and kiosk.poll() is None:
            corner = root_pixel(x_display, SCREEN[0] - 5, SCREEN[1] - 5)
            if corner is None or corner == page:
                break
            time.sleep(0.5)
        assert kiosk.poll() is None, kiosk.stderr.read()
        if corner is not None:
            assert corner == page, "the kiosk's page colour reaches the bottom-right corner of the screen"
        kiosk.send_signal(signal.SIGTERM)
        assert kiosk.wait(20) == 0
        assert "Traceback" not in kiosk.stderr.read()
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
            kiosk.wait()
