"""How a response reached the collector: the channel its credential may use, and when it counts.

A kiosk token may send channel `kiosk` only; `web` comes only from the web survey and `paper` only from
an admin's import, so no device can pass its responses off as another channel.

The device's clock decides a response's period, unless it cannot be believed. Cheap tablets fall back
to a default date (often 1970 or 2000) when their battery runs flat, and some run ahead. A response is
never lost for that: it is stored, flagged `clock`, and placed by the collector's own clock at receipt.
The rule:

- submitted_at more than CLOCK_AHEAD after the moment the collector received it: the clock runs ahead;
- submitted_at more than CLOCK_BEHIND before that moment: the clock was reset (a kiosk offline for
  over a year is far less likely than a reset clock, and the SKM period is at most a year);
- otherwise the device's time stands.

A response so flagged is dated (columns submitted_at and local_date) by its received_at in the office's
time zone; its body keeps what the device sent. Reports count such responses under `clock`.

A kiosk that knows its own clock is wrong says so in `extra` (kiosk/clockcheck.py, docs/sync.md):
`device_clock_suspect` true, and `device_clock_offset_s` (the collector's clock minus the kiosk's at its
last sync) when measured. Such a response is flagged `clock` too; it is dated by its time corrected by
that offset when the corrected time passes the rule above, else by its reception.
"""
from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any, Mapping

from collector.records import stamp

CLOCK_AHEAD = timedelta(minutes=10)
CLOCK_BEHIND = timedelta(days=400)
CLOCK_FLAG = "clock"
KIOSK, WEB, PAPER = "kiosk", "web", "paper"


def clock_suspect(submitted: datetime, received: datetime) -> bool:
    """Whether the device's time cannot be believed, by the rule above."""
    try:
        return submitted - received > CLOCK_AHEAD or received - submitted > CLOCK_BEHIND
    except OverflowError:  # a year like 1 or 9999 with an offset: nothing a real clock says
        return True


def placement(submitted: datetime, received: datetime, tz: tzinfo,
              extra: Mapping[str, Any] | None = None) -> tuple[str, str, str]:
    """(submitted_at, local_date, collector_flags) columns of a response received at `received`."""
    if extra and extra.get("device_clock_suspect") is True:
        offset = extra.get("device_clock_offset_s")
        if type(offset) is int and abs(offset) < 100 * 366 * 86400:
            try:
                corrected = submitted + timedelta(seconds=offset)
                if not clock_suspect(corrected, received):
                    return stamp(corrected), corrected.astimezone(tz).date().isoformat(), CLOCK_FLAG
            except OverflowError:
                pass
        return stamp(received), received.astimezone(tz).date().isoformat(), CLOCK_FLAG
    if not clock_suspect(submitted, received):
        try:
            return stamp(submitted), submitted.astimezone(tz).date().isoformat(), ""
        except OverflowError:
            pass
    return stamp(received), received.astimezone(tz).date().isoformat(), CLOCK_FLAG


def channel_problem(channel: object, allowed: str | None) -> str | None:
    """Why this channel cannot come with this credential (None: it can, or no binding applies)."""
    if allowed is None or not isinstance(channel, str) or channel == allowed:
        return None
    sources = {KIOSK: "a kiosk's upload", WEB: "the web survey", PAPER: "an admin's paper import"}
    if channel not in sources:
        return None  # validation already says which channels exist
    return (f"channel must be {allowed!r} for {sources.get(allowed, allowed)}: "
            f"{channel!r} responses come only from {sources[channel]}")
