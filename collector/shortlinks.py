"""Short codes for survey links, for a person who types the address from a poster instead of scanning it.

One code per link (office, or office and service), made on first use and kept in the database so every
collector process resolves it; `GET, POST /s/{code}` opens the same survey as the long signed link.
Rotating the link secret forgets every code in the same transaction (collector/links.py): one command
withdraws everything printed, QR code and typed address alike, and the next poster gets a new code.

Guessing: a code is 8 symbols of 31, 31**8 = 8.5e11. A client may miss (ask for a code that does not exist)
10 times a minute, 30 an hour and 100 a day (SHORT_MISS_LIMITS) before every short code is refused to it
for the rest of the window; 100 a day is 36,500 guesses a year. With 1,000 links in use one guess finds one
with a chance of 1.2e-9, so one address finds one in a year with a chance of 4e-5. And a found code only
opens a survey that is printed on a wall anyway, whose answers go through the per-link and per-client
limits of collector/ratelimit.py.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from collector import ratelimit
from collector.tables import short_links
from kiosk import qr

# Only misses count; hard == soft, there is no "held" for a lookup.
SHORT_MISS_LIMITS = (
    ratelimit.Limit("client", 60, soft=10, hard=10),
    ratelimit.Limit("client", 3600, soft=30, hard=30),
    ratelimit.Limit("client", 86400, soft=100, hard=100),
)
_ATTEMPTS = 5  # a new code colliding with one in use is a 1-in-1e8 event; five in a row does not happen


def code_for(engine: Engine, office_id: str, service_id: str | None = None, make=qr.new_short_code) -> str:
    """The short code of a link, made on first use. Concurrent first uses agree on one: insert-if-absent on
    the link, then read back."""
    key = service_id or ""
    with engine.begin() as conn:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        for _ in range(_ATTEMPTS):
            found = _code(conn, office_id, key)
            if found is not None:
                return found
            conn.execute(dialect.insert(short_links).values(
                code=make(), office_id=office_id, service_id=key,
                created_at=datetime.now(timezone.utc).isoformat(timespec="seconds")).on_conflict_do_nothing())
    raise RuntimeError("no free short code after several tries")  # a broken `make`, not bad luck


def _code(conn: Connection, office_id: str, key: str) -> str | None:
    return conn.execute(select(short_links.c.code).where(short_links.c.office_id == office_id,
                                                         short_links.c.service_id == key)).scalar()


def resolve(engine: Engine, typed: str) -> tuple[str, str | None] | None:
    """(office_id, service_id) of a typed code, or None when no link has it."""
    code = qr.normal_short_code(typed)
    if code is None:
        return None
    with engine.connect() as conn:
        row = conn.execute(select(short_links.c.office_id, short_links.c.service_id)
                           .where(short_links.c.code == code)).first()
    return None if row is None else (row.office_id, row.service_id or None)


def forget_all(conn: Connection) -> int:
    """Forget every short code (in the caller's transaction: the link secret's rotation)."""
    return conn.execute(delete(short_links)).rowcount


def looks_short(token: str) -> bool:
    """Whether a /s/ path is a short code rather than a signed token (which always has two dots)."""
    return "." not in token


def refused(engine: Engine, client: str, now: float) -> ratelimit.Verdict:
    """Whether this client has missed too often to be answered now (REFUSED with its Retry-After)."""
    with engine.connect() as conn:
        return ratelimit.peek(conn, {"client": _key(client)}, now, SHORT_MISS_LIMITS)


def count_miss(engine: Engine, client: str, now: float) -> None:
    with engine.begin() as conn:
        ratelimit.take(conn, {"client": _key(client)}, now, SHORT_MISS_LIMITS)


def _key(client: str) -> str:
    return f"short:{client}"  # apart from the same client's web-survey answer counts
