"""Paper questionnaires typed into a spreadsheet: read the CSV, every cell checked, every problem named.

Offices type what citizens marked on paper the way they are used to: the codes below are taken
besides the option keys and their Indonesian and English labels (README, "Paper questionnaires").
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.questionnaire import PROFILE, SKM_2017, Questionnaire

# Answers: 1-4, or the letters a-d that printed forms put beside the four options (a = 1 ... d = 4).
ANSWER_CODES = {"1": 1, "2": 2, "3": 3, "4": 4, "a": 1, "b": 2, "c": 3, "d": 4}
# Usual Indonesian codes per profile column, besides each option's key and labels.
PROFILE_CODES: dict[str, dict[str, str]] = {
    "gender": {"l": "m", "lk": "m", "pria": "m", "laki": "m", "p": "f", "pr": "f", "wanita": "f"},
    "education": {"sd": "sd", "tidak sekolah": "sd", "sltp": "smp", "smp": "smp", "slta": "sma", "sma": "sma",
                  "smk": "sma", "d1": "d1-d3", "d2": "d1-d3", "d3": "d1-d3", "d4": "s1", "s1": "s1",
                  "s2": "s2+", "s3": "s2+"},
    "occupation": {"asn": "pns", "tni": "tni-polri", "polri": "tni-polri", "pegawai swasta": "swasta",
                   "karyawan": "swasta", "wirausaha": "wiraswasta", "mahasiswa": "pelajar", "petani": "petani-nelayan",
                   "nelayan": "petani-nelayan", "lain-lain": "lainnya"},
    "disability": {"tidak": "none", "tidak ada": "none", "-": "none", "ya": None},
}
DATE_COLUMNS = ("date", "tanggal")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
# Age groups also take an age in years, as forms ask "umur".
AGE_GROUPS = ((0, "<20"), (20, "20-24"), (25, "25-34"), (35, "35-44"), (45, "45-54"), (55, "55-64"), (65, "65+"))


class PaperError(ValueError):
    """A bad file or cell; the message is one sentence naming the row and column."""


@dataclass(frozen=True)
class PaperRow:
    line: int
    answers: dict[str, int]
    service: str | None = None
    profile: dict[str, str] = field(default_factory=dict)
    date: dt.date | None = None


@dataclass(frozen=True)
class PaperFile:
    """What a paper CSV holds: its rows, the columns ignored, every problem found, and its SHA-256."""

    rows: tuple[PaperRow, ...]
    ignored: tuple[str, ...]
    problems: tuple[str, ...]
    sha256: str
    services: tuple[tuple[int, str], ...] = ()  # (line, service cell) of every row, good or bad


def read_csv(path: str | Path, questionnaire: Questionnaire = SKM_2017) -> tuple[list[PaperRow], list[str]]:
    """Rows of answers (blank = skipped), and the names of columns that were ignored; the first problem raises."""
    paper = read_file(path, questionnaire)
    if paper.problems:
        raise PaperError(paper.problems[0])
    return list(paper.rows), list(paper.ignored)


def read_file(path: str | Path, questionnaire: Questionnaire = SKM_2017) -> PaperFile:
    """Every row and every problem of the file at once. A file that cannot be read at all raises PaperError."""
    try:
        raw = Path(path).read_bytes()
        text = raw.decode("utf-8-sig")
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
    known = set(codes) | {"service"} | set(PROFILE) | set(DATE_COLUMNS)
    ignored = tuple(h for h, n in zip(header, normalised) if n not in known and h)
    rows, problems, services = [], [], []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            problems.append(f"{path}: row {line} has {len(cells)} cells but the header has {len(header)} columns.")
            continue
        record = {n: (cells[i].strip() if i < len(cells) else "") for i, n in enumerate(normalised)}
        if record.get("service"):
            services.append((line, record["service"]))
        row, found = _row(path, line, record, codes)
        problems += found
        if row is not None:
            rows.append(row)
    if not rows and not problems:
        raise PaperError(f"{path} has a header but no questionnaires.")
    return PaperFile(tuple(rows), ignored, tuple(problems), hashlib.sha256(raw).hexdigest(), tuple(services))


def _row(path, line: int, record: dict[str, str], codes: list[str]) -> tuple[PaperRow | None, list[str]]:
    problems: list[str] = []
    answers = {}
    for code in codes:
        cell = record[code]
        if cell == "":
            continue
        value = ANSWER_CODES.get(cell.casefold())
        if value is None:
            problems.append(f"{path}: row {line}, column {code} holds {cell!r}; "
                            "expected 1, 2, 3 or 4 (or a-d), or blank when skipped.")
        else:
            answers[code] = value
    if not answers and not problems:
        problems.append(f"{path}: row {line} answers none of {codes[0]}..{codes[-1]}; "
                        "delete the row or fill in its answers.")
    profile = {}
    for key, spec in PROFILE.items():
        cell = record.get(key, "")
        if cell == "":
            continue
        value = _profile_value(key, spec, cell)
        if value is None:
            problems.append(f"{path}: row {line}, column {key} holds {cell!r}; "
                            f"expected one of {', '.join(spec.keys())}, or blank.")
        elif value:
            profile[key] = value
    day = None
    for column in DATE_COLUMNS:
        if record.get(column):
            day = _date(record[column])
            if day is None:
                problems.append(f"{path}: row {line}, column {column} holds {record[column]!r}; "
                                "expected a date like 2026-11-28 or 28/11/2026.")
    if problems:
        return None, problems
    return PaperRow(line, answers, record.get("service") or None, profile, day), []


def _date(cell: str) -> dt.date | None:
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(cell, pattern).date()
        except ValueError:
            continue
    return None


def _profile_value(key: str, spec, cell: str) -> str | None:
    """An option key, its Indonesian or English label, or a usual code (PROFILE_CODES), as typed on paper.
    "" for a code that means "not stated"; None when the cell is none of these."""
    folded = cell.casefold()
    for option, label in spec.options:
        if folded in (option.casefold(), label.id.casefold(), label.en.casefold()):
            return option
    codes = PROFILE_CODES.get(key, {})
    if folded in codes:
        return codes[folded] or ""
    if key == "age_group" and folded.isdigit() and 10 <= int(folded) <= 120:
        return [group for lower, group in AGE_GROUPS if int(folded) >= lower][-1]
    return None
