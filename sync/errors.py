"""Why a request to the collector failed: an error code from ERROR_CODES and an English detail."""
from __future__ import annotations

from typing import Mapping

import requests

from kiosk.sync_status import ERROR_CODES

__all__ = ["ERROR_CODES", "NOT_AUTHORISED", "classify_exception", "classify_refusal"]

NOT_AUTHORISED = "kiosk not authorised"


def classify_refusal(status: int, headers: Mapping[str, str], *, items: int, where: str) -> tuple[str, str]:
    """The error code and detail for an upload of `items` responses to `where` that got HTTP `status` (not 200)."""
    html = headers.get("Content-Type", "").split(";")[0].strip().lower() == "text/html"
    if status in (401, 403) and html:
        # The collector answers in JSON; an HTML refusal comes from a proxy or hotspot in the way,
        # and must not stop sync the way a revoked token does.
        return "captive_portal", f"the network refused the upload with a web page (HTTP {status})"
    if status == 401:
        return "unauthorised", (f"{NOT_AUTHORISED}: the collector answered HTTP {status} "
                                "(token unknown or revoked; enrol the kiosk again)")
    if 300 <= status < 400 or status == 511:
        location = headers.get("Location", "")
        return "captive_portal", (f"the network redirected the upload (HTTP {status}"
                                  f"{' to ' + location if location else ''}): a Wi-Fi login page is in the way")
    if status == 429 or status >= 500:
        return "server", f"the collector answered HTTP {status}"
    if status == 413:
        return "server", f"the collector found a batch of {items} too large (HTTP 413)"
    if status == 403:
        return "bad_response", "the collector refused the upload (HTTP 403)"
    return "bad_response", f"the collector answered HTTP {status} to {where}: is the sync URL right?"


def classify_exception(exc: requests.RequestException) -> tuple[str, str]:
    """An error code from ERROR_CODES and an English detail for a failed request."""
    if isinstance(exc, requests.exceptions.SSLError):
        return "tls", f"the collector's TLS certificate could not be verified ({_short(exc)})"
    if isinstance(exc, requests.exceptions.Timeout):
        kind = "connecting to" if isinstance(exc, requests.exceptions.ConnectTimeout) else "waiting for"
        return "timeout", f"timed out {kind} the collector"
    if isinstance(exc, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)):
        return "bad_response", "the collector's answer was cut off before its end"
    if isinstance(exc, requests.exceptions.ConnectionError):
        if "timed out" in str(exc).lower():
            return "timeout", "timed out waiting for the collector"
        return "network", f"could not reach the collector ({_short(exc)})"
    return "network", f"the upload failed ({_short(exc)})"


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost OS error (reset, refused, no route) under requests' and urllib3's wrappers."""
    seen, todo = set(), [exc]
    found = exc
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and getattr(current, "strerror", None):
            return current
        found = current
        todo += [a for a in getattr(current, "args", ()) if isinstance(a, BaseException)]
        todo += [c for c in (getattr(current, "reason", None), current.__cause__, current.__context__)
                 if isinstance(c, BaseException)]
    return found


def _short(exc: BaseException) -> str:
    root = _root_cause(exc)
    if isinstance(root, OSError) and root.strerror:
        return root.strerror.lower()
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."
