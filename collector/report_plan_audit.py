"""The lampiran's record of edits to the rencana tindak lanjut: every addition and change of a plan item of
this period and of the one before, from the append-only audit log (who, when, what changed from what to what)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from collector.followup import PLAN_ADD, STATUS_ID, period_id

FIELDS = {"action": "rencana", "quarter": "waktu", "person": "penanggung jawab", "status": "status",
          "note": "realisasi", "forum_date": "tanggal forum"}


def _value(field: str, value: Any) -> str:
    if value in (None, ""):
        return "(kosong)"
    if field == "status":
        return STATUS_ID.get(value, value)
    if field == "quarter":
        return _quarter(value)
    return str(value)


def _quarter(value: str) -> str:
    from collector.followup import _QUARTER, _ROMAN

    found = _QUARTER.match(value)
    return f"Triwulan {_ROMAN[found.group(2)]} {found.group(1)}" if found else value


def _order(field: str) -> tuple[int, str]:
    return (list(FIELDS).index(field) if field in FIELDS else len(FIELDS), field)


def rows(entries: Iterable[dict[str, Any]], tz) -> list[tuple[str, str, str, str]]:
    """(local time, who, which plan, what changed) per audit line, oldest first."""
    out = []
    for e in entries:
        detail = e["detail"]
        when = dt.datetime.fromisoformat(e["at"]).astimezone(tz)
        # In the form's order (the log keeps its JSON keys sorted).
        changes = {f: detail["changes"][f] for f in sorted(detail.get("changes", {}), key=_order)}
        if e["action"] == PLAN_ADD:
            what = "ditambahkan: " + "; ".join(f"{FIELDS.get(f, f)} {_value(f, new)}" for f, (_, new) in changes.items())
        else:
            what = "; ".join(f"{FIELDS.get(f, f)}: {_value(f, old)} menjadi {_value(f, new)}"
                             for f, (old, new) in changes.items())
        plan = f"{detail.get('unsur', '')} ({period_id(detail.get('period', ''))})"
        out.append((when.strftime("%Y-%m-%d %H:%M"), e["actor"], plan, what))
    return out


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
