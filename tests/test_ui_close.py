"""Ending the kiosk: closing the window ends `kiosk run --windowed` and `kiosk demo` cleanly (on Xvfb, the
window manager's close request sent to the real window); full screen, only staff mode's exit ends it."""
from __future__ import annotations

import ctypes
import dataclasses
import json
import os
import re
import subprocess
import sys
import time

import pytest

from kiosk.config import DEMO_PIN

TITLE = "SKM kiosk"  # screens/app.py


class _ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("data", ctypes.c_long * 5)]


class _XEvent(ctypes.Union):
    _fields_ = [("xclient", _ClientMessage), ("pad", ctypes.c_long * 24)]


def window_id(display: str, title: str) -> int | None:
    done = subprocess.run(["xwininfo", "-display", display, "-name", title], capture_output=True, text=True)
    found = re.search(r"Window id: (0x[0-9a-f]+)", done.stdout)
    return int(found.group(1), 16) if found else None


def request_close(display: str, window: int) -> None:
    """What a window manager's close button sends: WM_PROTOCOLS / WM_DELETE_WINDOW to the window."""
    xlib = ctypes.CDLL("libX11.so.6")
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    xlib.XInternAtom.restype = ctypes.c_ulong
    xlib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    xlib.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
    xlib.XFlush.argtypes = xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    dpy = xlib.XOpenDisplay(display.encode())
    assert dpy, f"cannot open X display {display}"
    try:
        event = _XEvent()
        event.xclient.type = 33  # ClientMessage
        event.xclient.window = window
        event.xclient.message_type = xlib.XInternAtom(dpy, b"WM_PROTOCOLS", 0)
        event.xclient.format = 32
        event.xclient.data[0] = xlib.XInternAtom(dpy, b"WM_DELETE_WINDOW", 0)
        xlib.XSendEvent(dpy, window, 0, 0, ctypes.byref(event))
        xlib.XFlush(dpy)
    finally:
        xlib.XCloseDisplay(dpy)


def wait_for_window(display: str, process: subprocess.Popen, timeout_s: float = 120) -> int:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert process.poll() is None, f"exited early with {process.returncode}:\n{process.stderr.read()}"
        window = window_id(display, TITLE)
        if window is not None:
            time.sleep(1.0)  # let the app draw its first frames and bind its close handler
            return window
        time.sleep(0.3)
    raise AssertionError(f"no window named {TITLE!r} within {timeout_s:.0f} s")


def on_display(display: str) -> dict:
    env = {**os.environ, "DISPLAY": display}
    env.pop("SDL_VIDEODRIVER", None)
    return env


@pytest.fixture
def needs_xwininfo():
    import shutil

    if shutil.which("xwininfo") is None:
        pytest.skip("xwininfo is not installed (apt-get install x11-utils)")


def test_closing_the_window_ends_a_windowed_run_cleanly(x_display, needs_xwininfo, data_dir):
    kiosk = subprocess.Popen([sys.executable, "-m", "kiosk", "run", "--windowed", "--data-dir", str(data_dir)],
                             env=on_display(x_display), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        request_close(x_display, wait_for_window(x_display, kiosk))
        assert kiosk.wait(60) == 0
        out, err = kiosk.communicate()
        assert "Traceback" not in err
        assert re.search(r"kiosk run: stopped; 0 response\(s\) saved in this run, 0 left unfinished; "
                         r"queue: 0 pending, 0 sent, 0 rejected", out), out
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
            kiosk.wait()


def test_closing_the_demo_window_syncs_and_prints_the_report(x_display, needs_xwininfo, tmp_path):
    demo = subprocess.Popen([sys.executable, "-m", "kiosk", "demo", "--data-dir", str(tmp_path / "demo")],
                            env=on_display(x_display), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        request_close(x_display, wait_for_window(x_display, demo))
        assert demo.wait(120) == 0, demo.stderr.read()
        out, err = demo.communicate()
        assert "Traceback" not in err
        assert "kiosk run: stopped" in out and "collector stopped" in out
        report = json.loads(out[out.index("\n{") + 1:out.index("\n}\n") + 2])
        assert report["scope"]["office_id"] == "dukcapil-butur" and report["respondents"] == 0
    finally:
        if demo.poll() is None:
            demo.terminate()
            demo.wait(30)


def test_full_screen_ends_only_from_staff_mode(launch_kiosk):
    """The README's way out of full screen: hold the top-left corner, the PIN, then Exit in staff mode."""
    kiosk = launch_kiosk()
    stopped = []
    staff = kiosk.app.staff
    staff.port = dataclasses.replace(staff.port, stop=lambda: stopped.append(True))  # the shared window stays
    window = kiosk.app.root.get_root_window()
    window.dispatch("on_keyboard", 27, 0, None, [])
    assert window.dispatch("on_request_close") is True, "Escape and close are refused on the welcome screen"
    kiosk.finger.tap(kiosk.app.root.children[0], hold_s=2.5)  # the corner (StaffCorner is on top)
    kiosk.expect("pin")
    pad = kiosk.screen("pin")
    for key in (*DEMO_PIN, "ok"):
        kiosk.finger.tap(pad.keys[key], think_s=0.2)
    kiosk.finger.wait_for(lambda: not kiosk.app.staff.checking, what="the PIN check")
    kiosk.expect("staff")
    assert not window.dispatch("on_request_close"), "staff mode lets the window close"
    kiosk.tap("staff", "exit_app")
    assert stopped == [True]
