"""`kiosk status [--json]`: queue counts, oldest pending age, last sync and last error."""
from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timezone

from kiosk import config as office_config, paths
from kiosk.storage import StorageError
from kiosk.store import Queue

def register(sub, common) -> None:
    parser = sub.add_parser("status", parents=[common], help="queue counts and the last sync")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(run=run)


def collect(root) -> dict:
    """Everything `kiosk status` reports. When the queue cannot be read now, the counts are None
    and `storage` says why."""
    from sync.worker import status_of

    config = office_config.load_for(root)
    queue = Queue(paths.queue_file(root))
    try:
        storage = storage_report(queue)
        clock = clock_report(queue)
        try:
            sync = status_of(queue, config, root)
            state = queue.sync_state()
        except StorageError:
            sync = state = None
    finally:
        queue.close()
    out = {
        "office_id": config.office.id,
        "demo_pin": office_config.uses_demo_pin(config),
        "sync_url": config.sync.url or None,
        "pending": None, "sent": None, "rejected": None, "oldest_pending_age_s": None, "alarm": None,
        "authorised": None, "last_attempt": None, "last_success": None, "last_error": None,
        "last_error_code": None, "last_error_at": None,
        "storage": storage,
        "clock": clock,
    }
    if sync is not None and state is not None:
        out.update({
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
        })
    return out


def storage_report(queue: Queue) -> dict:
    """Whether the kiosk can save now (a reason code and words when not) and the latest repair."""
    health = queue.health()
    problem, repair = health.problem, health.last_repair
    return {
        "ok": problem is None,
        "reason": None if problem is None else problem.problem.value,
        "detail": None if problem is None else problem.sentence,
        "last_repair": None if repair is None else {
            "at": _iso(repair.at), "kind": repair.kind, "rows_recovered": repair.rows_recovered,
            "rows_lost": repair.rows_lost, "kept_file": repair.kept_file, "detail": repair.detail},
    }


def clock_report(queue: Queue) -> dict:
    from kiosk import clockcheck

    try:
        return clockcheck.from_queue(queue, time.time()).to_json()
    except StorageError:
        return clockcheck.check(time.time(), None, None).to_json()


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
    storage = status["storage"]
    if args.json:
        print(json.dumps(status, indent=2))
    else:
        _print_plain(status)
    if status["demo_pin"] and status["sync_url"]:
        # Enrolled to a real office, yet staff mode opens with the README's PIN: say it every time.
        print(f"kiosk status: WARNING: {office_config.DEMO_PIN_WARNING}.", file=sys.stderr)
    if not storage["ok"]:
        print(f"kiosk status: {storage['detail']}", file=sys.stderr)
        return 1
    return 0


def _print_plain(status: dict) -> None:
    def count(key):
        return "unknown" if status[key] is None else status[key]

    print(f"office        {status['office_id']}")
    print(f"sync url      {status['sync_url'] or '(none: everything stays pending)'}")
    print(f"staff PIN     {'DEMO ' + office_config.DEMO_PIN + ': change it (kiosk config set-pin)' if status['demo_pin'] else 'own'}")
    print(f"pending       {count('pending')}")
    print(f"sent          {count('sent')}")
    print(f"rejected      {count('rejected')}")
    print(f"oldest        {_age(status['oldest_pending_age_s'])}" + ("  ALARM: waiting over 24 h" if status["alarm"] else ""))
    print(f"last success  {status['last_success'] or 'never'}")
    print(f"last error    {status['last_error'] or '-'}")
    if status["sync_url"] and status["authorised"] is False:
        print("              kiosk not authorised: enrol it again with `kiosk enroll URL CODE`")
    storage = status["storage"]
    print(f"storage       {'ok' if storage['ok'] else 'CANNOT SAVE: ' + storage['reason']}")
    clock = status["clock"]
    if clock["suspect"]:
        print(f"clock         WRONG ({clock['reason']}"
              + (f", {clock['offset_s']:+.0f} s from the collector" if clock["offset_s"] is not None else "")
              + "): set the date and time")
    repair = storage["last_repair"]
    if repair:
        print(f"last repair   {repair['at']}: {repair['kind']}, {repair['rows_recovered']} recovered, "
              f"{repair['rows_lost']} lost; damaged file kept as {repair['kept_file']}")
