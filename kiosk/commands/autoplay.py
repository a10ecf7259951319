"""`kiosk autoplay --count N [--seed S]`: N complete surveys tapped on the real UI (burn-in for a new tablet)."""
from __future__ import annotations

import random
import sys
import time

from kiosk import config as office_config, paths
from kiosk.commands.screenshot import window_size
from kiosk.errors import UserError


def register(sub, common) -> None:
    parser = sub.add_parser("autoplay", parents=[common],
                            help="tap N complete surveys on the real UI (offscreen when there is no display)")
    parser.add_argument("--count", type=int, required=True, help="number of complete surveys")
    parser.add_argument("--seed", type=int, default=None, help="random seed for the answers (default: random)")
    parser.add_argument("--config", help="office config (default: the data dir's, else the demo office)")
    parser.add_argument("--offscreen", action="store_true", help="draw offscreen even when a display exists")
    parser.add_argument("--size", default="1280x800",
                        help="offscreen window size WIDTHxHEIGHT (default 1280x800; smaller is faster "
                             "with software OpenGL)")
    parser.set_defaults(run=run)


def run(args) -> int:
    if args.count < 1:
        raise UserError(f"--count must be at least 1, not {args.count}.")
    root = paths.data_dir(args.data_dir)
    config = office_config.load(args.config) if args.config else office_config.load_for(root)

    from screens import boot

    offscreen = args.offscreen or boot.headless()
    # On a tablet's own screen the burn-in runs full screen, like `kiosk run`; offscreen it
    # draws as fast as it can.
    boot.prepare(offscreen=offscreen, fullscreen=not offscreen, size=window_size(args.size),
                 kivy_home=root / "kivy", maxfps=0 if offscreen else 60)
    from kiosk.store import Queue
    from screens import driven
    from screens.autoplay import Player
    from screens.finger import Finger

    queue = Queue(paths.queue_file(root))
    began = time.monotonic()
    try:
        # Flagged "simulated": burn-in answers must never count in a real IKM.
        app = driven.scripted_app(config, queue, root, flags=("simulated",))
        with driven.running(app):
            player = Player(app, Finger(app.flow.clock), random.Random(args.seed))
            done = player.play(args.count, progress=lambda n: _progress(n, args.count))
            taps = player.finger.taps
    finally:
        queue.close()
    took = time.monotonic() - began
    print(f"{done} complete surveys ({taps} taps) stored in {paths.queue_file(root)} in {took:.1f} s")
    return 0


def _progress(done: int, count: int) -> None:
    if sys.stderr.isatty() and (done % 10 == 0 or done == count):
        print(f"\r{done}/{count} surveys", end="\n" if done == count else "", file=sys.stderr, flush=True)
