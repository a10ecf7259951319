"""Flags the collector puts on responses it keeps but holds out of the IKM until an admin accepts them."""
from __future__ import annotations

from typing import Iterable

# Stored past a soft rate limit of the web survey (collector/ratelimit.py): kept, not counted.
SUSPECT_RATE = "suspect-rate"
# What an admin's acceptance turns SUSPECT_RATE into: counted, and still showing it was once held.
RATE_ACCEPTED = "rate-accepted"
HELD_FLAGS = frozenset({SUSPECT_RATE})


def is_held(flags: Iterable[str]) -> bool:
    return not HELD_FLAGS.isdisjoint(flags)
