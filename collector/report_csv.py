"""The report JSON as a CSV table: what `kiosk report --format csv` prints and the dashboard downloads."""
from __future__ import annotations

import csv
import io

MEDIA_TYPE = "text/csv; charset=utf-8"
COLUMNS = ("code", "name", "answered", "sum", "nrr", "nrr_weighted", "converted", "mutu")


def to_csv(report: dict) -> str:
    """One row per unsur, then the IKM row (name = kinerja), then one IKM row per service."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for unsur in report["unsur"]:
        writer.writerow([_cell(unsur.get(column)) for column in COLUMNS])
    writer.writerow(["IKM", report.get("kinerja") or "", report["respondents"], "", _cell(report["ikm"]), "",
                     _cell(report["ikm_converted"]), report.get("mutu") or ""])
    for service in report.get("services", []):
        writer.writerow([f"service:{service.get('service_id') or ''}", "", service.get("respondents", ""), "",
                         _cell(service.get("ikm")), "", _cell(service.get("ikm_converted")),
                         service.get("mutu") or ""])
    return out.getvalue()


def _cell(value) -> str:
    return "" if value is None else str(value)
