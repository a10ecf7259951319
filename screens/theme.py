"""The kiosk's colours and sizes (no Kivy here), with every text/background pair listed for the contrast test."""
from __future__ import annotations

from dataclasses import dataclass


def rgba(hex_colour: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    h = hex_colour.lstrip("#")
    return (int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255, alpha)


# Named colours (hex so that a designer can read them).
PAGE = "#F3F5F8"          # screen background
CARD = "#FFFFFF"          # tiles, chips, faces' cards
INK = "#1B1F24"           # body text
INK_SOFT = "#444C58"      # secondary text (progress, hints)
BRAND = "#0B3D91"         # office bar; selected chips
ON_BRAND = "#FFFFFF"
ACTION = "#0A6B3A"        # the one big "go" button per screen
ON_ACTION = "#FFFFFF"
QUIET = "#DCE2EA"         # back / skip buttons
ON_QUIET = "#1B1F24"
ALERT = "#A31D14"         # errors, warnings
ON_ALERT = "#FFFFFF"
OUTLINE = "#5B6573"       # card borders
SELECTED_RING = "#0B3D91"
STAFF_BAR = "#3A3F47"     # staff screens use a grey bar so staff mode is never mistaken for the survey
DISABLED = "#C5CBD3"
ON_DISABLED = "#1B1F24"

# The four faces, worst to best: colour is never the only signal (shape and words too).
FACE_COLOURS = ("#D93025", "#F28B22", "#9CCC4A", "#1E8E3E")
FACE_INK = "#1B1F24"



@dataclass(frozen=True)
class Palette:
    """The colours of the citizen screens; the .kv files read them from `app.palette`, so one switch recolours all."""

    PAGE: str
    CARD: str
    INK: str
    INK_SOFT: str
    BRAND: str
    ON_BRAND: str
    ACTION: str
    ON_ACTION: str
    QUIET: str
    ON_QUIET: str
    ALERT: str
    ON_ALERT: str
    OUTLINE: str
    SELECTED_RING: str
    DISABLED: str
    ON_DISABLED: str


STANDARD = Palette(PAGE=PAGE, CARD=CARD, INK=INK, INK_SOFT=INK_SOFT, BRAND=BRAND, ON_BRAND=ON_BRAND, ACTION=ACTION,
                   ON_ACTION=ON_ACTION, QUIET=QUIET, ON_QUIET=ON_QUIET, ALERT=ALERT, ON_ALERT=ON_ALERT,
                   OUTLINE=OUTLINE, SELECTED_RING=SELECTED_RING, DISABLED=DISABLED, ON_DISABLED=ON_DISABLED)
# Large text's colours for a respondent who sees poorly: black on white, darker fills, black outlines;
# every text pair reaches WCAG AAA (7:1), not only AA (tests/test_contrast.py).
HIGH_CONTRAST = Palette(PAGE="#FFFFFF", CARD="#FFFFFF", INK="#000000", INK_SOFT="#1B1F24", BRAND="#00205B",
                        ON_BRAND="#FFFFFF", ACTION="#004A1F", ON_ACTION="#FFFFFF", QUIET="#E1E5EB", ON_QUIET="#000000",
                        ALERT="#7A0D07", ON_ALERT="#FFFFFF", OUTLINE="#000000", SELECTED_RING="#00205B",
                        DISABLED="#C5CBD3", ON_DISABLED="#000000")
LARGE_TEXT = 1.3  # how much larger the citizen screens' text is with large text on


def text_pairs(palette: Palette) -> dict[str, tuple[str, str]]:
    """Every (text, background) pair the citizen screens use; tests/test_contrast.py checks each."""
    p = palette
    return {
        "body on page": (p.INK, p.PAGE),
        "secondary on page": (p.INK_SOFT, p.PAGE),
        "body on card": (p.INK, p.CARD),
        "secondary on card": (p.INK_SOFT, p.CARD),
        "office bar": (p.ON_BRAND, p.BRAND),
        "selected chip": (p.ON_BRAND, p.BRAND),
        "action button": (p.ON_ACTION, p.ACTION),
        "quiet button": (p.ON_QUIET, p.QUIET),
        "error on page": (p.ALERT, p.PAGE),
        "error on card": (p.ALERT, p.CARD),
        "alert banner": (p.ON_ALERT, p.ALERT),
        "disabled button": (p.ON_DISABLED, p.DISABLED),
    }


def outline_pairs(palette: Palette) -> dict[str, tuple[str, str]]:
    """Edges that show where a button is (WCAG 1.4.11 asks 3:1 of them)."""
    p = palette
    return {"card outline on page": (p.OUTLINE, p.PAGE), "card outline on card": (p.OUTLINE, p.CARD),
            "selected ring on card": (p.SELECTED_RING, p.CARD), "speaker outline on bar": (p.ON_BRAND, p.BRAND)}


# The staff screens keep the standard colours; the staff bar is theirs alone.
TEXT_PAIRS: dict[str, tuple[str, str]] = {**text_pairs(STANDARD), "staff bar": (ON_BRAND, STAFF_BAR)}

# Sizes in pixels of a 1280x800 reference screen; the app scales them to the real window.
REFERENCE_HEIGHT = 800
TOUCH_MIN_MM = 15        # smallest touch target, physical
FONT_TITLE = 46
FONT_QUESTION = 40
FONT_BODY = 32
FONT_BUTTON = 34
FONT_LABEL = 28
FONT_SMALL = 24
BAR_HEIGHT = 88
RADIUS = 18
