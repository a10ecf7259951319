"""The dashboard's follow-up page: /admin/offices/{id}/followup (the plan of a period, added to and updated
in forms with the session's CSRF token) and the switch for the office's public pages."""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from collector import followup, pages, publication, records
from collector.login_routes import form_csrf_ok
from kiosk.errors import UserError


def router(engine: Engine, clock: Callable[[], dt.datetime], admin_auth) -> APIRouter:
    routes = APIRouter(include_in_schema=False)

    def locale_of(request: Request) -> str:
        return pages.page_locale(request)

    def readable(office_id: str, admin: records.Admin) -> records.OfficeRecord:
        return pages.readable_office(engine, office_id, admin)

    def period_of(request: Request, office: records.OfficeRecord) -> str:
        return pages.asked_period(request, office, clock())

    def back(request: Request, office_id: str, period: str, problem: str | None = None) -> RedirectResponse:
        return pages.back_to(request, f"/admin/offices/{office_id}/followup", period, problem)

    @routes.get("/admin/offices/{office_id}/followup", response_class=HTMLResponse)
    def plan_page(office_id: str, request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        office = readable(office_id, admin)
        period = period_of(request, office)
        locale = locale_of(request)
        questionnaire = office.questionnaire()
        html = pages.environment(locale).get_template("admin_followup.html").render(
            locale=locale, other="en" if locale == "id" else "id", admin=admin.name, office=office, period=period,
            plans=followup.plans(engine, office_id, period), statuses=followup.STATUSES,
            status_labels=followup.STATUS_LABELS, unsur=[(u.code, u.name(locale)) for u in questionnaire.scored_items],
            public=publication.is_public(engine, office_id), csrf=getattr(request.state, "csrf", ""),
            problem=request.query_params.get("problem"))
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    async def form_of(request: Request) -> dict[str, str]:
        form = {k: v.strip() for k, v in (await request.form()).items() if isinstance(v, str)}
        if not form_csrf_ok(request, form):
            raise HTTPException(403, "the form has expired; open the page again")
        return form

    @routes.post("/admin/offices/{office_id}/followup")
    async def add_plan(office_id: str, request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        office = readable(office_id, admin)
        period = period_of(request, office)
        form = await form_of(request)
        try:
            await run_in_threadpool(lambda: followup.add(
                engine, office.id, period=period, unsur=form.get("unsur", ""), action=form.get("action", ""),
                quarter=form.get("quarter", ""), person=form.get("person", ""), status=form.get("status", "planned"),
                note=form.get("note", ""), forum_date=form.get("forum_date") or None, by=admin.name, now=clock()))
        except UserError as exc:
            return back(request, office.id, period, str(exc))
        return back(request, office.id, period)

    @routes.post("/admin/offices/{office_id}/followup/{plan_id}")
    async def update_plan(office_id: str, plan_id: str, request: Request,
                          admin: records.Admin = Depends(admin_auth)) -> Any:
        office = readable(office_id, admin)
        form = await form_of(request)
        plan = followup.get(engine, plan_id)
        if plan is None or plan.office_id != office.id:
            return Response(f"office {office.id!r} has no follow-up {plan_id!r}", status_code=404)
        try:
            await run_in_threadpool(lambda: followup.change(engine, plan.id, status=form.get("status"),
                                                            note=form.get("note", ""), by=admin.name, now=clock()))
        except UserError as exc:
            return back(request, office.id, plan.period, str(exc))
        return back(request, office.id, plan.period)

    @routes.post("/admin/offices/{office_id}/publication")
    async def switch_publication(office_id: str, request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        office = readable(office_id, admin)
        form = await form_of(request)
        await run_in_threadpool(publication.set_public, engine, office.id, form.get("public") == "1", by=admin.name,
                                now=clock())
        return back(request, office.id, period_of(request, office))

    return routes
