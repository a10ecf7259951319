"""The optional suggestion: a text field high on the screen, above the docked on-screen keyboard."""
from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.uix.screenmanager import Screen


class CommentScreen(Screen):
    def on_enter(self, *_) -> None:
        self.ids.comment.text = App.get_running_app().session.comment
        # Focus on the next frame so that the docked keyboard opens over the laid-out screen.
        Clock.schedule_once(self._focus, 0)

    def _focus(self, _dt) -> None:
        # A quick "skip" may have left the screen already: never open the keyboard over another screen.
        if self.manager is not None and self.manager.current == self.name:
            self.ids.comment.focus = True

    def on_leave(self, *_) -> None:
        self.ids.comment.focus = False

    def typed(self, field) -> None:
        kept = App.get_running_app().session.type_comment(field.text)
        if kept != field.text:  # over the office's limit: cut, keep the cursor at the end
            field.text = kept
            field.cursor = field.get_cursor_from_index(len(kept))


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
