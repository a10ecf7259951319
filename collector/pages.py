"""The collector's HTML templates, one Jinja environment per language with that language's gettext catalog."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from kiosk.i18n import language_name, translations


@lru_cache(maxsize=None)
def environment(locale: str) -> Environment:
    """Templates say {{ _("English source") }}; this environment renders them in `locale`.

    One environment per language (rather than installing a language per request on a shared one)
    because requests of different languages render at the same time on the server's threads.
    """
    env = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                      autoescape=select_autoescape(["html"]), extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.globals["language_name"] = language_name
    return env
