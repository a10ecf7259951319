"""Regions (kabupaten, kota, provinsi) and the region overview: every office of a region for a period, ranked.

A region operator (a Bupati's staff, the inspectorate, the Ombudsman) compares the units of a region.
Each office's figures are its own report JSON's (collector/reports.py, one counting rule: kiosk/counting.py),
never recomputed here, so the overview and an office's report cannot disagree. A provinsi takes in the
offices of the kabupaten and kota inside it.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from collector import fleet, followup
from collector.db import reading
from collector.records.stamps import stamp, utc_now
from collector.reports import ReportError, office_report
from collector.tables import offices, regions
from kiosk.errors import UserError

KINDS = ("provinsi", "kabupaten", "kota")
REGION_ID_RULE = "lowercase letters, digits and dashes (1-64, starting with a letter or digit)"
_REGION_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
RANKING = "ikm descending (unrounded, ties by office id); offices without respondents last, unranked"


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    kind: str
    parent_id: str | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "kind": self.kind, "parent_id": self.parent_id}


def _check_region_id(region_id: str) -> None:
    if not _REGION_ID.fullmatch(region_id):
        raise UserError(f"region id {region_id!r} must be made of {REGION_ID_RULE}.")


def add_region(engine: Engine, region_id: str, name: str, kind: str, *, parent_id: str | None = None,
               now: datetime | None = None) -> Region:
    _check_region_id(region_id)
    if not name.strip():
        raise UserError("the region name must not be empty.")
    if kind not in KINDS:
        raise UserError(f"region kind {kind!r} must be one of {', '.join(KINDS)}.")
    with engine.begin() as conn:
        if parent_id is not None:
            parent = get_region(conn, parent_id)
            if parent is None:
                raise UserError(f"there is no region {parent_id!r}; add it first with `kiosk admin region-add`.")
            if parent.kind != "provinsi" or kind == "provinsi":
                raise UserError("only a kabupaten or kota may sit in a region, and only in a provinsi.")
        try:
            with conn.begin_nested():
                conn.execute(insert(regions).values(id=region_id, name=name.strip(), kind=kind, parent_id=parent_id,
                                                    created_at=stamp(now or utc_now())))
        except IntegrityError:
            raise UserError(f"region {region_id!r} already exists.") from None
    return Region(region_id, name.strip(), kind, parent_id)


def get_region(source: Engine | Connection, region_id: str) -> Region | None:
    if "\x00" in region_id:  # PostgreSQL refuses to even compare it
        return None
    if isinstance(source, Engine):
        with reading(source) as conn:
            return get_region(conn, region_id)
    row = source.execute(select(regions).where(regions.c.id == region_id)).first()
    return Region(row.id, row.name, row.kind, row.parent_id) if row else None


def list_regions(engine: Engine) -> list[dict[str, Any]]:
    """Every region with the ids of the offices directly in it."""
    with reading(engine) as conn:
        members: dict[str, list[str]] = {}
        for office_id, region_id in conn.execute(select(offices.c.id, offices.c.region_id)
                                                 .where(offices.c.region_id.is_not(None)).order_by(offices.c.id)):
            members.setdefault(region_id, []).append(office_id)
        rows = conn.execute(select(regions).order_by(regions.c.id)).all()
    return [{**Region(r.id, r.name, r.kind, r.parent_id).to_json(), "offices": members.get(r.id, [])} for r in rows]


def set_office_region(engine: Engine, office_id: str, region_id: str | None) -> None:
    """Put an office in a region (None: in none)."""
    with engine.begin() as conn:
        if region_id is not None and get_region(conn, region_id) is None:
            raise UserError(f"there is no region {region_id!r}; add it first with `kiosk admin region-add`.")
        if conn.execute(update(offices).where(offices.c.id == office_id)
                        .values(region_id=region_id)).rowcount != 1:
            raise UserError(f"there is no office {office_id!r}.")


def region_office_ids(conn: Connection, region: Region) -> list[str]:
    """The offices of a region and of the regions inside it, by id."""
    inside = {region.id} | {r.id for r in conn.execute(select(regions.c.id).where(regions.c.parent_id == region.id))}
    return list(conn.execute(select(offices.c.id).where(offices.c.region_id.in_(inside))
                             .order_by(offices.c.id)).scalars())


def region_report(engine: Engine, region_id: str, *, date_from: dt.date | None = None,
                  date_to: dt.date | None = None, now: datetime | None = None,
                  rules: fleet.HealthRules = fleet.HealthRules(),
                  may_read=lambda office_id: True) -> dict[str, Any]:
    """The region overview JSON: one row per office with its own report's figures, ranked by IKM."""
    if date_from and date_to and date_from > date_to:
        raise ReportError(400, f"from ({date_from}) is after to ({date_to})")
    with reading(engine) as conn:
        region = get_region(conn, region_id)
        if region is None:
            raise ReportError(404, f"there is no region {region_id!r}")
        office_ids = [o for o in region_office_ids(conn, region) if may_read(o)]
        names = dict(conn.execute(select(offices.c.id, offices.c.name).where(offices.c.id.in_(office_ids))).all())
        placed = dict(conn.execute(select(offices.c.id, offices.c.region_id)
                                   .where(offices.c.id.in_(office_ids))).all())
    kiosks = [k for k in fleet.fleet(engine, now=now or utc_now(), rules=rules, counts=False)
              if k.active]  # health only: counting every response of the collector per page would not stay flat
    period = followup.period_of(date_from, date_to)
    rows = []
    for office_id in office_ids:
        report = office_report(engine, office_id, date_from=date_from, date_to=date_to)
        own = [k for k in kiosks if k.office_id == office_id]
        sample = report["sample"]
        rows.append({
            "office_id": office_id, "name": names[office_id], "region_id": placed[office_id],
            "respondents": report["respondents"], "ikm": report["ikm"], "ikm_converted": report["ikm_converted"],
            "mutu": report["mutu"], "kinerja": report["kinerja"],
            # reached: the fewest answers of an unsur, the figure the office's own sample check uses
            "sample": {"required": sample["required"], "reached": sample["smallest_answered"],
                       "sufficient": sample["sufficient"]},
            "kiosks": {"active": len(own), "silent": sum(1 for k in own if "silent" in k.problems),
                       "ok": sum(1 for k in own if k.health == fleet.OK)},
            "channels": report.get("channels"), "excluded": report.get("excluded"),
            "followup": _followup(engine, office_id, period),
        })
    ranked = sorted((r for r in rows if r["ikm"] is not None), key=lambda r: (-r["ikm"], r["office_id"]))
    unranked = [r for r in rows if r["ikm"] is None]
    for position, row in enumerate(ranked, start=1):
        row["rank"] = position
    for row in unranked:
        row["rank"] = None
    return {
        "scope": {"region_id": region.id, "from": date_from.isoformat() if date_from else None,
                  "to": date_to.isoformat() if date_to else None},
        "region": region.to_json(),
        "ranking": RANKING,
        "respondents": sum(r["respondents"] for r in rows),
        "kiosks": {"active": sum(r["kiosks"]["active"] for r in rows),
                   "silent": sum(r["kiosks"]["silent"] for r in rows)},
        "offices": ranked + unranked,
    }


def _followup(engine: Engine, office_id: str, period: str | None) -> dict[str, Any] | None:
    """The office's rencana tindak lanjut for the period: actions per status; None when the dates are not
    a period a plan is made for (a year, a semester, a triwulan)."""
    if period is None:
        return None
    plans = followup.plans(engine, office_id, period)
    return {"period": period, "actions": len(plans),
            **{status: sum(1 for p in plans if p.status == status) for status in followup.STATUSES}}
