"""GET /api/v1/health, and the API description at /openapi.json."""

import logging
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine

from collector import db, schemas
from sync.wire import HEALTH_PATH

log = logging.getLogger(__name__)


def router(engine: Engine) -> APIRouter:
    routes = APIRouter(tags=["kiosk"])

    @routes.get(HEALTH_PATH, response_model=schemas.Health,
                responses={503: {"description": "the database does not answer", "model": schemas.Problem}})
    def health() -> Any:
        try:
            db.ping(engine)
        except Exception as exc:  # any database failure means "not healthy", never a 500
            log.warning("health check failed: %s", exc)
            return JSONResponse({"detail": "the database does not answer"}, status_code=503)
        try:
            db.check_writable(engine)  # uploads, enrolments and web answers all write
        except Exception as exc:
            log.warning("health check failed: %s", exc)
            return JSONResponse({"detail": "the database cannot be written"}, status_code=503)
        return {"status": "ok"}

    return routes


def describe(app: FastAPI) -> None:
    """/openapi.json also names the envelope ingest parses itself, so clients and fuzzers see its shape."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            spec.setdefault("components", {}).setdefault("schemas", {}).update(
                schemas.component_schemas(schemas.ResponsesEnvelope))
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
