"""`kiosk enroll`, `kiosk sync --once` and `kiosk status --json` as subprocesses against the real collector."""
from __future__ import annotations

import json
import socket
import tomllib

import pytest
import tomli_w

from fixtures_sync import run_kiosk as kiosk
from kiosk import config as office_config
from kiosk.pin import hash_pin, verify_pin


def one_sentence_error(result) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [l for l in result.stderr.splitlines() if l.startswith("kiosk ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def collector(module_collector_server):
    """The module's collector (one start instead of one per test): each test adds its own offices, codes and
    kiosks, and counts what it sent by the change in what the collector holds."""
    module_collector_server.add_demo_office()
    return module_collector_server


@pytest.fixture
def own_collector(collector_server):
    """A collector of the test's own, for the tests that kill it."""
    server = collector_server()
    server.add_demo_office()
    return server


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_enroll_stores_a_private_token_and_the_office_config(collector, data_dir):
    result = kiosk("enroll", collector.url + "/", collector.enroll_code(), "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    token_file = data_dir / "token"
    assert token_file.stat().st_mode & 0o777 == 0o600
    assert answer["token_file"] == str(token_file) and answer["office_id"] == "dukcapil-butur"
    config = office_config.load(data_dir / "config.toml")
    assert config.sync.url == collector.url and config.sync.token_file == "token"
    assert [s.id for s in config.services] == ["ktp-el", "kk", "akta-lahir", "pindah-datang"]
    assert verify_pin(office_config.DEMO_PIN, config.pin_hash)
    # The token works: the collector knows this kiosk.
    from collector import records

    assert answer["kiosk_id"] in {k["kiosk_id"] for k in records.list_kiosks(collector.engine)}


def test_enroll_keeps_the_local_pin_when_the_office_has_none(collector, data_dir):
    collector.add_office("kecamatan-pin-lokal", services=("kk",))
    local = tomllib.loads(office_config.DEMO_CONFIG.read_text())
    local["staff"]["pin_hash"] = hash_pin("975310")
    (data_dir / "config.toml").write_text(tomli_w.dumps(local))
    result = kiosk("enroll", collector.url, collector.enroll_code("kecamatan-pin-lokal"), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    config = office_config.load(data_dir / "config.toml")
    assert config.office.id == "kecamatan-pin-lokal"
    assert verify_pin("975310", config.pin_hash) and not verify_pin(office_config.DEMO_PIN, config.pin_hash)


def test_a_kiosk_whose_pin_is_unknown_is_not_given_one(collector, data_dir):
    collector.add_office("kecamatan-tanpa-pin", services=("kk",))  # an office with no staff PIN at the collector
    (data_dir / "config.toml").write_text("[office\n")  # and no readable PIN on the kiosk
    line = one_sentence_error(kiosk("enroll", collector.url, collector.enroll_code("kecamatan-tanpa-pin"),
                                    data_dir=data_dir))
    assert "no staff PIN" in line and "nothing was saved" in line
    assert (data_dir / "config.toml").read_text() == "[office\n" and not (data_dir / "token").exists()


def test_a_code_works_once(collector, data_dir, tmp_path):
    code = collector.enroll_code()
    assert kiosk("enroll", collector.url, code, data_dir=data_dir).returncode == 0
    second = kiosk("enroll", collector.url, code, data_dir=tmp_path / "other")
    line = one_sentence_error(second)
    assert second.returncode == 2 and "already been used" in line and "enroll-code" in line
    assert not (tmp_path / "other" / "token").exists()


def test_an_unknown_code_is_refused(collector, data_dir):
    line = one_sentence_error(kiosk("enroll", collector.url, "NOPE-NOPE", data_dir=data_dir))
    assert "unknown" in line
    assert not (data_dir / "config.toml").exists()


@pytest.mark.parametrize("url, words", [
    ("ftp://collector.example.id", "https://"),
    ("collector.example.id", "https://"),
    ("http://", "no host"),
])
def test_a_bad_url_is_one_sentence(data_dir, url, words):
    line = one_sentence_error(kiosk("enroll", url, "ABCD", data_dir=data_dir))
    assert words in line


def test_an_unreachable_collector_is_one_sentence(data_dir):
    line = one_sentence_error(kiosk("enroll", f"http://127.0.0.1:{closed_port()}", "ABCD", data_dir=data_dir))
    assert "could not reach" in line and "refused" in line


def test_sync_once_and_status_after_enrolment(collector, data_dir):
    before = collector.stored_count()
    assert kiosk("enroll", collector.url, collector.enroll_code(), data_dir=data_dir).returncode == 0
    assert kiosk("simulate", "--count", "1200", "--seed", "4", data_dir=data_dir).returncode == 0
    synced = kiosk("sync", "--once", data_dir=data_dir)
    assert synced.returncode == 0, synced.stderr
    assert "sent 1200 now" in synced.stdout
    assert "1200/1200" in synced.stderr  # the progress bar of a backlog larger than one batch
    assert collector.stored_count() == before + 1200
    status = json.loads(kiosk("status", "--json", data_dir=data_dir).stdout)
    assert (status["pending"], status["sent"], status["rejected"]) == (0, 1200, 0)
    assert status["last_success"] and status["last_error"] is None


def test_sync_once_exits_non_zero_when_the_collector_is_down(own_collector, data_dir):
    collector = own_collector
    assert kiosk("enroll", collector.url, collector.enroll_code(), data_dir=data_dir).returncode == 0
    assert kiosk("simulate", "--count", "5", data_dir=data_dir).returncode == 0
    collector.kill()
    synced = kiosk("sync", "--once", data_dir=data_dir)
    assert synced.returncode == 1 and "could not reach" in synced.stderr
    status = json.loads(kiosk("status", "--json", data_dir=data_dir).stdout)
    assert status["pending"] == 5 and status["last_error_code"] == "network"
    assert status["last_error"] == "could not reach the collector (connection refused)"
    collector.start()
    assert kiosk("sync", "--once", data_dir=data_dir).returncode == 0
    assert collector.stored_count() == 5


def test_sync_stops_at_a_revoked_token_and_keeps_everything(collector, data_dir):
    enrolled = kiosk("enroll", collector.url, collector.enroll_code(), "--json", data_dir=data_dir)
    collector.revoke(json.loads(enrolled.stdout)["kiosk_id"])
    assert kiosk("simulate", "--count", "3", data_dir=data_dir).returncode == 0
    synced = kiosk("sync", data_dir=data_dir)  # without --once it still stops at a 401
    assert synced.returncode == 1 and "not authorised" in synced.stderr
    status = json.loads(kiosk("status", "--json", data_dir=data_dir).stdout)
    assert status["pending"] == 3 and "not authorised" in status["last_error"]


def test_sync_without_enrolment_is_a_usage_error(data_dir):
    line = one_sentence_error(kiosk("sync", "--once", data_dir=data_dir))
    assert "kiosk enroll" in line


def test_sync_without_once_waits_for_the_collector_to_come_back(own_collector, data_dir):
    collector = own_collector
    import subprocess
    import sys
    import threading
    import time

    from fixtures_sync import REPO

    assert kiosk("enroll", collector.url, collector.enroll_code(), data_dir=data_dir).returncode == 0
    assert kiosk("simulate", "--count", "7", data_dir=data_dir).returncode == 0
    collector.kill()
    syncing = subprocess.Popen([sys.executable, "-m", "kiosk", "sync", "--data-dir", str(data_dir)], cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    err_lines: list[str] = []
    reader = threading.Thread(target=lambda: err_lines.extend(syncing.stderr), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while not any("retrying in" in line for line in err_lines) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert syncing.poll() is None and any("retrying in" in line for line in err_lines)
        collector.start()
        syncing.wait(timeout=90)  # its stdout is a few lines: the pipe cannot fill up meanwhile
        out = syncing.stdout.read()
    finally:
        if syncing.poll() is None:
            syncing.kill()
            syncing.wait()
    reader.join(5)
    assert syncing.returncode == 0, "".join(err_lines)
    assert "pending 0" in out
    assert collector.stored_count() == 7


def test_enrolling_to_another_office_warns_about_queued_responses(collector, data_dir):
    collector.add_office("kecamatan-uji", services=("kk",))
    assert kiosk("simulate", "--count", "4", data_dir=data_dir).returncode == 0  # demo office responses
    done = kiosk("enroll", collector.url, collector.enroll_code("kecamatan-uji"), data_dir=data_dir)
    assert done.returncode == 0
    assert "4 pending response(s)" in done.stderr and "kecamatan-uji" in done.stderr
    synced = kiosk("sync", "--once", data_dir=data_dir)
    assert synced.returncode == 0 and "refused 4" in synced.stderr
    status = json.loads(kiosk("status", "--json", data_dir=data_dir).stdout)
    assert (status["pending"], status["rejected"]) == (0, 4)


def test_kiosk_sync_waits_for_the_app_to_finish_its_upload(collector, data_dir):
    import subprocess
    import sys
    import threading
    import time

    from fixtures_sync import REPO
    from sync.lock import SenderLock

    before = collector.stored_count()
    assert kiosk("enroll", collector.url, collector.enroll_code(), data_dir=data_dir).returncode == 0
    assert kiosk("simulate", "--count", "3", data_dir=data_dir).returncode == 0
    app = SenderLock(data_dir)
    assert app.acquire()
    syncing = subprocess.Popen([sys.executable, "-m", "kiosk", "sync", "--once", "--data-dir", str(data_dir)],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    err_lines: list[str] = []
    reader = threading.Thread(target=lambda: err_lines.extend(syncing.stderr), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while not any("waiting for it to finish" in line for line in err_lines) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
        assert syncing.poll() is None and collector.stored_count() == before
        app.release()
        syncing.wait(timeout=60)
    finally:
        app.release()
        if syncing.poll() is None:
            syncing.kill()
            syncing.wait()
    reader.join(5)
    assert syncing.returncode == 0 and any("waiting for it to finish" in line for line in err_lines)
    assert collector.stored_count() == before + 3


def test_enrolment_works_without_the_command_line(collector, data_dir):
    from sync.enrolment import EnrolmentFailed, enrol
    from sync.token import load_token

    code = collector.enroll_code()
    done = enrol(collector.url + "/", code, data_dir)
    assert done.config.office.id == "dukcapil-butur" and done.config.sync.url == collector.url
    assert load_token(done.token_file) and done.config_file == data_dir / "config.toml"
    with pytest.raises(EnrolmentFailed, match="already been used"):
        enrol(collector.url, code, data_dir)


def test_an_office_without_services_says_so_and_the_code_still_works_after_one_is_added(collector, data_dir):
    collector.add_office("kantor-kosong", services=())
    code = collector.enroll_code("kantor-kosong")
    line = one_sentence_error(kiosk("enroll", collector.url, code, data_dir=data_dir))
    assert "kantor-kosong' has no services yet" in line and "kiosk admin service-add --office kantor-kosong" in line
    assert "enrol again with the same code" in line and "wrong, already used or expired" not in line
    assert not (data_dir / "token").exists()
    from collector import records

    records.add_service(collector.engine, "kantor-kosong", "umum", "Layanan umum", "General service")
    assert kiosk("enroll", collector.url, code, data_dir=data_dir).returncode == 0
