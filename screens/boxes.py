"""Rounded boxes (a fill and an outline) drawn once per look into a texture and stretched as a BorderImage.

A RoundedRectangle is a fan of long triangles from its centre and a rounded outline is a strip
of many more; on a software renderer with anti-aliasing the question screen's cards and buttons
cost more than their pixels. Drawn once (screens/drawn.py), a box is a BorderImage, nine textured
quads: the corners at their size, the edges and middle stretched from a strip of plain fill.

A box may leave out a hole that an opaque picture covers (an answer card's face, drawn on the
card's own colour): the same nine pieces cut around it, as a Mesh. The four faces are about a
sixth of the question screen's pixels, each drawn twice without it (the card, then the face).
"""
from __future__ import annotations

import math

from kivy.clock import Clock
from kivy.graphics import BorderImage, Color, InstructionGroup, Line, Mesh, RoundedRectangle
from kivy.properties import ColorProperty, ListProperty, NumericProperty

from screens.drawn import Drawn, texture_point

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
    # (x, y, width, height), where pos is: a part that an opaque picture covers, left out of the box; [] for none.
    box_hole = ListProperty([])

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._box_colour = Color(1, 1, 1, 1)
        self._box = BorderImage(size=(0, 0))
        self._holed = Mesh(mode="triangles")  # the box instead, while it has a hole
        box = InstructionGroup()  # added whole: inserting a textured shape alone puts its texture after it
        box.add(self._box_colour)
        box.add(self._box)
        box.add(self._holed)
        self.canvas.before.insert(0, box)
        self._box_later = Clock.create_trigger(self._box_update, -1)  # -1: before the next frame
        for name in ("pos", "size", "box_fill", "box_line", "box_line_width", "box_radius", "box_hole"):
            self.fbind(name, self._box_later)
        self._box_later()

    def _box_update(self, *_) -> None:
        place(self._box, self.pos, self.size, self.box_fill, self.box_line, self.box_line_width, self.box_radius)
        hole = self.box_hole
        if len(hole) == 4 and hole[2] > 0 and hole[3] > 0 and cut(self._holed, self._box, hole):
            _hide(self._box)
        elif self._holed.indices:
            self._holed.vertices, self._holed.indices = [], []


def _hide(image: BorderImage) -> None:
    """Draw nothing: a BorderImage of no size still draws its corners at their display size."""
    image.size = (0, 0)
    image.display_border = (0, 0, 0, 0)


def place(image: BorderImage, pos, size, fill, line=(0, 0, 0, 0), line_width: float = 1.0, radius: float = 0.0) -> None:
    """Show on `image` (a BorderImage) the box of `fill`, `line` of `line_width` and `radius` at pos, size."""
    fill, line = tuple(round(c, 4) for c in fill), tuple(round(c, 4) for c in line)
    x, y = pos
    width, height = size
    if (not _visible(fill) and not _visible(line)) or width <= 0 or height <= 0:
        _hide(image)
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


def _stretch(at: float, start: float, end: float, border: float, side: int) -> float:
    """How far across the box's texture (0..1) a screen coordinate `at` is, for a box from `start` to `end`
    whose corners are `border` screen pixels of a texture `side` pixels wide, as BorderImage maps it."""
    inner = border / side
    if at <= start + border:
        return (at - start) / side
    if at >= end - border:
        return 1 - (end - at) / side
    middle = end - start - 2 * border
    return inner + (1 - 2 * inner) * ((at - start - border) / middle if middle > 0 else 0)


def cut(mesh: Mesh, image: BorderImage, hole) -> bool:
    """Draw on `mesh` what `image` (placed by place()) shows, less the `hole` (x, y, width, height): the
    BorderImage's pieces cut at the hole's edges into a grid, the cells inside the hole left out.
    False (nothing drawn on `mesh`) for a box with no straight middle (a pill, a hidden box)."""
    (x0, y0), (width, height) = image.pos, image.size
    x1, y1 = x0 + width, y0 + height
    border = image.display_border[0]
    if width <= 2 * border or height <= 2 * border:
        return False
    side, _ = _size((None, None, None, None, border))  # of the texture, in screen pixels
    hx0, hy0 = max(x0, hole[0]), max(y0, hole[1])
    hx1, hy1 = min(x1, hole[0] + hole[2]), min(y1, hole[1] + hole[3])
    xs = sorted({x0, x0 + border, x1 - border, x1, hx0, hx1})
    ys = sorted({y0, y0 + border, y1 - border, y1, hy0, hy1})
    corners = image.texture.tex_coords
    vertices = []
    for y in ys:
        for x in xs:
            u, v = texture_point(corners, _stretch(x, x0, x1, border, side), _stretch(y, y0, y1, border, side))
            vertices += [x, y, u, v]
    indices = []
    row = len(xs)
    for j in range(len(ys) - 1):
        for i in range(len(xs) - 1):
            if hx0 <= xs[i] and xs[i + 1] <= hx1 and hy0 <= ys[j] and ys[j + 1] <= hy1:
                continue  # under the picture
            a = j * row + i
            indices += [a, a + 1, a + row + 1, a, a + row + 1, a + row]
    mesh.texture = image.texture
    mesh.vertices, mesh.indices = vertices, indices
    return True
