"""Every tappable thing on the citizen screens is at least 15 mm high and wide (at the window's dpi) and
inside the window, with and without large text."""
from __future__ import annotations

import pytest


def tappables(widget):
    from kivy.uix.behaviors import ButtonBehavior

    if getattr(widget, "opacity", 1) == 0 or getattr(widget, "disabled", False):
        return []
    found = [widget] if isinstance(widget, ButtonBehavior) else []
    for child in widget.children:
        found += tappables(child)
    return found


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-text"])
def test_citizen_touch_targets_are_at_least_15_mm_and_on_screen(launch_kiosk, large):
    from kivy.metrics import mm

    from screens import shots

    kiosk = launch_kiosk()
    held = shots.HeldQueue(kiosk.queue)
    kiosk.app.session.queue = held
    small: list[str] = []
    counted = 0

    def visit(name: str) -> None:
        nonlocal counted
        if name.startswith(("pin", "staff")):
            return
        for widget in tappables(kiosk.app.manager.current_screen):
            counted += 1
            what = f"{name}: {type(widget).__name__} {getattr(widget, 'text', '')!r} {widget.size}"
            if min(widget.size) < mm(15):
                small.append(what)
            (x, y), (right, top) = widget.to_window(*widget.pos), widget.to_window(widget.right, widget.top)
            if x < -0.5 or y < -0.5 or right > window.width + 0.5 or top > window.height + 0.5:
                outside.append(what)
            if large and name != "saving" and not kiosk.session.large:
                small.append(f"{name}: large text is off")

    window = kiosk.app.root.get_root_window()
    outside: list[str] = []
    shots.walk(kiosk.app, held, kiosk.finger, "id", visit, large=large)
    assert counted > 40
    assert small == [] and outside == []
