"""Words and number formats shared by the Laporan SKM documents (XLSX and PDF), in Bahasa Indonesia."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Mapping

from kiosk.questionnaire import PROFILE_FIELDS

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
# "Anjungan" as in anjungan mandiri: the Indonesian word for a self-service terminal, not the English "kiosk".
CHANNELS = {"kiosk": "Anjungan survei mandiri di loket pelayanan", "web": "Survei daring (tautan/QR)",
            "paper": "Kuesioner kertas"}
UNANSWERED = "Tidak diisi"


def tanggal(day: dt.date | str | None) -> str:
    """A date the Indonesian way: 1 Juli 2026."""
    if day is None:
        return "-"
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def angka(value: float | int | Decimal | None, places: int) -> str:
    """A number with a decimal comma and `places` decimals (rounded half up from its shortest repr)."""
    if value is None:
        return "-"
    exact = value if isinstance(value, Decimal) else Decimal(repr(value))
    fixed = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{fixed:f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = f"{int(whole.lstrip('-')):,}".replace(",", ".")
    return sign + whole + ("," + fraction if fraction else "")


def bilangan(value: int | None) -> str:
    """A whole number with Indonesian thousands separators: 1.234."""
    return angka(value, 0)


def persen(part: int, whole: int) -> str:
    return "-" if not whole else angka(Decimal(part) * 100 / Decimal(whole), 1) + "%"


def period_text(scope: Mapping[str, Any], span: tuple[dt.date, dt.date] | None = None) -> str:
    """The survey period of a report's scope; an open end is filled from the data when there is some."""
    start = scope.get("from") or (span[0].isoformat() if span else None)
    end = scope.get("to") or (span[1].isoformat() if span else None)
    if start is None and end is None:
        return "seluruh data (belum ada respons)"
    return f"{tanggal(start)} s.d. {tanggal(end)}"


def service_names(office) -> dict[str | None, str]:
    names: dict[str | None, str] = {s.id: s.name("id") for s in office.services}
    names[None] = "(tanpa jenis layanan)"
    return names


def channel_label(channel: str) -> str:
    return CHANNELS.get(channel, channel)


def profile_rows(profile: Mapping[str, Mapping[str, int]]) -> list[tuple[str, str, list[tuple[str, int]]]]:
    """(field key, field label, [(option label, respondents)]) in the questionnaire's option order;
    options nobody chose are listed with 0, unanswered last; keys not in the questionnaire kept as they are."""
    out = []
    for field in PROFILE_FIELDS:
        counts = dict(profile.get(field.key, {}))
        rows = [(label("id"), counts.pop(key, 0)) for key, label in field.options]
        unanswered = counts.pop("-", 0)
        rows += sorted(counts.items())
        rows.append((UNANSWERED, unanswered))
        out.append((field.key, field.label("id"), rows))
    return out


def channel_counts(channels: Mapping[str, int]) -> dict[str, int]:
    """The report's counted respondents per channel, the channels nobody used left out, known ones first."""
    return dict(sorted(((c, n) for c, n in channels.items() if n), key=lambda item: (item[0] not in CHANNELS, item[0])))
