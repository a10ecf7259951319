"""The survey's own plan per office and period: the team (tim pelaksana), the decree that appointed it
(surat keputusan, SK) and the schedule of its four stages (persiapan, pengumpulan data, pengolahan, pelaporan).

The Laporan SKM's BAB II prints them; what is not recorded it says is not recorded, except the collection
dates, which default to the period's first and last response. Periods are named as the follow-up plan's
(collector/followup.py): "2026", "2026-S1", "2026-Q3".
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Table, Text, delete, insert, select, update
from sqlalchemy.engine import Engine

from collector.db import reading, writing
from collector.followup import period_dates, period_of
from collector.records import get_office, stamp, utc_now
from collector.tables import metadata
from collector.voiding import record_edit
from kiosk.errors import UserError

STAGES = ("preparation", "collection", "processing", "reporting")
STAGE_ID = {"preparation": "Persiapan", "collection": "Pengumpulan data", "processing": "Pengolahan data",
            "reporting": "Pelaporan"}
TEXT_MAX = 300
# Audit log actions (collector/voiding.py) of edits to the decree and schedule and to the team, as follow-up plan
# edits are logged (collector/followup.py): who, when, each field from what to what.
PLAN_SET, TEAM_ADD, TEAM_REMOVE = "survey-plan-change", "team-add", "team-remove"
AUDITED_PLAN = ("decree_number", "decree_date", *STAGES)   # a stage's value is "FROM:TO"
AUDITED_MEMBER = ("name", "position", "role")

survey_plans = Table(
    "survey_plans", metadata,
    Column("office_id", Text, primary_key=True),
    Column("period", Text, primary_key=True),
    Column("decree_number", Text, nullable=False),
    Column("decree_date", Text),
    *(Column(f"{stage}_{end}", Text) for stage in STAGES for end in ("from", "to")),
    Column("updated_at", Text, nullable=False),
    Column("updated_by", Text, nullable=False),
)

survey_team = Table(
    "survey_team", metadata,
    Column("id", Text, primary_key=True),
    Column("office_id", Text, nullable=False),
    Column("period", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("position", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("created_by", Text, nullable=False),
)


@dataclass(frozen=True)
class Member:
    id: str
    office_id: str
    period: str
    name: str
    position: str   # jabatan in the office
    role: str       # role in the team: ketua, sekretaris, anggota, ...

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "office_id": self.office_id, "period": self.period, "name": self.name,
                "position": self.position, "role": self.role}


@dataclass(frozen=True)
class SurveyPlan:
    office_id: str
    period: str
    decree_number: str
    decree_date: str | None
    stages: dict[str, tuple[str, str] | None]   # stage -> (from, to), None when not recorded
    updated_at: str | None = None
    updated_by: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"office_id": self.office_id, "period": self.period, "decree_number": self.decree_number or None,
                "decree_date": self.decree_date,
                "schedule": {s: ({"from": d[0], "to": d[1]} if d else None) for s, d in self.stages.items()},
                "updated_at": self.updated_at, "updated_by": self.updated_by}


def empty(office_id: str, period: str) -> SurveyPlan:
    return SurveyPlan(office_id, period, "", None, {s: None for s in STAGES})


def report_period(date_from: dt.date | None, date_to: dt.date | None) -> str | None:
    """The period a report's dates stand for: a named period, or the year when they run from its 1 January to a
    day in it (the dashboard's "this year so far"); None for any other range."""
    named = period_of(date_from, date_to)
    if named is None and date_from and date_to and (date_from.month, date_from.day) == (1, 1) \
            and date_to.year == date_from.year:
        named = f"{date_from.year:04d}"
    return named


def crosses_year(date_from: dt.date | None, date_to: dt.date | None) -> bool:
    return date_from is not None and date_to is not None and date_from.year != date_to.year


def periods_around(date_from: dt.date | None, date_to: dt.date | None) -> list[str]:
    """The named periods a report's dates fall in, the closest first: the period they stand for, then the
    triwulan, semester and year holding both ends. A team is often appointed once a year; a triwulan's or a
    month's report then prints the year's. Dates across a year boundary fall in no period: they get those that
    cover their end (its year, semester and triwulan), and the report says so. Empty for an open range."""
    if date_from is None or date_to is None:
        return []
    if crosses_year(date_from, date_to):
        year = f"{date_to.year:04d}"
        return [year, f"{year}-S{1 if date_to.month <= 6 else 2}", f"{year}-Q{(date_to.month - 1) // 3 + 1}"]
    year = f"{date_from.year:04d}"
    found = [p for p in (report_period(date_from, date_to),) if p]
    quarter, half = (date_from.month - 1) // 3 + 1, 1 if date_from.month <= 6 else 2
    if (date_to.month - 1) // 3 + 1 == quarter:
        found.append(f"{year}-Q{quarter}")
    if (1 if date_to.month <= 6 else 2) == half:
        found.append(f"{year}-S{half}")
    found.append(year)
    return list(dict.fromkeys(found))


def recorded_period(engine: Engine, office_id: str, date_from: dt.date | None, date_to: dt.date | None) -> str | None:
    """The closest period around the dates (periods_around) with a plan or a team recorded; the closest one when
    none has, so the report names the period whose team is missing."""
    around = periods_around(date_from, date_to)
    for period in around:
        if plan(engine, office_id, period) is not None or team(engine, office_id, period):
            return period
    return around[0] if around else None


# --- checks ---------------------------------------------------------------------------------------

def _text(value: str | None, what: str, *, required: bool) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise UserError(f"give {what}.")
    if len(value) > TEXT_MAX:
        raise UserError(f"{what} is longer than {TEXT_MAX} characters.")
    return value


def _date(value: str | None, what: str) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise UserError(f"{what} {value!r} must be a date YYYY-MM-DD.") from None


def stage_dates(stage: str, value: str | None) -> tuple[str, str] | None:
    """"2026-07-01:2026-12-31" (or a single date) as (from, to); the empty string clears the stage."""
    if stage not in STAGES:
        raise UserError(f"stage {stage!r} must be one of {', '.join(STAGES)}.")
    if value is None or not value.strip():
        return None
    first, _, last = value.strip().partition(":")
    start = _date(first, f"the {stage} date")
    end = _date(last, f"the {stage} end date") if last else start
    if start is None or end is None:
        raise UserError(f"the {stage} stage needs FROM:TO dates, e.g. 2026-07-01:2026-12-31.")
    if start > end:
        raise UserError(f"the {stage} stage starts ({start}) after it ends ({end}).")
    return start, end


def _office(conn, office_id: str) -> None:
    if get_office(conn, office_id) is None:
        raise UserError(f"there is no office {office_id!r}.")


# --- the plan -------------------------------------------------------------------------------------

def _plan(row) -> SurveyPlan:
    stages = {s: ((getattr(row, f"{s}_from"), getattr(row, f"{s}_to")) if getattr(row, f"{s}_from") else None)
              for s in STAGES}
    return SurveyPlan(row.office_id, row.period, row.decree_number, row.decree_date, stages, row.updated_at,
                      row.updated_by)


def plan(engine: Engine, office_id: str, period: str) -> SurveyPlan | None:
    with reading(engine) as conn:
        row = conn.execute(select(survey_plans).where(survey_plans.c.office_id == office_id,
                                                      survey_plans.c.period == period)).first()
    return _plan(row) if row else None


def set_plan(engine: Engine, office_id: str, period: str, *, decree_number: str | None = None,
             decree_date: str | None = None, stages: dict[str, tuple[str, str] | None] | None = None,
             by: str = "admin", now: dt.datetime | None = None) -> SurveyPlan:
    """Record what is given (None leaves a field as it was; "" or a None stage clears it)."""
    period_dates(period)
    values: dict[str, Any] = {}
    if decree_number is not None:
        values["decree_number"] = _text(decree_number, "the decree number", required=False)
    if decree_date is not None:
        values["decree_date"] = _date(decree_date, "the decree date")
    for stage, dates in (stages or {}).items():
        if stage not in STAGES:
            raise UserError(f"stage {stage!r} must be one of {', '.join(STAGES)}.")
        values[f"{stage}_from"], values[f"{stage}_to"] = dates if dates else (None, None)
    if not values:
        raise UserError("say what to record: the decree (--decree-number, --decree-date) or a stage's dates "
                        "(--preparation, --collection, --processing, --reporting FROM:TO).")
    now = now or utc_now()
    values.update(updated_at=stamp(now), updated_by=by)
    where = (survey_plans.c.office_id == office_id, survey_plans.c.period == period)
    with writing(engine) as conn:
        _office(conn, office_id)
        before = conn.execute(select(survey_plans).where(*where)).first()
        if before is not None:
            conn.execute(update(survey_plans).where(*where).values(**values))
        else:
            conn.execute(insert(survey_plans).values(office_id=office_id, period=period,
                                                     **{"decree_number": "", **values}))
        old = _audited(_plan(before)) if before is not None else {f: None for f in AUDITED_PLAN}
        new = _audited(_plan(conn.execute(select(survey_plans).where(*where)).one()))
        changes = {f: [old[f], new[f]] for f in AUDITED_PLAN if old[f] != new[f]}
        if changes:  # saving the form unchanged is no edit worth a line
            record_edit(conn, office_id, action=PLAN_SET, actor=by, now=now, subject=f"survey plan {period}",
                        changes=changes, period=period)
    return plan(engine, office_id, period)  # type: ignore[return-value]


def _audited(found: SurveyPlan) -> dict[str, str | None]:
    """The plan's fields as the audit log keeps them: empty is None, a stage is "FROM:TO"."""
    return {"decree_number": found.decree_number or None, "decree_date": found.decree_date,
            **{s: ":".join(d) if d else None for s, d in found.stages.items()}}


def history(engine: Engine, office_id: str, period: str) -> tuple[dict[str, Any], ...]:
    """The audit log's lines about edits of this period's decree, schedule and team, oldest first: what the
    Laporan's lampiran and the dashboard's survey-plan page show of who changed what, when."""
    from collector.report_rows import office_audit

    with reading(engine) as conn:
        logged = office_audit(conn, office_id, (PLAN_SET, TEAM_ADD, TEAM_REMOVE))
    return tuple(e for e in logged if e["detail"].get("period") == period)


# --- the team -------------------------------------------------------------------------------------

def _member(row) -> Member:
    return Member(row.id, row.office_id, row.period, row.name, row.position, row.role)


def add_member(engine: Engine, office_id: str, period: str, *, name: str, role: str, position: str = "",
               by: str = "admin", now: dt.datetime | None = None) -> Member:
    period_dates(period)
    now = now or utc_now()
    row = {"id": str(uuid.uuid4()), "office_id": office_id, "period": period,
           "name": _text(name, "the member's name (--name)", required=True),
           "role": _text(role, "the member's role in the team (--role, e.g. Ketua)", required=True),
           "position": _text(position, "the member's position", required=False),
           "created_at": stamp(now), "created_by": by}
    with writing(engine) as conn:
        _office(conn, office_id)
        conn.execute(insert(survey_team).values(**row))
        record_edit(conn, office_id, action=TEAM_ADD, actor=by, now=now, subject=f"team {period}",
                    changes={f: [None, row[f]] for f in AUDITED_MEMBER if row[f]}, period=period,
                    member_id=row["id"])
    return Member(row["id"], office_id, period, row["name"], row["position"], row["role"])


def team(engine: Engine, office_id: str, period: str) -> list[Member]:
    """The team in the order its members were added (the chair first, as a decree lists them)."""
    with reading(engine) as conn:
        rows = conn.execute(select(survey_team).where(survey_team.c.office_id == office_id,
                                                      survey_team.c.period == period)
                            .order_by(survey_team.c.created_at, survey_team.c.id)).all()
    return [_member(r) for r in rows]


def remove_member(engine: Engine, member_id: str, *, office_id: str | None = None, by: str = "admin",
                  now: dt.datetime | None = None) -> Member:
    with writing(engine) as conn:
        query = select(survey_team).where(survey_team.c.id == member_id.strip())
        if office_id is not None:
            query = query.where(survey_team.c.office_id == office_id)
        row = conn.execute(query).first()
        if row is None:
            raise UserError(f"there is no team member {member_id!r}.")
        conn.execute(delete(survey_team).where(survey_team.c.id == row.id))
        # The row goes; the log keeps who it was, so a team changed after the report was printed can be traced.
        record_edit(conn, row.office_id, action=TEAM_REMOVE, actor=by, now=now or utc_now(),
                    subject=f"team {row.period}", changes={f: [getattr(row, f), None] for f in AUDITED_MEMBER
                                                           if getattr(row, f)}, period=row.period, member_id=row.id)
    return _member(row)
