"""POST /api/v1/responses: a kiosk's batch of responses, stored exactly once, a result per item."""

import datetime as dt
from typing import Annotated, Any, Callable

from fastapi import APIRouter, Depends, Request, Response as HTTPResponse
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from collector import envelope, ingest, records, schemas
from collector.auth import KioskAuth
from collector.problems import BAD_REQUEST, UNAUTHORISED_KIOSK
from sync.wire import MAX_BATCH, MAX_BODY_BYTES, RESPONSES_PATH


def router(engine: Engine, clock: Callable[[], dt.datetime], kiosk_auth: KioskAuth) -> APIRouter:
    routes = APIRouter(tags=["kiosk"])
    too_large = f"more than {MAX_BATCH} items or {MAX_BODY_BYTES // (1024 * 1024)} MB"

    @routes.post(
        RESPONSES_PATH, response_model=schemas.IngestResults,
        summary="Upload a batch of responses (idempotent by response id)",
        responses={400: BAD_REQUEST, 401: UNAUTHORISED_KIOSK,
                   413: {"description": too_large, "model": schemas.Problem}},
        openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/ResponsesEnvelope"}}}}},
    )
    async def post_responses(request: Request, kiosk: Annotated[records.KioskRecord, Depends(kiosk_auth)]) -> Any:
        try:
            raw = await envelope.read_limited(request.stream(), request.headers.get("content-length"))
            items = envelope.parse(envelope.decode(raw, request.headers.get("content-encoding")))
        except envelope.EnvelopeError as exc:
            return JSONResponse({"detail": exc.detail}, status_code=exc.status)
        request.state.items = len(items)
        results = await run_in_threadpool(ingest.ingest_batch, engine, kiosk, items, now=clock())
        request.app.state.alerts.notice(kiosk.office_id)
        counts: dict[str, int] = {}
        for result in results:
            counts[result.status] = counts.get(result.status, 0) + 1
        request.state.outcome = counts
        # Straight to JSON: checking up to 1000 results against IngestResults, which stays the response
        # model for the API description, cost more than the rest of the answer.
        return HTTPResponse(schemas.ingest_results_json([r.to_json() for r in results]),
                            media_type="application/json")

    return routes
