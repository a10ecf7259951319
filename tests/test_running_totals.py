"""Running totals (collector/totals.py) equal a recomputation from the stored rows after any sequence of
ingests, duplicates, conflicts, voids, restores, paper and web answers and accepted held answers, on both
backends and with several writers at once; `kiosk admin rebuild-totals` finds and repairs a difference."""
from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from collector import held, ingest, records, totals, voiding
from collector.db import reading, writing
from fixtures_collector import DEMO_OFFICE, make_wire
from kiosk.holds import SUSPECT_RATE

REPO = Path(__file__).resolve().parent.parent
MAKASSAR = timezone(timedelta(hours=8))

answers = st.dictionaries(st.sampled_from([f"U{i}" for i in range(1, 10)]), st.integers(1, 4), min_size=1)
wires = st.builds(
    lambda a, day, service, complete, simulated, gender: make_wire(
        service_id=service, answers=a, complete=complete, submitted_at=datetime(2026, 11, 1, 9, tzinfo=MAKASSAR)
        + timedelta(days=day, hours=day % 5), flags=["simulated"] if simulated else [],
        profile={"gender": gender} if gender else {}),
    answers, st.integers(0, 20), st.sampled_from(["ktp-el", "kk", None]), st.booleans(),
    st.booleans(), st.sampled_from([None, "m", "f"]))
steps = st.lists(st.one_of(
    st.tuples(st.just("ingest"), st.lists(wires, min_size=1, max_size=4)),
    st.tuples(st.just("paper"), st.lists(wires, min_size=1, max_size=3)),
    st.tuples(st.just("web"), wires, st.booleans()),
    st.tuples(st.just("duplicate"), st.integers(0, 10**6)),
    st.tuples(st.just("conflict"), st.integers(0, 10**6)),
    st.tuples(st.just("void"), st.integers(0, 10**6)),
    st.tuples(st.just("restore"), st.integers(0, 10**6)),
    st.tuples(st.just("accept-held"), st.just(0)),
), min_size=1, max_size=8)


def same_totals(engine, office_id: str = DEMO_OFFICE) -> None:
    """The totals kept equal the recomputation, and so does each kiosk's counter of stored responses."""
    with reading(engine) as conn:
        kept, derived = totals.stored(conn, office_id), totals.recompute(conn, office_id)
        counters = dict(conn.execute(text("SELECT id, responses FROM kiosks WHERE office_id = :o"), {"o": office_id}).all())
        counted = dict(conn.execute(text("SELECT kiosk_id, COUNT(*) FROM responses WHERE office_id = :o "
                                         "AND kiosk_id IS NOT NULL GROUP BY kiosk_id"), {"o": office_id}).all())
    assert kept == derived
    assert {k: int(n) for k, n in counters.items()} == {k: int(counted.get(k, 0)) for k in counters}
    return kept


def run(app, sent: list[dict], step) -> None:
    engine, office = app.engine, records.get_office(app.engine, DEMO_OFFICE)
    kind, arg = step[0], step[1]
    if kind == "ingest":
        app.statuses(arg)
        sent.extend(arg)
    elif kind == "paper":
        paper = [{**w, "channel": "paper"} for w in arg]
        ingest.store_batch(engine, DEMO_OFFICE, paper, channel="paper")
        sent.extend(paper)
    elif kind == "web":
        web = {**arg, "channel": "web", "flags": [SUSPECT_RATE] if step[2] else []}
        with writing(engine) as conn:
            ingest.insert_if_new(conn, office, web, kiosk_id=None, now=records.utc_now())
        sent.append(web)
    elif sent and kind in ("duplicate", "conflict"):
        again = dict(sent[arg % len(sent)])
        if kind == "conflict":
            again["answers"] = {"U1": 1 + (again["answers"].get("U1", 0) % 4)}
        app.statuses([again])
    elif sent and kind in ("void", "restore"):
        rid = sent[arg % len(sent)]["id"]
        change = voiding.void if kind == "void" else voiding.restore
        try:
            change(engine, DEMO_OFFICE, [rid], reason="test", actor="test")
        except Exception:  # a rejected answer was never stored: nothing to void
            pass
    elif kind == "accept-held":
        held.accept_held(engine, DEMO_OFFICE, None, by="test")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(sequence=steps)
def test_totals_equal_a_recomputation_after_any_sequence(collector_app, sequence):
    sent: list[dict] = []
    for step in sequence:
        run(collector_app, sent, step)
        same_totals(collector_app.engine)


def test_the_totals_hold_what_the_report_counts(collector_app):
    day = datetime(2026, 11, 10, 10, tzinfo=MAKASSAR)
    wires_ = [make_wire(answers={"U1": 4, "U2": 3}, submitted_at=day), make_wire(answers={"U1": 2}, submitted_at=day),
              make_wire(answers={"U1": 1}, complete=False, submitted_at=day)]
    collector_app.statuses(wires_)
    voiding.void(collector_app.engine, DEMO_OFFICE, [wires_[1]["id"]], reason="test", actor="test")
    kept = same_totals(collector_app.engine)
    key = (DEMO_OFFICE, "ktp-el", "2026-11-10", "kiosk")
    assert kept[("totals_respondents", key + ("",))] == [1]
    assert kept[("totals_respondents", key + ("voided",))] == [1]
    assert kept[("totals_respondents", key + ("abandoned",))] == [1]
    assert kept[("totals_unsur", key + ("", "U1"))] == [1, 4]
    assert kept[("totals_unsur", key + ("voided", "U1"))] == [1, 2]
    # Moving the office to another time zone re-dates its responses, and their totals with them.
    office = records.get_office(collector_app.engine, DEMO_OFFICE)
    records.update_office(collector_app.engine, DEMO_OFFICE, name=office.name, timezone_name="Pacific/Pago_Pago",
                          settings=office.settings, services_=office.services)
    moved = same_totals(collector_app.engine)
    assert ("totals_respondents", key + ("",)) not in moved
    assert moved[("totals_respondents", (DEMO_OFFICE, "ktp-el", "2026-11-09", "kiosk", ""))] == [1]


def test_several_writers_at_once(collector_app):
    engine = collector_app.engine
    with reading(engine) as conn:
        kiosk = records.kiosk_for_token(conn, collector_app.token)
    day = datetime(2026, 11, 12, 10, tzinfo=MAKASSAR)
    batches = [[make_wire(answers={"U1": 1 + (i + j) % 4}, submitted_at=day) for j in range(5)] for i in range(12)]
    shared = batches[0][:2]  # the same ids sent by every writer: stored (and counted) once

    def writer(mine):
        for batch in mine:
            ingest.ingest_batch(engine, kiosk, batch + shared)

    threads = [threading.Thread(target=writer, args=(batches[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    kept = same_totals(engine)
    assert kept[("totals_respondents", (DEMO_OFFICE, "ktp-el", "2026-11-12", "kiosk", ""))] == [60]


def test_writers_touching_the_same_totals_in_every_table_at_once(collector_app):
    """Batches scattered over days, hours, services and profiles, sent by four writers while a fifth voids
    and restores: every writer adds to the same totals of every table at once (on PostgreSQL in one
    statement per batch), with no deadlock, no lost addition and nothing counted twice."""
    engine = collector_app.engine
    with reading(engine) as conn:
        kiosk = records.kiosk_for_token(conn, collector_app.token)
    rng = random.Random(7)
    start = datetime(2026, 11, 2, 8, tzinfo=MAKASSAR)
    batches = [[make_wire(service_id=rng.choice(["ktp-el", "kk", None]), answers={f"U{u}": rng.randint(1, 4)
                          for u in rng.sample(range(1, 10), rng.randint(1, 9))},
                          profile={"gender": rng.choice(["m", "f"])} if rng.random() < 0.5 else {},
                          submitted_at=start + timedelta(days=rng.randrange(4), hours=rng.randrange(3)))
                for _ in range(15)] for _ in range(12)]
    first = batches[0]
    ingest.ingest_batch(engine, kiosk, first)
    failures: list[BaseException] = []

    def guarded(work):
        def run_it():
            try:
                work()
            except BaseException as exc:  # noqa: BLE001 - a deadlock or lost update surfaces in the main thread
                failures.append(exc)
        return run_it

    def writer(mine):
        for batch in mine:
            ingest.ingest_batch(engine, kiosk, batch + first[:3])  # some ids every writer sends: counted once

    def voider():
        for wire in first[3:9]:
            voiding.void(engine, DEMO_OFFICE, [wire["id"]], reason="test", actor="test")
        voiding.restore(engine, DEMO_OFFICE, [first[3]["id"]], reason="test", actor="test")

    threads = [threading.Thread(target=guarded(lambda i=i: writer(batches[1 + i::4]))) for i in range(4)]
    threads.append(threading.Thread(target=guarded(voider)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures
    kept = same_totals(engine)
    by_class = {}
    for (table, key), (n,) in ((k, v) for k, v in kept.items() if k[0] == "totals_respondents"):
        by_class[key[4]] = by_class.get(key[4], 0) + n
    assert by_class == {"": 12 * 15 - 5, "voided": 5}


def test_each_upsert_finds_its_total_by_the_primary_key(collector_app):
    """The conflict target of every totals upsert is its table's primary key, so adding to a total is one
    index look-up (PostgreSQL's plan names the key as the arbiter; SQLite's key holds the same columns)."""
    with writing(collector_app.engine) as conn:
        if conn.dialect.name == "postgresql":
            plan = "\n".join(r[0] for r in conn.exec_driver_sql(
                "EXPLAIN " + totals._PG_UPSERT, tuple(a for kind in totals._KINDS for a in totals._EMPTY[kind[0]])))
            assert sorted(re.findall(r"Conflict Arbiter Indexes: (\w+)", plan)) == sorted(
                f"{table}_pkey" for table, _, _ in totals._KINDS), plan
        else:
            for table, keys, _ in totals._KINDS:
                indexes = [r[1] for r in conn.exec_driver_sql(f"PRAGMA index_list({table})") if r[3] == "pk"]
                assert len(indexes) == 1
                columns = [r[2] for r in conn.exec_driver_sql(f"PRAGMA index_info({indexes[0]})")]
                assert tuple(columns) == keys and f"ON CONFLICT ({', '.join(columns)})".replace(
                    "class", '"class"') in totals._SQLITE_UPSERT[table]


def test_rebuild_totals_says_whether_they_differed(collector_app):
    collector_app.statuses([make_wire() for _ in range(3)])
    db = collector_app.db_url

    def rebuild(*extra):
        done = subprocess.run([sys.executable, "-m", "kiosk", "admin", "rebuild-totals", "--db", db, *extra],
                              capture_output=True, text=True, cwd=REPO, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "matched" in rebuild("--office", DEMO_OFFICE)
    with writing(collector_app.engine) as conn:  # a lost update, as a bug or a hand edit would make
        conn.execute(text("UPDATE totals_respondents SET n = n + 5 WHERE office_id = :o"), {"o": DEMO_OFFICE})
    said = rebuild()
    assert f"office {DEMO_OFFICE}: 1 of the running totals differed" in said and "rebuilt" in said
    with writing(collector_app.engine) as conn:  # the kiosk list's counter is rebuilt too
        conn.execute(text("UPDATE kiosks SET responses = 0 WHERE office_id = :o"), {"o": DEMO_OFFICE})
    assert f"office {DEMO_OFFICE}: 1 of the running totals differed" in rebuild()
    assert records.list_kiosks(collector_app.engine, DEMO_OFFICE)[0]["responses"] == 3
    assert json.loads(rebuild("--json"))[DEMO_OFFICE]["differed"] is False
    same_totals(collector_app.engine)
    missing = subprocess.run([sys.executable, "-m", "kiosk", "admin", "rebuild-totals", "--db", db, "--office", "x"],
                             capture_output=True, text=True, cwd=REPO, timeout=120)
    assert missing.returncode != 0 and "no office 'x'" in missing.stderr and "Traceback" not in missing.stderr


def test_the_heatmap_counts_by_weekday_and_local_hour_under_the_rule(collector_app):
    from datetime import date

    from kiosk import ikm
    from kiosk.counting import CountingRule

    engine = collector_app.engine
    monday_9 = datetime(2026, 11, 9, 9, 15, tzinfo=MAKASSAR)  # 01:15 UTC: the local hour is the office's
    wires_ = [make_wire(answers={"U1": 4, "U2": 3}, submitted_at=monday_9),
              make_wire(answers={"U1": 2}, submitted_at=monday_9 + timedelta(minutes=30)),
              make_wire(answers={"U1": 1}, submitted_at=monday_9 + timedelta(days=2, hours=5)),
              make_wire(answers={"U1": 1}, submitted_at=monday_9, flags=["fast"]),
              make_wire(answers={"U1": 1}, complete=False, submitted_at=monday_9)]
    collector_app.statuses(wires_)
    strict, lenient = CountingRule(), CountingRule.for_office({"counting": {"count_fast": True}})
    cells = totals.heatmap(engine, DEMO_OFFICE, None, date(2026, 11, 1), date(2026, 11, 30), strict)
    expected_9 = ikm.compute([{"U1": 4, "U2": 3}, {"U1": 2}]).ikm
    assert cells == {(0, 9): (2, float(expected_9)), (2, 14): (1, 1.0)}
    assert totals.heatmap(engine, DEMO_OFFICE, None, None, None, lenient)[(0, 9)][0] == 3
    assert totals.heatmap(engine, DEMO_OFFICE, "kk", None, None, strict) == {}
    assert totals.heatmap(engine, DEMO_OFFICE, None, "2026-11-10", None, strict) == {(2, 14): (1, 1.0)}
    voiding.void(engine, DEMO_OFFICE, [wires_[2]["id"]], reason="test", actor="test")
    assert (2, 14) not in totals.heatmap(engine, DEMO_OFFICE, None, None, None, strict)
    # A new time zone moves the hours with the dates (Makassar +8 -> Jakarta +7).
    office = records.get_office(engine, DEMO_OFFICE)
    records.update_office(engine, DEMO_OFFICE, name=office.name, timezone_name="Asia/Jakarta",
                          settings=office.settings, services_=office.services)
    assert set(totals.heatmap(engine, DEMO_OFFICE, None, None, None, strict)) == {(0, 8)}
    same_totals(engine)


def _migrate_up_to(engine, monkeypatch, last: int) -> None:
    from collector import migrations

    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", [m for m in migrations.MIGRATIONS if m[0] <= last])
        migrations.migrate(engine)


def _old_collector_with_rows(engine, monkeypatch, wires_: list[dict]):
    """The demo office in a collector of migration 9 (before any totals), these answers stored as it stored
    them (no totals beside them); returns the office and the stamp used."""
    from sqlalchemy import insert

    from collector.tables import responses
    from kiosk.config import DEMO_CONFIG

    _migrate_up_to(engine, monkeypatch, 9)
    records.add_office(engine, **records.office_from_config(DEMO_CONFIG))
    office = records.get_office(engine, DEMO_OFFICE)
    now = records.stamp(records.utc_now())
    with writing(engine) as conn:
        for wire in wires_:
            conn.execute(insert(responses).values(ingest._row(wire, ingest.canonical_wire(wire), office, None, now)))
    return office, now


def test_an_upgraded_database_gets_its_totals_from_the_stored_rows(collector_db_url, monkeypatch):
    """A collector from before the totals (schema 9) with responses in it: the next start fills them, no
    rebuild by hand; one unreadable body (an older collector's) is counted as such."""
    from sqlalchemy import insert

    from collector import db, migrations
    from collector.tables import responses

    engine = db.make_engine(collector_db_url)
    try:
        day = datetime(2026, 11, 10, 10, tzinfo=MAKASSAR)
        wires_ = [make_wire(answers={"U1": 1 + i % 4}, submitted_at=day + timedelta(hours=i),
                            flags=["simulated"] if i == 3 else []) for i in range(6)]
        office, now = _old_collector_with_rows(engine, monkeypatch, wires_)
        with writing(engine) as conn:  # and one body an older collector could not read
            bad = ingest._row(make_wire(submitted_at=day), "[1, 2", office, None, now)
            conn.execute(insert(responses).values(bad))
        assert {10, 13} <= set(migrations.migrate(engine))
        kept = same_totals(engine)
        key = (DEMO_OFFICE, "ktp-el", "2026-11-10", "kiosk")
        assert kept[("totals_respondents", key + ("",))] == [5]
        assert kept[("totals_respondents", key + ("simulated",))] == [1]
        assert kept[("totals_respondents", key + ("unreadable",))] == [1]
        assert kept[("totals_hourly", (DEMO_OFFICE, "ktp-el", "2026-11-10", 12, "", ""))] == [1, 0]
    finally:
        engine.dispose()


def test_the_hourly_totals_keep_their_sums_when_the_nine_unsur_become_columns(collector_db_url, monkeypatch):
    """A collector filled before migration 24 (a row per key and unsur in totals_unsur, totals_month_unsur,
    totals_hourly and totals_weekhour): after it every sum is where it was, read back as a row per unsur, an
    hour whose respondents' row was gone gets one, and a code of an office's own questionnaire (K1) keeps a
    row of its own, then and for new rows."""
    from sqlalchemy import insert

    from collector import db, migrations
    from collector.tables import responses

    engine = db.make_engine(collector_db_url)
    wide = ("totals_unsur", "totals_month_unsur", "totals_hourly", "totals_weekhour")
    try:
        day = datetime(2026, 11, 9, 8, tzinfo=MAKASSAR)
        wires_ = [make_wire(service_id=("ktp-el", "kk")[i % 2], submitted_at=day + timedelta(days=i % 9, hours=i % 7),
                            answers={f"U{1 + (i + j) % 9}": 1 + (i * j) % 4 for j in range(i % 9 + 1)}
                            | ({"K1": 1 + i % 4} if i % 4 == 0 else {}),
                            flags=["simulated"] if i % 5 == 0 else []) for i in range(40)]
        office, now = _old_collector_with_rows(engine, monkeypatch, wires_)
        _migrate_up_to(engine, monkeypatch, 23)
        with writing(engine) as conn:  # an hour with answers but no respondents' row left (n 0 and deleted)
            gone = conn.execute(text("SELECT office_id, service_id, local_date, local_hour, \"class\" FROM totals_hourly "
                                     "WHERE unsur = '' AND n = 1 ORDER BY local_date, local_hour LIMIT 1")).one()
            conn.execute(text("DELETE FROM totals_hourly WHERE office_id = :o AND service_id = :s AND local_date = :d "
                              "AND local_hour = :h AND \"class\" = :c AND unsur = ''"),
                         dict(zip("osdhc", gone)))
            before = {(table, tuple(row[:-2])): [int(v) for v in row[-2:]] for table, keys, values in totals._KINDS
                      if table in wide for row in conn.execute(text(
                          "SELECT " + ", ".join(f'"{c}"' for c in keys) + f", {values[0]}, score_sum FROM {table}"))
                      if any(row[-2:])}
        assert any(key[-1] == "K1" or key[-2] == "K1" for _, key in before)
        assert migrations.migrate(engine)[:1] == [24]
        with reading(engine) as conn:
            after = totals.stored(conn, DEMO_OFFICE, None)
            got_row = conn.execute(text("SELECT n, u1_answered + u2_answered + u3_answered FROM totals_hourly WHERE "
                                        "office_id = :o AND service_id = :s AND local_date = :d AND local_hour = :h AND "
                                        "\"class\" = :c AND unsur = ''"), dict(zip("osdhc", gone))).one()
            customs = conn.execute(text("SELECT COUNT(*) FROM totals_hourly WHERE unsur = 'K1'")).scalar_one()
        assert {k: v for k, v in after.items() if k[0] in wide} == before
        assert got_row[0] == 0 and got_row[1] > 0 and customs > 0
        assert totals.rebuild(engine, [DEMO_OFFICE])[DEMO_OFFICE]["totals_differing"] == 1  # the deleted respondents
        same_totals(engine)
        extra = make_wire(answers={"U2": 3, "K1": 4}, submitted_at=day)
        with writing(engine) as conn:  # a new row of the office's own code, counted by the wide totals
            conn.execute(insert(responses).values(ingest._row(extra, ingest.canonical_wire(extra), office, None, now)))
            totals.add_rows(conn, [(DEMO_OFFICE, "ktp-el", "2026-11-09", "kiosk", True, extra, None, False,
                                    extra["submitted_at"])])
        same_totals(engine)
    finally:
        engine.dispose()


def test_the_profile_counts_keep_their_sums_when_the_options_become_columns(collector_db_url, monkeypatch):
    """A collector filled before migration 25 (a row per key, profile field and value in totals_profile and
    totals_month_profile): after it every count is where it was, read back as a row per option, a day whose
    respondents' row was gone gets one, and a value that is no option of its field (and a number) keeps a row
    of its own, then and for new rows."""
    from sqlalchemy import insert

    from collector import db, migrations
    from collector.tables import responses

    engine = db.make_engine(collector_db_url)
    narrow = ("totals_respondents", "totals_profile", "totals_month_respondents", "totals_month_profile")
    genders, ages = ["m", "f", None, "x", 1], ["<20", "65+", "", None]
    try:
        day = datetime(2026, 11, 9, 8, tzinfo=MAKASSAR)
        wires_ = [make_wire(service_id=("ktp-el", "kk")[i % 2], submitted_at=day + timedelta(days=i % 9, hours=i % 7),
                            answers={"U1": 1 + i % 4}, profile={"gender": genders[i % 5], "age_group": ages[i % 4],
                                                               "occupation": "pns"} if i % 6 else {},
                            flags=["simulated"] if i % 5 == 0 else []) for i in range(40)]
        office, now = _old_collector_with_rows(engine, monkeypatch, wires_)
        _migrate_up_to(engine, monkeypatch, 24)
        with writing(engine) as conn:  # a day with a profile but no respondents' row left
            gone = conn.execute(text('SELECT office_id, service_id, local_date, channel, "class" FROM totals_respondents '
                                     "ORDER BY local_date LIMIT 1")).one()
            conn.execute(text('DELETE FROM totals_respondents WHERE office_id = :o AND service_id = :s AND '
                              'local_date = :d AND channel = :c AND "class" = :k'), dict(zip("osdck", gone)))
            before = {(table, tuple(row[:-1])): [int(row[-1])] for table, keys, _ in totals._KINDS
                      if table in narrow for row in conn.execute(text(
                          "SELECT " + ", ".join(f'"{c}"' for c in keys) + f", n FROM {table}")) if row[-1]}
        assert {key[-2:] for table, key in before if table == "totals_profile"} >= {
            ("gender", "x"), ("gender", "1"), ("gender", "-"), ("age_group", "<20"), ("occupation", "pns")}
        assert migrations.migrate(engine)[0] == 25  # then any later migration
        with reading(engine) as conn:
            after = totals.stored(conn, DEMO_OFFICE, None)
            got_row = conn.execute(text('SELECT n, gender_m + gender_f + gender_unanswered FROM totals_respondents '
                                        'WHERE office_id = :o AND service_id = :s AND local_date = :d AND channel = :c '
                                        'AND "class" = :k'), dict(zip("osdck", gone))).one()
            kept = set(conn.execute(text("SELECT DISTINCT field, value FROM totals_profile")).all())
        assert {k: v for k, v in after.items() if k[0] in narrow} == before
        assert got_row[0] == 0 and got_row[1] > 0 and kept == {("gender", "x"), ("gender", "1")}
        assert totals.rebuild(engine, [DEMO_OFFICE])[DEMO_OFFICE]["totals_differing"] == 1  # the deleted respondents
        same_totals(engine)
        extra = make_wire(answers={"U2": 3}, submitted_at=day, profile={"gender": "x", "education": "s2+"})
        with writing(engine) as conn:  # a new row with a value of no option and one of an option
            conn.execute(insert(responses).values(ingest._row(extra, ingest.canonical_wire(extra), office, None, now)))
            totals.add_rows(conn, [(DEMO_OFFICE, "ktp-el", "2026-11-09", "kiosk", True, extra, None, False,
                                    extra["submitted_at"])])
        assert same_totals(engine)[("totals_profile", (DEMO_OFFICE, "ktp-el", "2026-11-09", "kiosk", "", "education",
                                                       "s2+"))] == [1]
    finally:
        engine.dispose()


def test_the_local_hour_of_a_stored_time_is_its_own_conversion_in_any_zone():
    """totals._hour looks the hour up once per UTC hour where it can: it must give what converting each
    stored time gives, also in half-hour zones, across a change of offset and for times stored otherwise."""
    from zoneinfo import ZoneInfo

    from collector.records import stamp

    start = datetime(2026, 3, 28, 20, 0, 1, tzinfo=timezone.utc)  # Europe/Berlin goes to summer time at 01:00 UTC
    moments = [start + timedelta(minutes=17 * i, seconds=i) for i in range(200)]
    for name in ("Asia/Makassar", "Asia/Kolkata", "Asia/Kathmandu", "Europe/Berlin", "America/St_Johns"):
        zone = ZoneInfo(name)
        for moment in moments:
            for text_ in (stamp(moment), moment.astimezone(MAKASSAR).isoformat()):
                assert totals._hour(text_, zone) == datetime.fromisoformat(text_).astimezone(zone).hour, (name, text_)
