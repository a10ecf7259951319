"""`kiosk sync [--once]`: upload the queue now, with a progress bar for large backlogs."""
from __future__ import annotations

import argparse
import sys
import time
from typing import TextIO

from kiosk import config as office_config, paths
from kiosk.errors import UserError
from kiosk.store import Queue

DESCRIPTION = """\
Upload this kiosk's pending responses to its collector now, batch by batch, oldest first.

Without --once: on a network or server failure it waits (exponential backoff with jitter)
and tries again until nothing is left pending, so it can be left running over a bad
connection; stop it with Ctrl-C (nothing is lost: what was not confirmed stays pending).
It gives up only when the collector refuses the kiosk's token (HTTP 401).

With --once: one pass; the first failure ends it.

When nothing is left pending it also picks up office config changes from the collector
(GET /api/v1/config); the kiosk's sync settings, counter and service binding are kept.

Exit status: 0 when nothing is left pending, 1 when something is (the reason is printed),
2 for a usage mistake (no sync URL, no token), 130 when interrupted.
Responses the collector refuses (conflict, invalid) are kept as "rejected" with the
reason, shown by `kiosk status`, and never sent again: they do not count as pending.
"""


def register(sub, common) -> None:
    parser = sub.add_parser("sync", parents=[common], help="upload the queue now, with a progress bar",
                            description=DESCRIPTION, formatter_class=_Raw)
    parser.add_argument("--once", action="store_true",
                        help="one pass; exit non-zero if anything is left pending")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--no-config", action="store_true",
                        help="do not pick up office config changes from the collector afterwards")
    parser.set_defaults(run=run)


class _Raw(argparse.RawDescriptionHelpFormatter):
    pass


def run(args) -> int:
    import requests

    from sync.backoff import Backoff
    from sync.token import load_token, token_path
    from sync.uploader import Uploader

    root = paths.data_dir(args.data_dir)
    config = office_config.load_for(root)
    if not config.sync.url:
        raise UserError("this kiosk has no collector URL (sync.url); enrol it first with `kiosk enroll URL CODE`.")
    token = load_token(token_path(config, root))
    if token is None:
        raise UserError(f"this kiosk has no token at {token_path(config, root)}; "
                        "enrol it first with `kiosk enroll URL CODE`.")
    from sync.lock import SenderLock

    lock = SenderLock(root)
    if not lock.acquire():
        print("kiosk sync: the kiosk app is uploading right now; waiting for it to finish (Ctrl-C to stop)",
              file=sys.stderr, flush=True)
        lock.acquire(wait=True)
    queue = Queue(paths.queue_file(root))
    session = requests.Session()
    try:
        uploader = Uploader(session, config.sync.url, token)
        backoff = Backoff()
        pending = queue.count_by_status()["pending"]
        bar = Progress(pending, enabled=not args.quiet and pending > config.sync.batch_size)
        done_before = sent_now = refused_now = 0
        while True:
            result = uploader.drain(queue, config.sync.batch_size,
                                    progress=lambda done, _total: bar.update(done_before + done))
            done_before += result.sent + result.rejected
            sent_now += result.sent
            refused_now += result.rejected
            left = queue.count_by_status()["pending"]
            if left == 0 or result.ok and args.once:
                break
            if not result.ok:
                bar.pause()
                # A kiosk that cannot write its own queue is not helped by trying again at once.
                if args.once or result.last.unauthorised or result.last.error_code == "storage":
                    print(f"kiosk sync: {result.last.error}", file=sys.stderr)
                    break
                delay = backoff.failed(result.last.retry_after_s)
                print(f"kiosk sync: {result.last.error}; {left} pending, retrying in {delay:.0f} s",
                      file=sys.stderr)
                time.sleep(delay)
            else:
                backoff.succeeded()
        bar.finish()
        counts = queue.count_by_status()
        if not args.no_config and counts["pending"] == 0:
            _pull_config(session, config, root, token)
    finally:
        queue.close()
        session.close()
        lock.release()
    print(f"sent {sent_now} now; pending {counts['pending']}, sent {counts['sent']}, rejected {counts['rejected']}")
    if refused_now:
        print(f"kiosk sync: the collector refused {refused_now} response(s); they are kept as rejected "
              "(see `kiosk status`)", file=sys.stderr)
    return 0 if counts["pending"] == 0 else 1


def _pull_config(session, config, root, token) -> None:
    from sync import configsync

    try:
        if configsync.pull(session, config, root, token) is not None:
            print("office config updated from the collector", file=sys.stderr)
    except configsync.ConfigRejected as exc:
        print(f"kiosk sync: the collector's office config was not applied ({exc})", file=sys.stderr)


class Progress:
    """A one-line progress bar on stderr; on a non-terminal, a line every tenth of the way."""

    def __init__(self, total: int, *, enabled: bool = True, stream: TextIO = sys.stderr, width: int = 30):
        self.total, self.enabled, self.stream, self.width = total, enabled and total > 0, stream, width
        self.tty = stream.isatty()
        self._last_tenth = -1
        self._drawn = False

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        done = min(done, self.total)
        share = done / self.total
        if self.tty:
            filled = int(share * self.width)
            self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total} {share:4.0%}")
            self._drawn = True
        elif int(share * 10) != self._last_tenth:
            self._last_tenth = int(share * 10)
            self.stream.write(f"{done}/{self.total} sent ({share:.0%})\n")
        self.stream.flush()

    def pause(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self._drawn = False

    def finish(self) -> None:
        self.pause()
