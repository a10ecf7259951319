"""Security headers on every collector answer: CSP without inline script, no framing, nosniff, Referrer-Policy,
and HSTS when the collector is told it sits behind TLS (`kiosk serve --behind-tls` or KIOSK_BEHIND_TLS=1)."""
from __future__ import annotations

import os

from starlette.types import ASGIApp, Message, Receive, Scope, Send

BEHIND_TLS_ENV = "KIOSK_BEHIND_TLS"

# No script at all on the collector's own pages; styles come from /static (no inline <style>).
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
# FastAPI's /docs and /redoc pages load their script from a CDN and start it inline.
_DOCS_CSP = ("default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
             "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https:; "
             "connect-src 'self'; worker-src blob:; frame-ancestors 'none'; base-uri 'none'")
_DOCS = ("/docs", "/redoc")
HSTS = "max-age=31536000"


def behind_tls() -> bool:
    return os.environ.get(BEHIND_TLS_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def security_headers(path: str, tls: bool) -> list[tuple[bytes, bytes]]:
    csp = _DOCS_CSP if path.startswith(_DOCS) else CSP
    # same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form posts, which
    # the web survey's cross-site check must refuse.
    headers = [(b"content-security-policy", csp.encode()), (b"x-content-type-options", b"nosniff"),
               (b"x-frame-options", b"DENY"), (b"referrer-policy", b"same-origin")]
    if tls:
        headers.append((b"strict-transport-security", HSTS.encode()))
    return headers


class SecurityHeaders:
    """ASGI middleware (pure ASGI, so streamed and large answers pass untouched)."""

    def __init__(self, app: ASGIApp, tls: bool | None = None):
        self.app = app
        self.tls = behind_tls() if tls is None else tls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = security_headers(scope.get("path", ""), self.tls)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []),
                                                  *(h for h in extra if h[0] not in present)]}
            await send(message)

        await self.app(scope, receive, with_headers)


def mount_static(app) -> None:
    """The collector's stylesheets at /static (a CSP without inline styles needs them as files)."""
    from pathlib import Path

    from starlette.staticfiles import StaticFiles

    app.mount("/static", StaticFiles(directory=Path(__file__).with_name("static")), name="static")
