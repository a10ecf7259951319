"""The comment rows and the held flag kept at every write (collector/comments.py, migration 20) give the feed,
its counts, the office page's new count, the Laporan's summary and the held list exactly what parsing every
stored body gave, on SQLite and PostgreSQL: after kiosk uploads, paper forms, web answers held as suspect,
voids, restores, accepted held answers and moderation, on a database upgraded from before migration 20, and after
`kiosk admin rebuild-totals` has repaired comment rows and held flags damaged by hand."""
from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from collector import held, records, suggestions, totals, voiding
from collector.db import reading, writing
from collector.ingest import insert_if_new, store_batch
from collector.suggestion_groups import OTHER, groups_of
from collector.tables import responses
from fixtures_collector import DEMO_OFFICE, REPO, make_wire
from kiosk.counting import CountingRule
from kiosk.holds import SUSPECT_RATE, is_held

WITA = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 29, 3, 0, tzinfo=timezone.utc)
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
TEXTS = ("Antrian terlalu lama", "Petugas RAMAH sekali", "Ada pungli 100% di loket_2", "Ruang tunggu panas",
         "Terima kasih", "  ", "Él petugas élégant", "Alamat kantor sulit dicari", "AC mati, antri lama", None)


def _fill(engine) -> list[str]:
    """A year of an office's answers with every kind of thing that decides whether a comment shows."""
    rng = random.Random(14)
    kiosk, paper, ids = [], [], []
    for n in range(48):
        wire = make_wire(service_id=rng.choice(("ktp-el", "kk")), flags=rng.choice(([], [], ["fast"], ["simulated"])),
                         submitted_at=datetime(2026, 1, 5, 8, tzinfo=WITA) + timedelta(days=rng.randrange(330),
                                                                                          minutes=n),
                         complete=rng.random() > 0.15)
        wire["comment"] = rng.choice(TEXTS)
        (paper if n % 7 == 0 else kiosk).append(wire)
        ids.append(wire["id"])
    # Just past midnight in the office (WITA) is the day before in UTC: the feed's page bounds submitted_at by
    # the period a day wider on each side, so this comment is still on the page of its local date.
    early = make_wire(submitted_at=datetime(2026, 3, 1, 0, 30, tzinfo=WITA), comment="Antrian pagi sekali")
    kiosk.append(early)
    ids.append(early["id"])
    for wire in paper:
        wire["channel"] = "paper"
    assert {r.status for r in store_batch(engine, DEMO_OFFICE, kiosk, channel="kiosk", now=NOW)} == {"accepted"}
    assert {r.status for r in store_batch(engine, DEMO_OFFICE, paper, channel="paper", now=NOW)} == {"accepted"}
    with writing(engine) as conn:  # the web survey stores answers past its soft rate limit as held
        office = records.get_office(conn, DEMO_OFFICE)
        for n, comment in enumerate(("Antrian web lama", "Kursi kurang", None)):
            wire = make_wire(submitted_at=datetime(2026, 6, 1, 9, tzinfo=WITA) + timedelta(minutes=n),
                             channel="web", flags=[SUSPECT_RATE], comment=comment)
            insert_if_new(conn, office, wire, kiosk_id=None, now=NOW + timedelta(seconds=n))
            ids.append(wire["id"])
    # Clean, complete answers with a comment: voiding is then the only thing keeping them out.
    commented = [w["id"] for w in kiosk + paper if (w["comment"] or "").strip() and w["complete"] and not w["flags"]]
    voiding.void(engine, DEMO_OFFICE, commented[:4], reason="uji", actor="kasi", now=NOW)
    voiding.restore(engine, DEMO_OFFICE, commented[:1], reason="uji", actor="kasi", now=NOW + timedelta(minutes=1))
    held.accept_held(engine, DEMO_OFFICE, [ids[-3]], by="kasi")
    shown = [s.response_id for s in suggestions.feed(engine, DEMO_OFFICE, include_uncounted=True, per_page=200).items]
    suggestions.change_state(engine, shown[:5], "approve", actor="kasi", now=NOW)
    suggestions.change_state(engine, shown[3:8], "hide", actor="kasi", now=NOW + timedelta(minutes=1))
    suggestions.change_state(engine, shown[7:8], "show", actor="kasi", now=NOW + timedelta(minutes=2))
    return ids


def _from_bodies(engine) -> list[tuple]:
    """What the feed was before migration 20, computed the way it was: every body of the office parsed."""
    with reading(engine) as conn:
        office = records.get_office(conn, DEMO_OFFICE)
        states = {r[0]: r[1:] for r in conn.execute(text(
            "SELECT response_id, state, changed_at, changed_by FROM suggestion_states"))}
        rows = conn.execute(select(responses.c.id, responses.c.service_id, responses.c.local_date,
                                   responses.c.submitted_at, responses.c.body, responses.c.collector_flags,
                                   responses.c.voided_at).where(responses.c.office_id == DEMO_OFFICE)
                            .order_by(responses.c.submitted_at.desc(), responses.c.id)).all()
    rule = CountingRule.for_office(office.settings)
    codes = [u.code for u in office.questionnaire().scored_items]
    found = []
    for rid, service, day, submitted, body, collector_flags, voided_at in rows:
        wire = json.loads(body)
        if not isinstance(wire.get("comment"), str) or not wire["comment"].strip():
            continue
        flags = tuple(wire.get("flags") or ()) + tuple(f for f in collector_flags.split(",") if f) \
            + (("voided",) if voided_at else ())
        left_out = "abandoned" if wire.get("complete") is not True else rule.left_out_because(flags)
        text_ = wire["comment"].strip()
        state, changed_at, changed_by = states.get(rid, ("new", None, None))
        found.append((rid, service, day, submitted, text_, state, groups_of(text_, codes), left_out, changed_at,
                      changed_by))
    return found


def _feed_from_bodies(found, *, date_from=None, date_to=None, service=None, search=None, state=None, group=None,
                      include_uncounted=False, page=1, per_page=20):
    needle = (search or "").strip().casefold()
    base = [s for s in found if (include_uncounted or s[7] is None) and needle in s[4].casefold()
            and (not date_from or s[2] >= date_from.isoformat()) and (not date_to or s[2] <= date_to.isoformat())
            and (not service or s[1] == service)]
    in_state = [s for s in base if state is None or s[5] == state]
    in_group = [s for s in base if group is None or group in s[6]]
    chosen = [s for s in in_state if group is None or group in s[6]]
    groups = Counter(g for s in in_state for g in s[6])
    start = (page - 1) * per_page
    return (chosen[start:start + per_page], len(chosen), {c: groups.get(c, 0) for c in [f"U{k}" for k in range(1, 10)]
                                                          + [OTHER]},
            {st: sum(1 for s in in_group if s[5] == st) for st in suggestions.STATES})


FILTERS = [{}, {"include_uncounted": True}, {"search": "LAMA"}, {"search": "100%"}, {"search": "élégant"},
           {"search": "a%n"}, {"service": "kk"}, {"group": "U3"}, {"group": OTHER, "include_uncounted": True},
           {"state": "approved"}, {"state": "hidden", "include_uncounted": True}, {"state": "new", "group": "U9"},
           {"page": 2, "per_page": 4}, {"page": 3, "per_page": 5, "include_uncounted": True},
           {"date_from": dt.date(2026, 3, 1), "date_to": dt.date(2026, 8, 31), "search": "petugas"},
           {"date_from": dt.date(2026, 3, 1), "date_to": dt.date(2026, 3, 1)}]


def _same(engine) -> None:
    found = _from_bodies(engine)
    assert len(found) > 20 and {s[7] for s in found} >= {None, "abandoned", "voided", "simulated", "fast",
                                                         SUSPECT_RATE}
    assert {s[5] for s in found} == set(suggestions.STATES)
    for filters in FILTERS:
        got = suggestions.feed(engine, DEMO_OFFICE, **filters)
        items, total, groups, states = _feed_from_bodies(found, **filters)
        assert [(s.response_id, s.service_id, s.local_date, s.submitted_at, s.text, s.state, s.groups, s.left_out,
                 s.changed_at, s.changed_by) for s in got.items] == items, filters
        assert (got.total, got.groups, got.states) == (total, groups, states), filters
    assert [s.text for s in suggestions.feed(engine, DEMO_OFFICE, date_from=dt.date(2026, 3, 1),
                                             date_to=dt.date(2026, 3, 1)).items] == ["Antrian pagi sekali"]
    for period in (YEAR, (dt.date(2026, 6, 1), dt.date(2026, 6, 30))):
        assert suggestions.new_count(engine, DEMO_OFFICE, *period) == _feed_from_bodies(
            found, date_from=period[0], date_to=period[1], state="new")[1]
    summary = suggestions.summary(engine, DEMO_OFFICE, date_from=YEAR[0], date_to=YEAR[1])
    _, total, groups, states = _feed_from_bodies(found, date_from=YEAR[0], date_to=YEAR[1])
    approved = _feed_from_bodies(found, date_from=YEAR[0], date_to=YEAR[1], state="approved", per_page=3)[0]
    assert (summary.total, summary.groups, summary.states) == (total, groups, states)
    assert [s.response_id for s in summary.examples] == [s[0] for s in approved] and approved
    assert [s.response_id for s in suggestions.published(engine, DEMO_OFFICE, *YEAR)] == \
        [s[0] for s in found if s[5] == "approved" and s[7] is None][:5]
    with reading(engine) as conn:
        bodies = conn.execute(select(responses.c.id, responses.c.body).order_by(responses.c.received_at)).all()
    held_ids = [rid for rid, body in bodies if is_held(json.loads(body)["flags"])]
    assert [a["id"] for a in held.held_answers(engine, DEMO_OFFICE)] == held_ids and len(held_ids) == 2


@pytest.fixture
def office(collector_db_url):
    from collector import db, migrations
    from kiosk.config import DEMO_CONFIG

    engine = db.make_engine(collector_db_url)
    migrations.migrate(engine)
    records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
    _fill(engine)
    yield engine
    engine.dispose()


def test_the_feed_counts_and_held_list_equal_a_parse_of_every_body(office):
    _same(office)


def test_an_upgraded_database_gets_its_comment_rows_and_held_flags_from_the_bodies(office):
    """A database as it was before migration 20 (same responses, states and audit log) comes out of the
    migration with the same feed, counts and held list, with no step by hand."""
    from collector import migrations

    with writing(office) as conn:
        conn.execute(text("DROP TABLE comments"))
        conn.execute(text("DROP INDEX responses_office_held"))
        conn.execute(text("ALTER TABLE responses DROP COLUMN held"))
        conn.execute(text("DELETE FROM schema_migrations WHERE version = 20"))
    assert migrations.migrate(office) == [20]
    _same(office)


def test_rebuild_totals_tells_the_comment_rows_and_held_flags_again_from_the_bodies(office, collector_db_url):
    """The unsur groups of a comment are told once, at ingest: rebuild-totals tells them (and every other column,
    and the held flags) again from the stored bodies, says how many differed and repairs them."""
    clean = totals.rebuild(office, [DEMO_OFFICE])[DEMO_OFFICE]
    assert (clean["differed"], clean["comments_differing"], clean["held_differing"]) == (False, 0, 0)
    assert clean["comments"] == len(_from_bodies(office)) and clean["held"] == 2
    with writing(office) as conn:  # what a bug, an older grouping or a hand edit would leave behind
        rows = conn.execute(text("SELECT response_id FROM comments ORDER BY response_id")).scalars().all()
        conn.execute(text("UPDATE comments SET unsur = CASE WHEN unsur = ',U9,' THEN ',U1,' ELSE ',U9,' END "
                          "WHERE response_id = :r"), {"r": rows[0]})
        conn.execute(text("UPDATE comments SET state = CASE WHEN state = 'new' THEN 'approved' ELSE 'new' END "
                          "WHERE response_id = :r"), {"r": rows[1]})
        conn.execute(text("DELETE FROM comments WHERE response_id = :r"), {"r": rows[2]})
        blank = conn.execute(text("SELECT id FROM responses WHERE id NOT IN (SELECT response_id FROM comments) "
                                  "AND id <> :r ORDER BY id"), {"r": rows[2]}).scalars().first()
        conn.execute(text("INSERT INTO comments SELECT :b, office_id, service_id, local_date, submitted_at, complete, "
                          "voided, flags, state, unsur, comment, comment_folded FROM comments WHERE response_id = :r"),
                     {"b": blank, "r": rows[3]})
        conn.execute(text("UPDATE responses SET held = NOT held WHERE id IN (SELECT id FROM responses WHERE held "
                          "ORDER BY id LIMIT 1) OR id = :b"), {"b": blank})
    damaged = suggestions.feed(office, DEMO_OFFICE, include_uncounted=True, per_page=200)
    done = subprocess.run([sys.executable, "-m", "kiosk", "admin", "rebuild-totals", "--db", collector_db_url],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (f"office {DEMO_OFFICE}: 4 of the comment rows and 2 of the held flags differed from the stored "
            f"responses; rebuilt ({clean['comments']} comment rows, 2 held)") in done.stdout, done.stdout
    assert f"office {DEMO_OFFICE}: the running totals matched" in done.stdout
    assert suggestions.feed(office, DEMO_OFFICE, include_uncounted=True, per_page=200) != damaged
    _same(office)
    again = totals.rebuild(office, [DEMO_OFFICE])[DEMO_OFFICE]
    assert (again["differed"], again["comments_differing"], again["held_differing"]) == (False, 0, 0)
