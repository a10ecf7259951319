"""The Laporan SKM as a workbook: summary, unsur, services, respondent profile and the raw data.

Every number is the report JSON's (computed by kiosk.ikm) stored as a number with a number
format, so the workbook shows what the PDF shows and a spreadsheet can still add it up.
Text is always written as text: a comment starting with "=" never becomes a formula.
"""
from __future__ import annotations

import datetime as dt
import io
from typing import Any, BinaryIO, Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from collector.report_text import channel_label, period_text, profile_rows, service_names
from collector.report_counting import excluded_rows, flagged_rows, rule_sentence, service_caveat, status_label
from collector.reports import ReportSource
from kiosk.questionnaire import PROFILE_FIELDS

SHEETS = ("Ringkasan", "Per unsur", "Per layanan", "Profil responden", "Data")
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Counts with a thousands separator: Excel and LibreOffice show it as the reader's locale writes it (1.234 in
# Indonesian); a literal "." in the format would turn into a decimal point elsewhere.
COUNT = "#,##0"
INDEX = "0.0000"           # NRR and IKM on the 1..4 scale, as reports print them
INDEX_FULL = "0.0000####"  # the unrounded IKM: at least 4 decimals, up to 8
WEIGHTED = "0.000"
CONVERTED = "0.00"
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
MOMENT = "yyyy-mm-dd hh:mm:ss"

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_MUTED = Font(color="808080", size=9)
_HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
_WRAP = Alignment(wrap_text=True, vertical="top")


def build_xlsx(source: ReportSource, *, with_comments: bool = False,
               generated_at: dt.datetime | None = None) -> bytes:
    """The workbook as bytes (small reports, tests); downloads use write_xlsx."""
    out = io.BytesIO()
    write_xlsx(source, out, with_comments=with_comments, generated_at=generated_at)
    return out.getvalue()


def write_xlsx(source: ReportSource, out: BinaryIO, *, with_comments: bool = False,
               generated_at: dt.datetime | None = None) -> None:
    """The workbook into a binary file. Comments stay out unless asked for: they may name people.

    openpyxl's write-only mode keeps each sheet in a temporary file as rows arrive, and the Data sheet's
    rows come one at a time from a database cursor, so memory stays flat however large the office."""
    book = Workbook(write_only=True)
    _summary(book.create_sheet(SHEETS[0]), source, generated_at or dt.datetime.now(dt.timezone.utc))
    _unsur(book.create_sheet(SHEETS[1]), source.report)
    _services(book.create_sheet(SHEETS[2]), source)
    _profile(book.create_sheet(SHEETS[3]), source.report)
    _data(book.create_sheet(SHEETS[4]), source, with_comments)
    from collector import report_xlsx_annex  # after Data: it imports this module's cell helpers

    report_xlsx_annex.add_sheets(book, source)
    book.save(out)


def _cell(sheet, value: Any, number_format: str | None = None, font: Font | None = None,
          fill: PatternFill | None = None, alignment: Alignment | None = None) -> WriteOnlyCell:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    elif isinstance(value, float):
        # openpyxl writes numbers with "%.16g", one digit short of a double's round trip; the
        # shortest repr reads back as the very same float, so the workbook equals the JSON exactly.
        cell.value = repr(value)
        cell.data_type = "n"
    if number_format and value is not None and not isinstance(value, str):
        cell.number_format = number_format
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if alignment:
        cell.alignment = alignment
    return cell


def _plain(sheet, value: Any) -> Any:
    """The value itself when openpyxl would write it as it is, else a text cell."""
    if isinstance(value, str) and (value.startswith("=") or ILLEGAL_CHARACTERS_RE.search(value)):
        return _cell(sheet, value)
    return value


def _header(sheet, names: Iterable[str]) -> list[WriteOnlyCell]:
    return [_cell(sheet, name, font=_BOLD, fill=_HEADER_FILL, alignment=_WRAP) for name in names]


def _widths(sheet, widths: Iterable[float]) -> None:
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _yes_no(value: bool | None) -> str:
    return "-" if value is None else ("Ya" if value else "Tidak")


def _summary(sheet, source: ReportSource, generated_at: dt.datetime) -> None:
    report, office = source.report, source.office
    scope, sample = report["scope"], report["sample"]
    service = scope.get("service_id")
    _widths(sheet, (44, 44, 26))
    sheet.append([_cell(sheet, "Laporan Survei Kepuasan Masyarakat", font=_TITLE)])
    sheet.append([_cell(sheet, office.name, font=_BOLD)])
    sheet.append([_cell(sheet, "Permen PANRB Nomor 14 Tahun 2017", font=_MUTED)])
    sheet.append([])
    sheet.append(_header(sheet, ("Uraian", "Nilai", "Kunci di laporan JSON")))
    span = source.span
    rows: list[tuple[str, Any, str | None, str]] = [
        ("Kantor", office.name, None, "-"),
        ("Kode kantor", office.id, None, "scope.office_id"),
        ("Jenis layanan", service_names(office).get(service, service) if service else "Semua layanan", None,
         "scope.service_id"),
        ("Periode", period_text(scope, span), None, "-"),
        ("Periode dari", dt.date.fromisoformat(scope["from"]) if scope.get("from") else "-", DATE, "scope.from"),
        ("Periode sampai", dt.date.fromisoformat(scope["to"]) if scope.get("to") else "-", DATE, "scope.to"),
        ("Jumlah responden", report["respondents"], COUNT, "respondents"),
        ("Survei tidak selesai (tidak dihitung)", source.abandoned, COUNT, "-"),
        ("IKM (nilai indeks 1-4, tanpa pembulatan)", report["ikm"], INDEX_FULL, "ikm"),
        ("Nilai konversi (IKM x 25)", report["ikm_converted"], CONVERTED, "ikm_converted"),
        ("Mutu pelayanan", report["mutu"], None, "mutu"),
        ("Kinerja unit pelayanan", report["kinerja"], None, "kinerja"),
        ("Populasi (penerima layanan dalam periode)", sample["population"], COUNT, "sample.population"),
        ("Jumlah sampel minimum (Krejcie-Morgan)", sample["required"], COUNT, "sample.required"),
        ("Jumlah sampel mencukupi", _yes_no(sample["sufficient"]), None, "sample.sufficient"),
        ("Jawaban paling sedikit pada satu unsur", sample.get("smallest_answered"), COUNT, "sample.smallest_answered"),
        ("Teknik sampling", "accidental sampling; sampel minimum menurut rumus Krejcie-Morgan (X² = 3,841; "
                            "P = 0,5; d = 0,05)", None, "-"),
        *((f"Responden - {channel_label(channel)}", count, COUNT, f"channels.{channel}")
          for channel, count in report.get("channels", {}).items()),
        *((f"Tidak dihitung - {label}", count, COUNT, f"excluded.{key}") for key, label, count in excluded_rows(report)),
        *((f"Dihitung, dengan catatan - {label}", count, COUNT, f"flagged.{key}")
          for key, label, count in flagged_rows(report)),
        ("Aturan penghitungan", rule_sentence(report), None, "counting_rule"),
        ("Dibuat pada (UTC)", generated_at.astimezone(dt.timezone.utc).replace(tzinfo=None), MOMENT, "-"),
    ]
    for label, value, number_format, key in rows:
        sheet.append([_cell(sheet, label), _cell(sheet, "-" if value is None else value, number_format),
                      _cell(sheet, key, font=_MUTED)])
    sheet.append([])
    for note in ("NRR per unsur = jumlah nilai / jumlah jawaban (jawaban kosong tidak dihitung); "
                 "IKM = jumlah NRR x bobot (bobot sama, pecahan eksak); nilai konversi = IKM x 25, "
                 "dibulatkan dua desimal sekali saja.",
                 "Angka dihitung oleh mesin IKM skm-kiosk; pembulatan di lembar lain hanya untuk tampilan.",
                 "Lembar Data: satu baris per survei selesai; channel kiosk = anjungan survei di loket, web = tautan/QR, "
                 "paper = kuesioner kertas; local_time = waktu setempat kantor."):
        sheet.append([_cell(sheet, note, font=_MUTED)])


def _unsur(sheet, report: dict[str, Any]) -> None:
    _widths(sheet, (8, 42, 12, 12, 10, 14, 12, 8))
    sheet.freeze_panes = "A2"
    sheet.append(_header(sheet, ("Kode", "Unsur", "Jumlah jawaban", "Jumlah nilai", "NRR", "NRR tertimbang",
                                 "Nilai konversi", "Mutu")))
    for u in report["unsur"]:
        sheet.append([_cell(sheet, u["code"]), _cell(sheet, u["name"]), _cell(sheet, u["answered"], COUNT),
                      _cell(sheet, u["sum"], COUNT), _cell(sheet, u["nrr"], INDEX),
                      _cell(sheet, u["nrr_weighted"], WEIGHTED), _cell(sheet, u["converted"], CONVERTED),
                      _cell(sheet, u["mutu"])])
    sheet.append([_cell(sheet, "IKM", font=_BOLD), _cell(sheet, "Nilai IKM (jumlah NRR tertimbang)", font=_BOLD),
                  _cell(sheet, report["respondents"], COUNT, font=_BOLD), None, None,
                  _cell(sheet, report["ikm"], INDEX, font=_BOLD),
                  _cell(sheet, report["ikm_converted"], CONVERTED, font=_BOLD),
                  _cell(sheet, report["mutu"], font=_BOLD)])


def _services(sheet, source: ReportSource) -> None:
    names = service_names(source.office)
    _widths(sheet, (16, 36, 12, 10, 12, 8, 14))
    sheet.freeze_panes = "A2"
    sheet.append(_header(sheet, ("Kode layanan", "Jenis layanan", "Responden", "IKM", "Nilai konversi", "Mutu",
                                 "Kinerja", "Catatan sampel")))
    for s in source.report.get("services", []):
        sid = s["service_id"]
        sheet.append([_cell(sheet, sid or "-"), _cell(sheet, names.get(sid, sid)), _cell(sheet, s["respondents"], COUNT),
                      _cell(sheet, s["ikm"], INDEX), _cell(sheet, s["ikm_converted"], CONVERTED),
                      _cell(sheet, s["mutu"]), _cell(sheet, s["kinerja"]), _cell(sheet, service_caveat(s) or "-")])


def _profile(sheet, report: dict[str, Any]) -> None:
    _widths(sheet, (18, 26, 12, 12))
    sheet.freeze_panes = "A2"
    sheet.append(_header(sheet, ("Karakteristik", "Kategori", "Jumlah", "Persentase")))
    for _, label, rows in profile_rows(report.get("profile", {})):
        total = sum(count for _, count in rows)
        for option, count in rows:
            sheet.append([_cell(sheet, label), _cell(sheet, option), _cell(sheet, count, COUNT),
                          _cell(sheet, count / total if total else None, PERCENT)])


def _data(sheet, source: ReportSource, with_comments: bool) -> None:
    """One row per complete response in scope: counted ones and those the counting rule left out, each
    with its status and flags, so every number of the report can be traced to its rows."""
    codes = [u["code"] for u in source.report["unsur"]]
    profile_keys = [f.key for f in PROFILE_FIELDS]
    columns = ["id", "service", "channel", "submitted_at", "local_time", *codes, *profile_keys, "status", "flags"]
    if with_comments:
        columns.append("comment")
    _widths(sheet, (38, 14, 10, 27, 20, *([5] * len(codes)), *([12] * len(profile_keys)), 28, 18, 60))
    sheet.freeze_panes = "B2"
    sheet.append(_header(sheet, columns))
    tz = source.office.tz
    for r, reason in source.statuses:
        # A device clock the collector did not believe ("clock") gives no local time worth showing.
        local = None if "clock" in r.flags else dt.datetime.fromisoformat(r.submitted_at).astimezone(tz).replace(
            tzinfo=None)
        # Plain values are twice as fast as cells on large offices; ids, channels, timestamps and profile
        # keys were validated at ingest, and _plain still sends anything formula-like through _cell.
        row: list[Any] = [_plain(sheet, r.id), _plain(sheet, r.service_id), _plain(sheet, r.channel),
                          _plain(sheet, r.submitted_at), _cell(sheet, local, MOMENT)]
        row += [r.answers.get(code) for code in codes]
        row += [_plain(sheet, r.profile.get(key)) for key in profile_keys]
        row += [_plain(sheet, status_label(reason)), _plain(sheet, ",".join(r.flags))]
        if with_comments:
            row.append(_cell(sheet, r.comment))
        sheet.append(row)
