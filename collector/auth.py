"""Who is calling: a kiosk by its bearer token, an admin by HTTP Basic or a dashboard session; FastAPI
dependencies."""

from typing import TYPE_CHECKING, Annotated, Callable

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBasic, HTTPBasicCredentials, HTTPBearer
from sqlalchemy.engine import Engine

from collector import db, records

if TYPE_CHECKING:
    from collector.login import Logins

_bearer = HTTPBearer(auto_error=False, scheme_name="kioskToken", description="the kiosk's token from enrolment")
_basic = HTTPBasic(auto_error=False, scheme_name="admin", description="an admin from `kiosk admin user-add`",
                   realm="skm-kiosk collector")

KioskAuth = Callable[..., records.KioskRecord]
AdminAuth = Callable[..., records.Admin]


def kiosk_auth(engine: Engine) -> KioskAuth:
    """The dependency giving the live kiosk of the request's token, or 401."""

    def authenticated_kiosk(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None,
                                                                     Depends(_bearer)]) -> records.KioskRecord:
        if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
            raise HTTPException(401, "a kiosk token is required (Authorization: Bearer ...)",
                                headers={"WWW-Authenticate": "Bearer"})
        with db.reading(engine) as conn:
            kiosk = records.kiosk_for_token(conn, credentials.credentials)
        if kiosk is None or not kiosk.active:
            raise HTTPException(401, "this kiosk token is unknown or revoked", headers={"WWW-Authenticate": "Bearer"})
        request.state.kiosk_id = kiosk.id
        return kiosk

    return authenticated_kiosk


def admin_auth(engine: Engine, logins: "Logins | None" = None) -> AdminAuth:
    """The dependency giving the admin of the request: HTTP Basic or a dashboard session (collector/login.py),
    throttled; else 401 (or, for a browser, the login page)."""
    from collector.login import Logins
    from collector.login_routes import admin_from

    logins = logins or Logins(engine)

    def authenticated_admin(request: Request,
                            credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)]) -> records.Admin:
        return admin_from(logins, request, credentials)

    return authenticated_admin
