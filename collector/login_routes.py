"""The dashboard's login, logout and held-answer pages, and the admin check every admin route depends on."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.security import HTTPBasicCredentials
from sqlalchemy.engine import Engine

from collector import formtoken, held, pages, records
from collector.headers import behind_tls
from collector.login import LOGIN_COOKIE, SESSION_COOKIE, SESSION_TTL, Busy, Logins, Throttled, login_token, \
    login_token_ok, safe_next

_BASIC_CHALLENGE = {"WWW-Authenticate": 'Basic realm="skm-kiosk collector"'}


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


def admin_from(logins: Logins, request: Request, credentials: HTTPBasicCredentials | None) -> records.Admin:
    """The admin of a request: HTTP Basic (API clients, scripts) or the session cookie (the dashboard).
    A browser without either is sent to the login page; an API client gets 401 with a Basic challenge."""
    if credentials is not None:
        try:
            admin = logins.check_password(credentials.username, credentials.password, _address(request))
        except Throttled as exc:
            raise HTTPException(429, str(exc), headers={"Retry-After": str(exc.retry_after)}) from None
        except Busy:
            raise HTTPException(503, "too many logins at once; try again in a moment",
                                headers={"Retry-After": "1"}) from None
        if admin is None:
            raise HTTPException(401, "an admin login is required", headers=_BASIC_CHALLENGE)
    else:
        session = logins.session(request.cookies.get(SESSION_COOKIE))
        if session is None:
            # A browser (it asks for HTML) goes to the login page; scripts keep the Basic challenge.
            if (request.url.path.startswith("/admin") and request.method in ("GET", "HEAD")
                    and "text/html" in request.headers.get("accept", "")):
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                raise HTTPException(303, "log in first", headers={"Location": "/admin/login?next=" + quote(target)})
            raise HTTPException(401, "an admin login is required", headers=_BASIC_CHALLENGE)
        admin = session.admin
        request.state.csrf = session.csrf
    if request.method not in ("GET", "HEAD") and formtoken.cross_site(request.headers):
        raise HTTPException(403, "this form was posted from another site")
    request.state.admin = admin.name
    return admin


def form_csrf_ok(request: Request, form: dict[str, str]) -> bool:
    """A dashboard form's CSRF token matches its session's; HTTP Basic posts (scripts) need none."""
    import hmac

    expected = getattr(request.state, "csrf", None)
    return expected is None or hmac.compare_digest(form.get("csrf", "").encode(), expected.encode())


def router(engine: Engine, logins: Logins, admin_auth) -> APIRouter:
    from fastapi import Depends

    routes = APIRouter(include_in_schema=False)

    def locale_of(request: Request) -> str:
        return pages.page_locale(request)

    def page(name: str, locale: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = pages.environment(locale).get_template(name).render(
            locale=locale, other="en" if locale == "id" else "id", **context)
        return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})

    def login_page(request: Request, status: int = 200, problem: str | None = None, wait: int = 0) -> HTMLResponse:
        nonce = request.cookies.get(LOGIN_COOKIE) or formtoken.new_nonce()
        answer = page("login.html", locale_of(request), status, problem=problem, wait=wait,
                      next=safe_next(request.query_params.get("next")),
                      token=login_token(formtoken.form_secret(engine), nonce))
        answer.set_cookie(LOGIN_COOKIE, nonce, max_age=3600, path="/admin", httponly=True, samesite="strict",
                          secure=behind_tls())
        return answer

    @routes.get("/admin/login", response_class=HTMLResponse)
    def show_login(request: Request) -> Any:
        return login_page(request)

    @routes.post("/admin/login", response_class=HTMLResponse)
    async def do_login(request: Request) -> Any:
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        if formtoken.cross_site(request.headers) or not login_token_ok(
                formtoken.form_secret(engine), request.cookies.get(LOGIN_COOKIE), form.get("token")):
            return login_page(request, 403, "expired")
        from starlette.concurrency import run_in_threadpool

        try:
            admin = await run_in_threadpool(logins.check_password, form.get("name", ""), form.get("password", ""),
                                            _address(request))
        except Throttled as exc:
            answer = login_page(request, 429, "throttled", wait=exc.retry_after)
            answer.headers["Retry-After"] = str(exc.retry_after)
            return answer
        except Busy:
            answer = login_page(request, 503, "busy")
            answer.headers["Retry-After"] = "1"
            return answer
        if admin is None:
            return login_page(request, 401, "wrong")
        cookie = await run_in_threadpool(logins.start_session, admin)
        answer = RedirectResponse(safe_next(form.get("next")), status_code=303)
        answer.set_cookie(SESSION_COOKIE, cookie, max_age=int(SESSION_TTL.total_seconds()), path="/",
                          httponly=True, samesite="lax", secure=behind_tls())
        answer.delete_cookie(LOGIN_COOKIE, path="/admin")
        return answer

    @routes.get("/admin/logout", response_class=HTMLResponse)
    def confirm_logout(request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        return page("logout.html", locale_of(request), admin=admin.name, csrf=getattr(request.state, "csrf", ""))

    @routes.post("/admin/logout")
    async def do_logout(request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        if not form_csrf_ok(request, form):
            return Response("the form has expired; open the page again", status_code=403)
        logins.end_session(request.cookies.get(SESSION_COOKIE))
        answer = RedirectResponse("/admin/login", status_code=303)
        answer.delete_cookie(SESSION_COOKIE, path="/")
        return answer

    @routes.get("/admin/offices/{office_id}/held", response_class=HTMLResponse)
    def held_page(office_id: str, request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        office = _readable(office_id, admin)
        return page("admin_held.html", locale_of(request), office=office, answers=held.held_answers(engine, office_id),
                    csrf=getattr(request.state, "csrf", ""), admin=admin.name,
                    accepted=request.query_params.get("accepted"))

    @routes.post("/admin/offices/{office_id}/held")
    async def accept(office_id: str, request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        office = _readable(office_id, admin)
        data = await request.form()
        form = {k: v for k, v in data.items() if isinstance(v, str)}
        if not form_csrf_ok(request, form):
            return Response("the form has expired; open the page again", status_code=403)
        ids = None if form.get("all") else [v for v in data.getlist("id") if isinstance(v, str)]
        from starlette.concurrency import run_in_threadpool
        from kiosk.errors import UserError

        try:
            accepted = await run_in_threadpool(held.accept_held, engine, office.id, ids, by=admin.name)
        except UserError as exc:
            return Response(str(exc), status_code=400)
        return RedirectResponse(f"/admin/offices/{office.id}/held?lang={locale_of(request)}&accepted={len(accepted)}",
                                status_code=303)

    def _readable(office_id: str, admin: records.Admin) -> records.OfficeRecord:
        return pages.readable_office(engine, office_id, admin)

    return routes
