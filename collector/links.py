"""The collector's secret for survey links, kept in its database so every collector process shares it."""
from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from collector.tables import settings
from kiosk import qr

_KEY = "link_secret"


def link_secret(engine: Engine) -> bytes:
    """The secret, made on first use; concurrent first uses agree on one (insert-if-absent, then read)."""
    with engine.begin() as conn:
        found = conn.execute(select(settings.c.value).where(settings.c.key == _KEY)).scalar()
        if found is None:
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            conn.execute(dialect.insert(settings).values(key=_KEY, value=secrets.token_hex(32))
                         .on_conflict_do_nothing(index_elements=["key"]))
            found = conn.execute(select(settings.c.value).where(settings.c.key == _KEY)).scalar()
    return bytes.fromhex(found)


def make_link(engine: Engine, office_id: str, service_id: str | None = None) -> qr.SurveyLink:
    return qr.sign(link_secret(engine), office_id, service_id)


def verify_token(engine: Engine, token: str) -> qr.SurveyLink | None:
    return qr.verify(link_secret(engine), token)
