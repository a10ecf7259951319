"""GET /api/v1/reports/ikm: the report JSON of an office or service, for admins."""

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine

from collector import records, schemas
from collector.auth import AdminAuth
from collector.problems import BAD_REQUEST
from collector.reports import ReportError, office_report

REPORT_PATH = "/api/v1/reports/ikm"


def router(engine: Engine, admin_auth: AdminAuth) -> APIRouter:
    routes = APIRouter(tags=["reports"])

    @routes.get(REPORT_PATH, response_model=schemas.Report,
                summary="The IKM report of an office or service over a range of local dates",
                responses={400: BAD_REQUEST, 401: {"description": "admin login required", "model": schemas.Problem},
                           403: {"description": "this admin may not read this office", "model": schemas.Problem},
                           404: {"description": "no such office or service", "model": schemas.Problem},
                           429: {"description": "too many failed logins for this account or address; Retry-After "
                                                "says when to try again", "model": schemas.Problem}})
    def report_ikm(
        admin: Annotated[records.Admin, Depends(admin_auth)],
        office: Annotated[str, Query(min_length=1, max_length=100, description="office id")],
        service: Annotated[str | None, Query(max_length=100, description="service id; all when absent")] = None,
        date_from: Annotated[dt.date | None, Query(alias="from", description="first local date")] = None,
        date_to: Annotated[dt.date | None, Query(alias="to", description="last local date")] = None,
        population: Annotated[int | None, Query(ge=1, le=100_000_000,
                                                description="service recipients in the period")] = None,
    ) -> Any:
        if not admin.may_read(office):
            return JSONResponse({"detail": f"admin {admin.name!r} may not read office {office!r}"}, status_code=403)
        try:
            return office_report(engine, office, service=service or None, date_from=date_from, date_to=date_to,
                                 population=population)
        except ReportError as exc:
            return JSONResponse({"detail": exc.detail}, status_code=exc.status)

    return routes
