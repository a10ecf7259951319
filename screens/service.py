"""Which service the citizen received: one big tile per service of the office config."""
from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.uix.screenmanager import Screen

from screens.widgets import Tile


class ServiceScreen(Screen):
    def on_kv_post(self, _base) -> None:
        app = App.get_running_app()
        app.session.bind(locale=self.fill, service_id=self.mark)
        app.bind(office_name=self.fill)  # the office config may change in staff mode
        self.fill()

    def fill(self, *_) -> None:
        app = App.get_running_app()
        grid = self.ids.tiles
        grid.clear_widgets()
        services = app.office_config.services
        grid.cols = 1 if len(services) <= 3 else 2
        for service in services:
            tile = Tile(text=service.name(app.session.locale), key=service.id,
                        selected=service.id == app.session.service_id)
            tile.bind(on_release=lambda t: app.session.choose_service(t.key))
            grid.add_widget(tile)

    def mark(self, *_) -> None:
        chosen = App.get_running_app().session.service_id
        for tile in self.ids.tiles.children:
            tile.selected = tile.key == chosen


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
