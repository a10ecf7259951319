"""What an office publishes (GET /p/{office_id} and Mode TV): its latest period's results and follow-up plan.

Published by default: PermenPAN-RB 14/2017 asks every unit to publish its SKM result; an office may
turn its public pages off (`kiosk admin publication --office ID --off`, or the dashboard). Every
number comes from collector.reports.office_report, the same report (and counting rule,
kiosk/counting.py) as the report JSON, so the public page and the report never disagree. Nothing
personal is published: no profile, no comment, no response; aggregates only.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, Column, Table, Text, insert, select, update
from sqlalchemy.engine import Engine

from collector import followup
from collector.db import reading, writing
from collector.records import OfficeRecord, get_office, stamp, utc_now
from collector.reports import office_report
from collector.tables import metadata
from kiosk.errors import UserError
from kiosk.i18n import N_

publication = Table(
    "publication", metadata,
    Column("office_id", Text, primary_key=True),
    Column("public", Boolean, nullable=False),
    Column("changed_at", Text, nullable=False),
    Column("changed_by", Text, nullable=False),
)

# The regulation's kinerja words (kept in Indonesian in the report JSON) as the public pages show them.
KINERJA_LABELS = {"Sangat baik": N_("Very good"), "Baik": N_("Good"), "Kurang baik": N_("Poor"),
                  "Tidak baik": N_("Very poor")}


def is_public(engine: Engine, office_id: str) -> bool:
    with reading(engine) as conn:
        row = conn.execute(select(publication.c.public).where(publication.c.office_id == office_id)).first()
    return True if row is None else bool(row.public)


def set_public(engine: Engine, office_id: str, public: bool, *, by: str = "admin",
               now: dt.datetime | None = None) -> bool:
    values = {"public": public, "changed_at": stamp(now or utc_now()), "changed_by": by}
    with writing(engine) as conn:
        if get_office(conn, office_id) is None:
            raise UserError(f"there is no office {office_id!r}.")
        done = conn.execute(update(publication).where(publication.c.office_id == office_id).values(**values))
        if done.rowcount == 0:
            conn.execute(insert(publication).values(office_id=office_id, **values))
    return public


def local_today(office: OfficeRecord, now: dt.datetime) -> dt.date:
    """Today where the office is (an office in WITA starts its day 8 hours before UTC does)."""
    return now.astimezone(office.tz).date()


@dataclass(frozen=True)
class Published:
    """An office's public results for one period."""

    office: OfficeRecord
    period: str                    # "2026", "2026-S2", "2026-Q3"
    dates: tuple[dt.date, dt.date]
    report: dict[str, Any]         # collector.reports.office_report: the report JSON itself
    plan: tuple                    # follow-up of this period's results
    previous_period: str
    previous_plan: tuple           # follow-up of the period before, being realised now


def previous_label(period: str) -> str:
    """The label of the period of equal length just before ("" before the year 1)."""
    from collector.reports import previous_period

    try:
        return followup.period_of(*previous_period(*followup.period_dates(period)))  # type: ignore[return-value]
    except (ValueError, OverflowError):  # the year 1 has no period before it
        return ""


def published(engine: Engine, office_id: str, *, now: dt.datetime, period: str | None = None) -> Published | None:
    """The office's results for `period` (default: this year in office-local dates, or last year while this
    one has no respondent yet); None when the office does not exist or does not publish."""
    office = get_office(engine, office_id)
    if office is None or not is_public(engine, office_id):
        return None
    chosen = period or str(local_today(office, now).year)
    dates = followup.period_dates(chosen)
    report = office_report(engine, office_id, date_from=dates[0], date_to=dates[1])
    if period is None and not report["respondents"]:
        # Early in a year nobody has answered yet: the latest period is still last year's.
        last = str(int(chosen) - 1)
        if int(last) >= 1:
            earlier = office_report(engine, office_id, date_from=followup.period_dates(last)[0],
                                    date_to=followup.period_dates(last)[1])
            if earlier["respondents"]:
                chosen, dates, report = last, followup.period_dates(last), earlier
    period = chosen
    before = previous_label(period)
    return Published(office, period, dates, report, tuple(followup.plans(engine, office_id, period)), before,
                     tuple(followup.plans(engine, office_id, before)) if before else ())


def number(value: float | int | None, places: int, locale: str) -> str:
    """A number as a reader of the language writes it (id: 1.234,56; en: 1,234.56), rounded half up from
    its shortest repr, as the report prints it."""
    from collector.report_text import angka

    if value is None:
        return "-"
    text = angka(value, places)
    return text if locale == "id" else text.replace(".", "\0").replace(",", ".").replace("\0", ",")


def period_name(period: str, locale: str, gettext) -> str:
    """ "tahun 2026" / "year 2026", "semester II 2026", "triwulan III 2026" / "quarter 3 2026"."""
    year, part = period[:4], period[5:]
    if not part:
        return gettext("year %(year)s") % {"year": year}
    if part[0] == "S":
        return gettext("semester %(n)s %(year)s") % {"n": part[1], "year": year}
    return gettext("quarter %(n)s %(year)s") % {"n": part[1], "year": year}


def check_period(period: str | None) -> str | None:
    if period is None or period == "":
        return None
    followup.period_dates(period)
    return period.strip()
