"""The translators' tool for the gettext catalogs (kiosk/locale/<lang>/LC_MESSAGES/skm.po), built on Babel.

    python scripts/i18n.py update        extract every string from the code into every catalog
    python scripts/i18n.py init LANG     start the catalog of a new language (e.g. jv) from the code
    python scripts/i18n.py compile       .po -> .mo beside it (the install runs this)
    python scripts/i18n.py check         every string of the code translated in every catalog

`make i18n-extract` runs update. Tests import this file for the same extraction and compilation.
"""
from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "kiosk" / "locale"
DOMAIN = "skm"
COMMENT_TAGS = ("TRANSLATORS:",)


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def shipped() -> list[str]:
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def extract(root: Path = ROOT) -> Catalog:
    """Every string the code marks for translation, as a template catalog (no translations)."""
    with (root / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    template = Catalog(project="skm-kiosk", domain=DOMAIN, charset="utf-8", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(root), method_map, options_map, comment_tags=COMMENT_TAGS, strip_comment_tags=True):
        template.add(message, None, [(filename, None)], auto_comments=comments, context=context)
    return template


def read(locale: str) -> Catalog:
    with po_path(locale).open("rb") as source:
        return read_po(source, locale=locale, domain=DOMAIN)


def write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        # No line numbers: a translator's diff should show changed strings, not moved code.
        write_po(out, catalog, width=100, sort_output=True, include_lineno=False, ignore_obsolete=True)


def update() -> None:
    template = extract()
    for locale in shipped():
        catalog = read(locale)
        catalog.update(template)
        write(catalog, po_path(locale))
        print(f"{shown(po_path(locale))}: {len(catalog)} messages, {len(untranslated(catalog))} to translate")


def init(locale: str) -> None:
    if po_path(locale).exists():
        raise SystemExit(f"{shown(po_path(locale))} exists already; run `update` instead")
    catalog = Catalog(locale=locale, project="skm-kiosk", version="", domain=DOMAIN, charset="utf-8",
                      copyright_holder="the skm-kiosk authors", creation_date=datetime.now(timezone.utc),
                      last_translator="", language_team="", fuzzy=False)
    catalog.update(extract())
    write(catalog, po_path(locale))
    print(f"{shown(po_path(locale))}: {len(catalog)} messages to translate")


def untranslated(catalog: Catalog) -> list[str]:
    """The msgids with no translation, or only a fuzzy guess (which the compiled catalog leaves out)."""
    return [str(m.id) for m in catalog if m.id and (not m.string or m.fuzzy)]


def compile_catalogs(out_dir: Path | None = None) -> list[Path]:
    """Each .po compiled to skm.mo, beside it or under out_dir/<lang>/LC_MESSAGES/."""
    written = []
    for locale in shipped():
        catalog = read(locale)
        errors = [f"{m.id!r}: {e}" for m, problems in catalog.check() for e in problems]
        if errors:
            raise SystemExit(f"{shown(po_path(locale))}: " + "; ".join(errors))
        target = (out_dir / locale / "LC_MESSAGES" if out_dir else po_path(locale).parent) / f"{DOMAIN}.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            write_mo(out, catalog)
        written.append(target)
    return written


def check() -> int:
    code = {(str(m.id), m.context) for m in extract() if m.id}
    status = 0
    for locale in shipped():
        catalog = read(locale)
        have = {(str(m.id), m.context) for m in catalog if m.id}
        for label, ids in (("not in the catalog", code - have), ("no longer in the code", have - code),
                           ("untranslated or fuzzy", set(untranslated(catalog)))):
            if ids:
                status = 1
                print(f"{locale}: {len(ids)} {label}: " + ", ".join(sorted(map(str, ids))[:5]))
    return status


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "update" and len(argv) == 1:
        update()
    elif command == "init" and len(argv) == 2:
        init(argv[1])
    elif command == "compile" and len(argv) == 1:
        for path in compile_catalogs():
            print(shown(path))
    elif command == "check" and len(argv) == 1:
        return check()
    else:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
