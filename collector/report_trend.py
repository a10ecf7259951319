"""BAB IV's trend: the IKM of every earlier period of the same kind, back to the period where the office's
data starts, as a table (Tabel 4.4) and the dashboard's trend chart drawn as vectors (Gambar 4.1).

The periods and figures are collector/chart_trend.py's, so the paper and the dashboard show the same columns;
every row holds what the report JSON of its period (collector.reports.office_report) says, read for all the
periods at once from the running totals.
"""
from __future__ import annotations

import datetime as dt
from typing import Any
from xml.sax.saxutils import escape

from sqlalchemy.engine import Engine

from collector.followup import period_id, period_of
from collector.report_text import angka, tanggal


def period_label(label: str, date_from: dt.date, date_to: dt.date) -> str:
    """"semester I 2026" for a named period, else the two dates."""
    named = period_of(date_from, date_to)
    if named is None and len(label) == 4 and label.isdigit():  # this year up to a day in it counts as the year
        named = label
    return period_id(named) if named else f"{tanggal(date_from)} s.d. {tanggal(date_to)}"


def rows_for(engine: Engine, office_id: str, *, service: str | None, date_from: dt.date | None,
             date_to: dt.date | None, current: dict[str, Any] | None = None) -> tuple[list[dict[str, Any]], int]:
    """Every period of the trend, oldest first, ending with the report's own, and how many older ones with
    data were left out (chart_trend.MOST_PERIODS); nothing for an open-ended report or no earlier data.

    The figures are the dashboard trend's: one grouped read of the totals for every period
    (chart_trend.period_figures), `current` (the report's own JSON, when the caller has it) for the last."""
    from collector import chart_trend

    if date_from is None or date_to is None:
        return [], 0
    trend = chart_trend.trend(engine, office_id, date_from, date_to, service=service, current=current)
    if len(trend.points) < 2:
        return [], 0
    rows = [{"key": p.label, "period": period_label(p.label, p.date_from, p.date_to), "from": p.date_from.isoformat(),
             "to": p.date_to.isoformat(), "respondents": p.respondents, "ikm": p.ikm, "ikm_converted": p.ikm_converted,
             "mutu": p.mutu} for p in trend.points]
    return rows, trend.left_out


def trend_rows(source) -> list[dict[str, Any]]:
    return list(source.trend)


def figure(source, width: float) -> list:
    """Gambar 4.1: chart_trend's columns over the mutu bands, the same picture as the dashboard's."""
    from collector import chart_trend
    from collector.chart_shapes import to_drawing
    from kiosk.i18n import translator

    points = tuple(chart_trend.Point(r["key"], dt.date.fromisoformat(r["from"]), dt.date.fromisoformat(r["to"]),
                                     r["respondents"], r["ikm_converted"], r["mutu"]) for r in source.trend)
    picture = chart_trend.picture(chart_trend.Trend("", points, source.trend_left_out), gettext=translator("id"),
                                  decimal_comma=True)
    return [to_drawing(picture, width)]


def chapter(source, d) -> list:
    """Tabel 4.4 and Gambar 4.1, then the words that read them."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    rows = trend_rows(source)
    if not rows:
        return [d.para("Belum ada data SKM pada periode-periode sebelumnya dalam basis data, sehingga tren jangka "
                       "panjang belum dapat disajikan.")]
    table = [["No", "Periode", "Responden", "IKM", "Konversi", "Mutu"]]
    table += [[i, r["period"], r["respondents"], angka(r["ikm"], 4), angka(r["ikm_converted"], 2), r["mutu"] or "-"]
              for i, r in enumerate(rows, 1)]
    flow = [d.para(f"Tren nilai SKM atas seluruh periode sejenis sejak data pertama tersimpan "
                   f"({escape(rows[0]['period'])}) sampai periode laporan ini:"),
            *d.table(table, (6, 40, 14, 13, 13, 10), numeric=(0, 2, 3, 4), centre=(5,),
                     caption="Tabel 4.4 Tren IKM seluruh periode"),
            Paragraph("Gambar 4.1 Tren nilai konversi IKM dan rentang mutu", d.s.caption),
            *figure(source, d.width), Spacer(1, 5 * mm)]
    if source.trend_left_out:
        flow.append(d.para(f"{angka(source.trend_left_out, 0)} periode yang lebih lama juga memiliki data, tetapi "
                           f"tidak ditampilkan; hanya {angka(len(rows), 0)} periode terakhir yang disajikan."))
    valued = [r for r in rows if r["ikm_converted"] is not None]
    if len(valued) >= 2:
        best = max(valued, key=lambda r: r["ikm_converted"])
        low = min(valued, key=lambda r: r["ikm_converted"])
        flow.append(d.para(f"Nilai konversi tertinggi {angka(best['ikm_converted'], 2)} pada {escape(best['period'])};"
                           f" terendah {angka(low['ikm_converted'], 2)} pada {escape(low['period'])}."
                           + (" Periode tanpa responden ditandai \"-\"." if len(valued) < len(rows) else "")))
    return flow
