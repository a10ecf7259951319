"""The collector's HTML templates, one Jinja environment per language with that language's gettext catalog."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import HTTPException
from fastapi.responses import PlainTextResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from collector import records
from kiosk.i18n import N_, language_name, translations
from kiosk.questionnaire import LOCALES


# Why the counting rule (kiosk/counting.py) left complete responses out, in words an office admin reads.
LEFT_OUT = {
    "voided": N_("voided by an admin"),
    "simulated": N_("simulated (demo or test answers)"),
    "fast": N_("too fast to have read the questions"),
    "suspect-rate": N_("held: too many answers from one device in a short time"),
}


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
    env.filters["num"] = lambda value, places=2: _number(value, places, locale)
    env.globals["left_out_because"] = lambda reason: translations(locale).gettext(LEFT_OUT[reason]) \
        if reason in LEFT_OUT else reason
    return env


def _number(value, places: int, locale: str) -> str:
    """{{ x|num(2) }}: 1.234,56 on an Indonesian page, 1,234.56 on an English one (as /p/ and the report)."""
    from collector.publication import number

    return number(value, places, locale)


def asked_period(request, office, now) -> str:
    """The period label of ?period= ("2026", "2026-S2", "2026-Q3"), else the office's current local year;
    a label that is not one is a 400."""
    from collector import followup, publication
    from kiosk.errors import UserError

    period = request.query_params.get("period") or str(publication.local_today(office, now).year)
    try:
        followup.period_dates(period)
    except UserError as exc:
        raise HTTPException(400, str(exc)) from None
    return period


def back_to(request, path: str, period: str, problem: str | None = None):
    """After a form: 303 back to a period page in the page's language, with the problem to show, if any."""
    from urllib.parse import quote

    from fastapi.responses import RedirectResponse

    return RedirectResponse(f"{path}?lang={page_locale(request)}&period={period}"
                            + (f"&problem={quote(problem)}" if problem else ""), status_code=303)


def page_locale(request) -> str:
    """The page's language from ?lang=, Bahasa Indonesia unless a shipped language is asked for."""
    lang = request.query_params.get("lang", "id")
    return lang if lang in LOCALES else "id"


def _not_allowed(admin, office_id: str, verb: str) -> str:
    return f"admin {admin.name!r} may not {verb} office {office_id!r}"


def refusal(admin, office_id: str | None, verb: str = "read") -> PlainTextResponse | None:
    """The plain-text 403 of a page about `office_id` that this admin may not read (None when it may, or when
    the page is about no one office); the caller returns it as the page."""
    if office_id is None or admin.may_read(office_id):
        return None
    return PlainTextResponse(_not_allowed(admin, office_id, verb), status_code=403)


def readable_office(engine, office_id: str, admin):
    """The office an admin page is about: 403 when this admin may not read it, 404 when there is none."""
    if not admin.may_read(office_id):
        raise HTTPException(403, _not_allowed(admin, office_id, "read"))
    office = records.get_office(engine, office_id)
    if office is None:
        raise HTTPException(404, f"there is no office {office_id!r}")
    return office
