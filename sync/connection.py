"""Checks that a collector URL answers its health endpoint (staff's "test connection" button)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from sync import wire
from sync.errors import classify_exception


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    code: str  # "ok", "bad_url", or one of sync.errors.ERROR_CODES
    detail: str


def url_problem(url: str) -> str | None:
    """Why this is not a usable collector URL, or None when it is one."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return f"{url!r} is not a URL"
    if parts.scheme not in ("http", "https"):
        return f"{url!r} must start with https:// (or http:// on a local network)"
    if not parts.hostname:
        return f"{url!r} has no host name"
    try:
        parts.port
    except ValueError:
        return f"{url!r} has an invalid port"
    if parts.query or parts.fragment:
        return f"{url!r} must not have a query or fragment"
    return None


def test_connection(url: str, timeout: float = 5.0, session: requests.Session | None = None) -> ConnectionCheck:
    """GET {url}/api/v1/health and expect {"status": "ok"}; TLS is always verified."""
    problem = url_problem(url)
    if problem:
        return ConnectionCheck(False, "bad_url", problem)
    session = session or requests.Session()
    target = url.rstrip("/") + wire.HEALTH_PATH
    try:
        reply = session.get(target, timeout=(timeout, timeout), verify=True, allow_redirects=False,
                            headers={"Accept": "application/json", "User-Agent": wire.USER_AGENT})
    except requests.RequestException as exc:
        code, detail = classify_exception(exc)
        return ConnectionCheck(False, code, detail)
    ctype = reply.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if 300 <= reply.status_code < 400 or reply.status_code == 511 or (
            reply.status_code == 200 and ctype == "text/html"):
        return ConnectionCheck(False, "captive_portal",
                               f"{target} answered with a web page or redirect: a Wi-Fi login page is in the way")
    if reply.status_code >= 500:
        return ConnectionCheck(False, "server", f"{target} answered HTTP {reply.status_code}")
    if reply.status_code != 200:
        return ConnectionCheck(False, "bad_response",
                               f"{target} answered HTTP {reply.status_code}: is this an SKM collector?")
    try:
        data = json.loads(reply.content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return ConnectionCheck(False, "bad_response", f"{target} did not answer JSON")
    if not isinstance(data, dict) or data.get("status") != "ok":
        # Only the status, cut short: the repr of a whole crafted answer could be huge or too deep to print.
        said = str(data.get("status") if isinstance(data, dict) else type(data).__name__)[:120]
        return ConnectionCheck(False, "server", f"{target} says the collector is not healthy: {said!r}")
    return ConnectionCheck(True, "ok", f"{target} is reachable and healthy")


test_connection.__test__ = False  # not a pytest test, despite the name
