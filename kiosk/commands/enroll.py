"""`kiosk enroll URL CODE`: register this kiosk with a collector; store its token and office config."""
from __future__ import annotations

import json
import sys

from kiosk import config as office_config, paths
from kiosk.errors import UserError

ENROLL_TIMEOUT = (10.0, 30.0)
NEW_CODE_HINT = "ask the collector's admin for a new one (`kiosk admin enroll-code --office ID`)"


def register(sub, common) -> None:
    parser = sub.add_parser(
        "enroll", parents=[common], help="register this kiosk with a collector; stores token and office config",
        description="Exchange a single-use enrolment code for this kiosk's token. Writes the token (mode 600) "
                    "and config.toml (the office config from the collector, with sync.url = URL) into the data "
                    "dir. The staff PIN is kept unless the collector sends the office's own.")
    parser.add_argument("url", metavar="URL", help="the collector's base URL, e.g. https://skm.example.go.id")
    parser.add_argument("code", metavar="CODE", help="the enrolment code from `kiosk admin enroll-code`")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(run=run)


def run(args) -> int:
    import requests  # the core imports without an HTTP client until a command needs one

    from sync.connection import test_connection, url_problem
    from sync.uploader import USER_AGENT, classify_exception, write_token
    from sync.wire import ENROLL_PATH

    url = args.url.strip().rstrip("/")
    problem = url_problem(url)
    if problem:
        raise UserError(f"{problem}.")
    code = args.code.strip()
    if not code:
        raise UserError("the enrolment code is empty; " + NEW_CODE_HINT + ".")
    root = paths.data_dir(args.data_dir)

    session = requests.Session()
    check = test_connection(url, timeout=ENROLL_TIMEOUT[0], session=session)
    if not check.ok:
        detail = check.detail
        if detail.startswith("could not reach the collector (") and detail.endswith(")"):
            detail = detail[len("could not reach the collector ("):-1]
        raise UserError(f"could not reach an SKM collector at {url}: {detail}.")
    try:
        reply = session.post(url + ENROLL_PATH, json={"code": code}, timeout=ENROLL_TIMEOUT, verify=True,
                             allow_redirects=False, headers={"Accept": "application/json", "User-Agent": USER_AGENT})
    except requests.RequestException as exc:
        raise UserError(f"could not reach the collector at {url}: {classify_exception(exc)[1]}.") from None
    if reply.status_code in (400, 401, 403, 404, 409, 410, 422):
        raise UserError(f"the collector did not accept code {code!r} (wrong, already used or expired"
                        f"{_detail(reply)}); {NEW_CODE_HINT}.")
    if reply.status_code != 200:
        raise UserError(f"the collector at {url} answered HTTP {reply.status_code} to the enrolment; try again later.")
    try:
        answer = reply.json()
        kiosk_id, token, received = answer["kiosk_id"], answer["token"], answer["config"]
        if not (isinstance(token, str) and token and isinstance(received, dict)):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise UserError(f"the collector at {url} sent an enrolment answer this kiosk does not understand.") from None

    from sync import configsync

    data = configsync.merge(received, url, configsync.local_config(root), pin_hash=_running_pin_hash(root))
    if not (data.get("staff") or {}).get("pin_hash"):
        raise UserError(f"this kiosk's {paths.config_file(root)} cannot be used and the office has no staff PIN "
                        "at the collector: fix or remove the file, then enrol again; nothing was saved.")
    try:
        checked = configsync.write_config(root, data, reply.headers.get("ETag"))
    except configsync.ConfigRejected as exc:
        raise UserError(f"the collector sent an office config this kiosk cannot use ({exc}); "
                        "nothing was saved.") from None
    token_file = root / checked.sync.token_file
    config_file = paths.config_file(root)
    write_token(token_file, token)
    result = {"kiosk_id": kiosk_id, "office_id": checked.office.id, "office_name": checked.office.name,
              "url": url, "config": str(config_file), "token_file": str(token_file)}
    foreign = _pending_for_other_offices(root, checked.office.id)
    if foreign:
        print(f"kiosk enroll: warning: {foreign} pending response(s) in this kiosk's queue belong to another "
              f"office than {checked.office.id}; the collector will refuse them (kept as rejected).",
              file=sys.stderr)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"enrolled as kiosk {kiosk_id} of {checked.office.name} ({checked.office.id})")
        print(f"config: {config_file}")
        print(f"token:  {token_file} (mode 600)")
    return 0


def _running_pin_hash(root) -> str | None:
    """The staff PIN hash of the config this kiosk runs with now (the demo office's on a fresh data dir)."""
    try:
        return office_config.load_for(root).pin_hash
    except office_config.ConfigError:
        return None


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


def _detail(reply) -> str:
    try:
        detail = reply.json().get("detail")
    except (ValueError, AttributeError):
        return ""
    return f": {detail}" if isinstance(detail, str) and detail else ""
