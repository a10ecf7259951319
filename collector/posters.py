"""Printable QR posters and table tents as vector PDF: sharp at any size, text selectable, fonts embedded.

The QR code is drawn module by module as filled rectangles (no picture), the words in the shipped Roboto,
embedded as a subset. Under every code the short address a person can type (collector/shortlinks.py).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

import assets
from collector import links, shortlinks
from kiosk import qr

FONT, FONT_BOLD = "Roboto", "Roboto-Bold"
_FONTS = Path(assets.__file__).resolve().parent / "fonts"
INK, GREY, BLUE, LINE = HexColor("#1a1a1a"), HexColor("#404040"), HexColor("#0b4f8a"), HexColor("#9e9e9e")
TITLE = "Survei Kepuasan Masyarakat"
INVITE_ID = "Bagaimana pelayanan kami hari ini? Pindai kode ini dengan ponsel Anda. Tanpa nama, kurang dari satu menit."
INVITE_EN = "How was our service today? Scan this code with your phone. Anonymous, under a minute."
TYPE_ID, TYPE_EN = "Tidak bisa memindai? Ketik alamat ini di peramban:", "Cannot scan? Type this address in a browser:"
REGULATION = "PermenPAN-RB No. 14 Tahun 2017"
TENTS_PER_PAGE = 4  # 2 x 2 on A4: each tent 105 x 148.5 mm, folded in the middle to stand on a counter


@dataclass(frozen=True)
class PosterLink:
    """One survey link as it is printed."""

    url: str                  # what the QR code opens: the signed link
    typed: str                # the short address a person types, e.g. skm.example.go.id/s/K7QM-3XPA
    office_name: str
    service_name: str | None = None
    counter: str | None = None  # e.g. "Loket 3", printed large on a counter's poster


def printed_links(engine, office, service_ids: list[str | None], base_url: str,
                  counter: str | None = None) -> list[PosterLink]:
    """What to print for each service of `office` named (None: the office-wide link), as reached at base_url."""
    names = {s.id: s.name("id") for s in office.services}
    return [PosterLink(url=links.make_link(engine, office.id, service_id).url(base_url),
                       typed=qr.typed_address(base_url, shortlinks.code_for(engine, office.id, service_id)),
                       office_name=office.name, service_name=names.get(service_id), counter=counter)
            for service_id in service_ids]


def _register_fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(_FONTS / "Roboto-Regular.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(_FONTS / "Roboto-Bold.ttf")))


def draw_qr(c: canvas.Canvas, url: str, x: float, y: float, side: float) -> None:
    """The QR code of `url` (level M, survives a smudge or a crease) with its quiet zone, in the square whose
    lower left corner is (x, y). Each row's dark runs are one rectangle each."""
    matrix = qr.qr_matrix(url)
    cell = side / len(matrix)
    c.setFillColor(HexColor("#000000"))
    for row, modules in enumerate(matrix):
        top = y + side - (row + 1) * cell
        col = 0
        while col < len(modules):
            if modules[col]:
                start = col
                while col < len(modules) and modules[col]:
                    col += 1
                # A hair of overlap so no white seam shows between neighbouring rectangles in a viewer.
                c.rect(x + start * cell, top - 0.01, (col - start) * cell + 0.01, cell + 0.02, stroke=0, fill=1)
            col += 1


def _centred(c: canvas.Canvas, text: str, font: str, size: float, cx: float, y: float, width: float,
             colour=INK) -> float:
    """Draw `text` wrapped to `width`, centred on cx, first baseline at y; returns the y below it."""
    c.setFont(font, size)
    c.setFillColor(colour)
    for line in simpleSplit(text, font, size, width):
        c.drawCentredString(cx, y, line)
        y -= size * 1.25
    return y


def _fitting(text: str, font: str, largest: float, width: float) -> float:
    """The largest size up to `largest` at which `text` fits on one line of `width`."""
    return min(largest, largest * width / max(1.0, pdfmetrics.stringWidth(text, font, largest)))


def _poster_page(c: canvas.Canvas, link: PosterLink) -> None:
    page_w, page_h = A4
    margin = 18 * mm
    width, cx = page_w - 2 * margin, page_w / 2
    y = page_h - margin - 14
    y = _centred(c, link.office_name, FONT_BOLD, 17, cx, y, width)
    if link.service_name:
        y = _centred(c, link.service_name, FONT, 15, cx, y - 2, width)
    if link.counter:
        y = _centred(c, link.counter, FONT_BOLD, 30, cx, y - 20, width, BLUE) - 4
    y = _centred(c, TITLE, FONT_BOLD, 32, cx, y - 26, width, BLUE)
    y = _centred(c, INVITE_ID, FONT, 15, cx, y - 4, width)
    y = _centred(c, INVITE_EN, FONT, 12.5, cx, y - 2, width, GREY)
    bottom = margin + 120  # room for the typed address and the footer
    side = min(width * 0.8, y - 6 - bottom)
    draw_qr(c, link.url, cx - side / 2, y - 6 - side, side)
    y -= side + 6 + 14
    y = _centred(c, TYPE_ID, FONT, 13, cx, y, width)
    y = _centred(c, TYPE_EN, FONT, 11, cx, y, width, GREY)
    size = _fitting(link.typed, FONT_BOLD, 34, width)
    c.setFont(FONT_BOLD, size)
    c.setFillColor(INK)
    c.drawCentredString(cx, y - size * 0.9, link.typed)
    c.setFont(FONT, 9)
    c.setFillColor(GREY)
    c.drawCentredString(cx, margin, REGULATION)


def _tent_face(c: canvas.Canvas, link: PosterLink, w: float, h: float) -> None:
    """One face of a tent, drawn with its lower left corner at the origin."""
    pad = 5 * mm
    side = min(h - 2 * pad - 11 * mm, w * 0.45)
    draw_qr(c, link.url, pad - 2 * mm, h - pad - side + 2 * mm, side)
    text_x = pad + side
    text_w = w - text_x - pad
    y = h - pad - 6
    lines = [(TITLE, FONT_BOLD, 10, BLUE), (link.service_name or link.office_name, FONT, 8, INK)]
    if link.counter:  # the counter where the tent stands, large enough to read from the queue
        lines.append((link.counter, FONT_BOLD, 12, BLUE))
    lines += [("Pindai atau ketik alamat di bawah.", FONT, 7.5, INK), ("Scan, or type the address below.", FONT, 7, GREY)]
    for text, font, size, colour in lines:
        c.setFont(font, size)
        c.setFillColor(colour)
        for line in simpleSplit(text, font, size, text_w):
            c.drawString(text_x, y, line)
            y -= size * 1.25
        y -= 2
    size = _fitting(link.typed, FONT_BOLD, 15, w - 2 * pad)
    c.setFont(FONT_BOLD, size)
    c.setFillColor(INK)
    c.drawCentredString(w / 2, pad, link.typed)


def _tents_page(c: canvas.Canvas, links: list[PosterLink]) -> None:
    page_w, page_h = A4
    w, h = page_w / 2, page_h / 2
    for i, link in enumerate(links):
        x, y = (i % 2) * w, (1 - i // 2) * h
        c.saveState()  # the lower face stands as drawn
        c.translate(x, y)
        _tent_face(c, link, w, h / 2)
        c.restoreState()
        c.saveState()  # the upper face upside down: after the fold it faces the other way, upright
        c.translate(x + w, y + h)
        c.rotate(180)
        _tent_face(c, link, w, h / 2)
        c.restoreState()
    c.setStrokeColor(LINE)
    c.setLineWidth(0.5)
    c.setDash(4, 3)  # cut
    c.line(w, 0, w, page_h)
    c.line(0, h, page_w, h)
    c.setDash(1, 2)  # fold
    for y in (h / 2, h * 1.5):
        c.line(0, y, page_w, y)
    c.setDash()
    c.setFont(FONT, 6)
    c.setFillColor(GREY)
    for y in (h / 2, h * 1.5):
        c.drawString(2 * mm, y + 1.5, "lipat / fold")
    c.drawString(2 * mm, h + 1.5, "potong / cut")


def _document(title: str) -> tuple[canvas.Canvas, io.BytesIO]:
    _register_fonts()
    out = io.BytesIO()
    # Roboto from the first operator on: otherwise the page names an unembedded Helvetica it never uses.
    c = canvas.Canvas(out, pagesize=A4, invariant=1, initialFontName=FONT, initialFontSize=10)
    c.setTitle(title)
    c.setAuthor("skm-kiosk")
    return c, out


def posters_pdf(links: list[PosterLink]) -> bytes:
    """One A4 poster per link (a counter's or a service's), one page each."""
    c, out = _document(f"{TITLE} - {links[0].office_name}")
    for link in links:
        _poster_page(c, link)
        c.showPage()
    c.save()
    return out.getvalue()


def tents_pdf(links: list[PosterLink]) -> bytes:
    """Table tents, four to an A4 sheet with cut and fold lines; a single link fills one sheet."""
    if len(links) == 1:
        links = links * TENTS_PER_PAGE
    c, out = _document(f"{TITLE} - {links[0].office_name}")
    for start in range(0, len(links), TENTS_PER_PAGE):
        _tents_page(c, links[start:start + TENTS_PER_PAGE])
        c.showPage()
    c.save()
    return out.getvalue()
