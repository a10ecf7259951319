"""Signed survey links for phones, their QR codes, and printable posters for the counter."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

FONTS = Path(__file__).resolve().parent.parent / "assets" / "fonts"
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

# Short codes are read off paper and typed on a phone: capitals and digits with none of the look-alikes
# 0/O, 1/I/L; 31 symbols, 8 of them: 31**8 = 8.5e11 codes (see collector/shortlinks.py for the guessing sums).
SHORT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHORT_LENGTH = 8


@dataclass(frozen=True)
class SurveyLink:
    """Where a printed QR code sends a phone: one office, optionally one service."""

    office_id: str
    service_id: str | None
    token: str

    def url(self, base_url: str) -> str:
        return f"{base_url.rstrip('/')}/s/{self.token}"


def new_short_code(choose=secrets.choice) -> str:
    """A fresh random short code; `choose` picks one symbol (injected by tests)."""
    return "".join(choose(SHORT_ALPHABET) for _ in range(SHORT_LENGTH))


def normal_short_code(typed: str) -> str | None:
    """The short code a person typed (any case, with or without the printed hyphen or spaces), or None when
    it cannot be one."""
    code = re.sub(r"[\s-]", "", typed).upper()
    if len(code) != SHORT_LENGTH or any(c not in SHORT_ALPHABET for c in code):
        return None
    return code


def printed_short_code(code: str) -> str:
    """The code as printed: two groups of four, easier to read aloud and to type (K7QM-3XPA)."""
    return f"{code[:4]}-{code[4:]}"


def _signature(secret: bytes, office_id: str, service_id: str | None) -> str:
    mac = hmac.new(secret, f"skm-link|{office_id}|{service_id or ''}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:16]).decode().rstrip("=")


def sign(secret: bytes, office_id: str, service_id: str | None = None) -> SurveyLink:
    """A link that names its office and service in clear, with a MAC that only the collector can make."""
    for value in (office_id, service_id):
        if value is not None and not _ID.match(value):
            raise ValueError(f"{value!r} is not an office or service id (lower-case letters, digits, '-', '_')")
    token = f"{office_id}.{service_id or '-'}.{_signature(secret, office_id, service_id)}"
    return SurveyLink(office_id, service_id, token)


def verify(secret: bytes, token: str) -> SurveyLink | None:
    """The link a token stands for, or None when it was not made with this secret."""
    parts = token.split(".")
    if len(parts) != 3 or not _ID.match(parts[0]) or not (parts[1] == "-" or _ID.match(parts[1])):
        return None
    office_id, service_id = parts[0], None if parts[1] == "-" else parts[1]
    if not hmac.compare_digest(parts[2], _signature(secret, office_id, service_id)):
        return None
    return SurveyLink(office_id, service_id, token)


def qr_matrix(url: str) -> list[list[bool]]:
    """The modules of the QR code of `url`, quiet zone included (True: dark), for drawing it as shapes."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def typed_address(base_url: str, code: str) -> str:
    """The short address as printed: https:// left out (every phone browser adds it), http:// kept."""
    return f"{base_url.rstrip('/').removeprefix('https://')}/s/{printed_short_code(code)}"


def qr_image(url: str, box_size: int = 12) -> Image.Image:
    """A QR code with error correction level M, which survives a smudged or creased print."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / ("Roboto-Bold.ttf" if bold else "Roboto-Regular.ttf")), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    return lines + ([line] if line else [])


def poster(url: str, office_name: str, service_name: str | None = None, typed: str | None = None,
           counter: str | None = None) -> Image.Image:
    """An A4 portrait poster at 150 dpi: a heading in both languages, the QR code, and under it the address in
    words (`typed`, the short one, when given). For screens and chat; print the vector PDF of collector/posters.py."""
    width, height, margin = 1240, 1754, 110
    page = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(page)
    y = margin
    blocks = [
        (office_name, _font(46, bold=True), "#1a1a1a"),
        (service_name or "", _font(40), "#1a1a1a"),
        (counter or "", _font(60, bold=True), "#0b4f8a"),
        ("Survei Kepuasan Masyarakat", _font(72, bold=True), "#0b4f8a"),
        ("Bagaimana pelayanan kami hari ini? Pindai kode ini dengan ponsel Anda. "
         "Tanpa nama, kurang dari satu menit.", _font(40), "#1a1a1a"),
        ("How was our service today? Scan this code with your phone. Anonymous, under a minute.",
         _font(34), "#404040"),
    ]
    for text, font, colour in blocks:
        for line in _wrap(draw, text, font, width - 2 * margin):
            draw.text((width // 2, y), line, font=font, fill=colour, anchor="ma")
            y += int(font.size * 1.3)
        y += 24 if text else 0
    code = qr_image(url)
    side = min(width - 2 * margin, height - y - (380 if typed else 260))
    code = code.resize((side, side), Image.NEAREST)
    page.paste(code, ((width - side) // 2, y + 20))
    y += side + 50
    if typed:
        draw.text((width // 2, y), "Tidak bisa memindai? Ketik alamat ini / Cannot scan? Type this address:",
                  font=_font(28), fill="#404040", anchor="ma")
        y += 50
    words = typed or url
    size = 64 if typed else 32  # the link in words, for a phone that cannot scan: one line, as large as fits
    while size > 14 and draw.textlength(words, font=_font(size, bold=bool(typed))) > width - margin:
        size -= 1
    draw.text((width // 2, y), words, font=_font(size, bold=bool(typed)), fill="#1a1a1a", anchor="ma")
    draw.text((width // 2, height - margin), "PermenPAN-RB No. 14 Tahun 2017", font=_font(26),
              fill="#404040", anchor="md")
    return page


def save_poster(image: Image.Image, path: str | Path) -> Path:
    """PNG or PDF by the file's suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".png", ".pdf"):
        raise ValueError(f"a poster is saved as .png or .pdf, not {suffix or 'a file with no suffix'}")
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "PDF" if suffix == ".pdf" else "PNG", resolution=150)
    return path
