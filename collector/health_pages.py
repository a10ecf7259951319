"""The dashboard's fleet and alert pages: /admin/fleet (health words, counts per office), /admin/alerts (alerts, ack, rules)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from sqlalchemy.engine import Engine

from collector import alerts, fleet, pages, records
from collector.login_routes import form_csrf_ok
from kiosk.errors import UserError
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
        if refused := pages.refusal(admin, office_id):
            return refused
        kiosks = [k for k in fleet.fleet(engine, now=clock(), office_id=office_id, rules=rules)
                  if admin.may_read(k.office_id)]
        return render("admin_fleet.html", request, admin, clock, kiosks=[k for k in kiosks if k.active],
                      summary=fleet.summary(kiosks), words_order=fleet.ALL_WORDS, office_id=office_id)

    async def form_of(request: Request) -> dict[str, str] | PlainTextResponse:
        """The posted form, or 403 when it lacks the session's CSRF token (admin_auth already refused posts
        from other sites; HTTP Basic scripts need no token)."""
        form = {k: v.strip() for k, v in (await request.form()).items() if isinstance(v, str)}
        if not form_csrf_ok(request, form):
            return PlainTextResponse("the form has expired; open the page again", status_code=403)
        return form

    def back(request: Request, office_id: str | None = None) -> RedirectResponse:
        lang = request.query_params.get("lang", "id")
        office = f"&office={office_id}" if office_id else ""
        return RedirectResponse(f"/admin/alerts?lang={lang}{office}", status_code=303)

    @routes.get("/admin/alerts", response_class=HTMLResponse)
    def alerts_page(request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        office_id = request.query_params.get("office") or None
        if refused := pages.refusal(admin, office_id):
            return refused
        shown = [a for a in alerts.list_alerts(engine, office_id=office_id, limit=100) if admin.may_read(a.office_id)]
        rules_ = [r for r in alerts.list_rules(engine, office_id) if admin.may_read(r.office_id)]
        kinds = {r.id: r.kind for r in rules_}
        return render("admin_alerts.html", request, admin, clock, open_alerts=[a for a in shown if a.open],
                      closed_alerts=[a for a in shown if not a.open][:30], rules=rules_, kinds=kinds,
                      office_id=office_id, offices=[o for o in records.list_offices(engine) if admin.may_read(o["id"])],
                      csrf=getattr(request.state, "csrf", ""))

    @routes.post("/admin/alerts/{alert_id}/ack")
    async def acknowledge(alert_id: str, request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        form = await form_of(request)
        if isinstance(form, PlainTextResponse):
            return form
        alert = alerts.get_alert(engine, alert_id)
        if alert is None or not admin.may_read(alert.office_id):
            return PlainTextResponse(f"there is no alert {alert_id!r} for {admin.name!r}", status_code=404)
        try:
            alerts.acknowledge(engine, alert_id, by=admin.name, note=str(form.get("note", "")), now=clock())
        except UserError as exc:
            return PlainTextResponse(str(exc), status_code=400)
        return back(request, request.query_params.get("office"))

    @routes.post("/admin/alerts/rules")
    async def add_rule(request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        posted = await form_of(request)
        if isinstance(posted, PlainTextResponse):
            return posted
        form = {k: v for k, v in posted.items() if v and k != "csrf"}
        office_id = form.get("office", "")
        if refused := pages.refusal(admin, office_id, "change"):
            return refused
        try:
            numbers = {name: kind(form[name]) for name, kind in (("share", float), ("window_min", int),
                                                               ("min_count", int), ("threshold", float))
                       if name in form}
        except ValueError:
            return PlainTextResponse("share, window, minimum count and threshold must be numbers", status_code=400)
        target = form.get("target", "")
        try:
            alerts.add_rule(engine, office_id, form.get("kind", ""), service_id=form.get("service"),
                            webhook_url=target if "://" in target else None,
                            email=target if target and "://" not in target else None, now=clock(), **numbers)
        except UserError as exc:
            return PlainTextResponse(str(exc), status_code=400)
        return back(request, request.query_params.get("office"))

    @routes.post("/admin/alerts/rules/{rule_id}/remove")
    async def remove_rule(rule_id: str, request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        form = await form_of(request)
        if isinstance(form, PlainTextResponse):
            return form
        rule = alerts.get_rule(engine, rule_id)
        if rule is None or not admin.may_read(rule.office_id):
            return PlainTextResponse(f"there is no alert rule {rule_id!r} for {admin.name!r}", status_code=404)
        try:
            alerts.remove_rule(engine, rule_id, now=clock())
        except UserError as exc:
            return PlainTextResponse(str(exc), status_code=400)
        return back(request, request.query_params.get("office"))

    return routes
