"""Rounded boxes (a fill and an outline) drawn once per look into a texture and stretched as a BorderImage.

A RoundedRectangle is a fan of long triangles from its centre and a rounded outline is a strip
of many more; on a software renderer with anti-aliasing the question screen's cards and buttons
cost more than their pixels. Drawn once (screens/drawn.py), a box is a BorderImage, nine textured
quads: the corners at their size, the edges and middle stretched from a strip of plain fill.
"""
from __future__ import annotations

import math

from kivy.clock import Clock
from kivy.graphics import BorderImage, Color, InstructionGroup, Line, RoundedRectangle
from kivy.properties import ColorProperty, NumericProperty

from screens.drawn import Drawn

# A box's texture depends on its colours, outline and radius, not on its size: a few dozen looks in all.
KEPT = 48


def _visible(rgba) -> bool:
    return rgba[3] > 0


def _pad(line, width) -> int:
    """The outline's overhang outside the box, in screen pixels, and one more."""
    return (math.ceil(width) if _visible(line) else 0) + 1


def _size(key) -> tuple[int, int]:
    corner = key[4]
    side = 2 * corner + 2
    return side, side


def _draw(key, unit: float) -> None:
    fill, line, width, radius, _corner = key
    pad = _pad(line, width)
    side = _size(key)[0]
    x = y = pad * unit
    w = h = (side - 2 * pad) * unit
    Color(*fill)
    RoundedRectangle(pos=(x, y), size=(w, h), radius=[radius * unit])
    if _visible(line):
        Color(*line)
        # Kivy draws a line wider than 1 as twice its width, centred on the path.
        Line(rounded_rectangle=(x, y, w, h, radius * unit), width=max(1.001, width * unit) if width > 1 else 1.001)


def _edge(key) -> tuple:
    fill, line = key[:2]
    return (*(line if _visible(line) else fill)[:3], 0)


BOXES = Drawn(draw=_draw, size=_size, edge=_edge, kept=KEPT)


class RoundedBox:
    """A widget mixin that draws its box (box_fill, box_line of box_line_width, box_radius) under its content.

    The box follows its properties before the next frame (a touch-down's pressed look included), once
    however many of them changed."""

    box_fill = ColorProperty([1, 1, 1, 1])
    box_line = ColorProperty([0, 0, 0, 0])
    box_line_width = NumericProperty(1.0)
    box_radius = NumericProperty(0.0)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._box_colour = Color(1, 1, 1, 1)
        self._box = BorderImage(size=(0, 0))
        box = InstructionGroup()  # added whole: inserting a textured shape alone puts its texture after it
        box.add(self._box_colour)
        box.add(self._box)
        self.canvas.before.insert(0, box)
        self._box_later = Clock.create_trigger(self._box_update, -1)  # -1: before the next frame
        for name in ("pos", "size", "box_fill", "box_line", "box_line_width", "box_radius"):
            self.fbind(name, self._box_later)
        self._box_later()

    def _box_update(self, *_) -> None:
        place(self._box, self.pos, self.size, self.box_fill, self.box_line, self.box_line_width, self.box_radius)


def place(image: BorderImage, pos, size, fill, line=(0, 0, 0, 0), line_width: float = 1.0, radius: float = 0.0) -> None:
    """Show on `image` (a BorderImage) the box of `fill`, `line` of `line_width` and `radius` at pos, size."""
    fill, line = tuple(round(c, 4) for c in fill), tuple(round(c, 4) for c in line)
    x, y = pos
    width, height = size
    if (not _visible(fill) and not _visible(line)) or width <= 0 or height <= 0:
        image.size = (0, 0)
        return
    line_width = round(line_width, 2)
    # The radius never more than half the box, as RoundedRectangle limits it.
    radius = round(min(radius, width / 2, height / 2), 2)
    pad = _pad(line, line_width)
    # A corner patch holds the curve, the outline's inside and a pixel of plain fill; a pill's two
    # patches meet in the middle (then that pixel is left out).
    corner = min(pad + max(math.ceil(radius), math.ceil(line_width) if _visible(line) else 0) + 1,
                 pad + int(min(width, height) // 2))
    image.texture = BOXES.texture((fill, line, line_width, radius, corner))
    image.border = (corner * 2,) * 4  # in the texture's pixels: drawn at twice the size
    image.display_border = (corner,) * 4  # on screen: corners at their size
    image.pos = (x - pad, y - pad)
    image.size = (width + 2 * pad, height + 2 * pad)
