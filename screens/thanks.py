"""Thanks the respondent once the response is on disk; the flow returns to welcome after a while."""
from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.uix.screenmanager import Screen


class ThanksScreen(Screen):
    pass


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
