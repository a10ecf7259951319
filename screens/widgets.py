"""The kiosk's building blocks: drawn faces, big buttons, chips, the office bar."""
from __future__ import annotations

from pathlib import Path

from kivy.graphics import (ClearBuffers, ClearColor, Color, Ellipse, InstructionGroup, Rectangle, ScissorPop,
                           ScissorPush)
from kivy.lang import Builder
from kivy.properties import (BooleanProperty, ColorProperty, ListProperty, NumericProperty, OptionProperty,
                             StringProperty)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from screens import speaker, theme  # noqa: F401  (speaker: the OfficeBar's SpeakerButton rule)
from screens.boxes import RoundedBox
from screens.drawn import Drawn
from screens.faces import FACES
from screens.hiding import Hideable
from screens.textures import KeptLabel


class Face(Widget):
    """A drawn face (no emoji font), 1 very unhappy .. 4 very happy: one rectangle showing its kept texture.

    On a card, `ground` is the card's colour: drawn into the texture around the face, it makes the face an
    opaque square, which the card leaves out (RoundedBox.box_hole = `covers`)."""

    value = NumericProperty(1)
    ground = ListProperty([])  # rgba of what the face sits on; [] (or a see-through colour): transparent corners
    covers = ListProperty([])  # x, y, width, height of the opaque square drawn, on whole pixels; [] if none

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.canvas:
            Color(1, 1, 1, 1)
            self._picture = Rectangle(size=(0, 0))
        self.bind(pos=self._draw, size=self._draw, value=self._draw, ground=self._draw)

    @property
    def key(self) -> tuple:
        """The face's texture in FACES."""
        ground = tuple(round(c, 4) for c in self.ground) if self.ground and self.ground[3] >= 1 else ()
        return int(min(4, max(1, self.value))), int(min(self.width, self.height)), ground

    def _draw(self, *_):
        d = int(min(self.width, self.height))
        if d <= 0:
            self._picture.size = (0, 0)
            self.covers = []
            return
        # Whole pixels: the texture, drawn at twice the size, then averages exactly four of its pixels into one.
        self._picture.texture = FACES.texture(self.key)
        self._picture.pos = (round(self.center_x - d / 2), round(self.center_y - d / 2))
        self._picture.size = (d, d)
        self.covers = [*self._picture.pos, d, d] if self.key[2] else []


class Emblem(Hideable, Widget):
    """The office's mark when its config has no logo file: a ringed disc (a kept drawing) with the office initials."""

    initials = StringProperty("")
    ring = ColorProperty([1, 1, 1, 1])
    disc = ColorProperty([0, 0, 0, 1])

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.canvas.before:
            Color(1, 1, 1, 1)
            self._picture = Rectangle(size=(0, 0))
        self.bind(pos=self._draw, size=self._draw, ring=self._draw, disc=self._draw)
        self._draw()

    def _draw(self, *_):
        d = int(min(self.width, self.height))
        if d <= 0:
            self._picture.size = (0, 0)
            return
        self._picture.texture = EMBLEMS.texture((d, tuple(self.ring), tuple(self.disc)))
        self._picture.pos = (round(self.center_x - d / 2), round(self.center_y - d / 2))
        self._picture.size = (d, d)


def _draw_emblem(key, unit: float) -> None:
    d, ring, disc = key
    d *= unit
    Color(*ring)
    Ellipse(pos=(0, 0), size=(d, d))
    Color(*disc)
    Ellipse(pos=(d * 0.08, d * 0.08), size=(d * 0.84, d * 0.84))


# The emblem by (diameter, ring colour, disc colour): two palettes, a size or two.
EMBLEMS = Drawn(draw=_draw_emblem, size=lambda key: (key[0], key[0]), edge=lambda key: (*key[1][:3], 0), kept=4)


class KioskButton(ButtonBehavior, RoundedBox, KeptLabel):
    """A large rounded button; `kind` picks its colours from the theme.

    Its few texts are kept rendered (screens/textures.py): back and skip on the question screen
    turn on and off (another colour, another texture) as the citizen moves on.
    """

    kind = OptionProperty("action", options=["action", "quiet", "brand", "alert", "card"])


class Chip(ButtonBehavior, RoundedBox, KeptLabel):
    """A tappable choice; chosen shows as a filled dark chip with bold text (not by hue alone)."""

    selected = BooleanProperty(False)
    font_px = NumericProperty(theme.FONT_LABEL)  # at the 1280x800 reference size
    height_factor = NumericProperty(1.0)  # of the app's touch-target height
    max_growth = NumericProperty(theme.LARGE_TEXT)  # how far large text may grow it (less where chips sit tight)


class FaceButton(ButtonBehavior, RoundedBox, BoxLayout):
    """One answer: a drawn face over the unsur's own label for that answer."""

    value = NumericProperty(1)
    text = StringProperty("")
    selected = BooleanProperty(False)


class Tile(ButtonBehavior, RoundedBox, KeptLabel):
    """A big card to pick one item from a list (services, office choices)."""

    selected = BooleanProperty(False)
    key = StringProperty("")


class Logo(Hideable, Image):
    """The office's logo file on the bar; hidden (and not drawn: Kivy's Image clears the stencil buffer) without one."""


class HideableRow(Hideable, BoxLayout):
    """A row of widgets that is left undrawn while hidden (the welcome screen's languages with one language)."""


class OfficeBar(BoxLayout):
    """Office logo and name on every citizen screen; `right_text` shows progress or the counter.

    Its `fill` is painted by clearing the bar's pixels to that colour (a scissored clear), not by a
    rectangle: a software renderer clears pixels for almost nothing and shades a rectangle's one by
    one (about 1.5 ms of each question frame for the bar's 113k pixels with anti-aliasing)."""

    right_text = StringProperty("")
    fill = ColorProperty([0, 0, 0, 1])

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._painted = InstructionGroup()
        self.canvas.before.insert(0, self._painted)
        for name in ("x", "y", "width", "height", "fill"):
            self.fbind(name, self._paint)
        self._paint()

    def _paint(self, *_) -> None:
        # The scissor is in window pixels, whole ones: where the rectangle's edges would fall. (Not self.right
        # and self.top: called as width or height changes, before Kivy updates those.)
        x, y = self.to_window(self.x, self.y)
        right, top = self.to_window(self.x + self.width, self.y + self.height)
        painted = self._painted
        painted.clear()
        painted.add(ScissorPush(x=round(x), y=round(y), width=max(0, round(right) - round(x)),
                                height=max(0, round(top) - round(y))))
        painted.add(ClearColor(*self.fill))
        painted.add(ClearBuffers(clear_color=True, clear_depth=False, clear_stencil=False))
        painted.add(ScissorPop())


class SectionTitle(Label):
    pass


class Body(Label):
    pass


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
