"""Web-survey form tokens: only the page this collector served, in the browser it served it to, can post it back.

A served form carries its response id and a token: HMAC(collector secret, response id, link, time served,
browser nonce). The browser nonce lives in a SameSite=Strict cookie, which a browser never sends with a
post from another site; the Origin (or Referer) header must name this collector too. The secret is kept
in the database (collector.links.shared_secret), so any collector process behind a load balancer checks
what another one served. A token is good for one response id, and the id is stored at most once, so a
replayed form is one respondent. Nothing here needs JavaScript.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine

from collector import links

COOKIE = "skm_form"
FIELD = "form_token"
# A form left open this long is stale; the survey itself takes minutes.
TTL = timedelta(hours=12)
_SECRET_KEY = "form_secret"

_secrets: "weakref.WeakKeyDictionary[Engine, bytes]" = weakref.WeakKeyDictionary()
_secrets_guard = threading.Lock()


def form_secret(engine: Engine) -> bytes:
    """The shared secret, read once per process (it never changes once made)."""
    with _secrets_guard:
        found = _secrets.get(engine)
    if found is None:
        found = links.shared_secret(engine, _SECRET_KEY)
        with _secrets_guard:
            _secrets[engine] = found
    return found


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def _mac(secret: bytes, rid: str, link: str, issued: int, nonce: str) -> str:
    message = "\x1f".join(("form", rid, link, str(issued), nonce)).encode("utf-8", "surrogatepass")
    return base64.urlsafe_b64encode(hmac.new(secret, message, hashlib.sha256).digest()).decode().rstrip("=")


def issue(secret: bytes, *, rid: str, link: str, nonce: str, now: datetime) -> str:
    issued = int(now.timestamp())
    return f"{issued}.{_mac(secret, rid, link, issued, nonce)}"


@dataclass(frozen=True)
class Refusal:
    """Why a post was refused, for the log (the citizen sees one friendly page whatever the reason)."""

    reason: str


def check(secret: bytes, token: str | None, *, rid: str, link: str, nonce: str | None,
          now: datetime) -> Refusal | None:
    """None when the token was issued by a collector of this database for this response id, link and
    browser, within TTL; else why not."""
    if not token:
        return Refusal("the form has no token")
    if not nonce:
        return Refusal("the browser sent no form cookie (cross-site post, or cookies off)")
    issued_text, _, mac = token.partition(".")
    if not issued_text.isdigit() or len(issued_text) > 12:
        return Refusal("the form token is malformed")
    issued = int(issued_text)
    if not hmac.compare_digest(mac.encode(), _mac(secret, rid, link, issued, nonce).encode()):
        return Refusal("the form token does not match this form, link or browser")
    age = now.timestamp() - issued
    if age > TTL.total_seconds() or age < -300:
        return Refusal("the form token has expired")
    return None


def cross_site(headers) -> str | None:
    """Why the request did not come from a page of this collector, judged by Origin (else Referer); None
    when it did or when the browser sent neither (then the SameSite cookie is the guard)."""
    hosts = {h.strip().lower() for h in (headers.get("host"), headers.get("x-forwarded-host")) if h}
    origin = headers.get("origin")
    if origin is not None:
        if origin.strip() == "null":
            return "Origin: null (a sandboxed or cross-site page)"
        netloc = urlsplit(origin.strip()).netloc.lower()
        return None if netloc in hosts else f"Origin {origin!r} is not this collector"
    referer = headers.get("referer")
    if referer:
        netloc = urlsplit(referer.strip()).netloc.lower()
        return None if netloc in hosts else f"Referer from {netloc!r}, not this collector"
    return None
