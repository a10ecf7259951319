"""When and through which channel the counted respondents answered: respondents and IKM per office-local
weekday and hour, and per channel (kiosk, web, paper), under the office's counting rule.

TODO(totals): this belongs in collector/totals.py (an hourly dimension of the running totals, a
`totals.heatmap`); until that lands it reads the stored responses in scope once (the office-and-date
index) and groups them here. The index of a cell needs the answers and the counting rule needs the
flags, both inside each row's body, so the grouping is done in Python rather than by SQL.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Engine

from collector.db import reading
from collector.ingest import read_stored_body
from collector.tables import responses
from collector.records import OfficeRecord, get_office
from kiosk import ikm
from kiosk.counting import CHANNELS, CountingRule, tally
from kiosk.questionnaire import Questionnaire
from kiosk.response import Response


@dataclass(frozen=True)
class Cell:
    respondents: int
    ikm_converted: float | None
    mutu: str | None


def counted(engine: Engine, office: OfficeRecord, date_from: dt.date | None, date_to: dt.date | None,
            service: str | None = None) -> list[tuple[Response, dt.datetime]]:
    """The responses of the period that the office's counting rule counts (as office_report counts them),
    each with the time the collector dated it by (the device's, or its reception's when the device's
    clock could not be believed: received.py), read in one query over the office-and-date index."""
    query = (select(responses.c.id, responses.c.submitted_at, responses.c.body, responses.c.collector_flags,
                    responses.c.voided_at).where(responses.c.office_id == office.id))
    if service:
        query = query.where(responses.c.service_id == service)
    if date_from:
        query = query.where(responses.c.local_date >= date_from.isoformat())
    if date_to:
        query = query.where(responses.c.local_date <= date_to.isoformat())
    with reading(engine) as conn:
        rows = conn.execute(query).all()
    found, dated = [], {}
    for rid, submitted_at, body, collector_flags, voided_at in rows:
        wire = read_stored_body(body)
        if wire is None:
            continue
        response = Response.from_wire(wire)
        added = tuple(f for f in (collector_flags or "").split(",") if f) + (("voided",) if voided_at else ())
        found.append(dataclasses.replace(response, flags=response.flags + added) if added else response)
        dated[rid] = dt.datetime.fromisoformat(submitted_at)
    return [(r, dated[r.id]) for r in tally(found, CountingRule.for_office(office.settings)).counted]


def _cell(answer_sets: list, questionnaire: Questionnaire) -> Cell:
    result = ikm.compute(answer_sets, questionnaire)
    converted = result.ikm_converted
    return Cell(result.respondents, float(converted) if converted is not None else None, result.mutu)


def by_hour(dated: Iterable[tuple[Response, dt.datetime]], tz: ZoneInfo,
            questionnaire: Questionnaire) -> dict[tuple[int, int], Cell]:
    """Per (weekday 0 = Monday, hour) on the office's clock. The offices' zones (WIB, WITA, WIT) are whole
    hours from UTC, so an hour here is an hour everywhere."""
    grouped: dict[tuple[int, int], list] = {}
    for r, moment in dated:
        local = moment.astimezone(tz)
        grouped.setdefault((local.weekday(), local.hour), []).append(r.answers)
    return {slot: _cell(sets, questionnaire) for slot, sets in sorted(grouped.items())}


def by_channel(dated: Iterable[tuple[Response, dt.datetime]], questionnaire: Questionnaire) -> dict[str, Cell]:
    """Every channel, those without respondents too (0 and no IKM), in the counting rule's order."""
    grouped: dict[str, list] = {channel: [] for channel in CHANNELS}
    for r, _ in dated:
        grouped.setdefault(r.channel, []).append(r.answers)
    return {channel: _cell(sets, questionnaire) for channel, sets in grouped.items()}


def office_patterns(engine: Engine, office_id: str, date_from: dt.date | None, date_to: dt.date | None,
                    service: str | None = None) -> tuple[dict[tuple[int, int], Cell], dict[str, Cell]]:
    """(by weekday and hour, by channel) of an office's counted responses in the period."""
    with reading(engine) as conn:
        office = get_office(conn, office_id)
    if office is None:
        raise LookupError(f"there is no office {office_id!r}")
    found = counted(engine, office, date_from, date_to, service)
    questionnaire = office.questionnaire()
    return by_hour(found, office.tz, questionnaire), by_channel(found, questionnaire)
