"""The rules for an office id and an office time zone, shared by the kiosk config, the collector and the CLI."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# An office id travels in URLs (/p/{office_id}, QR links), file names and every response on the wire,
# so it is an ASCII slug: `kantör-ü` would be a different id to a system that folds or encodes it.
# At least one letter or digit: "-" or "_" alone names nothing.
_OFFICE_ID = re.compile(r"[a-z0-9_-]*[a-z0-9][a-z0-9_-]*")

OFFICE_ID_RULE = "lower-case ASCII letters a-z, digits 0-9, '-' or '_'"
OFFICE_ID_EXPECTED = f"an id of {OFFICE_ID_RULE}"
TIMEZONE_EXPECTED = "an IANA time zone such as \"Asia/Jakarta\", \"Asia/Makassar\" or \"Asia/Jayapura\""


def is_office_id(value: object) -> bool:
    return isinstance(value, str) and _OFFICE_ID.fullmatch(value) is not None


def is_timezone(value: object) -> bool:
    """An IANA name this machine's tz database knows; never a path (ZoneInfo would read any file)."""
    if not isinstance(value, str) or not value or value.startswith("/") or ".." in value:
        return False
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
