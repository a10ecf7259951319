"""The kiosk's colours and sizes (no Kivy here), with every text/background pair listed for the contrast test."""
from __future__ import annotations


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

# Every (text, background) pair the screens use; tests/test_contrast.py checks each for WCAG AA.
TEXT_PAIRS: dict[str, tuple[str, str]] = {
    "body on page": (INK, PAGE),
    "secondary on page": (INK_SOFT, PAGE),
    "body on card": (INK, CARD),
    "secondary on card": (INK_SOFT, CARD),
    "office bar": (ON_BRAND, BRAND),
    "selected chip": (ON_BRAND, BRAND),
    "action button": (ON_ACTION, ACTION),
    "quiet button": (ON_QUIET, QUIET),
    "error on page": (ALERT, PAGE),
    "error on card": (ALERT, CARD),
    "alert banner": (ON_ALERT, ALERT),
    "staff bar": (ON_BRAND, STAFF_BAR),
    "disabled button": (ON_DISABLED, DISABLED),
}

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
