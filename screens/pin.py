"""The staff PIN pad: big digits, the PIN shown as dots, a lock message after 5 wrong PINs."""
from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.uix.screenmanager import Screen

from screens.widgets import KioskButton


class PinScreen(Screen):
    def on_kv_post(self, _base) -> None:
        staff = App.get_running_app().staff
        pad = self.ids.pad
        self.keys = {}
        for key in ("1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "ok"):
            if key == "clear":
                button = KioskButton(kind="quiet")
                button.bind(on_release=lambda _b: staff.clear_digits())
            elif key == "ok":
                button = KioskButton(kind="action")
                button.bind(on_release=lambda _b: staff.submit_pin())
            else:
                button = KioskButton(kind="card", text=key)
                button.digit = key
                button.bind(on_release=lambda b: staff.press_digit(b.digit))
            self.keys[key] = button
            pad.add_widget(button)
        App.get_running_app().session.bind(locale=self.label)
        self.label()

    def label(self, *_) -> None:
        session = App.get_running_app().session
        self.keys["clear"].text = session.t("pin_clear", session.locale)
        self.keys["ok"].text = session.t("pin_ok", session.locale)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
