"""`kiosk enroll URL CODE`: register this kiosk with a collector; store its token and office config."""
from __future__ import annotations

import getpass
import json
import sys

from kiosk import config as office_config, paths
from kiosk.errors import UserError


def register(sub, common) -> None:
    parser = sub.add_parser(
        "enroll", parents=[common], help="register this kiosk with a collector; stores token and office config",
        description="Exchange a single-use enrolment code for this kiosk's token. Writes the token (mode 600) "
                    "and config.toml (the office config from the collector, with sync.url = URL) into the data "
                    "dir. The staff PIN is kept unless the collector sends the office's own.")
    parser.add_argument("url", metavar="URL", help="the collector's base URL, e.g. https://skm.example.go.id")
    parser.add_argument("code", metavar="CODE", help="the enrolment code from `kiosk admin enroll-code`")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--allow-http", action="store_true",
                        help="accept a plain http:// collector that is not on this machine (the token then travels "
                             "in clear: for a test network only)")
    parser.add_argument("--set-pin", action="store_true",
                        help="set this kiosk's staff PIN after enrolling, read from stdin (a prompt on a terminal), "
                             "unless the office sent its own; without it a terminal is asked anyway when the kiosk "
                             "would keep the demo PIN")
    parser.set_defaults(run=run)


def run(args) -> int:
    from sync.enrolment import enrol  # the core imports without an HTTP client until a command needs one

    refuse_plain_http(args.url, args.allow_http)
    root = paths.data_dir(args.data_dir)
    done = enrol(args.url, args.code, root)
    office = done.config.office
    result = {"kiosk_id": done.kiosk_id, "office_id": office.id, "office_name": office.name,
              "url": done.config.sync.url, "config": str(done.config_file), "token_file": str(done.token_file)}
    config = _own_pin(done.config, root, asked=args.set_pin)
    result["demo_pin"] = office_config.uses_demo_pin(config)
    foreign = _pending_for_other_offices(root, office.id)
    if foreign:
        print(f"kiosk enroll: warning: {foreign} pending response(s) in this kiosk's queue belong to another "
              f"office than {office.id}; the collector will refuse them (kept as rejected).", file=sys.stderr)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"enrolled as kiosk {done.kiosk_id} of {office.name} ({office.id})")
        print(f"config: {done.config_file}")
        print(f"token:  {done.token_file} (mode 600)")
    if result["demo_pin"]:
        print(f"kiosk enroll: WARNING: {office_config.DEMO_PIN_WARNING}.", file=sys.stderr)
    return 0


def refuse_plain_http(url: str, allowed: bool) -> None:
    """A plain http:// collector is refused unless it is on this machine or --allow-http says so: enrolment
    sends back the kiosk's token, which would cross the network in clear."""
    import ipaddress
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "http" or allowed:
        return
    host = (parts.hostname or "").lower()
    if not host:
        return  # no host at all: enrolment itself says so
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise UserError(f"{url} is plain http: the kiosk's token would travel in clear. Use the collector's "
                        "https:// address, or give --allow-http on a test network.")


def _own_pin(config, root, *, asked: bool):
    """The enrolled config, with the staff PIN staff choose now when it would otherwise stay the demo PIN.

    A terminal is asked (Enter keeps the demo PIN, with the warning); a script passes --set-pin and the PIN
    on stdin. An office PIN sent by the collector is left alone: the office admin chose it.
    """
    if not office_config.uses_demo_pin(config):
        if asked:
            print("kiosk enroll: the office sent its own staff PIN; --set-pin was not needed.", file=sys.stderr)
        return config
    interactive = sys.stdin.isatty()
    if not (asked or interactive):
        return config
    from kiosk.flow_staff import SettingsRejected, change_pin

    if interactive:
        pin = getpass.getpass(f"Staff PIN for this kiosk, 4 to 12 digits (Enter keeps the demo PIN "
                              f"{office_config.DEMO_PIN}): ")
        if not pin:
            return config
        repeated = getpass.getpass("The same PIN again: ")
    else:
        pin = repeated = sys.stdin.readline().strip()
    try:
        changed = change_pin(config, root, pin, repeated)
    except SettingsRejected as exc:
        raise UserError(f"enrolled, but the staff PIN was not changed: it must be {exc.problems[0].expected}; "
                        "set it with `kiosk config set-pin`.") from None
    print("kiosk enroll: staff PIN set.", file=sys.stderr)
    return changed


def _pending_for_other_offices(root, office_id: str) -> int:
    queue_path = paths.queue_file(root)
    if not queue_path.exists():
        return 0
    from kiosk.store import Queue, Status

    queue = Queue(queue_path)
    try:
        if queue.count_by_status()["pending"] == 0:
            return 0
        return sum(1 for q in queue.all_by_status(Status.PENDING) if q.response.office_id != office_id)
    finally:
        queue.close()
