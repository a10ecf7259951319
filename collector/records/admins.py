"""Admins: who may read the reports and the dashboard, of which offices."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine

from collector import credentials
from collector.db import reading
from collector.records.offices import require_office
from collector.records.stamps import stamp, utc_now
from collector.tables import admin_offices, admins
from kiosk.errors import UserError


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
            require_office(conn, office_id)
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
        credentials.verify_password(password, credentials.dummy_password_hash())
        return None
    if not credentials.verify_password(password, row.password_hash):
        return None
    return Admin(name, scope or None)


def list_admins(engine: Engine) -> list[dict[str, Any]]:
    with reading(engine) as conn:
        scopes: dict[str, list[str]] = {}
        for admin, office_id in conn.execute(select(admin_offices.c.admin, admin_offices.c.office_id)
                                             .order_by(admin_offices.c.office_id)):
            scopes.setdefault(admin, []).append(office_id)
        return [{"name": row.name, "offices": scopes.get(row.name, "all"), "created_at": row.created_at}
                for row in conn.execute(select(admins.c.name, admins.c.created_at).order_by(admins.c.name))]
