"""Which responses enter the IKM: the one counting rule every report, export and dashboard applies.

A response counts when it is complete, not simulated, not voided, and not held as suspect. Suspect
means carrying one of the rule's suspect flags: `fast` (finished faster than a person can read the
questions) and whatever the collector holds for review (kiosk.holds, such as `suspect-rate`). An office
may choose to count `fast` responses (`[counting] count_fast = true` in its config); reports then say so.

A complete response left out is counted once, under the first reason that applies, in this order:
`voided`, `simulated`, then its suspect flags in alphabetical order. Abandoned (incomplete) surveys are
not in `excluded`: they never were questionnaires to count. Flags that do not keep a response out
(`clock`: dated by its reception; `fast` when the office counts it; `rate-accepted`) are disclosed as
`flagged` counts of the responses that were counted.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Protocol, Sequence

from kiosk.holds import HELD_FLAGS

FAST, SIMULATED, VOIDED, CLOCK = "fast", "simulated", "voided", "clock"
CHANNELS = ("kiosk", "web", "paper")
ALWAYS_REPORTED = (SIMULATED, FAST, VOIDED)  # keys `excluded` always has, 0 or not


class Countable(Protocol):
    complete: bool
    channel: str
    flags: Sequence[str]


@dataclass(frozen=True)
class CountingRule:
    """What keeps a complete response out of the IKM besides being simulated or voided."""

    suspect: frozenset[str] = field(default_factory=lambda: frozenset({FAST}) | HELD_FLAGS)

    @classmethod
    def for_office(cls, settings: Mapping[str, Any] | None) -> "CountingRule":
        """The rule an office chose in its config: `[counting] count_fast = true` counts fast responses."""
        counting = (settings or {}).get("counting") or {}
        suspect = frozenset({FAST}) | HELD_FLAGS
        if counting.get("count_fast") is True:
            suspect -= {FAST}
        return cls(suspect)

    def left_out_because(self, flags: Iterable[str]) -> str | None:
        """The reason a complete response with these flags is not counted, or None when it counts."""
        present = set(flags)
        if VOIDED in present:
            return VOIDED
        if SIMULATED in present:
            return SIMULATED
        held = sorted(present & self.suspect)
        return held[0] if held else None

    def counts(self, response: Countable) -> bool:
        return response.complete and self.left_out_because(response.flags) is None

    def describe(self) -> dict[str, Any]:
        """The rule as reports state it."""
        return {
            "counted": "complete responses, not simulated, not voided, not held as suspect",
            "suspect_flags": sorted(self.suspect),
            "fast_counted": FAST not in self.suspect,
        }


@dataclass(frozen=True)
class Tally:
    """The responses a rule counts, and what it set aside and why."""

    counted: tuple[Any, ...]
    excluded: dict[str, int]   # complete responses not counted, by reason
    channels: dict[str, int]   # counted responses by channel
    flagged: dict[str, int]    # counted responses carrying a flag that did not keep them out
    abandoned: int             # incomplete surveys in scope


class _Counts:
    """What tally adds up, one response (or one group of alike responses) at a time."""

    def __init__(self, rule: CountingRule):
        self.rule = rule
        self.excluded = Counter({reason: 0 for reason in ALWAYS_REPORTED})
        self.channels = Counter({channel: 0 for channel in CHANNELS})
        self.flagged: Counter = Counter()
        self.abandoned = 0

    def place(self, complete: bool, channel: str, flags: Sequence[str], n: int = 1) -> bool:
        """Count n responses alike; True when the rule counts them."""
        if not complete:
            self.abandoned += n
            return False
        reason = self.rule.left_out_because(flags)
        if reason is not None:
            self.excluded[reason] += n
            return False
        self.channels[channel] += n
        for flag in set(flags):
            self.flagged[flag] += n
        return True

    def tally(self, counted: tuple[Any, ...] = ()) -> Tally:
        return Tally(counted, dict(sorted(self.excluded.items())), dict(self.channels),
                     dict(sorted(self.flagged.items())), self.abandoned)


def tally(responses: Iterable[Countable], rule: CountingRule) -> Tally:
    counts, counted = _Counts(rule), []
    for response in responses:
        if counts.place(response.complete, response.channel, response.flags):
            counted.append(response)
    return counts.tally(tuple(counted))


def tally_groups(groups: Iterable[tuple[bool, str, Sequence[str], int]], rule: CountingRule) -> Tally:
    """The tally of groups of alike responses, (complete, channel, flags, how many), as running totals
    keep them; `counted` is empty (there are no responses to hand on). Groups of none are skipped."""
    counts = _Counts(rule)
    for complete, channel, flags, n in groups:
        if n:
            counts.place(complete, channel, flags, n)
    return counts.tally()
