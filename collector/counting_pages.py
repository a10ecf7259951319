"""The dashboard's pages for what enters the count: void and restore responses, the audit log, paper upload.

GET /admin/offices/{id}/responses lists the complete responses of a period with their status (counted,
or why not) and a form to void or restore the chosen ones with a reason; below it the audit log and a
form to upload a paper CSV (collector/paper_import.py). Every post needs the session's CSRF token and
must come from a page of this collector.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any, Callable

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from collector import pages, records, voiding
from collector.formtoken import cross_site
from collector.login_routes import form_csrf_ok
from collector.paper_import import PaperImportError, import_file
from collector.reports import ReportError, report_source
from kiosk.errors import UserError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def router(engine: Engine, clock: Callable[[], dt.datetime], admin_auth) -> APIRouter:
    routes = APIRouter(include_in_schema=False)

    def locale_of(request: Request) -> str:
        return pages.page_locale(request)

    def readable(office_id: str, admin: records.Admin) -> records.OfficeRecord:
        return pages.readable_office(engine, office_id, admin)

    def period(request: Request) -> tuple[dt.date, dt.date]:
        today = clock().date()
        try:
            start = dt.date.fromisoformat(request.query_params.get("from") or today.replace(month=1, day=1).isoformat())
            end = dt.date.fromisoformat(request.query_params.get("to") or today.isoformat())
        except ValueError:
            raise HTTPException(400, "from and to must be dates YYYY-MM-DD") from None
        return (start, end) if start <= end else (end, start)

    def refused(request: Request, form: dict[str, str]) -> PlainTextResponse | None:
        why = cross_site(request.headers)
        if why:
            return PlainTextResponse(f"refused: {why}", status_code=403)
        if not form_csrf_ok(request, form):
            return PlainTextResponse("the form has expired; open the page again", status_code=403)
        return None

    @routes.get("/admin/offices/{office_id}/responses", response_class=HTMLResponse)
    def responses_page(office_id: str, request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        office = readable(office_id, admin)
        start, end = period(request)
        try:
            source = report_source(engine, office_id, date_from=start, date_to=end)
        except ReportError as exc:
            return PlainTextResponse(exc.detail, status_code=exc.status)
        locale = locale_of(request)
        html = pages.environment(locale).get_template("admin_responses.html").render(
            locale=locale, other="en" if locale == "id" else "id", office=office, admin=admin.name,
            period=(start, end), statuses=source.statuses, report=source.report,
            audit=list(reversed(voiding.audit(engine, office_id)))[:200],
            csrf=getattr(request.state, "csrf", ""), message=request.query_params.get("done"))
        return HTMLResponse(html)

    @routes.post("/admin/offices/{office_id}/void")
    async def void_or_restore(office_id: str, request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        office = readable(office_id, admin)
        data = await request.form()
        form = {k: v for k, v in data.items() if isinstance(v, str)}
        answer = refused(request, form)
        if answer:
            return answer
        ids = [v for v in data.getlist("id") if isinstance(v, str)]
        change = voiding.restore if form.get("action") == "restore" else voiding.void
        try:
            done = await run_in_threadpool(lambda: change(engine, office.id, ids, reason=form.get("reason", ""),
                                                          actor=admin.name, now=clock()))
        except UserError as exc:
            return PlainTextResponse(str(exc), status_code=400)
        changed = len(done.get("voided", done.get("restored", [])))
        return RedirectResponse(f"/admin/offices/{office.id}/responses?lang={locale_of(request)}&done={changed}",
                                status_code=303)

    @routes.post("/admin/offices/{office_id}/paper")
    async def paper_upload(office_id: str, request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        office = readable(office_id, admin)
        data = await request.form(max_part_size=MAX_UPLOAD_BYTES)
        form = {k: v for k, v in data.items() if isinstance(v, str)}
        answer = refused(request, form)
        if answer:
            return answer
        upload = data.get("file")
        if upload is None or isinstance(upload, str):
            return PlainTextResponse("choose a CSV file to upload", status_code=400)
        content = await upload.read(MAX_UPLOAD_BYTES + 1)
        if len(content) > MAX_UPLOAD_BYTES:
            return PlainTextResponse("the file is larger than 5 MB", status_code=413)
        name = Path(upload.filename or "kuesioner.csv").name
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            path.write_bytes(content)
            try:
                summary = await run_in_threadpool(lambda: import_file(engine, office.id, path, actor=admin.name,
                                                                      now=clock()))
            except PaperImportError as exc:
                text = str(exc) + "\n" + "\n".join(p.replace(str(path), name) for p in exc.problems)
                return PlainTextResponse(text, status_code=422)
            except UserError as exc:
                return PlainTextResponse(str(exc).replace(str(path), name), status_code=400)
        return RedirectResponse(f"/admin/offices/{office.id}/responses?lang={locale_of(request)}"
                                f"&done={summary['accepted']}", status_code=303)

    return routes
