"""The dashboard's period presets in office-local dates: this triwulan, semester and year, and the year before."""
from __future__ import annotations

import datetime as dt

from collector import followup
from kiosk.i18n import N_

# (label shown, how the period label is made from today's local date)
PRESETS = (
    (N_("This quarter"), lambda d: f"{d.year}-Q{(d.month - 1) // 3 + 1}"),
    (N_("This semester"), lambda d: f"{d.year}-S{1 if d.month <= 6 else 2}"),
    (N_("This year"), lambda d: f"{d.year}"),
    (N_("Last year"), lambda d: f"{d.year - 1}"),
)


def presets(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """(label, from, to) of each preset for an office whose local date is `today`."""
    return [(label, *followup.period_dates(make(today))) for label, make in PRESETS]


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """This calendar year up to today, both in the office's own dates."""
    return today.replace(month=1, day=1), today
