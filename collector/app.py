"""The collector's HTTP API (v1 of DESIGN.md) as an ASGI app: create_app(db_url)."""

import datetime as dt
import logging
from typing import Annotated, Any, Callable

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response as HTTPResponse
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBasic, HTTPBasicCredentials, HTTPBearer
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from starlette.concurrency import run_in_threadpool

from collector import db, envelope, ingest, migrations, records, schemas
from collector.accesslog import AccessLog
from collector.headers import SecurityHeaders, mount_static

log = logging.getLogger(__name__)

_bearer = HTTPBearer(auto_error=False, scheme_name="kioskToken", description="the kiosk's token from enrolment")
_basic = HTTPBasic(auto_error=False, scheme_name="admin", description="an admin from `kiosk admin user-add`",
                   realm="skm-kiosk collector")
_UNAUTHORISED_KIOSK = {"description": "unknown or revoked kiosk token", "model": schemas.Problem}
_BAD_REQUEST = {"description": "malformed request", "model": schemas.Problem}


def create_app(db_url: str, *, clock: Callable[[], dt.datetime] = records.utc_now, migrate: bool = True) -> FastAPI:
    """The collector for one database; its schema is brought up to date first (numbered migrations)."""
    engine = db.make_engine(db_url)
    if migrate:
        migrations.migrate(engine)

    app = FastAPI(title="SKM kiosk collector", version="1",
                  description="Central endpoint of the Survei Kepuasan Masyarakat kiosks (PermenPAN-RB 14/2017).")
    app.state.engine = engine
    app.add_middleware(AccessLog)
    app.add_middleware(SecurityHeaders)
    mount_static(app)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "request"
        return JSONResponse({"detail": f"{where}: {first.get('msg', 'invalid')}"}, status_code=400)

    @app.exception_handler(DBAPIError)
    async def _database_down(request: Request, exc: DBAPIError) -> JSONResponse:
        # A database that is down or restarting is temporary: kiosks keep their batch and retry later.
        if not exc.connection_invalidated and not isinstance(exc, OperationalError):
            raise exc
        log.warning("database unavailable: %s", str(exc.orig).splitlines()[0] if exc.orig else exc)
        return JSONResponse({"detail": "the database is unavailable; try again later"}, status_code=503,
                            headers={"Retry-After": "30"})

    @app.exception_handler(DataError)
    async def _unstorable(request: Request, exc: DataError) -> JSONResponse:
        # Input the database cannot take even for a lookup (such as NUL in text on PostgreSQL) is the caller's.
        return JSONResponse({"detail": "the request holds a value the database cannot take"}, status_code=400)

    def kiosk_auth(request: Request,
                   credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> records.KioskRecord:
        if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
            raise HTTPException(401, "a kiosk token is required (Authorization: Bearer ...)",
                                headers={"WWW-Authenticate": "Bearer"})
        with db.reading(engine) as conn:
            kiosk = records.kiosk_for_token(conn, credentials.credentials)
        if kiosk is None or not kiosk.active:
            raise HTTPException(401, "this kiosk token is unknown or revoked", headers={"WWW-Authenticate": "Bearer"})
        request.state.kiosk_id = kiosk.id
        return kiosk

    def admin_auth(request: Request,
                   credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)]) -> records.Admin:
        admin = None if credentials is None else records.authenticate_admin(
            engine, credentials.username, credentials.password)
        if admin is None:
            raise HTTPException(401, "an admin login is required",
                                headers={"WWW-Authenticate": 'Basic realm="skm-kiosk collector"'})
        request.state.admin = admin.name
        return admin

    @app.get("/api/v1/health", response_model=schemas.Health, tags=["kiosk"],
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

    @app.post(
        "/api/v1/responses", response_model=schemas.IngestResults, tags=["kiosk"],
        summary="Upload a batch of responses (idempotent by response id)",
        responses={400: _BAD_REQUEST, 401: _UNAUTHORISED_KIOSK,
                   413: {"description": "more than 1000 items or 5 MB", "model": schemas.Problem}},
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
        app.state.alerts.notice(kiosk.office_id)
        counts: dict[str, int] = {}
        for result in results:
            counts[result.status] = counts.get(result.status, 0) + 1
        request.state.outcome = counts
        # Straight to JSON: checking up to 1000 results against IngestResults, which stays the response
        # model for the API description, cost more than the rest of the answer.
        return HTTPResponse(schemas.ingest_results_json([r.to_json() for r in results]),
                            media_type="application/json")

    @app.post("/api/v1/enroll", response_model=schemas.EnrollAnswer, tags=["kiosk"],
              summary="Register a kiosk with a single-use code",
              responses={400: _BAD_REQUEST,
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

    @app.get("/api/v1/config", tags=["kiosk"], summary="The office config for this kiosk (ETag)",
             responses={200: {"description": "the office config, ready to write as config.toml",
                              "content": {"application/json": {"schema": {"type": "object"}}}},
                        304: {"description": "unchanged since the ETag in If-None-Match"},
                        401: _UNAUTHORISED_KIOSK})
    def get_config(request: Request, kiosk: Annotated[records.KioskRecord, Depends(kiosk_auth)]) -> Any:
        office = records.get_office(engine, kiosk.office_id)
        etag = office.config_etag()
        wanted = request.headers.get("if-none-match", "")
        if etag in {tag.strip() for tag in wanted.split(",")} or wanted.strip() == "*":
            return HTTPResponse(status_code=304, headers={"ETag": etag})
        return JSONResponse(office.kiosk_config(), headers={"ETag": etag})

    @app.get("/api/v1/reports/ikm", response_model=schemas.Report, tags=["reports"],
             summary="The IKM report of an office or service over a range of local dates",
             responses={400: _BAD_REQUEST, 401: {"description": "admin login required", "model": schemas.Problem},
                        403: {"description": "this admin may not read this office", "model": schemas.Problem},
                        404: {"description": "no such office or service", "model": schemas.Problem}})
    def report_ikm(
        admin: Annotated[records.Admin, Depends(admin_auth)],
        office: Annotated[str, Query(min_length=1, max_length=100, description="office id")],
        service: Annotated[str | None, Query(max_length=100, description="service id; all when absent")] = None,
        date_from: Annotated[dt.date | None, Query(alias="from", description="first local date")] = None,
        date_to: Annotated[dt.date | None, Query(alias="to", description="last local date")] = None,
        population: Annotated[int | None, Query(ge=1, le=100_000_000,
                                                description="service recipients in the period")] = None,
    ) -> Any:
        from collector.reports import ReportError, office_report

        if not admin.may_read(office):
            return JSONResponse({"detail": f"admin {admin.name!r} may not read office {office!r}"}, status_code=403)
        try:
            return office_report(engine, office, service=service or None, date_from=date_from, date_to=date_to,
                                 population=population)
        except ReportError as exc:
            return JSONResponse({"detail": exc.detail}, status_code=exc.status)

    from collector import dashboard, heartbeat, websurvey

    app.include_router(heartbeat.router(engine, clock, kiosk_auth))
    from collector import alert_worker

    alert_worker.install(app, engine, clock)

    app.include_router(dashboard.router(engine, clock, admin_auth))
    from collector import health_pages

    app.include_router(health_pages.router(engine, clock, admin_auth))

    app.include_router(websurvey.router(engine, clock))

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            spec.setdefault("components", {}).setdefault("schemas", {}).update(
                schemas.component_schemas(schemas.ResponsesEnvelope))
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def app_from_environment() -> FastAPI:
    """The app for uvicorn's worker processes (`kiosk serve --workers N`): database from KIOSK_COLLECTOR_DB,
    access logs as JSON lines on stderr."""
    import os
    import sys

    from collector.accesslog import JsonLineFormatter

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLineFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    return create_app(os.environ["KIOSK_COLLECTOR_DB"])
