"""Paper questionnaires typed into a spreadsheet: read the CSV, every cell checked."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.questionnaire import PROFILE, SKM_2017, Questionnaire


class PaperError(ValueError):
    """A bad file or cell; the message is one sentence naming the row and column."""


@dataclass(frozen=True)
class PaperRow:
    line: int
    answers: dict[str, int]
    service: str | None = None
    profile: dict[str, str] = field(default_factory=dict)


def read_csv(path: str | Path, questionnaire: Questionnaire = SKM_2017) -> tuple[list[PaperRow], list[str]]:
    """Rows of answers (blank = skipped), and the names of columns that were ignored."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PaperError(f"{path} does not exist.") from None
    except UnicodeDecodeError:
        raise PaperError(f"{path} is not UTF-8 text; save the spreadsheet as 'CSV UTF-8'.") from None
    except OSError as exc:
        raise PaperError(f"{path} cannot be read ({exc.strerror}).") from None
    if not text.strip():
        raise PaperError(f"{path} is empty; expected a header row with columns U1 to U9.")
    first = text.splitlines()[0]
    # Spreadsheets set to Indonesian regional settings save CSV with semicolons.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in next(reader)]
    codes = [u.code for u in questionnaire.scored_items]
    normalised = [h.upper() if h.upper() in codes else h.lower() for h in header]
    for code in codes:
        if code not in normalised:
            raise PaperError(f"{path}: the header has no column {code}; expected columns {', '.join(codes)}.")
    duplicated = sorted({h for h in normalised if h and normalised.count(h) > 1})
    if duplicated:
        raise PaperError(f"{path}: the header names column {duplicated[0]} more than once.")
    known = set(codes) | {"service"} | set(PROFILE)
    ignored = [h for h, n in zip(header, normalised) if n not in known and h]
    rows = []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            raise PaperError(f"{path}: row {line} has {len(cells)} cells but the header has {len(header)} columns.")
        record = {n: (cells[i].strip() if i < len(cells) else "") for i, n in enumerate(normalised)}
        rows.append(_row(path, line, record, codes))
    if not rows:
        raise PaperError(f"{path} has a header but no questionnaires.")
    return rows, ignored


def _row(path, line: int, record: dict[str, str], codes: list[str]) -> PaperRow:
    answers = {}
    for code in codes:
        cell = record[code]
        if cell == "":
            continue
        if cell not in ("1", "2", "3", "4"):
            raise PaperError(f"{path}: row {line}, column {code} holds {cell!r}; "
                             "expected 1, 2, 3 or 4, or blank when skipped.")
        answers[code] = int(cell)
    if not answers:
        raise PaperError(f"{path}: row {line} answers none of {codes[0]}..{codes[-1]}; "
                         "delete the row or fill in its answers.")
    profile = {}
    for key, spec in PROFILE.items():
        cell = record.get(key, "")
        if cell == "":
            continue
        value = _profile_value(spec, cell)
        if value is None:
            raise PaperError(f"{path}: row {line}, column {key} holds {cell!r}; "
                             f"expected one of {', '.join(spec.keys())}, or blank.")
        profile[key] = value
    return PaperRow(line, answers, record.get("service") or None, profile)


def _profile_value(spec, cell: str) -> str | None:
    """An option key, or its Indonesian or English label, as typed on paper."""
    folded = cell.casefold()
    for key, label in spec.options:
        if folded in (key.casefold(), label.id.casefold(), label.en.casefold()):
            return key
    return None
