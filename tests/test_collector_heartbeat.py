"""POST /api/v1/heartbeat: stored as the kiosk's latest and in a short history; implausible bodies are refused."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from collector import heartbeat
from fixtures_collector import CollectorApp

T0 = datetime(2026, 11, 29, 9, 0, tzinfo=timezone.utc)


def body(**changes) -> dict:
    made = {"app_version": "0.1.0", "pending": 3, "sent": 120, "rejected": 1, "oldest_pending_age_s": 42.5,
            "last_error_code": "timeout", "device_time": "2026-11-29T17:00:30+08:00", "uptime_s": 3600.0,
            "storage_free_bytes": 5_000_000_000, "battery_percent": 81.0}
    made.update(changes)
    return made


@pytest.fixture
def collector(collector_db_url):
    now = [T0]
    app = CollectorApp(collector_db_url, clock=lambda: now[0])
    app.now = now
    yield app
    app.close()


def post(collector, payload, token=None, **kwargs):
    return collector.client.post("/api/v1/heartbeat", json=payload, headers=collector.auth(token), **kwargs)


def test_latest_and_history_are_kept_per_kiosk(collector):
    answer = post(collector, body())
    assert answer.status_code == 200, answer.text
    assert answer.json()["clock_offset_s"] == pytest.approx(30.0)
    collector.now[0] = T0 + timedelta(minutes=5)
    assert post(collector, body(pending=0, oldest_pending_age_s=None, last_error_code=None,
                                device_time="2026-11-29T09:05:00Z", battery_percent=None)).status_code == 200
    latest = heartbeat.latest(collector.engine)
    assert list(latest) == [collector.kiosk_id]
    now = latest[collector.kiosk_id]
    assert (now.pending, now.sent, now.oldest_pending_age_s, now.last_error_code, now.battery_percent) == (
        0, 120, None, None, None)
    assert now.clock_offset_s == 0 and now.storage_free_bytes == 5_000_000_000
    assert [h.pending for h in heartbeat.history(collector.engine, collector.kiosk_id)] == [3, 0]


def test_why_a_kiosk_cannot_save_is_kept_and_shown(collector):
    assert post(collector, body(storage_problem="disk_full")).status_code == 200
    assert heartbeat.latest(collector.engine)[collector.kiosk_id].storage_problem == "disk_full"
    assert post(collector, body(storage_problem="Disk Full!")).status_code == 400
    assert post(collector, body()).status_code == 200   # an older kiosk says nothing: None
    assert heartbeat.latest(collector.engine)[collector.kiosk_id].storage_problem is None


def test_history_keeps_48_hours(collector):
    assert post(collector, body()).status_code == 200
    collector.now[0] = T0 + timedelta(hours=49)
    assert post(collector, body(device_time=(T0 + timedelta(hours=49)).isoformat())).status_code == 200
    assert [h.received_at for h in heartbeat.history(collector.engine, collector.kiosk_id)] == [collector.now[0]]


def test_the_kiosk_is_the_tokens_not_the_bodys(collector):
    from collector import records

    other_id, other_token = records.add_kiosk(collector.engine, "dukcapil-butur")
    assert post(collector, body(kiosk_id=collector.kiosk_id, pending=9), token=other_token).status_code == 200
    latest = heartbeat.latest(collector.engine)
    assert list(latest) == [other_id] and latest[other_id].pending == 9


def test_a_token_is_required(collector):
    assert collector.client.post("/api/v1/heartbeat", json=body()).status_code == 401
    assert post(collector, body(), token="not-a-token").status_code == 401


@pytest.mark.parametrize("change, where", [
    ({"pending": -1}, "pending"),
    ({"pending": 10 ** 12}, "pending"),
    ({"sent": "many"}, "sent"),
    ({"oldest_pending_age_s": 1e300}, "oldest_pending_age_s"),
    ({"uptime_s": -5}, "uptime_s"),
    ({"battery_percent": 250}, "battery_percent"),
    ({"storage_free_bytes": 10 ** 30}, "storage_free_bytes"),
    ({"device_time": "2026-11-29T09:00:00"}, "device_time"),
    ({"device_time": "1970-01-01T00:00:00Z"}, "device_time"),
    ({"device_time": "yesterday"}, "device_time"),
    ({"app_version": "x" * 200}, "app_version"),
    ({"app_version": "<script>"}, "app_version"),
    ({"last_error_code": "DROP TABLE"}, "last_error_code"),
    ({"app_version": None}, "app_version"),
])
def test_implausible_values_are_refused_with_400(collector, change, where):
    answer = post(collector, body(**change))
    assert answer.status_code == 400, answer.text
    assert answer.json()["detail"].startswith(where)
    assert heartbeat.latest(collector.engine) == {}


@pytest.mark.parametrize("raw", [b"", b"[]", b"{", b'{"pending": NaN}', "\u00ff".encode("latin-1"), b"null"])
def test_malformed_bodies_are_400_never_500(collector, raw):
    answer = collector.client.post("/api/v1/heartbeat", content=raw,
                                   headers={**collector.auth(), "Content-Type": "application/json"})
    assert answer.status_code == 400, answer.text


def test_a_big_body_is_413(collector):
    answer = collector.client.post("/api/v1/heartbeat", content=json.dumps(body(padding="x" * 10_000)),
                                   headers={**collector.auth(), "Content-Type": "application/json"})
    assert answer.status_code == 413


def test_the_api_description_lists_it(collector):
    spec = collector.client.get("/openapi.json").json()
    assert "post" in spec["paths"]["/api/v1/heartbeat"]
