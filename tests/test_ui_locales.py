"""Both languages are complete: catalog keys match, every key the screens use exists, every screen renders."""
from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from screens import catalog

SCREENS = Path(catalog.__file__).parent
KEY_USE = re.compile(r"""\bt\(\s*["']([a-z_]+)["'](?:\s+if\s+[^"']+\s+else\s+["']([a-z_]+)["'])?""")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def catalog_texts(locale: str) -> dict[str, str]:
    return {key: catalog.t(key, locale) for key in catalog.MESSAGES}


def test_both_languages_have_every_key():
    indonesian, english = catalog_texts("id"), catalog_texts("en")
    for key, source in catalog.MESSAGES.items():
        assert indonesian[key].strip() and english[key].strip(), key
        assert placeholders(indonesian[key]) == placeholders(english[key]) == placeholders(source), key
    # Bahasa Indonesia is its own catalog, not the English source shown by default.
    assert indonesian["start"] == "Mulai survei" and english["start"] == "Start the survey"


def test_every_key_used_by_the_screens_exists():
    used = set()
    for path in sorted(SCREENS.glob("*.kv")) + sorted(SCREENS.glob("*.py")):
        for match in KEY_USE.finditer(path.read_text(encoding="utf-8")):
            used.update(k for k in match.groups() if k)
    assert len(used) > 40, "the scan found the keys"
    assert {key for key in used if catalog.MISSING.format(key=key) in (catalog.t(key, "id"), catalog.t(key, "en"))} \
        == set()


def test_no_text_is_hard_coded_in_a_kv_file_or_a_screen():
    literal_kv = re.compile(r"""^\s*(text|hint_text):\s*["'][^"']+["']\s*$""")
    literal_py = re.compile(r"""\b(text|hint_text)\s*=\s*["'][^"']+["']""")
    found = []
    for path in SCREENS.glob("*.kv"):
        found += [f"{path.name}: {line.strip()}" for line in path.read_text().splitlines() if literal_kv.match(line)]
    for path in SCREENS.glob("*.py"):
        if path.name == "catalog.py":
            continue
        found += [f"{path.name}: {m.group(0)}" for m in literal_py.finditer(path.read_text())]
    assert found == []


def test_sync_error_codes_have_words():
    for code in catalog.SYNC_ERROR_CODES:
        assert catalog.sync_error(code, "id") != catalog.sync_error(None, "id")
    assert catalog.sync_error("martian", "en") == catalog.t("error_other", "en")


def visible_texts(widget) -> list[str]:
    from kivy.uix.label import Label
    from kivy.uix.textinput import TextInput

    texts = []
    if getattr(widget, "opacity", 1) == 0:
        return texts
    if isinstance(widget, Label) and widget.text.strip():
        texts.append(widget.text)
    if isinstance(widget, TextInput) and widget.hint_text and not widget.text:
        texts.append(widget.hint_text)
    for child in widget.children:
        texts += visible_texts(child)
    return texts


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_screen_renders_in_both_languages_with_no_missing_string(launch_kiosk, locale):
    from screens import shots

    kiosk = launch_kiosk()
    held = shots.HeldQueue(kiosk.queue)
    kiosk.app.session.queue = held
    other = "en" if locale == "id" else "id"
    # Catalog texts that exist only in the other language: seeing one means a missed translation.
    foreign = set(catalog_texts(other).values()) - set(catalog_texts(locale).values())
    seen: dict[str, list[str]] = {}

    def visit(name: str) -> None:
        screen = kiosk.app.manager.current_screen
        seen[name] = visible_texts(screen)

    shots.walk(kiosk.app, held, kiosk.finger, locale, visit)
    assert set(seen) == set(shots.SHOT_NAMES)
    for name, texts in seen.items():
        assert texts, f"{name} shows no text"
        missing = [t for t in texts if "\u27e6" in t]
        assert missing == [], f"{locale} {name}: {missing}"
        untranslated = [t for t in texts if t in foreign]
        assert untranslated == [], f"{locale} {name}: {untranslated}"
    start = catalog.t("start", locale)
    assert start in seen["welcome"]
