"""Kritik dan saran: the respondents' comments of an office as a moderated feed, never deleted.

A comment stays in its response's body exactly as it arrived (copied once into its collector/comments.py row
for the queries); moderation keeps one row per comment that an admin has acted on (`suggestion_states`,
migration 11; no row means NEW; the comment row holds a copy of the state). NEW comments are seen by admins only, HIDDEN ones are kept but set aside, and only APPROVED ones may
appear on the public page and Mode TV. Every change of state is one line of the append-only
audit log (collector/voiding.record: who, when, what, why).

By default the feed holds the comments of responses the counting rule (kiosk/counting.py) counts,
so simulated, voided and held answers do not speak for the public, and the Laporan's summary rests
on the same respondents as its IKM; `include_uncounted` shows the others too, each marked with the
reason it was left out. Nothing here parses a stored body: the feed, its counts and the Laporan's summary
are queries on the `comments` rows kept at ingest (collector/comments.py), paged in the database. The search
is a case-insensitive substring match of the casefolded comment, made at ingest, against the casefolded
query (instr / strpos, not LIKE), so SQLite (whose lower() and LIKE fold ASCII only) and PostgreSQL (whose
LIKE is case sensitive) answer alike, and % or _ in the query mean themselves.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import Column, ColumnElement, Table, Text, and_, false, func, insert, not_, or_, select, true, update
from sqlalchemy.engine import Connection, Engine

from collector import voiding
from collector.comments import comments, delimited
from collector.db import reading, writing
from collector.ingest import read_stored_body
from collector.records import OfficeRecord, get_office, stamp, utc_now
from collector.suggestion_groups import OTHER
from collector.tables import metadata, responses
from kiosk.counting import SIMULATED, VOIDED, CountingRule
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


def _counted(rule: CountingRule) -> ColumnElement[bool]:
    """The counting rule (kiosk/counting.py) as a condition on a comment row: complete, not voided, and none of
    the flags that keep a response out (simulated, voided, the rule's suspect flags)."""
    # Most answers carry no flag at all: "," settles them without a LIKE (a count of 30,000 rows: 9 -> 2 ms).
    return and_(comments.c.complete == true(), comments.c.voided == false(),
                or_(comments.c.flags == delimited(()),
                    and_(*(comments.c.flags.notlike(f"%,{flag},%")
                           for flag in sorted({VOIDED, SIMULATED} | rule.suspect)))))


def _in_group(code: str, codes: list[str]) -> ColumnElement[bool]:
    """A comment talks about this unsur; OTHER: about none of the office's (codes: its scored unsur)."""
    if code == OTHER:
        return not_(or_(*(comments.c.unsur.like(f"%,{c},%") for c in codes)))
    return comments.c.unsur.like(f"%,{code},%")


def _contains(conn: Connection, needle: str) -> ColumnElement[bool]:
    """The casefolded comment holds the casefolded search text, character for character (no LIKE: % and _
    mean themselves, and SQLite's LIKE would fold ASCII only)."""
    found = func.strpos if conn.dialect.name == "postgresql" else func.instr
    return found(comments.c.comment_folded, needle) > 0


def _base(conn: Connection, office: OfficeRecord, rule: CountingRule, *, date_from: dt.date | None,
          date_to: dt.date | None, service: str | None, search: str | None,
          include_uncounted: bool) -> list[ColumnElement[bool]]:
    where = [comments.c.office_id == office.id]
    if date_from:
        where.append(comments.c.local_date >= date_from.isoformat())
    if date_to:
        where.append(comments.c.local_date <= date_to.isoformat())
    if service:
        where.append(comments.c.service_id == service)
    if not include_uncounted:
        where.append(_counted(rule))
    needle = (search or "").strip().casefold()
    if needle:
        where.append(_contains(conn, needle))
    return where


def _suggestion(row: Any, office: OfficeRecord, rule: CountingRule, codes: list[str]) -> Suggestion:
    flags = tuple(f for f in row.flags.split(",") if f) + (("voided",) if row.voided else ())
    left_out = "abandoned" if not row.complete else rule.left_out_because(flags)
    found = tuple(c for c in codes if f",{c}," in row.unsur) or (OTHER,)
    return Suggestion(row.response_id, office.id, row.service_id, row.local_date, row.submitted_at, row.comment,
                      row.state, found, left_out, row.changed_at, row.changed_by)


def _submitted_within(date_from: dt.date | None, date_to: dt.date | None) -> list[ColumnElement[bool]]:
    """The submission times that can have a local date in the period, a day wider on each side (a local date
    is the submission's date in the office's time zone, never more than 14 hours from UTC's): the same
    comments as the local dates alone, but a range of the index comments_office_recent, so a page of an
    older period starts at the period's newest comment instead of the office's."""
    where = []
    if date_from and date_from > dt.date.min + dt.timedelta(days=1):  # the first days of year 1: no bound needed
        where.append(comments.c.submitted_at >= (date_from - dt.timedelta(days=1)).isoformat())
    if date_to and date_to < dt.date.max - dt.timedelta(days=2):  # the last days of year 9999: likewise
        where.append(comments.c.submitted_at < (date_to + dt.timedelta(days=2)).isoformat())
    return where


def _page(conn: Connection, office: OfficeRecord, rule: CountingRule, where: list[ColumnElement[bool]],
          limit: int, offset: int = 0) -> list[Suggestion]:
    """The comments under these conditions, newest first, one page of them, with who moderated each.

    The page's ids are chosen first from the index comments_office_recent alone (no search: every condition
    is in it), walked in the page's order from the period's newest comment until the page is full (migration
    26: no sort of the period's comments), and only then are those few rows read with their text."""
    ids = list(conn.execute(select(comments.c.response_id).where(*where)
                            .order_by(comments.c.submitted_at.desc(), comments.c.response_id)
                            .limit(limit).offset(offset)).scalars())
    if not ids:
        return []
    query = (select(comments.c.response_id, comments.c.service_id, comments.c.local_date, comments.c.submitted_at,
                    comments.c.comment, comments.c.state, comments.c.unsur, comments.c.flags, comments.c.complete,
                    comments.c.voided, suggestion_states.c.changed_at, suggestion_states.c.changed_by)
             .select_from(comments.outerjoin(suggestion_states,
                                             suggestion_states.c.response_id == comments.c.response_id))
             .where(comments.c.response_id.in_(ids)))
    codes = group_codes(office)[:-1]
    rows = {row.response_id: row for row in conn.execute(query).all()}
    return [_suggestion(rows[rid], office, rule, codes) for rid in ids]


def _counts(conn: Connection, office: OfficeRecord, where: list[ColumnElement[bool]], *, state: str | None,
            group: str | None) -> tuple[int, dict[str, int], dict[str, int]]:
    """(comments under every filter, per group under every filter but the group's own, per state under every
    filter but the state's own), from one pass of the database over the comments of the scope: counted per
    state and set of unsur (a few hundred at most), the groups are then told from the sets here."""
    codes = group_codes(office)
    scored = codes[:-1]
    groups = dict.fromkeys(codes, 0)
    states = dict.fromkeys(STATES, 0)
    total = 0
    for st, unsur, n in conn.execute(select(comments.c.state, comments.c.unsur, func.count()).where(*where)
                                     .group_by(comments.c.state, comments.c.unsur)).all():
        n = int(n)
        spoken = [code for code in scored if f",{code}," in unsur] or [OTHER]
        if group is None or group in spoken:
            states[st] = states.get(st, 0) + n
        if state is None or st == state:
            for code in spoken:
                groups[code] += n
            if group is None or group in spoken:
                total += n
    return total, groups, {st: states[st] for st in STATES}


def new_count(engine: Engine, office_id: str, date_from: dt.date, date_to: dt.date) -> int:
    """The comments of counted responses in the period that nobody has moderated yet (the feed's total with
    state new), as one count over an index (comments_office_state_date): the office page's link."""
    with reading(engine) as conn:
        _, _, where = _scoped(conn, office_id, date_from=date_from, date_to=date_to)
        return int(conn.execute(select(func.count()).select_from(comments)
                                .where(*where, comments.c.state == NEW)).scalar_one())


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


def _scoped(conn: Connection, office_id: str, *, date_from: dt.date | None, date_to: dt.date | None,
            service: str | None = None, search: str | None = None, state: str | None = None,
            group: str | None = None, include_uncounted: bool = False
            ) -> tuple[OfficeRecord, CountingRule, list[ColumnElement[bool]]]:
    """The office, its counting rule and the conditions on `comments` of a checked scope: every reader's start."""
    office = _office(conn, office_id)
    _check_filters(office, service=service, search=search, state=state, group=group, date_from=date_from,
                   date_to=date_to)
    rule = CountingRule.for_office(office.settings)
    return office, rule, _base(conn, office, rule, date_from=date_from, date_to=date_to, service=service,
                               search=search, include_uncounted=include_uncounted)


def feed(engine: Engine, office_id: str, *, date_from: dt.date | None = None, date_to: dt.date | None = None,
         service: str | None = None, search: str | None = None, state: str | None = None, group: str | None = None,
         include_uncounted: bool = False, page: int = 1, per_page: int = 20) -> Feed:
    """One page of the office's comments in local dates [date_from, date_to], newest first, filtered."""
    if page < 1 or not 1 <= per_page <= PER_PAGE_MAX:
        raise UserError(f"the page must be 1 or more and a page hold 1 to {PER_PAGE_MAX} suggestions.")
    with reading(engine) as conn:
        office, rule, where = _scoped(conn, office_id, date_from=date_from, date_to=date_to, service=service,
                                      search=search, state=state, group=group,
                                      include_uncounted=include_uncounted)
        total, groups, states = _counts(conn, office, where, state=state, group=group)
        chosen = where + _submitted_within(date_from, date_to) + ([comments.c.state == state] if state else []) \
            + ([_in_group(group, group_codes(office)[:-1])] if group else [])
        items = _page(conn, office, rule, chosen, per_page, (page - 1) * per_page) if total else []
    return Feed(tuple(items), total, page, per_page, groups, states)


def published(engine: Engine, office_id: str, date_from: dt.date, date_to: dt.date, *,
              limit: int = 5) -> list[Suggestion]:
    """The latest approved comments of counted responses in the period: all the public pages may show."""
    with reading(engine) as conn:
        office, rule, where = _scoped(conn, office_id, date_from=date_from, date_to=date_to)
        return _page(conn, office, rule, where + _submitted_within(date_from, date_to) + [comments.c.state == APPROVED],
                     limit)


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
            # The copy the feed filters and counts by (collector/comments.py); a blank comment has no row.
            conn.execute(update(comments).where(comments.c.response_id == rid).values(state=target))
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
    """One count over the period's comments in the database and the few approved examples: constant memory."""
    with reading(engine) as conn:
        office, rule, where = _scoped(conn, office_id, date_from=date_from, date_to=date_to, service=service)
        total, groups, states = _counts(conn, office, where, state=None, group=None)
        shown = _page(conn, office, rule, where + _submitted_within(date_from, date_to) + [comments.c.state == APPROVED],
                      examples) if examples > 0 else []
    return Summary(total, groups, states, tuple(shown))


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
           "new_count", "change_state", "summary", "summary_rows", "report_text", "audit_lines"]
