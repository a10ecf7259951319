"""`kiosk run [--config F] [--windowed]`: the kiosk UI, full screen and locked down, with background sync."""
from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import subprocess

from kiosk import config as office_config, paths
from kiosk.errors import UserError
from kiosk.storage import StorageError

log = logging.getLogger(__name__)


def register(sub, common) -> None:
    parser = sub.add_parser("run", parents=[common],
                            help="the kiosk UI, full screen (Escape and close are ignored; staff mode's exit ends it)")
    parser.add_argument("--config", help="office config (default: the data dir's, else the demo office)")
    parser.add_argument("--windowed", action="store_true",
                        help="a 1280x800 window instead of full screen; closing the window ends it")
    parser.set_defaults(run=run)


def run(args) -> int:
    from screens import boot

    if boot.headless():
        raise UserError("there is no display (DISPLAY is not set); to exercise the UI offscreen, "
                        "run `kiosk autoplay --count 12`.")
    root = paths.data_dir(args.data_dir)
    config = office_config.load(args.config) if args.config else office_config.load_for(root)
    boot.prepare(fullscreen=not args.windowed, kivy_home=root / "kivy")
    _screen_saver_off()

    from kiosk.store import Queue
    from screens.app import KioskApp

    queue = Queue(paths.queue_file(root))
    if queue.repaired is not None:
        log.error("the queue file was damaged and repaired (%s): %d response(s) recovered, %d lost; the damaged "
                  "file is kept at %s", queue.repaired.kind, queue.repaired.rows_recovered, queue.repaired.rows_lost,
                  queue.moved_aside)
    if queue.problem is not None:  # the kiosk runs anyway: saving fails visibly until the condition clears
        log.error("%s", queue.problem)
    # Full screen, the kiosk is locked: only staff mode ends it. A window is a desk or a demo: closing it ends it.
    app = KioskApp(office_config=config, queue=queue, data_dir=root, sync_factory=_sync_factory(queue, root),
                   kiosk_lock=not args.windowed)
    app.stop_on_signals()
    try:
        app.run()
        try:
            counts = queue.count_by_status()
        except StorageError:  # the storage trouble was logged and shown; the run still ends cleanly
            counts = None
    finally:
        queue.close()
    queued = (f"; queue: {counts['pending']} pending, {counts['sent']} sent, {counts['rejected']} rejected"
              if counts is not None else "; the queue could not be read")
    print(f"kiosk run: stopped; {app.session.saved_count} response(s) saved in this run, "
          f"{app.session.abandoned_count} left unfinished{queued}", flush=True)
    return 0


def _sync_factory(queue, root):
    """A SyncWorker maker for the app (it restarts the worker when staff change the URL), if sync is installed.

    The worker's module (requests, the uploader) is imported when the app starts the worker, after its
    first frame: a third of a second of the kiosk's cold start otherwise.
    """
    if importlib.util.find_spec("sync") is None:
        log.warning("the sync part is not installed: responses stay in the queue")
        return None

    def make(config, on_config):
        from sync.worker import SyncWorker

        return SyncWorker(queue, config, root, on_config=on_config)

    return make


def _screen_saver_off() -> None:
    """SDL keeps the screen awake while the app runs; X's own blanking is turned off too when possible."""
    if os.environ.get("DISPLAY") and shutil.which("xset"):
        for flags in (["s", "off"], ["-dpms"], ["s", "noblank"]):
            subprocess.run(["xset", *flags], check=False, capture_output=True, timeout=5)
