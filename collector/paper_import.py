"""Paper questionnaires into the collector as channel `paper`: all or nothing, idempotent, audited.

The file is read by kiosk.paper (the same reader as `kiosk ikm`) and every row goes through the same
validation and exactly-once insert as a kiosk's upload (ingest.store_batch with channel `paper`).
A file with any bad cell stores nothing and every problem is reported at once, so an office fixes
the file and imports it again. Each row's id is a UUID made from the office, the file's SHA-256 and
the row's line: importing the same file again adds nothing (every row is a duplicate).
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from collector import ingest
from collector.db import writing
from collector.records import OfficeRecord, get_office, utc_now
from collector.voiding import PAPER_IMPORT, record
from kiosk.errors import UserError
from kiosk.paper import PaperError, PaperRow, read_file
from kiosk.response import new_response

# Fixed: the ids of a file's rows must be the same on every import, on every collector.
PAPER_NAMESPACE = uuid.UUID("0b6f3d1e-5c1a-4f0e-9a57-7a0c1f4e2b90")
NOON = time(12, 0)  # a paper form carries a date, not a time


def row_id(office_id: str, sha256: str, line: int) -> str:
    return str(uuid.uuid5(PAPER_NAMESPACE, f"{office_id}:{sha256}:{line}"))


def import_file(engine: Engine, office_id: str, path: str | Path, *, actor: str,
                now: datetime | None = None) -> dict[str, Any]:
    """Import a paper CSV for the office; {"rows", "accepted", "duplicate", "undated", "ignored_columns"}.
    Raises PaperImportError listing every problem (nothing stored) or UserError."""
    now = now or utc_now()
    office = get_office(engine, office_id)
    if office is None:
        raise UserError(f"there is no office {office_id!r}.")
    try:
        paper = read_file(path, office.questionnaire())
    except PaperError as exc:
        raise UserError(str(exc)) from None
    today = now.astimezone(office.tz).date()
    problems = list(paper.problems)
    # The office's services are known only here: checked on every row, also rows with other problems.
    problems += [f"{path}: row {line}, column service holds {cell!r}; expected one of "
                 f"{', '.join(s.id for s in office.services)}, or blank."
                 for line, cell in paper.services if _service(office, cell) is None]
    wires = []
    for row in paper.rows:
        wire, found = _wire(office, row, path, paper.sha256, today)
        problems += found
        if wire is not None:
            wires.append(wire)
    if not problems:
        problems = _validate(office, wires, path)
    if problems:
        raise PaperImportError(problems)
    results = ingest.store_batch(engine, office.id, wires, channel="paper", now=now)
    counts = {status: sum(r.status == status for r in results)
              for status in (ingest.ACCEPTED, ingest.DUPLICATE, ingest.CONFLICT, ingest.REJECTED)}
    summary = {"file": Path(path).name, "sha256": paper.sha256, "rows": len(wires), **counts,
               "undated": sum(row.date is None for row in paper.rows), "ignored_columns": list(paper.ignored)}
    with writing(engine) as conn:
        record(conn, office.id, action=PAPER_IMPORT, actor=actor, now=now, detail=summary,
               reason=f"{counts['accepted']} paper questionnaires from {Path(path).name}")
    return summary


class PaperImportError(UserError):
    """The file has bad cells; `problems` names every one (nothing was stored)."""

    def __init__(self, problems: list[str]):
        super().__init__(f"nothing imported: {len(problems)} problem(s) in the file; fix them and import again.")
        self.problems = problems


def _wire(office: OfficeRecord, row: PaperRow, path, sha256: str, today: date):
    problems = []
    service = _service(office, row.service)
    day = row.date or today
    if day > today:
        problems.append(f"{path}: row {row.line} is dated {day.isoformat()}, after today ({today.isoformat()}).")
    if problems or (row.service and service is None):  # a bad service is reported by import_file
        return None, problems
    moment = datetime.combine(day, NOON, office.tz)
    wire = new_response(office_id=office.id, service_id=service, answers=row.answers, started_at=moment,
                        submitted_at=moment, questionnaire=office.questionnaire(), channel="paper",
                        profile=row.profile, make_id=lambda: row_id(office.id, sha256, row.line)).to_wire()
    return wire, []


def _service(office: OfficeRecord, cell: str | None) -> str | None:
    """A service id, or a service's name as written on the form (either language, any case)."""
    if not cell:
        return None
    folded = cell.casefold()
    for s in office.services:
        if folded in (s.id.casefold(), s.name.id.casefold(), s.name.en.casefold()):
            return s.id
    return None


def _validate(office: OfficeRecord, wires: list[dict[str, Any]], path) -> list[str]:
    """The collector's own checks, as for every channel (a problem here would be a reader's bug)."""
    found = []
    for wire in wires:
        for problem in ingest.item_problems(wire, office, "paper"):
            found.append(f"{path}: {problem}")
    return found
