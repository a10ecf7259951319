"""Mode TV's IKM gauge (a half dial from 25 to 100 in the four mutu bands) and its QR code, drawn as SVG on the server.

Presentation attributes only (no style attribute, no script): the collector's CSP allows neither.
"""
from __future__ import annotations

import math

from markupsafe import Markup

from kiosk import qr

# Mutu bands on the converted scale (SKM.md), worst first, with their colours.
BANDS = ((25.0, 65.0, "D", "#c0392b"), (65.0, 76.61, "C", "#e08e0b"), (76.61, 88.31, "B", "#7cb342"),
         (88.31, 100.0, "A", "#1e8449"))
_CX, _CY, _R, _W = 150.0, 150.0, 120.0, 34.0


def _point(value: float, radius: float) -> tuple[float, float]:
    """Where a converted value sits on the dial: 25 on the left, 100 on the right."""
    angle = math.pi * (1 - (value - 25.0) / 75.0)
    return _CX + radius * math.cos(angle), _CY - radius * math.sin(angle)


def _arc(start: float, end: float) -> str:
    (x1, y1), (x2, y2) = _point(start, _R), _point(end, _R)
    return f"M {x1:.2f} {y1:.2f} A {_R:.0f} {_R:.0f} 0 0 1 {x2:.2f} {y2:.2f}"


def gauge_svg(converted: float | None, mutu: str | None) -> Markup:
    """The dial with its needle at `converted` (no needle before the first respondent)."""
    parts = ['<svg class="gauge" viewBox="0 0 300 175" role="img" xmlns="http://www.w3.org/2000/svg"'
             f' aria-label="IKM {converted if converted is not None else "-"} {mutu or ""}">']
    for start, end, band, colour in BANDS:
        parts.append(f'<path d="{_arc(start, end)}" fill="none" stroke="{colour}" stroke-width="{_W:.0f}"'
                     f' data-band="{band}"/>')
        lx, ly = _point((start + end) / 2, _R + _W / 2 + 10)
        parts.append(f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="13" text-anchor="middle" fill="#333">{band}</text>')
    if converted is not None:
        tip = _point(max(25.0, min(100.0, converted)), _R - _W / 2 - 4)
        parts.append(f'<line x1="{_CX}" y1="{_CY}" x2="{tip[0]:.2f}" y2="{tip[1]:.2f}" stroke="#f5f7fa"'
                     ' stroke-width="5" stroke-linecap="round" class="needle"/>')
        parts.append(f'<circle cx="{_CX}" cy="{_CY}" r="9" fill="#f5f7fa"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def qr_svg(url: str) -> Markup:
    """The QR code of `url` as one SVG path, each row's dark run a rectangle; sharp on any screen size."""
    matrix = qr.qr_matrix(url)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            x += 1
    side = len(matrix)
    return Markup(f'<svg class="qr" viewBox="0 0 {side} {side}" role="img" xmlns="http://www.w3.org/2000/svg"'
                  f' shape-rendering="crispEdges" aria-label="QR"><rect width="{side}" height="{side}" fill="#fff"/>'
                  f'<path d="{"".join(runs)}" fill="#000"/></svg>')
