"""Kiosk tokens, enrolment codes and admin passwords: made at random, stored only as hashes."""
from __future__ import annotations

import functools
import hashlib
import secrets

from kiosk.pin import hash_secret, verify_secret

# Enrolment codes are typed by staff: no 0/O or 1/I/L to misread.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 12


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """SHA-256 is enough for a 256-bit random token: there is nothing to guess."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_kiosk_id() -> str:
    return "kiosk-" + secrets.token_hex(4)


def new_enroll_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, _CODE_LENGTH, 4))


def enroll_code_hash(code: str) -> str:
    """Case, spaces and dashes do not matter when a code is typed back in."""
    normal = "".join(ch for ch in code.upper() if ch not in "- \t")
    return hashlib.sha256(normal.encode("utf-8", "surrogatepass")).hexdigest()


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    return hash_secret(password, salt=salt)


def verify_password(password: str, stored: str) -> bool:
    return verify_secret(password, stored)


@functools.cache
def dummy_password_hash() -> str:
    """A fixed hash to check against when the user is unknown, so a wrong name costs as long as a wrong password.

    Made at first use, not at import: a scrypt hash takes 0.1 s, which every `kiosk admin` and `kiosk report`
    command paid without ever checking a password. A collector makes it when it starts (login.Logins)."""
    return hash_password("not a password", salt=b"\0" * 16)
