"""`kiosk serve`: the central collector (ASGI app under uvicorn)."""
from __future__ import annotations

import logging
import os
import sys

from kiosk import paths
from kiosk.errors import UserError


def register(sub, common) -> None:
    parser = sub.add_parser("serve", parents=[common], help="run the central collector (HTTP API v1)")
    add_db_option(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (default: 8080)")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes (default: 1); more suit PostgreSQL, SQLite has one writer anyway")
    parser.set_defaults(run=run)


def add_db_option(parser, default=None) -> None:
    parser.add_argument("--db", default=default, help="collector database URL (default: $KIOSK_COLLECTOR_DB or "
                                     "sqlite:///<data dir>/collector.db); postgresql://... for PostgreSQL")


def db_url(args) -> str:
    if getattr(args, "db", None):
        return args.db
    from collector.db import default_url

    return default_url(paths.data_dir(args.data_dir))


def run(args) -> int:
    try:
        import uvicorn

        from collector.accesslog import JsonLineFormatter
        from collector.app import create_app
    except ImportError as exc:
        raise UserError(f"the collector needs its extra packages ({exc.name} is missing); "
                        "install them with pip install 'skm-kiosk[collector]'.") from None
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
    try:
        app = create_app(url)
    except UserError:
        raise
    except Exception as exc:  # the database cannot be opened or migrated: say so in one sentence
        raise UserError(f"cannot open the collector database {_redact(url)}: {str(exc).splitlines()[0]}") from None
    print(f"kiosk serve: collector on http://{args.host}:{args.port} with database {_redact(url)}",
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


def open_database(args):
    """The collector database of a command (--db), migrated; a failure is one sentence."""
    try:
        from collector import db, migrations
    except ImportError as exc:
        raise UserError(f"the collector needs its extra packages ({exc.name} is missing); "
                        "install them with pip install 'skm-kiosk[collector]'.") from None
    url = db_url(args)
    engine = db.make_engine(url)
    try:
        migrations.migrate(engine)
    except Exception as exc:
        engine.dispose()
        raise UserError(f"cannot open the collector database {_redact(url)}: {str(exc).splitlines()[0]}") from None
    return engine


def _redact(url: str) -> str:
    """A database URL without its password, for messages."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(database URL)"
