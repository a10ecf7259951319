"""BAB IV's trend: the IKM of every earlier period of the same kind, back to the period where the office's
data starts, each row the report JSON of that period (collector.reports.office_report)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from collector.db import reading
from collector.followup import period_id, period_of
from collector.report_text import angka, tanggal
from collector.tables import responses

# Enough for ten years of triwulan; a daily report going back years stops here and says so.
MAX_PERIODS = 40


def first_local_date(engine: Engine, office_id: str, service: str | None = None) -> dt.date | None:
    """The office's (or service's) first local date with a stored response: where its data starts."""
    query = select(func.min(responses.c.local_date)).where(responses.c.office_id == office_id)
    if service:
        query = query.where(responses.c.service_id == service)
    with reading(engine) as conn:
        first = conn.execute(query).scalar()
    return dt.date.fromisoformat(first) if first else None


def period_label(date_from: dt.date, date_to: dt.date) -> str:
    """"semester I 2026" for a named period, else the two dates."""
    named = period_of(date_from, date_to)
    return period_id(named) if named else f"{tanggal(date_from)} s.d. {tanggal(date_to)}"


def row(date_from: dt.date, date_to: dt.date, report: dict[str, Any]) -> dict[str, Any]:
    return {"period": period_label(date_from, date_to), "from": date_from.isoformat(), "to": date_to.isoformat(),
            "respondents": report["respondents"], "ikm": report["ikm"], "ikm_converted": report["ikm_converted"],
            "mutu": report["mutu"]}


def earlier_periods(engine: Engine, office_id: str, *, service: str | None, date_from: dt.date | None,
                    date_to: dt.date | None) -> tuple[list[dict[str, Any]], bool]:
    """The rows of every earlier period of the same length, oldest first, and whether MAX_PERIODS cut them
    short. A named period steps back by its kind (a semester to the semester before), any other range by its
    own length (collector.reports.previous_period); none before the first period holding data."""
    from collector.reports import office_report, previous_period

    if date_from is None or date_to is None:
        return [], False
    first = first_local_date(engine, office_id, service)
    if first is None or first >= date_from:
        return [], False
    found: list[dict[str, Any]] = []
    start, end = date_from, date_to
    while True:
        try:
            start, end = previous_period(start, end)
        except (ValueError, OverflowError):  # the calendar's first year has nothing before it
            break
        if end < first:
            break
        if len(found) == MAX_PERIODS:
            return list(reversed(found)), True
        found.append(row(start, end, office_report(engine, office_id, service=service, date_from=start,
                                                   date_to=end)))
    return list(reversed(found)), False


def trend_rows(source) -> list[dict[str, Any]]:
    """Earlier periods then the report's own, as the table and the XLSX print them."""
    scope = source.report["scope"]
    if not source.trend or not (scope.get("from") and scope.get("to")):
        return list(source.trend)
    own = row(dt.date.fromisoformat(scope["from"]), dt.date.fromisoformat(scope["to"]), source.report)
    return [*source.trend, own]


def chart(rows: list[dict[str, Any]], width: float) -> list:
    """The place of the trend chart (another module draws it, as collector/charts.py draws the per-unsur bars):
    returns its flowables once that module exists, nothing until then."""
    try:
        from collector import chart_trend  # type: ignore[attr-defined]
    except ImportError:
        return []
    drawing = getattr(chart_trend, "trend_drawing", None)
    return [drawing(rows, width=width)] if drawing else []


def chapter(source, d) -> list:
    """Tabel 4.4: IKM per period over every earlier period of the same kind, then the words that read it."""
    rows = trend_rows(source)
    if not rows:
        return [d.para("Belum ada data SKM pada periode-periode sebelumnya dalam basis data, sehingga tren jangka "
                       "panjang belum dapat disajikan.")]
    table = [["No", "Periode", "Responden", "IKM", "Konversi", "Mutu"]]
    table += [[i, r["period"], r["respondents"], angka(r["ikm"], 4), angka(r["ikm_converted"], 2), r["mutu"] or "-"]
              for i, r in enumerate(rows, 1)]
    flow = [d.para(f"Tren nilai SKM atas seluruh periode sejenis sejak data pertama tersimpan ({_e(rows[0]['period'])}) "
                   f"sampai periode laporan ini:"),
            *d.table(table, (6, 40, 14, 13, 13, 10), numeric=(0, 2, 3, 4), centre=(5,),
                     caption="Tabel 4.4 Tren IKM seluruh periode"),
            *chart(rows, d.width)]
    if source.trend_cut:
        flow.append(d.para(f"Hanya {MAX_PERIODS} periode terakhir yang ditampilkan."))
    valued = [r for r in rows if r["ikm_converted"] is not None]
    if len(valued) >= 2:
        best = max(valued, key=lambda r: r["ikm_converted"])
        low = min(valued, key=lambda r: r["ikm_converted"])
        flow.append(d.para(f"Nilai konversi tertinggi {angka(best['ikm_converted'], 2)} pada {_e(best['period'])}; "
                           f"terendah {angka(low['ikm_converted'], 2)} pada {_e(low['period'])}. Periode tanpa "
                           "responden ditandai \"-\"."))
    return flow


def _e(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text)
