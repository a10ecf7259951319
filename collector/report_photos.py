"""Dokumentasi: photos of the survey an admin uploads for a period, printed with their captions in the
Laporan SKM's last lampiran.

The images live in the collector database (table report_photos), not in a folder beside it: a collector
is stateless and several may run behind a load balancer on one PostgreSQL, where "next to the database"
is no folder at all, and `kiosk admin copy-db` and a database backup then carry them with everything
else. To keep that cheap each upload is checked and re-encoded with Pillow: JPEG or PNG only, at most
UPLOAD_MAX bytes, downscaled to LONGEST pixels on its longer side, and written again without its
metadata (a phone's EXIF holds the place it was taken), so a stored photo is a few hundred KB.
"""
from __future__ import annotations

import datetime as dt
import io
import uuid
from dataclasses import dataclass

from sqlalchemy import Column, Integer, LargeBinary, Table, Text, delete, func, insert, select
from sqlalchemy.engine import Engine

from collector.db import reading, writing
from collector.followup import period_dates
from collector.records import get_office, stamp, utc_now
from collector.tables import metadata
from kiosk.errors import UserError

UPLOAD_MAX = 8 * 1024 * 1024       # bytes of one upload, as a phone camera makes them
PIXELS_MAX = 50_000_000            # refused before decoding: a small file can unpack to gigabytes
LONGEST = 1600                     # pixels on the longer side once stored: sharp at A4 width
PER_PERIOD = 12
CAPTION_MAX = 200
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}

report_photos = Table(
    "report_photos", metadata,
    Column("id", Text, primary_key=True),
    Column("office_id", Text, nullable=False),
    Column("period", Text, nullable=False),
    Column("caption", Text, nullable=False),
    Column("media_type", Text, nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("uploaded_at", Text, nullable=False),
    Column("uploaded_by", Text, nullable=False),
)


@dataclass(frozen=True)
class Photo:
    id: str
    office_id: str
    period: str
    caption: str
    media_type: str
    width: int
    height: int
    uploaded_at: str
    uploaded_by: str
    data: bytes = b""

    def to_json(self) -> dict:
        return {"id": self.id, "office_id": self.office_id, "period": self.period, "caption": self.caption,
                "media_type": self.media_type, "width": self.width, "height": self.height,
                "uploaded_at": self.uploaded_at, "uploaded_by": self.uploaded_by}


def prepared(raw: bytes) -> tuple[bytes, str, int, int]:
    """(stored bytes, media type, width, height) of an upload, or a UserError saying in one sentence why not."""
    from PIL import Image, UnidentifiedImageError

    if not raw:
        raise UserError("the photo is empty.")
    if len(raw) > UPLOAD_MAX:
        raise UserError(f"the photo is larger than {UPLOAD_MAX // (1024 * 1024)} MB.")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            kind, size = probe.format, probe.size
            if kind not in FORMATS:
                raise UserError(f"the photo must be a JPEG or PNG image, not {kind or 'this kind of file'}.")
            if size[0] * size[1] > PIXELS_MAX:
                raise UserError(f"the photo has more than {PIXELS_MAX // 1_000_000} million pixels.")
            probe.verify()  # a truncated or damaged file stops here
        with Image.open(io.BytesIO(raw)) as image:
            from PIL import ImageOps

            image = ImageOps.exif_transpose(image)  # upright as the camera meant it, before EXIF is dropped
            image.thumbnail((LONGEST, LONGEST))
            out = io.BytesIO()
            if kind == "JPEG":
                image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
            else:
                image.save(out, "PNG", optimize=True)
            return out.getvalue(), FORMATS[kind], image.width, image.height
    except UserError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UserError("the file is not a readable JPEG or PNG image.") from None


def add(engine: Engine, office_id: str, period: str, raw: bytes, *, caption: str, by: str = "admin",
        now: dt.datetime | None = None) -> Photo:
    period_dates(period)
    caption = " ".join((caption or "").split())
    if not caption:
        raise UserError("give the photo a caption: the report prints it under the photo.")
    if len(caption) > CAPTION_MAX:
        raise UserError(f"the caption is longer than {CAPTION_MAX} characters.")
    data, media_type, width, height = prepared(raw)
    row = {"id": str(uuid.uuid4()), "office_id": office_id, "period": period, "caption": caption,
           "media_type": media_type, "width": width, "height": height, "data": data,
           "uploaded_at": stamp(now or utc_now()), "uploaded_by": by}
    with writing(engine) as conn:
        if get_office(conn, office_id) is None:
            raise UserError(f"there is no office {office_id!r}.")
        count = conn.execute(select(func.count()).select_from(report_photos).where(
            report_photos.c.office_id == office_id, report_photos.c.period == period)).scalar()
        if count >= PER_PERIOD:
            raise UserError(f"a period holds at most {PER_PERIOD} photos; remove one first.")
        conn.execute(insert(report_photos).values(**row))
    return Photo(**row)


def _photo(row, with_data: bool) -> Photo:
    return Photo(row.id, row.office_id, row.period, row.caption, row.media_type, row.width, row.height,
                 row.uploaded_at, row.uploaded_by, bytes(row.data) if with_data else b"")


def photos(engine: Engine, office_id: str, period: str, *, with_data: bool = False) -> list[Photo]:
    """A period's photos in the order they were uploaded."""
    columns = [c for c in report_photos.c if with_data or c.name != "data"]
    with reading(engine) as conn:
        rows = conn.execute(select(*columns).where(report_photos.c.office_id == office_id,
                                                   report_photos.c.period == period)
                            .order_by(report_photos.c.uploaded_at, report_photos.c.id)).all()
    return [_photo(r, with_data) for r in rows]


def get(engine: Engine, office_id: str, photo_id: str) -> Photo | None:
    with reading(engine) as conn:
        row = conn.execute(select(report_photos).where(report_photos.c.id == photo_id,
                                                       report_photos.c.office_id == office_id)).first()
    return _photo(row, True) if row else None


def remove(engine: Engine, office_id: str, photo_id: str) -> Photo:
    found = get(engine, office_id, photo_id)
    if found is None:
        raise UserError(f"office {office_id!r} has no photo {photo_id!r}.")
    with writing(engine) as conn:
        conn.execute(delete(report_photos).where(report_photos.c.id == found.id))
    return found
