"""Which service the citizen received: one big tile per service of the office config."""
from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.uix.screenmanager import Screen

from screens.widgets import Tile


class ServiceScreen(Screen):
    """One tile per service; tiles are rebuilt only when the office's service list changes."""

    def on_kv_post(self, _base) -> None:
        app = App.get_running_app()
        self._built_for: tuple = ()
        app.session.bind(locale=self.fill, service_id=self.mark)
        app.bind(office_name=self.fill)  # staff may apply a new office config
        self.fill()

    def fill(self, *_) -> None:
        app = App.get_running_app()
        services = app.office_config.services
        grid = self.ids.tiles
        if self._built_for != services:
            grid.clear_widgets()
            grid.cols = 1 if len(services) <= 3 else 2
            for service in services:
                tile = Tile(key=service.id)
                tile.service = service
                tile.bind(on_release=lambda t: app.session.choose_service(t.key))
                grid.add_widget(tile)
            self._built_for = services
        for tile in grid.children:
            tile.text = tile.service.name(app.session.locale)
        self.mark()

    def mark(self, *_) -> None:
        chosen = App.get_running_app().session.service_id
        for tile in self.ids.tiles.children:
            tile.selected = tile.key == chosen


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
