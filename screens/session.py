"""The controller every citizen screen binds to: SurveyFlow's state as Kivy properties, and saving."""
from __future__ import annotations

import logging
from collections import deque
from typing import Any, Callable

from kivy.event import EventDispatcher
from kivy.properties import (BooleanProperty, DictProperty, NumericProperty, ObjectProperty, OptionProperty,
                             StringProperty)

from kiosk.flow import Step, SurveyFlow
from kiosk.storage import StorageError
from kiosk.questionnaire import Text
from screens import catalog
from screens.mainthread import Background

log = logging.getLogger(__name__)

# Unfinished surveys the storage refused (a full disk) wait in memory for the next write that works;
# past this many the oldest goes: they are drop-off statistics, not questionnaires that count.
UNSAVED_ABANDONED_MAX = 200

SCREEN_OF_STEP = {
    Step.WELCOME: "welcome", Step.SERVICE: "service", Step.QUESTION: "question", Step.PROFILE: "profile",
    Step.COMMENT: "comment", Step.SAVING: "saving", Step.THANK_YOU: "thanks",
}


class Session(EventDispatcher):
    """Forwards taps to the flow, mirrors its state, and stores responses off the UI thread."""

    screen = StringProperty("welcome")
    mode = OptionProperty("citizen", options=["citizen", "pin", "staff"])
    locale = StringProperty("id")
    index = NumericProperty(0)
    total = NumericProperty(0)
    unsur = ObjectProperty(None, allownone=True)
    answer = ObjectProperty(None, allownone=True)
    can_back = BooleanProperty(False)
    can_skip = BooleanProperty(False)
    profile = DictProperty({})
    comment = StringProperty("")
    service_id = StringProperty("")
    save_failed = BooleanProperty(False)
    save_problem = StringProperty("")  # kiosk.storage.Problem code when the storage refused the save
    waiting = BooleanProperty(False)
    saved_count = NumericProperty(0)
    abandoned_count = NumericProperty(0)
    large = BooleanProperty(False)  # large text and high contrast, for this respondent only

    def __init__(self, flow: SurveyFlow, queue: Any, *, background: Background,
                 wake_sync: Callable[[], None] = lambda: None, **kwargs):
        super().__init__(**kwargs)
        self.flow, self.queue, self.background, self.wake_sync = flow, queue, background, wake_sync
        self._saving = False
        self.unsaved_abandoned: deque = deque(maxlen=UNSAVED_ABANDONED_MAX)
        self.refresh()

    # -- text ------------------------------------------------------------------------------

    def t(self, key: str, locale: str, **values: Any) -> str:
        return catalog.t(key, locale, **values)

    def text(self, text: Text | None, locale: str) -> str:
        return text(locale) if text is not None else ""

    # -- taps (each one goes to the flow, which may filter it out) -------------------------

    def set_locale(self, locale: str) -> None:
        self._after(self.flow.set_locale(locale))

    def toggle_large_text(self) -> None:
        self._after(self.flow.set_large_text(not self.flow.large_text))

    def start(self) -> None:
        self._after(self.flow.start())

    def choose_service(self, service_id: str) -> None:
        self._after(self.flow.choose_service(service_id))

    def answer_with(self, value: int | str) -> None:
        self._after(self.flow.answer(value))

    def back(self) -> None:
        self._after(self.flow.back())

    def skip(self) -> None:
        self._after(self.flow.skip())

    def toggle_profile(self, field: str, option: str) -> None:
        self._after(self.flow.toggle_profile(field, option))

    def finish_profile(self, skip: bool = False) -> None:
        self._after(self.flow.finish_profile(skip=skip))

    def type_comment(self, text: str) -> str:
        kept = self.flow.type_comment(text)
        self.comment = kept
        return kept

    def finish_comment(self, skip: bool = False) -> None:
        self._after(self.flow.finish_comment(skip=skip))

    def retry_save(self) -> None:
        response = self.flow.retry_save()
        if response is not None:
            self._save(response)
        self.refresh()

    # -- time ------------------------------------------------------------------------------

    def tick(self, *_: Any) -> None:
        if self.mode != "citizen":
            return
        abandoned = self.flow.tick()
        if abandoned is not None:
            # Kept for drop-off analysis; the screen is already back to welcome.
            self.background.run(lambda: self.queue.enqueue(abandoned), on_done=self._abandoned_saved,
                                on_error=lambda _error: self.unsaved_abandoned.append(abandoned))
        self.refresh()

    # -- internals -------------------------------------------------------------------------

    def _after(self, accepted: bool) -> None:
        flow = self.flow
        if accepted and flow.step is Step.SAVING and not self._saving and not flow.save_failed:
            self._save(flow.pending_response)
        self.refresh()

    def _save(self, response) -> None:
        self._saving = True
        self.background.run(lambda: self.queue.enqueue(response), on_done=self._saved, on_error=self._save_error)

    def _saved(self, _result: Any) -> None:
        self._saving = False
        self.save_problem = ""
        self.flow.saved()
        self.saved_count += 1
        self._save_unsaved_abandoned()
        self.wake_sync()
        self.refresh()

    def _save_unsaved_abandoned(self) -> None:
        """After a write worked again, the unfinished surveys the storage refused earlier, in one write."""
        if not self.unsaved_abandoned:
            return
        held = list(self.unsaved_abandoned)
        self.unsaved_abandoned.clear()

        def saved(_result: Any) -> None:
            self.abandoned_count += len(held)

        self.background.run(lambda: self.queue.enqueue_many(held), on_done=saved,
                            on_error=lambda _error: self.unsaved_abandoned.extendleft(reversed(held)))

    def _save_error(self, error: BaseException) -> None:
        self._saving = False
        self.save_problem = error.problem.value if isinstance(error, StorageError) else ""
        log.error("could not store a response: %s", error)
        self.flow.save_error()
        self.refresh()

    def _abandoned_saved(self, _result: Any) -> None:
        self.abandoned_count += 1
        self._save_unsaved_abandoned()
        self.wake_sync()

    def refresh(self) -> None:
        """Copy the flow's state into the properties the .kv files bind to."""
        flow = self.flow
        self.locale = flow.locale
        self.total = len(flow.questions)
        self.index = flow.index
        self.unsur = flow.question if flow.step is Step.QUESTION else None
        self.answer = flow.current_answer
        self.can_back, self.can_skip = flow.can_go_back, flow.can_skip
        self.profile = dict(flow.profile)
        self.service_id = flow.service_id or ""
        self.save_failed = flow.save_failed
        self.waiting = flow.step is Step.WELCOME and flow.start_blocked_for() > 0
        self.large = flow.large_text
        if flow.step is not Step.COMMENT:
            self.comment = flow.comment
        self.screen = self.mode if self.mode != "citizen" else SCREEN_OF_STEP[flow.step]
