"""The one counting rule: for any mix of flags, voids and channels, every report counts what the rule says.

The report of the collector (SQLite and PostgreSQL) is held to a straightforward recomputation that
applies the rule of kiosk.counting by hand.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from collector import db, migrations, records
from collector.ingest import insert_if_new
from collector.reports import office_report
from collector.tables import responses
from kiosk.config import Service
from kiosk.counting import CountingRule
from kiosk.questionnaire import Text
from fixtures_collector import make_wire

RECEIVED = datetime(2026, 11, 29, 3, 0, tzinfo=timezone.utc)
SUSPECT_FLAGS = ("fast", "suspect-rate")
ALL_FLAGS = ("fast", "simulated", "suspect-rate", "rate-accepted")


@st.composite
def mixes(draw):
    """Responses with random flags, completion, channel and service, some voided; whether fast ones count."""
    items = []
    for n in range(draw(st.integers(0, 25))):
        answers = {f"U{k}": draw(st.integers(1, 4)) for k in range(1, 10) if draw(st.integers(0, 6))}
        complete = bool(answers) and draw(st.integers(0, 5)) > 0
        items.append({
            "answers": answers or {"U1": 2}, "complete": complete,
            "flags": sorted(draw(st.sets(st.sampled_from(ALL_FLAGS), max_size=3))),
            "channel": draw(st.sampled_from(["kiosk", "web", "paper"])),
            "service": draw(st.sampled_from(["a", "b", None])),
            "voided": draw(st.integers(0, 4)) == 0,
            "clock": draw(st.integers(0, 6)) == 0,
        })
    return items, draw(st.booleans())


def expected_report(items, count_fast: bool) -> dict:
    """What the counting rule says, worked out by hand."""
    def reason(item):
        if item["voided"]:
            return "voided"
        if "simulated" in item["flags"]:
            return "simulated"
        held = sorted(f for f in item["flags"] if f == "suspect-rate" or (f == "fast" and not count_fast))
        return held[0] if held else None

    complete = [i for i in items if i["complete"]]
    counted = [i for i in complete if reason(i) is None]
    excluded = Counter({"simulated": 0, "fast": 0, "voided": 0})
    excluded.update(reason(i) for i in complete if reason(i) is not None)
    channels = Counter({"kiosk": 0, "web": 0, "paper": 0})
    channels.update(i["channel"] for i in counted)
    sums = {f"U{k}": sum(i["answers"].get(f"U{k}", 0) for i in counted) for k in range(1, 10)}
    answered = {f"U{k}": sum(f"U{k}" in i["answers"] for i in counted) for k in range(1, 10)}
    return {"respondents": len(counted), "excluded": dict(excluded), "channels": dict(channels),
            "sums": sums, "answered": answered, "abandoned": len(items) - len(complete),
            "clock": sum(i["clock"] for i in counted), "fast_counted": count_fast}


def store(engine, office_id: str, items) -> None:
    base = datetime(2026, 11, 20, 9, 0, tzinfo=timezone(timedelta(hours=7)))
    ids = []
    with db.writing(engine) as conn:
        office = records.get_office(conn, office_id)
        for n, item in enumerate(items):
            submitted = datetime(1970, 1, 1, tzinfo=timezone.utc) if item["clock"] else base + timedelta(minutes=n)
            wire = make_wire(office_id=office_id, service_id=item["service"], answers=item["answers"],
                             submitted_at=submitted, complete=item["complete"], channel=item["channel"],
                             flags=item["flags"])
            insert_if_new(conn, office, wire, kiosk_id=None, now=RECEIVED)
            ids.append(wire["id"])
    voided = [rid for rid, item in zip(ids, items) if item["voided"]]
    if voided:
        from collector.voiding import void
        void(engine, office_id, voided, reason="uji: respons ganda", actor="tester", now=RECEIVED)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def engine(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('counting') / 'collector.db'}"
    else:
        url = request.getfixturevalue("postgres_cluster").create_database()
    engine = db.make_engine(url)
    migrations.migrate(engine)
    yield engine
    engine.dispose()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(mix=mixes())
def test_every_report_counts_what_the_rule_says(engine, mix):
    items, count_fast = mix
    office_id = "o" + uuid.uuid4().hex[:12]
    records.add_office(engine, office_id, "Kantor Uji", timezone_name="Asia/Jakarta",
                       settings={"counting": {"count_fast": count_fast}},
                       services_=(Service("a", Text("A", "A")), Service("b", Text("B", "B"))))
    store(engine, office_id, items)
    report = office_report(engine, office_id, date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30))
    want = expected_report(items, count_fast)
    assert report["respondents"] == want["respondents"]
    assert report["excluded"] == want["excluded"]
    assert report["channels"] == want["channels"]
    assert report["abandoned"] == want["abandoned"]
    assert report["flagged"].get("clock", 0) == want["clock"]
    assert {u["code"]: u["sum"] for u in report["unsur"]} == want["sums"]
    assert {u["code"]: u["answered"] for u in report["unsur"]} == want["answered"]
    assert report["counting_rule"]["fast_counted"] is count_fast
    assert sum(s["respondents"] for s in report["services"]) == want["respondents"]


def test_the_rule_names_one_reason_per_response_in_a_fixed_order():
    rule = CountingRule()
    assert rule.left_out_because(["fast", "simulated"]) == "simulated"
    assert rule.left_out_because(["simulated", "voided"]) == "voided"
    assert rule.left_out_because(["suspect-rate", "fast"]) == "fast"
    assert rule.left_out_because(["clock", "rate-accepted"]) is None
    assert CountingRule.for_office({"counting": {"count_fast": True}}).left_out_because(["fast"]) is None
    assert CountingRule.for_office({}).describe()["suspect_flags"] == ["fast", "suspect-rate"]
