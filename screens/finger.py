"""A synthetic finger: taps widgets through the window's touch dispatch, like a person's finger.

Used by `kiosk autoplay`, `kiosk screenshot`, the UI tests and the UI benchmark. Between taps
it advances the flow's manual clock by a person's thinking time, so the double-tap filter and
the reading-time check see human timing without any real waiting.
"""
from __future__ import annotations

import time
from typing import Callable

from kivy.base import EventLoop
from kivy.graphics.opengl import glFlush
from kivy.input.motionevent import MotionEvent


class SyntheticTouch(MotionEvent):
    """One finger on the screen at window pixel (x, y), dispatched through Kivy's event loop.

    Kivy's own UnitTestTouch does the same, but kivy.tests imports pytest, which a tablet running
    `kiosk autoplay` as its burn-in test does not have.
    """

    def __init__(self, x: float, y: float):
        window = EventLoop.window
        super().__init__("SyntheticTouch", 99, {"x": x / (window.width - 1.0), "y": y / (window.height - 1.0)},
                         is_touch=True, type_id="touch")
        self.profile = ["pos"]

    def depack(self, args):
        self.sx, self.sy = args["x"], args["y"]
        super().depack(args)

    def touch_down(self) -> None:
        EventLoop.post_dispatch_input("begin", self)

    def touch_up(self) -> None:
        EventLoop.post_dispatch_input("end", self)


class NotShown(AssertionError):
    """What the finger waited for did not appear on screen in time."""


class Finger:
    def __init__(self, clock=None, think_s: float = 1.0):
        self.clock = clock
        self.think_s = think_s
        self.taps = 0

    def pump(self, frames: int = 1) -> None:
        for _ in range(frames):
            EventLoop.idle()
            # Offscreen, a buffer swap hands nothing to the renderer: without a flush, Mesa's software
            # renderer keeps every frame's drawing queued until a texture upload forces it (seconds
            # of work at once, and a hundred MB or more held meanwhile).
            glFlush()

    def touch(self, widget, *, think_s: float | None = None, hold_s: float = 0.0, frames: int = 2) -> None:
        """Press and lift at the widget's centre, through the window like a real touch."""
        think = self.think_s if think_s is None else think_s
        if self.clock is not None and think:
            self.clock.advance(think)
        x, y = widget.to_window(*widget.center)
        finger = SyntheticTouch(x, y)
        finger.touch_down()
        self.pump(1)
        if self.clock is not None and hold_s:
            self.clock.advance(hold_s)
        finger.touch_up()
        self.taps += 1
        self.pump(frames)

    def tap(self, widget, **kwargs) -> None:
        self.touch(widget, **kwargs)

    def wait_for(self, shown: Callable[[], bool], timeout_s: float = 5.0, what: str = "the screen") -> None:
        """Pump frames until `shown()` is true (work from other threads lands through Kivy's clock)."""
        deadline = time.monotonic() + timeout_s
        waited = False
        while not shown():
            if time.monotonic() > deadline:
                raise NotShown(f"{what} did not appear within {timeout_s} s")
            self.pump(1)
            waited = True
        if waited:
            # The change happened during that frame: draw it (and let a screen switch finish)
            # before anyone taps, as a person would only tap what is already on screen.
            self.pump(1)
