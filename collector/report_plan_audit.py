"""The lampiran's record of edits to the rencana tindak lanjut (every addition and change of a plan item of this
period and of the one before) and to the survey's team, decree and schedule of the period BAB II prints, from the
append-only audit log (who, when, what changed from what to what)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from collector.followup import PLAN_ADD, STATUS_ID, period_id
from collector.survey_plan import STAGE_ID, TEAM_ADD, TEAM_REMOVE

FIELDS = {"action": "rencana", "quarter": "waktu", "person": "penanggung jawab", "status": "status",
          "note": "realisasi", "forum_date": "tanggal forum"}


# The survey plan's fields (collector/survey_plan.AUDITED_PLAN, AUDITED_MEMBER) as BAB II names them.
TEAM_FIELDS = {"decree_number": "nomor SK", "decree_date": "tanggal SK",
               **{stage: f"jadwal {words.lower()}" for stage, words in STAGE_ID.items()},
               "name": "nama", "position": "jabatan", "role": "kedudukan dalam tim"}


def _value(field: str, value: Any) -> str:
    if value in (None, ""):
        return "(kosong)"
    if field in STAGE_ID:
        return str(value).replace(":", " s.d. ")
    if field == "status":
        return STATUS_ID.get(value, value)
    if field == "quarter":
        return _quarter(value)
    return str(value)


def _quarter(value: str) -> str:
    from collector.followup import _QUARTER, _ROMAN

    found = _QUARTER.match(value)
    return f"Triwulan {_ROMAN[found.group(2)]} {found.group(1)}" if found else value


def local_minute(at: str, tz) -> str:
    """An audit line's time in the office's time, to the minute, as the lampiran and the dashboard show it."""
    return dt.datetime.fromisoformat(at).astimezone(tz).strftime("%Y-%m-%d %H:%M")


def in_order(changes: dict[str, list], order: Iterable[str]) -> list[tuple[str, list]]:
    """An edit's (field, [old, new]) in its form's order (the log keeps its JSON keys sorted); others last, by name."""
    order = list(order)
    return sorted(changes.items(), key=lambda item: (order.index(item[0]) if item[0] in order else len(order), item[0]))


def rows(entries: Iterable[dict[str, Any]], tz) -> list[tuple[str, str, str, str]]:
    """(local time, who, which plan, what changed) per audit line, oldest first."""
    out = []
    for e in entries:
        detail = e["detail"]
        changes = dict(in_order(detail.get("changes", {}), FIELDS))
        if e["action"] == PLAN_ADD:
            what = "ditambahkan: " + "; ".join(f"{FIELDS.get(f, f)} {_value(f, new)}" for f, (_, new) in changes.items())
        else:
            what = "; ".join(f"{FIELDS.get(f, f)}: {_value(f, old)} menjadi {_value(f, new)}"
                             for f, (old, new) in changes.items())
        plan = f"{detail.get('unsur', '')} ({period_id(detail.get('period', ''))})"
        out.append((local_minute(e["at"], tz), e["actor"], plan, what))
    return out


def team_rows(entries: Iterable[dict[str, Any]], tz) -> list[tuple[str, str, str, str]]:
    """(local time, who, what was edited, what changed) per audit line about the team, decree or schedule."""
    out = []
    for e in entries:
        detail = e["detail"]
        changes = in_order(detail.get("changes", {}), TEAM_FIELDS)
        if e["action"] in (TEAM_ADD, TEAM_REMOVE):
            member = dict((f, new if e["action"] == TEAM_ADD else old) for f, (old, new) in changes)
            what = ("ditambahkan: " if e["action"] == TEAM_ADD else "dihapus: ") + "; ".join(
                f"{TEAM_FIELDS.get(f, f)} {v}" for f, v in member.items())
            edited = "Tim pelaksana"
        else:
            what = "; ".join(f"{TEAM_FIELDS.get(f, f)}: {_value(f, old)} menjadi {_value(f, new)}"
                             for f, (old, new) in changes)
            edited = "SK dan jadwal"
        out.append((local_minute(e["at"], tz), e["actor"], f"{edited} ({period_id(detail.get('period', ''))})", what))
    return out


def team_table(source, d) -> list:
    """The edits of the team, decree and schedule of the period BAB II prints; nothing when it prints none."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    if source.plan_period is None:
        return []
    found = team_rows(source.team_audit, source.office.tz)
    period = period_id(source.plan_period)
    if not found:
        return [Spacer(1, 4 * mm), d.para(f"Tidak ada perubahan tim pelaksana, SK dan jadwal SKM {period} yang "
                                          "tercatat di log audit.")]
    return [Spacer(1, 4 * mm), d.para(f"Setiap perubahan tim pelaksana, SK dan jadwal SKM {period} tercatat di log "
                                      "audit (waktu setempat kantor):"),
            *d.table([["Waktu", "Oleh", "Bagian", "Perubahan"], *[list(r) for r in found]], (17, 14, 19, 50),
                     caption="Perubahan tim pelaksana, SK dan jadwal")]


def table(source, d) -> list:
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    found = rows(source.plan_audit, source.office.tz)
    flow: list = [Spacer(1, 4 * mm)]
    if not found:
        return flow + [d.para("Tidak ada perubahan rencana tindak lanjut periode ini dan periode sebelumnya yang "
                              "tercatat di log audit.")]
    flow.append(d.para("Setiap penambahan dan perubahan rencana tindak lanjut periode ini dan periode sebelumnya "
                       "tercatat di log audit (waktu setempat kantor):"))
    table_rows = [["Waktu", "Oleh", "Rencana (unsur)", "Perubahan"], *[list(r) for r in found]]
    return flow + d.table(table_rows, (17, 14, 19, 50), caption="Perubahan rencana tindak lanjut")
