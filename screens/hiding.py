"""Widgets hidden at opacity 0 drawn into no pixels.

Kivy draws a widget at opacity 0 in full: every shape, texture and stencil pass, each pixel
blended to nothing. On a software renderer with anti-aliasing the question screen's hidden
widgets (back and skip on the first question, the speaker button with no clips, the unused
logo) cost about 2.5 ms of each 26 ms frame. While hidden, a widget's canvas (its children's
included) is fenced by a scissor of no pixels: the renderer rejects each triangle before
rasterizing it. The widget stays in the tree and keeps its place in the layout, so nothing
else moves; taking its canvas out of its parent's instead would break Kivy's own bookkeeping
when widgets are added or removed around it.
"""
from __future__ import annotations

from kivy.clock import Clock
from kivy.graphics import InstructionGroup, ScissorPop, ScissorPush


class Hideable:
    """A widget mixin: at opacity 0 its canvas is drawn inside a scissor of zero size, before and after included.

    The fence follows the opacity before the next frame: by then every mixin has put its own
    instructions in place (a RoundedBox puts its box first in canvas.before), and the fence goes first of all."""

    _fence: tuple[InstructionGroup, ScissorPop] | None = None
    _fence_later = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._fence_later = Clock.create_trigger(self._fence_update, -1)  # -1: before the next frame
        self._fence_later()

    def on_opacity(self, widget, value) -> None:
        super().on_opacity(widget, value)
        if self._fence_later is not None:  # None while Kivy sets properties in __init__
            self._fence_later()

    @property
    def fenced(self) -> bool:
        """Whether the widget is drawn into no pixels now."""
        return self._fence is not None

    def _fence_update(self, *_) -> None:
        canvas = self.canvas
        if self.opacity == 0 and self._fence is not None:
            start, end = self._fence
            if canvas.before.indexof(start) != 0 or canvas.after.indexof(end) != canvas.after.length() - 1:
                # Something was put before or after it since: fence it again, outermost.
                canvas.before.remove(start)
                canvas.after.remove(end)
                self._fence = None
        if self.opacity == 0 and self._fence is None:
            start = InstructionGroup()  # first of canvas.before, which Kivy applies before everything else
            start.add(ScissorPush(x=0, y=0, width=0, height=0))
            end = ScissorPop()
            canvas.before.insert(0, start)
            canvas.after.add(end)
            self._fence = (start, end)
        elif self.opacity != 0 and self._fence is not None:
            start, end = self._fence
            canvas.before.remove(start)
            canvas.after.remove(end)
            self._fence = None
