"""The dashboard's printable posters: /admin/offices/{id}/posters.pdf (one A4 poster per service) and
/admin/offices/{id}/tents.pdf (table tents, four to a sheet), the same vector PDFs as `kiosk qr`; both take
?service= and ?counter= as the command takes --service and --counter.

The links in them point at the collector's public address (`kiosk serve --public-url`), or, without one,
at the address the admin's browser used, which is what the admin sees in the address bar.
"""
from __future__ import annotations

import datetime as dt
import os
from typing import Any, Callable

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from collector import pages, posters, records
from collector.public_pages import PUBLIC_URL_ENV


def router(engine: Engine, clock: Callable[[], dt.datetime], admin_auth) -> APIRouter:
    routes = APIRouter(include_in_schema=False)

    @routes.get("/admin/offices/{office_id}/posters.pdf")
    async def poster_sheet(office_id: str, request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        return await sheet("posters", office_id, request, admin)

    @routes.get("/admin/offices/{office_id}/tents.pdf")
    async def tent_sheet(office_id: str, request: Request, admin: records.Admin = Depends(admin_auth)) -> Any:
        return await sheet("tents", office_id, request, admin)

    async def sheet(kind: str, office_id: str, request: Request, admin: records.Admin) -> Any:
        office = pages.readable_office(engine, office_id, admin)
        service = request.query_params.get("service") or None
        counter = request.query_params.get("counter", "").strip()[:60] or None  # ?counter=Loket 3, as --counter
        if service is not None and service not in office.service_ids():
            return PlainTextResponse(f"office {office_id!r} has no service {service!r}", status_code=404)
        chosen = [service] if service or not office.services else [s.id for s in office.services]
        base = os.environ.get(PUBLIC_URL_ENV, "").strip().rstrip("/") or str(request.base_url).rstrip("/")
        build = posters.posters_pdf if kind == "posters" else posters.tents_pdf

        def make() -> bytes:  # reportlab and the database off the event loop
            return build(posters.printed_links(engine, office, chosen, base, counter))

        body = await run_in_threadpool(make)
        return Response(body, media_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{kind}-{office_id}.pdf"'})

    return routes
