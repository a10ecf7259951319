"""The chapters of the Laporan SKM (cover, BAB I-IV, penutup, lampiran) as reportlab flowables.

Fixed wording is the customary wording of SKM reports; every number is read from the report
JSON (kiosk.ikm). Nothing is invented: what the office must add (follow-up actions, signature,
population when unknown) is shown as a blank to fill, and said to be one.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from collector.report_text import (angka, bilangan, channel_counts, channel_label, persen, profile_rows,
                                   service_names, tanggal)
from collector import report_charts, report_documentation, report_plan_audit, report_questionnaire, report_team, \
    report_trend
from collector.report_method import sampling
from collector.report_rounding import printed_weighted_sum, rounding_note
from collector.report_counting import audit_summary, excluded_rows, flagged_rows, rule_sentence, service_caveat
from collector.reports import ReportSource, previous_period
from collector.followup import STATUS_ID, period_id, period_of

REGULATION = ("Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 14 Tahun 2017 "
              "tentang Pedoman Penyusunan Survei Kepuasan Masyarakat Unit Penyelenggara Pelayanan Publik")
LAW = "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik"
GOVERNMENT_REGULATION = ("Peraturan Pemerintah Nomor 96 Tahun 2012 tentang Pelaksanaan Undang-Undang Nomor 25 "
                         "Tahun 2009 tentang Pelayanan Publik")
FORUM_REGULATION = ("Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 16 Tahun 2017 "
                    "tentang Pedoman Penyelenggaraan Forum Konsultasi Publik di Lingkungan Unit Penyelenggara "
                    "Pelayanan Publik")
CLASSES = (  # Permen PANRB 14/2017: nilai persepsi, interval IKM, interval konversi, mutu, kinerja
    ("1", "1,00 - 2,5996", "25,00 - 64,99", "D", "Tidak baik"),
    ("2", "2,60 - 3,064", "65,00 - 76,60", "C", "Kurang baik"),
    ("3", "3,0644 - 3,532", "76,61 - 88,30", "B", "Baik"),
    ("4", "3,5324 - 4,00", "88,31 - 100,00", "A", "Sangat baik"),
)
_HEADER = colors.HexColor("#DDE5F0")
_TOTAL = colors.HexColor("#F1F1F1")


def _p(text: str, style) -> Paragraph:
    return Paragraph(text, style)


def _e(text: Any) -> str:
    return escape("-" if text is None else str(text))


class _Doc:
    """Helpers bound to the styles and the text width."""

    def __init__(self, styles, width: float):
        self.s, self.width = styles, width

    def chapter(self, number: str, title: str) -> list:
        heading = _p(f"{number}<br/>{title}" if number else title, self.s.chapter)
        heading.toc = (0, f"{number} {title}".strip())  # read by the document template for the daftar isi
        return [PageBreak(), heading]

    def section(self, title: str) -> Paragraph:
        heading = _p(title, self.s.section)
        heading.toc = (1, title)
        return heading

    def para(self, text: str) -> Paragraph:
        return _p(text, self.s.body)

    def items(self, texts: Sequence[str], numbered: bool = True) -> list:
        return [Paragraph(text, self.s.item, bulletText=f"{i}." if numbered else "•")
                for i, text in enumerate(texts, 1)]

    def table(self, rows: Sequence[Sequence[Any]], widths: Sequence[float], *, numeric: Sequence[int] = (),
              centre: Sequence[int] = (), total_rows: int = 0, caption: str | None = None,
              extra: Sequence[tuple] = (), row_heights=None) -> list:
        """A grid table: the first row is the header; `numeric` columns align right; the last
        `total_rows` rows are shaded and bold."""
        body = []
        for r, row in enumerate(rows):
            bold = r == 0 or r >= len(rows) - total_rows
            style = self.s.cell_bold if bold else self.s.cell
            body.append([cell if not isinstance(cell, (str, int, float)) and cell is not None
                         else _p(_e(_shown(cell)), style) for cell in row])
        scale = self.width / sum(widths)
        table = Table(body, colWidths=[w * scale for w in widths], repeatRows=1, rowHeights=row_heights)
        commands = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#808080")),
            ("BACKGROUND", (0, 0), (-1, 0), _HEADER),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ]
        if total_rows:
            commands.append(("BACKGROUND", (0, len(rows) - total_rows), (-1, -1), _TOTAL))
        table.setStyle(TableStyle(commands + list(extra)))
        for column in numeric:
            for row in body:
                if isinstance(row[column], Paragraph):
                    row[column].style = _aligned(row[column].style, 2)
        for column in centre:
            for row in body:
                if isinstance(row[column], Paragraph):
                    row[column].style = _aligned(row[column].style, 1)
        flow = [_p(caption, self.s.caption)] if caption else []
        # Short tables stay on one page with their caption; long ones break and repeat their header.
        placed = [KeepTogether(flow + [table])] if len(rows) <= 25 else [*flow, table]
        return [*placed, Spacer(1, 5 * mm)]


def _shown(cell: Any) -> Any:
    """Whole numbers in a table as Indonesians write them (1.234); text stays as it is."""
    return bilangan(cell) if isinstance(cell, int) and not isinstance(cell, bool) else cell


_ALIGNED: dict[tuple[str, int], Any] = {}


def _aligned(style, alignment: int):
    key = (style.name, alignment)
    if key not in _ALIGNED:
        from reportlab.lib.styles import ParagraphStyle

        _ALIGNED[key] = ParagraphStyle(f"{style.name}-{alignment}", parent=style, alignment=alignment)
    return _ALIGNED[key]


def story(source: ReportSource, styles, *, period: str, generated_at: dt.datetime, width: float) -> list:
    d = _Doc(styles, width)
    return [*_cover(source, d, period, generated_at), *_preface(source, d, period),
            *_bab1(source, d, period), *_bab2(source, d, period),
            *_bab3(source, d), *_bab4(source, d), *_penutup(source, d, period), *_lampiran(source, d)]


def _scope_service(source: ReportSource) -> str | None:
    service = source.report["scope"].get("service_id")
    return service_names(source.office).get(service, service) if service else None


def _cover(source: ReportSource, d: _Doc, period: str, generated_at: dt.datetime) -> list:
    s = d.s
    service = _scope_service(source)
    flow = [Spacer(1, 25 * mm), *_logo(source.office.logo), Spacer(1, 10 * mm), _p("LAPORAN", s.cover_title), _p("SURVEI KEPUASAN MASYARAKAT", s.cover_title),
            _p("(SKM)", s.cover), Spacer(1, 30 * mm), _p(_e(source.office.name).upper(), s.cover_office)]
    if service:
        flow += [Spacer(1, 4 * mm), _p(f"Jenis layanan: {_e(service)}", s.cover)]
    years = sorted({day[:4] for day in (source.report["scope"].get("from"), source.report["scope"].get("to")) if day})
    flow += [Spacer(1, 10 * mm), _p(f"Periode {_e(period)}", s.cover)]
    if years:
        flow += [Spacer(1, 4 * mm), _p("TAHUN " + " - ".join(years), s.cover_office)]
    flow += [Spacer(1, 45 * mm),
             _p("Disusun sesuai Peraturan Menteri PANRB Nomor 14 Tahun 2017", s.cover),
             _p(f"Dibuat dengan skm-kiosk pada {tanggal(generated_at.date())}", s.cover_note)]
    return flow


def _logo(path: str | None) -> list:
    """The office's logo when its file is readable on this machine (the config may name a kiosk's path)."""
    from reportlab.platypus import Image

    if not path:
        return [Spacer(1, 30 * mm)]
    try:
        image = Image(path)
        scale = min(30 * mm / image.imageHeight, 30 * mm / image.imageWidth)
        image.drawHeight, image.drawWidth = image.imageHeight * scale, image.imageWidth * scale
        return [image]
    except Exception:  # missing or unreadable: a report without a logo is still a report
        return [Spacer(1, 30 * mm)]


def _preface(source: ReportSource, d: _Doc, period: str) -> list:
    """Kata pengantar and daftar isi, as every Laporan SKM opens."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus.tableofcontents import TableOfContents

    name = _e(source.office.name)
    contents = TableOfContents(dotsMinLevel=0)
    contents.levelStyles = [
        ParagraphStyle("toc0", parent=d.s.left, fontName=d.s.section.fontName, spaceBefore=5, spaceAfter=1),
        ParagraphStyle("toc1", parent=d.s.left, leftIndent=8 * mm, spaceAfter=0),
    ]
    return [
        PageBreak(), _p("KATA PENGANTAR", d.s.chapter),
        d.para(f"Laporan ini menyajikan hasil Survei Kepuasan Masyarakat (SKM) pada {name} untuk periode "
               f"{_e(period)}, disusun sesuai {REGULATION}."),
        d.para("Hasil survei menunjukkan tingkat kepuasan masyarakat terhadap setiap unsur pelayanan, sekaligus "
               "unsur yang perlu diperbaiki. Kami menyampaikan terima kasih kepada masyarakat yang telah "
               "meluangkan waktu mengisi kuesioner, serta kepada semua pihak yang membantu pelaksanaan survei."),
        d.para("Semoga laporan ini bermanfaat sebagai bahan perbaikan kualitas pelayanan publik."),
        Spacer(1, 8 * mm),
        *_signature(d, name),
        PageBreak(), _p("DAFTAR ISI", d.s.chapter), contents,
    ]


def _signature(d: _Doc, name: str) -> list:
    """A signature block for the head of the office to fill in and sign."""
    rows = [["", _p("........................., ...............................", d.s.left)],
            ["", _p(f"Kepala {name}", d.s.left)], ["", ""],
            ["", _p("(.............................................)", d.s.left)],
            ["", _p("NIP. ........................................", d.s.left)]]
    return [KeepTogether([Table(rows, colWidths=[d.width * 0.45, d.width * 0.55],
                                rowHeights=[None, None, 22 * mm, None, None])])]


def _bab1(source: ReportSource, d: _Doc, period: str) -> list:
    office = _e(source.office.name)
    return [
        *d.chapter("BAB I", "PENDAHULUAN"),
        d.section("A. Latar Belakang"),
        d.para(f"Pelayanan publik yang baik adalah hak setiap warga negara. {LAW} mewajibkan penyelenggara "
               "pelayanan publik menilai kinerja penyelenggaraan pelayanannya secara berkala, dan pendapat "
               "masyarakat penerima layanan adalah salah satu ukurannya."),
        d.para("Survei Kepuasan Masyarakat (SKM) adalah kegiatan pengukuran secara komprehensif tentang tingkat "
               "kepuasan masyarakat, yang diperoleh dari pendapat masyarakat setelah menerima pelayanan dari "
               "penyelenggara pelayanan publik. Setiap unit penyelenggara pelayanan publik melaksanakan SKM "
               "paling sedikit sekali setahun dan mempublikasikan hasilnya."),
        d.para(f"Laporan ini menyajikan hasil SKM pada {office} untuk periode {_e(period)}."),
        d.section("B. Dasar Pelaksanaan"),
        *d.items([f"{LAW};", f"{GOVERNMENT_REGULATION};", f"{REGULATION};",
                  f"{FORUM_REGULATION}, yang menjadi pedoman forum konsultasi publik untuk membahas rencana tindak "
                  "lanjut hasil survei."]),
        d.section("C. Maksud dan Tujuan"),
        d.para(f"SKM dimaksudkan untuk mengukur tingkat kepuasan masyarakat sebagai pengguna layanan terhadap "
               f"pelayanan yang diberikan oleh {office}. Tujuannya adalah:"),
        *d.items(["mengetahui kelemahan dan kekuatan setiap unsur pelayanan;",
                  "mengukur kinerja penyelenggaraan pelayanan secara berkala;",
                  "menjadi bahan penetapan kebijakan dan tindak lanjut perbaikan kualitas pelayanan;",
                  "mendorong partisipasi masyarakat dalam menilai kinerja pelayanan."]),
    ]


def _bab2(source: ReportSource, d: _Doc, period: str) -> list:
    report, office = source.report, source.office
    name = _e(office.name)
    unsur = report["unsur"]
    channels = channel_counts(report["channels"])
    collected = sum(channels.values())
    channel_rows = [["Saluran pengumpulan data", "Responden", "Persentase"]]
    channel_rows += [[channel_label(c), n, persen(n, collected)] for c, n in channels.items()]
    channel_rows.append(["Jumlah", collected, persen(collected, collected)])
    service = _scope_service(source)
    services = [service] if service else [s.name("id") for s in office.services]
    span = source.span
    flow = [
        *d.chapter("BAB II", "PENGUMPULAN DATA"),
        d.section("A. Pelaksana"),
        d.para(f"SKM dilaksanakan oleh {name}. Kuesioner dikumpulkan dan diolah dengan perangkat lunak "
               "skm-kiosk; nilai dihitung dengan cara yang ditetapkan Permen PANRB Nomor 14 Tahun 2017."),
        *report_team.pelaksana(source, d),
        d.section("B. Metode Pengumpulan Data"),
        d.para(f"Data dikumpulkan dengan kuesioner SKM yang memuat {len(unsur)} unsur pelayanan ("
               + ", ".join(f"{_e(u['code'])} {_e(u['name'])}" for u in unsur)
               + "). Setiap unsur dijawab dengan skala 1 sampai 4, dengan 4 sebagai nilai terbaik. Responden "
                 "mengisi kuesioner setelah menerima layanan, tanpa menuliskan nama (anonim), melalui saluran "
                 "berikut:"),
        *d.table(channel_rows, (60, 20, 20), numeric=(1, 2), total_rows=1, caption="Tabel 2.2 Saluran pengumpulan data"),
    ]
    if source.abandoned:
        flow.append(d.para(f"Selain itu, {bilangan(source.abandoned)} survei ditinggalkan sebelum selesai; survei tersebut "
                           "tidak diikutkan dalam perhitungan."))
    flow += _counting(report, d)
    flow += [
        d.section("C. Lokasi Pengumpulan Data"),
        d.para(f"Pengumpulan data dilakukan di {name}, pada jenis layanan: "
               + ", ".join(_e(s) for s in services) + "."),
        d.section("D. Waktu Pelaksanaan"),
        d.para(f"Periode survei: {_e(period)}. "
               + (f"Respons pertama diterima pada {tanggal(span[0])} dan respons terakhir pada {tanggal(span[1])}."
                  if span else "Belum ada respons yang diterima pada periode ini.")),
        *report_team.jadwal(source, d),
        d.section("E. Penentuan Jumlah Responden"),
        *sampling(report, report["channels"], d),
    ]
    flow += _sample(report, d)
    return flow


def _counting(report: dict[str, Any], d: _Doc) -> list:
    """Which responses the IKM counts, and what it set aside and why (kiosk.counting)."""
    flow = [d.para(_e(rule_sentence(report)))]
    rows = [["Tidak dihitung karena", "Jumlah"]] + [[label, n] for _, label, n in excluded_rows(report)]
    rows.append(["Jumlah kuesioner selesai yang tidak dihitung", sum(n for _, _, n in excluded_rows(report))])
    flow += d.table(rows, (75, 25), numeric=(1,), total_rows=1,
                    caption="Tabel 2.3 Kuesioner selesai yang tidak dihitung dalam IKM")
    flagged = flagged_rows(report)
    if flagged:
        flow.append(d.para("Di antara responden yang dihitung: " + "; ".join(
            f"{bilangan(n)} dengan catatan {_e(label)}" for _, label, n in flagged) + "."))
    return flow


def _sample(report: dict[str, Any], d: _Doc) -> list:
    sample, n = report["sample"], report["respondents"]
    if sample["population"] is None:
        return [d.para(f"Jumlah penerima layanan (populasi) selama periode survei tidak dicantumkan saat laporan "
                       f"ini dibuat, sehingga kecukupan jumlah responden belum dapat dinilai. Jumlah responden "
                       f"yang terkumpul adalah {bilangan(n)} orang.")]
    enough = sample["sufficient"]
    verdict = "Memenuhi" if enough else "Belum memenuhi"
    rows = [["Populasi (penerima layanan)", "Sampel minimum", "Responden terkumpul", "Kesimpulan"],
            [sample["population"], sample["required"], n, verdict]]
    smallest = sample.get("smallest_answered", n)
    shortfall = "" if enough else f" (kurang {bilangan(sample['required'] - smallest)} jawaban)"
    if smallest < n:  # skipped answers: the weakest-answered unsur decides
        shortfall += (f". Kecukupan dinilai dari unsur dengan jawaban paling sedikit, yaitu {bilangan(smallest)} jawaban, "
                      "karena jawaban yang dilewati tidak ikut dihitung")
    return [*d.table(rows, (30, 22, 24, 24), numeric=(0, 1, 2), caption="Tabel 2.5 Jumlah responden"),
            d.para(f"Dengan populasi {bilangan(sample['population'])} penerima layanan, jumlah sampel minimum adalah "
                   f"{bilangan(sample['required'])} responden. Terkumpul {bilangan(n)} responden, sehingga jumlah responden "
                   f"<b>{verdict.lower()}</b> jumlah sampel minimum{shortfall}.")]


def _bab3(source: ReportSource, d: _Doc) -> list:
    report = source.report
    n = report["respondents"]
    names = service_names(source.office)
    flow = [*d.chapter("BAB III", "HASIL PENGOLAHAN DATA"), d.section("A. Jumlah Responden"),
            d.para(f"Jumlah responden yang mengisi kuesioner sampai selesai pada periode ini adalah <b>{bilangan(n)}</b> "
                   "orang.")]
    flow += [d.section("B. Profil Responden"),
             d.para("Profil responden menurut jenis kelamin, usia, pendidikan, pekerjaan dan disabilitas. "
                    "Semua isian profil bersifat sukarela; yang tidak diisi dicatat sebagai \"Tidak diisi\".")]
    number = 0
    for number, (_, label, rows) in enumerate(profile_rows(report.get("profile", {})), 1):
        total = sum(count for _, count in rows)
        table = [[label, "Jumlah", "Persentase"]] + [[option, count, persen(count, total)] for option, count in rows]
        flow += d.table(table, (50, 20, 20), numeric=(1, 2), caption=f"Tabel 3.{number} Responden menurut "
                                                                      f"{label.lower()}")
    flow += [CondPageBreak(90 * mm), d.section("C. Indeks Kepuasan Masyarakat per Unsur"),
             d.para("Nilai rata-rata (NRR) setiap unsur adalah jumlah nilai jawaban dibagi jumlah responden yang "
                    "menjawab unsur itu. NRR tertimbang adalah NRR dikalikan bobot unsur; jumlahnya adalah nilai "
                    "IKM (skala 1-4), dan nilai konversi adalah IKM x 25 (skala 25-100). Pembulatan hanya untuk "
                    "penyajian; perhitungan memakai nilai eksak.")]
    rows = [["No", "Unsur pelayanan", "Jawaban", "NRR", "NRR tertimbang", "Konversi", "Mutu"]]
    for i, u in enumerate(report["unsur"], 1):
        rows.append([i, f"{u['code']} {u['name']}", u["answered"], angka(u["nrr"], 4), angka(u["nrr_weighted"], 3),
                     angka(u["converted"], 2), u["mutu"] or "-"])
    printed = printed_weighted_sum(report)
    rows.append(["", "Jumlah kolom NRR tertimbang", "", "", angka(printed, 3), "", ""])
    rows.append(["", "Nilai IKM dari nilai eksak", n, "", angka(report["ikm"], 4),
                 angka(report["ikm_converted"], 2), report["mutu"] or "-"])
    flow += d.table(rows, (6, 40, 11, 11, 13, 11, 8), numeric=(0, 2, 3, 4, 5), centre=(6,), total_rows=2,
                    caption=f"Tabel 3.{number + 1} Nilai per unsur pelayanan")
    flow.append(_p(_e(rounding_note(report)), d.s.note))
    if report["ikm"] is not None:  # the same chart as the dashboard's, drawn as vectors (collector/charts.py)
        from collector.charts import bars, unsur_drawing

        flow += [_p("Gambar 3.1 Nilai konversi per unsur dan rentang mutu", d.s.caption),
                 unsur_drawing(bars(report), width=d.width), Spacer(1, 5 * mm)]
    unanswered = [u for u in report["unsur"] if not u["answered"]]
    if unanswered and report["ikm"] is not None:
        flow.append(d.para(f"Unsur yang tidak dijawab oleh satu responden pun ({_names(unanswered)}) tidak ikut "
                           "dihitung; bobotnya dibagikan kepada unsur lainnya sebanding dengan bobot masing-masing, "
                           "sehingga jumlah bobot tetap 1."))
    flow += [d.section("D. Indeks Kepuasan Masyarakat per Jenis Layanan")]
    services = report.get("services", [])
    if services:
        rows = [["Jenis layanan", "Responden", "IKM", "Konversi", "Mutu", "Kinerja"]]
        # A figure below its own minimum sample says so instead of standing as a bare mutu.
        rows += [[names.get(s["service_id"], s["service_id"]), s["respondents"], angka(s["ikm"], 4),
                  angka(s["ikm_converted"], 2), (s["mutu"] or "-") + ("*" if s.get("caveat") else ""),
                  s["kinerja"] or "-"] for s in services]
        flow += d.table(rows, (38, 13, 11, 11, 8, 19), numeric=(1, 2, 3), centre=(4,),
                        caption=f"Tabel 3.{number + 2} IKM per jenis layanan")
        caveats = [(names.get(s["service_id"], s["service_id"]), service_caveat(s)) for s in services
                   if s.get("caveat")]
        if caveats:
            flow.append(d.para("* Angka " + "; ".join(f"{_e(name)} {_e(text)}" for name, text in caveats)
                               + ". Mutu layanan tersebut belum dapat dijadikan kesimpulan."))
    else:
        flow.append(d.para("Belum ada responden pada periode ini."))
    flow += [d.section("E. Indeks Kepuasan Masyarakat Unit Pelayanan")]
    if report["ikm"] is None:
        flow.append(d.para("Belum ada responden pada periode ini, sehingga IKM belum dapat dihitung."))
        return flow
    rows = [["Nilai IKM (1-4)", "Nilai konversi (25-100)", "Mutu pelayanan", "Kinerja unit pelayanan"],
            [angka(report["ikm"], 4), angka(report["ikm_converted"], 2), report["mutu"], report["kinerja"]]]
    flow += d.table(rows, (25, 25, 25, 25), centre=(0, 1, 2, 3), total_rows=1)
    flow.append(d.para(f"Nilai IKM {_e(source.office.name)} pada periode ini adalah <b>{angka(report['ikm'], 4)}</b> "
                       f"dengan nilai konversi <b>{angka(report['ikm_converted'], 2)}</b>, sehingga mutu pelayanan "
                       f"<b>{_e(report['mutu'])}</b> dan kinerja unit pelayanan <b>{_e(report['kinerja'])}</b>."))
    return flow


def _extremes(unsur: list[dict[str, Any]]) -> tuple[list[dict], list[dict]]:
    """The unsur with the lowest and the highest NRR (all of them when tied)."""
    answered = [u for u in unsur if u["nrr"] is not None]
    if not answered:
        return [], []
    low, high = min(u["nrr"] for u in answered), max(u["nrr"] for u in answered)
    return [u for u in answered if u["nrr"] == low], [u for u in answered if u["nrr"] == high]


def _names(unsur: list[dict]) -> str:
    # Semicolons: the names themselves hold commas and "dan" ("Sistem, mekanisme, dan prosedur").
    return "; ".join(f"{_e(u['code'])} {_e(u['name'])}" for u in unsur)


def _bab4(source: ReportSource, d: _Doc) -> list:
    report = source.report
    weakest, strongest = _extremes(report["unsur"])
    flow = [*d.chapter("BAB IV", "ANALISIS HASIL"), d.section("A. Unsur dengan Nilai Terendah dan Tertinggi")]
    if not weakest:
        flow.append(d.para("Belum ada responden pada periode ini, sehingga belum ada unsur yang dapat dianalisis."))
    else:
        ranked = sorted((u for u in report["unsur"] if u["nrr"] is not None), key=lambda u: (u["nrr"], u["code"]))
        rows = [["Peringkat", "Unsur pelayanan", "NRR", "Konversi", "Mutu"]]
        rows += [[i, f"{u['code']} {u['name']}", angka(u["nrr"], 4), angka(u["converted"], 2), u["mutu"]]
                 for i, u in enumerate(ranked, 1)]
        flow += d.table(rows, (12, 50, 12, 14, 10), numeric=(0, 2, 3), centre=(4,),
                        caption="Tabel 4.1 Unsur pelayanan dari nilai terendah")
        w, s = weakest[0], strongest[0]
        flow.append(d.para(
            f"Unsur dengan nilai terendah adalah <b>{_names(weakest)}</b> (NRR {angka(w['nrr'], 4)}, konversi "
            f"{angka(w['converted'], 2)}, mutu {_e(w['mutu'])}). Unsur dengan nilai tertinggi adalah "
            f"<b>{_names(strongest)}</b> (NRR {angka(s['nrr'], 4)}, konversi {angka(s['converted'], 2)}, "
            f"mutu {_e(s['mutu'])})."))
        poor = [u for u in ranked if u["mutu"] in ("C", "D")]
        if poor:
            flow.append(d.para(f"Unsur dengan mutu C atau D perlu diprioritaskan untuk perbaikan: {_names(poor)}."))
    flow += [d.section("B. Rencana Tindak Lanjut"), *_plan(source, d)]
    flow += [d.section("C. Tren Nilai SKM")] + _trend(source, d) + report_trend.chapter(source, d)
    flow += report_charts.section(source, d)  # D: service x unsur, weekday x hour
    flow += [d.section("E. Kritik dan Saran Responden"), *_suggestions(source, d)]
    return flow


def _suggestions(source: ReportSource, d: _Doc) -> list:
    """Tabel 4.5: the period's kritik dan saran per unsur (collector/suggestions.py), the dashboard's numbers."""
    from collector.suggestions import report_text

    if source.suggestions is None:
        return []
    before, rows, after = report_text(source.suggestions, _unsur_names(source))
    flow = [d.para(_e(text)) for text in before]
    if rows:
        flow += d.table(rows, (70, 20), numeric=(1,), total_rows=1, caption="Tabel 4.5 Kritik dan saran menurut unsur")
    return flow + [d.para(_e(text)) for text in after]


def _unsur_names(source: ReportSource) -> dict[str, str]:
    return {u.code: u.name("id") for u in source.office.questionnaire().scored_items}


def _forum(plan: Sequence[Any]) -> str:
    dates = sorted({p.forum_date for p in plan if p.forum_date})
    if not dates:
        return "Tanggal forum konsultasi publik belum dicatat."
    return ("Rencana ini disepakati dalam forum konsultasi publik (Peraturan Menteri PANRB Nomor 16 Tahun 2017) pada "
            + ", ".join(tanggal(dt.date.fromisoformat(x)) for x in dates) + ".")


def _plan(source: ReportSource, d: _Doc) -> list:
    """Tabel 4.2: the plan recorded for this period (collector/followup.py); a blank one to fill when none is."""
    names = _unsur_names(source)
    if source.plan:
        rows = [["No", "Unsur", "Rencana tindak lanjut", "Waktu", "Penanggung jawab", "Status"]]
        rows += [[i, f"{p.unsur} {names.get(p.unsur, '')}".strip(), p.action, p.quarter_id, p.person,
                  STATUS_ID.get(p.status, p.status)] for i, p in enumerate(source.plan, 1)]
        return [d.para(f"Rencana tindak lanjut {_e(source.office.name)} atas hasil SKM periode ini:"),
                *d.table(rows, (5, 20, 30, 13, 16, 16), numeric=(0,), caption="Tabel 4.2 Rencana tindak lanjut"),
                d.para(_e(_forum(source.plan)))]
    report = source.report
    flow = [d.para(f"Belum ada rencana tindak lanjut yang dicatat untuk periode ini; rencana <b>diisi oleh "
                   f"{_e(source.office.name)}</b> berdasarkan hasil di atas, dengan mendahulukan unsur yang nilainya "
                   "terendah, dan dapat dicatat pada dasbor atau dengan perintah <i>kiosk admin followup add</i> "
                   "agar tercetak pada laporan ini. Kolom unsur di bawah diisi menurut urutan nilai.")]
    lowest = sorted((u for u in report["unsur"] if u["nrr"] is not None), key=lambda u: (u["nrr"], u["code"]))[:3]
    rows = [["No", "Unsur (prioritas)", "Rencana tindak lanjut", "Waktu", "Penanggung jawab"]]
    rows += [[i, f"{u['code']} {u['name']}", "", "", ""] for i, u in enumerate(lowest, 1)]
    rows += [[len(rows), "", "", "", ""]]
    flow += d.table(rows, (6, 28, 36, 14, 16), numeric=(0,), caption="Tabel 4.2 Rencana tindak lanjut (diisi oleh "
                                                                      "unit pelayanan)",
                    row_heights=[None] + [16 * mm] * (len(rows) - 1))
    return flow


def _realisation(source: ReportSource, d: _Doc) -> list:
    """Lampiran 3: the previous period's plan and what was realised of it."""
    scope = source.report["scope"]
    try:
        before = period_of(*previous_period(dt.date.fromisoformat(scope["from"]),
                                            dt.date.fromisoformat(scope["to"]))) \
            if scope.get("from") and scope.get("to") else None
    except (ValueError, OverflowError):  # the year 1 has no period before it
        before = None
    flow = [Spacer(1, 6 * mm), d.section("Lampiran 4. Realisasi rencana tindak lanjut periode sebelumnya")]
    if not source.previous_plan:
        what = f"periode {period_id(before)}" if before else "periode sebelumnya"
        return flow + [d.para(f"Tidak ada rencana tindak lanjut {what} yang tercatat.")]
    names = _unsur_names(source)
    rows = [["No", "Unsur", "Rencana tindak lanjut", "Waktu", "Penanggung jawab", "Status", "Realisasi"]]
    rows += [[i, f"{p.unsur} {names.get(p.unsur, '')}".strip(), p.action, p.quarter_id, p.person,
              STATUS_ID.get(p.status, p.status), p.note or "-"] for i, p in enumerate(source.previous_plan, 1)]
    done = sum(1 for p in source.previous_plan if p.status == "done")
    flow += d.table(rows, (5, 14, 22, 11, 13, 15, 20), numeric=(0,),
                    caption=f"Rencana tindak lanjut {period_id(before) if before else ''} dan realisasinya".replace(
                        "  ", " "))
    flow.append(d.para(f"Dari {angka(len(source.previous_plan), 0)} rencana, {angka(done, 0)} telah selesai. "
                       + _e(_forum(source.previous_plan))))
    return flow


def _trend(source: ReportSource, d: _Doc) -> list:
    report, previous = source.report, source.previous
    scope = report["scope"]
    if previous is None:
        return [d.para("Periode laporan ini tidak dibatasi tanggal awal dan akhir, sehingga tidak ada periode "
                       "pembanding dengan panjang yang sama.")]
    before = previous_period(dt.date.fromisoformat(scope["from"]), dt.date.fromisoformat(scope["to"]))
    before_text = f"{tanggal(before[0])} s.d. {tanggal(before[1])}"
    if not previous["respondents"]:
        return [d.para(f"Tidak ada data SKM pada periode sebelumnya ({before_text}) dalam basis data, sehingga tren "
                       "belum dapat disajikan.")]
    rows = [["Uraian", "Periode sebelumnya", "Periode ini", "Perubahan"],
            ["Responden", previous["respondents"], report["respondents"],
             _change(report["respondents"], previous["respondents"], 0)],
            ["Nilai konversi IKM", angka(previous["ikm_converted"], 2), angka(report["ikm_converted"], 2),
             _change(report["ikm_converted"], previous["ikm_converted"], 2)],
            ["Mutu", previous["mutu"], report["mutu"] or "-", ""]]
    earlier = {u["code"]: u for u in previous["unsur"]}
    for u in report["unsur"]:
        old = earlier.get(u["code"], {}).get("nrr")
        rows.append([f"NRR {u['code']} {u['name']}", angka(old, 4), angka(u["nrr"], 4), _change(u["nrr"], old, 4)])
    flow = [d.para(f"Perbandingan dengan periode sebelumnya yang sama panjangnya ({before_text}):"),
            *d.table(rows, (44, 19, 19, 18), numeric=(1, 2, 3), caption="Tabel 4.3 Perbandingan dengan periode "
                                                                         "sebelumnya")]
    if report["ikm_converted"] is not None:
        delta = Decimal(repr(report["ikm_converted"])) - Decimal(repr(previous["ikm_converted"]))
        direction = "naik" if delta > 0 else "turun" if delta < 0 else "tetap"
        amount = f" {angka(abs(delta), 2)} poin" if delta else ""
        flow.append(d.para(f"Nilai konversi IKM {direction}{amount} dibandingkan periode sebelumnya."))
    return flow


def _change(now: Any, before: Any, places: int) -> str:
    if now is None or before is None:
        return "-"
    delta = Decimal(repr(now)) - Decimal(repr(before))
    return ("+" if delta > 0 else "") + angka(delta, places)


def _penutup(source: ReportSource, d: _Doc, period: str) -> list:
    report, name = source.report, _e(source.office.name)
    flow = [*d.chapter("BAB V", "PENUTUP"), d.section("A. Kesimpulan")]
    points = []
    if report["ikm"] is None:
        points.append(f"Belum ada responden SKM pada {name} untuk periode {_e(period)}.")
    else:
        weakest, strongest = _extremes(report["unsur"])
        points += [
            f"IKM {name} periode {_e(period)} adalah {angka(report['ikm'], 4)} dengan nilai konversi "
            f"{angka(report['ikm_converted'], 2)}, mutu pelayanan {_e(report['mutu'])} dan kinerja unit pelayanan "
            f"{_e(report['kinerja'])}, dari {bilangan(report['respondents'])} responden.",
            f"Unsur dengan nilai terendah adalah {_names(weakest)}; unsur dengan nilai tertinggi adalah "
            f"{_names(strongest)}.",
        ]
    sample = report["sample"]
    if sample["population"] is None:
        points.append("Kecukupan jumlah responden belum dapat dinilai karena populasi tidak dicantumkan.")
    else:
        points.append(f"Jumlah responden {'telah memenuhi' if sample['sufficient'] else 'belum memenuhi'} "
                      f"jumlah sampel minimum ({bilangan(report['respondents'])} dari {bilangan(sample['required'])}).")
    flow += d.items(points)
    flow += [d.section("B. Saran"),
             d.para("Hasil SKM ini perlu dipublikasikan kepada masyarakat dan ditindaklanjuti sesuai rencana tindak "
                    "lanjut pada BAB IV, dengan mendahulukan unsur yang nilainya terendah, serta dipantau pada periode "
                    "survei berikutnya."),
             Spacer(1, 12 * mm), *_signature(d, name)]
    return flow


def _lampiran(source: ReportSource, d: _Doc) -> list:
    flow = [*d.chapter("", "LAMPIRAN"), d.section("Lampiran 1. Nilai persepsi, interval IKM, interval konversi, "
                                                  "mutu dan kinerja unit pelayanan")]
    rows = [["Nilai persepsi", "Nilai interval (NI)", "Nilai interval konversi (NIK)", "Mutu pelayanan",
             "Kinerja unit pelayanan"], *[list(row) for row in CLASSES]]
    flow += d.table(rows, (14, 22, 26, 14, 24), centre=(0, 1, 2, 3))
    flow.append(_p("Sumber: Permen PANRB Nomor 14 Tahun 2017. Mutu ditetapkan dari nilai konversi yang telah "
                   "dibulatkan dua desimal: paling sedikit 88,31 mutu A; 76,61 mutu B; 65,00 mutu C; di bawahnya "
                   "mutu D.", d.s.note))
    questionnaire = source.office.questionnaire()
    flow += [Spacer(1, 6 * mm), d.section("Lampiran 2. Unsur pelayanan dan pilihan jawaban kuesioner")]
    rows = [["Unsur", "1", "2", "3", "4"]]
    for u in questionnaire.scored_items:
        rows.append([f"{u.code} {u.name('id')}", *(label("id") for label in u.labels)])
    flow += d.table(rows, (28, 18, 18, 18, 18))
    weights = set(questionnaire.weights.values())
    if len(weights) == 1:
        flow.append(_p(f"Bobot setiap unsur sama, yaitu 1/{len(questionnaire.weights)}.", d.s.note))
    else:
        flow.append(_p("Bobot unsur ditetapkan oleh unit pelayanan: " + "; ".join(
            f"{code} {weight.numerator}/{weight.denominator}" for code, weight in questionnaire.weights.items())
            + ".", d.s.note))
    flow.append(_p("Data per responden (tanpa saran/komentar) tersedia dalam berkas XLSX laporan ini, lembar Data.",
                   d.s.note))
    flow += [Spacer(1, 6 * mm), d.section("Lampiran 3. Ringkasan log audit")]
    rows = audit_summary(source.audit)
    if rows:
        table = [["Tanggal", "Oleh", "Tindakan", "Jumlah", "Alasan"]]
        table += [[tanggal(day), actor, action, n, reason] for day, actor, action, n, reason in rows]
        flow += d.table(table, (16, 16, 20, 10, 38), numeric=(3,))
    else:
        flow.append(d.para("Tidak ada respons yang dibatalkan atau dipulihkan, dan tidak ada kuesioner kertas yang "
                           "diimpor, untuk periode ini."))
    flow.append(_p("Log audit lengkap (siapa, kapan, apa, mengapa) dicetak dengan perintah "
                   "<font face=\"Courier\">kiosk admin audit --office ID</font>.", d.s.note))
    flow += report_plan_audit.table(source, d) + report_plan_audit.team_table(source, d)
    return (flow + _realisation(source, d) + report_questionnaire.lampiran(source, d, 5)
            + report_documentation.lampiran(source, d, 6))
