"""Every tappable thing on the citizen screens is at least 15 mm high and wide (at the window's dpi)."""
from __future__ import annotations


def tappables(widget):
    from kivy.uix.behaviors import ButtonBehavior

    if getattr(widget, "opacity", 1) == 0 or getattr(widget, "disabled", False):
        return []
    found = [widget] if isinstance(widget, ButtonBehavior) else []
    for child in widget.children:
        found += tappables(child)
    return found


def test_citizen_touch_targets_are_at_least_15_mm(launch_kiosk):
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
            if min(widget.size) < mm(15):
                small.append(f"{name}: {type(widget).__name__} {getattr(widget, 'text', '')!r} {widget.size}")

    shots.walk(kiosk.app, held, kiosk.finger, "id", visit)
    assert counted > 40
    assert small == []
