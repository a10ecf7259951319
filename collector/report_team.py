"""BAB II's team and schedule of the Laporan SKM (collector/survey_plan.py): the tim pelaksana with the decree
that appointed it, and the dates of the four stages. What the office has not recorded is said to be missing,
never invented; only the collection dates fall back to the period's first and last response."""
from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

from collector.followup import period_id
from collector.report_text import tanggal
from collector.survey_plan import STAGE_ID, STAGES, crosses_year

HOW = ("dapat dicatat pada dasbor (halaman Tim dan jadwal survei) atau dengan perintah "
       "<font face=\"Courier\">kiosk admin team add</font> dan <font face=\"Courier\">kiosk admin survey-plan</font>")


def _no_period(d) -> list:
    return [d.para("Tim pelaksana dan jadwal kegiatan dicatat per periode survei (tahun, semester atau triwulan); "
                   "laporan ini tidak dibatasi tanggal awal dan akhir, sehingga keduanya tidak dicetak.")]


def across_years(source) -> str | None:
    """The plain sentence for dates across a year boundary: whose team and schedule are printed, and why."""
    scope = source.report["scope"]
    start, end = (dt.date.fromisoformat(scope[k]) if scope.get(k) else None for k in ("from", "to"))
    if source.plan_period is None or not crosses_year(start, end):
        return None
    return (f"Rentang tanggal laporan ini ({tanggal(start)} sampai {tanggal(end)}) melewati "
            f"batas tahun, sedangkan tim pelaksana dan jadwal dicatat per periode survei; yang dicetak di sini adalah "
            f"tim dan jadwal {period_id(source.plan_period)}, periode yang mencakup akhir rentang laporan.")


def pelaksana(source, d) -> list:
    """Tabel 2.1: the team, then the decree; or a plain sentence that they are not recorded."""
    if source.plan_period is None:
        return _no_period(d)
    period = period_id(source.plan_period)
    flow: list = [d.para(escape(note)) for note in (across_years(source),) if note]
    if source.team:
        rows = [["No", "Nama", "Jabatan", "Kedudukan dalam tim"]]
        rows += [[i, m.name, m.position or "-", m.role] for i, m in enumerate(source.team, 1)]
        flow += d.table(rows, (6, 36, 34, 24), numeric=(0,), caption=f"Tabel 2.1 Tim pelaksana SKM {period}")
    else:
        flow.append(d.para(f"Susunan tim pelaksana SKM {escape(period)} belum dicatat; {HOW}."))
    plan = source.survey_plan
    if plan is not None and plan.decree_number:
        when = f" tanggal {tanggal(plan.decree_date)}" if plan.decree_date else " (tanggalnya belum dicatat)"
        flow.append(d.para(f"Tim pelaksana ditetapkan dengan surat keputusan (SK) Nomor {escape(plan.decree_number)}"
                           f"{when}."))
    else:
        flow.append(d.para("Nomor dan tanggal surat keputusan (SK) pembentukan tim pelaksana belum dicatat."))
    return flow


def schedule_rows(source) -> list[tuple[str, str | None, str | None, str]]:
    """(stage, from, to, remark) of the four stages, as the PDF and the XLSX print them."""
    stages = source.survey_plan.stages if source.survey_plan is not None else {s: None for s in STAGES}
    span = source.span
    out = []
    for stage in STAGES:
        dates = stages.get(stage)
        if dates:
            out.append((STAGE_ID[stage], dates[0], dates[1], ""))
        elif stage == "collection" and span:
            out.append((STAGE_ID[stage], span[0].isoformat(), span[1].isoformat(),
                        "dari respons pertama dan terakhir"))
        else:
            out.append((STAGE_ID[stage], None, None, "belum dicatat"))
    return out


def jadwal(source, d) -> list:
    """Tabel 2.4: the schedule of the survey's stages."""
    if source.plan_period is None:
        return []
    rows = [["No", "Tahap kegiatan", "Mulai", "Selesai", "Keterangan"]]
    recorded = schedule_rows(source)
    rows += [[i, stage, tanggal(start), tanggal(end), remark or "-"]
             for i, (stage, start, end, remark) in enumerate(recorded, 1)]
    flow = d.table(rows, (6, 22, 19, 19, 34), numeric=(0,),
                   caption=f"Tabel 2.4 Jadwal kegiatan SKM {period_id(source.plan_period)}")
    missing = [stage.lower() for stage, start, _, remark in recorded if start is None or remark]
    if missing:
        listed = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " dan " + missing[-1]
        flow.append(d.para(f"Jadwal tahap {listed} belum dicatat; {HOW}."))
    return flow
