"""Rencana tindak lanjut: an office's follow-up plan per survey period, and what became of each action.

PermenPAN-RB 14/2017 asks an office to act on its weakest unsur, agree the actions in a forum
konsultasi publik (PermenPAN-RB 16/2017), publish them and report next period on what was done.
A plan item names the period it answers (a year "2026", a semester "2026-S1" or a triwulan
"2026-Q3"), the unsur, the action, the quarter it is due, who is in charge, its status and a note
on its realisation. Items are never deleted: a dropped action keeps status "dropped".
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Table, Text, insert, select, update
from sqlalchemy.engine import Engine

from collector.db import reading, writing
from collector.records import get_office, stamp, utc_now
from collector.tables import metadata
from collector.voiding import record_edit
from kiosk.errors import UserError
from kiosk.i18n import N_

followups = Table(
    "followups", metadata,
    Column("id", Text, primary_key=True),
    Column("office_id", Text, nullable=False),
    Column("period", Text, nullable=False),
    Column("unsur", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("quarter", Text, nullable=False),
    Column("person", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("forum_date", Text),
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    Column("updated_by", Text, nullable=False),
)

STATUSES = ("planned", "in-progress", "done", "dropped")
# The web pages' words (gettext) and the Laporan SKM's (Indonesian only, like the whole report).
STATUS_LABELS = {"planned": N_("planned"), "in-progress": N_("in progress"), "done": N_("done"),
                 "dropped": N_("dropped")}
STATUS_ID = {"planned": "Direncanakan", "in-progress": "Sedang berjalan", "done": "Selesai",
             "dropped": "Dibatalkan"}
TEXT_MAX = 1000
# Audit log actions (collector/voiding.py) of plan edits, and the fields whose changes they keep.
PLAN_ADD, PLAN_CHANGE = "followup-add", "followup-change"
AUDITED = ("action", "quarter", "person", "status", "note", "forum_date")
_PERIOD = re.compile(r"^(\d{4})(?:-(S[12]|Q[1-4]))?$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}


@dataclass(frozen=True)
class FollowUp:
    id: str
    office_id: str
    period: str
    unsur: str
    action: str
    quarter: str
    person: str
    status: str
    note: str
    forum_date: str | None
    updated_at: str
    updated_by: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "office_id": self.office_id, "period": self.period, "unsur": self.unsur,
                "action": self.action, "quarter": self.quarter, "person": self.person, "status": self.status,
                "note": self.note, "forum_date": self.forum_date, "updated_at": self.updated_at,
                "updated_by": self.updated_by}

    @property
    def quarter_id(self) -> str:
        """The due quarter as the report writes it: "Triwulan III 2027"."""
        found = _QUARTER.match(self.quarter)
        return f"Triwulan {_ROMAN[found.group(2)]} {found.group(1)}" if found else self.quarter


# --- periods ------------------------------------------------------------------------------------

def period_dates(period: str) -> tuple[dt.date, dt.date]:
    """The first and last local date of a period label: "2026", "2026-S2", "2026-Q3"."""
    found = _PERIOD.match((period or "").strip())
    if not found or int(found.group(1)) < 1:
        raise UserError(f"period {period!r} must be a year (2026), a semester (2026-S1, 2026-S2) "
                        f"or a triwulan (2026-Q1 .. 2026-Q4).")
    year, part = int(found.group(1)), found.group(2)
    first, months = (1, 12) if part is None else ((int(part[1]) - 1) * 6 + 1, 6) if part[0] == "S" \
        else ((int(part[1]) - 1) * 3 + 1, 3)
    last_month = first + months - 1
    # monthrange, not "the 1st of the next month minus a day": that would pass year 9999's end.
    return dt.date(year, first, 1), dt.date(year, last_month, calendar.monthrange(year, last_month)[1])


def period_of(date_from: dt.date | None, date_to: dt.date | None) -> str | None:
    """The period label whose dates are exactly these (None for any other range)."""
    if date_from is None or date_to is None:
        return None
    year = f"{date_from.year:04d}"
    for label in (year, f"{year}-S1", f"{year}-S2", *(f"{year}-Q{q}" for q in range(1, 5))):
        if period_dates(label) == (date_from, date_to):
            return label
    return None


def period_id(period: str) -> str:
    """A period as the report writes it: "tahun 2026", "semester II 2026", "triwulan III 2026"."""
    found = _PERIOD.match(period)
    if not found:
        return period
    year, part = found.group(1), found.group(2)
    if part is None:
        return f"tahun {year}"
    return f"{'semester' if part[0] == 'S' else 'triwulan'} {_ROMAN[part[1]]} {year}"


# --- records ------------------------------------------------------------------------------------

def _text(value: str | None, what: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise UserError(f"the follow-up needs {what}.")
    if len(value) > TEXT_MAX:
        raise UserError(f"{what} is longer than {TEXT_MAX} characters.")
    return value


def _status(status: str) -> str:
    if status not in STATUSES:
        raise UserError(f"status {status!r} must be one of {', '.join(STATUSES)}.")
    return status


def _quarter(quarter: str) -> str:
    quarter = (quarter or "").strip().upper()
    if not _QUARTER.match(quarter):
        raise UserError(f"quarter {quarter!r} must be written YYYY-QN, e.g. 2027-Q1.")
    return quarter


def _forum_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise UserError(f"forum date {value!r} must be a date YYYY-MM-DD.") from None


def _row(row) -> FollowUp:
    return FollowUp(id=row.id, office_id=row.office_id, period=row.period, unsur=row.unsur, action=row.action,
                    quarter=row.quarter, person=row.person, status=row.status, note=row.note,
                    forum_date=row.forum_date, updated_at=row.updated_at, updated_by=row.updated_by)


def add(engine: Engine, office_id: str, *, period: str, unsur: str, action: str, quarter: str, person: str,
        status: str = "planned", note: str = "", forum_date: str | None = None, by: str = "admin",
        now: dt.datetime | None = None) -> FollowUp:
    """A new plan item; every field is checked and each mistake said in one sentence."""
    period_dates(period)
    values = {"period": period.strip(), "action": _text(action, "an action (--action TEXT)", required=True),
              "quarter": _quarter(quarter), "person": _text(person, "a person in charge (--person NAME)",
                                                             required=True),
              "status": _status(status), "note": _text(note, "the note", required=False),
              "forum_date": _forum_date(forum_date)}
    now = now or utc_now()
    when = stamp(now)
    with writing(engine) as conn:
        office = get_office(conn, office_id)
        if office is None:
            raise UserError(f"there is no office {office_id!r}.")
        codes = [u.code for u in office.questionnaire().scored_items]
        code = (unsur or "").strip().upper()
        if code not in codes:
            raise UserError(f"unsur {unsur!r} is not one of office {office_id!r}'s: {', '.join(codes)}.")
        row = {"id": str(uuid.uuid4()), "office_id": office_id, "unsur": code, **values, "created_at": when,
               "updated_at": when, "updated_by": by}
        conn.execute(insert(followups).values(**row))
        record_edit(conn, office_id, action=PLAN_ADD, actor=by, now=now, subject=f"follow-up {code} {row['period']}",
                    changes={field: [None, row[field]] for field in AUDITED if row.get(field) not in (None, "")},
                    plan_id=row["id"], period=row["period"], unsur=code)
    return get(engine, row["id"])  # type: ignore[return-value]


def get(engine: Engine, plan_id: str) -> FollowUp | None:
    with reading(engine) as conn:
        row = conn.execute(select(followups).where(followups.c.id == plan_id.strip())).first()
    return _row(row) if row else None


def plans(engine: Engine, office_id: str, period: str | None = None) -> list[FollowUp]:
    """An office's plan items (of one period when given), by period, unsur, then when added."""
    query = select(followups).where(followups.c.office_id == office_id)
    if period is not None:
        query = query.where(followups.c.period == period)
    with reading(engine) as conn:
        rows = conn.execute(query.order_by(followups.c.period, followups.c.unsur, followups.c.created_at)).all()
    return [_row(r) for r in rows]


def plans_for_dates(engine: Engine, office_id: str, date_from: dt.date | None,
                    date_to: dt.date | None) -> list[FollowUp]:
    """The plan of a report's period: the period with exactly these dates (none for any other range)."""
    period = period_of(date_from, date_to)
    return plans(engine, office_id, period) if period else []


def change(engine: Engine, plan_id: str, *, status: str | None = None, note: str | None = None,
           action: str | None = None, quarter: str | None = None, person: str | None = None,
           forum_date: str | None = None, by: str = "admin", now: dt.datetime | None = None) -> FollowUp:
    """Update what is given of a plan item (status and realisation note, mostly)."""
    values: dict[str, Any] = {}
    if status is not None:
        values["status"] = _status(status)
    if note is not None:
        values["note"] = _text(note, "the note", required=False)
    if action is not None:
        values["action"] = _text(action, "an action", required=True)
    if quarter is not None:
        values["quarter"] = _quarter(quarter)
    if person is not None:
        values["person"] = _text(person, "a person in charge", required=True)
    if forum_date is not None:
        values["forum_date"] = _forum_date(forum_date)
    if not values:
        raise UserError("say what changes: --status, --note, --action, --quarter, --person or --forum-date.")
    now = now or utc_now()
    values.update(updated_at=stamp(now), updated_by=by)
    with writing(engine) as conn:
        before = conn.execute(select(followups).where(followups.c.id == plan_id.strip())).first()
        if before is None:
            raise UserError(f"there is no follow-up {plan_id!r}.")
        conn.execute(update(followups).where(followups.c.id == before.id).values(**values))
        changes = {field: [getattr(before, field), values[field]] for field in AUDITED
                   if field in values and values[field] != getattr(before, field)}
        if changes:  # saving a form unchanged is no edit worth a line
            record_edit(conn, before.office_id, action=PLAN_CHANGE, actor=by, now=now,
                        subject=f"follow-up {before.unsur} {before.period}", changes=changes, plan_id=before.id,
                        period=before.period, unsur=before.unsur)
    return get(engine, plan_id)  # type: ignore[return-value]
