"""Channel split: respondents and IKM through the kiosk, the web survey (QR) and paper questionnaires."""
from __future__ import annotations

from typing import Callable, Mapping

from collector.chart_shapes import MUTED, Picture, Rect, Text, band_colour, number
from collector.response_patterns import Cell
from kiosk.i18n import N_

LABELS = {"kiosk": N_("Kiosk"), "web": N_("Web (QR link)"), "paper": N_("Paper")}
BAR = "#0b4f8a"


def picture(channels: Mapping[str, Cell], *, gettext: Callable[[str], str] = lambda s: s,
            decimal_comma: bool = True, title: str = "", width: float = 640.0) -> Picture:
    """A bar per channel for its share of the respondents, then the channel's IKM in its mutu band's colour."""
    label_w, row_h, top = 120.0, 26.0, 18.0
    ikm_x = width - 120.0
    bar_max = ikm_x - label_w - 110.0
    total = sum(c.respondents for c in channels.values())
    shapes: list = [Text(label_w, 12, gettext("Respondents"), size=10, fill=MUTED),
                    Text(ikm_x + 55, 12, gettext("IKM (converted)"), size=10, anchor="middle", fill=MUTED)]
    for i, (channel, cell) in enumerate(channels.items()):
        y = top + i * row_h
        shapes.append(Text(label_w - 8, y + 17, gettext(LABELS.get(channel, channel)), size=11, anchor="end"))
        share = cell.respondents / total if total else 0.0
        shapes.append(Rect(label_w, y + 5, bar_max * share, 16, BAR,
                           data={"channel": channel, "respondents": str(cell.respondents)}))
        percent = number(100 * share, decimal_comma, 1)
        shapes.append(Text(label_w + bar_max * share + 6, y + 17, f"{cell.respondents} ({percent}%)", size=11))
        data = {"channel": channel, "kind": "ikm"}
        if cell.ikm_converted is not None:
            data["value"] = repr(cell.ikm_converted)
        shapes.append(Rect(ikm_x, y + 3, 110, 20, band_colour(cell.ikm_converted), data=data))
        text = f"{number(cell.ikm_converted, decimal_comma)} {cell.mutu}" if cell.ikm_converted is not None else "–"
        shapes.append(Text(ikm_x + 55, y + 17, text, size=11, anchor="middle", bold=cell.ikm_converted is not None))
    return Picture(width, top + len(channels) * row_h + 6, tuple(shapes), title)
