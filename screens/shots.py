"""Walks a kiosk app through every screen with the synthetic finger and saves a PNG of each."""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Callable

from kivy.core.window import Window

from kiosk.config import DEMO_PIN

SHOT_NAMES = ("welcome", "service", "question-first", "question-last", "profile", "comment", "saving",
              "thanks", "pin", "pin-wrong", "staff", "staff-lower")


class HeldQueue:
    """A queue whose writes wait until released, so the 'saving' screen stays up for its picture."""

    def __init__(self, queue: Any):
        self.queue = queue
        self.release = threading.Event()

    def enqueue(self, response) -> None:
        self.release.wait(timeout=30)
        self.queue.enqueue(response)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.queue, name)


def save_png(path: Path, finger) -> Path:
    """The next drawn frame as a PNG at exactly `path` (Kivy appends a number; we rename)."""
    saved: list[str] = []

    def grab(*_):
        Window.unbind(on_flip=grab)
        saved.append(Window.screenshot(name=str(path.with_suffix("")) + "-.png"))

    Window.bind(on_flip=grab)
    Window.canvas.ask_update()
    finger.wait_for(lambda: bool(saved), what=f"a frame for {path.name}")
    os.replace(saved[0], path)
    return path


def save_all(app, held: HeldQueue, finger, out: Path, locale: str, *, large: bool = False) -> list[Path]:
    """A PNG of every screen in `locale`, named like id-01-welcome.png (id-large-01-welcome.png with large text)."""
    written: list[Path] = []
    prefix = f"{locale}-large" if large else locale

    def save(name: str) -> None:
        written.append(save_png(out / f"{prefix}-{len(written) + 1:02d}-{name}.png", finger))

    walk(app, held, finger, locale, save, large=large)
    return written


def walk(app, held: HeldQueue, finger, locale: str, visit: Callable[[str], None], *, large: bool = False) -> None:
    """Every screen in `locale`, `visit(name)` on each: a full survey (with large text switched on if `large`),
    then the PIN pad and staff screens (the next respondent's: large text is off again)."""
    manager, session = app.manager, app.session

    def shot(name: str) -> None:
        finger.pump(3)
        # A tapped button stays pressed for Kivy's min_state_time in real time, which a few fast frames
        # can undercut: the picture waits until every button on screen is released.
        finger.wait_for(lambda: not any(getattr(w, "state", "normal") == "down" for w in app.root.walk()),
                        what="every button released")
        visit(name)

    def on(screen: str) -> Any:
        finger.wait_for(lambda: manager.current == screen, what=f"screen {screen!r}")
        return manager.get_screen(screen)

    welcome = on("welcome")
    if session.locale != locale:
        finger.tap(welcome.ids["lang_" + locale])
    if session.large != large:
        finger.tap(welcome.ids.large_text)
    shot("welcome")
    finger.tap(welcome.ids.start)
    if manager.current == "service":
        shot("service")
        finger.tap(manager.get_screen("service").ids.tiles.children[-1])
    question = on("question")
    shot("question-first")
    while session.index < session.total - 1:
        finger.tap(question.ids.answers.children[session.index % 4])
    finger.tap(question.ids.answers.children[0])
    finger.tap(on("profile").ids.back)
    shot("question-last")
    finger.tap(question.ids.answers.children[0])
    profile = on("profile")
    chips = profile.chips
    for chip in (chips[1], chips[4], chips[11], chips[18]):
        finger.tap(chip)
    shot("profile")
    finger.tap(profile.ids.next)
    comment = on("comment")
    for letter in "Terima kasih" if locale == "id" else "Thank you":
        comment.ids.comment.insert_text(letter)
    shot("comment")
    finger.tap(comment.ids.send)
    on("saving")
    shot("saving")
    held.release.set()
    on("thanks")
    shot("thanks")
    # The hidden way into staff mode: hold the top-left corner.
    app.flow.clock.advance(app.office_config.kiosk.thank_you_s + app.office_config.kiosk.min_gap_s)
    on("welcome")
    corner = app.root.children[0]
    finger.tap(corner, hold_s=2.5)
    pin = on("pin")
    for digit in "9999":
        finger.tap(pin.keys[digit], think_s=0.1)
    finger.tap(pin.keys["ok"])
    finger.wait_for(lambda: app.staff.pin_message and not app.staff.checking, what="the PIN answer")
    shot("pin-wrong")
    for digit in DEMO_PIN:
        finger.tap(pin.keys[digit], think_s=0.1)
    app.staff.pin_message = ""
    shot("pin")
    finger.tap(pin.keys["ok"])
    staff = on("staff")
    finger.wait_for(lambda: app.staff.status.get("pending") not in (None, "-"), what="the queue status")
    shot("staff")
    staff.ids.scroll.scroll_y = 0
    shot("staff-lower")
    finger.tap(staff.ids.close)
    on("welcome")
