"""Running the kiosk app under a script (autoplay, screenshots, benchmarks) instead of App.run()."""
from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from kivy.base import EventLoop

from kiosk.config import Config
from kiosk.flow_clock import ManualClock
from kiosk.store import Queue


@contextmanager
def running(app) -> Iterator:
    """Build and start the app on the existing window; stop it (finishing pending writes) afterwards."""
    app._run_prepare()
    if EventLoop.status != "started":
        EventLoop.start()
    try:
        EventLoop.idle()
        yield app
    finally:
        app.stop()


def scripted_app(config: Config, queue, data_dir: Path, *, flags: tuple[str, ...] = (), wrap_queue=None,
                 audio_dir: Path | None = None):
    """A kiosk app on a manual clock (the script moves time), bound to no sync worker, making no audio
    (it plays the clips in `audio_dir` when given)."""
    from screens.app import KioskApp

    clock = ManualClock(tz=config.tz)
    return KioskApp(office_config=config, queue=wrap_queue(queue) if wrap_queue else queue, data_dir=data_dir,
                    clock=clock, wall=clock.wall, flags=flags, audio_dir=audio_dir, make_audio=False)


@contextmanager
def scratch_queue() -> Iterator[tuple[Queue, Path]]:
    """A throw-away data dir and queue (screenshots must not leave responses in the real queue)."""
    with tempfile.TemporaryDirectory(prefix="skm-shots-") as tmp:
        queue = Queue(Path(tmp) / "queue.db")
        try:
            yield queue, Path(tmp)
        finally:
            queue.close()
