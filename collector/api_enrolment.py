"""POST /api/v1/enroll and GET /api/v1/config: a kiosk joins its office and keeps the office config."""

import datetime as dt
from typing import Annotated, Any, Callable

from fastapi import APIRouter, Depends, Request, Response as HTTPResponse
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine

from collector import records, schemas
from collector.auth import KioskAuth
from collector.problems import BAD_REQUEST, UNAUTHORISED_KIOSK
from sync.wire import CONFIG_PATH, ENROLL_PATH


def router(engine: Engine, clock: Callable[[], dt.datetime], kiosk_auth: KioskAuth) -> APIRouter:
    routes = APIRouter(tags=["kiosk"])

    @routes.post(ENROLL_PATH, response_model=schemas.EnrollAnswer,
                 summary="Register a kiosk with a single-use code",
                 responses={400: BAD_REQUEST,
                            403: {"description": "the code is unknown, used or expired (it stays unusable), or the "
                                                 "office has no services yet (the code still works once it has one)",
                                  "model": schemas.EnrollProblem}})
    def enroll(body: schemas.EnrollRequest, request: Request) -> Any:
        try:
            kiosk_id, token, office = records.redeem_enroll_code(engine, body.code, now=clock())
        except records.EnrolmentRefused as exc:
            return JSONResponse({"detail": str(exc), "code": exc.code}, status_code=403)
        request.state.kiosk_id = kiosk_id
        return {"kiosk_id": kiosk_id, "token": token, "config": office.kiosk_config()}

    @routes.get(CONFIG_PATH, summary="The office config for this kiosk (ETag)",
                responses={200: {"description": "the office config, ready to write as config.toml",
                                 "content": {"application/json": {"schema": {"type": "object"}}}},
                           304: {"description": "unchanged since the ETag in If-None-Match"},
                           401: UNAUTHORISED_KIOSK})
    def get_config(request: Request, kiosk: Annotated[records.KioskRecord, Depends(kiosk_auth)]) -> Any:
        office = records.get_office(engine, kiosk.office_id)
        etag = office.config_etag()
        wanted = request.headers.get("if-none-match", "")
        if etag in {tag.strip() for tag in wanted.split(",")} or wanted.strip() == "*":
            return HTTPResponse(status_code=304, headers={"ETag": etag})
        return JSONResponse(office.kiosk_config(), headers={"ETag": etag})

    return routes
