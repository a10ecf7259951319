"""The kiosk's building blocks: drawn faces, big buttons, chips, the office bar."""
from __future__ import annotations

from pathlib import Path

from kivy.graphics import Color, Ellipse, Line
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, OptionProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from screens import speaker, theme  # noqa: F401  (speaker: the OfficeBar's SpeakerButton rule)
from screens.textures import KeptLabel


class Face(Widget):
    """A face drawn with canvas shapes (no emoji font): 1 very unhappy .. 4 very happy."""

    value = NumericProperty(1)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.bind(pos=self._draw, size=self._draw, value=self._draw)

    def _draw(self, *_):
        self.canvas.clear()
        d = min(self.width, self.height)
        if d <= 0:
            return
        cx, cy = self.center
        x0, y0 = cx - d / 2, cy - d / 2
        value = int(min(4, max(1, self.value)))
        with self.canvas:
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
            Line(points=points, width=max(1.5, d * 0.035), cap="round")
            if value == 1:  # eyebrows make "very unhappy" readable at a glance
                for side in (-1, 1):
                    ex = cx + side * d * 0.17
                    Line(points=[ex - side * d * 0.09, cy + d * 0.30, ex + side * d * 0.07, cy + d * 0.26],
                         width=max(1.2, d * 0.022), cap="round")


class Emblem(Widget):
    """The office's mark when its config has no logo file: a ringed disc with the office initials."""

    initials = StringProperty("")


class KioskButton(ButtonBehavior, KeptLabel):
    """A large rounded button; `kind` picks its colours from the theme.

    Its few texts are kept rendered (screens/textures.py): back and skip on the question screen
    turn on and off (another colour, another texture) as the citizen moves on.
    """

    kind = OptionProperty("action", options=["action", "quiet", "brand", "alert", "card"])


class Chip(ButtonBehavior, Label):
    """A tappable choice; chosen shows as a filled dark chip with bold text (not by hue alone)."""

    selected = BooleanProperty(False)
    font_px = NumericProperty(theme.FONT_LABEL)  # at the 1280x800 reference size
    height_factor = NumericProperty(1.0)  # of the app's touch-target height
    max_growth = NumericProperty(theme.LARGE_TEXT)  # how far large text may grow it (less where chips sit tight)


class FaceButton(ButtonBehavior, BoxLayout):
    """One answer: a drawn face over the unsur's own label for that answer."""

    value = NumericProperty(1)
    text = StringProperty("")
    selected = BooleanProperty(False)


class Tile(ButtonBehavior, Label):
    """A big card to pick one item from a list (services, office choices)."""

    selected = BooleanProperty(False)
    key = StringProperty("")


class OfficeBar(BoxLayout):
    """Office logo and name on every citizen screen; `right_text` shows progress or the counter."""

    right_text = StringProperty("")


class SectionTitle(Label):
    pass


class Body(Label):
    pass


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
