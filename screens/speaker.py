"""The speaker button of the citizen screens' top bar: a drawn loudspeaker and a word, shown when there is a clip."""
from __future__ import annotations

from pathlib import Path

from kivy.graphics import Color, Line, Mesh, Rectangle
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ListProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from screens.boxes import RoundedBox
from screens.hiding import Hideable


class SpeakerIcon(Widget):
    """A loudspeaker drawn with canvas shapes (no icon font): body, cone and, unless `playing`, two sound waves."""

    colour = ListProperty([1, 1, 1, 1])
    playing = BooleanProperty(False)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.bind(pos=self._draw, size=self._draw, colour=self._draw, playing=self._draw)

    def _draw(self, *_):
        self.canvas.clear()
        d = min(self.width, self.height)
        if d <= 0:
            return
        x0, cy = self.center_x - d / 2, self.center_y
        with self.canvas:
            Color(*self.colour)
            Rectangle(pos=(x0 + d * 0.08, cy - d * 0.14), size=(d * 0.18, d * 0.28))
            cone = [x0 + d * 0.26, cy - d * 0.14, x0 + d * 0.52, cy - d * 0.36,
                    x0 + d * 0.52, cy + d * 0.36, x0 + d * 0.26, cy + d * 0.14]
            Mesh(vertices=[v for i in range(4) for v in (cone[2 * i], cone[2 * i + 1], 0, 0)],
                 indices=[0, 1, 2, 0, 2, 3], mode="triangles")
            if self.playing:  # a stop square says "tap again to stop"
                Rectangle(pos=(x0 + d * 0.64, cy - d * 0.13), size=(d * 0.26, d * 0.26))
                return
            for radius in (0.2, 0.34):
                Line(circle=(x0 + d * 0.52, cy, d * radius, 55, 125), width=max(1.5, d * 0.05), cap="round")


class SpeakerButton(Hideable, ButtonBehavior, RoundedBox, BoxLayout):
    """Reads the current screen aloud (app.voice); its own word says listen, stop, or that there is no sound."""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
