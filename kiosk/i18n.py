"""Every user-facing string through gettext: one domain, one catalog per language, Bahasa Indonesia the fallback.

Msgids are the English source strings written in the code; kiosk/locale/<lang>/LC_MESSAGES/skm.po
holds each language (id and en are shipped; a translator adds a regional one, such as jv, by adding
a catalog, see docs/translating.md). The install compiles each .po to the .mo read here; the .mo
files are build output, never committed; an install without them reads the .po files (slower to
start, same texts). Runtime needs only the standard library.
"""
from __future__ import annotations

import ast
import gettext
import logging
from functools import lru_cache
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

DOMAIN = "skm"
LOCALE_DIR = Path(__file__).with_name("locale")
DEFAULT_LOCALE = "id"


def N_(message: str) -> str:
    """Marks a source string for extraction where it is defined; it is translated where it is shown."""
    return message


def catalog_path(locale: str, suffix: str = ".po") -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / (DOMAIN + suffix)


def shipped_locales() -> tuple[str, ...]:
    """The languages with a catalog, Bahasa Indonesia first."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return tuple(sorted(found, key=lambda locale: locale != DEFAULT_LOCALE))


def read_po(po: Path) -> gettext.GNUTranslations:
    """A catalog straight from its .po, for an install that has no compiled .mo (a wheel built from a
    plain checkout) or a stale one; the standard library cannot read .po files, hence this reader of
    the subset Babel writes: msgctxt, msgid, msgstr, continuation lines; fuzzy and obsolete entries left out."""
    catalog: dict[str, str] = {}
    entry: dict[str, str] = {}
    field, fuzzy = "", False

    def finish() -> None:
        if entry.get("msgid") and entry.get("msgstr") and not fuzzy:
            key = entry["msgid"] if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{entry['msgid']}"
            catalog[key] = entry["msgstr"]

    for line in po.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line or (line.startswith("#") and field):
            finish()
            entry, field, fuzzy = {}, "", False
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith('"') and field:
            entry[field] += ast.literal_eval(line)
        elif line.split(" ", 1)[0] in ("msgctxt", "msgid", "msgstr"):
            field, quoted = line.split(" ", 1)
            entry[field] = ast.literal_eval(quoted)
    translations = gettext.GNUTranslations()  # no file: filled in below, as its parser would
    translations._catalog = catalog  # type: ignore[attr-defined]
    translations.plural = lambda n: int(n != 1)  # type: ignore[method-assign]
    return translations


def _load(locale: str) -> gettext.NullTranslations | None:
    po, mo = catalog_path(locale), catalog_path(locale, ".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as compiled:
            return gettext.GNUTranslations(compiled)
    if not po.exists():
        return None
    if mo.exists():
        log.warning("%s is older than its .po; reading the .po (run `make install` to compile)", mo)
    return read_po(po)


@lru_cache(maxsize=None)
def translations(locale: str) -> gettext.NullTranslations:
    """The catalog of `locale`, falling back to Bahasa Indonesia for a msgid it lacks (or an unknown locale)."""
    default = _load(DEFAULT_LOCALE) or gettext.NullTranslations()
    if locale == DEFAULT_LOCALE:
        return default
    chosen = _load(locale)
    if chosen is None:
        return default
    chosen.add_fallback(default)
    return chosen


def translator(locale: str) -> Callable[[str], str]:
    """The gettext function of `locale`: English source string in, the language's text out."""
    return translations(locale).gettext


def language_name(locale: str) -> str:
    """The language's name in itself ("Bahasa Indonesia", "English"), for a language switch.

    Each catalog names its own language under the msgctxt "endonym", so a new catalog brings its
    name with it; the msgid is the English catalog's answer.
    """
    # TRANSLATORS: the name of this catalog's language in that language, as a language button
    # shows it: "Bahasa Indonesia" in id, "Basa Jawa" in jv.
    return translations(locale).pgettext("endonym", "English")
