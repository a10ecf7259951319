"""Offices, services, kiosks, enrolment codes and admins: the collector's records and their rules."""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from collector import credentials
from collector.db import reading
from collector.tables import admin_offices, admins, enroll_codes, kiosks, offices, responses, services
from kiosk import config as office_config, ids
from kiosk.config import Service
from kiosk.errors import UserError
from kiosk.questionnaire import SKM_2017, Questionnaire, Text
from kiosk.response import canonical_json

ENROLL_CODE_TTL = timedelta(hours=24)
DEFAULT_TIMEZONE = "Asia/Jakarta"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def stamp(moment: datetime) -> str:
    """A time as stored: ISO 8601 in UTC with microseconds, so text order is time order."""
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


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


@dataclass(frozen=True)
class KioskRecord:
    id: str
    office_id: str
    created_at: str
    revoked_at: str | None
    last_seen_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


# --- offices and services ------------------------------------------------------------------------

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
        old = get_office(conn, office_id)
        if old is None:
            raise UserError(f"there is no office {office_id!r}; add it first with `kiosk admin office-add`.")
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
            _redate_responses(conn, office_id, ZoneInfo(timezone_name))
    return get_office(engine, office_id)  # type: ignore[return-value]


def _redate_responses(conn: Connection, office_id: str, tz: ZoneInfo) -> None:
    """Local dates follow the office's time zone (reports select by them)."""
    rows = conn.execute(select(responses.c.id, responses.c.submitted_at)
                        .where(responses.c.office_id == office_id)).all()
    changes = [{"rid": rid, "day": datetime.fromisoformat(submitted).astimezone(tz).date().isoformat()}
               for rid, submitted in rows]
    if changes:
        conn.execute(update(responses).where(responses.c.id == bindparam("rid")).values(local_date=bindparam("day")),
                     changes)


def add_service(engine: Engine, office_id: str, service_id: str, name_id: str, name_en: str) -> Service:
    if not service_id.strip() or not name_id.strip() or not name_en.strip():
        raise UserError("a service needs a non-empty id and names in Bahasa Indonesia and English.")
    with engine.begin() as conn:
        if conn.execute(select(offices.c.id).where(offices.c.id == office_id)).first() is None:
            raise UserError(f"there is no office {office_id!r}; add it first with `kiosk admin office-add`.")
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
        counts = dict(conn.execute(select(responses.c.office_id, func.count()).group_by(responses.c.office_id)).all())
        kiosk_counts = dict(conn.execute(select(kiosks.c.office_id, func.count())
                                         .where(kiosks.c.revoked_at.is_(None)).group_by(kiosks.c.office_id)).all())
        out = []
        for row in conn.execute(select(offices.c.id).order_by(offices.c.id)).all():
            office = get_office(conn, row.id)
            out.append({"id": office.id, "name": office.name, "timezone": office.timezone,
                        "services": [s.id for s in office.services],
                        "kiosks": kiosk_counts.get(office.id, 0), "responses": counts.get(office.id, 0)})
        return out


# --- kiosks and enrolment ------------------------------------------------------------------------

def add_kiosk(engine: Engine, office_id: str, *, now: datetime | None = None) -> tuple[str, str]:
    """A new kiosk of the office: (kiosk_id, token). The token is shown once and stored only as a hash."""
    with engine.begin() as conn:
        if conn.execute(select(offices.c.id).where(offices.c.id == office_id)).first() is None:
            raise UserError(f"there is no office {office_id!r}; add it first with `kiosk admin office-add`.")
        return _insert_kiosk(conn, office_id, now or utc_now())


def _insert_kiosk(conn: Connection, office_id: str, now: datetime) -> tuple[str, str]:
    kiosk_id, token = credentials.new_kiosk_id(), credentials.new_token()
    conn.execute(insert(kiosks).values(id=kiosk_id, office_id=office_id, token_hash=credentials.token_hash(token),
                                       created_at=stamp(now)))
    return kiosk_id, token


def revoke_kiosk(engine: Engine, kiosk_id: str, *, now: datetime | None = None) -> None:
    with engine.begin() as conn:
        row = conn.execute(select(kiosks.c.revoked_at).where(kiosks.c.id == kiosk_id)).first()
        if row is None:
            raise UserError(f"there is no kiosk {kiosk_id!r}.")
        if row.revoked_at is None:
            conn.execute(update(kiosks).where(kiosks.c.id == kiosk_id).values(revoked_at=stamp(now or utc_now())))


def kiosk_for_token(conn: Connection, token: str) -> KioskRecord | None:
    row = conn.execute(select(kiosks).where(kiosks.c.token_hash == credentials.token_hash(token))).first()
    if row is None:
        return None
    return KioskRecord(row.id, row.office_id, row.created_at, row.revoked_at, row.last_seen_at)


def list_kiosks(engine: Engine, office_id: str | None = None) -> list[dict[str, Any]]:
    with reading(engine) as conn:
        counts = dict(conn.execute(select(responses.c.kiosk_id, func.count())
                                   .group_by(responses.c.kiosk_id)).all())
        query = select(kiosks).order_by(kiosks.c.office_id, kiosks.c.created_at)
        if office_id:
            query = query.where(kiosks.c.office_id == office_id)
        return [{"kiosk_id": r.id, "office_id": r.office_id, "created_at": r.created_at,
                 "revoked_at": r.revoked_at, "last_seen_at": r.last_seen_at, "responses": counts.get(r.id, 0)}
                for r in conn.execute(query)]


def new_enroll_code(engine: Engine, office_id: str, *, now: datetime | None = None,
                    ttl: timedelta = ENROLL_CODE_TTL) -> tuple[str, str]:
    """A single-use enrolment code for the office: (code, expires_at)."""
    now = now or utc_now()
    code = credentials.new_enroll_code()
    expires = stamp(now + ttl)
    with engine.begin() as conn:
        if conn.execute(select(offices.c.id).where(offices.c.id == office_id)).first() is None:
            raise UserError(f"there is no office {office_id!r}; add it first with `kiosk admin office-add`.")
        conn.execute(insert(enroll_codes).values(code_hash=credentials.enroll_code_hash(code), office_id=office_id,
                                                 created_at=stamp(now), expires_at=expires))
    return code, expires


class EnrolmentRefused(Exception):
    """The code is unknown, used or expired, or its office cannot take kiosks yet (message says which).

    `code` names the case for the kiosk, which tells staff what to do: ask for a new code, or wait until the
    office has a service (the code then still works: refusing it does not use it up).
    """

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def redeem_enroll_code(engine: Engine, code: str, *, now: datetime | None = None
                       ) -> tuple[str, str, OfficeRecord]:
    """Use a code once: a new kiosk of its office, (kiosk_id, token, office)."""
    now_text = stamp(now or utc_now())
    code_hash = credentials.enroll_code_hash(code)
    with engine.begin() as conn:
        # The guarded update makes the code single-use even when two kiosks race for it on separate collectors.
        claimed = conn.execute(update(enroll_codes)
                               .where(enroll_codes.c.code_hash == code_hash, enroll_codes.c.used_at.is_(None),
                                      enroll_codes.c.expires_at > now_text)
                               .values(used_at=now_text)).rowcount
        row = conn.execute(select(enroll_codes).where(enroll_codes.c.code_hash == code_hash)).first()
        if claimed != 1:
            if row is None:
                raise EnrolmentRefused("unknown-code", "this enrolment code is unknown")
            if row.expires_at <= now_text:
                raise EnrolmentRefused("expired-code", "this enrolment code has expired")
            raise EnrolmentRefused("used-code", "this enrolment code has already been used")
        office = get_office(conn, row.office_id)
        if office is None or not office.services:
            raise EnrolmentRefused("no-services", f"office {row.office_id!r} has no services yet; add one with "
                                   f"`kiosk admin service-add --office {row.office_id} ...`, then enrol again "
                                   "with the same code")
        kiosk_id, token = _insert_kiosk(conn, office.id, now or utc_now())
        conn.execute(update(enroll_codes).where(enroll_codes.c.code_hash == code_hash).values(kiosk_id=kiosk_id))
    return kiosk_id, token, office


# --- admins --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Admin:
    """Someone who reads reports and the dashboard: of every office, or only of those listed."""

    name: str
    offices: frozenset[str] | None = None  # None: every office

    def may_read(self, office_id: str) -> bool:
        return self.offices is None or office_id in self.offices


def add_admin(engine: Engine, name: str, password: str, *, office_ids: tuple[str, ...] = (),
              now: datetime | None = None) -> Admin:
    """Add an admin or replace its password and offices (none given: every office)."""
    if not name.strip() or ":" in name or "\x00" in name:
        raise UserError("an admin name must be non-empty and must not contain ':'.")
    if len(password) < 8:
        raise UserError("an admin password needs at least 8 characters.")
    password_hash = credentials.hash_password(password)
    with engine.begin() as conn:
        for office_id in office_ids:
            if conn.execute(select(offices.c.id).where(offices.c.id == office_id)).first() is None:
                raise UserError(f"there is no office {office_id!r}; add it first with `kiosk admin office-add`.")
        exists = conn.execute(select(admins.c.name).where(admins.c.name == name)).first() is not None
        if exists:
            conn.execute(update(admins).where(admins.c.name == name).values(password_hash=password_hash))
            conn.execute(delete(admin_offices).where(admin_offices.c.admin == name))
        else:
            conn.execute(insert(admins).values(name=name, password_hash=password_hash, created_at=stamp(now or utc_now())))
        for office_id in sorted(set(office_ids)):
            conn.execute(insert(admin_offices).values(admin=name, office_id=office_id))
    return Admin(name, frozenset(office_ids) if office_ids else None)


def authenticate_admin(engine: Engine, name: str, password: str) -> Admin | None:
    """The admin with this name and password, or None (a wrong name costs as long as a wrong password)."""
    if "\x00" in name:
        return None
    with reading(engine) as conn:
        row = conn.execute(select(admins.c.password_hash).where(admins.c.name == name)).first()
        scope = frozenset(conn.execute(select(admin_offices.c.office_id)
                                       .where(admin_offices.c.admin == name)).scalars())
    if row is None:
        credentials.verify_password(password, credentials.DUMMY_PASSWORD_HASH)
        return None
    if not credentials.verify_password(password, row.password_hash):
        return None
    return Admin(name, scope or None)


def check_admin(engine: Engine, name: str, password: str) -> bool:
    return authenticate_admin(engine, name, password) is not None


def list_admins(engine: Engine) -> list[dict[str, Any]]:
    with reading(engine) as conn:
        scopes: dict[str, list[str]] = {}
        for admin, office_id in conn.execute(select(admin_offices.c.admin, admin_offices.c.office_id)
                                             .order_by(admin_offices.c.office_id)):
            scopes.setdefault(admin, []).append(office_id)
        return [{"name": row.name, "offices": scopes.get(row.name, "all"), "created_at": row.created_at}
                for row in conn.execute(select(admins.c.name, admins.c.created_at).order_by(admins.c.name))]


def set_office_pin(engine: Engine, office_id: str, pin_hash: str | None) -> None:
    """The staff PIN (as a hash) that enrolled kiosks of the office receive; None lets kiosks keep their own."""
    with engine.begin() as conn:
        if conn.execute(update(offices).where(offices.c.id == office_id).values(pin_hash=pin_hash)).rowcount != 1:
            raise UserError(f"there is no office {office_id!r}.")
