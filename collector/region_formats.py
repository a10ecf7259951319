"""The region overview JSON (collector/regions.py) as a CSV table or an XLSX sheet: one row per office, ranked."""
from __future__ import annotations

import csv
import io
from typing import Any, Iterator

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = ("rank", "office_id", "name", "region_id", "respondents", "ikm", "ikm_converted", "mutu", "kinerja",
           "sample_required", "sample_reached", "sample_sufficient", "kiosks_active", "kiosks_silent",
           "followup_actions", "followup_done")


def rows(overview: dict[str, Any]) -> Iterator[list[Any]]:
    """The table's cells, header first; None where the office has no figure."""
    yield list(COLUMNS)
    for office in overview["offices"]:
        sample, kiosks, plan = office["sample"], office["kiosks"], office.get("followup")
        yield [office["rank"], office["office_id"], office["name"], office["region_id"], office["respondents"],
               office["ikm"], office["ikm_converted"], office["mutu"], office["kinerja"],
               sample["required"], sample["reached"], sample["sufficient"], kiosks["active"], kiosks["silent"],
               plan["actions"] if plan else None, plan["done"] if plan else None]


def to_csv(overview: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows(overview):
        writer.writerow(["" if cell is None else str(cell) for cell in row])
    return out.getvalue()


def to_xlsx(overview: dict[str, Any]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Region")
    scope = overview["scope"]
    region = overview["region"]
    sheet.append([f"{region['name']} ({region['kind']})", f"{scope['from'] or ''} - {scope['to'] or ''}"])
    for row in rows(overview):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
