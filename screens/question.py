"""One SKM unsur per screen: the question, four drawn faces with the unsur's own labels, progress."""
from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.graphics import BorderImage, Color
from kivy.lang import Builder
from kivy.properties import NumericProperty
from kivy.uix.screenmanager import Screen
from kivy.uix.widget import Widget

from screens import boxes, theme
from screens.hiding import Hideable
from screens.widgets import FaceButton, Tile


class StepDots(Hideable, Widget):
    """The survey's progress as a row of segments: done ones filled, the current one outlined."""

    index = NumericProperty(0)
    total = NumericProperty(9)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._segments: list[BorderImage] = []
        self.bind(pos=self._draw, size=self._draw, index=self._draw, total=self._draw)

    def _draw(self, *_):
        total = max(0, int(self.total))
        if len(self._segments) != total:  # made once per survey length; each question only recolours them
            self.canvas.clear()
            with self.canvas:
                Color(1, 1, 1, 1)
                self._segments = [BorderImage(size=(0, 0)) for _ in range(total)]
        if not total:
            return
        gap = self.height * 0.6
        width = (self.width - gap * (total - 1)) / total
        for i, segment in enumerate(self._segments):
            done = i <= self.index
            # Kept pills (screens/boxes.py): a RoundedRectangle is a fan of long triangles, costly per frame.
            boxes.place(segment, (self.x + i * (width + gap), self.y), (width, self.height),
                        theme.rgba(theme.BRAND if done else theme.DISABLED), radius=self.height / 2)


class QuestionScreen(Screen):
    def on_kv_post(self, _base) -> None:
        session = App.get_running_app().session
        session.bind(unsur=self.fill, locale=self.fill, answer=self.mark)
        # After the frame that shows a question, while the citizen reads it: render the next one's texts.
        self._prepare = Clock.create_trigger(self.prepare_next, 0.05)
        self.fill()

    def fill(self, *_) -> None:
        session = App.get_running_app().session
        unsur = session.unsur
        box = self.ids.answers
        if unsur is None:
            return
        if unsur.scored:
            # The four faces are made once and relabelled: a kiosk shows thousands of questions a day.
            if not hasattr(self, "faces"):
                self.faces = [FaceButton(value=value) for value in (1, 2, 3, 4)]
                for face in self.faces:
                    face.bind(on_release=lambda b: session.answer_with(b.value))
            if box.children != self.faces[::-1]:
                box.clear_widgets()
                for face in self.faces:
                    box.add_widget(face)
            for face, label in zip(self.faces, unsur.labels):
                face.text = label(session.locale)
                face.selected = session.answer == face.value
            self._prepare()
            return
        box.clear_widgets()
        for key, label in unsur.choices:  # an office's own choice question
            tile = Tile(text=label(session.locale), key=key, selected=session.answer == key)
            tile.bind(on_release=lambda b: session.answer_with(b.key))
            box.add_widget(tile)

    def prepare_next(self, *_) -> None:
        """Render the next question's texts into kept textures, so the tap that brings it on only swaps them."""
        app = App.get_running_app()
        session, flow = app.session, app.flow
        if session.unsur is None or flow.index + 1 >= len(flow.questions):
            return
        unsur, locale = flow.questions[flow.index + 1], session.locale
        self.ids.unsur_name.prepare(unsur.name(locale))
        self.ids.question.prepare(unsur.question(locale))
        if unsur.scored and hasattr(self, "faces"):
            for face, label in zip(self.faces, unsur.labels):
                face.ids.label.prepare(label(locale))
        self.ids.bar.ids.progress.prepare(session.t("progress", locale, n=flow.index + 2, total=len(flow.questions)))

    def mark(self, *_) -> None:
        answer = App.get_running_app().session.answer
        for child in self.ids.answers.children:
            child.selected = getattr(child, "value", None) == answer or getattr(child, "key", None) == answer


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
