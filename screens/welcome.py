"""The attract screen: office branding, one big start button, language choice."""
from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.uix.screenmanager import Screen

import screens.widgets  # noqa: F401  (the rules these screens use)


class WelcomeScreen(Screen):
    pass


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
