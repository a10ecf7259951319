"""The screen change: a cut, so that the frame after a tap draws the new screen alone."""
from __future__ import annotations

from kivy.uix.screenmanager import NoTransition


class Cut(NoTransition):
    """Kivy's NoTransition keeps the old screen under the new one until the next clock tick, so one frame
    draws both; screens paint no page of their own (the window's clear colour is the page), so the old
    one would show through, and a software renderer would draw two screens. The cut takes it off at once."""

    def add_screen(self, screen) -> None:
        if self.screen_out is not None and self.screen_out.parent is self.manager:
            self.manager.real_remove_widget(self.screen_out)
        super().add_screen(screen)
