"""Day of the week x hour of the day on the office's clock: how many answered (shades of blue) and the IKM of
those who did (the colour of its mutu band), as two grids one above the other."""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

from collector.chart_shapes import MUTED, Picture, Rect, Text, band_colour, number
from collector.response_patterns import Cell
from kiosk.i18n import N_

WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
OPENING = (7, 16)  # office hours always shown, so a quiet morning reads as quiet rather than cut off
FULL = (11, 79, 138)  # the dashboard's blue, for the busiest hour


def hours(cells: Mapping[tuple[int, int], Cell]) -> list[int]:
    used = [hour for _, hour in cells] or list(OPENING)
    return list(range(min(OPENING[0], *used), max(OPENING[1], *used) + 1))


def _shade(share: float) -> str:
    """White to the dashboard's blue; a cell with anyone in it is never quite white."""
    share = 0.12 + 0.88 * share
    return "#" + "".join(f"{round(255 - (255 - c) * share):02x}" for c in FULL)


def _grid(shapes: list, top: float, kind: str, cells: Mapping[tuple[int, int], Cell], shown: Sequence[int],
          days: Sequence[str], heading: str, decimal_comma: bool, width: float) -> float:
    """One grid from `top`; returns where the next one may start."""
    label_w, head, row_h = 40.0, 34.0, 22.0
    cell_w = (width - label_w - 2.0) / len(shown)
    shapes.append(Text(0, top + 12, heading, size=11, bold=True))
    for j, hour in enumerate(shown):
        shapes.append(Text(label_w + cell_w * (j + 0.5), top + head - 6, f"{hour:02d}", size=9, anchor="middle",
                           fill=MUTED))
    busiest = max((c.respondents for c in cells.values()), default=0)
    size = 9.0 if cell_w >= 34 else 7.0
    for day in range(7):
        y = top + head + day * row_h
        shapes.append(Text(label_w - 6, y + 15, days[day], size=10, anchor="end"))
        for j, hour in enumerate(shown):
            cell = cells.get((day, hour))
            x = label_w + j * cell_w
            if cell is None or not cell.respondents:
                shapes.append(Rect(x + 1, y + 1, cell_w - 2, row_h - 2, "#f4f4f4"))
                continue
            data = {"kind": kind, "day": str(day), "hour": str(hour), "respondents": str(cell.respondents)}
            if kind == "respondents":
                fill, text = _shade(cell.respondents / busiest), str(cell.respondents)
                ink = "#ffffff" if cell.respondents / busiest > 0.5 else "#1a1a1a"
            else:
                data["value"] = repr(cell.ikm_converted)
                fill, ink = band_colour(cell.ikm_converted), "#1a1a1a"
                text = number(cell.ikm_converted, decimal_comma, 2 if cell_w >= 34 else 0) \
                    if cell.ikm_converted is not None else "–"
            shapes.append(Rect(x + 1, y + 1, cell_w - 2, row_h - 2, fill, data=data))
            shapes.append(Text(x + cell_w / 2, y + 15, text, size=size, anchor="middle", fill=ink))
    return top + head + 7 * row_h + 14


def picture(cells: Mapping[tuple[int, int], Cell], *, gettext: Callable[[str], str] = lambda s: s,
            decimal_comma: bool = True, title: str = "", width: float = 640.0) -> Picture:
    shown = hours(cells)
    days = [gettext(d) for d in WEEKDAYS]
    shapes: list = []
    below = _grid(shapes, 0.0, "respondents", cells, shown, days, gettext("Respondents per hour"), decimal_comma,
                  width)
    below = _grid(shapes, below, "ikm", cells, shown, days, gettext("IKM (converted) per hour"), decimal_comma, width)
    return Picture(width, below, tuple(shapes), title)
