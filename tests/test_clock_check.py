"""A kiosk clock that cannot be believed is reported, and the responses made meanwhile say so to the collector."""
from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import requests

from fixtures_sync import run_kiosk
from kiosk import clockcheck
from kiosk.config import DEMO_PIN
from kiosk.flow import SurveyFlow
from kiosk.flow_clock import ManualClock
from kiosk.response import validate_wire
from kiosk.store import Queue, Status
from sync.uploader import Uploader
from test_ui_staff import answer_all_questions, corner, enter_pin

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=timezone.utc).timestamp()


def test_the_verdicts():
    assert not clockcheck.check(NOW, None, None).suspect
    assert not clockcheck.check(NOW, 42.0, NOW).suspect
    assert clockcheck.check(NOW, -3600.0, NOW).reason == clockcheck.OFF_FROM_COLLECTOR
    battery_flat = datetime(2000, 1, 1, tzinfo=timezone.utc).timestamp()
    assert clockcheck.check(battery_flat, None, None).reason == clockcheck.BEFORE_BUILD
    assert clockcheck.check(NOW, None, None).response_extra() == {}
    assert clockcheck.check(NOW, 7200.4, NOW).response_extra() == {
        "device_clock_suspect": True, "device_clock_reason": "off_from_collector", "device_clock_offset_s": 7200}


def test_a_sync_measures_the_collector_s_clock_and_status_reports_it(tmp_path, collector_server, make_responses):
    server = collector_server()
    data = tmp_path / "data"
    queue = Queue(data / "queue.db")
    try:
        queue.enqueue_many(make_responses(3, seed=21))
        assert Uploader(requests.Session(), server.url, server.kiosk_token()).drain(queue, 10).ok
        offset = queue.sync_value("collector_offset_s")
        assert isinstance(offset, (int, float)) and abs(offset) < 5, "same machine: the clocks agree"
        assert abs(queue.sync_value("clock_checked_at") - time.time()) < 60
        # The same kiosk, its clock two hours behind at the last sync.
        queue.record_sync(success=True, collector_offset_s=7200.0, clock_checked_at=time.time())
    finally:
        queue.close()
    report = json.loads(run_kiosk("status", "--json", data_dir=data).stdout)
    assert report["clock"]["suspect"] is True and report["clock"]["reason"] == "off_from_collector"
    assert report["clock"]["offset_s"] == 7200.0
    plain = run_kiosk("status", data_dir=data).stdout
    assert "clock         WRONG (off_from_collector, +7200 s from the collector)" in plain


def test_a_response_made_on_a_reset_clock_is_flagged_and_the_collector_accepts_it(tmp_path, collector_server,
                                                                                  demo_config):
    server = collector_server()
    reset = ManualClock(wall_start=datetime(2000, 1, 1, 8, 0, tzinfo=timezone(timedelta(hours=8))))
    flow = SurveyFlow(demo_config, clock=reset, wall=reset.wall,
                      extra=lambda: clockcheck.check(reset.wall().timestamp(), None, None).response_extra())
    flow.start()
    reset.advance(1)
    flow.choose_service("kk") if flow.asks_service else None
    for _ in flow.questions:
        reset.advance(2)
        flow.answer(3)
    reset.advance(2)
    flow.finish_profile(skip=True)
    reset.advance(2)
    flow.finish_comment(skip=True)
    response = flow.pending_response
    assert response.extra == {"device_clock_suspect": True, "device_clock_reason": "before_build"}
    assert validate_wire(response.to_wire()) == []
    queue = Queue(tmp_path / "queue.db")
    try:
        queue.enqueue(response)
        result = Uploader(requests.Session(), server.url, server.kiosk_token()).drain(queue, 10)
        assert result.ok and result.sent == 1 and queue.get(response.id).status is Status.SENT
    finally:
        queue.close()
    assert server.stored_ids() == [response.id]


def test_staff_see_the_clock_warning_and_responses_carry_the_offset(launch_kiosk, data_dir):
    queue = Queue(data_dir / "queue.db")
    queue.record_sync(success=True, collector_offset_s=-5400.0, clock_checked_at=time.time())
    queue.close()
    kiosk = launch_kiosk()
    kiosk.finger.pump(3)
    kiosk.finger.wait_for(lambda: kiosk.app._clock_measured[0] == -5400.0, what="the measured offset")
    kiosk.tap("welcome", "start")
    kiosk.expect("service")
    kiosk.finger.tap(next(t for t in kiosk.widget("service", "tiles").children if t.key == "kk"))
    answer_all_questions(kiosk)
    kiosk.tap("profile", "skip")
    kiosk.tap("comment", "skip")
    kiosk.expect("thanks")
    [saved] = [q.response for q in kiosk.queue.all_by_status(Status.PENDING)]
    assert saved.extra == {"device_clock_suspect": True, "device_clock_reason": "off_from_collector",
                           "device_clock_offset_s": -5400}
    kiosk.clock.advance(10)
    kiosk.expect("welcome")
    kiosk.finger.tap(corner(kiosk), hold_s=2.5)
    kiosk.expect("pin")
    enter_pin(kiosk, DEMO_PIN)
    kiosk.expect("staff")
    shown = kiosk.widget("staff", "clock")
    kiosk.finger.wait_for(lambda: "90" in shown.text, what="the clock warning")
    assert shown.text == "Jam kiosk selisih 90 menit dari jam server: atur tanggal dan jam."
