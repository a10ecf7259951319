"""The collector's secrets for survey links and forms, kept in its database so every collector process shares them."""
from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from collector import shortlinks
from collector.tables import settings
from kiosk import qr

_KEY = "link_secret"


def shared_secret(engine: Engine, key: str) -> bytes:
    """The secret stored under `key`, made on first use; concurrent first uses agree on one (insert-if-absent,
    then read)."""
    with engine.begin() as conn:
        found = conn.execute(select(settings.c.value).where(settings.c.key == key)).scalar()
        if found is None:
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            conn.execute(dialect.insert(settings).values(key=key, value=secrets.token_hex(32))
                         .on_conflict_do_nothing(index_elements=["key"]))
            found = conn.execute(select(settings.c.value).where(settings.c.key == key)).scalar()
    return bytes.fromhex(found)


def link_secret(engine: Engine) -> bytes:
    return shared_secret(engine, _KEY)


def rotate_link_secret(engine: Engine) -> None:
    """A new secret for survey links: every link signed before stops opening the survey (a leaked or
    misprinted poster is withdrawn this way; the office prints new ones). Every short code goes with it, in
    the same transaction: what a poster says in print stops working together with its QR code."""
    with engine.begin() as conn:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        fresh = secrets.token_hex(32)
        conn.execute(dialect.insert(settings).values(key=_KEY, value=fresh)
                     .on_conflict_do_update(index_elements=["key"], set_={"value": fresh}))
        shortlinks.forget_all(conn)


def make_link(engine: Engine, office_id: str, service_id: str | None = None) -> qr.SurveyLink:
    return qr.sign(link_secret(engine), office_id, service_id)


def verify_token(engine: Engine, token: str) -> qr.SurveyLink | None:
    return qr.verify(link_secret(engine), token)
