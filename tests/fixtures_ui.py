"""UI test plugin: Kivy offscreen with a fixed 1280x800 window, and a kiosk app driven by a synthetic finger.

The environment is set when pytest loads this plugin, before any test imports Kivy; Kivy
itself is imported only by the fixtures below, so tests of the core never load it.
"""
from __future__ import annotations

import atexit
import os
import select
import shutil
import subprocess
import tempfile
import time

import pytest

os.environ["SDL_VIDEODRIVER"] = "offscreen"
# SDL's dummy audio device: read-aloud clips load and play (in real time, silently) on a machine with no sound card.
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("KIVY_AUDIO", "sdl2")
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")  # Kivy must not take over pytest's stderr and logging
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
if "KIVY_HOME" not in os.environ:
    os.environ["KIVY_HOME"] = tempfile.mkdtemp(prefix="skm-kivy-test-")
    atexit.register(shutil.rmtree, os.environ["KIVY_HOME"], ignore_errors=True)

WINDOW_SIZE = (1280, 800)
X_SCREEN = (1366, 768)


@pytest.fixture(scope="session")
def kivy_window():
    """One offscreen window for the whole session (the first costs about half a second)."""
    from screens import boot

    # No anti-aliasing: software OpenGL draws three times faster, and tests look at widgets, not pixels.
    boot.prepare(offscreen=True, size=WINDOW_SIZE, maxfps=0, multisamples=0)
    from kivy.base import EventLoop

    EventLoop.ensure_window()
    return EventLoop.window


class Kiosk:
    """A running kiosk app on a manual clock, its queue, and a finger to drive it."""

    def __init__(self, app, clock, queue, data_dir, finger):
        self.app, self.clock, self.queue, self.data_dir, self.finger = app, clock, queue, data_dir, finger

    @property
    def session(self):
        return self.app.session

    def screen(self, name: str | None = None):
        manager = self.app.manager
        return manager.get_screen(name) if name else manager.current_screen

    def widget(self, screen: str, widget_id: str):
        return self.screen(screen).ids[widget_id]

    def tap(self, screen: str, widget_id: str, **kwargs) -> None:
        assert self.app.manager.current == screen, f"on {self.app.manager.current!r}, not {screen!r}"
        self.finger.tap(self.widget(screen, widget_id), **kwargs)

    def expect(self, screen: str, timeout_s: float = 5.0) -> None:
        self.finger.wait_for(lambda: self.app.manager.current == screen, timeout_s, f"screen {screen!r}")


@pytest.fixture
def launch_kiosk(kivy_window, data_dir, demo_config):
    """launch_kiosk(config=None, **app options) -> Kiosk; stopped and cleaned up after the test."""
    from kiosk.flow_clock import ManualClock
    from kiosk.store import Queue
    from screens.app import KioskApp
    from screens.finger import Finger

    started = []

    def launch(config=None, **options) -> Kiosk:
        config = config or demo_config
        options.setdefault("make_audio", False)  # espeak-ng only in the tests that want clips
        clock = ManualClock(tz=config.tz)
        queue = Queue(data_dir / "queue.db")
        app = KioskApp(office_config=config, queue=queue, data_dir=data_dir, clock=clock, wall=clock.wall,
                       **options)
        app._run_prepare()
        from kivy.base import EventLoop

        EventLoop.start() if EventLoop.status != "started" else None
        kiosk = Kiosk(app, clock, queue, data_dir, Finger(clock, think_s=1.0))
        started.append(kiosk)
        kiosk.finger.pump(2)
        return kiosk

    yield launch
    for kiosk in started:
        kiosk.app.stop()
        kiosk.queue.close()


@pytest.fixture
def x_display():
    """A virtual X display (Xvfb) of X_SCREEN for a test; skipped when Xvfb is missing.

    Xvfb chooses a free display number itself and says it on a pipe (-displayfd) once it takes
    connections: a number made up here could be taken by another run (parallel test processes, a
    second checkout) and the test would be skipped for it."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0",
                               f"{X_SCREEN[0]}x{X_SCREEN[1]}x24", "-nolisten", "tcp"], pass_fds=(write_end,),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    try:
        number = _display_number(read_end, server, timeout_s=30)
    finally:
        os.close(read_end)
    if number is None:
        server.kill()
        server.wait(10)
        if os.environ.get("CI"):
            pytest.fail("Xvfb did not start within 30 s", pytrace=False)
        pytest.skip("Xvfb did not start")
    yield f":{number}"
    server.terminate()
    server.wait(10)


def _display_number(read_end: int, server: subprocess.Popen, timeout_s: float) -> str | None:
    """The display number Xvfb writes (a line) when it is ready; None if it exits or takes too long."""
    deadline = time.monotonic() + timeout_s
    said = b""
    while not said.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([read_end], [], [], left)[0]:
            return None
        chunk = os.read(read_end, 16)
        if not chunk:  # Xvfb exited without a display
            return None
        said += chunk
    return said.decode().strip() if server.poll() is None else None
