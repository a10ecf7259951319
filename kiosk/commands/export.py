"""`kiosk export --out F [--format jsonl|csv]`: the kiosk's queue as a file for staff."""
from __future__ import annotations

from kiosk import paths
from kiosk.errors import UserError
from kiosk.export import FORMATS, export_queue, format_for
from kiosk.store import Queue, Status


def register(sub, common) -> None:
    parser = sub.add_parser("export", parents=[common], help="export the queue to JSON lines or CSV")
    parser.add_argument("--out", required=True, help="file to write: .csv or .jsonl (the format follows the name)")
    parser.add_argument("--format", choices=FORMATS, help="jsonl or csv (default: from the file name's extension)")
    parser.add_argument("--status", choices=[s.value for s in Status], action="append",
                        help="only these statuses (repeatable; default all)")
    parser.set_defaults(run=run)


def run(args) -> int:
    try:
        fmt = format_for(args.out, args.format)
    except ValueError as exc:
        raise UserError(f"{exc}.") from None
    queue = Queue(paths.queue_file(paths.data_dir(args.data_dir)))
    try:
        count = export_queue(queue, args.out, fmt, *(Status(s) for s in args.status or ()))
    finally:
        queue.close()
    print(f"exported {count} responses to {args.out} ({fmt})")
    return 0
