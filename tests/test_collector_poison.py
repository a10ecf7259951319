"""One crafted response must never poison the collector: bounded input, clean connections, honest health.

The regression of issue 7, end to end against the real `kiosk serve` on SQLite and PostgreSQL.
"""
from __future__ import annotations

import json
import re

import pytest
import requests

from fixtures_collector import make_wire


def nested(depth: int) -> str:
    """`extra` nested `depth` objects deep, as JSON text (json.dumps itself cannot write it)."""
    return '{"a":' * depth + "1" + "}" * depth


def post_raw(server, token: str, items_json: list[str]) -> requests.Response:
    body = '{"responses":[' + ",".join(items_json) + "]}"
    return requests.post(server.url + "/api/v1/responses", data=body.encode(), timeout=30,
                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})


def with_extra(extra_json: str) -> str:
    return json.dumps(make_wire()).replace('"extra": {}', '"extra": ' + extra_json)


def answer_web_survey(server) -> int:
    """A citizen answers the web survey of a QR link: the HTTP status of sending the form."""
    from collector import links

    link = links.make_link(server.engine, "dukcapil-butur", "ktp-el").token
    with requests.Session() as phone:
        page = phone.get(f"{server.url}/s/{link}", timeout=10).text
        form = dict(re.findall(r'name="(rid|started|form_token)" value="([^"]+)"', page))
        form |= {f"U{i}": "3" for i in range(1, 10)}
        return phone.post(f"{server.url}/s/{link}", data=form, headers={"Origin": server.url}, timeout=10).status_code


def test_deeply_nested_extra_is_rejected_and_nothing_is_poisoned(collector_server, collector_db_url):
    server = collector_server(collector_db_url)
    token = server.kiosk_token()
    admin = server.add_admin()
    good = make_wire()
    answer = post_raw(server, token, [with_extra(nested(985)), with_extra(nested(1000)), json.dumps(good)])
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected", "accepted"]
    assert all("extra" in r["reason"] and "deep" in r["reason"] for r in results[:2])
    # Deeper than any JSON parser goes: the batch as a whole is malformed, still no 500.
    assert post_raw(server, token, [with_extra(nested(5000))]).status_code == 400

    for _ in range(3):  # reports keep answering, on every pooled connection in turn
        report = requests.get(server.url + "/api/v1/reports/ikm", params={"office": "dukcapil-butur"},
                              auth=admin, timeout=30)
        assert report.status_code == 200 and report.json()["respondents"] == 1
    assert requests.get(server.url + "/api/v1/health", timeout=10).json() == {"status": "ok"}
    after = post_raw(server, token, [json.dumps(make_wire()) for _ in range(5)])
    assert [r["status"] for r in after.json()["results"]] == ["accepted"] * 5
    enrolled = requests.post(server.url + "/api/v1/enroll", json={"code": server.enroll_code()}, timeout=10)
    assert enrolled.status_code == 200
    assert answer_web_survey(server) == 200
    assert server.stored_count() == 7


def test_non_finite_numbers_are_refused(collector_server):
    server = collector_server()
    token = server.kiosk_token()
    answer = post_raw(server, token, [with_extra('{"x": 1e400}'), with_extra('{"x": -1e999}'),
                                      with_extra('{"x": 1.5}')])
    assert [r["status"] for r in answer.json()["results"]] == ["rejected", "rejected", "accepted"]
    assert "finite" in answer.json()["results"][0]["reason"]
    assert post_raw(server, token, [with_extra('{"x": NaN}')]).status_code == 400


def store_as_an_older_collector_did(server, body: str) -> None:
    """A row written straight into the database, as collectors before the limits stored deep `extra`; the
    running totals take it in as the upgrade that brought them did (a rebuild from the stored rows)."""
    from sqlalchemy import text

    from collector import totals

    wire = make_wire()
    with server.engine.begin() as conn:
        conn.execute(text("INSERT INTO responses (id, office_id, service_id, kiosk_id, channel, submitted_at, "
                          "local_date, complete, body, received_at) VALUES (:id, :office, 'ktp-el', NULL, 'kiosk', "
                          "'2026-11-28T01:30:00.000000+00:00', '2026-11-28', :complete, :body, "
                          "'2026-11-28T01:31:00.000000+00:00')"),
                     {"id": wire["id"], "office": wire["office_id"], "complete": True,
                      "body": body.replace("__ID__", wire["id"])})
    totals.rebuild(server.engine, [wire["office_id"]])


def open_transactions(server) -> int:
    """Connections of the collector that still hold a transaction (a read snapshot) open.

    SQLite: a full checkpoint cannot finish while a reader is on an old snapshot (call after a write).
    PostgreSQL: sessions idle in a transaction.
    """
    if server.db_url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(server.db_url.removeprefix("sqlite:///"), timeout=1, isolation_level=None) as con:
            busy, _, _ = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return busy
    from sqlalchemy import text

    with server.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                 "AND state LIKE 'idle in transaction%'")).scalar_one()


def test_a_failing_request_leaves_uploads_enrolment_and_web_answers_working(collector_server, collector_db_url):
    server = collector_server(collector_db_url)
    token = server.kiosk_token()
    admin = server.add_admin()
    post_raw(server, token, [json.dumps(make_wire()) for _ in range(300)])
    # A body not even orjson reads (too deep), as no collector stores now: the report must still answer.
    store_as_an_older_collector_did(server, json.dumps(make_wire()).replace('"extra": {}', '"extra": ' + nested(985)))
    store_as_an_older_collector_did(server, json.dumps(make_wire()).replace('"extra": {}', '"extra": ' + nested(1100)))
    for _ in range(4):
        report = requests.get(server.url + "/api/v1/reports/ikm", params={"office": "dukcapil-butur"},
                              auth=admin, timeout=30)
        assert report.status_code == 200 and report.json()["respondents"] == 301
    for _ in range(12):  # requests that fail, more of them than the pool keeps connections
        failed = requests.get(server.url + "/api/v1/reports/ikm", timeout=30,
                              params={"office": "dukcapil-butur", "from": "2026-13-01"}, auth=admin)
        assert failed.status_code == 400
        failed = requests.post(server.url + "/api/v1/responses", data=b'{"responses": [', timeout=30,
                               headers={"Authorization": f"Bearer {token}"})
        assert failed.status_code == 400
    assert requests.get(server.url + "/api/v1/health", timeout=10).json() == {"status": "ok"}
    for _ in range(10):
        after = post_raw(server, token, [json.dumps(make_wire()) for _ in range(5)])
        assert after.status_code == 200, after.text
        assert [r["status"] for r in after.json()["results"]] == ["accepted"] * 5
    enrolled = requests.post(server.url + "/api/v1/enroll", json={"code": server.enroll_code()}, timeout=10)
    assert enrolled.status_code == 200, enrolled.text
    assert answer_web_survey(server) == 200
    assert open_transactions(server) == 0


def test_connections_come_back_to_the_pool_without_a_transaction(collector_db_url):
    from sqlalchemy import text

    from collector import db, migrations

    engine = db.make_engine(collector_db_url)
    migrations.migrate(engine)
    with db.writing(engine) as conn:
        for n in range(200):
            conn.execute(text("INSERT INTO settings (key, value) VALUES (:k, 'v')"), {"k": f"k{n}"})
    for attempt in range(30):  # every way a request can fail half-way through reading or writing
        with pytest.raises(RuntimeError):
            with (db.reading(engine) if attempt % 2 else db.writing(engine)) as conn:
                rows = conn.execute(text("SELECT key FROM settings"))
                rows.fetchone()
                raise RuntimeError("the request fails with the cursor still open")
    held = [engine.connect() for _ in range(8)]
    try:
        assert not any(db.in_transaction(c.connection.dbapi_connection) for c in held)
    finally:
        for conn in held:
            conn.close()
    with db.writing(engine) as conn:
        conn.execute(text("UPDATE settings SET value = 'w'"))
    engine.dispose()


def test_health_says_when_the_database_cannot_be_written(collector_server):
    import sqlite3

    server = collector_server()
    assert requests.get(server.url + "/api/v1/health", timeout=10).status_code == 200
    holder = sqlite3.connect(server.db_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process keeps the write lock
    try:
        stuck = requests.get(server.url + "/api/v1/health", timeout=30)
        assert stuck.status_code == 503 and "cannot be written" in stuck.json()["detail"]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert requests.get(server.url + "/api/v1/health", timeout=10).json() == {"status": "ok"}


def test_health_says_when_postgresql_takes_reads_only(postgres_database):
    from fastapi.testclient import TestClient
    from sqlalchemy import text

    from collector.app import create_app

    url = postgres_database()
    app = create_app(url)
    with TestClient(app) as client:
        assert client.get("/api/v1/health").status_code == 200
        name = url.rsplit("/", 1)[1]
        with app.state.engine.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
            conn.commit()
        app.state.engine.dispose()  # new sessions take the new default
        answer = client.get("/api/v1/health")
        assert answer.status_code == 503 and "cannot be written" in answer.json()["detail"]
    app.state.engine.dispose()
