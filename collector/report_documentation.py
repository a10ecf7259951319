"""The Laporan SKM's Lampiran 6, Dokumentasi: the photos an admin uploaded for the period
(collector/report_photos.py), each with its caption; a plain sentence when there are none."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from collector.followup import period_id


def lampiran(source, d, number: int) -> list:
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, KeepTogether, Paragraph, Spacer

    flow = [Spacer(1, 6 * mm), d.section(f"Lampiran {number}. Dokumentasi")]
    if source.plan_period is None:
        return flow + [d.para("Dokumentasi diunggah per periode survei (tahun, semester atau triwulan); laporan "
                              "ini tidak dibatasi tanggal awal dan akhir, sehingga tidak ada foto yang dicetak.")]
    if not source.photos:
        return flow + [d.para(f"Tidak ada foto dokumentasi yang diunggah untuk {escape(period_id(source.plan_period))}. "
                              "Foto dapat diunggah pada dasbor, halaman Tim dan jadwal survei.")]
    for i, photo in enumerate(source.photos, 1):
        # At most the text width and 95 mm tall, in the photo's own proportions.
        scale = min(d.width * 0.85 / photo.width, 95 * mm / photo.height)
        image = Image(io.BytesIO(photo.data), width=photo.width * scale, height=photo.height * scale)
        flow.append(KeepTogether([image, Paragraph(f"Foto {number}.{i} {escape(photo.caption)}", d.s.caption),
                                  Spacer(1, 4 * mm)]))
    return flow
