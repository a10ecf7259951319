"""Voiding and restoring responses, never deleting them, each step written to the append-only audit log.

A voided response stays stored with its body untouched; `voided_at` takes it out of the count
(kiosk.counting) until it is restored. Every void, restore and paper import is one row of
`audit_log` (who, when, what, why). Nothing in the collector updates or deletes those rows.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any, Iterable

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine

from collector.db import reading, writing
from collector.records import get_office, stamp, utc_now
from collector.tables import audit_log, responses
from kiosk.errors import UserError
from kiosk.response import canonical_id

VOID, RESTORE, PAPER_IMPORT = "void", "restore", "paper-import"
REASON_MAX = 500


def _check(office_id: str, reason: str, actor: str, conn: Connection) -> str:
    if get_office(conn, office_id) is None:
        raise UserError(f"there is no office {office_id!r}.")
    reason = (reason or "").strip()
    if not reason:
        raise UserError("give the reason (--reason TEXT): the audit log keeps why a response left the count.")
    if len(reason) > REASON_MAX:
        raise UserError(f"the reason is longer than {REASON_MAX} characters.")
    if not (actor or "").strip():
        raise UserError("the audit log needs to know who did this.")
    return reason


def canonical_ids(raw_ids: Iterable[str]) -> tuple[list[str], list[str]]:
    """(the canonical ids, once each in the order given; a sentence per one that is not a UUID);
    naming none at all is a UserError."""
    wanted, bad = [], []
    for raw in raw_ids:
        rid = canonical_id(raw.strip())
        if rid is None:
            bad.append(f"{raw!r} is not a response id (a UUID)")
        elif rid not in wanted:
            wanted.append(rid)
    if not wanted and not bad:
        raise UserError("name at least one response id.")
    return wanted, bad


def _ids(office_id: str, raw_ids: Iterable[str], conn: Connection) -> list[str]:
    """The canonical ids, all of them the office's; every id that is not is named at once."""
    wanted, bad = canonical_ids(raw_ids)
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        found.update(conn.execute(select(responses.c.id).where(responses.c.id.in_(chunk),
                                                               responses.c.office_id == office_id)).scalars())
    bad += [f"office {office_id!r} has no response {rid}" for rid in wanted if rid not in found]
    if bad:
        raise UserError("; ".join(bad) + ".")
    return wanted


def record(conn: Connection, office_id: str, *, action: str, actor: str, reason: str, now: datetime,
           response_id: str | None = None, detail: dict[str, Any] | None = None) -> None:
    """Append one line to the audit log (the only way anything is written to it)."""
    conn.execute(insert(audit_log).values(id=str(uuid.uuid4()), office_id=office_id, at=stamp(now), actor=actor,
                                          action=action, response_id=response_id, reason=reason,
                                          detail=json.dumps(detail or {}, sort_keys=True, ensure_ascii=False)))


def record_edit(conn: Connection, office_id: str, *, action: str, actor: str, now: datetime, subject: str,
                changes: dict[str, list], **detail: Any) -> None:
    """One line per edit of a record kept beside the responses (a follow-up plan item, the survey's plan or team):
    who, when and each field from what to what (detail "changes": field -> [old, new]); the reason names the
    record and the fields changed. Called in the same transaction as the edit."""
    record(conn, office_id, action=action, actor=actor, now=now, reason=f"{subject}: " + ", ".join(changes),
           detail={**detail, "changes": changes})


def _change(engine: Engine, office_id: str, raw_ids: Iterable[str], *, reason: str, actor: str,
            now: datetime | None, voiding: bool) -> dict[str, list[str]]:
    now = now or utc_now()
    with writing(engine) as conn:
        reason = _check(office_id, reason, actor, conn)
        ids = _ids(office_id, raw_ids, conn)
        state = dict(conn.execute(select(responses.c.id, responses.c.voided_at).where(responses.c.id.in_(ids))).all())
        changed = [rid for rid in ids if (state[rid] is None) == voiding]
        unchanged = [rid for rid in ids if rid not in changed]
        from collector import totals

        with totals.track(conn, changed):  # the running totals move with it, in this transaction
            for step, rid in enumerate(changed):
                conn.execute(update(responses).where(responses.c.id == rid)
                             .values(voided_at=stamp(now) if voiding else None))
                # A microsecond apart: the log reads in the order the ids were given.
                record(conn, office_id, action=VOID if voiding else RESTORE, actor=actor.strip(), reason=reason,
                       now=now + timedelta(microseconds=step), response_id=rid)
    key = "voided" if voiding else "restored"
    return {key: changed, "already_" + key: unchanged}


def void(engine: Engine, office_id: str, ids: Iterable[str], *, reason: str, actor: str,
         now: datetime | None = None) -> dict[str, list[str]]:
    """Take responses of the office out of the count; {"voided": [...], "already_voided": [...]}."""
    return _change(engine, office_id, ids, reason=reason, actor=actor, now=now, voiding=True)


def restore(engine: Engine, office_id: str, ids: Iterable[str], *, reason: str, actor: str,
            now: datetime | None = None) -> dict[str, list[str]]:
    """Put voided responses back into the count; {"restored": [...], "already_restored": [...]}."""
    return _change(engine, office_id, ids, reason=reason, actor=actor, now=now, voiding=False)


def audit(engine: Engine, office_id: str, *, date_from: str | None = None,
          date_to: str | None = None) -> list[dict[str, Any]]:
    """The office's audit log, oldest first: {at, actor, action, response_id, reason, detail}."""
    query = select(audit_log).where(audit_log.c.office_id == office_id)
    if date_from:
        query = query.where(audit_log.c.at >= date_from)
    if date_to:
        query = query.where(audit_log.c.at < date_to)
    with reading(engine) as conn:
        if get_office(conn, office_id) is None:
            raise UserError(f"there is no office {office_id!r}.")
        rows = conn.execute(query.order_by(audit_log.c.at, audit_log.c.id)).all()
    return [{"at": r.at, "office_id": r.office_id, "actor": r.actor, "action": r.action,
             "response_id": r.response_id, "reason": r.reason, "detail": json.loads(r.detail)} for r in rows]
