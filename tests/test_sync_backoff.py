"""Exponential backoff with full jitter, a cap, no give-up, and Retry-After as a floor."""
from __future__ import annotations

from email.utils import formatdate

import pytest

from sync.backoff import RETRY_AFTER_MAX_S, Backoff, parse_retry_after


class Clock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_ceiling_doubles_up_to_the_cap():
    backoff = Backoff(base_s=2, cap_s=300, clock=Clock(), random=lambda: 1.0)
    delays = [backoff.failed() for _ in range(12)]
    assert delays[:5] == [2, 4, 8, 16, 32]
    assert delays[-1] == 300 and max(delays) == 300


def test_full_jitter_draws_below_the_ceiling():
    draws = iter([0.5, 0.25, 0.9])
    backoff = Backoff(base_s=4, cap_s=300, clock=Clock(), random=lambda: next(draws))
    assert backoff.failed() == pytest.approx(2.0)    # 0.5 * 4
    assert backoff.failed() == pytest.approx(2.0)    # 0.25 * 8
    assert backoff.failed() == pytest.approx(14.4)   # 0.9 * 16


def test_a_zero_draw_still_waits_a_little():
    backoff = Backoff(base_s=2, cap_s=300, clock=Clock(), random=lambda: 0.0)
    assert backoff.failed() == 1.0


def test_never_gives_up():
    backoff = Backoff(base_s=2, cap_s=300, clock=Clock(), random=lambda: 0.7)
    for _ in range(10_000):
        delay = backoff.failed()
    assert 0 < delay <= 300
    assert backoff.failures == 10_000


def test_remaining_follows_the_clock_and_reset_clears_it():
    clock = Clock()
    backoff = Backoff(base_s=10, cap_s=300, clock=clock, random=lambda: 1.0)
    assert backoff.ready()
    backoff.failed()
    assert backoff.remaining() == 10 and not backoff.ready()
    clock.now += 4
    assert backoff.remaining() == 6
    clock.now += 6
    assert backoff.ready()
    backoff.failed()
    backoff.reset()
    assert backoff.ready() and backoff.failures == 0


def test_retry_after_is_a_floor_and_is_bounded():
    backoff = Backoff(base_s=2, cap_s=300, clock=Clock(), random=lambda: 0.5)
    assert backoff.failed(retry_after_s=120) == 120
    assert backoff.failed(retry_after_s=0) == 2.0  # 0.5 * 4: the server's 0 does not shorten our own delay
    assert backoff.failed(retry_after_s=10 ** 9) == RETRY_AFTER_MAX_S


def test_parse_retry_after_seconds_and_dates():
    now = 1_800_000_000.0
    assert parse_retry_after("30") == 30
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after(formatdate(now + 90, usegmt=True), now=lambda: now) == pytest.approx(90)
    assert parse_retry_after(formatdate(now - 90, usegmt=True), now=lambda: now) == 0
