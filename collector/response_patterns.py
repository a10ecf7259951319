"""When and through which channel the counted respondents answered: respondents and IKM per office-local
weekday and hour, and per channel (kiosk, web, paper), under the office's counting rule.

Both read the running totals (collector/totals.py), never the stored responses: the hours through
totals.heatmap, the channels by one GROUP BY over the totals of the period (their key holds the channel).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import text
from sqlalchemy.engine import Engine

from collector import totals
from collector.db import reading
from collector.records import OfficeRecord
from kiosk import ikm
from kiosk.counting import CHANNELS, CountingRule


@dataclass(frozen=True)
class Cell:
    respondents: int
    ikm_converted: float | None
    mutu: str | None


def _cell(respondents: int, index: Fraction | None) -> Cell:
    if index is None:
        return Cell(respondents, None, None)
    converted = ikm.round_half_up(index * 25, 2)
    return Cell(respondents, float(converted), ikm.classify(converted)[0])


def by_hour(engine: Engine, office: OfficeRecord, date_from: dt.date | None, date_to: dt.date | None,
            service: str | None = None) -> dict[tuple[int, int], Cell]:
    """{(weekday 0 = Monday, hour on the office's clock): Cell}; hours nobody answered are absent.

    totals.heatmap gives the unrounded IKM as a float; its converted value is rounded half up from that
    float's exact binary value, which is the exact IKM's rounding but for a value lying exactly on a
    half-hundredth. A cell is a pattern to read, not a figure of the report JSON."""
    cells = totals.heatmap(engine, office.id, service, date_from, date_to, CountingRule.for_office(office.settings),
                           office.questionnaire())
    return {slot: _cell(n, Fraction(index) if index is not None else None) for slot, (n, index) in cells.items()}


def by_channel(engine: Engine, office: OfficeRecord, date_from: dt.date | None, date_to: dt.date | None,
               service: str | None = None, found: dict[str, list[tuple]] | None = None) -> dict[str, Cell]:
    """Every channel (those without respondents too: 0 and no IKM): the respondents the counting rule
    counts (the report's `channels`) and their IKM, exact, from the integer sums. found: the scope's totals
    as totals.scope_totals read them (the page has them already), else one GROUP BY per table here."""
    if found is not None:
        respondent_rows = [(channel, cls, n) for _service, channel, cls, n in found["respondents"]]
        unsur_rows = [row[1:] for row in found["unsur"]]
    else:
        clause, params = totals.dates_where(office.id, service, date_from and date_from.isoformat(),
                                            date_to and date_to.isoformat())
        with reading(engine) as conn:
            respondent_rows = conn.execute(text(
                f'SELECT channel, "class", SUM(n) FROM totals_respondents WHERE {clause} GROUP BY channel, "class"'),
                params).all()
            unsur_rows = list(totals.unsur_rows(conn.execute(text(
                f'SELECT channel, "class", unsur, {totals.UNSUR_SUMS} FROM totals_unsur WHERE {clause} '
                'GROUP BY channel, "class", unsur'), params)))  # U1..U9: columns of the "*" row (migration 24)
    counts = totals.counted_by(CountingRule.for_office(office.settings))

    respondents = {channel: 0 for channel in CHANNELS}
    sums: dict[str, dict[str, list[int]]] = {channel: {} for channel in CHANNELS}
    for channel, cls, n in respondent_rows:
        if counts(cls):
            respondents[channel] = respondents.get(channel, 0) + int(n)
    for channel, cls, unsur, answered, score in unsur_rows:
        if counts(cls):
            have = sums.setdefault(channel, {}).setdefault(unsur, [0, 0])
            have[0] += int(answered)
            have[1] += int(score)
    questionnaire = office.questionnaire()
    out = {}
    for channel, n in respondents.items():
        answered = sums.get(channel, {})
        result = ikm.from_sums(n, {code: (a, s) for code, (a, s) in answered.items()}, questionnaire)
        out[channel] = _cell(n, result.ikm if n else None)
    return out
