"""The README shows the two commands and documents every `kiosk` subcommand."""
from pathlib import Path

from kiosk.cli import build_parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_two_commands_are_shown():
    assert "make demo" in README and "make test" in README


def test_every_command_is_documented():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    missing = [name for name in sub.choices if f"`kiosk {name}" not in README]
    assert missing == []
