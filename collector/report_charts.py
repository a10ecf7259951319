"""BAB IV's charts of the Laporan SKM: service x unsur, weekday x hour and channels, the dashboard's pictures as vectors.

`gather` reads what they need while the report's source is made (collector.reports.report_source);
`section` turns it into flowables. The words are Indonesian, as the whole report is.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from collector import chart_channels, chart_heatmap, chart_services, response_patterns
from collector.records import OfficeRecord
from collector.response_patterns import Cell


# Laid out narrower than the dashboard's 640 so that, scaled to the A4 text width, the cells' figures stay legible.
PICTURE_WIDTH = 520.0


@dataclass(frozen=True)
class AnalysisCharts:
    services: tuple[chart_services.Row, ...]
    hours: dict[tuple[int, int], Cell]
    channels: dict[str, Cell]


def gather(engine: Engine, office: OfficeRecord, service: str | None, date_from: dt.date | None,
           date_to: dt.date | None, report: dict[str, Any]) -> AnalysisCharts | None:
    """Nothing for a period without respondents or without both dates (the dashboard always has both)."""
    if not report["respondents"] or date_from is None or date_to is None:
        return None
    names = {s.id: s.name("id") for s in office.services}
    rows = chart_services.rows(engine, office.id, date_from, date_to, report, names, "Semua layanan") \
        if service is None else []
    return AnalysisCharts(tuple(rows), response_patterns.by_hour(engine, office, date_from, date_to, service),
                          response_patterns.by_channel(engine, office, date_from, date_to, service))


def section(source, d) -> list:
    """D. Nilai unsur per jenis layanan dan pola waktu: Gambar 4.2 and 4.3 with a sentence that reads each."""
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, Paragraph, Spacer

    from collector.chart_shapes import to_drawing
    from collector.report_text import angka
    from kiosk.i18n import translator

    charts: AnalysisCharts | None = getattr(source, "analysis", None)
    flow: list = [CondPageBreak(70 * mm), d.section("D. Nilai Unsur per Jenis Layanan dan Pola Waktu")]
    if charts is None:
        return flow + [d.para("Belum ada responden pada periode ini, sehingga pola per jenis layanan dan per waktu "
                              "belum dapat disajikan.")]
    if len(charts.services) > 1:
        picture = chart_services.picture(charts.services, decimal_comma=True, weakest="unsur terendah pada baris",
                                         strongest="unsur tertinggi pada baris", width=PICTURE_WIDTH)
        flow += [d.para("Nilai konversi setiap unsur pada setiap jenis layanan; warna sel menunjukkan rentang mutu, "
                        "bingkai merah unsur terendah dan bingkai hijau unsur tertinggi pada baris itu."),
                 Paragraph("Gambar 4.2 Nilai konversi unsur per jenis layanan", d.s.caption),
                 to_drawing(picture, d.width), Spacer(1, 5 * mm)]
    picture = chart_heatmap.picture(charts.hours, gettext=translator("id"), decimal_comma=True, width=PICTURE_WIDTH)
    busiest = max(charts.hours.items(), key=lambda item: (item[1].respondents, -item[0][0], -item[0][1]))
    days = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
    (day, hour), cell = busiest
    flow += [d.para(f"Waktu responden mengisi survei menurut jam kantor ({source.office.timezone}), per hari dan per "
                    f"jam, beserta nilai konversi IKM jawaban pada jam tersebut. Responden terbanyak mengisi pada hari "
                    f"{days[day]} pukul {hour:02d}.00-{hour:02d}.59 ({angka(cell.respondents, 0)} responden)."),
             Paragraph("Gambar 4.3 Responden dan nilai konversi IKM per hari dan jam", d.s.caption),
             to_drawing(picture, d.width), Spacer(1, 5 * mm)]
    gettext = translator("id")
    used = [f"{gettext(chart_channels.LABELS.get(c, c)).lower()} {angka(cell.respondents, 0)} responden"
            for c, cell in charts.channels.items() if cell.respondents]
    picture = chart_channels.picture(charts.channels, gettext=gettext, decimal_comma=True, width=PICTURE_WIDTH)
    flow += [d.para("Responden yang dihitung menurut kanal pengisian (" + ", ".join(used) + "), beserta nilai "
                    "konversi IKM jawaban dari setiap kanal."),
             Paragraph("Gambar 4.4 Responden dan nilai konversi IKM per kanal", d.s.caption),
             to_drawing(picture, d.width), Spacer(1, 5 * mm)]
    return flow
