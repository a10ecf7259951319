"""Export the kiosk's queue to a file staff can hand over: JSON lines or CSV."""
from __future__ import annotations

import csv
import json
import os
from pathlib import Path

from kiosk import atomic
from kiosk.questionnaire import PROFILE_FIELDS, SKM_CODES
from kiosk.store import Queue, Status

FORMATS = ("jsonl", "csv")
_CSV_COLUMNS = ("id", "status", "reason", "office_id", "service_id", "channel", "locale", "started_at",
                "submitted_at", "complete", *SKM_CODES, *(f.key for f in PROFILE_FIELDS), "comment", "flags")


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
                writer.writerow({**wire, **wire["answers"], **wire["profile"], "status": item.status.value,
                                 "reason": item.reason or "", "flags": " ".join(wire["flags"])})
            else:
                f.write(json.dumps({**wire, "status": item.status.value, "reason": item.reason},
                                   ensure_ascii=False) + "\n")
            count += 1
    return count
