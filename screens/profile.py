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
CHIP_HEIGHT = 0.9  # of a touch target: six rows of chips fit a 1280x800 screen
CHIP_GROWTH = 1.1  # large text: 31 chips in six rows leave no room for more (the field names grow fully)


class ProfileScreen(Screen):
    """Chips are made once and relabelled on a language change (rebuilding them would pile up widgets)."""

    def on_kv_post(self, _base) -> None:
        session = App.get_running_app().session
        self.chips: list[Chip] = []
        self.field_labels: list[Label] = []
        self.build()
        session.bind(locale=self.relabel, profile=self.mark)
        App.get_running_app().bind(font_scale=self.restyle, palette=self.restyle)
        self.relabel()
        self.restyle()

    def build(self) -> None:
        app = App.get_running_app()
        session, scale = app.session, app.scale
        box = self.ids.fields
        chip_height = app.touch * CHIP_HEIGHT
        for field in PROFILE_FIELDS:
            rows = CHIP_ROWS.get(field.key, 1)
            row = BoxLayout(spacing=scale * 16, size_hint_y=None,
                            height=rows * chip_height + (rows - 1) * scale * 8)
            label = Label(color=theme.rgba(theme.INK), bold=True, font_size=scale * theme.FONT_LABEL,
                          size_hint_x=None, width=scale * 170, halign="left", valign="middle",
                          text_size=(scale * 170, None))
            label.field = field
            self.field_labels.append(label)
            row.add_widget(label)
            grid = GridLayout(rows=rows, spacing=scale * 8)
            for key, option in field.options:
                chip = Chip(height_factor=CHIP_HEIGHT, font_px=theme.FONT_SMALL, max_growth=CHIP_GROWTH)
                chip.field, chip.key, chip.option = field.key, key, option
                chip.bind(on_release=lambda c: session.toggle_profile(c.field, c.key))
                grid.add_widget(chip)
                self.chips.append(chip)
            row.add_widget(grid)
            box.add_widget(row)

    def restyle(self, *_) -> None:
        """The field names follow large text (their chips do so in widgets.kv)."""
        app = App.get_running_app()
        for label in self.field_labels:
            label.color = theme.rgba(app.palette.INK)
            label.font_size = app.font_scale * theme.FONT_LABEL
            label.width = app.font_scale * 170
            label.text_size = (label.width, None)

    def relabel(self, *_) -> None:
        locale = App.get_running_app().session.locale
        for label in self.field_labels:
            label.text = label.field.label(locale)
        for chip in self.chips:
            chip.text = chip.option(locale)
        self.mark()

    def mark(self, *_) -> None:
        profile = App.get_running_app().session.profile
        for chip in self.chips:
            chip.selected = profile.get(chip.field) == chip.key


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
