"""The web survey that a printed QR code opens on a phone: GET and POST /s/{link}.

{link} is the signed token of the QR code or the short code printed under it (collector/shortlinks.py).

The same questionnaire as the kiosk, one plain HTML form that works without JavaScript on
any phone. The response id is made when the form is served, so a double submit is a
duplicate, never a second respondent. Answers are stored as channel "web" responses with
no kiosk, through the same validation and exactly-once insert as kiosk uploads.
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any, Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.engine import Engine

from collector import formtoken, links, pages, ratelimit, shortlinks
from collector.db import writing
from collector.headers import behind_tls
from collector.ingest import insert_if_new, item_problems
from collector.records import OfficeRecord, get_office, utc_now
from collector.tables import responses
from kiosk.holds import SUSPECT_RATE
from kiosk.questionnaire import LOCALES, PROFILE_FIELDS
from kiosk.response import COMMENT_MAX, new_response, parse_timestamp

log = logging.getLogger(__name__)

# Face colours, worst to best; the face shape and the words carry the meaning too.
FACE_COLOURS = ("#c62828", "#ef6c00", "#2e7d32", "#1b5e20")


def router(engine: Engine, clock: Callable[[], datetime] = utc_now,
           limits: tuple[ratelimit.Limit, ...] | None = None) -> APIRouter:
    routes = APIRouter(tags=["web survey"])
    limits = ratelimit.limits_from_env() if limits is None else limits

    def opened(token: str, request: Request, locale: str) -> tuple[OfficeRecord, str | None] | HTMLResponse:
        """The office and service of a signed token or a typed short code, or the page that says why not."""
        if shortlinks.looks_short(token):
            client = ratelimit.client_key(request.client.host if request.client else None)
            now = clock().timestamp()
            verdict = shortlinks.refused(engine, client, now)
            if verdict.outcome == ratelimit.REFUSED:  # refused before looking: no answer tells a hit from a miss
                log.warning("short code lookups refused for %s: too many misses (%s)", client, verdict.limit)
                page = _page("mistyped.html", locale, status=429)
                page.headers["Retry-After"] = str(verdict.retry_after)
                return page
            found = shortlinks.resolve(engine, token)
            if found is None:
                shortlinks.count_miss(engine, client, now)
                return _page("missing.html", locale, typed=True, status=404)
            office_id, service_id = found
        else:
            link = links.verify_token(engine, token)
            if link is None:
                return _page("missing.html", locale, status=404)
            office_id, service_id = link.office_id, link.service_id
        office = get_office(engine, office_id)
        if office is None or (service_id and service_id not in office.service_ids()):
            return _page("missing.html", locale, status=404)
        return office, service_id

    @routes.get("/s/{token}", response_class=HTMLResponse, summary="The web survey of a printed QR link")
    def show(token: str, request: Request, lang: str = "id") -> HTMLResponse:
        locale = lang if lang in LOCALES else "id"
        found = opened(token, request, locale)
        if isinstance(found, HTMLResponse):
            return found
        office, service_id = found
        now = clock()
        # One nonce per browser (kept while its cookie lives), so several open tabs all stay valid.
        nonce = request.cookies.get(formtoken.COOKIE) or formtoken.new_nonce()
        rid = str(uuid.uuid4())
        form = {"rid": rid, "started": now.isoformat(timespec="seconds"),
                formtoken.FIELD: formtoken.issue(formtoken.form_secret(engine), rid=rid, link=token, nonce=nonce,
                                                 now=now)}
        page = _page("survey.html", locale, office=office, service_id=service_id, form=form, errors=set(),
                     token=token)
        page.set_cookie(formtoken.COOKIE, nonce, max_age=int(formtoken.TTL.total_seconds()), path="/s/",
                        httponly=True, samesite="strict", secure=behind_tls())
        return page

    @routes.post("/s/{token}", response_class=HTMLResponse, summary="Submit the web survey")
    async def submit(token: str, request: Request, lang: str = "id") -> HTMLResponse:
        locale = lang if lang in LOCALES else "id"
        found = opened(token, request, locale)
        if isinstance(found, HTMLResponse):
            return found
        office, link_service = found
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        refusal = formtoken.cross_site(request.headers) or formtoken.check(
            formtoken.form_secret(engine), form.get(formtoken.FIELD), rid=form.get("rid", ""), link=token,
            nonce=request.cookies.get(formtoken.COOKIE), now=clock())
        if refusal is not None:
            log.info("web survey post refused for office %s: %s", office.id, refusal)
            return _page("refused.html", locale, office=office, token=token, status=403)
        response, errors = _response_from_form(office, link_service, form, locale, clock())
        if errors:
            return _page("survey.html", locale, office=office, service_id=link_service, form=form, errors=errors,
                         token=token, status=422)
        keys = {"client": ratelimit.client_key(request.client.host if request.client else None),
                "link": f"{office.id}:{link_service or '*'}"}
        verdict = _store(engine, office, response.to_wire(), clock(), keys, limits)
        if verdict.outcome == ratelimit.REFUSED:
            log.warning("web survey answer refused for office %s: over the limit %s", office.id, verdict.limit)
            page = _page("limited.html", locale, office=office, status=429)
            page.headers["Retry-After"] = str(verdict.retry_after)
            return page
        if verdict.outcome == ratelimit.HELD:
            log.warning("web survey answer held as suspect for office %s: over the limit %s", office.id,
                        verdict.limit)
        return _page("thanks.html", locale, office=office)

    return routes


def _page(name: str, locale: str, status: int = 200, **context: Any) -> HTMLResponse:
    other = "en" if locale == "id" else "id"
    office = context.get("office")
    html = pages.environment(locale).get_template(name).render(
        locale=locale, other=other, profile_fields=PROFILE_FIELDS, faces=FACE_COLOURS,
        comment_max=COMMENT_MAX, items=office.questionnaire().items if office else (), **context)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def _response_from_form(office: OfficeRecord, link_service: str | None, form: dict[str, str], locale: str,
                        now: datetime):
    """The wire response a submitted form stands for, or the names of the fields to fix."""
    errors: set[str] = set()
    questionnaire = office.questionnaire()
    allow_skip = bool(office.settings.get("kiosk", {}).get("allow_skip", False))
    answers: dict[str, Any] = {}
    for item in questionnaire.items:
        value = form.get(item.code, "")
        if item.scored and value in ("1", "2", "3", "4"):
            answers[item.code] = int(value)
        elif not item.scored and value in {k for k, _ in item.choices}:
            answers[item.code] = value
        elif value or not allow_skip:
            errors.add(item.code)
    service_id = link_service or form.get("service") or None
    if service_id not in office.service_ids():
        errors.add("service")
    profile = {}
    for field in PROFILE_FIELDS:
        value = form.get(field.key, "")
        if value in field.keys():
            profile[field.key] = value
    comment = form.get("comment", "").strip()[:COMMENT_MAX] or None
    try:
        rid = str(uuid.UUID(form.get("rid", "")))
    except ValueError:
        rid = str(uuid.uuid4())
    started = parse_timestamp(form.get("started"))
    if started is None or not now - timedelta(hours=12) <= started <= now:
        started = now  # a form kept open overnight, or a forged time: the survey starts now
    if errors:
        return None, errors
    local_now = now.astimezone(office.tz)
    response = new_response(office_id=office.id, service_id=service_id, answers=answers,
                            started_at=started.astimezone(office.tz), submitted_at=local_now,
                            questionnaire=questionnaire, channel="web", locale=locale, profile=profile,
                            comment=comment, make_id=lambda: rid)
    return response, set()


def _store(engine: Engine, office: OfficeRecord, wire: dict[str, Any], now: datetime, keys: dict[str, str],
           limits: tuple[ratelimit.Limit, ...]) -> ratelimit.Verdict:
    """Insert one web response unless its id is stored already, counted against the rate limits in the same
    transaction: held as suspect past a soft limit, not stored past a hard one (the verdict says which).

    The id was made when this form was served and only that page knows it (its token is bound to it),
    so an id that is already stored is the same respondent pressing "send" twice (or reloading): one
    respondent, and not counted against the limits again.
    """
    problems = item_problems(wire, office)
    if problems:  # the form was checked field by field; this would be a bug, not a user mistake
        raise ValueError("; ".join(problems))
    try:
        with writing(engine) as conn:
            if conn.execute(select(responses.c.id).where(responses.c.id == wire["id"])).first() is not None:
                return ratelimit.Verdict(ratelimit.OK)
            verdict = ratelimit.take(conn, keys, now.timestamp(), limits)
            if verdict.outcome == ratelimit.REFUSED:
                raise _Refused(verdict)  # rolls the counts back: a refused answer is not counted
            if verdict.outcome == ratelimit.HELD:
                wire = {**wire, "flags": [*wire.get("flags", []), SUSPECT_RATE]}
            insert_if_new(conn, office, wire, kiosk_id=None, now=now)
            return verdict
    except _Refused as refused:
        return refused.verdict


class _Refused(Exception):
    def __init__(self, verdict: ratelimit.Verdict):
        super().__init__(verdict.limit)
        self.verdict = verdict
