"""The report JSON as a CSV table: what `kiosk report --format csv` prints and the dashboard downloads."""
from __future__ import annotations

import csv
import io
from typing import Iterator

from collector.report_counting import rule_sentence
from kiosk import csvsafe

MEDIA_TYPE = "text/csv; charset=utf-8"
COLUMNS = ("code", "name", "answered", "sum", "nrr", "nrr_weighted", "converted", "mutu")


def to_csv(report: dict) -> str:
    """The whole table as one string (see csv_lines)."""
    return "".join(csv_lines(report))


def csv_lines(report: dict) -> Iterator[str]:
    """The table a line at a time, for a download or a file written as it goes. One row per unsur, then the
    IKM row (name = kinerja), then one IKM row per service (name = its sample caveat, if any); then what the
    counting rule did: a row per channel counted (`channel:kiosk`), per reason complete responses were left
    out (`excluded:simulated`), per disclosed flag (`flagged:clock`), each with its count under `answered`,
    and `counting_rule` with the rule in words under `name`. Its size is the report's, not the office's."""
    writer = _SafeWriter()
    yield writer.line(COLUMNS)
    for unsur in report["unsur"]:
        yield writer.line([_cell(unsur.get(column)) for column in COLUMNS])
    yield writer.line(["IKM", report.get("kinerja") or "", report["respondents"], "", _cell(report["ikm"]), "",
                       _cell(report["ikm_converted"]), report.get("mutu") or ""])
    for service in report.get("services", []):
        yield writer.line([f"service:{service.get('service_id') or ''}", service.get("caveat") or "",
                           service.get("respondents", ""), "", _cell(service.get("ikm")), "",
                           _cell(service.get("ikm_converted")), service.get("mutu") or ""])
    for prefix in ("channels", "excluded", "flagged"):
        for key, count in (report.get(prefix) or {}).items():
            yield writer.line([f"{prefix.rstrip('s') if prefix == 'channels' else prefix}:{key}", "", count,
                               "", "", "", "", ""])
    if report.get("counting_rule"):
        yield writer.line(["counting_rule", rule_sentence(report), "", "", "", "", "", ""])


def _cell(value) -> str:
    return "" if value is None else str(value)


class _SafeWriter:
    """Every row through kiosk.csvsafe (office, service and unsur names are typed by people), one line each."""

    def __init__(self):
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")

    def line(self, values) -> str:
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerow(csvsafe.row(values))
        return self.buffer.getvalue()
