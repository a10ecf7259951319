"""Read-aloud on the kiosk: finds the current screen's clip, plays it through Kivy's audio, and keeps the clips made.

The clips come from kiosk/readaloud.py (espeak-ng, ahead of time); this module only looks them up
by the text on screen and plays them, so a kiosk without espeak-ng still speaks with copied clips.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable

from kivy.core.audio import SoundLoader
from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, StringProperty

from kiosk import readaloud
from kiosk.config import Config
from screens import catalog
from screens.mainthread import Background

log = logging.getLogger(__name__)


class ReadAloud(EventDispatcher):
    """The speaker of the citizen screens: `shown` when the current screen has a clip and the office wants it."""

    shown = BooleanProperty(False)
    playing = BooleanProperty(False)
    failed = BooleanProperty(False)  # the clip exists but would not play (no audio device): the button says so
    source = StringProperty("")      # the clip of the current screen

    def __init__(self, session, config: Callable[[], Config], folder: Path, *,
                 load: Callable[[str], Any] = SoundLoader.load, **kwargs):
        super().__init__(**kwargs)
        self.session, self.config, self.folder, self.load = session, config, Path(folder), load
        self.sound: Any = None  # the clip being played (Kivy's Sound), kept until the next one
        self._found: dict[tuple, Path | None] = {}  # (screen, locale, unsur) -> clip: a stat per screen, once
        self._builder = Background("kiosk-audio")  # never the disk thread: a response must not wait for speech
        session.bind(screen=self.refresh, unsur=self.refresh, locale=self.refresh, mode=self.refresh)
        self.refresh()

    # -- what the current screen says ----------------------------------------------------------

    def refresh(self, *_: Any) -> None:
        session, mode = self.session, self.config().kiosk.read_aloud
        clip = self._clip(session.screen, session.locale, session.unsur) if session.mode == "citizen" else None
        source = str(clip) if clip is not None and mode != "off" else ""
        if source != self.source:
            self.stop()
            self.failed = False
            self.source = source
            if source and mode == "auto" and session.screen == "question":
                self.play()
        self.shown = bool(source)

    def _clip(self, screen: str, locale: str, unsur) -> Path | None:
        key = (screen, locale, unsur)
        if key not in self._found:
            text = readaloud.script(screen, locale, self.config(), catalog.t, unsur)
            self._found[key] = readaloud.clip_for(self.folder, locale, text)
        return self._found[key]

    # -- the button ----------------------------------------------------------------------------

    def toggle(self) -> None:
        self.stop() if self.playing else self.play()

    def play(self) -> None:
        self.stop()
        sound = self.load(self.source) if self.source else None
        if sound is None or not sound.length:  # SDL opened no audio device, or the file is unreadable
            log.warning("cannot play the read-aloud clip %s", self.source)
            self.failed = True
            return
        self.sound = sound
        sound.bind(on_stop=self._ended)
        sound.play()
        self.playing = sound.state == "play"
        self.failed = not self.playing

    def stop(self) -> None:
        self._silence()
        self.playing = False

    def _silence(self) -> None:
        sound, self.sound = self.sound, None
        if sound is not None:
            sound.unbind(on_stop=self._ended)
            sound.stop()
            sound.unload()  # one clip in memory at a time, however many respondents listen

    def _ended(self, sound) -> None:
        if sound is self.sound:
            self.playing = False

    # -- making the clips ----------------------------------------------------------------------

    def build(self) -> None:
        """Make the missing clips for the current config, off the UI thread (cheap when nothing changed)."""
        config = self.config()
        if config.kiosk.read_aloud == "off":
            return
        self._builder.run(lambda: readaloud.build(config, catalog.t, self.folder), on_done=self._built,
                          on_error=lambda error: log.warning("read-aloud audio not made: %s", error))

    def _built(self, built: readaloud.Built) -> None:
        if built.made or built.removed:
            self.forget()

    def forget(self) -> None:
        """The clips or the config changed: look every clip up again."""
        self._found.clear()
        self.refresh()

    def shutdown(self) -> None:
        # No property may change here: the app is stopping, and a .kv binding evaluated now would make
        # Kivy's `app` proxy hold on to this stopped app (the next app's .kv handlers would call it).
        self._silence()
        self._builder.shutdown()
