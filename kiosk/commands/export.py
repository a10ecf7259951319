"""`kiosk export --out F [--format jsonl|csv]`: the kiosk's queue as a file for staff."""
from __future__ import annotations

from kiosk import paths
from kiosk.export import FORMATS, export_queue
from kiosk.store import Queue, Status


def register(sub, common) -> None:
    parser = sub.add_parser("export", parents=[common], help="export the queue to JSON lines or CSV")
    parser.add_argument("--out", required=True, help="file to write")
    parser.add_argument("--format", choices=FORMATS, default="jsonl")
    parser.add_argument("--status", choices=[s.value for s in Status], action="append",
                        help="only these statuses (repeatable; default all)")
    parser.set_defaults(run=run)


def run(args) -> int:
    queue = Queue(paths.queue_file(paths.data_dir(args.data_dir)))
    try:
        count = export_queue(queue, args.out, args.format, *(Status(s) for s in args.status or ()))
    finally:
        queue.close()
    print(f"exported {count} responses to {args.out}")
    return 0
