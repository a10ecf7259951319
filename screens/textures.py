"""Rendered text kept as textures: a label that shows a text again reuses its texture instead of drawing it anew.

Kivy renders a label's text into the label's one texture, overwriting it each time the
text changes. On a software renderer (and on tablets' tiled GPUs) overwriting a texture
that the last frame still reads makes the upload wait until that frame is drawn: about
25 ms per label here, seven labels per question. A kiosk shows the same few dozen texts
all day, so each text is rendered once into a texture of its own and kept; moving to the
next question only points the labels at other textures. The cache is bounded, so texts
seen once (another office's config, another language) cannot make it grow without end.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

from kivy.core.text import Label as CoreLabel
from kivy.uix.label import Label

# The question screen's texts in two languages at 1280x800 take about 10 MB of texture; layout
# passes render a few more at passing sizes, which are dropped first.
BUDGET_BYTES = 16 * 1024 * 1024
_SKIP = frozenset({"text", "font_name_r", "padding_x", "padding_y"})  # the text is keyed apart; the rest derived


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


class KeptCore(CoreLabel):
    """A core label that lets go of its drawing surface once the pixels are in the texture."""

    def _render_end(self):
        data = super()._render_end()
        self._surface = None  # a copy of the texture's pixels: kept, it would double the cache's memory
        return data


class KeptLabel(Label):
    """A Label whose rendered texts are kept in CACHE and reused (plain text only; markup renders as usual).

    For labels whose text changes among a known few (the question screen's); a label showing ever new
    texts would only churn the cache.
    """

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
            return super().texture_update(*largs)
        key = key_of(core.text, core)
        kept = CACHE.get(key)
        if kept is None:
            super().texture_update(*largs)
            if self.texture is not None and self.texture is core.texture:
                CACHE.put(key, core)
                # The next text is rendered by a core label (and into a texture) of its own, never over this one.
                self._label = None
                self._create_label()
            return
        self.texture = kept.texture
        self.texture_size = list(kept.texture.size)
        self.is_shortened = kept.is_shortened

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
