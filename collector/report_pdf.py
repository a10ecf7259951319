"""The Laporan SKM as a PDF on A4, following the national template (BAB I-IV, penutup, lampiran).

The layout lives here; the chapters' words live in collector/report_chapters.py. Every number
comes from the report JSON of kiosk.ikm; this module only arranges and formats them.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import SimpleDocTemplate


class _Document(SimpleDocTemplate):
    """Tells the daftar isi about every heading that carries a `toc` (level, text) as it is placed."""

    def afterFlowable(self, flowable):
        entry = getattr(flowable, "toc", None)
        if entry is not None:
            self.notify("TOCEntry", (entry[0], entry[1], self.page))

import assets
from collector.reports import ReportSource

MEDIA_TYPE = "application/pdf"
FONT, FONT_BOLD = "Roboto", "Roboto-Bold"
MARGIN = 22 * mm
_FONTS = Path(assets.__file__).resolve().parent / "fonts"


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(_FONTS / "Roboto-Regular.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(_FONTS / "Roboto-Bold.ttf")))
    # No italic face is shipped: <i> falls back to the upright one rather than to Helvetica.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


class Styles:
    """The few paragraph styles of the report."""

    def __init__(self) -> None:
        base = dict(fontName=FONT, fontSize=10.5, leading=15)
        self.body = ParagraphStyle("body", alignment=TA_JUSTIFY, spaceAfter=6, **base)
        self.left = ParagraphStyle("left", alignment=TA_LEFT, spaceAfter=4, **base)
        self.item = ParagraphStyle("item", parent=self.body, leftIndent=8 * mm, bulletIndent=2 * mm, spaceAfter=3)
        self.note = ParagraphStyle("note", parent=self.body, fontSize=9, leading=12, textColor=colors.HexColor("#444444"))
        self.cell = ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=11.5)
        self.cell_bold = ParagraphStyle("cell_bold", parent=self.cell, fontName=FONT_BOLD)
        self.chapter = ParagraphStyle("chapter", fontName=FONT_BOLD, fontSize=14, leading=20, alignment=TA_CENTER,
                                      spaceAfter=14)
        self.section = ParagraphStyle("section", fontName=FONT_BOLD, fontSize=11, leading=15, spaceBefore=8,
                                      spaceAfter=5, keepWithNext=True)
        self.caption = ParagraphStyle("caption", fontName=FONT_BOLD, fontSize=9.5, leading=13, alignment=TA_CENTER,
                                      spaceBefore=4, spaceAfter=4, keepWithNext=True)
        self.cover_title = ParagraphStyle("cover_title", fontName=FONT_BOLD, fontSize=22, leading=30,
                                          alignment=TA_CENTER)
        self.cover = ParagraphStyle("cover", fontName=FONT, fontSize=13, leading=19, alignment=TA_CENTER)
        self.cover_note = ParagraphStyle("cover_note", parent=self.note, alignment=TA_CENTER)
        self.cover_office = ParagraphStyle("cover_office", fontName=FONT_BOLD, fontSize=16, leading=22,
                                           alignment=TA_CENTER)


def _numbered_canvas(footer: str):
    """A canvas class that writes "Halaman n dari m" once the number of pages is known; none on the cover."""

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved: list[dict] = []

        def showPage(self):
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                if self._pageNumber > 1:
                    number = f"Halaman {self._pageNumber} dari {total}"
                    room = A4[0] - 2 * MARGIN - pdfmetrics.stringWidth(number, FONT, 8) - 6 * mm
                    self.setFont(FONT, 8)
                    self.setFillColor(colors.HexColor("#555555"))
                    self.drawString(MARGIN, 12 * mm, _fit(footer, room, 8))
                    self.drawRightString(A4[0] - MARGIN, 12 * mm, number)
                    self.setStrokeColor(colors.HexColor("#999999"))
                    self.setLineWidth(0.4)
                    self.line(MARGIN, 15 * mm, A4[0] - MARGIN, 15 * mm)
                super().showPage()
            super().save()

    return NumberedCanvas


def _fit(text: str, width: float, size: float) -> str:
    """The text, shortened with an ellipsis until it fits the width."""
    if pdfmetrics.stringWidth(text, FONT, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text.rstrip(" ,") + "…"


def build_pdf(source: ReportSource, *, generated_at: dt.datetime | None = None) -> bytes:
    """The Laporan SKM of the source's period as PDF bytes."""
    from collector import report_chapters
    from collector.report_text import period_text

    _register_fonts()
    generated_at = generated_at or dt.datetime.now(dt.timezone.utc)
    styles = Styles()
    period = period_text(source.report["scope"], source.span)
    out = io.BytesIO()
    doc = _Document(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=20 * mm,
                            bottomMargin=22 * mm, title=f"Laporan SKM {source.office.name} {period}",
                            author=source.office.name, subject="Laporan Survei Kepuasan Masyarakat",
                            creator="skm-kiosk")
    story = report_chapters.story(source, styles, period=period, generated_at=generated_at,
                                  width=A4[0] - 2 * MARGIN)
    footer = f"Laporan SKM {source.office.name}, {period}"
    doc.multiBuild(story, canvasmaker=_numbered_canvas(footer))  # twice: the daftar isi needs the page numbers
    return out.getvalue()
