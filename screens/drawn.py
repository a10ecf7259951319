"""Shapes drawn once into textures at twice their size, kept by what they look like, the least recently shown dropped first.

On a software renderer with the window's anti-aliasing, a shape costs by its triangles more
than by its pixels: a 40 px disc (a fan of 180 triangles) costs about ten 40 px rectangles,
and the question screen redraws every shape in every frame. Drawn once into a texture at
twice the size and shown with linear filtering (each screen pixel the average of four drawn
ones), a shape costs one rectangle (or nine, stretched as a BorderImage) and its edges stay
smooth without the window's multisampling.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Callable, Hashable

from kivy.graphics import ClearBuffers, ClearColor, Fbo

SUPERSAMPLE = 2


class Drawn:
    """Textures by key, each drawn by `draw(key, size)` into an Fbo of `size(key)` 1x pixels (times SUPERSAMPLE).

    Each keeps its Fbo: Kivy redraws an Fbo's instructions when the GL context is lost (Android)."""

    def __init__(self, draw: Callable[[Hashable, float], None], size: Callable[[Hashable], tuple[int, int]],
                 edge: Callable[[Hashable], tuple], kept: int):
        self._draw, self._size, self._edge = draw, size, edge
        self.kept = kept
        self._fbos: OrderedDict[Hashable, Fbo] = OrderedDict()
        self.drawn = 0

    def __len__(self) -> int:
        return len(self._fbos)

    def texture(self, key: Hashable):
        fbo = self._fbos.get(key)
        if fbo is None:
            fbo = self._fbos[key] = self._render(key)
            while len(self._fbos) > self.kept:
                self._fbos.popitem(last=False)
        self._fbos.move_to_end(key)
        return fbo.texture

    def _render(self, key: Hashable) -> Fbo:
        width, height = self._size(key)
        fbo = Fbo(size=(width * SUPERSAMPLE, height * SUPERSAMPLE), with_stencilbuffer=False)
        with fbo:
            # Transparent in the colour of the shape's edge: filtering blends its rim with that colour, never black.
            ClearColor(*self._edge(key))
            ClearBuffers()
            self._draw(key, SUPERSAMPLE)
        fbo.draw()
        fbo.texture.mag_filter = fbo.texture.min_filter = "linear"
        self.drawn += 1
        return fbo

    def clear(self) -> None:
        self._fbos.clear()


def texture_point(tex_coords, fx: float, fy: float) -> tuple[float, float]:
    """The texture coordinates of the point `fx` across and `fy` up a texture as drawn, from its tex_coords
    (bottom left, bottom right, top right, top left): right for textures flipped as Kivy's text textures are, or not."""
    u0, v0, u1, v1, u2, v2, u3, v3 = tex_coords
    bottom_u, bottom_v = u0 + (u1 - u0) * fx, v0 + (v1 - v0) * fx
    top_u, top_v = u3 + (u2 - u3) * fx, v3 + (v2 - v3) * fx
    return bottom_u + (top_u - bottom_u) * fy, bottom_v + (top_v - bottom_v) * fy
