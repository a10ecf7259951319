"""Export the kiosk's queue to a file staff can hand over: JSON lines or CSV."""
from __future__ import annotations

import csv
import json
import os
from pathlib import Path

from kiosk import atomic
from kiosk.csvsafe import neutralise
from kiosk.questionnaire import PROFILE_FIELDS, SKM_CODES
from kiosk.store import Queue, Status

FORMATS = ("jsonl", "csv")
_CSV_COLUMNS = ("id", "status", "reason", "office_id", "service_id", "channel", "locale", "started_at",
                "submitted_at", "complete", *SKM_CODES, *(f.key for f in PROFILE_FIELDS), "comment", "flags")


_BY_EXTENSION = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def format_for(path: str | os.PathLike, told: str | None = None) -> str:
    """The export format: the one asked for, else the file's extension's; a mismatch is a ValueError.

    Staff open exports by double-clicking: JSON lines in a .csv would open as garbage in a spreadsheet.
    """
    suffix = Path(path).suffix.lower()
    implied = _BY_EXTENSION.get(suffix)
    if told is None:
        if implied is None:
            raise ValueError(f"cannot tell the format from the name {Path(path).name!r}; end it in .csv or .jsonl, "
                             "or give --format csv|jsonl")
        return implied
    if implied is not None and implied != told:
        raise ValueError(f"--format {told} does not match the file name {Path(path).name!r} (a {implied} name); "
                         f"name the file {Path(path).with_suffix('.' + told).name!r} or leave --format out")
    return told


def export_queue(queue: Queue, path: str | os.PathLike, fmt: str = "jsonl", *statuses: Status) -> int:
    """Write every queued response (all statuses unless given) and return how many were written."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with atomic.replacing(path, newline="") as f:
        writer = csv.DictWriter(f, _CSV_COLUMNS, extrasaction="ignore") if fmt == "csv" else None
        if writer:
            writer.writeheader()
        for item in queue.all_by_status(*statuses):
            wire = item.response.to_wire()
            if writer:
                cells = {**wire, **wire["answers"], **wire["profile"], "status": item.status.value,
                         "reason": item.reason or "", "flags": " ".join(wire["flags"])}
                writer.writerow({key: neutralise(value) for key, value in cells.items()})
            else:
                f.write(json.dumps({**wire, "status": item.status.value, "reason": item.reason},
                                   ensure_ascii=False) + "\n")
            count += 1
    return count
