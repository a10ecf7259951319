"""Office config from the collector: merged with the kiosk's own sync settings, PIN and binding; ETag honoured."""
from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import requests

from collector import records
from kiosk import config as office_config
from kiosk.pin import hash_pin, verify_pin
from sync import configsync
from sync.token import write_token
from fixtures_sync import run_kiosk as kiosk


def demo_data() -> dict:
    return tomllib.loads(office_config.DEMO_CONFIG.read_text())


def test_merge_keeps_sync_pin_and_binding():
    received = demo_data()
    received["sync"] = {"url": "", "token_file": "token", "batch_size": 500, "interval_s": 60}
    del received["staff"]
    local = demo_data()
    local["sync"].update(url="https://old.example.id", token_file="kiosk.token", batch_size=100)
    local["staff"]["pin_hash"] = own = hash_pin("8642")
    local["kiosk"].update(counter="Loket 3", service="kk")
    running = hash_pin("1357")  # stale: staff changed the PIN to 8642 after the worker started
    merged = configsync.merge(received, "https://new.example.id", local, pin_hash=running, keep_binding=True)
    assert merged["sync"] == {"url": "https://new.example.id", "token_file": "kiosk.token", "batch_size": 100,
                              "interval_s": 60}
    assert merged["staff"]["pin_hash"] == own
    assert (merged["kiosk"]["counter"], merged["kiosk"]["service"]) == ("Loket 3", "kk")
    received["services"] = [s for s in received["services"] if s["id"] != "kk"]
    assert configsync.merge(received, "https://n.id", local, pin_hash=running, keep_binding=True
                            )["kiosk"]["service"] == ""


def test_read_aloud_chosen_by_staff_stays_unless_the_office_sets_one():
    received = demo_data()
    local = demo_data()
    local["kiosk"]["read_aloud"] = "auto"
    received["kiosk"].pop("read_aloud", None)
    merged = configsync.merge(received, "https://n.id", local, pin_hash=None, keep_binding=True)
    assert merged["kiosk"]["read_aloud"] == "auto"
    received["kiosk"]["read_aloud"] = "off"
    assert configsync.merge(received, "https://n.id", local, pin_hash=None, keep_binding=True
                            )["kiosk"]["read_aloud"] == "off"


def test_a_fresh_kiosk_keeps_the_pin_of_the_config_it_runs_with():
    received = demo_data()
    del received["staff"]
    running = office_config.load_for(Path("/nonexistent-data-dir"))  # no config.toml: the demo office
    merged = configsync.merge(received, "https://n.id", {}, pin_hash=running.pin_hash)
    assert merged["staff"]["pin_hash"] == running.pin_hash
    assert verify_pin(office_config.DEMO_PIN, merged["staff"]["pin_hash"])


def test_the_office_pin_from_the_collector_wins_and_no_pin_is_invented():
    received = demo_data()
    received["staff"]["pin_hash"] = office = hash_pin("24680")
    local = {"staff": {"pin_hash": hash_pin("8642")}}
    assert configsync.merge(received, "https://n.id", local, pin_hash=None)["staff"]["pin_hash"] == office
    del received["staff"]
    orphan = configsync.merge(received, "https://n.id", {}, pin_hash=None)
    assert orphan["staff"]["pin_hash"] is None
    with pytest.raises(configsync.ConfigRejected, match="staff.pin_hash"):
        configsync.write_config(Path("/nonexistent-data-dir"), orphan)


def test_a_newer_collectors_settings_do_not_lock_out_this_kiosk(caplog):
    """A setting this kiosk does not know yet is left out (and logged), not a reason to refuse the config."""
    received = demo_data()
    received["kiosk"]["chime_volume"] = 7
    received["sync"]["compress_level"] = 9
    merged = configsync.merge(received, "https://n.id", {}, pin_hash=hash_pin("8642"))
    assert "chime_volume" not in merged["kiosk"] and "compress_level" not in merged["sync"]
    checked, problems = office_config.check(merged)
    assert problems == [] and checked.kiosk.counter == received["kiosk"]["counter"]
    assert "kiosk.chime_volume, sync.compress_level" in caplog.text
    # By hand, the same key is most likely a typo: config check still names it.
    assert [p.key for p in office_config.check(received)[1]] == ["kiosk.chime_volume", "sync.compress_level"]


def test_settings_added_later_are_only_sent_when_the_office_changed_them():
    """Kiosks released before read_aloud existed refuse unknown keys: the default is not sent to them."""
    config = office_config.load(office_config.DEMO_CONFIG)
    built = office_config.build(config.office, config.services)
    assert "read_aloud" not in built["kiosk"]
    assert office_config.check({**built, "staff": {"pin_hash": hash_pin("8642")}})[0].kiosk.read_aloud == "button"
    auto = office_config.build(config.office, config.services, kiosk={"read_aloud": "auto"})
    assert auto["kiosk"]["read_aloud"] == "auto"


def test_an_invalid_config_is_not_written(data_dir):
    bad = demo_data()
    bad["office"]["timezone"] = "Mars/Olympus"
    with pytest.raises(configsync.ConfigRejected, match="office.timezone"):
        configsync.write_config(data_dir, bad)
    assert not (data_dir / "config.toml").exists()


@pytest.fixture
def enrolled(collector_server, data_dir):
    server = collector_server()
    server.add_demo_office()
    assert kiosk("enroll", server.url, server.enroll_code(), data_dir=data_dir).returncode == 0
    return server


def test_pull_picks_up_a_new_service_once(enrolled, data_dir):
    local = office_config.read(data_dir / "config.toml")
    local["kiosk"]["counter"] = "Loket 7"
    configsync.write_config(data_dir, local)
    config = office_config.load(data_dir / "config.toml")
    token = (data_dir / "token").read_text().strip()
    session = requests.Session()
    records.add_service(enrolled.engine, "dukcapil-butur", "kia", "Kartu Identitas Anak", "Child ID card")
    new = configsync.pull(session, config, data_dir, token)
    assert new is not None and "kia" in [s.id for s in new.services]
    assert new.kiosk.counter == "Loket 7" and new.sync.url == enrolled.url
    assert configsync.stored_etag(data_dir)
    assert configsync.pull(session, new, data_dir, token) is None  # 304 Not Modified


def test_kiosk_sync_pulls_the_config_after_uploading(enrolled, data_dir):
    records.add_service(enrolled.engine, "dukcapil-butur", "kia", "Kartu Identitas Anak", "Child ID card")
    assert kiosk("simulate", "--count", "3", data_dir=data_dir).returncode == 0
    done = kiosk("sync", "--once", data_dir=data_dir)
    assert done.returncode == 0 and "office config updated" in done.stderr
    assert "kia" in [s.id for s in office_config.load(data_dir / "config.toml").services]
    assert "office config updated" not in kiosk("sync", "--once", data_dir=data_dir).stderr


def test_the_worker_pulls_the_config_and_tells_the_app(enrolled, data_dir, queue):
    from sync.worker import SyncWorker
    import threading

    records.add_service(enrolled.engine, "dukcapil-butur", "kia", "Kartu Identitas Anak", "Child ID card")
    told = []
    got = threading.Event()
    worker = SyncWorker(queue, office_config.load(data_dir / "config.toml"), data_dir,
                        on_config=lambda c: (told.append(c), got.set()))
    worker.start()
    try:
        assert got.wait(10)
    finally:
        worker.stop()
    assert "kia" in [s.id for s in told[0].services] and worker.config is told[0]
