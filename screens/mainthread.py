"""The one way work leaves the UI thread and its result comes back: a worker thread plus Kivy's clock."""
from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable

from kivy.clock import Clock

from kiosk.storage import StorageError

log = logging.getLogger(__name__)


def on_main_thread(fn: Callable[..., Any], *args: Any) -> None:
    """Run fn(*args) on Kivy's main thread at the next frame."""
    Clock.schedule_once(lambda _dt: fn(*args), 0)


class Background:
    """One worker thread for blocking work (disk, network); results are delivered on the main thread.

    A single long-lived thread also means a single extra SQLite connection for the queue,
    however many respondents the kiosk serves.
    """

    def __init__(self, name: str):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._closed = False
        self.busy = 0

    def run(self, work: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None) -> Future | None:
        if self._closed:
            log.warning("background work asked for after shutdown: ignored")
            return None
        self.busy += 1

        def deliver(future: Future) -> None:
            error = future.exception()
            if isinstance(error, StorageError):  # a full or read-only disk: one line, the UI says the rest
                log.error("background work failed: %s", error)
            elif error is not None:
                log.error("background work failed: %r", error, exc_info=error)
            on_main_thread(self._finish, future, error, on_done, on_error)

        future = self._pool.submit(work)
        future.add_done_callback(deliver)
        return future

    def _finish(self, future: Future, error, on_done, on_error) -> None:
        self.busy -= 1
        if error is None:
            if on_done is not None:
                on_done(future.result())
        elif on_error is not None:
            on_error(error)

    def shutdown(self) -> None:
        """Finish the work already queued (a response being written is never cut off), then stop."""
        self._closed = True
        self._pool.shutdown(wait=True)
