"""IKM reports from the collector database, computed by the core engine kiosk.ikm."""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy.engine import Engine

from collector.db import reading
from collector.ingest import stored_responses
from collector.records import OfficeRecord, get_office
from kiosk.counting import CountingRule
from kiosk.response import Response


class ReportError(Exception):
    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status, self.detail = status, detail


def _scope(office_id: str, service: str | None, date_from: dt.date | None, date_to: dt.date | None) -> dict[str, Any]:
    return {"office_id": office_id, "service_id": service,
            "from": date_from.isoformat() if date_from else None, "to": date_to.isoformat() if date_to else None}


def _read(engine: Engine, office_id: str, service: str | None, date_from: dt.date | None,
          date_to: dt.date | None) -> tuple[OfficeRecord, list[Response]]:
    """The office and its stored responses in scope (complete or not), or a ReportError saying why not."""
    if date_from and date_to and date_from > date_to:
        raise ReportError(400, f"from ({date_from}) is after to ({date_to})")
    with reading(engine) as conn:
        office = get_office(conn, office_id)
        if office is None:
            raise ReportError(404, f"there is no office {office_id!r}")
        if service is not None and service not in office.service_ids():
            raise ReportError(404, f"office {office_id!r} has no service {service!r}")
        found = stored_responses(conn, office_id, service_id=service,
                                 date_from=date_from.isoformat() if date_from else None,
                                 date_to=date_to.isoformat() if date_to else None)
    return office, found


def office_report(engine: Engine, office_id: str, *, service: str | None = None, date_from: dt.date | None = None,
                  date_to: dt.date | None = None, population: int | None = None) -> dict[str, Any]:
    """The report JSON of DESIGN.md for an office (or one of its services) over local dates, both ends included.

    Computed from the running totals (collector/totals.py) under the office's counting rule of now, so its
    cost grows with the days and services in scope, not with the responses; raw_office_report computes
    the very same JSON from the stored responses (the reference the tests hold it to)."""
    office, found = _read_totals(engine, office_id, service, date_from, date_to)
    return _report_of_totals(office, found, _scope(office_id, service, date_from, date_to), population)


def _read_totals(engine: Engine, office_id: str, service: str | None, date_from: dt.date | None,
                 date_to: dt.date | None) -> tuple[OfficeRecord, dict[str, list[tuple]]]:
    """The office (or 404) and its running totals over local dates [date_from, date_to] (400 when reversed)."""
    if date_from and date_to and date_from > date_to:
        raise ReportError(400, f"from ({date_from}) is after to ({date_to})")
    from collector import totals

    with reading(engine) as conn:
        office = _office_in_scope(conn, office_id, service)
        return office, totals.scope_totals(conn, office_id, service, date_from.isoformat() if date_from else None,
                                           date_to.isoformat() if date_to else None)


@dataclass(frozen=True)
class OfficeFigures:
    """What the dashboard's office page shows of a period, from one read of the running totals."""

    report: dict[str, Any]                # office_report of the whole office
    services: dict[str, dict[str, Any]]   # each service's "respondents", "unsur", "ikm", "ikm_converted", "mutu"
    totals: dict[str, list[tuple]]        # the totals read (totals.scope_totals), for the channel split


def office_figures(engine: Engine, office_id: str, *, date_from: dt.date | None = None,
                   date_to: dt.date | None = None) -> OfficeFigures:
    """office_report of the whole office and, from the same read of the totals, each service's own figures
    exactly as office_report(service=...) gives them: one read for the gauge, the service table and the
    service x unsur chart instead of one report per service."""
    from kiosk import ikm

    office, found = _read_totals(engine, office_id, None, date_from, date_to)
    grouped: dict[str | None, Any] = {}
    report = _report_of_totals(office, found, _scope(office_id, None, date_from, date_to), None, grouped)
    questionnaire = office.questionnaire()
    services = {}
    for service_id, sums in grouped.items():
        if service_id is not None:
            doc = ikm.to_json(ikm.from_sums(sums.respondents, sums.unsur, questionnaire), scope={}, profile={})
            services[service_id] = {k: doc[k] for k in ("respondents", "unsur", "ikm", "ikm_converted", "mutu")}
    return OfficeFigures(report, services, found)


def _office_in_scope(conn, office_id: str, service: str | None) -> OfficeRecord:
    office = get_office(conn, office_id)
    if office is None:
        raise ReportError(404, f"there is no office {office_id!r}")
    if service is not None and service not in office.service_ids():
        raise ReportError(404, f"office {office_id!r} has no service {service!r}")
    return office


def _report_of_totals(office: OfficeRecord, found: dict[str, list[tuple]], scope: dict[str, Any],
                      population: int | None, grouped: dict[str | None, Any] | None = None) -> dict[str, Any]:
    """kiosk.ikm's report of the totals in scope: each counting class counted or not under the office's rule.
    grouped: filled with the counted sums per service (None: no service), when given."""
    from kiosk import ikm
    from kiosk.counting import tally_groups

    from collector import totals
    from collector.ingest import warn_unreadable

    rule = CountingRule.for_office(office.settings)
    counted = totals.counted_by(rule)

    grouped = {} if grouped is None else grouped
    unreadable = 0
    for service_id, _channel, cls, n in found["respondents"]:
        if cls == totals.UNREADABLE:
            unreadable += n
        elif n and counted(cls):
            grouped.setdefault(service_id or None, ikm.Sums()).responses += n
    tallied = tally_groups(((cls != totals.ABANDONED, channel, totals.class_flags(cls), n)
                            for _, channel, cls, n in found["respondents"] if cls != totals.UNREADABLE), rule)
    for service_id, _channel, cls, unsur, answered, total in found["unsur"]:
        if answered and counted(cls):
            sums = grouped.setdefault(service_id or None, ikm.Sums())
            if unsur == totals.ANSWERED_ANY:
                sums.respondents += answered
            else:
                have = sums.unsur.get(unsur, (0, 0))
                sums.unsur[unsur] = (have[0] + answered, have[1] + total)
    profile: dict[str, dict[str, int]] = {}
    for cls, profile_field, value, n in found["profile"]:
        if n and counted(cls):
            values = profile.setdefault(profile_field, {})
            values[value] = values.get(value, 0) + n
    warn_unreadable(unreadable)  # as the stored rows' report warns of each
    try:
        return ikm.report_of_sums(grouped, profile, tallied, office.questionnaire(), scope=scope,
                                  population=population, rule=rule)
    except ikm.SampleError as exc:
        raise ReportError(400, str(exc)) from None


def raw_office_report(engine: Engine, office_id: str, *, service: str | None = None,
                      date_from: dt.date | None = None, date_to: dt.date | None = None,
                      population: int | None = None) -> dict[str, Any]:
    """office_report computed from every stored response in scope (read and parsed one by one): the
    reference the running totals are held to; its cost grows with the responses."""
    office, found = _read(engine, office_id, service, date_from, date_to)
    return _report(office, found, _scope(office_id, service, date_from, date_to), population)


def _report(office: OfficeRecord, found: list[Response], scope: dict[str, Any], population: int | None) -> dict[str, Any]:
    """kiosk.ikm's report under the office's counting rule; a population that cannot be right is a 400."""
    from kiosk import ikm

    try:
        return ikm.report(found, office.questionnaire(), scope=scope, population=population,
                          rule=CountingRule.for_office(office.settings))
    except ikm.SampleError as exc:
        raise ReportError(400, str(exc)) from None


@dataclass(frozen=True)
class ReportSource:
    """What a Laporan SKM document (XLSX, PDF) is built from; the numbers are all the report JSON's.

    Nothing here grows with the number of respondents: the responses themselves are read, one at a
    time, only when something walks `statuses` (the XLSX Data sheet, the responses page)."""

    office: OfficeRecord
    report: dict[str, Any]            # the report JSON of the period
    abandoned: int                    # surveys in scope left unfinished (not in the IKM)
    previous: dict[str, Any] | None   # the report JSON of the previous period of equal length, if there is one
    # First and last local dates of the counted responses (those dated by reception left out), or None.
    span: tuple[dt.date, dt.date] | None = None
    # Counted respondents per language of the survey (None: the response names none).
    locales: dict[str | None, int] = field(default_factory=dict)
    # Every complete response in scope, oldest first, with what became of it: "" when counted, else the
    # reason the counting rule left it out (collector/report_rows.DataRows: a cursor, not a list).
    statuses: Iterable[tuple[Response, str]] = ()
    # The audit log's entries about this scope (voids and restores of its responses, paper imports), oldest first.
    audit: tuple[dict[str, Any], ...] = ()
    # Rencana tindak lanjut (collector/followup.py) of this period and of the one before, when the report's
    # dates are exactly a named period (a year, a semester, a triwulan).
    plan: tuple = ()
    previous_plan: tuple = ()
    # Every period of the same kind back to where the data starts, ending with this one (collector/report_trend.py),
    # oldest first, and how many older periods with data were left out of it.
    trend: tuple = ()
    trend_left_out: int = 0
    # The survey's own plan (collector/survey_plan.py) for the period the dates stand for, when they stand for one.
    plan_period: str | None = None
    survey_plan: Any = None
    team: tuple = ()
    # The audit log's lines about edits of the plans above (who changed what, when), oldest first.
    plan_audit: tuple[dict[str, Any], ...] = ()
    # ... and about edits of the team, decree and schedule of plan_period.
    team_audit: tuple[dict[str, Any], ...] = ()
    # BAB IV's service x unsur and weekday x hour charts (collector/report_charts.py), None without respondents.
    analysis: Any = None
    # Dokumentasi: the period's photos with their bytes (collector/report_photos.py).
    photos: tuple = ()
    # The period's kritik dan saran (collector/suggestions.Summary): the dashboard's counts, approved examples.
    suggestions: Any = None


def previous_period(date_from: dt.date, date_to: dt.date) -> tuple[dt.date, dt.date]:
    """The period of equal length just before: whole calendar months step back by months
    (July-December -> January-June), any other period by its number of days."""
    if date_from.day == 1 and date_to.day == calendar.monthrange(date_to.year, date_to.month)[1]:
        months = (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1
        index = date_from.year * 12 + date_from.month - 1 - months
        start = dt.date(index // 12, index % 12 + 1, 1)
        return start, date_from - dt.timedelta(days=1)
    days = (date_to - date_from).days + 1
    return date_from - dt.timedelta(days=days), date_from - dt.timedelta(days=1)


def report_source(engine: Engine, office_id: str, *, service: str | None = None, date_from: dt.date | None = None,
                  date_to: dt.date | None = None, population: int | None = None) -> ReportSource:
    """The report of the period, what the documents show beside it, and the previous period's report for
    the trend (only when both dates are given: an open period has no "before" of equal length)."""
    from collector import followup
    from collector.report_rows import DataRows, counted_locales, counted_span, office_audit, scope_audit

    report = office_report(engine, office_id, service=service, date_from=date_from, date_to=date_to,
                           population=population)
    with reading(engine) as conn:
        office = get_office(conn, office_id)
        rule = CountingRule.for_office(office.settings)
        span = counted_span(conn, office_id, service, date_from, date_to, rule)
        locales = counted_locales(conn, office_id, service, date_from, date_to, rule)
        entries = scope_audit(conn, office_id, service, date_from, date_to)
    previous = before = None
    if date_from and date_to:
        try:
            before = previous_period(date_from, date_to)
        except (ValueError, OverflowError):  # before year 1: there is no earlier period
            before = None
        if before:
            previous = office_report(engine, office_id, service=service, date_from=before[0], date_to=before[1])
    plan = followup.plans_for_dates(engine, office_id, date_from, date_to)
    previous_plan = followup.plans_for_dates(engine, office_id, *before) if previous is not None else []
    plan_ids = {p.id for p in (*plan, *previous_plan)}
    with reading(engine) as conn:
        logged = office_audit(conn, office_id, (followup.PLAN_ADD, followup.PLAN_CHANGE))
    plan_audit = tuple(e for e in logged if e["detail"].get("plan_id") in plan_ids)
    from collector.report_trend import rows_for

    trend, left_out = rows_for(engine, office_id, service=service, date_from=date_from, date_to=date_to,
                               current=report)
    from collector import survey_plan

    plan_period = survey_plan.recorded_period(engine, office_id, date_from, date_to)
    own_plan = survey_plan.plan(engine, office_id, plan_period) if plan_period else None
    team = survey_plan.team(engine, office_id, plan_period) if plan_period else []
    from collector import report_charts, report_photos

    photos = report_photos.photos(engine, office_id, plan_period, with_data=True) if plan_period else []
    team_audit = survey_plan.history(engine, office_id, plan_period) if plan_period else ()

    analysis = report_charts.gather(engine, office, service, date_from, date_to, report)
    from collector import suggestions

    comments = suggestions.summary(engine, office_id, service=service, date_from=date_from, date_to=date_to)
    return ReportSource(office, report, report["abandoned"], previous, span=span, locales=locales,
                        statuses=DataRows(engine, office_id, service, date_from, date_to, rule), audit=entries,
                        plan=tuple(plan), previous_plan=tuple(previous_plan), trend=tuple(trend),
                        trend_left_out=left_out, plan_period=plan_period, survey_plan=own_plan, team=tuple(team),
                        plan_audit=plan_audit, team_audit=team_audit, analysis=analysis, photos=tuple(photos), suggestions=comments)
