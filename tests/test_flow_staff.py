"""Staff mode logic: the hidden long press, the PIN lock, settings and PIN saved to config.toml."""
from __future__ import annotations

import pytest

from kiosk import config as office_config
from kiosk.config import DEMO_PIN
from kiosk.flow_staff import LongPress, PinGuard, PinResult, SettingsRejected, change_pin, save_settings
from kiosk.pin import verify_pin


class FakeClock:
    def __init__(self):
        self.now = 50.0

    def __call__(self):
        return self.now


def test_long_press_needs_the_hold_time():
    clock = FakeClock()
    press = LongPress(clock, hold_s=2.0)
    press.down()
    clock.now += 1.9
    assert not press.up()
    press.down()
    clock.now += 2.0
    assert press.up()
    assert not press.up(), "a release without a press is not a long press"


def test_pin_accepts_the_right_pin(demo_config):
    guard = PinGuard(demo_config.pin_hash, clock=FakeClock())
    assert guard.check("0000") is PinResult.WRONG
    assert guard.check(DEMO_PIN) is PinResult.OK
    assert guard.failures == 0


def test_five_wrong_pins_lock_for_a_minute(demo_config):
    clock = FakeClock()
    guard = PinGuard(demo_config.pin_hash, clock=clock)
    for _ in range(4):
        assert guard.check("9999") is PinResult.WRONG
    assert guard.attempts_left() == 1
    assert guard.check("9999") is PinResult.LOCKED
    assert guard.locked_for() == pytest.approx(60)
    assert guard.check(DEMO_PIN) is PinResult.LOCKED, "even the right PIN waits out the lock"
    clock.now += 59.5
    assert guard.check(DEMO_PIN) is PinResult.LOCKED
    clock.now += 0.5
    assert guard.locked_for() == 0
    assert guard.check(DEMO_PIN) is PinResult.OK


def test_settings_are_validated_and_saved(demo_config, data_dir):
    saved = save_settings(demo_config, data_dir, counter=" Loket 7 ", service="kk", locales=("id",),
                          ask_profile=False, ask_comment=True, allow_skip=True,
                          sync_url="https://skm.example.go.id")
    again = office_config.load(data_dir / "config.toml")
    assert again.kiosk.counter == "Loket 7" and again.kiosk.service == "kk"
    assert again.kiosk.locales == ("id",) and again.kiosk.ask_profile is False
    assert again.kiosk.allow_skip is True and again.sync.url == "https://skm.example.go.id"
    assert saved == again.__class__(**{**vars(again), "source": saved.source})


def test_read_aloud_is_saved_kept_when_not_given_and_checked(demo_config, data_dir):
    common = dict(counter="Loket 1", service=None, locales=("id", "en"), ask_profile=True, ask_comment=True,
                  allow_skip=False, sync_url="")
    saved = save_settings(demo_config, data_dir, read_aloud="auto", **common)
    assert office_config.load(data_dir / "config.toml").kiosk.read_aloud == "auto"
    assert save_settings(saved, data_dir, **common).kiosk.read_aloud == "auto"  # not given: kept
    with pytest.raises(SettingsRejected) as caught:
        save_settings(saved, data_dir, read_aloud="loud", **common)
    assert [p.key for p in caught.value.problems] == ["kiosk.read_aloud"]
    assert office_config.load(data_dir / "config.toml").kiosk.read_aloud == "auto"


def test_bad_settings_name_the_key_and_leave_the_file_alone(demo_config, data_dir):
    with pytest.raises(SettingsRejected) as caught:
        save_settings(demo_config, data_dir, counter="", service=None, locales=(), ask_profile=True,
                      ask_comment=True, allow_skip=False, sync_url="ftp://nope")
    keys = {p.key for p in caught.value.problems}
    assert {"kiosk.counter", "kiosk.locales", "sync.url"} <= keys
    assert not (data_dir / "config.toml").exists()


def test_change_pin(demo_config, data_dir):
    with pytest.raises(SettingsRejected):
        change_pin(demo_config, data_dir, "2468", "2469")
    with pytest.raises(SettingsRejected):
        change_pin(demo_config, data_dir, "12", "12")
    change_pin(demo_config, data_dir, "246810", "246810")
    stored = office_config.load(data_dir / "config.toml").pin_hash
    assert verify_pin("246810", stored) and not verify_pin(DEMO_PIN, stored)
