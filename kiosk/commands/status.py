"""`kiosk status [--json]`: queue counts, oldest pending age, last sync and last error."""
from __future__ import annotations

import json
import time
from datetime import datetime, timezone

from kiosk import config as office_config, paths
from kiosk.store import Queue

ALARM_AFTER_S = 24 * 3600


def register(sub, common) -> None:
    parser = sub.add_parser("status", parents=[common], help="queue counts and the last sync")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(run=run)


def collect(root) -> dict:
    config = office_config.load_for(root)
    queue = Queue(paths.queue_file(root))
    try:
        counts, age, state = queue.count_by_status(), queue.oldest_pending_age(), queue.sync_state()
    finally:
        queue.close()
    return {
        "office_id": config.office.id,
        "sync_url": config.sync.url or None,
        **counts,
        "oldest_pending_age_s": None if age is None else round(age, 1),
        "alarm": age is not None and age > ALARM_AFTER_S,
        "last_attempt": _iso(state.last_attempt),
        "last_success": _iso(state.last_success),
        "last_error": state.last_error,
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
    return 0
