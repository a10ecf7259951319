"""The per-unsur bar chart with the mutu bands: SVG for the dashboard, a reportlab Drawing (vectors) for the PDF.

One geometry for both, so the screen and the paper show the same picture: a bar per unsur at its
converted value (NRR x 25, scale 25..100) over the four mutu bands of PermenPAN-RB 14/2017.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence
from xml.sax.saxutils import escape

from markupsafe import Markup

# The mutu bands on the converted scale (SKM.md), worst first, with a pale colour behind the bars.
BANDS = ((25.0, 65.0, "D", "#f6d5d1"), (65.0, 76.61, "C", "#fbe7c6"), (76.61, 88.31, "B", "#e3f0d2"),
         (88.31, 100.0, "A", "#cfe9d8"))
BAR = "#0b4f8a"
# The weakest and the strongest unsur (lowest and highest converted value; all of them when tied).
WEAK, STRONG = "#a00018", "#0a6b2d"
LOW, HIGH = 25.0, 100.0


@dataclass(frozen=True)
class Bar:
    code: str
    label: str
    value: float | None   # converted (25..100); None when nobody answered


@dataclass(frozen=True)
class Layout:
    """Where things go, in points from the top left (the SVG's own orientation)."""

    width: float
    label_w: float = 190.0
    row_h: float = 20.0
    top: float = 18.0

    def x(self, value: float) -> float:
        plot = self.width - self.label_w - 40.0
        return self.label_w + (max(LOW, min(HIGH, value)) - LOW) / (HIGH - LOW) * plot

    def height(self, rows: int) -> float:
        return self.top + rows * self.row_h + 6.0


def bars(report: dict[str, Any], names: dict[str, str] | None = None) -> list[Bar]:
    names = names or {}
    return [Bar(u["code"], f"{u['code']} {names.get(u['code'], u['name'])}", u["converted"]) for u in report["unsur"]]


def _short(label: str, most: int = 26) -> str:
    return label if len(label) <= most else label[:most - 1].rstrip(" ,") + "…"


def _number(value: float, decimal_comma: bool) -> str:
    text = f"{value:.2f}"
    return text.replace(".", ",") if decimal_comma else text


def _ranks(items: Sequence[Bar]) -> dict[str, str]:
    from collector.chart_shapes import extremes

    low, high = extremes([(item.code, item.value) for item in items])
    return {**{code: "weakest" for code in low}, **{code: "strongest" for code in high}}


def _fill(rank: str | None) -> str:
    return WEAK if rank == "weakest" else STRONG if rank == "strongest" else BAR


def unsur_svg(items: Sequence[Bar], *, width: float = 640.0, decimal_comma: bool = True,
              title: str = "", marks: tuple[str, str] = ("terendah", "tertinggi")) -> Markup:
    """The chart as inline SVG with presentation attributes only (the collector's CSP allows no inline style).
    The weakest bars are red and the strongest green, each with `marks` (the words for lowest, highest)."""
    lay = Layout(width)
    ranks = _ranks(items)
    height = lay.height(len(items))
    out = [f'<svg class="chart" viewBox="0 0 {width:.0f} {height:.0f}" xmlns="http://www.w3.org/2000/svg" '
           f'role="img" aria-label="{escape(title)}">']
    bottom = height - 6.0
    for start, end, band, colour in BANDS:
        x1, x2 = lay.x(start), lay.x(end)
        out.append(f'<rect x="{x1:.1f}" y="{lay.top - 4:.1f}" width="{x2 - x1:.1f}" height="{bottom - lay.top + 4:.1f}"'
                   f' fill="{colour}" data-band="{band}"/>')
        out.append(f'<text x="{(x1 + x2) / 2:.1f}" y="12" font-size="11" text-anchor="middle" fill="#333">{band}'
                   '</text>')
    for i, item in enumerate(items):
        y = lay.top + i * lay.row_h
        out.append(f'<text x="{lay.label_w - 6:.1f}" y="{y + 13:.1f}" font-size="11" text-anchor="end" '
                   f'fill="#1a1a1a">{escape(_short(item.label))}</text>')
        if item.value is not None:
            end = lay.x(item.value)
            rank = ranks.get(item.code)
            mark = f" · {marks[0] if rank == 'weakest' else marks[1]}" if rank else ""
            out.append(f'<rect x="{lay.label_w:.1f}" y="{y + 3:.1f}" width="{end - lay.label_w:.1f}" height="12" '
                       f'fill="{_fill(rank)}" data-code="{item.code}" data-value="{item.value}"'
                       + (f' data-rank="{rank}"' if rank else "") + '/>')
            text = _number(item.value, decimal_comma) + mark
            inside = end + 4 + 6.2 * len(text) > width  # too long for the room right of the bar: inside its end
            out.append(f'<text x="{end - 4 if inside else end + 4:.1f}" y="{y + 13:.1f}" font-size="11" '
                       f'fill="{"#ffffff" if inside else "#1a1a1a"}"' + (' text-anchor="end"' if inside else "")
                       + (' font-weight="bold"' if rank else "") + f'>{escape(text)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def unsur_drawing(items: Sequence[Bar], *, width: float, marks: tuple[str, str] = ("terendah", "tertinggi")):
    """The same chart as a reportlab Drawing (vector graphics in the PDF); y flipped to reportlab's bottom-up."""
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.lib import colors

    lay = Layout(width)
    ranks = _ranks(items)
    height = lay.height(len(items))
    drawing = Drawing(width, height)

    def flip(y: float) -> float:
        return height - y

    bottom = height - 6.0
    for start, end, band, colour in BANDS:
        x1, x2 = lay.x(start), lay.x(end)
        drawing.add(Rect(x1, flip(bottom), x2 - x1, bottom - lay.top + 4, fillColor=colors.HexColor(colour),
                         strokeColor=None))
        drawing.add(String((x1 + x2) / 2, flip(12), band, fontSize=8, textAnchor="middle"))
    for i, item in enumerate(items):
        y = lay.top + i * lay.row_h
        drawing.add(String(lay.label_w - 6, flip(y + 13), _short(item.label, 36), fontSize=8, textAnchor="end"))
        if item.value is not None:
            end = lay.x(item.value)
            rank = ranks.get(item.code)
            mark = f" · {marks[0] if rank == 'weakest' else marks[1]}" if rank else ""
            drawing.add(Rect(lay.label_w, flip(y + 15), end - lay.label_w, 12, fillColor=colors.HexColor(_fill(rank)),
                             strokeColor=None))
            text = _number(item.value, True) + mark
            inside = end + 4 + 4.6 * len(text) > width
            drawing.add(String(end - 4 if inside else end + 4, flip(y + 13), text, fontSize=8,
                               textAnchor="end" if inside else "start",
                               fillColor=colors.white if inside else colors.black))
    return drawing
