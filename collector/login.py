"""Admin logins: a login page and a session cookie for the dashboard, HTTP Basic for API clients; both
throttled per account and per address with growing delays, and password hashing bounded so that a flood
of bad logins cannot take the CPU from kiosk uploads.

Why each guard:
- The throttle is checked before any hashing, from the database (shared by every collector process):
  after FREE_TRIES failures of an account or an address, the next try must wait 1, 2, 4 ... seconds
  (capped), and a try that comes too early is answered 429 without touching the password.
- At most HASH_SLOTS scrypt runs at once and HASH_RATE a second per process; beyond that a login is
  answered 503 at once (scrypt costs ~0.1 s of a core and 16 MB of memory traffic; ingest must keep its
  share). An unknown name is not hashed at all: it sleeps as long as a hash would take.
- A successful HTTP Basic login is remembered for a few minutes (keyed by a process-secret HMAC of name
  and password), so a script sending Basic on every request does not pay for scrypt every time.
- Sessions live in the database (admin_sessions, only a hash of the cookie), expire after SESSION_TTL,
  end on logout, and carry a CSRF token that every dashboard form posts back, with an Origin check.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import delete, insert, select, text
from sqlalchemy.engine import Engine

from collector import credentials, records
from collector.db import reading, writing
from collector.ratelimit import client_key
from collector.tables import admin_offices, admin_sessions, admins

SESSION_COOKIE = "skm_admin"
LOGIN_COOKIE = "skm_login"
SESSION_TTL = timedelta(hours=8)
FREE_TRIES = 5
MAX_DELAY_S = {"account": 300, "address": 900}
FORGET_AFTER_S = 3600        # failures older than this are forgiven
HASH_SLOTS = 1
HASH_RATE = 2.0              # scrypt runs per second per process, at most
BASIC_CACHE_S = 300


class Throttled(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"too many failed logins; try again in {retry_after} s")
        self.retry_after = retry_after


class Busy(Exception):
    """Too many password checks at once in this process; the client may retry in a moment."""


def delay_after(failures: int, kind: str) -> int:
    """Seconds a try must wait after this many recent failures: none for the first FREE_TRIES, then doubling."""
    if failures < FREE_TRIES:
        return 0
    return min(2 ** (failures - FREE_TRIES), MAX_DELAY_S[kind])


@dataclass(frozen=True)
class Session:
    admin: records.Admin
    csrf: str


class _HashBudget:
    """HASH_SLOTS at once and HASH_RATE per second (a token bucket), never waiting long for either."""

    def __init__(self, slots: int, rate: float):
        self.slots = threading.BoundedSemaphore(slots)
        self.rate, self.tokens, self.stamp = rate, float(rate), time.monotonic()
        self.lock = threading.Lock()

    def take(self) -> bool:
        # Never hold a server thread waiting for a hash: busy now means 503 now.
        if not self.slots.acquire(blocking=False):
            return False
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.rate, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            if self.tokens >= 1:
                self.tokens -= 1
                return True
        self.slots.release()
        return False

    def give_back(self) -> None:
        self.slots.release()


class Logins:
    """The login rules of one collector process on one database."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = records.utc_now,
                 hash_slots: int = HASH_SLOTS, hash_rate: float = HASH_RATE):
        self.engine, self.clock = engine, clock
        self.budget = _HashBudget(hash_slots, hash_rate)
        self._remembered: dict[str, float] = {}
        self._trying: set[str] = set()
        self._known: dict[str, tuple[int, int]] = {}  # key -> (failures, last ms) as last seen here
        self._hash_seconds = 0.1  # how long a password check takes here, kept up to date
        self._memo_key = secrets.token_bytes(32)
        self._memo_lock = threading.Lock()
        credentials.dummy_password_hash()  # made now: the first unknown name then costs no more than a wrong password

    # --- passwords ---------------------------------------------------------------------------------

    def check_password(self, name: str, password: str, address: str | None) -> records.Admin | None:
        """The admin, or None for a wrong name or password; Throttled or Busy before any hashing."""
        if "\x00" in name:
            return None
        keys = {"account": f"account:{name.strip().lower()}", "address": f"address:{client_key(address)}"}
        now = int(self.clock().timestamp() * 1000)  # milliseconds: whole seconds would round waits away
        # The cheap answer first: a flood of tries this process already knows must wait costs no database
        # work at all (the database, shared by every process, is asked next).
        wait = self._wait_known(keys, now)
        if wait > 0:
            raise Throttled(wait)
        with reading(self.engine) as conn:
            stored = conn.execute(select(admins.c.password_hash).where(admins.c.name == name)).scalar()
            scope = frozenset(conn.execute(select(admin_offices.c.office_id)
                                           .where(admin_offices.c.admin == name)).scalars())
        # Keyed by the stored hash too: a new password (or a removed admin) is never served from memory.
        memo = hmac.new(self._memo_key, "\0".join((name, password, stored or "")).encode("utf-8", "surrogatepass"),
                        hashlib.sha256).hexdigest()
        with self._memo_lock:
            until = self._remembered.get(memo)
        if stored is not None and until is not None and until > time.monotonic():
            return records.Admin(name, scope or None)
        # One try at a time per account and per address in this process: tries arriving while one is being
        # checked wait their turn as throttled ones do, instead of all slipping through the same opening.
        with self._memo_lock:
            if not self._trying.isdisjoint(keys.values()):
                raise Throttled(1)
            self._trying.update(keys.values())
        try:
            wait = self._wait(keys, now)
            if wait > 0:
                raise Throttled(wait)
            if stored is None:
                # An unknown name takes as long as a real check, so timing does not tell names apart, but
                # sleeps instead of hashing: a flood of made-up names costs no CPU.
                time.sleep(self._hash_seconds)
                good = False
            else:
                if not self.budget.take():
                    raise Busy()
                started = time.perf_counter()
                try:
                    good = credentials.verify_password(password, stored)
                finally:
                    self.budget.give_back()
                self._hash_seconds = 0.8 * self._hash_seconds + 0.2 * (time.perf_counter() - started)
            if not good:
                self._failed(keys, now)
                return None
        finally:
            with self._memo_lock:
                self._trying.difference_update(keys.values())
        self._succeeded(keys["account"])
        with self._memo_lock:
            if len(self._remembered) > 1000:
                self._remembered.clear()
            self._remembered[memo] = time.monotonic() + BASIC_CACHE_S
        return records.Admin(name, scope or None)

    def _wait_known(self, keys: dict[str, str], now_ms: int) -> int:
        with self._memo_lock:
            rows = [(key, *self._known[key]) for key in keys.values() if key in self._known]
        return self._wait_of(rows, keys, now_ms)

    def _wait(self, keys: dict[str, str], now_ms: int) -> int:
        """Whole seconds (rounded up) until the slower of the account and the address may try again."""
        with reading(self.engine) as conn:
            rows = conn.execute(text("SELECT key, failures, last_failure FROM login_failures WHERE key IN (:a, :b)"),
                                {"a": keys["account"], "b": keys["address"]}).all()
        with self._memo_lock:
            if len(self._known) > 10000:
                self._known.clear()
            for key, failures, last in rows:
                self._known[key] = (failures, last)
        return self._wait_of(rows, keys, now_ms)

    @staticmethod
    def _wait_of(rows, keys: dict[str, str], now_ms: int) -> int:
        wait_ms = 0
        for key, failures, last in rows:
            if now_ms - last > FORGET_AFTER_S * 1000:
                continue
            kind = "account" if key == keys["account"] else "address"
            wait_ms = max(wait_ms, last + delay_after(failures, kind) * 1000 - now_ms)
        return -(-wait_ms // 1000)

    def _failed(self, keys: dict[str, str], now: int) -> None:
        with self._memo_lock:
            for key in keys.values():
                failures, last = self._known.get(key, (0, now))
                self._known[key] = (1 if now - last > FORGET_AFTER_S * 1000 else failures + 1, now)
        with writing(self.engine) as conn:
            for key in keys.values():
                conn.execute(text(
                    "INSERT INTO login_failures (key, failures, last_failure) VALUES (:key, 1, :now) "
                    "ON CONFLICT (key) DO UPDATE SET last_failure = :now, failures = CASE "
                    "WHEN login_failures.last_failure < :stale THEN 1 ELSE login_failures.failures + 1 END"),
                    {"key": key, "now": now, "stale": now - FORGET_AFTER_S * 1000})

    def _succeeded(self, account_key: str) -> None:
        # The account's slate is wiped; the address's is not, or one good login would reset a guessing run.
        with self._memo_lock:
            self._known.pop(account_key, None)
        with writing(self.engine) as conn:
            conn.execute(text("DELETE FROM login_failures WHERE key = :key"), {"key": account_key})

    # --- sessions ----------------------------------------------------------------------------------

    def start_session(self, admin: records.Admin) -> str:
        """A new session of the admin; returns the cookie value (stored only as a hash)."""
        cookie = secrets.token_urlsafe(32)
        now = self.clock()
        with writing(self.engine) as conn:
            conn.execute(delete(admin_sessions).where(admin_sessions.c.expires_at < records.stamp(now)))
            conn.execute(insert(admin_sessions).values(
                id_hash=_hash(cookie), admin=admin.name, csrf=secrets.token_urlsafe(24),
                created_at=records.stamp(now), expires_at=records.stamp(now + SESSION_TTL)))
        return cookie

    def session(self, cookie: str | None) -> Session | None:
        if not cookie:
            return None
        with reading(self.engine) as conn:
            row = conn.execute(select(admin_sessions).where(admin_sessions.c.id_hash == _hash(cookie))).first()
            if row is None or row.expires_at <= records.stamp(self.clock()):
                return None
            scope = frozenset(conn.execute(select(admin_offices.c.office_id)
                                           .where(admin_offices.c.admin == row.admin)).scalars())
        return Session(records.Admin(row.admin, scope or None), row.csrf)

    def end_session(self, cookie: str | None) -> None:
        if cookie:
            with writing(self.engine) as conn:
                conn.execute(delete(admin_sessions).where(admin_sessions.c.id_hash == _hash(cookie)))


def _hash(cookie: str) -> str:
    return hashlib.sha256(cookie.encode("utf-8", "surrogatepass")).hexdigest()


# --- the login form's CSRF token (before there is a session) ----------------------------------------

def login_token(secret: bytes, nonce: str) -> str:
    mac = hmac.new(secret, f"login\x1f{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def login_token_ok(secret: bytes, nonce: str | None, token: str | None) -> bool:
    return bool(nonce and token) and hmac.compare_digest(login_token(secret, nonce).encode(), token.encode())


def safe_next(target: str | None) -> str:
    """Where to go after logging in: only a dashboard path of this collector (no open redirect)."""
    if target and target.startswith("/admin") and not target.startswith("//") and "\\" not in target:
        return target
    return "/admin"


__all__ = ["Logins", "Session", "Throttled", "Busy", "SESSION_COOKIE", "LOGIN_COOKIE", "login_token", "login_token_ok",
           "safe_next"]
