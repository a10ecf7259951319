"""What each frame draws, kept small for a software renderer: faces from kept textures, one screen at a time,
no page fill over the window's clear colour."""
from __future__ import annotations

from screens import theme
from screens.finger import SyntheticTouch


def face(kiosk, value):
    return next(b for b in kiosk.widget("question", "answers").children if b.value == value)


def pixel(kiosk, x, y) -> tuple[int, int, int]:
    """The colour at window pixel (x, y) in the next drawn frame."""
    from kivy.graphics.opengl import GL_RGBA, GL_UNSIGNED_BYTE, glReadPixels

    window = kiosk.app.root.get_root_window()
    seen: list[bytes] = []

    def read(*_):
        seen.append(glReadPixels(int(x), int(y), 1, 1, GL_RGBA, GL_UNSIGNED_BYTE))

    window.bind(on_flip=read)
    window.canvas.ask_update()
    try:
        kiosk.finger.pump(1)
    finally:
        window.unbind(on_flip=read)
    return tuple(seen[0][:3])


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(round(c * 255) for c in theme.rgba(hex_colour)[:3])


def rgb_float(hex_colour: str) -> tuple[float, float, float, float]:
    return theme.rgba(hex_colour)


def close(a, b, within: int = 3) -> bool:
    return all(abs(x - y) <= within for x, y in zip(a, b))


def test_faces_and_boxes_are_drawn_once_and_shown_from_their_textures(launch_kiosk, demo_config):
    from screens.boxes import BOXES
    from screens.faces import FACES

    FACES.clear(), BOXES.clear()
    kiosk = launch_kiosk(demo_config.with_kiosk(service="kk", ask_profile=False, ask_comment=False))
    for survey in range(2):
        kiosk.tap("welcome", "start")
        kiosk.expect("question")
        if survey == 1:
            drawn, boxes = FACES.drawn, BOXES.drawn
            assert drawn >= 4, "the four faces were drawn into textures"
        for value in (4, 3, 2, 1, 4, 3, 2, 1, 4):
            kiosk.finger.tap(face(kiosk, value))
        kiosk.expect("thanks")
        kiosk.clock.advance(kiosk.app.office_config.kiosk.thank_you_s)
        kiosk.expect("welcome")
    assert FACES.drawn == drawn, "a face was drawn again in the second survey"
    assert BOXES.drawn == boxes, "a card or button was drawn again in the second survey (pressed looks included)"
    kiosk.tap("welcome", "start")
    kiosk.expect("question")
    from kivy.graphics import BorderImage, Ellipse, Line, Mesh, Rectangle, RoundedRectangle

    def flat(group):  # the instructions of a canvas part, groups opened (the box's; a hidden widget's fence)
        return [j for i in group.children for j in (flat(i) if type(i).__name__ == "InstructionGroup" else [i])]

    for button in (face(kiosk, 1), kiosk.widget("question", "back")):
        drawn = flat(button.canvas.before) + button.canvas.children + button.canvas.after.children
        assert not [i for i in drawn if isinstance(i, (RoundedRectangle, Line))], "shapes drawn in every frame"
        # The box: one BorderImage, or (a card whose face covers a hole in it) one Mesh and the BorderImage empty.
        shapes = [i for i in drawn if isinstance(i, (BorderImage, Mesh)) and (i.indices if isinstance(i, Mesh)
                                                                               else i.size[0] > 0)]
        assert shapes == [button._holed if button.box_hole else button._box], "the box, one shape"
    for value in (1, 2, 3, 4):
        shown = face(kiosk, value).children[-1]  # the FaceButton's Face, above its label
        drawn = shown.canvas.children
        assert not [i for i in drawn if isinstance(i, (Ellipse, Line))], "shapes drawn in every frame"
        ground = tuple(round(c, 4) for c in rgb_float(kiosk.app.palette.CARD))
        assert [i.texture for i in drawn if isinstance(i, Rectangle)] == [
            FACES.texture((value, int(min(shown.size)), ground))]
        # Left of the eyes, above the mouth: the face's own colour, and its dark rim at the edge.
        x, y = shown.to_window(shown.center_x - min(shown.size) * 0.3, shown.center_y)
        assert close(pixel(kiosk, x, y), rgb(theme.FACE_COLOURS[value - 1])), f"face {value}'s colour"
        x, y = shown.to_window(shown.center_x - min(shown.size) * 0.49, shown.center_y)
        assert close(pixel(kiosk, x, y), rgb(theme.FACE_INK), within=40), f"face {value}'s rim"


def test_the_frame_after_a_tap_draws_the_new_screen_alone(launch_kiosk, demo_config):
    kiosk = launch_kiosk(demo_config.with_kiosk(service="kk"))
    welcome = kiosk.widget("welcome", "start")
    kiosk.clock.advance(2)
    finger = SyntheticTouch(*welcome.to_window(*welcome.center))
    finger.touch_down()
    kiosk.finger.pump(1)
    finger.touch_up()
    # Before any frame: the question screen is in, the welcome screen already out (Kivy's NoTransition
    # would keep it under the new one for a frame, showing through where no screen paints a page).
    manager = kiosk.app.manager
    assert [screen.name for screen in manager.children] == ["question"]
    # Where the question screen draws nothing, the window's clear colour is the page.
    kiosk.finger.pump(1)
    bar = kiosk.widget("question", "bar")
    assert close(pixel(kiosk, 4, bar.y - 6), rgb(kiosk.app.palette.PAGE))


def test_no_screen_paints_a_page_of_its_own(launch_kiosk, demo_config):
    from kivy.graphics import Rectangle, RoundedRectangle

    kiosk = launch_kiosk(demo_config)
    # Screens are built one per frame after the first (screens/lazy.py): check every one of them.
    kiosk.finger.wait_for(lambda: not kiosk.app.manager.pending, what="every screen built")
    assert len(kiosk.app.manager.screens) == 9
    for screen in kiosk.app.manager.screens:
        # A screen's own canvas draws nothing; its widgets draw what is on the page.
        own = screen.canvas.before.children + screen.canvas.children + screen.canvas.after.children
        fills = [i for i in own if isinstance(i, (Rectangle, RoundedRectangle))]
        assert not fills, f"screen {screen.name!r} paints a page of its own"


def hidden_widgets(kiosk):
    """Every widget of every screen that is at opacity 0 now."""
    for screen in kiosk.app.manager.screens:
        yield from (w for w in screen.walk() if w.opacity == 0)


def test_hidden_widgets_are_drawn_into_no_pixels(launch_kiosk, demo_config):
    # The demo office has no logo, this kiosk one language and no read-aloud clips: logo, language chips
    # and speaker are hidden; back and skip too on the first question.
    kiosk = launch_kiosk(demo_config.with_kiosk(service="kk", locales=("id",)))
    kiosk.finger.wait_for(lambda: not kiosk.app.manager.pending, what="every screen built")
    kiosk.tap("welcome", "start")
    kiosk.expect("question")
    kiosk.finger.pump(1)
    hidden = list(hidden_widgets(kiosk))
    names = {type(w).__name__ for w in hidden}
    assert {"Logo", "HideableRow", "SpeakerButton", "KioskButton"} <= names, names
    assert [w for w in hidden if not getattr(w, "fenced", False)] == [], "a hidden widget is drawn"
    for widget in hidden:
        scissor = widget.canvas.before.children[0].children[0]
        assert (scissor.width, scissor.height) == (0, 0) and widget.canvas.before.indexof(
            widget.canvas.before.children[0]) == 0, "the fence comes before the widget's box and everything else"
    kiosk.finger.tap(face(kiosk, 3))
    kiosk.finger.pump(1)
    back = kiosk.widget("question", "back")
    assert back.opacity == 1 and not back.fenced, "shown again, drawn again"
    x, y = back.to_window(back.x + back.width * 0.1, back.center_y)
    assert close(pixel(kiosk, x, y), rgb(kiosk.app.palette.QUIET)), "the back button's box is on screen"
    assert [w for w in hidden_widgets(kiosk) if not getattr(w, "fenced", False)] == []


def opaque_box(texture) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the pixels with any alpha in `texture` as shown, from its top left."""
    width, height = texture.size
    pixels = texture.pixels  # as shown, bottom row first
    rows = [r for r in range(height) if any(pixels[(r * width + c) * 4 + 3] for c in range(width))]
    columns = [c for c in range(width) if any(pixels[(r * width + c) * 4 + 3] for r in rows)]
    return min(columns), height - 1 - max(rows), max(columns) + 1, height - min(rows)


def test_labels_draw_only_the_part_of_their_texture_with_text(launch_kiosk, demo_config):
    from screens.textures import INK_MARGIN, KeptLabel

    kiosk = launch_kiosk(demo_config.with_kiosk(service="kk"))
    kiosk.tap("welcome", "start")
    kiosk.expect("question")
    kiosk.finger.pump(1)
    screen = kiosk.screen("question")
    labels = [w for w in screen.walk() if isinstance(w, KeptLabel) and w.text and w.opacity == 1]
    assert {screen.ids.question, screen.ids.bar.ids.progress} <= set(labels)
    cut = 0
    for label in labels:
        left, top, right, bottom = label.ink
        ink_left, ink_top, ink_right, ink_bottom = opaque_box(label.texture)
        assert left <= ink_left and top <= ink_top and right >= ink_right and bottom >= ink_bottom, \
            f"{label.text!r}: text cut off"
        # Glyphs sit a pixel or two inside their advance widths.
        assert right - left <= ink_right - ink_left + 2 * INK_MARGIN + 4, f"{label.text!r}: wider than its text"
        # A line is as tall as the font's ascent and descent, more than the ink of letters without descenders.
        assert bottom - top <= ink_bottom - ink_top + 2 * INK_MARGIN + label.font_size * 0.5, \
            f"{label.text!r}: taller than its lines"
        # Drawn where Kivy's Label would draw the whole texture, shifted to the text: the same pixels.
        width, height = label.texture_size
        assert tuple(label._shown.pos) == (int(label.center_x - width / 2) + left,
                                           int(label.center_y - height / 2) + height - bottom)
        assert tuple(label._shown.size) == (right - left, bottom - top)
        cut += (width * height) - (right - left) * (bottom - top)
    assert cut > 20000, f"only {cut} transparent pixels left undrawn"


def test_a_card_leaves_out_the_square_its_face_covers(launch_kiosk, demo_config):
    kiosk = launch_kiosk(demo_config.with_kiosk(service="kk"))
    for large in (False, True):  # both palettes, both face sizes
        if large:
            kiosk.tap("welcome", "large_text")
        kiosk.tap("welcome", "start")
        kiosk.expect("question")
        kiosk.finger.pump(1)
        for value in (1, 2, 3, 4):
            card = face(kiosk, value)
            picture = card.ids.face
            x, y, d, _ = picture.covers
            assert card.box_hole == [x, y, d, d] and d == int(min(picture.size)) > 0
            # The mesh's triangles cover the box less the face's square, and nothing inside the square.
            vertices, indices = card._holed.vertices, card._holed.indices
            corners = [(vertices[4 * i], vertices[4 * i + 1]) for i in indices]
            triangles = [corners[k:k + 3] for k in range(0, len(corners), 3)]
            area = sum(abs((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])) / 2 for a, b, c in triangles)
            xs, ys = vertices[0::4], vertices[1::4]
            # The box reaches a few pixels past the card for its outline's overhang (screens/boxes.py).
            assert min(xs) <= card.x and max(xs) >= card.right and min(ys) <= card.y and max(ys) >= card.top
            assert max(xs) - min(xs) - card.width < 8 and max(ys) - min(ys) - card.height < 8
            box_width, box_height = max(xs) - min(xs), max(ys) - min(ys)
            assert abs(area - (box_width * box_height - d * d)) < 1, "the box less the face's square"
            for a, b, c in triangles:
                cx, cy = (a[0] + b[0] + c[0]) / 3, (a[1] + b[1] + c[1]) / 3
                assert not (x < cx < x + d and y < cy < y + d), "a triangle under the face"
            # The square's corner, outside the disc, shows the card's colour: drawn into the face's texture.
            assert close(pixel(kiosk, *picture.to_window(x + 2, y + 2)), rgb(kiosk.app.palette.CARD))
            # And the card beside the face, drawn by the mesh.
            assert close(pixel(kiosk, *picture.to_window(x - 3, y + d / 2)), rgb(kiosk.app.palette.CARD))
        kiosk.clock.advance(kiosk.app.office_config.kiosk.idle_timeout_s + 1)  # back to the welcome screen
        kiosk.expect("welcome")


def test_profile_chips_keep_their_texts_and_draw_only_them(launch_kiosk, demo_config):
    from screens.textures import CACHE

    kiosk = launch_kiosk(demo_config.with_kiosk(service="kk", ask_profile=True))
    kiosk.tap("welcome", "start")
    kiosk.expect("question")
    for _ in range(9):
        kiosk.finger.tap(face(kiosk, 4))
    kiosk.expect("profile")
    chip = kiosk.screen("profile").chips[0]
    kiosk.finger.tap(chip)  # chosen: bold, another text texture
    kiosk.finger.tap(chip)  # plain again
    misses = CACHE.misses
    kiosk.finger.tap(chip)
    kiosk.finger.pump(1)
    assert chip.selected and CACHE.misses == misses, "the chosen look's text was rendered again"
    assert 0 < chip._shown.size[0] < chip.texture_size[0] / 2, "the chip draws its whole text texture"


def test_the_office_bar_is_painted_by_a_clear_to_its_edges(launch_kiosk, demo_config):
    from kivy.graphics import ClearBuffers, Rectangle, ScissorPush

    kiosk = launch_kiosk(demo_config.with_kiosk(service="kk"))
    for large in (False, True):  # both palettes
        if large:
            kiosk.tap("welcome", "large_text")
        kiosk.tap("welcome", "start")
        kiosk.expect("question")
        kiosk.finger.pump(1)
        bar = kiosk.widget("question", "bar")
        painted = [i for group in bar.canvas.before.children for i in getattr(group, "children", [group])]
        assert not [i for i in painted if isinstance(i, Rectangle)], "the bar's fill is shaded pixel by pixel"
        scissor = next(i for i in painted if isinstance(i, ScissorPush))
        assert (scissor.x, scissor.y, scissor.width, scissor.height) == (0, 800 - bar.height, 1280, bar.height)
        assert [i for i in painted if isinstance(i, ClearBuffers)]
        brand, page = rgb(kiosk.app.palette.BRAND), rgb(kiosk.app.palette.PAGE)
        for x, y in ((1, bar.y + 1), (bar.right - 2, bar.y + 1), (1, bar.top - 2), (bar.right - 2, bar.top - 2)):
            assert close(pixel(kiosk, x, y), brand), f"the bar's colour at {x}, {y}"
        assert close(pixel(kiosk, bar.center_x, bar.y - 2), page), "the page right under the bar"
        kiosk.clock.advance(kiosk.app.office_config.kiosk.idle_timeout_s + 1)  # back to the welcome screen
        kiosk.expect("welcome")
