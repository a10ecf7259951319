"""Times as the collector stores them."""
from __future__ import annotations

from datetime import datetime, timezone


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def stamp(moment: datetime) -> str:
    """A time as stored: ISO 8601 in UTC with microseconds, so text order is time order."""
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")
