"""The citizen's survey as a state machine: which screen comes next, decided without any UI.

The screens only show `SurveyFlow`'s state and forward taps to it. Time is injected (`clock`,
monotonic seconds; `wall`, an offset-aware datetime) so every rule is tested without sleeping.
"""
from __future__ import annotations

import time
import uuid
from datetime import datetime
from enum import Enum
from typing import Callable

from kiosk.config import Config
from kiosk.questionnaire import Unsur
from kiosk.response import Response, new_response

__all__ = ["Step", "SurveyFlow"]


class Step(str, Enum):
    WELCOME = "welcome"
    SERVICE = "service"
    QUESTION = "question"
    PROFILE = "profile"
    COMMENT = "comment"
    SAVING = "saving"
    THANK_YOU = "thank_you"


IN_PROGRESS = (Step.SERVICE, Step.QUESTION, Step.PROFILE, Step.COMMENT)


class SurveyFlow:
    """One kiosk's survey, respondent after respondent.

    Every citizen action returns True when it was taken, False when it was filtered out:
    a second tap within `double_tap_s` of the last one (the screen changed under the finger,
    so that tap would land on the next question), a start within `min_gap_s` of the last
    finished survey, or an action that does not fit the current step.
    """

    def __init__(
        self,
        config: Config,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] | None = None,
        flags: tuple[str, ...] = (),
        make_id: Callable[[], str] = lambda: str(uuid.uuid4()),
        extra: Callable[[], dict] = dict,
    ):
        self.config = config
        self.clock = clock
        self.wall = wall or (lambda: datetime.now(config.tz))
        self.extra_flags = tuple(flags)
        self.make_id = make_id
        # What each response carries in `extra` when it is made (a suspect clock says so: kiosk/clockcheck.py).
        self.extra = extra
        self.locale = config.kiosk.locales[0]
        self.step = Step.WELCOME
        self.save_failed = False
        self._last_tap: float | None = None
        self._last_finish: float | None = None
        self._thank_you_since = 0.0
        self._pending: Response | None = None
        # Large text and high contrast: one respondent's choice on the welcome screen, off for the next.
        self.large_text = False
        self._reset()

    # -- what the screens show ---------------------------------------------------------

    @property
    def settings(self):
        return self.config.kiosk

    @property
    def questions(self) -> tuple[Unsur, ...]:
        return self.config.questionnaire.items

    @property
    def question(self) -> Unsur:
        return self.questions[self.index]

    @property
    def current_answer(self) -> int | str | None:
        return self.answers.get(self.question.code) if self.step is Step.QUESTION else None

    @property
    def asks_service(self) -> bool:
        return self.settings.service is None and len(self.config.services) > 1

    @property
    def can_go_back(self) -> bool:
        if self.step is Step.QUESTION:
            return self.index > 0 or self.asks_service
        return self.step in (Step.SERVICE, Step.PROFILE, Step.COMMENT)

    @property
    def can_skip(self) -> bool:
        return self.step is Step.QUESTION and self.settings.allow_skip

    @property
    def pending_response(self) -> Response | None:
        """The finished response waiting to be saved (step SAVING)."""
        return self._pending

    def start_blocked_for(self) -> float:
        """Seconds before a new survey may start (0 when it may)."""
        if self._last_finish is None:
            return 0.0
        return max(0.0, self.settings.min_gap_s - (self.clock() - self._last_finish))

    # -- citizen actions ---------------------------------------------------------------

    def set_locale(self, locale: str) -> bool:
        if self.step is not Step.WELCOME or locale not in self.settings.locales or not self._tap():
            return False
        self.locale = locale
        return True

    def set_large_text(self, on: bool) -> bool:
        if self.step is not Step.WELCOME or not self._tap():
            return False
        self.large_text = bool(on)
        return True

    def start(self) -> bool:
        if self.step is not Step.WELCOME or self.start_blocked_for() > 0 or not self._tap():
            return False
        self._reset()
        self._started = self.clock()
        self._started_wall = self.wall()
        if self.settings.service is not None:
            self.service_id = self.settings.service
        elif len(self.config.services) == 1:
            self.service_id = self.config.services[0].id
        self.step = Step.SERVICE if self.asks_service else Step.QUESTION
        return True

    def choose_service(self, service_id: str) -> bool:
        if self.step is not Step.SERVICE or service_id not in {s.id for s in self.config.services}:
            return False
        if not self._tap():
            return False
        self.service_id = service_id
        self.index, self.step = 0, Step.QUESTION
        return True

    def answer(self, value: int | str) -> bool:
        if self.step is not Step.QUESTION or not self.question.valid_answer(value) or not self._tap():
            return False
        self.answers[self.question.code] = value
        self._next_question()
        return True

    def skip(self) -> bool:
        if not self.can_skip or not self._tap():
            return False
        self.answers.pop(self.question.code, None)
        self._next_question()
        return True

    def back(self) -> bool:
        if not self.can_go_back or not self._tap():
            return False
        if self.step is Step.SERVICE:
            self._reset()
            self.step = Step.WELCOME
        elif self.step is Step.QUESTION:
            if self.index > 0:
                self.index -= 1
            else:
                self.step = Step.SERVICE
        elif self.step is Step.PROFILE:
            self.step, self.index = Step.QUESTION, len(self.questions) - 1
        elif self.step is Step.COMMENT:
            if self.settings.ask_profile:
                self.step = Step.PROFILE
            else:
                self.step, self.index = Step.QUESTION, len(self.questions) - 1
        return True

    def toggle_profile(self, field: str, option: str) -> bool:
        """Choose an option of a profile field; choosing it again clears it."""
        if self.step is not Step.PROFILE or not self._tap():
            return False
        if self.profile.get(field) == option:
            del self.profile[field]
        else:
            self.profile[field] = option
        return True

    def finish_profile(self, *, skip: bool = False) -> bool:
        if self.step is not Step.PROFILE or not self._tap():
            return False
        if skip:
            self.profile.clear()
        self._after_profile()
        return True

    def type_comment(self, text: str) -> str:
        """The suggestion as typed, cut at the office's length limit; typing counts as activity."""
        if self.step is Step.COMMENT:
            self.comment = text[: self.settings.comment_max]
            self._last_activity = self.clock()
        return self.comment

    def finish_comment(self, *, skip: bool = False) -> bool:
        if self.step is not Step.COMMENT or not self._tap():
            return False
        if skip:
            self.comment = ""
        self._finish()
        return True

    # -- saving (the UI enqueues the pending response off its thread) -------------------

    def saved(self) -> None:
        """The pending response is on disk: thank the respondent."""
        if self.step is not Step.SAVING:
            return
        self._pending, self.save_failed = None, False
        now = self.clock()
        self._last_finish = self._thank_you_since = now
        self.step = Step.THANK_YOU

    def save_error(self) -> None:
        """The pending response could not be stored; it stays pending for a retry."""
        if self.step is Step.SAVING:
            self.save_failed = True

    def retry_save(self) -> Response | None:
        if self.step is not Step.SAVING or not self.save_failed or not self._tap():
            return None
        self.save_failed = False
        return self._pending

    # -- time --------------------------------------------------------------------------

    def tick(self) -> Response | None:
        """Apply timeouts. Returns the incomplete response of a survey left half-way, to be saved."""
        now = self.clock()
        if self.step is Step.THANK_YOU and now - self._thank_you_since >= self.settings.thank_you_s:
            self._next_respondent()
        elif self.step in IN_PROGRESS and now - self._last_activity >= self.settings.idle_timeout_s:
            abandoned = self._response(complete=False)
            self._next_respondent()
            return abandoned
        return None

    def reset_to_welcome(self) -> None:
        """Back to the attract screen (staff left staff mode); an unsaved survey is dropped."""
        if self.step is not Step.SAVING:
            self._next_respondent()

    # -- internals ---------------------------------------------------------------------

    def _next_respondent(self) -> None:
        self.step = Step.WELCOME
        self.large_text = False
        self._reset()

    def _reset(self) -> None:
        self.service_id: str | None = self.settings.service
        self.answers: dict[str, int | str] = {}
        self.profile: dict[str, str] = {}
        self.comment = ""
        self.index = 0
        self._started = self.clock()
        self._started_wall: datetime | None = None
        self._last_activity = self.clock()
        if self.step is Step.WELCOME:
            self.locale = self.locale if self.locale in self.settings.locales else self.settings.locales[0]

    def _tap(self) -> bool:
        now = self.clock()
        if self._last_tap is not None and now - self._last_tap < self.settings.double_tap_s:
            return False
        self._last_tap = self._last_activity = now
        return True

    def _next_question(self) -> None:
        if self.index + 1 < len(self.questions):
            self.index += 1
        elif self.settings.ask_profile:
            self.step = Step.PROFILE
        else:
            self._after_profile()

    def _after_profile(self) -> None:
        if self.settings.ask_comment:
            self.step = Step.COMMENT
        else:
            self._finish()

    def _finish(self) -> None:
        self._pending = self._response(complete=True)
        self.save_failed = False
        self.step = Step.SAVING

    def _response(self, *, complete: bool) -> Response:
        took = self.clock() - self._started
        flags = tuple(f for f in ("fast",) if complete and took < self.settings.min_survey_s)
        return new_response(
            office_id=self.config.office.id,
            service_id=self.service_id,
            answers=self.answers,
            started_at=self._started_wall or self.wall(),
            submitted_at=self.wall(),
            questionnaire=self.config.questionnaire,
            locale=self.locale,
            profile=self.profile,
            comment=self.comment or None,
            complete=complete,
            flags=flags + tuple(f for f in self.extra_flags if f not in flags),
            make_id=self.make_id,
            extra=self.extra(),
        )
