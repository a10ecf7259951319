"""Plays respondents on the real app with the synthetic finger: burn-in for a new tablet, and benchmarks."""
from __future__ import annotations

import random
from typing import Callable

from kiosk.questionnaire import PROFILE_FIELDS

ANSWER_WEIGHTS = (1, 2, 5, 4)  # most citizens are fairly satisfied; every face still gets tapped


class Player:
    """Drives one KioskApp through complete surveys, the way a person would tap them."""

    def __init__(self, app, finger, rng: random.Random, think: tuple[float, float] | None = None):
        """`think`: the range of seconds a person reads before each tap (on the flow's clock, never slept)."""
        self.app, self.finger, self.rng = app, finger, rng
        settings = app.office_config.kiosk
        # Think long enough per tap that a survey is never "fast" (the questions alone take longer
        # than the office's plausible reading time) and no tap is ever taken for a double tap.
        shortest = max(settings.double_tap_s * 2, 1.1 * settings.min_survey_s / len(app.flow.questions), 0.5)
        self.think = think or (shortest, shortest + 1.5)

    @property
    def manager(self):
        return self.app.manager

    def on(self, screen: str):
        self.finger.wait_for(lambda: self.manager.current == screen, what=f"screen {screen!r}")
        return self.manager.get_screen(screen)

    def tap(self, widget) -> None:
        self.finger.tap(widget, think_s=self.rng.uniform(*self.think), frames=1)

    def survey(self) -> None:
        app, rng, session = self.app, self.rng, self.app.session
        welcome = self.on("welcome")
        wait = app.flow.start_blocked_for()
        if wait > 0:  # respect the gap between respondents: let (virtual) time pass
            app.flow.clock.advance(wait + 0.05)
        if len(app.office_config.kiosk.locales) > 1 and rng.random() < 0.2:
            other = [loc for loc in app.office_config.kiosk.locales if loc != session.locale]
            self.tap(welcome.ids["lang_" + rng.choice(other)])
        self.tap(welcome.ids.start)
        self.finger.wait_for(lambda: self.manager.current in ("service", "question"), what="the first question")
        if self.manager.current == "service":
            self.tap(rng.choice(self.manager.get_screen("service").ids.tiles.children))
        question = self.on("question")
        total = session.total
        while self.manager.current == "question":
            before = session.index
            answers = question.ids.answers.children
            if session.unsur.scored:
                value = rng.choices((1, 2, 3, 4), weights=ANSWER_WEIGHTS)[0]
                self.tap(next(b for b in answers if b.value == value))
            else:
                self.tap(rng.choice(answers))
            if session.index == before and before < total - 1:
                raise RuntimeError(f"the tap on question {before + 1} was not taken")
        if self.manager.current == "profile":
            profile = self.manager.get_screen("profile")
            if rng.random() < 0.2:
                self.tap(profile.ids.skip)
            else:
                for field in PROFILE_FIELDS:
                    if rng.random() < 0.8:
                        chips = [c for c in profile.chips if c.field == field.key]
                        self.tap(rng.choice(chips))
                self.tap(profile.ids.next)
        if self.manager.current == "comment":
            self.tap(self.manager.get_screen("comment").ids.skip)
        self.on("thanks")
        app.flow.clock.advance(app.office_config.kiosk.thank_you_s)
        self.on("welcome")

    def play(self, count: int, progress: Callable[[int], None] = lambda done: None) -> int:
        """`count` complete surveys; returns once every one of them is on disk."""
        start = self.app.session.saved_count
        for done in range(1, count + 1):
            self.survey()
            progress(done)
        self.finger.wait_for(lambda: self.app.session.saved_count - start >= count, what="the last save")
        return self.app.session.saved_count - start
