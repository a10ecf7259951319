"""The kiosk's heartbeat: built from the real queue, sent every few minutes and after each sync, taken by the real collector."""
from __future__ import annotations

from datetime import datetime, timezone

import requests

from kiosk.store import Queue
from sync import heartbeat
from sync.token import write_token
from sync.worker import SyncWorker


def test_built_from_the_queue(tmp_path, make_responses):
    now = [1_800_000_000.0]
    queue = Queue(tmp_path / "q.db", clock=lambda: now[0])
    try:
        first, second = make_responses(2)
        queue.enqueue(first)
        now[0] += 100
        queue.enqueue(second)
        queue.mark_sent([second.id])
        queue.record_sync(success=False, error="timeout: timed out waiting for the collector")
        now[0] += 20
        beat = heartbeat.build(queue, tmp_path, now=lambda: datetime(2026, 11, 29, 9, tzinfo=timezone.utc),
                               uptime=lambda: 12.34, battery=lambda: None)
    finally:
        queue.close()
    assert (beat.pending, beat.sent, beat.rejected, beat.oldest_pending_age_s) == (1, 1, 0, 120.0)
    assert beat.last_error_code == "timeout" and beat.uptime_s == 12.3 and beat.battery_percent is None
    assert datetime.fromisoformat(beat.device_time) == datetime(2026, 11, 29, 9, tzinfo=timezone.utc)
    assert beat.storage_free_bytes > 0 and beat.app_version


def test_what_the_kiosk_sends_is_what_the_collector_reads():
    """One field list (sync/wire.py) for the sender's dataclass and the collector's model."""
    from dataclasses import fields

    from collector.heartbeat import HeartbeatBody
    from sync.wire import HEARTBEAT_FIELDS

    assert tuple(f.name for f in fields(heartbeat.Heartbeat)) == HEARTBEAT_FIELDS
    assert tuple(HeartbeatBody.model_fields) == HEARTBEAT_FIELDS


def test_a_queue_that_cannot_save_says_why(tmp_path, make_responses):
    from kiosk.storage import CannotWriteNow, Problem

    queue = Queue(tmp_path / "q.db")
    try:
        queue.enqueue(make_responses(1)[0])
        assert heartbeat.build(queue, tmp_path).storage_problem is None
        queue.write_problem = CannotWriteNow(Problem.DISK_FULL, queue.path)  # as a failed write leaves it
        beat = heartbeat.build(queue, tmp_path)
    finally:
        queue.close()
    assert beat.storage_problem == "disk_full" and beat.pending == 1


def test_battery_where_linux_tells_it(tmp_path):
    root = tmp_path / "power_supply"
    (root / "AC").mkdir(parents=True)
    (root / "AC" / "type").write_text("Mains\n")
    assert heartbeat.battery_percent(root) is None
    (root / "BAT0").mkdir()
    (root / "BAT0" / "type").write_text("Battery\n")
    (root / "BAT0" / "capacity").write_text("57\n")
    assert heartbeat.battery_percent(root) == 57.0
    assert heartbeat.battery_percent(tmp_path / "absent") is None


def test_sent_every_few_minutes_and_after_each_sync(data_dir, demo_config, make_responses, fake_collector):
    clock = [1000.0]
    config = demo_config.with_sync(url="https://collector.example.id", token_file="token", interval_s=3600)
    write_token(data_dir / "token", "good-token")
    queue = Queue(data_dir / "queue.db")
    try:
        worker = SyncWorker(queue, config, data_dir, session=fake_collector, clock=lambda: clock[0])
        worker.send_heartbeat(queue, fake_collector)
        assert len(fake_collector.heartbeats) == 1
        worker.send_heartbeat(queue, fake_collector)
        assert len(fake_collector.heartbeats) == 1  # nothing new, not yet due
        queue.enqueue_many(make_responses(3))
        worker.run_cycle(queue, fake_collector)
        worker.send_heartbeat(queue, fake_collector)
        assert len(fake_collector.heartbeats) == 2  # after the sync
        assert fake_collector.heartbeats[-1]["pending"] == 0 and fake_collector.heartbeats[-1]["sent"] == 3
        clock[0] += heartbeat.HEARTBEAT_EVERY_S
        worker.send_heartbeat(queue, fake_collector)
        assert len(fake_collector.heartbeats) == 3  # due again
    finally:
        queue.close()


def test_the_running_worker_reaches_the_real_collector(collector_server, data_dir, demo_config, make_responses):
    from collector import heartbeat as stored

    server = collector_server()
    kiosk_id, token = server.new_kiosk()
    config = demo_config.with_sync(url=server.url, token_file="token", interval_s=3600)
    write_token(data_dir / "token", token)
    queue = Queue(data_dir / "queue.db")
    session = requests.Session()
    worker = SyncWorker(queue, config, data_dir, session=session)
    try:
        queue.enqueue_many(make_responses(2))
        worker.start()
        deadline = datetime.now().timestamp() + 20
        while datetime.now().timestamp() < deadline and kiosk_id not in stored.latest(server.engine):
            worker.wake()
            import time

            time.sleep(0.1)
        latest = stored.latest(server.engine)[kiosk_id]
    finally:
        worker.stop()
        session.close()
        queue.close()
    assert latest.pending == 0 and latest.sent == 2 and latest.last_error_code is None
    assert abs(latest.clock_offset_s) < 5
