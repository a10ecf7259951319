"""The fleet's health: one word per kiosk (ok, silent, backlog, error, clock, storage) and counts per office."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from collector.db import reading
from collector.heartbeat import Heartbeat, latest
from collector.tables import kiosks
from kiosk.errors import UserError

# In the order a kiosk's word is chosen: the first that applies is the one shown.
WORDS = ("silent", "backlog", "error", "clock", "storage")
OK = "ok"
ALL_WORDS = (OK, *WORDS)


@dataclass(frozen=True)
class HealthRules:
    """When a kiosk stops being `ok`; the collector takes silent_after from KIOSK_SILENT_AFTER_MIN."""

    silent_after: timedelta = timedelta(hours=8)         # a working day without a word from the kiosk
    backlog_after_s: float = 24 * 3600.0                 # answers older than this still unsent on the kiosk
    clock_tolerance_s: float = 300.0                     # the kiosk's clock more than 5 minutes off
    storage_min_bytes: int = 200 * 1024 * 1024           # less free space than this on the kiosk's data disk

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> "HealthRules":
        value = (os.environ if environ is None else environ).get("KIOSK_SILENT_AFTER_MIN")
        if not value:
            return cls()
        try:
            minutes = float(value)
        except ValueError:
            minutes = -1.0
        if not 0 < minutes <= 525_600:
            raise UserError(f"KIOSK_SILENT_AFTER_MIN={value!r} must be a number of minutes, more than 0, at most a year.")
        return cls(silent_after=timedelta(minutes=minutes))


def health(*, now: datetime, beat: Heartbeat | None, last_contact: datetime,
           rules: HealthRules = HealthRules()) -> tuple[str, ...]:
    """Every health problem of a kiosk, in WORDS order; empty means `ok`.

    last_contact is the latest of its heartbeat, its last upload and its registration: a kiosk that
    uploads but runs an app too old to send heartbeats is not silent.
    """
    problems: list[str] = []
    if now - last_contact > rules.silent_after:
        problems.append("silent")
    if beat is not None:
        if beat.oldest_pending_age_s is not None and beat.oldest_pending_age_s > rules.backlog_after_s:
            problems.append("backlog")
        if beat.last_error_code is not None:
            problems.append("error")
        if abs(beat.clock_offset_s) > rules.clock_tolerance_s:
            problems.append("clock")
        if beat.storage_problem is not None or (
                beat.storage_free_bytes is not None and beat.storage_free_bytes < rules.storage_min_bytes):
            problems.append("storage")
    return tuple(problems)


def word(problems: tuple[str, ...]) -> str:
    return problems[0] if problems else OK


@dataclass(frozen=True)
class KioskHealth:
    kiosk_id: str
    office_id: str
    created_at: str
    revoked_at: str | None
    last_seen_at: str | None          # last upload
    responses: int
    heartbeat: Heartbeat | None
    last_contact: datetime
    problems: tuple[str, ...] = field(default=())

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def health(self) -> str | None:
        """The kiosk's word; None for a revoked kiosk (it is no longer part of the fleet)."""
        return word(self.problems) if self.active else None

    def to_json(self) -> dict[str, Any]:
        beat = self.heartbeat
        return {
            "kiosk_id": self.kiosk_id, "office_id": self.office_id, "created_at": self.created_at,
            "revoked_at": self.revoked_at, "last_seen_at": self.last_seen_at, "responses": self.responses,
            "last_heartbeat_at": beat.to_json()["received_at"] if beat else None,
            "last_contact_at": self.last_contact.isoformat(timespec="microseconds"),
            "app_version": beat.app_version if beat else None,
            "pending": beat.pending if beat else None,
            "oldest_pending_age_s": beat.oldest_pending_age_s if beat else None,
            "last_error_code": beat.last_error_code if beat else None,
            "clock_offset_s": beat.clock_offset_s if beat else None,
            "storage_free_bytes": beat.storage_free_bytes if beat else None,
            "storage_problem": beat.storage_problem if beat else None,
            "battery_percent": beat.battery_percent if beat else None,
            "health": self.health, "problems": list(self.problems) if self.active else [],
        }


def fleet(engine: Engine, *, now: datetime, office_id: str | None = None,
          rules: HealthRules = HealthRules(), counts: bool = True) -> list[KioskHealth]:
    """Every kiosk (of one office, or all) with its latest heartbeat and health, and how many responses
    each sent unless counts is False (the counter ingest keeps per kiosk, kiosks.responses)."""
    with reading(engine) as conn:
        query = select(kiosks).order_by(kiosks.c.office_id, kiosks.c.created_at)
        if office_id:
            query = query.where(kiosks.c.office_id == office_id)
        beats = latest(conn, office_id)
        rows = conn.execute(query).all()
    sent = {row.id: int(row.responses) for row in rows} if counts else {}
    out = []
    for row in rows:
        beat = beats.get(row.id)
        moments = [datetime.fromisoformat(t) for t in (row.created_at, row.last_seen_at) if t]
        if beat is not None:
            moments.append(beat.received_at)
        contact = max(moments)
        problems = health(now=now, beat=beat, last_contact=contact, rules=rules) if row.revoked_at is None else ()
        out.append(KioskHealth(row.id, row.office_id, row.created_at, row.revoked_at, row.last_seen_at,
                               sent.get(row.id, 0), beat, contact, problems))
    return out


def summary(kiosks_: list[KioskHealth]) -> dict[str, Any]:
    """Active kiosks per health word, per office and for the whole collector (the region it serves)."""
    empty = dict.fromkeys(ALL_WORDS, 0)
    offices: dict[str, dict[str, int]] = {}
    total = dict(empty)
    for kiosk in kiosks_:
        if not kiosk.active:
            continue
        counts = offices.setdefault(kiosk.office_id, dict(empty))
        counts[kiosk.health] += 1  # type: ignore[index]
        total[kiosk.health] += 1  # type: ignore[index]
    return {"offices": offices, "total": total}
