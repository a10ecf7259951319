"""The optional respondent profile: one row of big chips per field, skippable in one tap."""
from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen

from kiosk.questionnaire import PROFILE_FIELDS
from screens import theme
from screens.widgets import Chip

CHIP_ROWS = {"occupation": 2}  # long labels: two rows of four


class ProfileScreen(Screen):
    def on_kv_post(self, _base) -> None:
        session = App.get_running_app().session
        session.bind(locale=self.fill, profile=self.mark)
        self.fill()

    def fill(self, *_) -> None:
        app = App.get_running_app()
        session, scale = app.session, app.scale
        box = self.ids.fields
        box.clear_widgets()
        self.chips: list[Chip] = []
        chip_height = app.touch * 0.9
        for field in PROFILE_FIELDS:
            rows = CHIP_ROWS.get(field.key, 1)
            row = BoxLayout(spacing=scale * 16, size_hint_y=None,
                            height=rows * chip_height + (rows - 1) * scale * 8)
            row.add_widget(Label(
                text=field.label(session.locale), color=theme.rgba(theme.INK), bold=True,
                font_size=scale * theme.FONT_LABEL, size_hint_x=None, width=scale * 170,
                halign="left", valign="middle", text_size=(scale * 170, None)))
            grid = GridLayout(rows=rows, spacing=scale * 8)
            for key, label in field.options:
                chip = Chip(text=label(session.locale), height=chip_height,
                            selected=session.profile.get(field.key) == key,
                            font_size=scale * theme.FONT_SMALL)
                chip.field, chip.key = field.key, key
                chip.bind(on_release=lambda c: session.toggle_profile(c.field, c.key))
                grid.add_widget(chip)
                self.chips.append(chip)
            row.add_widget(grid)
            box.add_widget(row)

    def mark(self, *_) -> None:
        profile = App.get_running_app().session.profile
        for chip in getattr(self, "chips", ()):
            chip.selected = profile.get(chip.field) == chip.key


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
