"""The charts of the dashboard's office page, made on the server as SVG in the page's language."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from sqlalchemy.engine import Engine

from collector import (chart_channels, chart_heatmap, chart_services, chart_trend, followup, publication,
                       response_patterns)
from collector.chart_shapes import to_svg
from collector.records import OfficeRecord
from kiosk.i18n import translations


@dataclass(frozen=True)
class TrendRow:
    name: str              # "tahun 2026" / "year 2026", or "2026-02-01 – 2026-02-28"
    date_from: dt.date
    date_to: dt.date
    respondents: int
    ikm_converted: float | None
    mutu: str | None


def _period_name(label: str, start: dt.date, end: dt.date, locale: str, gettext) -> str:
    if len(label) == 10:  # a plain range: its dates
        return f"{start.isoformat()} – {end.isoformat()}"
    name = publication.period_name(label, locale, gettext)
    if followup.period_dates(label) != (start, end):  # this year up to today
        return gettext("%(period)s up to %(date)s") % {"period": name, "date": end.isoformat()}
    return name


def trend(engine: Engine, office: OfficeRecord, period: tuple[dt.date, dt.date], locale: str,
          report: dict[str, Any] | None = None) -> dict[str, Any]:
    """The trend chart (SVG), its table rows (newest first) and how many older periods are left out;
    report: the period's own report when the page has it (not read again)."""
    gettext = translations(locale).gettext
    found = chart_trend.trend(engine, office.id, *period, current=report)
    svg = to_svg(chart_trend.picture(found, gettext=gettext, decimal_comma=locale == "id",
                                     title=gettext("IKM (converted) per period")))
    rows = [TrendRow(_period_name(p.label, p.date_from, p.date_to, locale, gettext), p.date_from, p.date_to,
                     p.respondents, p.ikm_converted, p.mutu) for p in reversed(found.points)]
    return {"svg": Markup(svg), "rows": rows, "left_out": found.left_out, "kind": found.kind}


def services(engine: Engine, office: OfficeRecord, period: tuple[dt.date, dt.date], report: dict[str, Any],
             names: dict[str | None, str], locale: str, by_service: dict[str, dict[str, Any]] | None = None) -> Markup | None:
    """Service x unsur (None when nobody answered in the period); by_service: each service's figures
    (reports.office_figures) when the page has them."""
    if not report["respondents"]:
        return None
    gettext = translations(locale).gettext
    found = chart_services.rows(engine, office.id, *period, report, names, gettext("All services"), by_service)
    return to_svg(chart_services.picture(found, decimal_comma=locale == "id", title=gettext("Services and elements"),
                                         weakest=gettext("weakest element of the row"),
                                         strongest=gettext("strongest element of the row")))


def patterns(engine: Engine, office: OfficeRecord, period: tuple[dt.date, dt.date], locale: str,
             found: dict[str, list[tuple]] | None = None) -> dict[str, Any]:
    """The day x hour heat map and the channel split (SVG), and the channels' figures for a table;
    found: the period's totals as the page read them (reports.office_figures), when it has them."""
    gettext = translations(locale).gettext
    hours = response_patterns.by_hour(engine, office, *period)
    channels = response_patterns.by_channel(engine, office, *period, found=found)
    comma = locale == "id"
    return {"heatmap": to_svg(chart_heatmap.picture(hours, gettext=gettext, decimal_comma=comma,
                                                    title=gettext("Respondents and IKM by day and hour"))),
            "channels_svg": to_svg(chart_channels.picture(channels, gettext=gettext, decimal_comma=comma,
                                                          title=gettext("Respondents and IKM by channel"))),
            "channels": {gettext(chart_channels.LABELS.get(c, c)): cell for c, cell in channels.items()},
            "answered": bool(hours)}
