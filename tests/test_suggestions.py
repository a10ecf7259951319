"""Kritik dan saran: the unsur matcher, the moderated feed on SQLite and PostgreSQL (search, paging, states with
their audit lines), the dashboard page behind the session's CSRF token, the CLI, the public pages (approved only)
and the Laporan's BAB IV summary equal to the dashboard's counts."""
from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from html import unescape

import pytest

from collector import records, suggestions, voiding
from collector.ingest import store_batch
from collector.login import SESSION_COOKIE
from collector.suggestion_groups import OTHER, groups_of
from fixtures_collector import DEMO_OFFICE, make_wire

WITA = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 29, 3, 0, tzinfo=timezone.utc)
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@pytest.mark.parametrize("text, groups", [
    ("Antrian terlalu lama, mohon ditambah loket", ("U3",)),
    ("Saya mengantri dua jam", ("U3",)),
    ("Lama menunggu di ruang tunggu", ("U3", "U9")),  # menunggu is U3, the waiting room U9
    ("Ada pungli di loket, harus bayar 50 ribu", ("U4",)),
    ("Petugasnya ramah dan sopan", ("U7",)),
    ("Ruang tunggu panas, AC mati, kursi kurang", ("U9",)),
    ("Persyaratan tidak jelas di papan informasi", ("U1", "U6")),
    ("Pengaduan saya tidak ditanggapi", ("U8",)),
    ("The queue was long and the staff were rude", ("U3", "U7")),
    ("Too expensive, I had to pay a fee", ("U4",)),
    ("Alamat kantor sulit dicari", (OTHER,)),       # "alamat" holds "lama" but is not about time
    ("Selamat, terima kasih", (OTHER,)),             # "selamat" neither
    ("Jaminan mutu", (OTHER,)),                       # "jam" is a whole word only
    ("", (OTHER,)),
])
def test_the_matcher_tells_the_unsur_a_comment_talks_about(text, groups):
    assert groups_of(text) == groups


def test_the_matcher_keeps_to_the_office_questionnaire():
    assert groups_of("AC mati dan antri lama", ["U1", "U2", "U3"]) == ("U3",)
    assert groups_of("AC mati", ["U1", "U2", "U3"]) == (OTHER,)


COMMENTS = [  # (comment, service, days after 2 March 2026, flags)
    ("Antrian terlalu lama", "ktp-el", 0, []),
    ("Petugas RAMAH sekali", "kk", 10, []),
    ("Ada pungli 100% di loket_2", "ktp-el", 20, []),
    ("Ruang tunggu panas", "kk", 30, []),
    ("Terima kasih", "ktp-el", 40, []),
    ("Simulasi: antrian", "ktp-el", 50, ["simulated"]),
    ("Cepat sekali, Él petugas élégant", "ktp-el", 60, []),
]


def _store(engine) -> list[str]:
    wires = []
    for text, service, days, flags in COMMENTS:
        wire = make_wire(service_id=service, submitted_at=datetime(2026, 3, 2, 8, tzinfo=WITA) + timedelta(days=days),
                         flags=flags)
        wire["comment"] = text
        wire["profile"] = {"gender": "f", "age_group": "25-34"}
        wires.append(wire)
    wires.append(make_wire())  # no comment: not a suggestion
    results = store_batch(engine, DEMO_OFFICE, wires, channel="kiosk", now=NOW)
    assert {r.status for r in results} == {"accepted"}
    return [w["id"] for w in wires[:len(COMMENTS)]]


@pytest.fixture
def office(collector_db_url):
    from collector import db, migrations
    from kiosk.config import DEMO_CONFIG

    engine = db.make_engine(collector_db_url)
    migrations.migrate(engine)
    records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
    ids = _store(engine)
    yield engine, collector_db_url, ids
    engine.dispose()


def _texts(feed) -> list[str]:
    return [s.text for s in feed.items]


def test_feed_newest_first_counted_only_paged_and_searched(office):
    engine, _, ids = office
    feed = suggestions.feed(engine, DEMO_OFFICE, date_from=YEAR[0], date_to=YEAR[1])
    # The simulated response's comment is not in the default feed; newest first.
    assert _texts(feed) == [c[0] for c in reversed(COMMENTS) if not c[3]]
    assert all(s.state == suggestions.NEW for s in feed.items)
    everything = suggestions.feed(engine, DEMO_OFFICE, date_from=YEAR[0], date_to=YEAR[1], include_uncounted=True)
    assert [s.left_out for s in everything.items if not s.counted] == ["simulated"]
    paged = suggestions.feed(engine, DEMO_OFFICE, date_from=YEAR[0], date_to=YEAR[1], page=2, per_page=4)
    assert (paged.total, paged.pages, _texts(paged)) == (6, 2, ["Petugas RAMAH sekali", "Antrian terlalu lama"])
    # Case-insensitive, also beyond ASCII; % and _ are themselves, not wildcards.
    assert _texts(suggestions.feed(engine, DEMO_OFFICE, search="ramah")) == ["Petugas RAMAH sekali"]
    assert _texts(suggestions.feed(engine, DEMO_OFFICE, search="ÉLÉGANT")) == ["Cepat sekali, Él petugas élégant"]
    assert _texts(suggestions.feed(engine, DEMO_OFFICE, search="100%")) == ["Ada pungli 100% di loket_2"]
    assert _texts(suggestions.feed(engine, DEMO_OFFICE, search="loket_")) == ["Ada pungli 100% di loket_2"]
    assert _texts(suggestions.feed(engine, DEMO_OFFICE, search="a%n")) == []
    # Office-local dates, service and group filters; group counts under the other filters.
    march = suggestions.feed(engine, DEMO_OFFICE, date_from=dt.date(2026, 3, 2), date_to=dt.date(2026, 3, 12))
    assert _texts(march) == ["Petugas RAMAH sekali", "Antrian terlalu lama"]
    assert _texts(suggestions.feed(engine, DEMO_OFFICE, service="kk")) == ["Ruang tunggu panas", "Petugas RAMAH sekali"]
    assert _texts(suggestions.feed(engine, DEMO_OFFICE, group="U3")) == ["Cepat sekali, Él petugas élégant",
                                                                          "Antrian terlalu lama"]
    assert feed.groups == {"U1": 0, "U2": 0, "U3": 2, "U4": 1, "U5": 0, "U6": 0, "U7": 2, "U8": 0, "U9": 1,
                           OTHER: 1}


def test_hide_show_approve_each_in_the_audit_log(office):
    engine, _, ids = office
    done = suggestions.change_state(engine, [ids[0], ids[1]], "approve", actor="kasi", reason="sopan", now=NOW)
    assert done == {"changed": [ids[0], ids[1]], "unchanged": []}
    suggestions.change_state(engine, [ids[1]], "hide", actor="kasi", reason="menyebut nama",
                             now=NOW + timedelta(minutes=1))
    again = suggestions.change_state(engine, [ids[1].upper()], "hide", actor="kasi", now=NOW + timedelta(minutes=2))
    assert again == {"changed": [], "unchanged": [ids[1]]}
    suggestions.change_state(engine, [ids[1]], "show", actor="kepala", now=NOW + timedelta(hours=1))
    states = {s.response_id: s.state for s in suggestions.feed(engine, DEMO_OFFICE).items}
    assert (states[ids[0]], states[ids[1]], states[ids[2]]) == ("approved", "new", "new")
    assert _texts(suggestions.feed(engine, DEMO_OFFICE, state="approved")) == ["Antrian terlalu lama"]
    lines = [(e["action"], e["response_id"], e["actor"], e["reason"], e["detail"])
             for e in voiding.audit(engine, DEMO_OFFICE)]
    assert lines == [
        ("suggestion-approve", ids[0], "kasi", "sopan", {"from": "new", "to": "approved"}),
        ("suggestion-approve", ids[1], "kasi", "sopan", {"from": "new", "to": "approved"}),
        ("suggestion-hide", ids[1], "kasi", "menyebut nama", {"from": "approved", "to": "hidden"}),
        ("suggestion-show", ids[1], "kepala", "", {"from": "hidden", "to": "new"}),
    ]
    # The comment itself is never touched.
    assert suggestions.feed(engine, DEMO_OFFICE, search="ramah").items[0].text == "Petugas RAMAH sekali"


@pytest.mark.parametrize("call, says", [
    (lambda e, ids: suggestions.change_state(e, ["bukan-uuid"], "hide", actor="a"), "'bukan-uuid' is not a response id"),
    (lambda e, ids: suggestions.change_state(e, [ids[0]], "delete", actor="a"), "the action 'delete' must be one of"),
    (lambda e, ids: suggestions.change_state(e, [ids[0]], "hide", actor="a", office_id="lain"),
     f"there is no response {{}} of office 'lain'"),
    (lambda e, ids: suggestions.feed(e, DEMO_OFFICE, state="gone"), "state 'gone' must be one of new, hidden"),
    (lambda e, ids: suggestions.feed(e, DEMO_OFFICE, group="U99"), "group 'U99' must be one of U1"),
    (lambda e, ids: suggestions.feed(e, "tidak-ada"), "there is no office 'tidak-ada'"),
])
def test_mistakes_are_one_sentence(office, call, says):
    from kiosk.errors import UserError

    engine, _, ids = office
    with pytest.raises(UserError) as raised:
        call(engine, ids)
    assert says.format(ids[0]) in str(raised.value)
