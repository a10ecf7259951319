"""`kiosk serve`: the central collector (ASGI app under uvicorn)."""
from __future__ import annotations

import logging
import os
import sys

from kiosk.commands._collector_db import MISSING_EXTRA, add_db_option, cannot_open, db_url, redact
from kiosk.errors import UserError


def register(sub, common) -> None:
    parser = sub.add_parser("serve", parents=[common], help="run the central collector (HTTP API v1)")
    add_db_option(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (default: 8080)")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes (default: 1); more suit PostgreSQL, SQLite has one writer anyway")
    parser.add_argument("--behind-tls", action="store_true",
                        help="the collector is reached over HTTPS through a proxy: send HSTS, mark cookies Secure "
                             "(also KIOSK_BEHIND_TLS=1)")
    from kiosk.commands import _serve_alerts as serve_alerts

    serve_alerts.add_arguments(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    try:
        import uvicorn

        from collector.accesslog import JsonLineFormatter
        from collector.app import create_app
    except ImportError as exc:
        raise UserError(MISSING_EXTRA.format(name=exc.name)) from None
    if not 0 < args.port < 65536:
        raise UserError(f"--port {args.port} is not a TCP port (1..65535).")
    if not 1 <= args.workers <= 64:
        raise UserError(f"--workers {args.workers} must be between 1 and 64.")
    _check_port_free(args.host, args.port)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLineFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    url = db_url(args)
    if args.behind_tls:
        os.environ["KIOSK_BEHIND_TLS"] = "1"  # in the environment, so --workers processes see it too
    from kiosk.commands import _serve_alerts as serve_alerts

    serve_alerts.apply(args)
    try:
        app = create_app(url)
    except UserError:
        raise
    except Exception as exc:  # the database cannot be opened or migrated: say so in one sentence
        raise UserError(cannot_open(url, exc)) from None
    print(f"kiosk serve: collector on http://{args.host}:{args.port} with database {redact(url)}",
          file=sys.stderr, flush=True)
    if args.workers > 1:
        # Each worker process builds its own app from the environment: nothing is shared but the database.
        app.state.engine.dispose()
        os.environ["KIOSK_COLLECTOR_DB"] = url
        uvicorn.run("collector.app:app_from_environment", factory=True, workers=args.workers, host=args.host,
                    port=args.port, access_log=False, log_config=None, timeout_graceful_shutdown=5)
        return 0
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_config=None,
                timeout_graceful_shutdown=5)
    return 0


def _check_port_free(host: str, port: int) -> None:
    """Say so in one sentence when the address is taken or wrong, before uvicorn logs a traceback-ish error."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise UserError(f"--host {host!r} is not an address of this machine.") from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise UserError(f"cannot listen on {host}:{port}: {exc.strerror}.") from None
