"""A face reacts under the finger: pressed on touch-down, in the next frame, before the flow does anything;
the next question then comes by swapping kept textures, not by rendering its text again."""
from __future__ import annotations

from screens import theme
from screens.finger import SyntheticTouch


def face(kiosk, value):
    return next(b for b in kiosk.widget("question", "answers").children if b.value == value)


def ring_pixel(kiosk, button, redraw: bool = False) -> tuple[int, int, int]:
    """The colour of the button's border in the next frame (Kivy draws one only when something changed,
    or when `redraw` asks for it), read before the frame is shown."""
    from kivy.graphics.opengl import GL_RGBA, GL_UNSIGNED_BYTE, glReadPixels

    window = kiosk.app.root.get_root_window()
    x, y = button.to_window(button.x, button.center_y)
    seen: list[bytes] = []

    def read(*_):
        seen.append(glReadPixels(int(x) + 2, int(y), 1, 1, GL_RGBA, GL_UNSIGNED_BYTE))

    window.bind(on_flip=read)
    if redraw:
        window.canvas.ask_update()
    try:
        kiosk.finger.pump(1)
    finally:
        window.unbind(on_flip=read)
    assert seen, "no frame was drawn"
    return tuple(seen[0][:3])


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(round(c * 255) for c in theme.rgba(hex_colour)[:3])


def test_the_touched_face_shows_pressed_on_touch_down_before_the_answer_is_taken(launch_kiosk, demo_config):
    kiosk = launch_kiosk(demo_config.with_kiosk(service="kk"))
    kiosk.tap("welcome", "start")
    kiosk.expect("question")
    target, other = face(kiosk, 3), face(kiosk, 2)
    assert ring_pixel(kiosk, target, redraw=True) != rgb(theme.SELECTED_RING), "not pressed before the touch"
    kiosk.clock.advance(2)
    finger = SyntheticTouch(*target.to_window(*target.center))
    finger.touch_down()
    # The very next frame shows the press; the flow has not been asked anything yet.
    assert ring_pixel(kiosk, target) == rgb(theme.SELECTED_RING)
    assert ring_pixel(kiosk, other, redraw=True) != rgb(theme.SELECTED_RING)
    assert kiosk.session.unsur.code == "U1" and kiosk.app.flow.answers == {}
    finger.touch_up()
    kiosk.finger.pump(1)
    assert kiosk.session.unsur.code == "U2" and kiosk.app.flow.answers == {"U1": 3}


def test_the_next_question_reuses_kept_textures(launch_kiosk, demo_config):
    from screens import textures

    # The cache is the process's: earlier tests' screens may have filled its budget, so that the first
    # survey's texts are evicted and made again while it runs. This kiosk starts with an empty one.
    textures.CACHE.clear()
    kiosk = launch_kiosk(demo_config.with_kiosk(service="kk", ask_profile=False, ask_comment=False))
    for survey in range(2):
        kiosk.tap("welcome", "start")
        kiosk.expect("question")
        shown = []
        for number, value in enumerate((4, 3, 2, 1, 4, 3, 2, 1, 4), start=1):
            misses = textures.CACHE.misses
            kiosk.finger.tap(face(kiosk, value))
            if number < 9:
                shown.append(kiosk.widget("question", "question").texture)
            if survey == 1:
                # Every text of the next question was rendered before (or ahead, while this one was read).
                assert textures.CACHE.misses == misses, f"text rendered again after question {number}"
        kiosk.expect("thanks")
        kiosk.clock.advance(kiosk.app.office_config.kiosk.thank_you_s)
        kiosk.expect("welcome")
        if survey == 0:
            first = shown
    assert len({id(t) for t in shown}) == 8, "each question's text has a texture of its own"
    assert [id(t) for t in shown] == [id(t) for t in first], "the same texture objects, not new renders"
