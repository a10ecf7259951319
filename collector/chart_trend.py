"""The IKM trend over every earlier period of the same kind as the chosen one, as columns over the mutu bands.

A year is compared with every earlier year, a semester with earlier semesters, a triwulan with earlier
triwulans; this year up to today (the dashboard's default) counts as a year; any other range steps back
by its own length (reports.previous_period). The walk
stops at the period holding the office's first stored response, so an office that began last year
does not get a column for every year back to year 1. Every figure is collector.reports.office_report's,
read for all the earlier periods at once from the running totals.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine

from collector import followup
from collector.chart_shapes import MUTED, Line, Picture, Rect, Text, number
from collector.charts import BANDS, HIGH, LOW
from collector.db import reading
from collector.reports import previous_period
from collector.tables import responses
from kiosk.i18n import N_

# A guard, not a design limit: 40 triwulans are ten years; older periods are left out and the page says how many.
MOST_PERIODS = 40
COLUMN, CURRENT = "#7a9cc0", "#0b4f8a"


@dataclass(frozen=True)
class Point:
    label: str             # "2026", "2026-S2", "2026-Q3", or the first date of a plain range
    date_from: dt.date
    date_to: dt.date
    respondents: int
    ikm_converted: float | None
    mutu: str | None
    ikm: float | None = None  # unrounded, as the report JSON's "ikm" (the Laporan's Tabel 4.4 prints it)


@dataclass(frozen=True)
class Trend:
    kind: str                 # year, semester, quarter or range
    points: tuple[Point, ...]  # oldest first; the chosen period last
    left_out: int = 0         # earlier periods with data beyond MOST_PERIODS


def _kind_label(date_from: dt.date, date_to: dt.date) -> tuple[str, str] | None:
    """(kind, label) of the named period with exactly these dates; this year up to a day in it (the
    dashboard's default) counts as the year. None for any other range."""
    label = followup.period_of(date_from, date_to)
    if label is not None:
        return ("year" if len(label) == 4 else "semester" if label[5] == "S" else "quarter"), label
    if (date_from.month, date_from.day) == (1, 1) and date_to.year == date_from.year:
        return "year", f"{date_from.year:04d}"
    return None


def _step_back(kind: str, label: str) -> str | None:
    """The label of the period of this kind just before; None before year 1."""
    year = int(label[:4])
    if kind == "year":
        return f"{year - 1:04d}" if year > 1 else None
    part, n = label[5], int(label[6])
    if n > 1:
        return f"{year:04d}-{part}{n - 1}"
    return f"{year - 1:04d}-{part}{2 if part == 'S' else 4}" if year > 1 else None


def _before(kind: str, label: str, date_from: dt.date, date_to: dt.date) -> tuple[str, dt.date, dt.date] | None:
    """The period of the same kind just before this one; None before year 1."""
    if kind == "range":
        try:
            start, end = previous_period(date_from, date_to)
        except (ValueError, OverflowError):
            return None
        return start.isoformat(), start, end
    earlier = _step_back(kind, label)
    return (earlier, *followup.period_dates(earlier)) if earlier else None


def periods(date_from: dt.date, date_to: dt.date,
            first_day: dt.date | None) -> tuple[str, list[tuple[str, dt.date, dt.date]], int]:
    """(kind, [(label, from, to)] oldest first ending with the chosen period, how many older ones are left out).

    Earlier periods go back to the one holding `first_day` (the office's first stored response)."""
    named = _kind_label(date_from, date_to)
    kind = named[0] if named else "range"
    out = [(named[1] if named else date_from.isoformat(), date_from, date_to)]
    left_out = 0
    current = out[0]
    # Counting the periods beyond MOST_PERIODS is date arithmetic only; 100000 steps bound even one-day ranges.
    while first_day is not None and current[1] > first_day and left_out < 100_000:
        current = _before(kind, *current)
        if current is None:
            break
        if len(out) < MOST_PERIODS:
            out.append(current)
        else:
            left_out += 1
    return kind, list(reversed(out)), left_out


def first_day(engine: Engine, office_id: str, service: str | None = None) -> dt.date | None:
    """The local date of the office's first stored response (one look at the office-and-date index)."""
    query = select(func.min(responses.c.local_date)).where(responses.c.office_id == office_id)
    if service:
        query = query.where(responses.c.service_id == service)
    with reading(engine) as conn:
        found = conn.execute(query).scalar()
    return dt.date.fromisoformat(found) if found else None


def trend(engine: Engine, office_id: str, date_from: dt.date, date_to: dt.date, service: str | None = None,
          current: dict[str, Any] | None = None) -> Trend:
    """The chosen period and every earlier one of its kind back to the office's first data.

    Each point is office_report's respondents, IKM, converted IKM and mutu of its period: `current` (the
    chosen period's report, when the caller has it) and one grouped read of the totals for the others
    (period_figures)."""
    kind, spans, left_out = periods(date_from, date_to, first_day(engine, office_id, service))
    rest = spans[:-1] if current is not None else spans
    figures = period_figures(engine, office_id, service, [(start, end) for _, start, end in rest])
    if current is not None:
        figures.append((current["respondents"], current["ikm_converted"], current["mutu"], current["ikm"]))
    points = tuple(Point(label, start, end, *found) for (label, start, end), found in zip(spans, figures))
    return Trend(kind, points, left_out)


def period_figures(engine: Engine, office_id: str, service: str | None,
                   spans: list[tuple[dt.date, dt.date]]) -> list[tuple[int, float | None, str | None, float | None]]:
    """(respondents, converted IKM, mutu, IKM) of each of these disjoint periods, as office_report gives them, from
    one GROUP BY over totals_unsur (the counted respondents are its "*" rows): its cost grows with the days
    and services in the periods, not with the responses."""
    from kiosk import ikm
    from kiosk.counting import CountingRule

    from collector import totals
    from collector.records import get_office
    from collector.reports import ReportError

    if not spans:
        return []
    params: dict[str, Any] = {"office": office_id, "low": min(s for s, _ in spans).isoformat(),
                              "high": max(e for _, e in spans).isoformat()}
    cases = []
    for i, (start, end) in enumerate(spans):
        params[f"f{i}"], params[f"t{i}"] = start.isoformat(), end.isoformat()
        cases.append(f"WHEN local_date >= :f{i} AND local_date <= :t{i} THEN {i}")
    where = "office_id = :office AND local_date >= :low AND local_date <= :high"
    if service is not None:
        where, params["service"] = where + " AND service_id = :service", service
    with reading(engine) as conn:
        office = get_office(conn, office_id)
        if office is None:
            raise ReportError(404, f"there is no office {office_id!r}")
        found = conn.execute(text(
            f'SELECT CASE {" ".join(cases)} END AS period, "class", unsur, {totals.UNSUR_SUMS} '
            f'FROM totals_unsur WHERE {where} GROUP BY period, "class", unsur'), params).all()
        found = list(totals.unsur_rows(found))  # U1..U9 are columns of the "*" row (migration 24)
    rule, questionnaire = CountingRule.for_office(office.settings), office.questionnaire()
    counted = totals.counted_by(rule)
    sums: list[dict[str, list[int]]] = [{} for _ in spans]
    respondents = [0] * len(spans)
    for period, cls, unsur, answered, total in found:
        if period is None or not answered:
            continue
        if not counted(cls):
            continue
        if unsur == totals.ANSWERED_ANY:
            respondents[int(period)] += int(answered)
        else:
            have = sums[int(period)].setdefault(unsur, [0, 0])
            have[0] += int(answered)
            have[1] += int(total)
    out = []
    for n, unsur_sums in zip(respondents, sums):
        result = ikm.from_sums(n, {c: (a, t) for c, (a, t) in unsur_sums.items()}, questionnaire)
        out.append((result.respondents, None if result.ikm_converted is None else float(result.ikm_converted),
                    result.mutu, None if result.ikm is None else float(result.ikm)))
    return out


# --- the picture ------------------------------------------------------------------------------------

SHORT_LABELS = (N_("S%(n)s %(year)s"), N_("Q%(n)s %(year)s"))


def short_label(label: str, gettext: Callable[[str], str]) -> str:
    """A column's label: "2026", "S2 2026" / "Smt 2 2026", "Q3 2026" / "TW 3 2026", a range's first date."""
    if len(label) == 4:
        return label
    if len(label) == 7 and label[5] in "SQ":
        pattern = SHORT_LABELS[0] if label[5] == "S" else SHORT_LABELS[1]
        return gettext(pattern) % {"n": label[6], "year": label[:4]}
    day = dt.date.fromisoformat(label)
    return f"{day.day:02d}/{day.month:02d}/{day.year % 100:02d}"


def picture(trend: Trend, *, gettext: Callable[[str], str] = lambda s: s, decimal_comma: bool = True,
            title: str = "", width: float = 640.0) -> Picture:
    """Columns at each period's converted IKM over the horizontal mutu bands; the chosen period darker;
    a period without respondents shows a dash instead of a column (not a zero)."""
    left, top, plot_h, right = 34.0, 14.0, 160.0, 8.0
    bottom = top + plot_h
    height = bottom + 34.0

    def y(value: float) -> float:
        return bottom - (max(LOW, min(HIGH, value)) - LOW) / (HIGH - LOW) * plot_h

    shapes: list = []
    for start, end, band, colour in BANDS:
        shapes.append(Rect(left, y(end), width - left - right, y(start) - y(end), colour, data={"band": band}))
        shapes.append(Text(left - 4, (y(start) + y(end)) / 2 + 4, band, size=10, anchor="end", fill=MUTED))
    for value in (LOW, HIGH):
        shapes.append(Text(left - 14, y(value) + (9 if value == LOW else 4), f"{value:.0f}", size=8, anchor="end",
                           fill=MUTED))
    n = max(1, len(trend.points))
    slot = (width - left - right) / n
    column = min(48.0, slot * 0.7)
    every = max(1, math.ceil(44 / slot))  # thin the labels out when the columns are narrow
    tops = []
    for i, p in enumerate(trend.points):
        centre = left + slot * (i + 0.5)
        last = i == n - 1
        if p.ikm_converted is None:
            shapes.append(Text(centre, bottom - 4, "–", size=10, anchor="middle", fill=MUTED,
                               data={"period": p.label, "empty": "1"}))
        else:
            top_y = y(p.ikm_converted)
            tops.append((centre, top_y))
            shapes.append(Rect(centre - column / 2, top_y, column, bottom - top_y, CURRENT if last else COLUMN,
                               data={"period": p.label, "value": repr(p.ikm_converted), "respondents": str(p.respondents)}))
            if slot >= 30 or last:
                shapes.append(Text(centre, top_y - 3, number(p.ikm_converted, decimal_comma), size=9 if slot >= 40 else 8,
                                   anchor="middle", bold=last))
        if last or (n - 1 - i) % every == 0:
            shapes.append(Text(centre, bottom + 14, short_label(p.label, gettext), size=9, anchor="middle",
                               bold=last))
    if len(tops) > 1:
        shapes.append(Line(tuple(tops), stroke="#1a1a1a", width=1.0))
    return Picture(width, height, tuple(shapes), title)
