"""Shown while the response is written to the queue; if that fails, says so and offers a retry."""
from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.uix.screenmanager import Screen


class SavingScreen(Screen):
    pass


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
