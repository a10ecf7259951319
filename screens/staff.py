"""The staff screen: kiosk settings, queue and sync status, sync now, export, change PIN, exit."""
from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.uix.screenmanager import Screen

from screens import theme
from screens.widgets import Chip


class StaffScreen(Screen):
    def on_kv_post(self, _base) -> None:
        app = App.get_running_app()
        self._built_for: tuple = ()
        app.staff.bind(form=self.mark_service)
        app.session.bind(locale=self.fill_services)
        app.bind(office_name=self.fill_services)
        self.fill_services()

    def on_enter(self, *_) -> None:
        self.ids.counter.text = App.get_running_app().staff.form.get("counter", "")
        self.ids.sync_url.text = App.get_running_app().staff.form.get("sync_url", "")
        self.ids.new_pin.text = self.ids.repeat_pin.text = ""

    def on_leave(self, *_) -> None:
        for field in ("counter", "sync_url", "new_pin", "repeat_pin"):
            self.ids[field].focus = False

    def fill_services(self, *_) -> None:
        """The bound-service chips: "ask the citizen" and one per service, rebuilt only for a new list."""
        app = App.get_running_app()
        locale, services = app.session.locale, app.office_config.services
        grid = self.ids.services
        if self._built_for != services:
            grid.clear_widgets()
            for key in ["", *(s.id for s in services)]:
                chip = Chip(height_factor=0.8, font_px=theme.FONT_SMALL)
                chip.key = key
                chip.bind(on_release=lambda c: app.staff.set_form("service", c.key))
                grid.add_widget(chip)
            self._built_for = services
        names = {s.id: s.name(locale) for s in services}
        for chip in grid.children:
            chip.text = names[chip.key] if chip.key else app.session.t("service_any", locale)
        self.mark_service()

    def mark_service(self, *_) -> None:
        chosen = App.get_running_app().staff.form.get("service", "")
        for chip in self.ids.services.children:
            chip.selected = chip.key == chosen

    def change_pin(self) -> None:
        if App.get_running_app().staff.change_pin(self.ids.new_pin.text, self.ids.repeat_pin.text):
            self.ids.new_pin.text = self.ids.repeat_pin.text = ""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
