"""Exact running totals of the stored responses, kept in the same transaction as every change to them.

Per office, service, office-local date, channel and counting class: respondents; per unsur the answers
and their sum (and under unsur "*" the respondents who answered at least one); per profile field and
value the respondents. Per office, service, local date, local hour and class (totals_hourly, for the
dashboard's day-of-week x hour map): respondents (unsur "") and per unsur the answers and their sum.
The first three again per office-local month (totals_month_*), and the hourly ones per office, month,
weekday, hour and class (totals_weekhour): a report or heat map of whole months adds up a row per month
instead of one per day. All integers, so a report adds them up and keeps the IKM exact (Fractions, half-up once: kiosk/ikm.py).
Since migration 24 the nine unsur U1..U9 are columns (answered, sum each) of one row per key of the tables
per unsur, the row of unsur "*" (totals_unsur, totals_month_unsur) or "" (totals_hourly, totals_weekhour):
ingest pays per row written, and this made 360 rows of a kiosk's batch of 250 answers 83. Readers get them
back as a row per unsur (`unsur_rows`, `_unpivoted`); a code of an office's own questionnaire keeps its own row.
Since migration 25 the respondents per profile option (collector/tables.py PROFILE_COLUMNS) are columns of the
respondents' row of a key (totals_respondents, totals_month_respondents), 58 rows of that batch 21; readers get
them back as rows of (class, field, value, n) (`_profiled`), and the profile tables keep any other value.

The counting class is what kiosk/counting.py needs to decide, at report time and under the office's
own rule, whether a response counts: `abandoned` (incomplete), `voided`, `unreadable` (a stored body
that cannot be read back: left out of reports, with a warning), or the sorted flags of the device and
the collector joined by commas ("" for a clean one). The rule is not applied here, so an office
changing what it counts needs no rebuild.

Every write path goes through `track` (or `add_rows` for fresh inserts): the rows' contributions are
read before and after the change, gathered in Python into one delta per total (`Deltas`), and added with
UPSERT increments (INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n, never a read of the total),
which SQLite and PostgreSQL both apply atomically, so several collector processes can write at once:
on SQLite one executemany per table, on PostgreSQL one statement for every table of a batch. `recompute` derives the same totals
from the raw rows; `rebuild` replaces them and says whether they differed.
"""
from __future__ import annotations

import calendar
import contextlib
import json
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache
from operator import add
from typing import Any, Callable, Iterable, Iterator, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, text
from sqlalchemy.engine import Connection, Engine

from collector.db import writing
from collector.tables import (PROFILE_COLUMNS, offices, responses, totals_hourly, totals_month_profile, totals_month_respondents,
                              totals_month_unsur, totals_profile, totals_respondents, totals_unsur, totals_weekhour)
from kiosk.questionnaire import PROFILE_FIELDS, SKM_CODES

ABANDONED, VOIDED, UNREADABLE = "abandoned", "voided", "unreadable"
ANSWERED_ANY = "*"   # totals_unsur: respondents who answered at least one scored unsur
RESPONDENTS = ""     # totals_hourly: the respondents of the hour
_KEY = ("office_id", "service_id", "local_date", "channel", "class")
_HOURLY_KEY = ("office_id", "service_id", "local_date", "local_hour", "class", "unsur")
# month: local YYYY-MM, last: a heat map's groups (weekday, hour, class, unsur) come in key order (migration 21)
_WEEKHOUR_KEY = ("office_id", "weekday", "local_hour", "class", "unsur", "month")
_MONTH_KEY = ("office_id", "service_id", "month", "channel", "class")
_PROFILE_KEYS = tuple(f.key for f in PROFILE_FIELDS)
_NO_PROFILE = (None,) * len(_PROFILE_KEYS)

# The tables per unsur (migration 24): the nine unsur of PermenPAN-RB 14/2017 as columns, answered and sum each,
# of the row of unsur "" (totals_hourly, totals_weekhour: the respondents) or "*" (totals_unsur,
# totals_month_unsur: the respondents who answered any), so an hour or a day of answers is one row, not ten:
# the rows are what ingest pays for (bench/bench_totals.py). A code of an office's own questionnaire keeps a
# row of its own (unsur = code, its answered and sum in the first two values, its wide columns 0).
WIDE_UNSUR = SKM_CODES
_WIDE_COLUMNS = tuple(f"{code.lower()}_{part}" for code in WIDE_UNSUR for part in ("answered", "sum"))
_WIDE_AT = {code: 2 + 2 * i for i, code in enumerate(WIDE_UNSUR)}  # where a code's answered is in a row's values
_HOURLY_VALUES = ("n", "score_sum") + _WIDE_COLUMNS
_UNSUR_VALUES = ("answered", "score_sum") + _WIDE_COLUMNS
_ZEROS = (0,) * len(_WIDE_COLUMNS)
_WIDE_WIDTH = len(_WIDE_COLUMNS)
_BUCKET_AT = {code: 2 * i for i, code in enumerate(WIDE_UNSUR)}  # where a code's answered is in a bucket's list
# The profile (migration 25): respondents per option of each field as columns of the respondents' row of a key
# (totals_respondents, totals_month_respondents: n, then these); another value keeps its row of the profile table.
_PROFILE_VALUES = ("n",) + tuple(column for _, _, column in PROFILE_COLUMNS)
# (where the field is in _PROFILE_KEYS, option) -> where its count is in a respondents row's values; only str
# options, so a stored 1 or True is never taken for "1" or "True" (they keep their own rows, as their text)
_PROFILE_AT = {(_PROFILE_KEYS.index(field), option): 1 + i for i, (field, option, _) in enumerate(PROFILE_COLUMNS)
               if field in _PROFILE_KEYS}
_PROFILE_OPTION = {1 + i: (field, option) for i, (field, option, _) in enumerate(PROFILE_COLUMNS)}

# (table, key columns, value columns) of the kinds of total
_KINDS = (("totals_respondents", _KEY, _PROFILE_VALUES),
          ("totals_unsur", _KEY + ("unsur",), _UNSUR_VALUES),
          ("totals_profile", _KEY + ("field", "value"), ("n",)),
          ("totals_hourly", _HOURLY_KEY, _HOURLY_VALUES),
          ("totals_weekhour", _WEEKHOUR_KEY, _HOURLY_VALUES),
          ("totals_month_respondents", _MONTH_KEY, _PROFILE_VALUES),
          ("totals_month_unsur", _MONTH_KEY + ("unsur",), _UNSUR_VALUES),
          ("totals_month_profile", _MONTH_KEY + ("field", "value"), ("n",)))
_TABLES = (totals_respondents, totals_unsur, totals_profile, totals_hourly, totals_weekhour, totals_month_respondents,
           totals_month_unsur, totals_month_profile)
# The first three kinds again per local month: a report over whole months reads these.
_MONTHLY = {"totals_respondents": "totals_month_respondents", "totals_unsur": "totals_month_unsur",
            "totals_profile": "totals_month_profile"}
_INTEGER_KEYS = ("local_hour", "weekday")
_WIDTH = {table: len(values) for table, _, values in _KINDS}
# table -> (where unsur is in its key, the unsur of the row holding the wide columns)
_WIDE_TABLES = {"totals_unsur": (len(_KEY), ANSWERED_ANY), "totals_month_unsur": (len(_MONTH_KEY), ANSWERED_ANY),
                "totals_hourly": (_HOURLY_KEY.index("unsur"), RESPONDENTS),
                "totals_weekhour": (_WEEKHOUR_KEY.index("unsur"), RESPONDENTS)}
# table -> the profile table its wide columns stand for (migration 25)
_PROFILE_OF = {"totals_respondents": "totals_profile", "totals_month_respondents": "totals_month_profile"}
# The value columns of the wide tables before migrations 24 and 25 (a migration from before them writes those)
_NARROW_WIDTH = {**{table: 2 for table in _WIDE_TABLES}, **{table: 1 for table in _PROFILE_OF}}


def counting_class(complete: bool, body_flags: Iterable[str], collector_flags: str | None, voided: bool) -> str:
    if not complete:
        return ABANDONED
    if voided:
        return VOIDED
    flags = set(body_flags) | {f for f in (collector_flags or "").split(",") if f}
    return ",".join(sorted(flags))


def class_flags(cls: str) -> tuple[str, ...]:
    """The flags kiosk/counting.py reads from a class (abandoned has none that matter; it is not complete)."""
    return tuple(f for f in cls.split(",") if f) if cls != ABANDONED else ()


def counted_by(rule: Any) -> Callable[[str], bool]:
    """Whether `rule` (kiosk.counting.CountingRule) counts the responses of a class: never abandoned or
    unreadable ones, else as the rule reads the class's flags; each class decided once."""
    verdicts: dict[str, bool] = {}

    def counted(cls: str) -> bool:
        verdict = verdicts.get(cls)
        if verdict is None:
            verdict = verdicts[cls] = (cls not in (ABANDONED, UNREADABLE)
                                       and rule.left_out_because(class_flags(cls)) is None)
        return verdict
    return counted


def readable(body: str) -> dict[str, Any] | None:
    """The stored body as the reports read it (collector/ingest.py read_stored_body), without its warning."""
    from collector.envelope import loads

    try:
        wire = loads(body.encode("utf-8"))
    except (ValueError, RecursionError, UnicodeEncodeError):
        return None
    return wire if isinstance(wire, dict) else None


@lru_cache(maxsize=4096)
def _weekday(local_date: str) -> int:
    """0 = Monday."""
    return date.fromisoformat(local_date).weekday()


def _hour(submitted_at: str, tz: tzinfo) -> int:
    """The local hour of a stored time. Stored times are UTC with microseconds (collector/records/stamps.py),
    each one of its own: the hour is looked up once per UTC hour ("YYYY-MM-DDTHH") and zone, where the
    zone's offset is whole hours and the same all through that hour; any other time is converted itself.
    (A conversion per response was a quarter of the totals' Python work for a kiosk's batch.)"""
    if len(submitted_at) == 32 and submitted_at[13] == ":" and submitted_at.endswith("+00:00"):
        hour = _utc_hour_local(submitted_at[:13], tz)
        if hour is not None:
            return hour
    return datetime.fromisoformat(submitted_at).astimezone(tz).hour


@lru_cache(maxsize=4096)
def _utc_hour_local(utc_hour: str, tz: tzinfo) -> int | None:
    """The local hour of every moment of a UTC hour ("YYYY-MM-DDTHH"), or None when that is not one hour
    (an offset of a half or quarter hour, or a change of offset within the hour)."""
    start = datetime.fromisoformat(utc_hour + ":00:00+00:00")
    first, last = start.astimezone(tz), (start + timedelta(minutes=59, seconds=59, microseconds=999999)).astimezone(tz)
    offset = first.utcoffset()
    if offset is None or offset != last.utcoffset() or offset % timedelta(hours=1):
        return None
    return first.hour


# A stored row as totals read it: (office_id, service_id, local_date, channel, complete, body, collector_flags,
# voided, submitted_at); the body may also be the already parsed wire dict (fresh inserts).
Row = Sequence[Any]


class Deltas:
    """What some rows add to (or take from) the totals, gathered in Python before anything is written.

    One bucket per (office, service, local date, channel, class, local hour; None for an unreadable row):
    [respondents, answered any, [U1..U9's answered and sum, as the wide columns], {other unsur: [answered,
    sum]}, {profile values in _PROFILE_KEYS order: respondents}]: one list for the nine unsur, not a list
    each, so a batch scattered over a month (a bucket per answer) makes a tenth of the objects (and of the
    garbage collector's work: 30 % of that batch's totals, bench/bench_totals.py). A batch of a kiosk's answers from one morning fills a few buckets, however many answers
    it holds, and each answer is added once; the day's and the hour's totals are made from the buckets
    when they are written (`rows`: the one place that turns buckets into the rows of every totals table)."""

    __slots__ = ("buckets",)

    def __init__(self) -> None:
        self.buckets: dict[tuple, list[Any]] = {}

    def rows(self) -> Iterator[tuple[str, list[tuple]]]:
        """(table, rows: key columns then value columns), in _KINDS order; rows in key order, so every
        writer takes its row locks in the same order (no deadlocks on PostgreSQL), and totals that add
        up to nothing left out."""
        days: dict[tuple, list[Any]] = {}   # (office, service, date, channel, class) -> as a bucket
        hours: dict[tuple, list[Any]] = {}  # (office, service, date, hour, class) -> [respondents, 0, wide, others]
        for (office_id, service_id, local_date, channel, cls, hour), (n, answered_any, wide, others, counts) in \
                self.buckets.items():
            key = (office_id, service_id, local_date, channel, cls)
            day = days.get(key)
            if day is None:  # a bucket's own lists would be added to by the next bucket of the day: copies
                day = days[key] = [n, answered_any, list(wide), _copied(others), dict(counts)]
            else:
                day[0] += n
                day[1] += answered_any
                day[2] = list(map(add, day[2], wide))
                _merge(day[3], others)
                day_counts = day[4]
                for values, count in counts.items():
                    day_counts[values] = day_counts.get(values, 0) + count
            if hour is None:  # an unreadable row: respondents of the day only
                continue
            key = (office_id, service_id, local_date, hour, cls)
            at_hour = hours.get(key)
            if at_hour is None:
                hours[key] = [n, 0, wide, _copied(others)]
            else:
                at_hour[0] += n
                at_hour[2] = list(map(add, at_hour[2], wide))
                _merge(at_hour[3], others)
        respondents, unsur, profile = [], [], []
        profile_at, fields = _PROFILE_AT, tuple(enumerate(_PROFILE_KEYS))
        for key in sorted(days):
            n, answered_any, sums, others, counts = days[key]
            unsur.extend(_widened(key, ANSWERED_ANY, answered_any, sums, others))
            wide, options = [n] + [0] * len(PROFILE_COLUMNS), {}
            for values, count in counts.items():
                for (i, field), value in zip(fields, values):
                    value = value or "-"
                    at = profile_at.get((i, value))
                    if at is not None:
                        wide[at] += count
                    else:  # a value that is no option of the field: a row of the profile table, as its text
                        option = (field, str(value))
                        options[option] = options.get(option, 0) + count
            if any(wide):
                respondents.append(key + tuple(wide))
            for option in sorted(options):
                if options[option]:
                    profile.append(key + option + (options[option],))
        hourly = []
        for key in sorted(hours):
            n, _, sums, others = hours[key]
            hourly.extend(_widened(key, RESPONDENTS, n, sums, others))
        # The month and weekday-hour rollups from the rows just made: a few more rows, no second pass over the answers.
        weekhour = _rolled(hourly, len(_HOURLY_VALUES), lambda k: (k[0], _weekday(k[2])) + k[3:] + (k[2][:7],))
        yield from (("totals_respondents", respondents), ("totals_unsur", unsur), ("totals_profile", profile),
                    ("totals_hourly", hourly), ("totals_weekhour", weekhour),
                    ("totals_month_respondents", _rolled(respondents, len(_PROFILE_VALUES), _month_key)),
                    ("totals_month_unsur", _rolled(unsur, len(_UNSUR_VALUES), _month_key)),
                    ("totals_month_profile", _rolled(profile, 1, _month_key)))

    def flat(self) -> dict[tuple, list[int]]:
        """{(table, key): values} of every total that is not zero (recompute, rebuild); the wide rows as
        they were before migrations 24 and 25 (`_narrow`)."""
        return _flat(self.rows())


def _widened(key: tuple, marker: str, first: int, wide: list[int], others: dict[str, list[int]]) -> list[tuple]:
    """The rows of a key of a table per unsur: (key, marker, first, 0, U1..U9's answered and sum) and a row
    per other code (key, code, answered, sum, zeros), in key order, totals that are zero left out."""
    rows = [key + (code, answered, total) + _ZEROS for code, (answered, total) in others.items() if answered or total]
    if first or any(wide):
        rows.append(key + (marker, first, 0) + tuple(wide))
    return sorted(rows) if len(rows) > 1 else rows


def _flat(tables: Iterable[tuple[str, Iterable[Sequence]]]) -> dict[tuple, list[int]]:
    """{(table, key): values} of (table, rows) as `_narrow` gives them (a total from two rows added up)."""
    out: dict[tuple, list[int]] = {}
    for table, rows in tables:
        for into, key, values in _narrow(table, rows):
            have = out.get((into, key))
            out[(into, key)] = values if have is None else [a + b for a, b in zip(have, values)]
    return {total: values for total, values in out.items() if any(values)}


def _narrow(table: str, rows: Iterable[Sequence]) -> Iterator[tuple[str, tuple, list[int]]]:
    """(table, key, values) of rows of a table (key columns then value columns) as they were before migrations
    24 and 25: the wide rows of the tables per unsur split into (key with the marker, [first value, 0]) and
    (key with the unsur, [answered, sum]), the respondents' rows into (key, [n]) and a row of the profile table
    per option (key, field, option: [respondents]); totals that are zero left out."""
    width = _WIDTH[table]
    profile_table = _PROFILE_OF.get(table)
    for row in rows:
        key, values = tuple(row[:-width]), [int(v) for v in row[-width:]]
        if profile_table is not None:
            if values[0]:
                yield table, key, values[:1]
            for at, option in _PROFILE_OPTION.items():
                if values[at]:
                    yield profile_table, key + option, [values[at]]
            continue
        if table not in _WIDE_TABLES:
            if any(values):
                yield table, key, values
            continue
        at_unsur, marker = _WIDE_TABLES[table]
        if key[at_unsur] != marker:  # a code of an office's own questionnaire: its own row
            if values[0] or values[1]:
                yield table, key, values[:2]
            continue
        if values[0] or values[1]:
            yield table, key, values[:2]
        for code, at in _WIDE_AT.items():
            if values[at] or values[at + 1]:
                yield table, key[:at_unsur] + (code,) + key[at_unsur + 1:], values[at:at + 2]


def _month_key(key: tuple) -> tuple:
    """A daily total's key with its local date cut to the month (office, service, month, channel, class, ...)."""
    return key[:2] + (key[2][:7],) + key[3:]


def _rolled(rows: list[tuple], width: int, rekey: Callable[[tuple], tuple]) -> list[tuple]:
    """Rows (key columns then `width` value columns) added up under new keys, in key order, zeros left out."""
    out: dict[tuple, tuple[int, ...]] = {}
    for row in rows:
        key = rekey(row[:-width])
        have = out.get(key)
        out[key] = row[-width:] if have is None else tuple(map(add, have, row[-width:]))
    return [key + vals for key, vals in sorted(out.items()) if any(vals)]


def _copied(sums: dict[str, list[int]]) -> dict[str, list[int]]:
    return {code: list(pair) for code, pair in sums.items()} if sums else {}


def _merge(into: dict[str, list[int]], sums: dict[str, list[int]]) -> None:
    for code, (answered, total) in sums.items():
        have = into.get(code)
        if have is None:
            into[code] = [answered, total]
        else:
            have[0] += answered
            have[1] += total


def _sum(rows: Iterable[Row], sign: int, into: Deltas, zone: Callable[[str], tzinfo]) -> None:
    """Add the rows' contributions (times sign) into the buckets of `into`."""
    buckets, wide_at = into.buckets, _BUCKET_AT
    for office_id, service_id, local_date, channel, complete, body, collector_flags, voided, submitted_at in rows:
        wire = readable(body) if isinstance(body, str) else body
        service_id = service_id or ""
        if wire is None:  # counts nowhere, but the report says how many it left out
            key = (office_id, service_id, local_date, channel, UNREADABLE, None)
            bucket = buckets.get(key)
            if bucket is None:
                bucket = buckets[key] = [0, 0, [0] * _WIDE_WIDTH, {}, {}]
            bucket[0] += sign
            continue
        flags = wire.get("flags")
        if complete and not voided and not flags and not collector_flags:
            cls = ""  # the usual clean answer, without building sets
        else:
            flags = [f for f in flags if isinstance(f, str)] if isinstance(flags, list) else ()
            cls = counting_class(bool(complete), flags, collector_flags, bool(voided))
        key = (office_id, service_id, local_date, channel, cls, _hour(submitted_at, zone(office_id)))
        bucket = buckets.get(key)
        if bucket is None:
            bucket = buckets[key] = [0, 0, [0] * _WIDE_WIDTH, {}, {}]
        bucket[0] += sign
        answers = wire.get("answers")
        if isinstance(answers, dict):
            wide, answered_any = bucket[2], False
            for code, value in answers.items():
                if type(value) is int:
                    answered_any = True
                    at = wide_at.get(code)
                    if at is not None:
                        wide[at] += sign
                        wide[at + 1] += sign * value
                        continue
                    have = bucket[3].get(code)  # a code of an office's own questionnaire
                    if have is None:
                        bucket[3][code] = [sign, sign * value]
                    else:
                        have[0] += sign
                        have[1] += sign * value
            if answered_any:
                bucket[1] += sign
        profile = wire.get("profile")
        # Respondents counted by their whole profile (one dict update, not one per field); the fields are
        # split out when the rows are made.
        values = tuple(map(profile.get, _PROFILE_KEYS)) if isinstance(profile, dict) else _NO_PROFILE
        counts = bucket[4]
        try:
            counts[values] = counts.get(values, 0) + sign
        except TypeError:  # a list or dict where a stored body had a profile value: counted as its text
            values = tuple(str(v or "-") for v in values)
            counts[values] = counts.get(values, 0) + sign


_ROW = (responses.c.office_id, responses.c.service_id, responses.c.local_date, responses.c.channel,
        responses.c.complete, responses.c.body, responses.c.collector_flags, responses.c.voided_at.is_not(None),
        responses.c.submitted_at)


def _zones(conn: Connection) -> Callable[[str], tzinfo]:
    """The time zone of an office as this transaction sees it, looked up once per office."""
    found: dict[str, tzinfo] = {}

    def zone(office_id: str) -> tzinfo:
        if office_id not in found:
            name = conn.execute(select(offices.c.timezone).where(offices.c.id == office_id)).scalar_one()
            found[office_id] = ZoneInfo(name)
        return found[office_id]
    return zone


def _rows(conn: Connection, ids: Sequence[str]) -> list[tuple]:
    found: list[tuple] = []
    for start in range(0, len(ids), 500):
        found.extend(tuple(r) for r in conn.execute(select(*_ROW).where(responses.c.id.in_(ids[start:start + 500]))))
    return found


def _sqlite_upsert(table: str, keys: tuple[str, ...], values: tuple[str, ...]) -> str:
    columns = ['"class"' if c == "class" else c for c in keys + values]
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT ({', '.join(columns[:len(keys)])}) DO UPDATE SET "
            + ", ".join(f"{v} = {table}.{v} + excluded.{v}" for v in values))


_SQLITE_UPSERT = {table: _sqlite_upsert(table, keys, values) for table, keys, values in _KINDS}


def _json_upsert(table: str, keys: tuple[str, ...], values: tuple[str, ...], param: str = "%s") -> str:
    """PostgreSQL: every row of a table's deltas as one INSERT from one JSON parameter (`_json_rows`: an
    array of objects whose members are named a0, a1, ... in column order); the keys are distinct, as ON
    CONFLICT DO UPDATE needs. One text parameter per table instead of one array per column (about 200 of
    them since migration 25): the statement with every table took 1.2-1.4 ms instead of 2.2-2.9 ms for a
    kiosk's batch of 250 (PostgreSQL 15, psycopg 3, 2 busy cores)."""
    columns = ['"class"' if c == "class" else c for c in keys + values]
    types = ["integer" if c in _INTEGER_KEYS else "text" for c in keys] + ["bigint"] * len(values)
    return (f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM json_to_recordset({param}::json) AS d("
            + ", ".join(f"a{i} {t}" for i, t in enumerate(types)) + f") ON CONFLICT ({', '.join(columns[:len(keys)])}) "
            "DO UPDATE SET " + ", ".join(f"{v} = {table}.{v} + excluded.{v}" for v in values))


_JSON_NAMES = tuple(f"a{i}" for i in range(max(len(keys) + len(values) for _, keys, values in _KINDS)))


def _json_rows(items: list[tuple]) -> str:
    """The rows (key columns then value columns) as `_json_upsert` reads them."""
    names = _JSON_NAMES
    return json.dumps([dict(zip(names, row)) for row in items], separators=(",", ":"))


# PostgreSQL: the upserts of every table in one statement (data-modifying WITH clauses, each run once),
# so a batch's totals cost one round trip to the server, not one per table: on a busy machine each round
# trip can wait for the server process to get a core. Always the same statement with every table (an
# empty array for a table with nothing to add), so every writer locks the tables' rows in the same order.
_PG_UPSERT = ("WITH " + ", ".join(f"add_{table} AS ({_json_upsert(table, keys, values)})" for table, keys, values in _KINDS)
              + " SELECT 1")
# The same upserts with named parameters (totals_0 .. totals_7), to go in the WITH list of another statement:
# ingest's insert of the responses and their totals in one round trip (`pg_params`, collector/ingest.py).
PG_UPSERTS_NAMED = ", ".join(f"add_{table} AS ({_json_upsert(table, keys, values, f'%(totals_{i})s')})"
                             for i, (table, keys, values) in enumerate(_KINDS))
_EMPTY = {table: ("[]",) for table, _, _ in _KINDS}


def _apply(conn: Connection, deltas: Deltas, tables: Sequence[str] | None = None) -> None:
    """Add the deltas with UPSERT increments (never reading a total first): PostgreSQL, one statement
    for every table, a JSON parameter each; SQLite (in-process, no round trips), an executemany of a cached statement
    per table. tables: only these (a migration from before the others existed), a statement each, with
    the wide tables as they were before migrations 24 and 25 (a row per unsur and per profile option)."""
    if tables is not None:
        narrow: dict[str, list[tuple]] = {}
        for (table, key), values in deltas.flat().items():
            narrow.setdefault(table, []).append(key + tuple(values))
        for table, keys, values in _KINDS:
            items = sorted(narrow.get(table, ()))
            if table in tables and items:
                values = values[:_NARROW_WIDTH.get(table)]
                if conn.dialect.name == "postgresql":
                    conn.exec_driver_sql(_json_upsert(table, keys, values), (_json_rows(items),))
                else:
                    conn.exec_driver_sql(_sqlite_upsert(table, keys, values), items)
        return
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(_PG_UPSERT, tuple(_json_rows(items) for _, items in deltas.rows()))
        return
    for table, items in deltas.rows():
        if items:
            conn.exec_driver_sql(_SQLITE_UPSERT[table], items)


def add_rows(conn: Connection, rows: Iterable[Row], tz: tzinfo | None = None, sign: int = 1) -> None:
    """Count freshly inserted rows (see Row); tz: the office's time zone when every row is of one office.
    sign -1 takes back what they added (PostgreSQL's ingest counts a batch before it knows which rows are new)."""
    deltas = Deltas()
    _sum(rows, sign, deltas, (lambda _office: tz) if tz is not None else _zones(conn))
    _apply(conn, deltas)


def pg_params(rows: Iterable[Row], tz: tzinfo) -> dict[str, str]:
    """The parameters of PG_UPSERTS_NAMED that add these rows (see Row) of one office, in this time zone."""
    deltas = Deltas()
    _sum(rows, 1, deltas, lambda _office: tz)
    return {f"totals_{i}": _json_rows(items) for i, (_, items) in enumerate(deltas.rows())}


@contextlib.contextmanager
def track(conn: Connection, ids: Sequence[str], *, zone_before: tzinfo | None = None) -> Iterator[None]:
    """Around a change to these stored rows (void, restore, flags, re-dating): their totals follow it.
    zone_before: the office's time zone before the change, when the change is a new time zone."""
    ids = list(ids)
    before = _rows(conn, ids)
    yield
    deltas = Deltas()
    _sum(before, -1, deltas, (lambda _office: zone_before) if zone_before is not None else _zones(conn))
    _sum(_rows(conn, ids), 1, deltas, _zones(conn))
    _apply(conn, deltas)
    from collector import comments

    comments.follow(conn, ids)  # the comment rows and held flags the pages read follow the same change


# --- reading: what reports add up -------------------------------------------------------------------

def dates_where(office_id: str, service: str | None, date_from: str | None, date_to: str | None) -> tuple[str, dict]:
    """The condition and parameters of an office's (or a service's) daily totals over local ISO dates (None: open)."""
    clause, params = "office_id = :office", {"office": office_id}
    if service is not None:
        clause += " AND service_id = :service"
        params["service"] = service
    if date_from:
        clause += " AND local_date >= :date_from"
        params["date_from"] = date_from
    if date_to:
        clause += " AND local_date <= :date_to"
        params["date_to"] = date_to
    return clause, params


def _month_where(office_id: str, service: str | None, months: tuple[str | None, str | None]) -> tuple[str, dict]:
    """As dates_where, over local months "YYYY-MM" (None: open) of the monthly totals."""
    clause, params = "office_id = :office", {"office": office_id}
    if service is not None:
        clause, params["service"] = clause + " AND service_id = :service", service
    if months[0] is not None:
        clause, params["first"] = clause + " AND month >= :first", months[0]
    if months[1] is not None:
        clause, params["last"] = clause + " AND month <= :last", months[1]
    return clause, params


def scope_totals(conn: Connection, office_id: str, service: str | None, date_from: str | None,
                 date_to: str | None) -> dict[str, list[tuple]]:
    """The totals in scope, added up over the dates: respondents per (service, channel, class), unsur per
    (service, channel, class, unsur), profile per (class, field, value). Service "" stands for none. A key
    may come more than once (whole months from the monthly totals, the days of a cut month from the daily
    ones): readers add them up. Whole months cost a row per month, not per day."""
    months, days = whole_months(_day(date_from), _day(date_to))
    found: dict[str, list[tuple]] = {"respondents": [], "unsur": [], "profile": []}
    if months is not None:
        _scope_rows(conn, found, *_month_where(office_id, service, months), monthly=True)
    for start, end in days:
        _scope_rows(conn, found, *dates_where(office_id, service, _iso(start), _iso(end)), monthly=False)
    return found


def _scope_rows(conn: Connection, found: dict[str, list[tuple]], where: str, params: dict, monthly: bool) -> None:
    def table(daily: str) -> str:
        return _MONTHLY[daily] if monthly else daily

    queries = {
        "respondents": f"SELECT service_id, channel, \"class\", {PROFILE_SUMS} FROM {table('totals_respondents')} "
                       f"WHERE {where} GROUP BY service_id, channel, \"class\"",
        "unsur": f"SELECT service_id, channel, \"class\", unsur, {UNSUR_SUMS} "
                 f"FROM {table('totals_unsur')} WHERE {where} GROUP BY service_id, channel, \"class\", unsur",
        "profile": f"SELECT \"class\", field, value, SUM(n) FROM {table('totals_profile')} WHERE {where} "
                   "GROUP BY \"class\", field, value",
    }
    counts = {"respondents": 3, "unsur": 4, "profile": 3}  # columns before the sums
    for name, sql in queries.items():
        # int(): PostgreSQL's SUM of a BIGINT is a numeric
        rows = (tuple(r[:counts[name]]) + tuple(int(v) for v in r[counts[name]:]) for r in conn.execute(text(sql), params))
        if name == "unsur":  # the nine unsur out of the columns of the "*" row, a row each
            rows = unsur_rows(rows)
        elif name == "respondents":  # the profile's options out of the respondents' columns (migration 25)
            rows = _profiled(rows, found["profile"])
        found[name].extend(rows)


def heatmap(source: Connection | Engine, office_id: str, service: str | None, date_from: Any, date_to: Any,
            rule: Any, questionnaire: Any = None) -> dict[tuple[int, int], tuple[int, float | None]]:
    """{(weekday 0=Monday, local hour 0..23): (respondents counted, unrounded IKM or None)} of the counted
    responses of an office (or one service) over local dates (date or ISO text, None: open), under `rule`
    (kiosk.counting.CountingRule). Cells without respondents are absent. The office's questionnaire
    (weights) when not given. Whole months of the whole office come from totals_weekhour (a row per month,
    class and unsur for each cell); the days of a month cut by the period, and a single service, from
    totals_hourly: the cost grows with months and days x hours, never with the responses."""
    from kiosk import ikm
    from kiosk.questionnaire import SKM_2017

    if isinstance(source, Engine):
        from collector.db import reading

        with reading(source) as conn:
            return heatmap(conn, office_id, service, date_from, date_to, rule, questionnaire)
    if questionnaire is None:
        from collector.records import get_office

        office = get_office(source, office_id)
        questionnaire = office.questionnaire() if office is not None else SKM_2017
    cells: dict[tuple[int, int], tuple[list[int], dict[str, list[int]]]] = {}
    counted = counted_by(rule)
    for weekday, hour, cls, unsur, n, score in _heat_rows(source, office_id, service, _day(date_from), _day(date_to)):
        if not counted(cls):
            continue
        respondents, sums = cells.setdefault((int(weekday), int(hour)), ([0], {}))
        if unsur == RESPONDENTS:
            respondents[0] += int(n)
        else:
            have = sums.setdefault(unsur, [0, 0])
            have[0] += int(n)
            have[1] += int(score)
    out = {}
    for cell, (respondents, sums) in sorted(cells.items()):
        if respondents[0]:
            result = ikm.from_sums(respondents[0], {c: tuple(v) for c, v in sums.items()}, questionnaire)
            out[cell] = (respondents[0], None if result.ikm is None else float(result.ikm))
    return out


def whole_months(date_from: date | None, date_to: date | None) -> tuple[tuple[str | None, str | None] | None,
                                                                          list[tuple[date | None, date | None]]]:
    """The period as ((first, last) whole local month "YYYY-MM", None: open) or None when it holds no whole
    month, and the ranges of days left over (one or two, a cut month at either end; None: open)."""
    def month(day: date) -> str:
        return f"{day.year:04d}-{day.month:02d}"

    def month_end(day: date) -> date:
        return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])

    first = None if date_from is None else month(date_from) if date_from.day == 1 else (
        None if date_from.year == 9999 and date_from.month == 12 else month(month_end(date_from) + timedelta(days=1)))
    if date_from is not None and first is None:  # a cut December of year 9999: no whole month after it
        return None, [(date_from, date_to)]
    last = None if date_to is None else month(date_to) if date_to == month_end(date_to) else (
        None if date_to.year == 1 and date_to.month == 1 else month(date_to.replace(day=1) - timedelta(days=1)))
    if date_to is not None and last is None:
        return None, [(date_from, date_to)]
    if first is not None and last is not None and first > last:
        return None, [(date_from, date_to)]
    edges = []
    if date_from is not None and date_from.day != 1:
        edges.append((date_from, month_end(date_from)))
    if date_to is not None and date_to != month_end(date_to):
        edges.append((date_to.replace(day=1), date_to))
    return (first, last), edges


def _heat_rows(conn: Connection, office_id: str, service: str | None, date_from: date | None,
               date_to: date | None) -> Iterator[tuple]:
    """(weekday 0=Monday, hour, class, unsur, n, score_sum) sums over the period, several rows per cell."""
    months, days = whole_months(date_from, date_to) if service is None else (None, [(date_from, date_to)])
    if months is not None:
        clause, params = _month_where(office_id, None, months)
        for row in conn.execute(text(
                f'SELECT weekday, local_hour, "class", unsur, {_WIDE_SUMS} FROM totals_weekhour '
                f'WHERE {clause} GROUP BY weekday, local_hour, "class", unsur'), params):
            yield from _unpivoted(row[:4], row[4:], RESPONDENTS)
    # The weekday (0 = Sunday in both) is worked out by the database, so the days come back as at most
    # 7 x 24 x classes x unsur rows instead of one per day.
    dow = ("CAST(strftime('%w', local_date) AS INTEGER)" if conn.dialect.name == "sqlite"
           else "CAST(EXTRACT(DOW FROM CAST(local_date AS date)) AS INTEGER)")
    for start, end in days:
        where, params = dates_where(office_id, service, _iso(start), _iso(end))
        for row in conn.execute(text(
                f"SELECT {dow} AS dow, local_hour, \"class\", unsur, {_WIDE_SUMS} FROM totals_hourly "
                f"WHERE {where} GROUP BY dow, local_hour, \"class\", unsur"), params):
            yield from _unpivoted(((int(row[0]) + 6) % 7,) + tuple(row[1:4]), row[4:], RESPONDENTS)


_WIDE_SUMS = ", ".join(f"SUM({c})" for c in _HOURLY_VALUES)
# What a query grouping totals_unsur (or totals_month_unsur) by unsur selects after its groups: the sums of
# every value column, which `unsur_rows` turns back into (answered, sum) per unsur.
UNSUR_SUMS = ", ".join(f"SUM({c})" for c in _UNSUR_VALUES)


# What a query grouping totals_respondents (or totals_month_respondents) selects after its groups: the
# respondents, then per profile option (migration 25) its respondents.
PROFILE_SUMS = ", ".join(f"SUM({c})" for c in _PROFILE_VALUES)


def _profiled(rows: Iterable[Sequence], profile: list[tuple]) -> Iterator[tuple]:
    """Rows of (service, channel, class, PROFILE_SUMS...) as rows of (service, channel, class, respondents),
    their profile options added to `profile` as rows of (class, field, value, respondents) (none with 0)."""
    width = len(_PROFILE_VALUES)
    for row in rows:
        group, sums = tuple(row[:-width]), row[-width:]
        profile.extend((group[-1],) + option + (sums[at],) for at, option in _PROFILE_OPTION.items() if sums[at])
        yield group + (sums[0],)


def unsur_rows(rows: Iterable[Sequence]) -> Iterator[tuple]:
    """Rows of (group..., unsur, UNSUR_SUMS...) as rows of (group..., unsur, answered, sum), as they were when
    totals_unsur held a row per unsur (before migration 24): U1..U9 out of the "*" row's columns."""
    width = len(_UNSUR_VALUES)
    for row in rows:
        yield from _unpivoted(tuple(row[:-width]), row[-width:], ANSWERED_ANY)


def _unpivoted(group: tuple, sums: Sequence, marker: str) -> Iterator[tuple]:
    """A group (..., unsur) and the sums of its value columns as rows of (..., unsur, first, second sum): the
    marker's row with its nine unsur as rows of their own (those with no answers left out)."""
    yield group + (sums[0], sums[1])
    if group[-1] == marker:
        for code, at in _WIDE_AT.items():
            if sums[at] or sums[at + 1]:
                yield group[:-1] + (code, sums[at], sums[at + 1])


def _day(day: Any) -> date | None:
    """A date from a date, a datetime's date or ISO text; None stays None (an open end)."""
    if day is None or day == "":
        return None
    if isinstance(day, datetime):
        return day.date()
    return day if isinstance(day, date) else date.fromisoformat(day)


def _iso(day: Any) -> str | None:
    return day.isoformat() if hasattr(day, "isoformat") else day


# --- recomputation --------------------------------------------------------------------------------

def recompute(conn: Connection, office_id: str) -> dict[tuple, list[int]]:
    """The totals of an office computed from its raw rows, read in batches (not all in memory)."""
    return _recomputed(conn, office_id).flat()


def _recomputed(conn: Connection, office_id: str) -> Deltas:
    deltas = Deltas()
    zone = _zones(conn)
    result = conn.execute(select(*_ROW).where(responses.c.office_id == office_id)
                          .execution_options(stream_results=True))  # this statement only, not the connection
    while batch := result.fetchmany(2000):
        _sum((tuple(r) for r in batch), 1, deltas, zone)
    return deltas


def stored(conn: Connection, office_id: str, tables: Iterable[str] | None = None) -> dict[tuple, list[int]]:
    """The office's totals as `Deltas.flat` gives them. tables: only these kinds, as they were before migrations
    24 and 25 (a row per unsur and per profile option: the migration that fills them from an older database's raw rows)."""
    def read(table: str, keys: tuple[str, ...], values: tuple[str, ...]) -> tuple[str, Iterable[Sequence]]:
        narrow = _NARROW_WIDTH.get(table) if tables is not None else None
        quoted = ", ".join('"class"' if c == "class" else c for c in keys + values[:narrow])
        rows = conn.execute(text(f"SELECT {quoted} FROM {table} WHERE office_id = :o"), {"o": office_id})
        if narrow is not None:
            rows = (tuple(row) + (0,) * (len(values) - narrow) for row in rows)
        return table, rows

    return _flat(read(table, keys, values) for table, keys, values in _KINDS if tables is None or table in tables)


def rebuild_in(conn: Connection, office_ids: Sequence[str], tables: Sequence[str] | None = None) -> dict[str, Any]:
    """Replace the offices' totals by a recomputation inside this transaction; per office whether they differed.
    tables: only these kinds of total (a migration from before the later ones); None: every kind."""
    out: dict[str, Any] = {}
    for office_id in office_ids:
        deltas = _recomputed(conn, office_id)
        want = {k: v for k, v in deltas.flat().items() if tables is None or k[0] in tables}
        have = stored(conn, office_id, tables)
        differing = sum(1 for k in set(want) | set(have) if want.get(k) != have.get(k))
        for table in _TABLES:
            if tables is None or table.name in tables:
                conn.execute(delete(table).where(table.c.office_id == office_id))
        _apply(conn, deltas, tables)
        if tables is None:
            differing += _recount_kiosks(conn, office_id)
        out[office_id] = {"differed": differing > 0, "totals_differing": differing, "totals": len(want)}
    return out


def _recount_kiosks(conn: Connection, office_id: str) -> int:
    """Each kiosk's counter of stored responses (kiosks.responses, kept by ingest) from the rows; how many differed."""
    from collector.tables import kiosks

    have = dict(conn.execute(select(kiosks.c.id, kiosks.c.responses).where(kiosks.c.office_id == office_id)).all())
    conn.execute(text("UPDATE kiosks SET responses = (SELECT COUNT(*) FROM responses WHERE responses.kiosk_id = kiosks.id) "
                      "WHERE office_id = :office"), {"office": office_id})
    now = dict(conn.execute(select(kiosks.c.id, kiosks.c.responses).where(kiosks.c.office_id == office_id)).all())
    return sum(1 for k in now if int(now[k]) != int(have.get(k, 0)))


def rebuild(engine: Engine, office_ids: Sequence[str]) -> dict[str, Any]:
    """Replace the offices' totals, and their comment rows and held flags (collector/comments.py), by a
    recomputation; per office whether they differed and how many did. Writers wait meanwhile (SQLite's write
    lock; a SHARE lock on PostgreSQL's responses)."""
    from collector import comments

    with writing(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("LOCK TABLE responses IN SHARE MODE"))
        out = rebuild_in(conn, office_ids)
        for office_id, found in out.items():
            found.update(comments.rebuild(conn, office_id))
            found["differed"] = found["differed"] or found["comments_differing"] + found["held_differing"] > 0
        return out


def rebuild_all(conn: Connection, tables: Sequence[str] | None = None) -> None:
    """Every office's totals (or these kinds of them) from its raw rows (the migration that brings an older
    database's totals in)."""
    rebuild_in(conn, list(conn.execute(select(offices.c.id).order_by(offices.c.id)).scalars()), tables)
