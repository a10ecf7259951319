"""A chart as a list of shapes, drawn once as inline SVG (dashboard) and once as a reportlab Drawing (PDF).

The chart modules (chart_trend, chart_services, chart_heatmap, chart_channels) place rectangles, lines
and texts in one coordinate system (points from the top left, as SVG counts); the two renderers below
only translate them, so the screen and the paper show the same geometry. The PDF scales the whole
picture to the text width, fonts included.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence, Union
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

INK, MUTED = "#1a1a1a", "#4a4a4a"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str | None = None
    stroke_width: float = 1.0
    data: dict[str, str] = field(default_factory=dict)   # data-* attributes (SVG only): what tests read


@dataclass(frozen=True)
class Text:
    x: float
    y: float              # the baseline
    text: str
    size: float = 11.0
    anchor: str = "start"  # start, middle, end
    fill: str = INK
    bold: bool = False
    data: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Line:
    points: tuple[tuple[float, float], ...]
    stroke: str = INK
    width: float = 1.0


Shape = Union[Rect, Text, Line]


@dataclass(frozen=True)
class Picture:
    width: float
    height: float
    shapes: tuple[Shape, ...]
    title: str = ""


def _data(data: dict[str, str]) -> str:
    return "".join(f" data-{k}={quoteattr(str(v))}" for k, v in data.items())


def to_svg(picture: Picture, css_class: str = "chart") -> Markup:
    """Inline SVG with presentation attributes only: the collector's CSP allows no inline style, no script."""
    out = [f'<svg class="{css_class}" viewBox="0 0 {picture.width:.0f} {picture.height:.0f}" '
           f'xmlns="http://www.w3.org/2000/svg" role="img" aria-label={quoteattr(picture.title)}>']
    for s in picture.shapes:
        if isinstance(s, Rect):
            stroke = f' stroke="{s.stroke}" stroke-width="{s.stroke_width:g}"' if s.stroke else ""
            out.append(f'<rect x="{s.x:.1f}" y="{s.y:.1f}" width="{max(0.0, s.w):.1f}" height="{max(0.0, s.h):.1f}" '
                       f'fill="{s.fill}"{stroke}{_data(s.data)}/>')
        elif isinstance(s, Text):
            weight = ' font-weight="bold"' if s.bold else ""
            out.append(f'<text x="{s.x:.1f}" y="{s.y:.1f}" font-size="{s.size:g}" text-anchor="{s.anchor}" '
                       f'fill="{s.fill}"{weight}{_data(s.data)}>{escape(s.text)}</text>')
        else:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in s.points)
            out.append(f'<polyline points="{points}" fill="none" stroke="{s.stroke}" stroke-width="{s.width:g}"/>')
    out.append("</svg>")
    return Markup("".join(out))


def to_drawing(picture: Picture, width: float):
    """The same shapes as a reportlab Drawing `width` points wide (vectors; y flipped to reportlab's bottom-up)."""
    from reportlab.graphics.shapes import Drawing, Group, PolyLine, Rect as RlRect, String
    from reportlab.lib import colors
    from reportlab.pdfbase import pdfmetrics

    # The report's own font when report_pdf has registered it (it has, for a Laporan SKM), else Helvetica.
    registered = pdfmetrics.getRegisteredFontNames()
    regular = "Roboto" if "Roboto" in registered else "Helvetica"
    bold = "Roboto-Bold" if "Roboto-Bold" in registered else "Helvetica-Bold"
    scale = width / picture.width
    height = picture.height
    group = Group()
    for s in picture.shapes:
        if isinstance(s, Rect):
            group.add(RlRect(s.x, height - s.y - s.h, max(0.0, s.w), max(0.0, s.h),
                             fillColor=colors.HexColor(s.fill),
                             strokeColor=colors.HexColor(s.stroke) if s.stroke else None,
                             strokeWidth=s.stroke_width))
        elif isinstance(s, Text):
            group.add(String(s.x, height - s.y, s.text, fontSize=s.size, textAnchor=s.anchor,
                             fillColor=colors.HexColor(s.fill), fontName=bold if s.bold else regular))
        else:
            flat: list[float] = []
            for x, y in s.points:
                flat += [x, height - y]
            group.add(PolyLine(flat, strokeColor=colors.HexColor(s.stroke), strokeWidth=s.width))
    group.transform = (scale, 0, 0, scale, 0, 0)
    drawing = Drawing(width, height * scale)
    drawing.add(group)
    return drawing


def number(value: float, decimal_comma: bool, places: int = 2) -> str:
    """Half up from the printed value (as the reports round), not Python's round-half-even of the float."""
    from decimal import ROUND_HALF_UP, Decimal

    text = str(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    return text.replace(".", ",") if decimal_comma else text


def band_colour(value: float | None) -> str:
    """The pale colour of the mutu band a converted value falls in (white for no value)."""
    from collector.charts import BANDS

    if value is None:
        return "#ffffff"
    for start, end, _, colour in reversed(BANDS):
        if value >= start:
            return colour
    return BANDS[0][3]


def extremes(values: Sequence[tuple[str, float | None]]) -> tuple[set[str], set[str]]:
    """The keys with the lowest and the highest value (all of them when tied); none when all are equal."""
    present = [(k, v) for k, v in values if v is not None]
    if not present:
        return set(), set()
    low, high = min(v for _, v in present), max(v for _, v in present)
    if low == high:
        return set(), set()
    return {k for k, v in present if v == low}, {k for k, v in present if v == high}
