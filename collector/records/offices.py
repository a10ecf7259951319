"""Offices and their services: the office record kiosks are configured from, and its rules."""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from collector.db import reading
from collector.records.stamps import stamp, utc_now
from collector.tables import kiosks, offices, responses, services, totals_respondents
from kiosk import config as office_config, ids
from kiosk.config import Service
from kiosk.errors import UserError
from kiosk.questionnaire import SKM_2017, Questionnaire, Text
from kiosk.response import canonical_json

DEFAULT_TIMEZONE = "Asia/Jakarta"


@dataclass(frozen=True)
class OfficeRecord:
    """A public-service office as the collector knows it, with what its kiosks need."""

    id: str
    name: str
    timezone: str
    logo: str | None
    settings: dict[str, Any]
    pin_hash: str | None
    services: tuple[Service, ...]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def service_ids(self) -> frozenset[str]:
        return frozenset(s.id for s in self.services)

    def questionnaire(self) -> Questionnaire:
        own = {k: self.settings[k] for k in ("questions", "weights") if k in self.settings}
        return _questionnaire(self.id, json.dumps(own, sort_keys=True)) if own else SKM_2017

    def kiosk_config(self) -> dict[str, Any]:
        """The office config for a kiosk, ready for TOML; the kiosk sets its own sync URL and keeps its PIN
        unless the office has one."""
        return office_config.build(
            office_config.Office(self.id, self.name, self.timezone, self.logo), self.services,
            kiosk=self.settings.get("kiosk", {}), pin_hash=self.pin_hash, own=self.settings)

    def config_etag(self) -> str:
        return '"' + hashlib.sha256(canonical_json(self.kiosk_config()).encode()).hexdigest()[:32] + '"'


@functools.lru_cache(maxsize=64)
def _questionnaire(office_id: str, own_json: str) -> Questionnaire:
    problems: list[str] = []
    questionnaire = office_config.office_questionnaire(json.loads(own_json), office_id,
                                                 lambda key, found, expected: problems.append(key))
    return SKM_2017 if problems else questionnaire


def _check_office_id(office_id: str) -> None:
    if not ids.is_office_id(office_id):
        raise UserError(f"office id {office_id!r} must be made of {ids.OFFICE_ID_RULE}.")


def _check_timezone(tz: str) -> None:
    if not ids.is_timezone(tz):
        raise UserError(f"{tz!r} is not {ids.TIMEZONE_EXPECTED}.")


def add_office(engine: Engine, office_id: str, name: str, *, timezone_name: str = DEFAULT_TIMEZONE,
               logo: str | None = None, settings: dict[str, Any] | None = None, pin_hash: str | None = None,
               services_: tuple[Service, ...] = (), now: datetime | None = None) -> OfficeRecord:
    _check_office_id(office_id)
    if not name.strip():
        raise UserError("the office name must not be empty.")
    _check_timezone(timezone_name)
    try:
        with engine.begin() as conn:
            conn.execute(insert(offices).values(
                id=office_id, name=name.strip(), timezone=timezone_name, logo=logo,
                settings=json.dumps(settings or {}, sort_keys=True), pin_hash=pin_hash,
                created_at=stamp(now or utc_now())))
            for position, service in enumerate(services_):
                conn.execute(insert(services).values(office_id=office_id, id=service.id, name_id=service.name.id,
                                                     name_en=service.name.en, position=position))
    except IntegrityError:
        raise UserError(f"office {office_id!r} already exists.") from None
    return get_office(engine, office_id)  # type: ignore[return-value]


def office_from_config(path: str | Path) -> dict[str, Any]:
    """The keyword arguments of add_office taken from a kiosk config TOML (office, services, kiosk defaults)."""
    data = office_config.read(path)
    config = office_config.load(path)
    settings: dict[str, Any] = {"kiosk": data.get("kiosk", {})}
    for key in ("questions", "weights", "counting"):
        if key in data:
            settings[key] = data[key]
    return {"office_id": config.office.id, "name": config.office.name, "timezone_name": config.office.timezone,
            "logo": config.office.logo, "settings": settings, "pin_hash": config.pin_hash or None,
            "services_": config.services}


def update_office(engine: Engine, office_id: str, *, name: str, timezone_name: str, logo: str | None = None,
                  settings: dict[str, Any] | None = None, pin_hash: str | None = None,
                  services_: tuple[Service, ...] = ()) -> OfficeRecord:
    """Replace an office's details and kiosk settings (kiosks pick them up through GET /api/v1/config).

    Services are added or renamed and put in the given order; services left out stay (responses
    refer to them) and follow the listed ones. A new time zone re-dates the stored responses.
    """
    _check_timezone(timezone_name)
    if not name.strip():
        raise UserError("the office name must not be empty.")
    with engine.begin() as conn:
        old = require_office(conn, office_id)
        conn.execute(update(offices).where(offices.c.id == office_id).values(
            name=name.strip(), timezone=timezone_name, logo=logo, settings=json.dumps(settings or {}, sort_keys=True),
            pin_hash=pin_hash))
        listed = {s.id for s in services_}
        ordered = list(services_) + [s for s in old.services if s.id not in listed]
        known = old.service_ids()
        for position, service in enumerate(ordered):
            values = {"name_id": service.name.id, "name_en": service.name.en, "position": position}
            if service.id in known:
                conn.execute(update(services).where(services.c.office_id == office_id, services.c.id == service.id)
                             .values(**values))
            else:
                conn.execute(insert(services).values(office_id=office_id, id=service.id, **values))
        if timezone_name != old.timezone:
            _redate_responses(conn, office_id, ZoneInfo(timezone_name), old.tz)
    return get_office(engine, office_id)  # type: ignore[return-value]


def _redate_responses(conn: Connection, office_id: str, tz: ZoneInfo, old_tz: ZoneInfo) -> None:
    """Local dates follow the office's time zone (reports select by them)."""
    rows = conn.execute(select(responses.c.id, responses.c.submitted_at)
                        .where(responses.c.office_id == office_id)).all()
    changes = [{"rid": rid, "day": datetime.fromisoformat(submitted).astimezone(tz).date().isoformat()}
               for rid, submitted in rows]
    if changes:
        from collector import totals

        with totals.track(conn, [c["rid"] for c in changes], zone_before=old_tz):  # the totals are per local date too
            conn.execute(update(responses).where(responses.c.id == bindparam("rid"))
                         .values(local_date=bindparam("day")), changes)


def add_service(engine: Engine, office_id: str, service_id: str, name_id: str, name_en: str) -> Service:
    if not service_id.strip() or not name_id.strip() or not name_en.strip():
        raise UserError("a service needs a non-empty id and names in Bahasa Indonesia and English.")
    with engine.begin() as conn:
        require_office(conn, office_id)
        position = conn.execute(select(func.count()).select_from(services)
                                .where(services.c.office_id == office_id)).scalar_one()
        try:
            with conn.begin_nested():
                conn.execute(insert(services).values(office_id=office_id, id=service_id, name_id=name_id.strip(),
                                                     name_en=name_en.strip(), position=position))
        except IntegrityError:
            raise UserError(f"office {office_id!r} already has a service {service_id!r}.") from None
    return Service(service_id, Text(name_id.strip(), name_en.strip()))


def get_office(source: Engine | Connection, office_id: str) -> OfficeRecord | None:
    if "\x00" in office_id:  # no id has one, and PostgreSQL refuses to even compare it
        return None
    if isinstance(source, Engine):
        with reading(source) as conn:
            return get_office(conn, office_id)
    row = source.execute(select(offices).where(offices.c.id == office_id)).first()
    if row is None:
        return None
    rows = source.execute(select(services).where(services.c.office_id == office_id)
                          .order_by(services.c.position, services.c.id))
    return OfficeRecord(
        id=row.id, name=row.name, timezone=row.timezone, logo=row.logo, settings=json.loads(row.settings),
        pin_hash=row.pin_hash, services=tuple(Service(s.id, Text(s.name_id, s.name_en)) for s in rows))


def list_offices(engine: Engine) -> list[dict[str, Any]]:
    with reading(engine) as conn:
        # Every stored row adds 1 to totals_respondents (collector/totals.py): the counts of a province's
        # offices without reading its millions of responses.
        counts = {office_id: int(n) for office_id, n in conn.execute(
            select(totals_respondents.c.office_id, func.sum(totals_respondents.c.n))
            .group_by(totals_respondents.c.office_id))}
        kiosk_counts = dict(conn.execute(select(kiosks.c.office_id, func.count())
                                         .where(kiosks.c.revoked_at.is_(None)).group_by(kiosks.c.office_id)).all())
        out = []
        for row in conn.execute(select(offices.c.id).order_by(offices.c.id)).all():
            office = get_office(conn, row.id)
            out.append({"id": office.id, "name": office.name, "timezone": office.timezone,
                        "services": [s.id for s in office.services],
                        "kiosks": kiosk_counts.get(office.id, 0), "responses": counts.get(office.id, 0)})
        return out


def require_office(conn: Connection, office_id: str) -> OfficeRecord:
    """The office, or the one sentence every command says when it does not exist."""
    office = get_office(conn, office_id)
    if office is None:
        raise UserError(f"there is no office {office_id!r}; add it first with `kiosk admin office-add`.")
    return office


def set_office_pin(engine: Engine, office_id: str, pin_hash: str | None) -> None:
    """The staff PIN (as a hash) that enrolled kiosks of the office receive; None lets kiosks keep their own."""
    with engine.begin() as conn:
        if conn.execute(update(offices).where(offices.c.id == office_id).values(pin_hash=pin_hash)).rowcount != 1:
            raise UserError(f"there is no office {office_id!r}.")
