"""A kiosk enrolled to a real office never keeps the README's demo PIN without a word: enrol, status, a terminal."""
from __future__ import annotations

import fcntl
import json
import os
import select
import subprocess
import sys
import termios
import time

import pytest

from fixtures_sync import REPO, run_kiosk as kiosk
from kiosk import config as office_config
from kiosk.pin import hash_pin, verify_pin


@pytest.fixture
def collector(collector_server):
    server = collector_server()
    server.add_office("kantor-a", services=("umum",))  # an office without a PIN of its own at the collector
    return server


def pin_of(data_dir) -> str:
    return office_config.load(data_dir / "config.toml").pin_hash


def test_a_script_enrolment_keeps_the_demo_pin_but_says_so_loudly(collector, data_dir):
    done = kiosk("enroll", collector.url, collector.enroll_code("kantor-a"), "--json", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["demo_pin"] is True
    assert "WARNING" in done.stderr and "demo PIN 1234" in done.stderr and "kiosk config set-pin" in done.stderr
    status = kiosk("status", data_dir=data_dir)
    assert "staff PIN     DEMO 1234" in status.stdout
    assert "WARNING" in status.stderr and "demo PIN 1234" in status.stderr
    assert json.loads(kiosk("status", "--json", data_dir=data_dir).stdout)["demo_pin"] is True
    changed = kiosk("config", "set-pin", data_dir=data_dir, stdin="482916\n")
    assert changed.returncode == 0, changed.stderr
    status = kiosk("status", data_dir=data_dir)
    assert "staff PIN     own" in status.stdout and "demo PIN" not in status.stderr


def test_set_pin_on_enrolment_reads_the_pin_from_stdin(collector, data_dir):
    done = kiosk("enroll", collector.url, collector.enroll_code("kantor-a"), "--set-pin", "--json",
                 data_dir=data_dir, stdin="482916\n")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["demo_pin"] is False and "demo PIN" not in done.stderr
    assert verify_pin("482916", pin_of(data_dir))


def test_a_bad_pin_leaves_the_kiosk_enrolled_with_one_sentence(collector, data_dir):
    done = kiosk("enroll", collector.url, collector.enroll_code("kantor-a"), "--set-pin", data_dir=data_dir,
                 stdin="12\n")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "enrolled, but the staff PIN was not changed" in done.stderr and "4 to 12 digits" in done.stderr
    assert (data_dir / "token").exists() and verify_pin(office_config.DEMO_PIN, pin_of(data_dir))


def test_an_office_pin_from_the_collector_needs_no_warning(collector, data_dir):
    from collector import records

    records.set_office_pin(collector.engine, "kantor-a", hash_pin("975310"))
    done = kiosk("enroll", collector.url, collector.enroll_code("kantor-a"), data_dir=data_dir)
    assert done.returncode == 0 and "demo PIN" not in done.stderr
    assert verify_pin("975310", pin_of(data_dir))
    assert "demo PIN" not in kiosk("status", data_dir=data_dir).stderr


def on_a_terminal(args: list[str], typed: list[str], timeout: float = 60) -> tuple[int, str]:
    """Run `python -m kiosk ARGS` with a pseudo-terminal as its controlling terminal, typing lines at its prompts."""
    main, side = os.openpty()

    def own_terminal():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)  # stdin is the pseudo-terminal: getpass opens /dev/tty

    env = {k: v for k, v in os.environ.items() if k != "KIOSK_DATA_DIR"}
    process = subprocess.Popen([sys.executable, "-m", "kiosk", *args], stdin=side, stdout=side, stderr=side,
                               cwd=REPO, env=env, preexec_fn=own_terminal)
    os.close(side)
    seen, deadline, pending = b"", time.monotonic() + timeout, list(typed)
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([main], [], [], 0.2)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal closed: the process is done
                break
            if not chunk:
                break
            seen += chunk
            if pending and seen.rstrip().endswith(b":"):
                time.sleep(0.3)  # let getpass finish turning echo off (it flushes input typed before)
                os.write(main, pending.pop(0).encode() + b"\n")
                seen += b"\n"
        else:
            process.kill()
            pytest.fail(f"the kiosk still waits after {timeout} s; its terminal shows:\n{seen.decode(errors='replace')}")
    finally:
        os.close(main)
    return process.wait(timeout=10), seen.decode(errors="replace")


def test_a_terminal_is_asked_for_the_pin(collector, data_dir):
    status, screen = on_a_terminal(["enroll", collector.url, collector.enroll_code("kantor-a"),
                                    "--data-dir", str(data_dir)], ["482916", "482916"])
    assert status == 0, screen
    assert "Staff PIN for this kiosk" in screen and "staff PIN set" in screen
    assert verify_pin("482916", pin_of(data_dir))


def test_enter_at_the_prompt_keeps_the_demo_pin_with_the_warning(collector, data_dir):
    status, screen = on_a_terminal(["enroll", collector.url, collector.enroll_code("kantor-a"),
                                    "--data-dir", str(data_dir)], [""])
    assert status == 0, screen
    assert "WARNING" in screen and "demo PIN 1234" in screen and verify_pin(office_config.DEMO_PIN, pin_of(data_dir))
