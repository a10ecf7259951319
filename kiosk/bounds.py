"""Limits on the free-form parts of a response, checked without recursion so no input can exhaust the stack.

`extra` is the one part of a response whose shape the questionnaire does not fix. Left unbounded,
one crafted upload nested a thousand levels deep was stored and then broke every report that read
it (RecursionError in json and in copying). Here every free-form value is walked with an explicit
stack and refused, with one sentence saying why, when it is too deep, too big or not finite.
"""
from __future__ import annotations

import math
from typing import Any

EXTRA_MAX_DEPTH = 8          # objects and lists inside `extra`; a device's notes need two or three
EXTRA_MAX_VALUES = 200       # values and keys, all levels together
EXTRA_MAX_TEXT = 1000        # characters of any one key or text
EXTRA_MAX_CHARS = 8 * 1024   # characters of all keys and texts together
SHOWN_MAX = 40               # characters of an offending value quoted back in a reason


def shown(value: object) -> str:
    """A short, safe rendering of a value for a reason: text quoted and cut, anything else by its type.

    repr() of a crafted value can be megabytes long or nested deeper than the interpreter can print.
    """
    if isinstance(value, str):
        text = value if len(value) <= SHOWN_MAX else value[:SHOWN_MAX] + "..."
        return repr(text)
    if value is None or isinstance(value, (bool, int)) and abs(value) < 10**18:
        return repr(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "a number that is not finite"
    return f"a {_kind(value)}"


def _kind(value: object) -> str:
    return {dict: "JSON object", list: "list", int: "very large number"}.get(type(value), type(value).__name__)


def free_form_problems(value: Any, name: str = "extra") -> list[str]:
    """Why this free-form JSON value cannot be stored; empty when it can. Never recurses."""
    if value is None:
        return []
    if not isinstance(value, dict):
        return [f"{name} must be an object"]
    values = chars = 0
    stack: list[tuple[Any, int, str]] = [(value, 1, name)]
    while stack:
        item, depth, where = stack.pop()
        values += 1
        if values > EXTRA_MAX_VALUES:
            return [f"{name} holds more than {EXTRA_MAX_VALUES} values"]
        if isinstance(item, (dict, list)):
            if depth > EXTRA_MAX_DEPTH:
                return [f"{name} is nested too deep (at most {EXTRA_MAX_DEPTH} levels of objects and lists)"]
            if isinstance(item, dict):
                for key, inner in item.items():
                    if not isinstance(key, str):
                        return [f"{where} has a key that is not text"]
                    chars += len(key)
                    if len(key) > EXTRA_MAX_TEXT:
                        return [f"{where} has a key longer than {EXTRA_MAX_TEXT} characters"]
                    stack.append((inner, depth + 1, f"{where}.{key[:SHOWN_MAX]}"))
            else:
                stack.extend((inner, depth + 1, f"{where}[{i}]") for i, inner in enumerate(item))
        elif isinstance(item, str):
            chars += len(item)
            if len(item) > EXTRA_MAX_TEXT:
                return [f"{where} is text longer than {EXTRA_MAX_TEXT} characters"]
        elif isinstance(item, float):
            if not math.isfinite(item):
                return [f"{where} must be a finite number"]
        elif isinstance(item, int) and not isinstance(item, bool):
            if not -2**63 <= item < 2**63:
                return [f"{where} is a number too large to store (beyond 64 bits)"]
        elif item is not None and not isinstance(item, bool):
            return [f"{where} must be JSON (object, list, text, number, true, false or null)"]
        if chars > EXTRA_MAX_CHARS:
            return [f"{name} holds more than {EXTRA_MAX_CHARS} characters of text"]
    return []
