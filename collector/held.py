"""Answers held as suspect (kiosk.holds), listed for an admin to review and accept into the count."""
from __future__ import annotations

import json
import logging
from typing import Any, Iterable

from sqlalchemy import bindparam, literal_column, select, text, update
from sqlalchemy.engine import Engine

from collector import voiding
from collector.db import reading, writing
from collector.records import utc_now
from collector.tables import responses
from kiosk.errors import UserError
from kiosk.holds import RATE_ACCEPTED, SUSPECT_RATE, is_held
from kiosk.response import canonical_json

log = logging.getLogger(__name__)


def _held_rows(conn, office_id: str) -> list[tuple[str, dict[str, Any], str]]:
    """(id, wire, received_at) of the office's held answers, oldest first."""
    # `held` is kept from the body's flags at every write (collector/comments.py); the partial index
    # responses_office_held holds only these rows, and its condition is written as the index's is.
    query = (select(responses.c.id, responses.c.body, responses.c.received_at)
             .where(responses.c.office_id == office_id, literal_column("responses.held"))
             .order_by(responses.c.received_at))
    return [(rid, json.loads(body), received) for rid, body, received in conn.execute(query)]


def held_count(engine: Engine, office_id: str) -> int:
    """How many of the office's complete, not voided answers are held: the office page's link. From the
    running totals' counting classes (collector/totals.py), so no response body is read: searching every
    body for the flag took seconds on an office of a million responses."""
    from collector import totals

    with reading(engine) as conn:
        rows = conn.execute(text('SELECT "class", SUM(n) FROM totals_respondents WHERE office_id = :office '
                                 'GROUP BY "class"'), {"office": office_id}).all()
    return sum(int(n) for cls, n in rows if is_held(totals.class_flags(cls)))


def held_answers(engine: Engine, office_id: str) -> list[dict[str, Any]]:
    """The office's answers held out of the count, oldest first, with what an admin needs to judge them."""
    with reading(engine) as conn:
        return [{"id": rid, "service_id": wire.get("service_id"), "channel": wire.get("channel"),
                 "submitted_at": wire.get("submitted_at"), "received_at": received,
                 "flags": wire.get("flags"), "answers": wire.get("answers")}
                for rid, wire, received in _held_rows(conn, office_id)]


def accept_held(engine: Engine, office_id: str, ids: Iterable[str] | None, *, by: str) -> list[str]:
    """Count these held answers of the office (None: all of them); returns the ids accepted.
    Their flag becomes rate-accepted, so the answer still shows it was once held."""
    wanted = None if ids is None else set(ids)
    with writing(engine) as conn:
        rows = _held_rows(conn, office_id)
        if wanted is not None:
            unknown = wanted - {rid for rid, _, _ in rows}
            if unknown:
                raise UserError(f"office {office_id!r} holds no answer {sorted(unknown)[0]!r}; "
                                "`kiosk admin held --office ID` lists them.")
        changes = []
        for rid, wire, _ in rows:
            if wanted is not None and rid not in wanted:
                continue
            flags = [f for f in wire.get("flags") or () if f != SUSPECT_RATE]
            wire["flags"] = [*flags, RATE_ACCEPTED] if RATE_ACCEPTED not in flags else flags
            changes.append({"rid": rid, "new_body": canonical_json(wire)})
        if changes:
            from collector import totals

            with totals.track(conn, [c["rid"] for c in changes]):  # held -> counted in the running totals too
                conn.execute(update(responses).where(responses.c.id == bindparam("rid"))
                             .values(body=bindparam("new_body")), changes)
            now = utc_now()
            for change in changes:  # the audit log says who counted each held answer, and when
                voiding.record(conn, office_id, action="accept-held", actor=by, now=now, response_id=change["rid"],
                               reason="accepted after review of an answer held as suspect (rate limit)")
    accepted = [c["rid"] for c in changes]
    log.info("admin %s accepted %d held answers of office %s", by, len(accepted), office_id)
    return accepted
