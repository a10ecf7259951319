"""The workbook's annex sheets of the Laporan SKM: the team and schedule, the questionnaire as asked, the
trend over every earlier period, the follow-up plan and the kritik dan saran, the same tables the PDF prints."""
from __future__ import annotations

from collector.report_questionnaire import LANGUAGES, languages, questions
from collector.report_trend import trend_rows
from collector.report_xlsx import CONVERTED, COUNT, INDEX, _cell, _header, _widths

SHEETS = ("Tim & Jadwal", "Kuesioner", "Tren", "Rencana Tindak Lanjut", "Kritik dan Saran")


def add_sheets(book, source) -> None:
    _team(book.create_sheet(SHEETS[0]), source)
    _questionnaire(book.create_sheet(SHEETS[1]), source)
    _trend(book.create_sheet(SHEETS[2]), source)
    _plans(book.create_sheet(SHEETS[3]), source)
    _suggestions(book.create_sheet(SHEETS[4]), source)


def _suggestions(sheet, source) -> None:
    """BAB IV E: Tabel 4.5 (comments per unsur they talk about), their moderation and the approved examples,
    the numbers the PDF and the dashboard show (collector/suggestions.Summary). Only approved comments are
    quoted: the others may name people."""
    from collector.suggestions import APPROVED, HIDDEN, NEW, summary_rows

    _widths(sheet, (60, 14, 14))
    found = source.suggestions
    if found is None:
        sheet.append([_cell(sheet, "-"), _cell(sheet, "kritik dan saran tidak dihitung untuk laporan ini")])
        return
    names = {u.code: u.name("id") for u in source.office.questionnaire().scored_items}
    rows = summary_rows(found, names)
    sheet.append(_header(sheet, rows[0]))
    for label, count in rows[1:]:
        sheet.append([_cell(sheet, label), _cell(sheet, count, COUNT)])
    sheet.append([])
    sheet.append(_header(sheet, ("Status moderasi", "Jumlah saran")))
    for label, state in (("Disetujui untuk dipublikasikan", APPROVED), ("Disembunyikan (tetap disimpan)", HIDDEN),
                         ("Belum ditinjau", NEW)):
        sheet.append([_cell(sheet, label), _cell(sheet, found.states.get(state, 0), COUNT)])
    sheet.append([])
    sheet.append(_header(sheet, ("Contoh kritik dan saran yang disetujui untuk dipublikasikan", "Tanggal",
                                 "Kode layanan")))
    for s in found.examples:
        sheet.append([_cell(sheet, s.text), _cell(sheet, s.local_date), _cell(sheet, s.service_id or "-")])
    if not found.examples:
        sheet.append([_cell(sheet, "belum ada kritik dan saran yang disetujui untuk dipublikasikan")])


def _plans(sheet, source) -> None:
    """This period's plan, the previous period's with its realisation, then every edit of them (audit log)."""
    from collector.followup import STATUS_ID, period_id
    from collector.report_plan_audit import rows as edits

    _widths(sheet, (20, 14, 8, 48, 18, 26, 16, 48, 14))
    sheet.append(_header(sheet, ("Bagian", "Periode", "Unsur", "Rencana tindak lanjut", "Waktu", "Penanggung jawab",
                                 "Status", "Realisasi", "Tanggal forum")))
    for part, plans in (("Periode ini", source.plan), ("Periode sebelumnya", source.previous_plan)):
        for p in plans:
            sheet.append([_cell(sheet, part), _cell(sheet, period_id(p.period)), _cell(sheet, p.unsur),
                          _cell(sheet, p.action), _cell(sheet, p.quarter_id), _cell(sheet, p.person),
                          _cell(sheet, STATUS_ID.get(p.status, p.status)), _cell(sheet, p.note or "-"),
                          _cell(sheet, p.forum_date or "-")])
    if not source.plan and not source.previous_plan:
        sheet.append([_cell(sheet, "-"), _cell(sheet, "belum ada rencana tindak lanjut yang dicatat")])
    sheet.append([])
    sheet.append(_header(sheet, ("Perubahan (log audit)", "Waktu setempat", "Oleh", "Rencana (unsur)", "Perubahan")))
    for when, who, plan, what in edits(source.plan_audit, source.office.tz):
        sheet.append([None, _cell(sheet, when), _cell(sheet, who), _cell(sheet, plan), _cell(sheet, what)])


def _team(sheet, source) -> None:
    """The period, the decree, the team and the schedule, each block under its own header row."""
    from collector.followup import period_id
    from collector.report_team import schedule_rows

    _widths(sheet, (22, 36, 34, 30, 44))
    period = source.plan_period
    plan = source.survey_plan
    sheet.append(_header(sheet, ("Uraian", "Nilai")))
    from collector.report_team import across_years

    sheet.append([_cell(sheet, "Periode survei"), _cell(sheet, period_id(period) if period else
                                                        "- (laporan tanpa tanggal awal dan akhir)")])
    if across_years(source):
        sheet.append([_cell(sheet, "Catatan"), _cell(sheet, across_years(source))])
    sheet.append([_cell(sheet, "Nomor SK tim pelaksana"),
                  _cell(sheet, plan.decree_number if plan and plan.decree_number else "belum dicatat")])
    sheet.append([_cell(sheet, "Tanggal SK"), _cell(sheet, plan.decree_date if plan and plan.decree_date else
                                                    "belum dicatat")])
    sheet.append([])
    sheet.append(_header(sheet, ("No", "Nama", "Jabatan", "Kedudukan dalam tim")))
    for i, m in enumerate(source.team, 1):
        sheet.append([_cell(sheet, i, COUNT), _cell(sheet, m.name), _cell(sheet, m.position or "-"),
                      _cell(sheet, m.role)])
    if not source.team:
        sheet.append([_cell(sheet, "-"), _cell(sheet, "belum dicatat")])
    sheet.append([])
    sheet.append(_header(sheet, ("No", "Tahap kegiatan", "Mulai", "Selesai", "Keterangan")))
    if period:
        for i, (stage, start, end, remark) in enumerate(schedule_rows(source), 1):
            sheet.append([_cell(sheet, i, COUNT), _cell(sheet, stage), _cell(sheet, start or "-"),
                          _cell(sheet, end or "-"), _cell(sheet, remark or "-")])
    if source.team_audit:  # as the plan edits under the Rencana Tindak Lanjut sheet
        from collector.report_plan_audit import team_rows

        sheet.append([])
        sheet.append(_header(sheet, ("Perubahan (log audit)", "Waktu setempat", "Oleh", "Bagian", "Perubahan")))
        for when, who, part, what in team_rows(source.team_audit, source.office.tz):
            sheet.append([None, _cell(sheet, when), _cell(sheet, who), _cell(sheet, part), _cell(sheet, what)])


def _questionnaire(sheet, source) -> None:
    _widths(sheet, (18, 8, 70, 70, 12))
    sheet.freeze_panes = "A2"
    sheet.append(_header(sheet, ("Bahasa", "Kode", "Pertanyaan", "Pilihan jawaban", "Responden")))
    questionnaire = source.office.questionnaire()
    for code, n in languages(source.locales):
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
