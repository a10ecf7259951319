"""Kritik dan saran: the respondents' comments of an office as a moderated feed, never deleted.

A comment stays in its response's body exactly as it arrived; moderation keeps one row per
comment that an admin has acted on (`suggestion_states`, migration 11; no row means NEW). NEW
comments are seen by admins only, HIDDEN ones are kept but set aside, and only APPROVED ones may
appear on the public page and Mode TV. Every change of state is one line of the append-only
audit log (collector/voiding.record: who, when, what, why).

By default the feed holds the comments of responses the counting rule (kiosk/counting.py) counts,
so simulated, voided and held answers do not speak for the public, and the Laporan's summary rests
on the same respondents as its IKM; `include_uncounted` shows the others too, each marked with the
reason it was left out. The search is a case-insensitive substring match done in Python on the
comment itself, so SQLite (whose lower() and LIKE fold ASCII only) and PostgreSQL (whose LIKE is
case sensitive) answer alike, and % or _ in the query mean themselves.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import Column, Table, Text, insert, select, update
from sqlalchemy.engine import Connection, Engine

from collector import voiding
from collector.db import reading, writing
from collector.ingest import read_stored_body
from collector.records import OfficeRecord, get_office, stamp, utc_now
from collector.suggestion_groups import OTHER, groups_of
from collector.tables import metadata, responses
from kiosk.counting import CountingRule
from kiosk.errors import UserError
from kiosk.i18n import N_

suggestion_states = Table(
    "suggestion_states", metadata,
    Column("response_id", Text, primary_key=True),
    Column("office_id", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("changed_at", Text, nullable=False),
    Column("changed_by", Text, nullable=False),
)

NEW, HIDDEN, APPROVED = "new", "hidden", "approved"
STATES = (NEW, HIDDEN, APPROVED)
STATE_LABELS = {NEW: N_("new"), HIDDEN: N_("hidden"), APPROVED: N_("approved for publication")}
# What an admin does, and the state it leads to; the audit log's action is "suggestion-<verb>".
ACTIONS = {"hide": HIDDEN, "show": NEW, "approve": APPROVED}
SEARCH_MAX = 200
PER_PAGE_MAX = 200


@dataclass(frozen=True)
class Suggestion:
    response_id: str
    office_id: str
    service_id: str | None
    local_date: str            # the office's own date of the response
    submitted_at: str          # UTC stamp, the feed's order
    text: str
    state: str
    groups: tuple[str, ...]    # unsur codes the text talks about, or ("other",)
    left_out: str | None       # None when the counting rule counts the response, else why not
    changed_at: str | None = None
    changed_by: str | None = None

    @property
    def counted(self) -> bool:
        return self.left_out is None

    def to_json(self) -> dict[str, Any]:
        return {"response_id": self.response_id, "office_id": self.office_id, "service_id": self.service_id,
                "local_date": self.local_date, "submitted_at": self.submitted_at, "text": self.text,
                "state": self.state, "groups": list(self.groups), "counted": self.counted,
                "left_out": self.left_out, "changed_at": self.changed_at, "changed_by": self.changed_by}


@dataclass(frozen=True)
class Feed:
    """One page of the feed, and the counts of everything the filters (bar paging) let through."""

    items: tuple[Suggestion, ...]
    total: int                  # matching every filter
    page: int
    per_page: int
    groups: dict[str, int]      # per group, under every filter but the group's own (a comment may be in several)
    states: dict[str, int]      # per state, under every filter but the state's own

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total, "page": self.page, "per_page": self.per_page, "pages": self.pages,
                "groups": self.groups, "states": self.states, "suggestions": [s.to_json() for s in self.items]}


def _office(conn: Connection, office_id: str) -> OfficeRecord:
    office = get_office(conn, office_id)
    if office is None:
        raise UserError(f"there is no office {office_id!r}.")
    return office


def group_codes(office: OfficeRecord) -> list[str]:
    """The groups of an office's feed: its scored unsur, then OTHER."""
    return [u.code for u in office.questionnaire().scored_items] + [OTHER]


def _load(conn: Connection, office: OfficeRecord, date_from: dt.date | None, date_to: dt.date | None,
          service: str | None) -> list[Suggestion]:
    """Every comment of the office's responses in scope, newest first, with its state and groups."""
    query = (select(responses.c.id, responses.c.service_id, responses.c.local_date, responses.c.submitted_at,
                    responses.c.body, responses.c.collector_flags, responses.c.voided_at, suggestion_states.c.state,
                    suggestion_states.c.changed_at, suggestion_states.c.changed_by)
             .select_from(responses.outerjoin(suggestion_states, suggestion_states.c.response_id == responses.c.id))
             # Narrows the scan to bodies with a comment string; parsing the body decides.
             .where(responses.c.office_id == office.id, responses.c.body.like('%"comment":"%')))
    if date_from:
        query = query.where(responses.c.local_date >= date_from.isoformat())
    if date_to:
        query = query.where(responses.c.local_date <= date_to.isoformat())
    if service:
        query = query.where(responses.c.service_id == service)
    rule = CountingRule.for_office(office.settings)
    codes = group_codes(office)[:-1]
    found = []
    for row in conn.execute(query.order_by(responses.c.submitted_at.desc(), responses.c.id)).all():
        wire = read_stored_body(row.body)
        if wire is None or not isinstance(wire.get("comment"), str) or not wire["comment"].strip():
            continue
        flags = tuple(wire.get("flags") or ()) + tuple(f for f in (row.collector_flags or "").split(",") if f) \
            + (("voided",) if row.voided_at else ())
        left_out = "abandoned" if wire.get("complete") is not True else rule.left_out_because(flags)
        text = wire["comment"].strip()
        found.append(Suggestion(row.id, office.id, row.service_id, row.local_date, row.submitted_at, text,
                                row.state or NEW, groups_of(text, codes), left_out, row.changed_at, row.changed_by))
    return found


def _check_filters(office: OfficeRecord, *, service: str | None, search: str | None, state: str | None,
                   group: str | None, date_from: dt.date | None, date_to: dt.date | None) -> None:
    if date_from and date_to and date_from > date_to:
        raise UserError(f"from ({date_from}) is after to ({date_to}).")
    if service and service not in office.service_ids():
        raise UserError(f"office {office.id!r} has no service {service!r}.")
    if state and state not in STATES:
        raise UserError(f"state {state!r} must be one of {', '.join(STATES)}.")
    if group and group not in group_codes(office):
        raise UserError(f"group {group!r} must be one of {', '.join(group_codes(office))}.")
    if search and len(search) > SEARCH_MAX:
        raise UserError(f"the search text is longer than {SEARCH_MAX} characters.")


def feed(engine: Engine, office_id: str, *, date_from: dt.date | None = None, date_to: dt.date | None = None,
         service: str | None = None, search: str | None = None, state: str | None = None, group: str | None = None,
         include_uncounted: bool = False, page: int = 1, per_page: int = 20) -> Feed:
    """One page of the office's comments in local dates [date_from, date_to], newest first, filtered."""
    if page < 1 or not 1 <= per_page <= PER_PAGE_MAX:
        raise UserError(f"the page must be 1 or more and a page hold 1 to {PER_PAGE_MAX} suggestions.")
    with reading(engine) as conn:
        office = _office(conn, office_id)
        _check_filters(office, service=service, search=search, state=state, group=group, date_from=date_from,
                       date_to=date_to)
        found = _load(conn, office, date_from, date_to, service)
    needle = (search or "").strip().casefold()
    base = [s for s in found if (include_uncounted or s.counted) and needle in s.text.casefold()]
    in_state = [s for s in base if state is None or s.state == state]
    in_group = [s for s in base if group is None or group in s.groups]
    chosen = [s for s in in_state if group is None or group in s.groups]
    groups = Counter(g for s in in_state for g in s.groups)
    start = (page - 1) * per_page
    return Feed(tuple(chosen[start:start + per_page]), len(chosen), page, per_page,
                {code: groups.get(code, 0) for code in group_codes(office)},
                {st: sum(1 for s in in_group if s.state == st) for st in STATES})


def published(engine: Engine, office_id: str, date_from: dt.date, date_to: dt.date, *,
              limit: int = 5) -> list[Suggestion]:
    """The latest approved comments of counted responses in the period: all the public pages may show."""
    with reading(engine) as conn:
        office = _office(conn, office_id)
        found = _load(conn, office, date_from, date_to, None)
    return [s for s in found if s.state == APPROVED and s.counted][:limit]


def change_state(engine: Engine, response_ids: Iterable[str], verb: str, *, actor: str, reason: str = "",
                 office_id: str | None = None, now: dt.datetime | None = None) -> dict[str, list[str]]:
    """hide, show or approve comments; {"changed": [...], "unchanged": [...]}, each change in the audit log.

    With office_id, every response must be that office's (the dashboard passes the office it shows)."""
    if verb not in ACTIONS:
        raise UserError(f"the action {verb!r} must be one of {', '.join(ACTIONS)}.")
    target = ACTIONS[verb]
    reason = (reason or "").strip()
    if len(reason) > voiding.REASON_MAX:
        raise UserError(f"the reason is longer than {voiding.REASON_MAX} characters.")
    actor = (actor or "").strip()
    if not actor:
        raise UserError("the audit log needs to know who did this.")
    wanted, bad = voiding.canonical_ids(response_ids)
    now = now or utc_now()
    with writing(engine) as conn:
        rows = {r.id: r for r in conn.execute(
            select(responses.c.id, responses.c.office_id, responses.c.body, suggestion_states.c.state)
            .select_from(responses.outerjoin(suggestion_states, suggestion_states.c.response_id == responses.c.id))
            .where(responses.c.id.in_(wanted))).all()} if wanted else {}
        for rid in wanted:
            row = rows.get(rid)
            if row is None or (office_id is not None and row.office_id != office_id):
                bad.append(f"there is no response {rid}" + (f" of office {office_id!r}" if office_id else ""))
            elif not isinstance((read_stored_body(row.body) or {}).get("comment"), str):
                bad.append(f"response {rid} has no comment")
        if bad:
            raise UserError("; ".join(bad) + ".")
        changed = [rid for rid in wanted if (rows[rid].state or NEW) != target]
        for step, rid in enumerate(changed):
            values = {"state": target, "changed_at": stamp(now), "changed_by": actor}
            if rows[rid].state is None:
                conn.execute(insert(suggestion_states).values(response_id=rid, office_id=rows[rid].office_id,
                                                              **values))
            else:
                conn.execute(update(suggestion_states).where(suggestion_states.c.response_id == rid).values(**values))
            # A microsecond apart: the log reads in the order the ids were given.
            voiding.record(conn, rows[rid].office_id, action=f"suggestion-{verb}", actor=actor, reason=reason,
                           now=now + dt.timedelta(microseconds=step), response_id=rid,
                           detail={"from": rows[rid].state or NEW, "to": target})
    return {"changed": changed, "unchanged": [rid for rid in wanted if rid not in changed]}


@dataclass(frozen=True)
class Summary:
    """The period's comments for the Laporan's BAB IV: the dashboard's default view (counted responses,
    every state, no search) in numbers, and a few approved examples."""

    total: int
    groups: dict[str, int]      # the dashboard's group counts; a comment may be in several
    states: dict[str, int]
    examples: tuple[Suggestion, ...]


def summary(engine: Engine, office_id: str, *, service: str | None = None, date_from: dt.date | None = None,
            date_to: dt.date | None = None, examples: int = 3) -> Summary:
    shown = feed(engine, office_id, service=service, date_from=date_from, date_to=date_to, per_page=1)
    approved = feed(engine, office_id, service=service, date_from=date_from, date_to=date_to, state=APPROVED,
                    per_page=max(1, examples))
    return Summary(shown.total, shown.groups, shown.states, approved.items[:examples])


def summary_rows(found: Summary, unsur_names: dict[str, str]) -> list[list[Any]]:
    """BAB IV's table: [group, count] per unsur with comments, then "Lainnya", then the total."""
    rows: list[list[Any]] = [["Kelompok (unsur yang dibicarakan)", "Jumlah saran"]]
    for code, count in found.groups.items():
        if count and code != OTHER:
            rows.append([f"{code} {unsur_names.get(code, '')}".strip(), count])
    rows.append(["Lainnya (tidak terkait unsur tertentu)", found.groups.get(OTHER, 0)])
    rows.append(["Jumlah kritik dan saran (tiap saran dihitung sekali)", found.total])
    return rows


def _shortened(text: str, most: int) -> str:
    return text if len(text) <= most else text[:most - 1].rstrip() + "…"


def report_text(found: Summary, unsur_names: dict[str, str]) -> tuple[list[str], list[list[Any]], list[str]]:
    """BAB IV's words on the period's comments, in Bahasa Indonesia like the whole Laporan:
    (paragraphs before the table, the table's rows or none, paragraphs and quoted examples after it)."""
    from collector.report_text import angka

    if not found.total:
        return (["Tidak ada kritik dan saran yang ditulis oleh responden yang dihitung pada periode ini."], [], [])
    before = [f"Pada periode ini {angka(found.total, 0)} responden yang dihitung menuliskan kritik dan saran. "
              "Tabel berikut mengelompokkan kritik dan saran menurut unsur pelayanan yang dibicarakan, dikenali dari "
              "kata kunci; satu saran dapat menyebut lebih dari satu unsur, sehingga jumlah per kelompok dapat "
              "melebihi jumlah saran. Angka ini sama dengan yang ditampilkan dasbor untuk periode yang sama."]
    after = [f"Dari {angka(found.total, 0)} kritik dan saran, {angka(found.states[APPROVED], 0)} disetujui untuk "
             f"dipublikasikan, {angka(found.states[HIDDEN], 0)} disembunyikan (tetap disimpan) dan "
             f"{angka(found.states[NEW], 0)} belum ditinjau."]
    if found.examples:
        after.append("Contoh kritik dan saran yang disetujui untuk dipublikasikan:")
        after += [f"“{_shortened(s.text, 300)}” ({s.local_date})" for s in found.examples]
    else:
        after.append("Belum ada kritik dan saran yang disetujui untuk dipublikasikan.")
    return before, summary_rows(found, unsur_names), after


def audit_lines(engine: Engine, office_id: str) -> list[dict[str, Any]]:
    """The audit log's lines about suggestions, oldest first."""
    return [e for e in voiding.audit(engine, office_id) if e["action"].startswith("suggestion-")]


__all__ = ["NEW", "HIDDEN", "APPROVED", "STATES", "ACTIONS", "Suggestion", "Feed", "feed", "published",
           "change_state", "summary", "summary_rows", "report_text", "audit_lines"]
