"""The dashboard's fleet page (/admin/fleet): every kiosk's health word and the counts per office."""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from sqlalchemy.engine import Engine

from collector import fleet, pages, records
from kiosk.i18n import N_
from kiosk.questionnaire import LOCALES

# The health words as shown; the English ones are also the codes of `kiosk admin kiosks --json`.
WORD_LABELS = {"ok": N_("ok"), "silent": N_("silent"), "backlog": N_("backlog"), "error": N_("error"),
               "clock": N_("clock"), "storage": N_("storage")}


def duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = abs(seconds)
    for limit, unit, size in ((120, "s", 1), (7200, "min", 60), (172800, "h", 3600)):
        if seconds < limit:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds / 86400:.0f} d"


def size(count: int | None) -> str:
    if count is None:
        return ""
    if count < 1024 ** 3:
        return f"{count / 1024 ** 2:.0f} MB"
    return f"{count / 1024 ** 3:.1f} GB"


def render(name: str, request: Request, admin: records.Admin, clock: Callable[[], dt.datetime],
           **context: Any) -> HTMLResponse:
    """A page of the dashboard's look (admin_base.html) in the request's language."""
    locale = request.query_params.get("lang", "id")
    locale = locale if locale in LOCALES else "id"
    today = clock().date()
    html = pages.environment(locale).get_template(name).render(
        locale=locale, other="en" if locale == "id" else "id", admin=admin.name,
        period=(today.replace(month=1, day=1), today), labels=WORD_LABELS, duration=duration, size=size, **context)
    return HTMLResponse(html)


def router(engine: Engine, clock: Callable[[], dt.datetime], admin_auth,
           rules: fleet.HealthRules | None = None) -> APIRouter:
    routes = APIRouter(include_in_schema=False)
    rules = rules or fleet.HealthRules.from_environment()

    @routes.get("/admin/fleet", response_class=HTMLResponse)
    def fleet_page(request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        office_id = request.query_params.get("office") or None
        if office_id is not None and not admin.may_read(office_id):
            return PlainTextResponse(f"admin {admin.name!r} may not read office {office_id!r}", status_code=403)
        kiosks = [k for k in fleet.fleet(engine, now=clock(), office_id=office_id, rules=rules)
                  if admin.may_read(k.office_id)]
        return render("admin_fleet.html", request, admin, clock, kiosks=[k for k in kiosks if k.active],
                      summary=fleet.summary(kiosks), words_order=fleet.ALL_WORDS, office_id=office_id)

    return routes
