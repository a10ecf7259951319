"""`kiosk simulate --count N [--seed S]`: valid synthetic responses into the queue."""
from __future__ import annotations

import argparse

from kiosk import config as office_config, paths
from kiosk.simulate import synthetic_responses
from kiosk.store import Queue


def register(sub, common) -> None:
    parser = sub.add_parser("simulate", parents=[common],
                            help="write N synthetic, valid responses into the queue (flagged 'simulated')")
    parser.add_argument("--count", type=_count, required=True, help="how many responses")
    parser.add_argument("--seed", type=int, help="random seed, for a repeatable set")
    parser.set_defaults(run=run)


def _count(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 10_000_000:
        raise argparse.ArgumentTypeError(f"count must be a whole number from 1 to 10000000, got {text!r}")
    return int(text)


def run(args) -> int:
    root = paths.data_dir(args.data_dir)
    config = office_config.load_for(root)
    queue = Queue(paths.queue_file(root))
    try:
        queue.enqueue_many(synthetic_responses(config, args.count, args.seed))
        counts = queue.count_by_status()
    finally:
        queue.close()
    print(f"queued {args.count} simulated responses for {config.office.id}; pending now {counts['pending']}")
    return 0
