"""The dashboard's region pages: /admin/regions (every region) and /admin/regions/{id} (its offices, ranked).

Each office row links to the office's own page for the same period (the drill-down); the figures are the
region overview's (collector/regions.py), which are each office's own report.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response as HTTPResponse
from sqlalchemy.engine import Engine

from collector import fleet, pages, records, region_formats, regions
from collector.dashboard import _period
from collector.reports import ReportError
from kiosk.questionnaire import LOCALES


def router(engine: Engine, clock: Callable[[], dt.datetime], admin_auth,
           rules: fleet.HealthRules | None = None) -> APIRouter:
    routes = APIRouter(include_in_schema=False)
    rules = rules or fleet.HealthRules.from_environment()

    def context(request: Request) -> tuple[str, tuple[dt.date, dt.date] | None]:
        locale = request.query_params.get("lang", "id")
        locale = locale if locale in LOCALES else "id"
        return locale, _period(request.query_params.get("from"), request.query_params.get("to"), clock().date())

    def page(name: str, locale: str, **values: Any) -> HTMLResponse:
        html = pages.environment(locale).get_template(name).render(
            locale=locale, other="en" if locale == "id" else "id", **values)
        return HTMLResponse(html)

    def overview(region_id: str, request: Request, admin: records.Admin) -> Any:
        locale, period = context(request)
        if period is None:
            return PlainTextResponse("from and to must be dates YYYY-MM-DD", status_code=400)
        try:  # an admin of some offices sees only those offices of the region
            return locale, period, regions.region_report(engine, region_id, date_from=period[0], date_to=period[1],
                                                          now=clock(), rules=rules, may_read=admin.may_read)
        except ReportError as exc:
            return PlainTextResponse(exc.detail, status_code=exc.status)

    @routes.get("/admin/regions", response_class=HTMLResponse)
    def regions_page(request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        locale, period = context(request)
        if period is None:
            return PlainTextResponse("from and to must be dates YYYY-MM-DD", status_code=400)
        return page("admin_regions.html", locale, regions=regions.list_regions(engine), period=period,
                    admin=admin.name)

    @routes.get("/admin/regions/{region_id}", response_class=HTMLResponse)
    def region_page(region_id: str, request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        found = overview(region_id, request, admin)
        if isinstance(found, HTTPResponse):
            return found
        locale, period, data = found
        return page("admin_region.html", locale, overview=data, period=period, admin=admin.name)

    @routes.get("/admin/regions/{region_id}/report.{kind}")
    def region_download(region_id: str, kind: str, request: Request,
                        admin: records.Admin = Depends(admin_auth)) -> Any:
        if kind not in ("csv", "xlsx", "json"):
            return PlainTextResponse(f"no region report format {kind!r}; csv, xlsx or json", status_code=404)
        found = overview(region_id, request, admin)
        if isinstance(found, HTTPResponse):
            return found
        _, period, data = found
        if kind == "json":
            import json
            body: str | bytes = json.dumps(data, ensure_ascii=False)
            media = "application/json"
        elif kind == "csv":
            body, media = region_formats.to_csv(data), region_formats.CSV_MEDIA_TYPE
        else:
            body, media = region_formats.to_xlsx(data), region_formats.XLSX_MEDIA_TYPE
        name = f"ikm-region-{region_id}-{period[0]}-{period[1]}.{kind}"
        return HTTPResponse(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    return routes
