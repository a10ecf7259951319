"""BAB II's method paragraphs of the Laporan SKM: the sampling technique (accidental sampling) and the
Krejcie-Morgan rule that sets the minimum sample, in the words of PermenPAN-RB 14/2017."""
from __future__ import annotations

from typing import Any, Mapping

from collector.report_text import channel_counts, channel_label

KREJCIE_MORGAN = ("s = X² × N × P × (1 − P) / (d² × (N − 1) + X² × P × (1 − P)), dengan s jumlah sampel, N "
                  "populasi, X² = 3,841 (khi-kuadrat, derajat bebas 1, tingkat kepercayaan 95%), P = 0,5 dan "
                  "d = 0,05 (batas kesalahan 5%), dibulatkan ke bilangan bulat terdekat.")


def sampling(report: Mapping[str, Any], counted_by_channel: Mapping[str, int], d) -> list:
    """Teknik sampling: who became a respondent (through which channels) and how the minimum number is set."""
    channels = [_lower_first(channel_label(c)) for c in channel_counts(counted_by_channel)]
    listed = ", ".join(channels[:-1]) + " dan " + channels[-1] if len(channels) > 1 else "".join(channels)
    where = f" melalui {listed}" if channels else ""
    return [
        d.para("<b>Teknik sampling.</b> Responden dipilih dengan teknik <i>accidental sampling</i> (sampling "
               "insidental): setiap penerima layanan yang kebetulan selesai dilayani selama periode survei dan "
               f"bersedia mengisi kuesioner menjadi responden{where}. Tidak ada daftar sampel yang disusun "
               "lebih dahulu; karena itu jumlah responden yang terkumpul diperiksa terhadap jumlah sampel "
               "minimum."),
        d.para("<b>Jumlah sampel minimum.</b> Jumlah sampel minimum ditentukan dengan rumus Krejcie dan Morgan "
               f"yang dipakai Permen PANRB Nomor 14 Tahun 2017: {KREJCIE_MORGAN} Populasi N adalah jumlah "
               "penerima layanan selama periode survei."),
    ]



def _lower_first(label: str) -> str:
    """"Survei daring (tautan/QR)" inside a sentence: only its first letter changes (QR stays QR)."""
    return label[:1].lower() + label[1:]
