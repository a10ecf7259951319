"""The `kiosk` command: one subcommand per module in kiosk.commands, each with --data-dir."""
from __future__ import annotations

import argparse
import importlib
import logging
from logging.handlers import RotatingFileHandler
import pkgutil
import sys
from typing import Sequence

import kiosk.commands
from kiosk import paths
from kiosk.config import ConfigError
from kiosk.errors import UserError
from kiosk.storage import StorageError, classify


class _QuietFileHandler(RotatingFileHandler):
    """The log file; a full or read-only disk must not print logging's own tracebacks over the terminal."""

    def handleError(self, record: logging.LogRecord) -> None:
        pass

# Long-running kiosk commands also log to <data dir>/logs/kiosk.log, for staff and support.
LOGGED_COMMANDS = {"run", "autoplay", "sync", "demo"}


def command_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(kiosk.commands.__path__) if not m.name.startswith("_"))


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="kiosk data dir (default: $KIOSK_DATA_DIR or the user data dir)")
    common.add_argument("-v", "--verbose", action="store_true", help="log more")
    parser = argparse.ArgumentParser(
        prog="kiosk", description="Survei Kepuasan Masyarakat (SKM) kiosk and collector, PermenPAN-RB 14/2017.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in command_modules():
        importlib.import_module(f"kiosk.commands.{name}").register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.command in LOGGED_COMMANDS:
        _log_to_data_dir(args)
    try:
        return int(args.run(args) or 0)
    except UserError as exc:
        print(f"kiosk {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except ConfigError as exc:
        print(f"kiosk {args.command}: {exc}", file=sys.stderr)
        return 2
    except StorageError as exc:
        # A full disk, read-only storage, an I/O error or a lock: temporary, and nothing was changed.
        print(f"kiosk {args.command}: {exc.sentence}", file=sys.stderr)
        return 1
    except OSError as exc:
        problem = classify(exc)
        if problem is None:
            raise
        print(f"kiosk {args.command}: cannot write {exc.filename or 'to the data dir'} now: {problem.words}",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"kiosk {args.command}: interrupted", file=sys.stderr)
        return 130


def _log_to_data_dir(args) -> None:
    try:
        folder = paths.log_dir(paths.data_dir(args.data_dir))
        folder.mkdir(parents=True, exist_ok=True)
        handler = _QuietFileHandler(folder / "kiosk.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError as exc:  # read-only or full storage: the command still runs, logging to stderr only
        logging.getLogger(__name__).info("cannot write the log file in the data dir (%s)", exc.strerror or exc)
        return
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(min(root.level, logging.INFO))
    for other in root.handlers:
        if other is not handler and other.level == logging.NOTSET:
            other.setLevel(logging.INFO if args.verbose else logging.WARNING)
