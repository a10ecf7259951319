"""Reading an ingest request body: size limits, gzip, and the {"responses": [...]} envelope."""
from __future__ import annotations

import json
import zlib
from typing import Any, AsyncIterator

import orjson

from sync.wire import MAX_BATCH, MAX_BODY_BYTES


class EnvelopeError(Exception):
    """Why a body cannot be taken; `status` is 400 (malformed) or 413 (too large)."""

    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status, self.detail = status, detail


async def read_limited(chunks: AsyncIterator[bytes], declared_length: str | None,
                       limit: int = MAX_BODY_BYTES) -> bytes:
    """The raw body, refusing early (413) when it is bigger than the limit."""
    if declared_length and declared_length.isdigit() and int(declared_length) > limit:
        raise EnvelopeError(413, f"the body is larger than {limit} bytes")
    parts, size = [], 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise EnvelopeError(413, f"the body is larger than {limit} bytes")
        parts.append(chunk)
    return b"".join(parts)


def decode(body: bytes, content_encoding: str | None, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body after Content-Encoding; a gzip bomb stops at the limit (413)."""
    encoding = (content_encoding or "identity").strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "x-gzip"):
        raise EnvelopeError(400, f"Content-Encoding {encoding!r} is not supported; use gzip or none")
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        plain = inflater.decompress(body, limit + 1)
    except zlib.error:
        raise EnvelopeError(400, "the body is not valid gzip") from None
    if len(plain) > limit or inflater.unconsumed_tail:
        raise EnvelopeError(413, f"the body is larger than {limit} bytes after gunzip")
    if not inflater.eof:
        raise EnvelopeError(400, "the gzip body is truncated")
    return plain


def _not_json(constant: str):
    raise ValueError(f"{constant} is not JSON")


# Integers of 19 digits or more may not fit in 64 bits, which orjson would read as a float. Seen with
# every digit made "0" and every other byte ".": a bytes search, far quicker than a regular expression.
_DIGITS_ONLY = bytes.maketrans(bytes(range(256)), bytes(b"0"[0] if chr(i).isdigit() and i < 128 else b"."[0]
                                                      for i in range(256)))
_LONG_DIGITS = b"0" * 19


def loads(plain: bytes) -> Any:
    """json.loads (refusing NaN and Infinity), by orjson where that gives the very same values.

    orjson is several times faster. It refuses what json takes (UTF-16, a byte order mark, lone
    surrogates, nesting deeper than 1024): those, and any long run of digits, go to json, which
    decides. Everything orjson takes, json takes too and reads the same.
    """
    if _LONG_DIGITS not in plain.translate(_DIGITS_ONLY):
        try:
            return orjson.loads(plain)
        except orjson.JSONDecodeError:
            pass
    return json.loads(plain, parse_constant=_not_json)


def parse(plain: bytes, max_items: int = MAX_BATCH) -> list[Any]:
    """The items of a {"responses": [...]} envelope; each item is checked later, on its own."""
    try:
        envelope = loads(plain)
    except (ValueError, RecursionError):
        raise EnvelopeError(400, "the body is not valid UTF-8 JSON") from None
    if not isinstance(envelope, dict) or not isinstance(envelope.get("responses"), list):
        raise EnvelopeError(400, 'the body must be a JSON object {"responses": [...]}')
    items = envelope["responses"]
    if len(items) > max_items:
        raise EnvelopeError(413, f"a batch holds at most {max_items} responses, this one has {len(items)}")
    return items
