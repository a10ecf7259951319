"""The report JSON from the running totals (collector/reports.py office_report) is byte for byte the report
computed from every stored response (raw_office_report), after random sequences of ingests, duplicates,
conflicts, voids, restores, paper and web answers, held acceptances, unreadable rows and changes of the
office's counting rule, for several scopes, on SQLite and PostgreSQL; the warnings about unreadable rows too.
The dashboard's weekday x hour map from the totals (whole months from totals_weekhour, cut months from
totals_hourly) is the map computed from the stored rows too."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from collector import ingest, records, reports, totals
from collector.db import reading
from collector.db import writing
from collector.reports import ReportError, office_report, raw_office_report
from collector.tables import responses
from kiosk import ikm
from kiosk.counting import CountingRule, tally
from kiosk.response import Response
from fixtures_collector import DEMO_OFFICE, make_wire
from test_running_totals import MAKASSAR, run
from test_running_totals import steps as totals_steps

answers = st.dictionaries(st.sampled_from([f"U{i}" for i in range(1, 10)]), st.integers(1, 4), min_size=1)
flagged_wires = st.builds(
    lambda a, day, hour, service, complete, flags, clock, profile: make_wire(
        service_id=service, answers=a, complete=complete, flags=sorted(flags), profile=profile,
        submitted_at=datetime(2026, 11, 1, 7, tzinfo=MAKASSAR) + timedelta(days=day, hours=hour),
        extra={"device_clock_suspect": True} if clock else {}),
    answers, st.integers(0, 20), st.integers(0, 20), st.sampled_from(["ktp-el", "kk", None]),
    st.booleans(), st.sets(st.sampled_from(["fast", "simulated"])), st.booleans(),
    st.fixed_dictionaries({}, optional={"gender": st.sampled_from(["m", "f"]),
                                        "age_group": st.sampled_from(["17-24", "25-34"])}))
# Answers from late October to early December: heat maps over whole and cut months.
spread_wires = st.builds(
    lambda a, day, hour, service, flags: make_wire(
        service_id=service, answers=a, flags=sorted(flags),
        submitted_at=datetime(2026, 10, 20, 7, tzinfo=MAKASSAR) + timedelta(days=day, hours=hour)),
    answers, st.integers(0, 50), st.integers(0, 16), st.sampled_from(["ktp-el", "kk"]),
    st.sets(st.sampled_from(["fast"])))
steps = st.lists(st.one_of(
    totals_steps.map(lambda s: ("totals-steps", s)),
    st.tuples(st.just("ingest-flagged"), st.lists(flagged_wires, min_size=1, max_size=4)),
    st.tuples(st.just("ingest-flagged"), st.lists(spread_wires, min_size=1, max_size=4)),
    st.tuples(st.just("count-fast"), st.booleans()),
    st.tuples(st.just("unreadable"), st.sampled_from(["[1, 2", "[]", '{"a": ' * 2000])),
), min_size=1, max_size=5)
SCOPES = [dict(), dict(service="ktp-el"), dict(date_from=dt.date(2026, 11, 5), date_to=dt.date(2026, 11, 15)),
          dict(service="kk", date_from=dt.date(2026, 11, 10)), dict(population=40),
          dict(date_to=dt.date(2026, 11, 8), population=5000)]


def apply(app, sent: list[dict], step) -> None:
    engine, kind = app.engine, step[0]
    if kind == "totals-steps":
        for inner in step[1]:
            run(app, sent, inner)
    elif kind == "ingest-flagged":
        app.statuses(step[1])
        sent.extend(step[1])
    elif kind == "count-fast":
        office = records.get_office(engine, DEMO_OFFICE)
        settings_ = {**office.settings, "counting": {"count_fast": step[1]}}
        records.update_office(engine, DEMO_OFFICE, name=office.name, timezone_name=office.timezone,
                              settings=settings_, services_=office.services)
    elif kind == "unreadable":  # what an older collector could store; the totals learn of it by a rebuild
        office = records.get_office(engine, DEMO_OFFICE)
        row = ingest._row(make_wire(submitted_at=datetime(2026, 11, 9, 9, tzinfo=MAKASSAR)), step[1], office, None,
                          records.stamp(records.utc_now()))
        with writing(engine) as conn:
            conn.execute(insert(responses).values(row))
        totals.rebuild(engine, [DEMO_OFFICE])


HEAT_SCOPES = [(None, None, None), ("kk", None, None), (None, dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
               (None, dt.date(2026, 10, 25), dt.date(2026, 12, 3)), (None, dt.date(2026, 11, 5), dt.date(2026, 11, 15)),
               (None, None, dt.date(2026, 11, 12)), (None, dt.date(2026, 11, 1), None),
               ("ktp-el", dt.date(2026, 10, 25), dt.date(2026, 11, 30))]


def raw_heatmap(engine, service, date_from, date_to) -> dict[tuple[int, int], tuple[int, float | None]]:
    """The weekday x hour map from every stored row in scope: its local date's weekday, the hour of its
    stamp on the office's clock, counted under the office's rule, the IKM of each cell's counted answers."""
    office = records.get_office(engine, DEMO_OFFICE)
    rule, questionnaire = CountingRule.for_office(office.settings), office.questionnaire()
    cells: dict[tuple[int, int], list[Response]] = {}
    with reading(engine) as conn:
        rows = conn.execute(responses.select().where(responses.c.office_id == DEMO_OFFICE)).mappings().all()
    for row in rows:
        day = dt.date.fromisoformat(row["local_date"])
        if (service and row["service_id"] != service or date_from and day < date_from
                or date_to and day > date_to):
            continue
        wire = totals.readable(row["body"])
        if wire is None:
            continue
        response = Response.from_wire(wire)
        added = tuple(f for f in (row["collector_flags"] or "").split(",") if f) + (("voided",) if row["voided_at"] else ())
        hour = datetime.fromisoformat(row["submitted_at"]).astimezone(office.tz).hour
        cells.setdefault((day.weekday(), hour), []).append(dataclasses.replace(response, flags=response.flags + added))
    out = {}
    for cell, found in sorted(cells.items()):
        counted = tally(found, rule).counted
        if counted:
            sums = ikm.Sums()
            for r in counted:
                sums.add(r.answers, questionnaire)
            index = ikm.from_sums(len(counted), sums.unsur, questionnaire).ikm
            out[cell] = (len(counted), None if index is None else float(index))
    return out


def outcome(report, engine, scope, caplog) -> tuple[str, int]:
    """The report as JSON text (or the error it answers) and how many warnings it gave."""
    caplog.clear()
    try:
        text = json.dumps(report(engine, DEMO_OFFICE, **scope))
    except ReportError as exc:
        text = f"{exc.status} {exc.detail}"
    return text, sum(1 for r in caplog.records if "cannot be read back" in r.getMessage())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(sequence=steps)
def test_the_report_of_the_totals_is_the_report_of_the_stored_rows(collector_app, sequence, caplog):
    caplog.set_level(logging.WARNING)
    sent: list[dict] = []
    for step in sequence:
        apply(collector_app, sent, step)
    for scope in SCOPES:
        assert outcome(office_report, collector_app.engine, scope, caplog) == \
            outcome(raw_office_report, collector_app.engine, scope, caplog), scope
    office = records.get_office(collector_app.engine, DEMO_OFFICE)
    rule = CountingRule.for_office(office.settings)
    for service, date_from, date_to in HEAT_SCOPES:
        assert totals.heatmap(collector_app.engine, DEMO_OFFICE, service, date_from, date_to, rule) == \
            raw_heatmap(collector_app.engine, service, date_from, date_to), (service, date_from, date_to)


def test_a_report_reads_no_stored_response(collector_app, monkeypatch):
    """The cost of a report does not grow with the responses: it never parses one."""
    collector_app.statuses([make_wire() for _ in range(5)])
    monkeypatch.setattr(ingest, "read_stored_body", lambda body: (_ for _ in ()).throw(AssertionError(body)))
    monkeypatch.setattr(reports, "stored_responses", lambda *a, **k: (_ for _ in ()).throw(AssertionError("read")))
    assert office_report(collector_app.engine, DEMO_OFFICE)["respondents"] == 5
