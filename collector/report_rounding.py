"""How the Laporan SKM rounds the NRR tertimbang column, so that the column adds up to its printed total.

The report JSON rounds each NRR tertimbang to 3 decimals (half up) for display while the IKM is the
exact sum (kiosk.ikm). Printed side by side, 0,402 + 0,367 + ... need not equal the IKM's 4 decimals
(3,103 against 3,1025). The table therefore prints two rows: the sum of the printed values, which any
reader can check with a pencil, and the IKM as computed from the exact values; the note says why they
may differ.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping

from collector.report_text import angka


def printed_weighted_sum(report: Mapping[str, Any]) -> Decimal | None:
    """The sum of the NRR tertimbang values exactly as printed (the JSON's 3 decimals)."""
    values = [Decimal(repr(u["nrr_weighted"])) for u in report["unsur"] if u.get("nrr_weighted") is not None]
    return sum(values, Decimal(0)) if values else None


def rounding_note(report: Mapping[str, Any]) -> str:
    printed = printed_weighted_sum(report)
    note = ("Pembulatan: NRR dicetak empat desimal dan NRR tertimbang tiga desimal, dibulatkan setengah ke atas. "
            "Baris \"Jumlah kolom NRR tertimbang\" adalah jumlah angka yang tercetak di kolom itu. Nilai IKM "
            "dihitung dari nilai eksak (pecahan, tanpa pembulatan antara) lalu dicetak empat desimal; nilai konversi adalah "
            "IKM x 25 yang dibulatkan dua desimal satu kali.")
    if printed is None or report.get("ikm") is None:
        return note
    exact = Decimal(repr(report["ikm"]))
    if angka(printed, 4) != angka(exact, 4):
        note += (f" Karena itu jumlah angka yang tercetak ({angka(printed, 3)}) dapat berbeda sedikit dari nilai "
                 f"IKM ({angka(exact, 4)}); mutu ditetapkan dari nilai IKM.")
    return note
