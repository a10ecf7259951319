"""WCAG: every text/background pair of both kiosk palettes reaches AA (4.5:1); large text's high contrast reaches AAA (7:1)."""
from __future__ import annotations

import pytest

from screens import theme


def relative_luminance(hex_colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b, _ = theme.rgba(hex_colour)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_ratio_formula_on_known_values():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)  # the classic just-fails grey
    assert contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)


@pytest.mark.parametrize("name", sorted(theme.TEXT_PAIRS))
def test_text_pair_meets_wcag_aa(name):
    text, background = theme.TEXT_PAIRS[name]
    assert contrast_ratio(text, background) >= 4.5, f"{name}: {text} on {background}"


@pytest.mark.parametrize("name", sorted(theme.text_pairs(theme.HIGH_CONTRAST)))
def test_high_contrast_text_pair_meets_wcag_aaa(name):
    text, background = theme.text_pairs(theme.HIGH_CONTRAST)[name]
    assert contrast_ratio(text, background) >= 7.0, f"{name}: {text} on {background}"


@pytest.mark.parametrize("palette", ["STANDARD", "HIGH_CONTRAST"])
def test_button_edges_stand_out_in_both_palettes(palette):
    for name, (edge, background) in theme.outline_pairs(getattr(theme, palette)).items():
        assert contrast_ratio(edge, background) >= 3.0, f"{palette} {name}: {edge} on {background}"


def test_high_contrast_raises_every_text_pair():
    standard, high = theme.text_pairs(theme.STANDARD), theme.text_pairs(theme.HIGH_CONTRAST)
    assert standard.keys() == high.keys()
    for name in standard:
        assert contrast_ratio(*high[name]) >= contrast_ratio(*standard[name]), name


def test_face_features_stand_out_from_every_face():
    # Eyes and mouth are drawn in FACE_INK; graphical objects need 3:1 (WCAG 1.4.11).
    for colour in theme.FACE_COLOURS:
        assert contrast_ratio(theme.FACE_INK, colour) >= 3.0, colour
