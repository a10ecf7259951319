"""The staff screen: kiosk settings, queue and sync status, sync now, export, change PIN, exit."""
from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.uix.screenmanager import Screen

from screens.widgets import Chip


class StaffScreen(Screen):
    def on_kv_post(self, _base) -> None:
        app = App.get_running_app()
        app.staff.bind(form=self.fill_services)
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
        app = App.get_running_app()
        staff, locale = app.staff, app.session.locale
        grid = self.ids.services
        grid.clear_widgets()
        chosen = staff.form.get("service", "")
        choices = [("", app.session.t("service_any", locale))]
        choices += [(s.id, s.name(locale)) for s in app.office_config.services]
        for key, text in choices:
            chip = Chip(text=text, selected=key == chosen, height=app.touch * 0.8, font_size=app.scale * 24)
            chip.key = key
            chip.bind(on_release=lambda c: staff.set_form("service", c.key))
            grid.add_widget(chip)

    def change_pin(self) -> None:
        if App.get_running_app().staff.change_pin(self.ids.new_pin.text, self.ids.repeat_pin.text):
            self.ids.new_pin.text = self.ids.repeat_pin.text = ""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
