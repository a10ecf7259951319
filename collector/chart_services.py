"""Service x unsur: the converted value of every unsur for every service, coloured by its mutu band, with the
weakest and the strongest unsur of each row (and of the office as a whole) outlined."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy.engine import Engine

from collector.chart_shapes import MUTED, Picture, Rect, Text, band_colour, extremes, number
from collector.reports import office_figures, office_report

WEAK, STRONG = "#a00018", "#0a6b2d"


@dataclass(frozen=True)
class Row:
    service_id: str | None        # None: the office as a whole
    label: str
    respondents: int
    values: tuple[tuple[str, float | None], ...]   # (unsur code, converted) in questionnaire order
    ikm_converted: float | None


def row(service_id: str | None, label: str, report: dict[str, Any]) -> Row:
    return Row(service_id, label, report["respondents"], tuple((u["code"], u["converted"]) for u in report["unsur"]),
               report["ikm_converted"])


def rows(engine: Engine, office_id: str, date_from: dt.date, date_to: dt.date, report: dict[str, Any],
         names: dict[str | None, str], overall: str,
         by_service: Mapping[str, dict[str, Any]] | None = None) -> list[Row]:
    """One row per service with respondents in the period (the figures office_report gives for that service:
    `by_service`, or one read of the totals: reports.office_figures), then the office's own row
    from `report`. Answers recorded without a service have no row of their own."""
    if by_service is None:
        by_service = office_figures(engine, office_id, date_from=date_from, date_to=date_to).services
    found = [row(s["service_id"], names.get(s["service_id"], s["service_id"]),
                 by_service.get(s["service_id"]) or office_report(engine, office_id, service=s["service_id"],
                                                                   date_from=date_from, date_to=date_to))
             for s in report.get("services", []) if s["service_id"] is not None]
    return found + [row(None, overall, report)]


def rows_from_reports(reports: Iterable[tuple[str | None, str, dict[str, Any]]]) -> list[Row]:
    return [row(key, label, doc) for key, label, doc in reports]


def picture(items: Sequence[Row], *, decimal_comma: bool = True, title: str = "", weakest: str = "weakest",
            strongest: str = "strongest", width: float = 640.0) -> Picture:
    label_w, head, row_h = 150.0, 22.0, 24.0
    codes = [code for code, _ in items[0].values] if items else []
    cell_w = (width - label_w - 4.0) / (len(codes) + 1) if codes else 40.0
    shapes: list = []
    for j, code in enumerate([*codes, "IKM"]):
        shapes.append(Text(label_w + cell_w * (j + 0.5), head - 7, code, size=10, anchor="middle", bold=True))
    for i, item in enumerate(items):
        y = head + i * row_h
        whole = item.service_id is None
        short = item.label if len(item.label) <= 24 else item.label[:23].rstrip(" ,") + "…"
        shapes.append(Text(label_w - 6, y + 16, short, size=10, anchor="end", bold=whole))
        low, high = extremes(item.values)
        for j, (code, value) in enumerate([*item.values, ("IKM", item.ikm_converted)]):
            x = label_w + j * cell_w
            rank = "weakest" if code in low else "strongest" if code in high else ""
            stroke = WEAK if rank == "weakest" else STRONG if rank == "strongest" else "#ffffff"
            data = {"service": item.service_id or "", "code": code}
            if value is not None:
                data["value"] = repr(value)
            if rank:
                data["rank"] = rank
            shapes.append(Rect(x + 1, y + 1, cell_w - 2, row_h - 2, band_colour(value), stroke=stroke,
                               stroke_width=2.0 if rank else 1.0, data=data))
            shapes.append(Text(x + cell_w / 2, y + 16, number(value, decimal_comma) if value is not None else "–",
                               size=10 if cell_w >= 44 else 8.5, anchor="middle", bold=bool(rank) or whole))
    y = head + len(items) * row_h + 8
    x = label_w
    for colour, text in ((WEAK, weakest), (STRONG, strongest)):
        shapes.append(Rect(x, y, 14, 12, "#ffffff", stroke=colour, stroke_width=2.0))
        shapes.append(Text(x + 20, y + 10, text, size=10, fill=MUTED))
        x += 20 + 6.0 * len(text) + 24  # room for the words at 10 points
    return Picture(width, y + 20, tuple(shapes), title)
