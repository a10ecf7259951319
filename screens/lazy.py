"""A ScreenManager that builds each screen (importing its module and .kv) the first time it is needed.

Building all nine screens before the first frame took about a second of the kiosk's cold start
on this machine's software OpenGL (kv parsing, 300 widgets, 150 labels), while the welcome
screen alone is a tenth of that. The app builds the rest one per frame once the first frame is
on screen (`build_next`), so a citizen's first tap normally finds its screen built; a screen
asked for before then (by `current` or `get_screen`) is built on the spot.
"""
from __future__ import annotations

import importlib
from typing import Iterable

from screens.cut import Screens


class LazyScreens(Screens):
    """`screens`: (name, "module:Class") pairs, built in this order by `build_next`."""

    def __init__(self, screens: Iterable[tuple[str, str]], **kwargs):
        self._pending: dict[str, str] = dict(screens)
        super().__init__(**kwargs)

    def _build(self, name: str) -> None:
        module, _, cls = self._pending.pop(name).partition(":")
        self.add_widget(getattr(importlib.import_module(module), cls)(name=name))

    def get_screen(self, name: str):
        if name in self._pending:
            self._build(name)
        return super().get_screen(name)

    def has_screen(self, name: str) -> bool:
        return name in self._pending or super().has_screen(name)

    @property
    def pending(self) -> list[str]:
        """The screens not built yet, in the order `build_next` builds them."""
        return list(self._pending)

    def build_next(self) -> bool:
        """Build the next pending screen; False once every screen is built."""
        if not self._pending:
            return False
        self._build(next(iter(self._pending)))
        return bool(self._pending)
