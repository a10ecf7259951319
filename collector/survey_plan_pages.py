"""The dashboard's page for a survey period's team, decree, schedule and dokumentasi photos:
/admin/offices/{id}/survey-plan (forms with the session's CSRF token; an admin who may read an office may
record these for it, as on the follow-up page)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from collector import pages, records, report_photos, survey_plan
from collector.login_routes import form_csrf_ok
from kiosk.errors import UserError
from kiosk.i18n import N_

STAGE_LABELS = {"preparation": N_("Preparation"), "collection": N_("Data collection"),
                "processing": N_("Data processing"), "reporting": N_("Reporting")}
# The audited fields (survey_plan.AUDITED_PLAN, AUDITED_MEMBER) as the page's forms name them, in the forms' order.
FIELD_LABELS = {"decree_number": N_("Decree (SK) number"), "decree_date": N_("Decree date"), **STAGE_LABELS,
                "name": N_("Name"), "position": N_("Position"), "role": N_("Role in the team")}
EDITS = {survey_plan.PLAN_SET: N_("Decree and schedule changed"), survey_plan.TEAM_ADD: N_("Team member added"),
         survey_plan.TEAM_REMOVE: N_("Team member removed")}


@dataclass(frozen=True)
class Change:
    label: str         # a msgid of FIELD_LABELS
    old: str | None    # None: empty (nothing recorded before, or the field cleared)
    new: str | None


@dataclass(frozen=True)
class Edit:
    """One line of the audit log about the period's plan or team, as the page shows it."""

    when: str          # office local time, YYYY-MM-DD HH:MM
    actor: str
    action: str        # survey_plan.PLAN_SET, TEAM_ADD or TEAM_REMOVE
    title: str         # a msgid of EDITS
    changes: tuple[Change, ...]

    @property
    def from_to(self) -> bool:
        """An edit of recorded fields (shown from what to what), not a member added or removed."""
        return self.action == survey_plan.PLAN_SET


def _shown(field: str, value: Any) -> str | None:
    if value in (None, ""):
        return None
    return str(value).replace(":", " – ") if field in STAGE_LABELS else str(value)  # a stage is kept "FROM:TO"


def history(engine: Engine, office: records.OfficeRecord, period: str) -> list[Edit]:
    """Every recorded edit of the period's decree, schedule and team, newest first."""
    from collector.report_plan_audit import in_order, local_minute

    out = []
    for entry in reversed(survey_plan.history(engine, office.id, period)):
        changes = in_order(entry["detail"].get("changes", {}), FIELD_LABELS)
        out.append(Edit(local_minute(entry["at"], office.tz), entry["actor"], entry["action"],
                        EDITS.get(entry["action"], entry["action"]),
                        tuple(Change(FIELD_LABELS.get(f, f), _shown(f, old), _shown(f, new)) for f, (old, new) in changes)))
    return out


def router(engine: Engine, clock: Callable[[], dt.datetime], admin_auth) -> APIRouter:
    routes = APIRouter(include_in_schema=False)
    base = "/admin/offices/{office_id}/survey-plan"

    def period_of(request: Request, office: records.OfficeRecord) -> str:
        return pages.asked_period(request, office, clock())

    def back(request: Request, office_id: str, period: str, problem: str | None = None) -> RedirectResponse:
        return pages.back_to(request, f"/admin/offices/{office_id}/survey-plan", period, problem)

    async def posted(office_id: str, request: Request, admin: records.Admin, **limits):
        """(office, period, form fields, raw form) of a posted form: 403 for an office this admin may not read,
        or for a form without the session's CSRF token."""
        office = pages.readable_office(engine, office_id, admin)
        period = period_of(request, office)
        data = await request.form(**limits)
        form = {k: v.strip() for k, v in data.items() if isinstance(v, str)}
        if not form_csrf_ok(request, form):
            raise HTTPException(403, "the form has expired; open the page again")
        return office, period, form, data

    @routes.get(base, response_class=HTMLResponse)
    def plan_page(office_id: str, request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        office = pages.readable_office(engine, office_id, admin)
        period = period_of(request, office)
        locale = pages.page_locale(request)
        html = pages.environment(locale).get_template("admin_survey_plan.html").render(
            locale=locale, other="en" if locale == "id" else "id", admin=admin.name, office=office, period=period,
            plan=survey_plan.plan(engine, office_id, period) or survey_plan.empty(office_id, period),
            team=survey_plan.team(engine, office_id, period), stages=survey_plan.STAGES, stage_labels=STAGE_LABELS,
            photos=report_photos.photos(engine, office_id, period), photo_max=report_photos.UPLOAD_MAX // 2 ** 20,
            history=history(engine, office, period),
            csrf=getattr(request.state, "csrf", ""), problem=request.query_params.get("problem"))
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    async def then_back(request: Request, office_id: str, period: str, work: Callable[[], Any]) -> RedirectResponse:
        """Run the edit off the event loop, then back to the page: with its one-sentence problem if it refused."""
        try:
            await run_in_threadpool(work)
        except UserError as exc:
            return back(request, office_id, period, str(exc))
        return back(request, office_id, period)

    @routes.post(base)
    async def save_plan(office_id: str, request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        office, period, form, _ = await posted(office_id, request, admin)

        def record() -> None:
            stages = {}
            for stage in survey_plan.STAGES:
                start, end = form.get(f"{stage}_from", ""), form.get(f"{stage}_to", "")
                stages[stage] = survey_plan.stage_dates(stage, f"{start}:{end or start}" if start else "")
            survey_plan.set_plan(engine, office.id, period, decree_number=form.get("decree_number", ""),
                                 decree_date=form.get("decree_date", ""), stages=stages, by=admin.name, now=clock())

        return await then_back(request, office.id, period, record)

    @routes.post(base + "/team")
    async def add_member(office_id: str, request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        office, period, form, _ = await posted(office_id, request, admin)
        return await then_back(request, office.id, period, lambda: survey_plan.add_member(
            engine, office.id, period, name=form.get("name", ""), role=form.get("role", ""),
            position=form.get("position", ""), by=admin.name, now=clock()))

    @routes.post(base + "/team/{member_id}/remove")
    async def remove_member(office_id: str, member_id: str, request: Request,
                            admin: records.Admin = Depends(admin_auth)) -> Any:
        office, period, _, _ = await posted(office_id, request, admin)
        return await then_back(request, office.id, period, lambda: survey_plan.remove_member(
            engine, member_id, office_id=office.id, by=admin.name, now=clock()))

    @routes.post(base + "/photos")
    async def upload_photo(office_id: str, request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        office, period, form, data = await posted(office_id, request, admin, max_files=1)
        upload = data.get("photo")
        if upload is None or isinstance(upload, str):
            return back(request, office.id, period, "choose a photo to upload.")
        raw = await upload.read(report_photos.UPLOAD_MAX + 1)
        return await then_back(request, office.id, period, lambda: report_photos.add(
            engine, office.id, period, raw, caption=form.get("caption", ""), by=admin.name, now=clock()))

    @routes.post(base + "/photos/{photo_id}/remove")
    async def remove_photo(office_id: str, photo_id: str, request: Request,
                           admin: records.Admin = Depends(admin_auth)) -> Any:
        office, period, _, _ = await posted(office_id, request, admin)
        return await then_back(request, office.id, period, lambda: report_photos.remove(engine, office.id, photo_id))

    @routes.get(base + "/photos/{photo_id}")
    def photo(office_id: str, photo_id: str, admin: records.Admin = Depends(admin_auth)) -> Response:
        office = pages.readable_office(engine, office_id, admin)
        found = report_photos.get(engine, office.id, photo_id)
        if found is None:
            raise HTTPException(404, f"office {office.id!r} has no photo {photo_id!r}")
        return Response(found.data, media_type=found.media_type,
                        headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"})

    return routes
