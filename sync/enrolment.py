"""Enrolment: exchange a single-use code for this kiosk's token and office config, and store both."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from kiosk import config as office_config, paths
from kiosk.config import Config
from kiosk.errors import UserError
from sync import configsync, wire
from sync.connection import test_connection, url_problem
from sync.errors import classify_exception
from sync.token import write_token

ENROLL_TIMEOUT = (10.0, 30.0)
NEW_CODE_HINT = "ask the collector's admin for a new one (`kiosk admin enroll-code --office ID`)"


class EnrolmentFailed(UserError):
    """Enrolment did not happen and nothing was stored; the message says why in one sentence."""


@dataclass(frozen=True)
class Enrolment:
    kiosk_id: str
    config: Config
    config_file: Path
    token_file: Path


def enrol(url: str, code: str, data_dir: Path, *, session: requests.Session | None = None,
          timeout: tuple[float, float] = ENROLL_TIMEOUT) -> Enrolment:
    """Register this kiosk with the collector at `url`; writes config.toml (with sync.url = url) and the token."""
    url = url.strip().rstrip("/")
    problem = url_problem(url)
    if problem:
        raise EnrolmentFailed(f"{problem}.")
    code = code.strip()
    if not code:
        raise EnrolmentFailed("the enrolment code is empty; " + NEW_CODE_HINT + ".")
    session = session or requests.Session()
    kiosk_id, token, received, etag = _exchange(session, url, code, timeout)
    data = configsync.merge(received, url, configsync.local_config(data_dir), pin_hash=running_pin_hash(data_dir))
    if not (data.get("staff") or {}).get("pin_hash"):
        raise EnrolmentFailed(f"this kiosk's {paths.config_file(data_dir)} cannot be used and the office has no "
                              "staff PIN at the collector: fix or remove the file, then enrol again; "
                              "nothing was saved.")
    try:
        checked = configsync.write_config(data_dir, data, etag)
    except configsync.ConfigRejected as exc:
        raise EnrolmentFailed(f"the collector sent an office config this kiosk cannot use ({exc}); "
                              "nothing was saved.") from None
    token_file = Path(data_dir) / checked.sync.token_file
    write_token(token_file, token)
    return Enrolment(kiosk_id, checked, paths.config_file(Path(data_dir)), token_file)


def running_pin_hash(data_dir: Path) -> str | None:
    """The staff PIN hash of the config this kiosk runs with now (the demo office's on a fresh data dir)."""
    try:
        return office_config.load_for(Path(data_dir)).pin_hash
    except office_config.ConfigError:
        return None


def _exchange(session: requests.Session, url: str, code: str, timeout: tuple[float, float]
              ) -> tuple[str, str, dict[str, Any], str | None]:
    """POST the code; the kiosk id, its token, the office config and its ETag."""
    check = test_connection(url, timeout=timeout[0], session=session)
    if not check.ok:
        detail = check.detail
        if detail.startswith("could not reach the collector (") and detail.endswith(")"):
            detail = detail[len("could not reach the collector ("):-1]
        raise EnrolmentFailed(f"could not reach an SKM collector at {url}: {detail}.")
    try:
        reply = session.post(url + wire.ENROLL_PATH, json={"code": code}, timeout=timeout, verify=True,
                             allow_redirects=False,
                             headers={"Accept": "application/json", "User-Agent": wire.USER_AGENT})
    except requests.RequestException as exc:
        raise EnrolmentFailed(f"could not reach the collector at {url}: {classify_exception(exc)[1]}.") from None
    if reply.status_code in (400, 401, 403, 404, 409, 410, 422):
        raise EnrolmentFailed(_refusal(reply, code))
    if reply.status_code != 200:
        raise EnrolmentFailed(f"the collector at {url} answered HTTP {reply.status_code} to the enrolment; "
                              "try again later.")
    try:
        answer = reply.json()
        kiosk_id, token, received = answer["kiosk_id"], answer["token"], answer["config"]
        if not (isinstance(token, str) and token and isinstance(received, dict)):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise EnrolmentFailed(f"the collector at {url} sent an enrolment answer this kiosk does not understand."
                              ) from None
    return kiosk_id, token, received, reply.headers.get("ETag")


def _refusal(reply: requests.Response, code: str) -> str:
    """What went wrong with the code, and what to do: a new code, or (no services yet) the same one later."""
    try:
        problem = reply.json()
        why = problem.get("code") if isinstance(problem, dict) else None
    except ValueError:
        why = None
    if why == "no-services":
        # The collector's sentence names the office and the command that adds a service; the code stays valid.
        return f"the collector cannot enrol a kiosk to this office yet{_detail(reply)}."
    if why == "expired-code":
        return f"code {code!r} has expired (codes last 24 hours); {NEW_CODE_HINT}."
    if why == "used-code":
        return f"code {code!r} has already been used by another kiosk; {NEW_CODE_HINT}."
    if why == "unknown-code":
        return f"code {code!r} is unknown to the collector: check it for typing mistakes, or {NEW_CODE_HINT}."
    return f"the collector did not accept code {code!r} (wrong, already used or expired{_detail(reply)}); {NEW_CODE_HINT}."


def _detail(reply: requests.Response) -> str:
    try:
        detail = reply.json().get("detail")
    except (ValueError, AttributeError):
        return ""
    return f": {detail}" if isinstance(detail, str) and detail else ""
