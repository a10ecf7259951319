"""The screen change: a cut, in a screen manager that draws nothing of its own, so a frame draws one screen only."""
from __future__ import annotations

from kivy.uix.screenmanager import NoTransition, ScreenManager


class Cut(NoTransition):
    """Kivy's NoTransition keeps the old screen under the new one until the next clock tick, so one frame
    draws both; screens paint no page of their own (the window's clear colour is the page), so the old
    one would show through, and a software renderer would draw two screens. The cut takes it off at once."""

    def add_screen(self, screen) -> None:
        if self.screen_out is not None and self.screen_out.parent is self.manager:
            self.manager.real_remove_widget(self.screen_out)
        super().add_screen(screen)


class Screens(ScreenManager):
    """The kiosk's screens, changed by a cut and never clipped.

    Kivy's ScreenManager is a StencilView, so that sliding transitions stay inside it: every frame it
    fills the stencil buffer over its whole area and clears it again afterwards, two full-window passes
    (about 6 ms a frame at 1280x800 on a software renderer with anti-aliasing) for a manager that fills
    the window and never slides."""

    def __init__(self, **kwargs):
        kwargs.setdefault("transition", Cut())
        super().__init__(**kwargs)
        self.canvas.before.clear()  # StencilView's rule: StencilPush, the area, StencilUse
        self.canvas.after.clear()  # StencilUnUse, the area again, StencilPop
