"""Kiosks and their enrolment: tokens, single-use enrolment codes, revocation."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine

from collector import credentials
from collector.db import reading
from collector.records.offices import OfficeRecord, get_office, require_office
from collector.records.stamps import stamp, utc_now
from collector.tables import enroll_codes, kiosks
from kiosk.errors import UserError

ENROLL_CODE_TTL = timedelta(hours=24)


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


def add_kiosk(engine: Engine, office_id: str, *, now: datetime | None = None) -> tuple[str, str]:
    """A new kiosk of the office: (kiosk_id, token). The token is shown once and stored only as a hash."""
    with engine.begin() as conn:
        require_office(conn, office_id)
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
    """The kiosks (of one office), each with the responses it has stored: the counter ingest keeps
    (kiosks.responses), so the list costs a row per kiosk, not a look at every response."""
    with reading(engine) as conn:
        query = select(kiosks).order_by(kiosks.c.office_id, kiosks.c.created_at)
        if office_id:
            query = query.where(kiosks.c.office_id == office_id)
        return [{"kiosk_id": r.id, "office_id": r.office_id, "created_at": r.created_at,
                 "revoked_at": r.revoked_at, "last_seen_at": r.last_seen_at, "responses": int(r.responses)}
                for r in conn.execute(query)]


def new_enroll_code(engine: Engine, office_id: str, *, now: datetime | None = None,
                    ttl: timedelta = ENROLL_CODE_TTL) -> tuple[str, str]:
    """A single-use enrolment code for the office: (code, expires_at)."""
    now = now or utc_now()
    code = credentials.new_enroll_code()
    expires = stamp(now + ttl)
    with engine.begin() as conn:
        require_office(conn, office_id)
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
