"""How the API answers what goes wrong: the documented problem answers and the exception handlers."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, OperationalError

from collector import schemas

log = logging.getLogger(__name__)

BAD_REQUEST = {"description": "malformed request", "model": schemas.Problem}
UNAUTHORISED_KIOSK = {"description": "unknown or revoked kiosk token", "model": schemas.Problem}


def install(app: FastAPI) -> None:
    """Malformed input is a 400 in one sentence, a database that is down a 503 to retry later."""

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
