"""Bad networks between the uploader and the real collector: every response arrives exactly once.

A fault-injecting proxy on loopback (tests/faultproxy.py) sits between the uploader and
`kiosk serve`; each test ends with the collector holding every response exactly once and
the kiosk's queue showing nothing pending.
"""
from __future__ import annotations

import json
import time

import pytest
import requests

from faultproxy import FaultProxy
from fixtures_sync import sync_until_empty
from sync.backoff import Backoff
from sync.token import write_token
from sync.uploader import Uploader
from sync.worker import SyncWorker

CONNECT_TIMEOUT, READ_TIMEOUT = 1.0, 0.6


@pytest.fixture
def collector(collector_server):
    return collector_server()


@pytest.fixture
def any_collector(collector_server, collector_db_url):
    """The collector on SQLite and on PostgreSQL (collector_db_url is parametrised over both)."""
    return collector_server(collector_db_url)


def through_proxy(server):
    proxy = FaultProxy(server.port)
    proxy.slow_s = READ_TIMEOUT + 1.0
    return proxy


@pytest.fixture
def proxy(collector):
    proxy = FaultProxy(collector.port)
    proxy.slow_s = READ_TIMEOUT + 1.0
    yield proxy
    proxy.close()


@pytest.fixture
def uploader(collector, proxy):
    session = requests.Session()
    yield Uploader(session, proxy.url, collector.kiosk_token(), timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
    session.close()


@pytest.fixture
def backlog(queue, make_responses):
    made = make_responses(12, seed=11)
    for r in made:
        queue.enqueue(r)
    return made


def assert_exactly_once(collector, queue, backlog):
    stored = collector.stored_ids()
    assert len(stored) == len(backlog) == collector.stored_count()
    assert set(stored) == {r.id for r in backlog}
    assert queue.count_by_status() == {"pending": 0, "sent": len(backlog), "rejected": 0}


@pytest.mark.parametrize("fault, code, server_saw_it", [
    ("drop_before", "network", False),
    ("drop_after", "network", True),
    ("503", "server", False),
    ("captive", "captive_portal", False),
    ("slow", "timeout", True),
    ("truncated", "bad_response", True),
])
def test_one_fault_then_exactly_once(collector, proxy, uploader, queue, backlog, fault, code, server_saw_it):
    proxy.faults.append(fault)
    failures = sync_until_empty(queue, uploader, batch_size=5)
    assert proxy.applied == [fault]
    assert [f.error_code for f in failures] == [code]
    # Three batches of 5, 5 and 2 get through; the faulted one reached the collector or it did not.
    # When it did, the collector stored it although the kiosk never heard so: the re-send comes back duplicate.
    assert proxy.forwarded == 3 + server_saw_it
    assert_exactly_once(collector, queue, backlog)


def test_every_fault_in_a_row_then_exactly_once(any_collector, queue, backlog):
    faults = ["drop_after", "truncated", "captive", "slow", "drop_before", "503", "drop_after", "truncated"]
    proxy = through_proxy(any_collector)
    session = requests.Session()
    try:
        uploader = Uploader(session, proxy.url, any_collector.kiosk_token(), timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
        proxy.faults.extend(faults)
        failures = sync_until_empty(queue, uploader, batch_size=5)
    finally:
        session.close()
        proxy.close()
    assert proxy.applied == faults and 1 <= len(failures) <= len(faults)
    assert_exactly_once(any_collector, queue, backlog)


def test_collector_killed_mid_batch_and_restarted(any_collector, queue, make_responses):
    collector = any_collector
    backlog = make_responses(600, seed=12)
    queue.enqueue_many(backlog)
    proxy = through_proxy(collector)
    proxy.on_kill = collector.kill
    proxy.faults.append("kill")
    session = requests.Session()

    def restart_when_down(_failure):
        if not collector.running:
            time.sleep(0.2)  # a few attempts meet a dead server first
            collector.start()

    try:
        uploader = Uploader(session, proxy.url, collector.kiosk_token(), timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
        failures = sync_until_empty(queue, uploader, batch_size=300, on_failure=restart_when_down)
    finally:
        session.close()
        proxy.close()
    assert proxy.applied == ["kill"] and failures
    assert_exactly_once(collector, queue, backlog)


def test_the_worker_rides_out_faults_on_its_own(collector, proxy, queue, backlog, demo_config, data_dir):
    write_token(data_dir / "token", collector.kiosk_token())
    config = demo_config.with_sync(url=proxy.url, batch_size=4, interval_s=3600)
    proxy.faults.extend(["drop_after", "503", "captive", "truncated"])
    worker = SyncWorker(queue, config, data_dir, backoff=Backoff(base_s=0.02, cap_s=0.1),
                        timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
    worker.start()
    try:
        deadline = time.monotonic() + 30
        while worker.status().pending and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
    assert proxy.applied == ["drop_after", "503", "captive", "truncated"]
    assert worker.status().last_error is None
    assert_exactly_once(collector, queue, backlog)


def test_ctrl_c_stops_kiosk_sync_at_once_on_a_stalled_network(collector, proxy, data_dir):
    import signal
    import subprocess
    import sys

    from fixtures_sync import REPO, run_kiosk

    collector.add_demo_office()
    assert run_kiosk("enroll", proxy.url, collector.enroll_code(), data_dir=data_dir).returncode == 0
    assert run_kiosk("simulate", "--count", "5", data_dir=data_dir).returncode == 0
    proxy.slow_s = 30.0
    proxy.faults.append("slow")
    before = proxy.forwarded  # the enrolment went through the proxy too
    syncing = subprocess.Popen([sys.executable, "-m", "kiosk", "sync", "--data-dir", str(data_dir)], cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while proxy.forwarded == before and time.monotonic() < deadline:  # the upload is under way, then stalls
            time.sleep(0.05)
        time.sleep(0.3)
        syncing.send_signal(signal.SIGINT)
        started = time.monotonic()
        _, err = syncing.communicate(timeout=10)
        stopped_in = time.monotonic() - started
    finally:
        if syncing.poll() is None:
            syncing.kill()
            syncing.wait()
    assert syncing.returncode == 130 and "interrupted" in err and "Traceback" not in err, err
    assert stopped_in < 5
    status = json.loads(run_kiosk("status", "--json", data_dir=data_dir).stdout)
    assert status["pending"] == 5  # nothing confirmed, nothing lost: sent again next time
