"""Large text and high contrast with real touches: switched on at the welcome screen, for one respondent only."""
from __future__ import annotations

from kiosk.store import Status
from screens import theme


def face(kiosk, value):
    return next(b for b in kiosk.widget("question", "answers").children if b.value == value)


def face_diameter(kiosk):
    drawn = face(kiosk, 1).children[-1]  # the FaceButton's Face, above its label
    return min(drawn.size)


def text_width(label):
    """The width of a label's text on one line, at its font size."""
    from kivy.core.text import Label as CoreLabel

    return CoreLabel(font_size=label.font_size, bold=label.bold).get_extents(label.text)[0]


def looks(kiosk):
    """What a respondent sees of the look: the question's font size and colour, a face's size, the page colour."""
    question = kiosk.widget("question", "question")
    return question.font_size, tuple(question.color), face_diameter(kiosk), kiosk.app.palette.PAGE


def test_large_text_is_for_one_respondent(launch_kiosk, demo_config):
    kiosk = launch_kiosk(demo_config.with_kiosk(service="kk", ask_profile=False, ask_comment=False))
    switch = kiosk.widget("welcome", "large_text")
    start_font = kiosk.widget("welcome", "start").font_size
    assert not switch.selected and kiosk.app.palette is theme.STANDARD
    kiosk.finger.tap(switch)
    assert switch.selected and kiosk.app.palette is theme.HIGH_CONTRAST
    assert kiosk.widget("welcome", "start").font_size == start_font * theme.LARGE_TEXT
    for chip in ("lang_id", "lang_en", "large_text"):
        widget = kiosk.widget("welcome", chip)
        # The pill curves only a few pixels in at the text's height: 0.15 of its height either side is clear.
        assert text_width(widget) < widget.width - widget.height * 0.3, f"{widget.text!r} clear of its round ends"
    kiosk.tap("welcome", "start")
    kiosk.expect("question")
    large = looks(kiosk)
    assert large[0] == kiosk.app.scale * theme.FONT_QUESTION * theme.LARGE_TEXT
    assert large[1] == theme.rgba(theme.HIGH_CONTRAST.INK) == (0, 0, 0, 1)
    assert large[3] == "#FFFFFF"
    for value in (4, 3, 4, 4, 2, 4, 3, 4, 4):
        kiosk.finger.tap(face(kiosk, value))
    kiosk.expect("thanks")
    assert kiosk.app.palette is theme.HIGH_CONTRAST, "the thank-you is still the respondent's"
    kiosk.clock.advance(kiosk.app.office_config.kiosk.thank_you_s + kiosk.app.office_config.kiosk.min_gap_s)
    kiosk.expect("welcome")
    assert not kiosk.widget("welcome", "large_text").selected and kiosk.app.palette is theme.STANDARD
    assert kiosk.widget("welcome", "start").font_size == start_font
    kiosk.tap("welcome", "start")
    kiosk.expect("question")
    normal = looks(kiosk)
    assert normal[0] == kiosk.app.scale * theme.FONT_QUESTION and normal[1] == theme.rgba(theme.INK)
    assert normal[3] == theme.PAGE
    assert large[2] > normal[2] * 1.15, f"faces grow with large text: {large[2]} vs {normal[2]}"
    [response] = list(kiosk.queue.all_by_status(Status.PENDING))
    assert response.response.answers["U5"] == 2, "large text changes the look, never the answers"


def test_the_idle_timeout_ends_large_text(launch_kiosk, demo_config):
    kiosk = launch_kiosk(demo_config.with_kiosk(service="kk"))
    kiosk.tap("welcome", "large_text")
    kiosk.tap("welcome", "start")
    kiosk.expect("question")
    kiosk.finger.tap(face(kiosk, 4))
    assert kiosk.widget("question", "question").font_size > kiosk.app.scale * theme.FONT_QUESTION
    kiosk.clock.advance(kiosk.app.office_config.kiosk.idle_timeout_s)
    kiosk.expect("welcome")
    assert not kiosk.session.large and kiosk.app.font_scale == kiosk.app.scale


def test_profile_field_names_grow_and_stay_on_screen(launch_kiosk, demo_config):
    kiosk = launch_kiosk(demo_config.with_kiosk(service="kk"))
    kiosk.tap("welcome", "large_text")
    kiosk.tap("welcome", "start")
    kiosk.expect("question")
    for _ in range(9):
        kiosk.finger.tap(face(kiosk, 3))
    kiosk.expect("profile")
    from kivy.core.text import Label as CoreLabel

    profile = kiosk.screen("profile")
    assert all(label.font_size == kiosk.app.font_scale * theme.FONT_LABEL for label in profile.field_labels)
    window = kiosk.app.root.get_root_window()
    for chip in profile.chips:
        x, y = chip.to_window(chip.x, chip.y)
        assert x >= 0 and y >= 0 and x + chip.width <= window.width + 0.5, chip.text
        longest = max(chip.text.split(), key=len)  # chips may wrap between words, never inside one
        assert CoreLabel(font_size=chip.font_size, bold=chip.bold).get_extents(longest)[0] <= chip.width, chip.text
