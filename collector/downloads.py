"""HTTP answers for the report downloads that never hold a whole large document in memory.

The CSV goes out a line at a time. An XLSX is a zip whose directory is written last, so it is built
first into a spooled temporary file (in memory while small, on disk beyond SPOOL_BYTES) and then sent
in chunks; the file is closed once sent, or when the client goes away.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from typing import IO, Iterator

from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from collector.report_csv import MEDIA_TYPE as CSV_MEDIA_TYPE, csv_lines
from collector.reports import ReportSource

SPOOL_BYTES = 4 * 1024 * 1024
CHUNK_BYTES = 64 * 1024


def _disposition(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def csv_download(report: dict, name: str) -> StreamingResponse:
    return StreamingResponse(csv_lines(report), media_type=CSV_MEDIA_TYPE, headers=_disposition(name))


def xlsx_download(source: ReportSource, name: str, *, generated_at: dt.datetime) -> StreamingResponse:
    from collector.report_xlsx import MEDIA_TYPE, write_xlsx

    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    try:
        write_xlsx(source, spool, generated_at=generated_at)
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return StreamingResponse(_chunks(spool), media_type=MEDIA_TYPE,
                             headers={**_disposition(name), "Content-Length": str(size)},
                             background=BackgroundTask(spool.close))


def _chunks(file: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := file.read(CHUNK_BYTES):
            yield chunk
    finally:
        file.close()
