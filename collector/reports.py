"""IKM reports from the collector database, computed by the core engine kiosk.ikm."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.engine import Engine

from collector.db import reading
from collector.ingest import stored_responses
from collector.records import get_office


class ReportError(Exception):
    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status, self.detail = status, detail


def office_report(engine: Engine, office_id: str, *, service: str | None = None, date_from: dt.date | None = None,
                  date_to: dt.date | None = None, population: int | None = None) -> dict[str, Any]:
    """The report JSON of DESIGN.md for an office (or one of its services) over local dates, both ends included."""
    from kiosk import ikm

    if date_from and date_to and date_from > date_to:
        raise ReportError(400, f"from ({date_from}) is after to ({date_to})")
    with reading(engine) as conn:
        office = get_office(conn, office_id)
        if office is None:
            raise ReportError(404, f"there is no office {office_id!r}")
        if service is not None and service not in office.service_ids():
            raise ReportError(404, f"office {office_id!r} has no service {service!r}")
        found = stored_responses(conn, office_id, service_id=service,
                                 date_from=date_from.isoformat() if date_from else None,
                                 date_to=date_to.isoformat() if date_to else None)
    scope = {"office_id": office_id, "service_id": service,
             "from": date_from.isoformat() if date_from else None, "to": date_to.isoformat() if date_to else None}
    return ikm.report(found, office.questionnaire(), scope=scope, population=population)
