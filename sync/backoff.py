"""Exponential backoff with full jitter for the uploader: from seconds up to a cap of minutes, never giving up."""
from __future__ import annotations

import random as _random
import time
from dataclasses import dataclass, field
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Callable

# A server that asks for more than this is treated as if it asked for this: a kiosk must
# not go quiet for a day because a misconfigured proxy sent Retry-After: 86400.
RETRY_AFTER_MAX_S = 3600.0


@dataclass
class Backoff:
    """When the next attempt may start after a run of failures.

    Full jitter (delay drawn uniformly from 0..min(cap, base * 2**failures)) spreads 200
    kiosks that lost the network together so they do not hammer the collector together
    when it returns. A server's Retry-After is a floor on the delay.
    """

    base_s: float = 2.0
    cap_s: float = 300.0
    clock: Callable[[], float] = time.monotonic
    random: Callable[[], float] = _random.random
    failures: int = 0
    not_before: float = field(default=float("-inf"))

    def failed(self, retry_after_s: float | None = None) -> float:
        """Record a failed attempt; returns the delay before the next one."""
        ceiling = min(self.cap_s, self.base_s * 2 ** min(self.failures, 32))
        # At least base/2 so a string of unlucky draws cannot become a tight retry loop.
        delay = max(self.base_s / 2, self.random() * ceiling)
        if retry_after_s is not None:
            delay = max(delay, min(retry_after_s, RETRY_AFTER_MAX_S))
        self.failures += 1
        self.not_before = self.clock() + delay
        return delay

    def succeeded(self) -> None:
        self.failures = 0
        self.not_before = float("-inf")

    def reset(self) -> None:
        """Forget the failures (staff pressed "sync now", or the network came back)."""
        self.succeeded()

    def remaining(self) -> float:
        """Seconds until the next attempt may start; 0 when it may start now."""
        return max(0.0, self.not_before - self.clock())

    def ready(self) -> bool:
        return self.remaining() == 0.0


def parse_retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date; None when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - now())


__all__ = ["Backoff", "parse_retry_after", "RETRY_AFTER_MAX_S"]
