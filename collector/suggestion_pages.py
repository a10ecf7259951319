"""The dashboard's kritik-dan-saran page: /admin/offices/{id}/suggestions (search, period, service, group and
state filters; hide, show and approve as POST forms with the session's CSRF token, each in the audit log)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from collector import pages, period_presets, records, suggestions
from collector.login_routes import form_csrf_ok
from collector.suggestion_groups import OTHER
from kiosk.errors import UserError

# The query parameters the page keeps from one request to the next (filters, paging, language).
KEPT = ("lang", "from", "to", "service", "group", "state", "q", "all", "page")
PER_PAGE = 25


def _date(text: str | None, what: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise HTTPException(400, f"{what} must be a date YYYY-MM-DD") from None


def router(engine: Engine, clock: Callable[[], dt.datetime], admin_auth) -> APIRouter:
    routes = APIRouter(include_in_schema=False)

    def kept(request: Request, **changes: Any) -> str:
        query = {k: request.query_params[k] for k in KEPT if request.query_params.get(k)}
        query.update({k: v for k, v in changes.items() if v is not None})
        return urlencode({k: v for k, v in query.items() if v != ""})

    @routes.get("/admin/offices/{office_id}/suggestions", response_class=HTMLResponse)
    def suggestions_page(office_id: str, request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        office = pages.readable_office(engine, office_id, admin)
        locale = pages.page_locale(request)
        params = request.query_params
        today = clock().astimezone(office.tz).date()  # the office's own date, not UTC's
        start, end = _date(params.get("from"), "from"), _date(params.get("to"), "to")
        if start is None and end is None:
            start, end = period_presets.default_period(today)
        page = params.get("page") or "1"
        if not (page.isascii() and page.isdigit() and 1 <= int(page) <= 1_000_000):
            raise HTTPException(400, "page must be a whole number from 1")
        try:
            found = suggestions.feed(engine, office.id, date_from=start, date_to=end,
                                     service=params.get("service") or None, search=params.get("q") or None,
                                     state=params.get("state") or None, group=params.get("group") or None,
                                     include_uncounted=params.get("all") == "1", page=int(page), per_page=PER_PAGE)
        except UserError as exc:
            raise HTTPException(400, str(exc)) from None
        unsur = {u.code: u.name(locale) for u in office.questionnaire().scored_items}
        html = pages.environment(locale).get_template("admin_suggestions.html").render(
            locale=locale, other="en" if locale == "id" else "id", admin=admin.name, office=office,
            period=(start.isoformat() if start else "", end.isoformat() if end else ""), feed=found,
            filters=params, services=[(s.id, s.name(locale)) for s in office.services],
            groups=[(code, unsur.get(code)) for code in suggestions.group_codes(office)], other_group=OTHER,
            states=suggestions.STATES, state_labels=suggestions.STATE_LABELS,
            presets=period_presets.presets(today), csrf=getattr(request.state, "csrf", ""),
            here=kept(request), kept=lambda **changes: kept(request, **changes),
            problem=params.get("problem"))
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    @routes.post("/admin/offices/{office_id}/suggestions/{response_id}")
    async def moderate(office_id: str, response_id: str, request: Request,
                       admin: records.Admin = Depends(admin_auth)) -> Any:
        office = pages.readable_office(engine, office_id, admin)
        form = {k: v.strip() for k, v in (await request.form()).items() if isinstance(v, str)}
        if not form_csrf_ok(request, form):
            raise HTTPException(403, "the form has expired; open the page again")
        problem = None
        try:
            await run_in_threadpool(lambda: suggestions.change_state(
                engine, [response_id], form.get("action", ""), actor=admin.name, reason=form.get("reason", ""),
                office_id=office.id, now=clock()))
        except UserError as exc:
            problem = str(exc)
        return RedirectResponse(f"/admin/offices/{office.id}/suggestions?{kept(request, problem=problem)}",
                                status_code=303)

    return routes
