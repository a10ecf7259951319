"""Limits on web-survey answers per client and per link, counted in the database so they hold across every
collector process on it.

Each limit counts posts per key (a client address, or a link) in fixed windows of a table row per
(key, window), upserted in the same transaction that stores the answer; the previous window's count,
weighted by how much of it still overlaps the last `window` seconds, smooths the edge between windows
(a burst straddling a minute boundary is judged as one minute). Past `soft` an answer is stored but
held as suspect (kiosk.holds.SUSPECT_RATE: kept out of the IKM until an admin accepts it); past `hard`
it is refused (429) and not counted. Refused posts roll back, so they never raise a count.
"""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

from kiosk.errors import UserError

ENV = "KIOSK_WEB_LIMITS"
OK, HELD, REFUSED = "ok", "held", "refused"


@dataclass(frozen=True)
class Limit:
    scope: str     # "client" (one address; an IPv6 /64) or "link" (one office and service)
    window_s: int
    soft: int      # answers past this many in the window are held as suspect
    hard: int      # answers past this many are refused

    @property
    def name(self) -> str:
        return f"{self.scope}/{self.window_s}"


# One address may be a whole office wifi: a handful of citizens finishing in the same minute is normal,
# dozens are not. A link carries every phone of an office. Tune with KIOSK_WEB_LIMITS (collector/README.md).
DEFAULT_LIMITS = (
    Limit("client", 60, soft=6, hard=30),
    Limit("client", 3600, soft=60, hard=600),
    Limit("client", 86400, soft=200, hard=2000),
    Limit("link", 60, soft=30, hard=300),
    Limit("link", 3600, soft=300, hard=3000),
)
_SCOPES = ("client", "link")


def parse_limits(spec: str) -> tuple[Limit, ...]:
    """Limits from `scope/seconds=soft:hard,...`; those named replace the defaults of the same scope and window,
    e.g. "client/60=10:50,link/3600=500:5000"."""
    chosen = {limit.name: limit for limit in DEFAULT_LIMITS}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        try:
            name, _, values = part.partition("=")
            scope, _, seconds = name.strip().partition("/")
            soft, _, hard = values.partition(":")
            limit = Limit(scope, int(seconds), int(soft), int(hard))
        except ValueError:
            raise UserError(f"{ENV}: {part!r} is not scope/seconds=soft:hard, e.g. client/60=6:30.") from None
        if limit.scope not in _SCOPES or limit.window_s < 1 or not 0 <= limit.soft <= limit.hard:
            raise UserError(f"{ENV}: {part!r} needs a scope of client or link, seconds >= 1 and 0 <= soft <= hard.")
        chosen[limit.name] = limit
    return tuple(chosen.values())


def limits_from_env() -> tuple[Limit, ...]:
    return parse_limits(os.environ.get(ENV, ""))


def client_key(address: str | None) -> str:
    """One client: its IPv4 address, or its IPv6 /64 (one household or phone gets a whole /64)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass(frozen=True)
class Verdict:
    outcome: str              # OK, HELD or REFUSED
    limit: str | None = None  # the limit that decided it
    retry_after: int = 0      # seconds, for REFUSED


_UPSERT = text("INSERT INTO rate_counters (key, window_start, hits) VALUES (:key, :start, 1) "
               "ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_counters.hits + 1 RETURNING hits")
_PREVIOUS = text("SELECT hits FROM rate_counters WHERE key = :key AND window_start = :start")
_FORGET = text("DELETE FROM rate_counters WHERE key = :key AND window_start < :before")


def take(conn: Connection, keys: dict[str, str], now: float, limits: tuple[Limit, ...]) -> Verdict:
    """Count one post against every limit, in the caller's transaction; the strictest outcome wins.
    The caller rolls back on REFUSED (the post is then not counted)."""
    verdict = Verdict(OK)
    longest = max((limit.window_s for limit in limits), default=0)
    for limit in limits:
        key = f"{limit.name}:{keys[limit.scope]}"
        start = int(now // limit.window_s) * limit.window_s
        hits = conn.execute(_UPSERT, {"key": key, "start": start}).scalar_one()
        if hits == 1:  # first post of this window: the ones before the previous window are done with
            conn.execute(_FORGET, {"key": key, "before": start - limit.window_s})
            if limit.window_s == longest:  # about once a day per client: sweep keys never seen again
                forget_stale(conn, now, longest)
        previous = conn.execute(_PREVIOUS, {"key": key, "start": start - limit.window_s}).scalar() or 0
        overlap = 1 - (now - start) / limit.window_s
        estimate = hits + previous * overlap
        if estimate > limit.hard:
            return Verdict(REFUSED, limit.name, retry_after=max(1, int(start + limit.window_s - now) + 1))
        if estimate > limit.soft and verdict.outcome == OK:
            verdict = Verdict(HELD, limit.name)
    return verdict


def peek(conn: Connection, keys: dict[str, str], now: float, limits: tuple[Limit, ...]) -> Verdict:
    """Whether a key has used up a limit already (REFUSED), without counting anything."""
    for limit in limits:
        key = f"{limit.name}:{keys[limit.scope]}"
        start = int(now // limit.window_s) * limit.window_s
        hits = conn.execute(_PREVIOUS, {"key": key, "start": start}).scalar() or 0
        previous = conn.execute(_PREVIOUS, {"key": key, "start": start - limit.window_s}).scalar() or 0
        if hits + previous * (1 - (now - start) / limit.window_s) >= limit.hard:
            return Verdict(REFUSED, limit.name, retry_after=max(1, int(start + limit.window_s - now) + 1))
    return Verdict(OK)


def forget_stale(conn: Connection, now: float, longest_s: int = 86400) -> int:
    """Remove the windows of keys never seen again (a client that posted once); run now and then."""
    return conn.execute(text("DELETE FROM rate_counters WHERE window_start < :before"),
                        {"before": int(now) - 2 * longest_s}).rowcount
