"""The workbook's annex sheets of the Laporan SKM: the questionnaire as asked and the trend over every earlier
period (and the team, the schedule and the follow-up plan once recorded), the same tables the PDF prints."""
from __future__ import annotations

from collector.report_questionnaire import LANGUAGES, languages, questions
from collector.report_trend import trend_rows
from collector.report_xlsx import CONVERTED, COUNT, INDEX, _cell, _header, _widths

SHEETS = ("Kuesioner", "Tren")


def add_sheets(book, source) -> None:
    _questionnaire(book.create_sheet(SHEETS[0]), source)
    _trend(book.create_sheet(SHEETS[1]), source)


def _questionnaire(sheet, source) -> None:
    _widths(sheet, (18, 8, 70, 70, 12))
    sheet.freeze_panes = "A2"
    sheet.append(_header(sheet, ("Bahasa", "Kode", "Pertanyaan", "Pilihan jawaban", "Responden")))
    questionnaire = source.office.questionnaire()
    for code, n in languages(source.responses):
        for number, question, options in questions(questionnaire, source.office.services, code):
            sheet.append([_cell(sheet, LANGUAGES.get(code, code)), _cell(sheet, number), _cell(sheet, question),
                          _cell(sheet, options), _cell(sheet, n, COUNT)])


def _trend(sheet, source) -> None:
    _widths(sheet, (36, 12, 12, 12, 10, 10, 8))
    sheet.freeze_panes = "A2"
    sheet.append(_header(sheet, ("Periode", "Dari", "Sampai", "Responden", "IKM", "Nilai konversi", "Mutu")))
    for r in trend_rows(source):
        sheet.append([_cell(sheet, r["period"]), _cell(sheet, r["from"]), _cell(sheet, r["to"]),
                      _cell(sheet, r["respondents"], COUNT), _cell(sheet, r["ikm"], INDEX),
                      _cell(sheet, r["ikm_converted"], CONVERTED), _cell(sheet, r["mutu"] or "-")])
