"""The admin dashboard (/admin): offices, kiosks, response counts and the IKM per office and service.

HTML for people at a desk, behind the same admin login (HTTP Basic) as the reports API. Every
number comes from the database and kiosk.ikm at request time; nothing is cached.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response as HTTPResponse
from sqlalchemy.engine import Engine

from collector import pages, records
from collector.held import held_count
from collector.downloads import csv_download, xlsx_download
from collector.reports import ReportError, office_figures, office_report, report_source
from collector.publication import KINERJA_LABELS
from kiosk.i18n import translations
from kiosk.questionnaire import LOCALES

def _period(date_from: str | None, date_to: str | None, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The chosen period, this calendar year by default; None when a date is not YYYY-MM-DD."""
    try:
        start = dt.date.fromisoformat(date_from) if date_from else today.replace(month=1, day=1)
        end = dt.date.fromisoformat(date_to) if date_to else today
    except ValueError:
        return None
    return (start, end) if start <= end else (end, start)


def new_suggestions(engine: Engine, office_id: str, period: tuple[dt.date, dt.date]) -> int:
    """Comments of the period nobody has moderated yet, for the office page's link to them."""
    from collector import suggestions

    return suggestions.new_count(engine, office_id, period[0], period[1])


def router(engine: Engine, clock: Callable[[], dt.datetime], admin_auth) -> APIRouter:
    routes = APIRouter(include_in_schema=False)

    def page(name: str, locale: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = pages.environment(locale).get_template(name).render(locale=locale,
                                                                   other="en" if locale == "id" else "id", **context)
        return HTMLResponse(html, status_code=status)

    def context(request: Request) -> tuple[str, tuple[dt.date, dt.date] | None]:
        locale = request.query_params.get("lang", "id")
        locale = locale if locale in LOCALES else "id"
        return locale, _period(request.query_params.get("from"), request.query_params.get("to"), clock().date())

    @routes.get("/admin", response_class=HTMLResponse)
    def offices_page(request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        locale, period = context(request)
        if period is None:
            return PlainTextResponse("from and to must be dates YYYY-MM-DD", status_code=400)
        rows = []
        for office in records.list_offices(engine):
            if not admin.may_read(office["id"]):
                continue
            report = office_report(engine, office["id"], date_from=period[0], date_to=period[1])
            rows.append({**office, "report": report})
        return page("admin_offices.html", locale, offices=rows, period=period, admin=admin.name)

    @routes.get("/admin/offices/{office_id}", response_class=HTMLResponse)
    def office_page(office_id: str, request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        locale, period = context(request)
        if period is None:
            return PlainTextResponse("from and to must be dates YYYY-MM-DD", status_code=400)
        if refused := pages.refusal(admin, office_id):
            return refused
        office = records.get_office(engine, office_id)
        if office is None:
            return PlainTextResponse(f"there is no office {office_id!r}", status_code=404)
        from collector import charts, dashboard_charts, period_presets

        today = clock().astimezone(office.tz).date()  # the office's own date, not UTC's
        if not request.query_params.get("from") and not request.query_params.get("to"):
            period = period_presets.default_period(today)
        # One read of the totals for the gauge, the unsur bars, the service table and chart, the channel split
        # and the trend's last column.
        figures = office_figures(engine, office_id, date_from=period[0], date_to=period[1])
        report = figures.report
        names = {s.id: s.name(locale) for s in office.services}
        kiosks = records.list_kiosks(engine, office_id)
        questionnaire = office.questionnaire()
        unsur_names = {u.code: u.name(locale) for u in questionnaire.scored_items}
        gettext = translations(locale).gettext
        chart = charts.unsur_svg(charts.bars(report, unsur_names), decimal_comma=locale == "id",
                                 marks=(gettext("lowest"), gettext("highest")))
        return page("admin_office.html", locale, office=office, report=report, names=names, kiosks=kiosks,
                    period=period, admin=admin.name, held=held_count(engine, office_id),
                    presets=period_presets.presets(today), chart=chart,
                    trend=dashboard_charts.trend(engine, office, period, locale, report), unsur_names=unsur_names,
                    kinerja=lambda word: word if locale == "id" or not word else gettext(KINERJA_LABELS[word]),
                    services_svg=dashboard_charts.services(engine, office, period, report, names, locale, figures.services),
                    patterns=dashboard_charts.patterns(engine, office, period, locale, figures.totals),
                    new_suggestions=new_suggestions(engine, office_id, period))

    def download_scope(office_id: str, request: Request, admin: records.Admin) -> Any:
        """(period, service, population) of a download, or the plain-text answer refusing it."""
        _, period = context(request)
        if period is None:
            return PlainTextResponse("from and to must be dates YYYY-MM-DD", status_code=400)
        if refused := pages.refusal(admin, office_id):
            return refused
        population = request.query_params.get("population") or None
        if population is not None:
            # ASCII digits only ("²".isdigit() is true, int() refuses it), and no number no office could have.
            if not (population.isascii() and population.isdigit() and 1 <= int(population) <= 100_000_000):
                return PlainTextResponse("population must be a whole number from 1 to 100000000", status_code=400)
            population = int(population)
        return period, request.query_params.get("service") or None, population

    def attachment(body: str | bytes, media_type: str, name: str) -> HTTPResponse:
        return HTTPResponse(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @routes.get("/admin/offices/{office_id}/report.csv")
    def office_csv(office_id: str, request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        scope = download_scope(office_id, request, admin)
        if isinstance(scope, HTTPResponse):
            return scope
        period, service, population = scope
        try:
            report = office_report(engine, office_id, service=service, date_from=period[0], date_to=period[1],
                                   population=population)
        except ReportError as exc:
            return PlainTextResponse(exc.detail, status_code=exc.status)
        return csv_download(report, f"ikm-{office_id}-{period[0]}-{period[1]}.csv")

    @routes.get("/admin/offices/{office_id}/report.{kind}")
    def office_document(office_id: str, kind: str, request: Request,
                        admin: records.Admin = Depends(admin_auth)) -> Any:
        """The Laporan SKM of the period: xlsx (without the respondents' comments) or pdf."""
        if kind not in ("xlsx", "pdf"):
            return PlainTextResponse(f"no report format {kind!r}; csv, xlsx or pdf", status_code=404)
        scope = download_scope(office_id, request, admin)
        if isinstance(scope, HTTPResponse):
            return scope
        period, service, population = scope
        try:
            source = report_source(engine, office_id, service=service, date_from=period[0], date_to=period[1],
                                   population=population)
        except ReportError as exc:
            return PlainTextResponse(exc.detail, status_code=exc.status)
        name = f"laporan-skm-{office_id}{'-' + service if service else ''}-{period[0]}-{period[1]}.{kind}"
        if kind == "xlsx":  # streamed: its Data sheet has a row per response
            return xlsx_download(source, name, generated_at=clock())
        from collector.report_pdf import MEDIA_TYPE, build_pdf  # its size is the report's, not the office's

        return attachment(build_pdf(source, generated_at=clock()), MEDIA_TYPE, name)

    return routes
