"""`kiosk status [--json]`: queue counts, oldest pending age, last sync and last error."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from kiosk import config as office_config, paths
from kiosk.store import Queue

def register(sub, common) -> None:
    parser = sub.add_parser("status", parents=[common], help="queue counts and the last sync")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(run=run)


def collect(root) -> dict:
    from sync.worker import status_of

    config = office_config.load_for(root)
    queue = Queue(paths.queue_file(root))
    try:
        sync = status_of(queue, config, root)
        state = queue.sync_state()
    finally:
        queue.close()
    return {
        "office_id": config.office.id,
        "sync_url": config.sync.url or None,
        "pending": sync.pending,
        "sent": sync.sent,
        "rejected": sync.rejected,
        "oldest_pending_age_s": None if sync.oldest_pending_age_s is None else round(sync.oldest_pending_age_s, 1),
        "alarm": sync.alarm,
        "authorised": sync.authorised,
        "last_attempt": _iso(state.last_attempt),
        "last_success": _iso(sync.last_success),
        "last_error": sync.last_error,
        "last_error_code": sync.last_error_code,
        "last_error_at": _iso(state.last_error_at),
    }


def _iso(epoch: float | None) -> str | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, timezone.utc).astimezone().isoformat(
        timespec="seconds")


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"


def run(args) -> int:
    status = collect(paths.data_dir(args.data_dir))
    if args.json:
        print(json.dumps(status, indent=2))
        return 0
    print(f"office        {status['office_id']}")
    print(f"sync url      {status['sync_url'] or '(none: everything stays pending)'}")
    print(f"pending       {status['pending']}")
    print(f"sent          {status['sent']}")
    print(f"rejected      {status['rejected']}")
    print(f"oldest        {_age(status['oldest_pending_age_s'])}" + ("  ALARM: waiting over 24 h" if status["alarm"] else ""))
    print(f"last success  {status['last_success'] or 'never'}")
    print(f"last error    {status['last_error'] or '-'}")
    if status["sync_url"] and not status["authorised"]:
        print("              kiosk not authorised: enrol it again with `kiosk enroll URL CODE`")
    return 0
