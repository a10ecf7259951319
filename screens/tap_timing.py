"""Tap-to-frame timing for the UI benchmark: a finger that times each tap to the next drawn frame, and a bare app.

The bare app is the reference: the same window, size and anti-aliasing, one label and one
coloured rectangle that change on each tap, nothing else. Whatever our screens take beyond
it is ours (redrawn shapes, re-rendered text, layout, the flow), not the renderer's.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from kivy.app import App
from kivy.core.window import Window
from kivy.graphics import Color, Rectangle
from kivy.graphics.opengl import glFinish
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from screens.finger import Finger, SyntheticTouch


@dataclass
class TapTimes:
    """Seconds from the finger's touch (down, up) to the end of the next frame drawn after it."""

    down: list[float] = field(default_factory=list)
    up: list[float] = field(default_factory=list)
    # The same spans in the process's CPU time (every thread's, llvmpipe's included): on a machine shared with
    # other work, wall time waits for a core and CPU time does not.
    down_cpu: list[float] = field(default_factory=list)
    up_cpu: list[float] = field(default_factory=list)
    think: list[float] = field(default_factory=list)  # the reading time before each tap, on the flow's clock
    screens: list[tuple[str, str]] = field(default_factory=list)  # (screen before, screen after) per tap


class TimedFinger(Finger):
    """A Finger that records, for every tap, touch-down to next frame (the pressed look) and touch-up to next
    frame (the tap's effect: the flow's work, the next question's layout and text, the frame)."""

    def __init__(self, clock=None, think_s: float = 1.0, screen=lambda: ""):
        super().__init__(clock, think_s)
        self.times = TapTimes()
        self.screen = screen

    def _next_frame_after(self, act, frames: int = 4) -> tuple[float, float] | None:
        """Seconds from `act()` to the end of the first frame drawn after it, wall and CPU time (Kivy draws
        only what changed: None when nothing did within `frames` frames, as for a touch on a bare rectangle)."""
        flips: list[tuple[float, float]] = []

        def mark(*_):
            # Offscreen, a buffer swap does not wait for the drawing: without this the frame's pixels
            # would be made later, by whichever frame next uploads a texture, and billed to it.
            glFinish()
            flips.append((time.perf_counter(), time.process_time()))

        Window.bind(on_flip=mark)
        try:
            started, started_cpu = time.perf_counter(), time.process_time()
            act()
            for _ in range(frames):
                self.pump(1)
                if flips:
                    break
        finally:
            Window.unbind(on_flip=mark)
        return (flips[0][0] - started, flips[0][1] - started_cpu) if flips else None

    def touch(self, widget, *, think_s: float | None = None, hold_s: float = 0.0, frames: int = 2) -> None:
        think = self.think_s if think_s is None else think_s
        if self.clock is not None and think:
            self.clock.advance(think)
        x, y = widget.to_window(*widget.center)
        finger = SyntheticTouch(x, y)
        before = self.screen()
        down = self._next_frame_after(finger.touch_down)
        if self.clock is not None and hold_s:
            self.clock.advance(hold_s)
        up = self._next_frame_after(finger.touch_up)
        self.taps += 1
        if down is not None:
            self.times.down.append(down[0])
            self.times.down_cpu.append(down[1])
        if up is not None:
            self.times.up.append(up[0])
            self.times.up_cpu.append(up[1])
            self.times.think.append(think)
            self.times.screens.append((before, self.screen()))
        self.pump(max(0, frames - 1))


def first_frame_of(app) -> float:
    """Start `app`, pump frames until its first is on screen, stop it; the wall-clock time (time.time) of that frame."""
    from screens import driven

    flipped: list[float] = []
    mark = lambda *_: flipped.append(time.time())  # noqa: E731
    Window.bind(on_flip=mark)
    try:
        with driven.running(app):
            while not flipped:
                Finger().pump(1)
    finally:
        Window.unbind(on_flip=mark)
    return flipped[0]


TEXTS = ("Pertanyaan {n} dari 9", "Question {n} of 9")
COLOURS = ((0.13, 0.55, 0.13, 1), (0.55, 0.75, 0.2, 1), (0.95, 0.6, 0.1, 1), (0.85, 0.15, 0.15, 1))


class BareApp(App):
    """One label and one coloured rectangle, both changed by each tap on the rectangle."""

    def build(self):
        root = FloatLayout()
        self.target = Widget(size_hint=(0.4, 0.4), pos_hint={"center_x": 0.5, "center_y": 0.4})
        with self.target.canvas:
            self.colour = Color(*COLOURS[0])
            self.rect = Rectangle()
        self.target.bind(pos=self._place, size=self._place)
        self.label = Label(text=TEXTS[0].format(n=1), font_size=40, color=(0, 0, 0, 1),
                           size_hint=(1, 0.2), pos_hint={"x": 0, "top": 1})
        Window.clearcolor = (0.95, 0.96, 0.97, 1)
        self.taps = 0
        self.target.bind(on_touch_up=self._tapped)
        root.add_widget(self.label)
        root.add_widget(self.target)
        return root

    def _place(self, *_):
        self.rect.pos, self.rect.size = self.target.pos, self.target.size

    def _tapped(self, widget, touch):
        if not widget.collide_point(*touch.pos):
            return False
        self.taps += 1
        self.label.text = TEXTS[self.taps // 9 % 2].format(n=self.taps % 9 + 1)
        self.colour.rgba = COLOURS[self.taps % len(COLOURS)]
        return True


def time_bare_taps(taps: int) -> TapTimes:
    """Run BareApp on the prepared window and time `taps` taps on its rectangle."""
    from screens import driven

    app = BareApp()
    finger = TimedFinger()
    with driven.running(app):
        finger.pump(3)
        for _ in range(taps):
            finger.tap(app.target, frames=1)
        if app.taps != taps:
            raise RuntimeError(f"the bare app counted {app.taps} of {taps} taps")
    return finger.times
