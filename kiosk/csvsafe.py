"""CSV cells that a spreadsheet cannot mistake for a formula (CSV injection): text starting with =, +, -, @,
a tab or a carriage return gets a leading apostrophe, which spreadsheets show as text. Numbers stay numbers."""
from __future__ import annotations

import re
from typing import Any, Iterable

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\Z")


def neutralise(value: Any) -> Any:
    """The value as a CSV cell: text that would start a formula is prefixed with "'"; anything else unchanged."""
    if isinstance(value, str) and value.startswith(_TRIGGERS) and not _NUMBER.match(value):
        return "'" + value
    return value


def row(values: Iterable[Any]) -> list[Any]:
    return [neutralise(v) for v in values]
