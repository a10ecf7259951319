"""The four answer faces, drawn once per size into a texture (screens/drawn.py) and shown as one textured rectangle.

Drawn as shapes in the window, a face is two discs and two eyes of 180-triangle fans and a
wide line for the mouth, redrawn in every frame of the question screen: about 20 ms of each
1280x800 frame for the four faces on a software renderer with anti-aliasing.
"""
from __future__ import annotations

from kivy.graphics import Color, Ellipse, Line

from screens import theme
from screens.drawn import Drawn

# Four faces at a few sizes (a one- or two-line label under them, large text on or off); a 200 px
# face at twice the size is 640 KB of texture.
KEPT = 24


def draw_face(value: int, x0: float, y0: float, d: float, unit: float = 1.0) -> None:
    """The canvas instructions of face `value` (1 very unhappy .. 4 very happy) in the d x d square at (x0, y0);
    `unit` is the size of a screen pixel (the thinnest line is 1.5 of them)."""
    value = int(min(4, max(1, value)))
    cx, cy = x0 + d / 2, y0 + d / 2
    Color(*theme.rgba(theme.FACE_INK))
    Ellipse(pos=(x0, y0), size=(d, d))
    Color(*theme.rgba(theme.FACE_COLOURS[value - 1]))
    rim = d * 0.035
    Ellipse(pos=(x0 + rim, y0 + rim), size=(d - 2 * rim, d - 2 * rim))
    Color(*theme.rgba(theme.FACE_INK))
    eye_w, eye_h = d * 0.11, d * 0.16
    for side in (-1, 1):
        Ellipse(pos=(cx + side * d * 0.17 - eye_w / 2, cy + d * 0.08), size=(eye_w, eye_h))
    # The mouth: a parabola from a deep frown (1) to a broad smile (4).
    bend = (-0.16, -0.07, 0.07, 0.17)[value - 1] * d
    half = (0.20, 0.18, 0.20, 0.25)[value - 1] * d
    mouth_y = cy - d * 0.2 + (d * 0.05 if value <= 2 else 0)
    points = []
    for i in range(21):
        u = -1 + i / 10
        points += [cx + u * half, mouth_y - bend * (1 - u * u) + bend]
    Line(points=points, width=max(1.5 * unit, d * 0.035), cap="round")
    if value == 1:  # eyebrows make "very unhappy" readable at a glance
        for side in (-1, 1):
            ex = cx + side * d * 0.17
            Line(points=[ex - side * d * 0.09, cy + d * 0.30, ex + side * d * 0.07, cy + d * 0.26],
                 width=max(1.2 * unit, d * 0.022), cap="round")


# Faces by (value, diameter in pixels, ground): on a transparent square, or with () on the ground's colour.
FACES = Drawn(draw=lambda key, unit: draw_face(key[0], 0, 0, key[1] * unit, unit),
              size=lambda key: (key[1], key[1]), edge=lambda key: key[2] or theme.rgba(theme.FACE_INK, 0),
              kept=KEPT)
