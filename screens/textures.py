"""Rendered text kept as textures: a label that shows a text again reuses its texture instead of drawing it anew.

Kivy renders a label's text into the label's one texture, overwriting it each time the
text changes. On a software renderer (and on tablets' tiled GPUs) overwriting a texture
that the last frame still reads makes the upload wait until that frame is drawn: about
25 ms per label here, seven labels per question. A kiosk shows the same few dozen texts
all day, so each text is rendered once into a texture of its own and kept; moving to the
next question only points the labels at other textures. The cache is bounded, so texts
seen once (another office's config, another language) cannot make it grow without end.

A label's texture is as wide as its text_size (a centred question, a card's answer, the office
name on the bar), mostly transparent pixels that a software renderer still blends one by one.
A kept label draws only the part of its texture that holds the text (its "ink"), at the place
where the whole texture would put it, so the screen looks the same to the pixel.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Rectangle
from kivy.lang import Builder
from kivy.uix.label import Label

from screens.drawn import texture_point
from screens.hiding import Hideable

# The question screen's texts in two languages at 1280x800 take about 10 MB of texture, the profile's
# and services' chips and tiles (plain and chosen) about 5 more, large text a few more; layout passes
# render a few more at passing sizes, which are dropped first.
BUDGET_BYTES = 24 * 1024 * 1024
_SKIP = frozenset({"text", "font_name_r", "padding_x", "padding_y"})  # the text is keyed apart; the rest derived
# Pixels of margin around the laid-out lines: a glyph's ink may reach a little past its advance width.
INK_MARGIN = 2


def _frozen(value: Any) -> Any:
    return tuple(_frozen(v) for v in value) if isinstance(value, (list, tuple)) else value


def key_of(text: str, core: CoreLabel) -> tuple:
    """What decides the pixels of a rendered text: the text and every rendering option (colour included)."""
    options = core.options
    return (text, _frozen(core.usersize), *((k, _frozen(options[k])) for k in sorted(options) if k not in _SKIP))


class TextureCache:
    """Core labels by key, least recently shown dropped first; each keeps its texture and redraws it if GL is lost."""

    def __init__(self, budget_bytes: int = BUDGET_BYTES):
        self.budget_bytes = budget_bytes
        self.bytes = 0
        self._cores: OrderedDict[tuple, CoreLabel] = OrderedDict()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._cores)

    def get(self, key: tuple) -> CoreLabel | None:
        core = self._cores.get(key)
        if core is None:
            self.misses += 1
            return None
        self._cores.move_to_end(key)
        self.hits += 1
        return core

    def put(self, key: tuple, core: CoreLabel) -> None:
        old = self._cores.pop(key, None)
        if old is not None:
            self.bytes -= _bytes(old)
        self._cores[key] = core
        self.bytes += _bytes(core)
        while self.bytes > self.budget_bytes and len(self._cores) > 1:
            _key, dropped = self._cores.popitem(last=False)
            self.bytes -= _bytes(dropped)

    def clear(self) -> None:
        self._cores.clear()
        self.bytes = 0


def _bytes(core: CoreLabel) -> int:
    texture = core.texture
    return texture.width * texture.height * 4 if texture is not None else 0


CACHE = TextureCache()


def ink_box(lines, size: tuple[int, int], margin: int = INK_MARGIN) -> tuple[int, int, int, int] | None:
    """Where rendered lines put their text in a texture of `size`: (left, top, right, bottom) in its pixels,
    counted from the top left as Kivy lays lines out, widened by `margin` within the texture; None if no text."""
    drawn = [line for line in lines if line.words and any(word.text for word in line.words)]
    if not drawn:
        return None
    width, height = size
    return (max(0, min(line.x for line in drawn) - margin), max(0, min(line.y for line in drawn) - margin),
            min(width, max(line.x + line.w for line in drawn) + margin),
            min(height, max(line.y + line.h for line in drawn) + margin))


class KeptCore(CoreLabel):
    """A core label that lets go of its drawing surface once the pixels are in the texture, knowing its ink box."""

    ink: tuple[int, int, int, int] | None = None

    def _render_end(self):
        data = super()._render_end()
        self._surface = None  # a copy of the texture's pixels: kept, it would double the cache's memory
        # The lines are laid out and placed (x, y) by now, in the texture's pixels.
        self.ink = ink_box(self._cached_lines, self._size)
        return data


class KeptLabel(Hideable, Label):
    """A Label whose rendered texts are kept in CACHE and reused (plain text only; markup renders as usual).

    For labels whose text changes among a known few (the question screen's); a label showing ever new
    texts would only churn the cache. It draws its texture's ink box only (the whole texture for markup).
    texture and texture_size stay the whole texture's, so layouts that read them are unchanged.
    """

    ink: tuple[int, int, int, int] | None = None  # of the texture shown, as KeptCore.ink; None: all of it
    _shown: Rectangle | None = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Label's own rule (its canvas Rectangle) is dropped by <-KeptLabel> below; this one replaces it.
        with self.canvas:
            Color(1, 1, 1, 1)
            self._shown = Rectangle(size=(0, 0))
        for name in ("pos", "size", "texture", "texture_size"):
            self.fbind(name, self._place_ink)
        self._place_ink()

    def _place_ink(self, *_) -> None:
        texture, shown = self.texture, self._shown
        if shown is None:  # Kivy sets properties before __init__ has made the rectangle
            return
        if texture is None:
            shown.texture, shown.size = None, (0, 0)
            return
        width, height = self.texture_size
        # Where Kivy's Label rule puts the whole texture: centred, on whole pixels.
        x, y = int(self.center_x - width / 2.0), int(self.center_y - height / 2.0)
        shown.texture = texture
        ink = self.ink if self.ink is not None and tuple(texture.size) == (width, height) else None
        if ink is None:
            shown.pos, shown.size = (x, y), (width, height)
            return
        left, top, right, bottom = ink
        shown.pos, shown.size = (x + left, y + height - bottom), (right - left, bottom - top)
        fx0, fx1 = left / width, right / width
        fy0, fy1 = (height - bottom) / height, (height - top) / height
        corners = texture.tex_coords
        shown.tex_coords = (*texture_point(corners, fx0, fy0), *texture_point(corners, fx1, fy0),
                            *texture_point(corners, fx1, fy1), *texture_point(corners, fx0, fy1))

    def _create_label(self) -> None:
        if self.markup:
            return super()._create_label()
        if self._label.__class__ is KeptCore:
            return
        options = {name: getattr(self, name) for name in self._font_properties}
        options["usersize"] = self.text_size
        if self.disabled:
            options["color"], options["outline_color"] = self.disabled_color, self.disabled_outline_color
        self._label = KeptCore(**options)

    def texture_update(self, *largs) -> None:
        core = self._label
        if core is None or core.__class__ is not KeptCore or not core.text:
            self.ink = None  # markup, or no text: the whole texture as Label draws it
            super().texture_update(*largs)
            self._place_ink()
            return
        key = key_of(core.text, core)
        kept = CACHE.get(key)
        if kept is None:
            super().texture_update(*largs)
            if self.texture is not None and self.texture is core.texture:
                # Kivy renders the text when the texture is first drawn; render it now, which places its lines.
                core.texture.bind()
                CACHE.put(key, core)
                self.ink = core.ink
                self._place_ink()
                # The next text is rendered by a core label (and into a texture) of its own, never over this one.
                self._label = None
                self._create_label()
            return
        self.ink = kept.ink
        self.texture = kept.texture
        self.texture_size = list(kept.texture.size)
        self.is_shortened = kept.is_shortened
        self._place_ink()

    def prepare(self, text: str) -> None:
        """Render `text` as this label would show it, ahead of time, so showing it later costs no rendering."""
        core = self._label
        if core is None or core.__class__ is not KeptCore or not text:
            return
        key = key_of(text, core)
        if key in CACHE._cores:
            return
        twin = KeptCore(**{k: v for k, v in core.options.items() if k not in _SKIP}, text=text)
        twin.usersize = core.usersize
        twin.refresh()
        if twin.texture is not None and twin.texture is not twin.texture_1px:
            twin.texture.bind()  # uploads now, while no frame is being drawn
            CACHE.put(key, twin)


# Kivy's Label rule draws the whole texture; a KeptLabel draws its ink box instead (KeptLabel.__init__).
Builder.load_string("""
<-KeptLabel>:
""")
