"""`kiosk config check F` and `kiosk config set-pin`."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

from kiosk import atomic, config as office_config, paths
from kiosk.errors import UserError
from kiosk.pin import hash_pin


def register(sub, common) -> None:
    parser = sub.add_parser("config", help="check or change the office config", parents=[common])
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate a config file; every problem at once", parents=[common])
    check.add_argument("file", help="path to config.toml")
    check.set_defaults(run=run_check)
    set_pin = actions.add_parser("set-pin", help="set the staff PIN (read from stdin)", parents=[common])
    set_pin.add_argument("--config", help="config file (default: config.toml in the data dir)")
    set_pin.set_defaults(run=run_set_pin)
    init = actions.add_parser("init", help="write the demo office config into the data dir to edit", parents=[common])
    init.set_defaults(run=run_init)


def run_check(args) -> int:
    checked, problems = office_config.check(office_config.read(args.file), source=args.file)
    if problems:
        raise office_config.ConfigError(args.file, problems)
    print(f"{args.file}: ok (office {checked.office.id}, {len(checked.services)} services)")
    return 0


def run_set_pin(args) -> int:
    path = Path(args.config) if args.config else paths.config_file(paths.data_dir(args.data_dir))
    current = office_config.load(path)
    pin = getpass.getpass("New PIN: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    try:
        new_hash = hash_pin(pin)
    except ValueError as exc:
        raise UserError(f"{exc}.") from None
    from dataclasses import replace
    office_config.save(replace(current, pin_hash=new_hash), path)
    print(f"{path}: staff PIN changed")
    return 0


def run_init(args) -> int:
    target = paths.config_file(paths.data_dir(args.data_dir))
    if target.exists():
        raise UserError(f"{target} already exists; edit it, or remove it first.")
    # The commented template as shipped (not rebuilt from data: the comments are the manual).
    atomic.write_text(target, office_config.DEMO_CONFIG.read_text(encoding="utf-8"))
    print(f"wrote {target}; edit it, then run `kiosk config check {target}`")
    return 0
