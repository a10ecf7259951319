"""The public pages: GET /p/{office_id} (published results, printable A4) and GET /tv/{office_id} (Mode TV).

No login and no script: they are read on phones, notice boards and the waiting-room screen. Both
are refused (404) for an office that turned publication off, and carry no personal data: of the
respondents' comments only those an admin approved for publication (collector/suggestions.py), text only.
"""
from __future__ import annotations

import datetime as dt
import os
from typing import Any, Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from sqlalchemy.engine import Engine

from collector import followup, pages, publication, shortlinks, suggestions, tv
from kiosk import qr
from kiosk.errors import UserError
from kiosk.i18n import translations

TV_REFRESH_S = 60
PUBLIC_URL_ENV = "KIOSK_PUBLIC_URL"  # also the links in alerts (collector/delivery.py)
# The latest approved suggestions each page shows: few and cut short, the public page prints on one A4 sheet.
PUBLIC_SUGGESTIONS, TV_SUGGESTIONS = 3, 3


def router(engine: Engine, clock: Callable[[], dt.datetime]) -> APIRouter:
    routes = APIRouter(include_in_schema=False)

    def locale_of(request: Request) -> str:
        return pages.page_locale(request)

    def load(office_id: str, request: Request) -> publication.Published | PlainTextResponse:
        try:
            period = publication.check_period(request.query_params.get("period"))
        except UserError as exc:
            return PlainTextResponse(str(exc), status_code=400)
        shown = publication.published(engine, office_id, now=clock(), period=period)
        if shown is None:
            return PlainTextResponse(f"office {office_id!r} publishes no results here", status_code=404)
        return shown

    def render(name: str, locale: str, shown: publication.Published, **context: Any) -> str:
        gettext = translations(locale).gettext
        questionnaire = shown.office.questionnaire()
        return pages.environment(locale).get_template(name).render(
            locale=locale, other="en" if locale == "id" else "id", office=shown.office, report=shown.report,
            shown=shown, period_name=publication.period_name(shown.period, locale, gettext),
            previous_name=publication.period_name(shown.previous_period, locale, gettext) if shown.previous_period
            else "-",
            unsur_name=lambda code: questionnaire.unsur(code).name(locale),
            service_names={s.id: s.name(locale) for s in shown.office.services},
            # Indonesian readers get the regulation's own words; other languages a translation.
            kinerja_label=lambda word: (word if locale == "id" else gettext(publication.KINERJA_LABELS[word]))
            if word else None, statuses=followup.STATUS_LABELS,
            n=lambda value, places=2: publication.number(value, places, locale), **context)

    @routes.get("/p/{office_id}", response_class=HTMLResponse)
    def public_page(office_id: str, request: Request) -> Any:
        shown = load(office_id, request)
        if isinstance(shown, PlainTextResponse):
            return shown
        approved = suggestions.published(engine, shown.office.id, *shown.dates, limit=PUBLIC_SUGGESTIONS)
        return HTMLResponse(render("public.html", locale_of(request), shown, approved=approved))

    @routes.get("/tv/{office_id}", response_class=HTMLResponse)
    def tv_page(office_id: str, request: Request) -> Any:
        shown = load(office_id, request)
        if isinstance(shown, PlainTextResponse):
            return shown
        locale = locale_of(request)
        today = publication.local_today(shown.office, clock())
        services = sorted((s for s in shown.report.get("services", []) if s.get("ikm_converted") is not None),
                          key=lambda s: (-s["ikm_converted"], s["service_id"] or ""))
        html = render("tv.html", locale, shown, gauge=tv.gauge_svg(shown.report.get("ikm_converted"),
                                                                    shown.report.get("mutu")),
                      services=services, refresh=TV_REFRESH_S, today=today, scan=_scan(engine, shown.office.id),
                      approved=suggestions.published(engine, shown.office.id, *shown.dates, limit=TV_SUGGESTIONS))
        # A Refresh header as well as the meta tag: the screen reloads itself, no script needed.
        return HTMLResponse(html, headers={"Refresh": str(TV_REFRESH_S), "Cache-Control": "no-store"})

    return routes


def _scan(engine: Engine, office_id: str) -> dict[str, Any] | None:
    """The office's survey as a QR code and a short address for Mode TV, when the collector knows the address
    people reach it at (`kiosk serve --public-url`); the QR code carries the short address, whose few modules
    a phone camera reads from across the waiting room."""
    base = os.environ.get(PUBLIC_URL_ENV, "").strip().rstrip("/")
    if not base.startswith(("https://", "http://")):
        return None
    code = shortlinks.code_for(engine, office_id)
    return {"svg": tv.qr_svg(f"{base}/s/{code}"), "typed": qr.typed_address(base, code)}
