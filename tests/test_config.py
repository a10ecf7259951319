"""Office config: the demo passes, every problem reported at once with key, value and expectation."""
import subprocess
import sys
import tomllib

import pytest

from kiosk import config
from kiosk.pin import hash_pin, verify_pin


def demo_data():
    return tomllib.loads(config.DEMO_CONFIG.read_text())


def test_demo_config_passes_and_has_the_demo_pin(demo_config):
    assert demo_config.office.id == "dukcapil-butur"
    assert len(demo_config.services) >= 2
    assert verify_pin(config.DEMO_PIN, demo_config.pin_hash)


def test_every_problem_is_reported_at_once():
    data = demo_data()
    data["kiosk"]["idle_timout_s"] = 30          # typo
    data["office"]["timezone"] = "Mars/Olympus"
    data["sync"]["batch_size"] = 5000
    data["kiosk"]["service"] = "passport"
    data["staff"]["pin_hash"] = "1234"
    checked, problems = config.check(data)
    assert checked is None
    keys = {p.key for p in problems}
    assert keys == {"kiosk.idle_timout_s", "office.timezone", "sync.batch_size", "kiosk.service", "staff.pin_hash"}
    text = "\n".join(map(str, problems))
    assert "sync.batch_size: found 5000, expected an integer between 1 and 1000" in text
    assert "'1234'" not in text  # a plain PIN typed into the file is never echoed


@pytest.mark.parametrize("key, value", [
    ("locales", ["id", "fr"]), ("locales", []), ("idle_timeout_s", 2), ("ask_profile", "yes"), ("comment_max", 0),
])
def test_kiosk_values_are_checked(key, value):
    data = demo_data()
    data["kiosk"][key] = value
    _, problems = config.check(data)
    assert [p.key for p in problems] == [f"kiosk.{key}"]


def test_office_questions_and_weights():
    data = demo_data()
    data["questions"] = [{"code": "X1", "name": {"id": "Kebersihan", "en": "Cleanliness"},
                          "question": {"id": "Bagaimana kebersihan ruang tunggu?", "en": "How clean was it?"},
                          "labels": [{"id": a, "en": a} for a in ("1", "2", "3", "4")]}]
    data["weights"] = {f"U{i}": "1/10" for i in range(1, 10)} | {"X1": "1/10"}
    checked, problems = config.check(data)
    assert problems == []
    assert checked.questionnaire.codes()[-1] == "X1"
    assert sum(checked.questionnaire.weights.values()) == 1
    data["weights"]["X1"] = "1/5"
    _, problems = config.check(data)
    assert [p.key for p in problems] == ["weights"] and "sum to" in problems[0].expected


def test_save_round_trips_and_refuses_invalid(tmp_path, demo_config):
    path = tmp_path / "config.toml"
    saved = config.save(demo_config.with_kiosk(counter="Loket 3", ask_profile=False), path)
    assert config.load(path).kiosk.counter == "Loket 3" and saved.kiosk.ask_profile is False
    with pytest.raises(config.ConfigError):
        config.save(demo_config.with_kiosk(idle_timeout_s=1), path)
    assert config.load(path).kiosk.counter == "Loket 3"  # the good file is untouched


def test_load_for_falls_back_to_the_demo_office(data_dir, caplog):
    assert config.load_for(data_dir).office.id == "dukcapil-butur"
    assert "demo office" in caplog.text


def test_pin_hash_is_salted_and_slow():
    a, b = hash_pin("2468"), hash_pin("2468")
    assert a != b and verify_pin("2468", a) and verify_pin("2468", b)
    assert not verify_pin("2469", a) and not verify_pin("2468", "garbage")
    assert a.startswith("scrypt$16384$")
    with pytest.raises(ValueError):
        hash_pin("12")


def kiosk(*args, **kw):
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, **kw)


def test_config_check_command(tmp_path):
    ok = kiosk("config", "check", str(config.DEMO_CONFIG))
    assert ok.returncode == 0 and "ok" in ok.stdout
    bad = tmp_path / "c.toml"
    bad.write_text(config.DEMO_CONFIG.read_text().replace("batch_size = 500", "batch_sise = 500"))
    out = kiosk("config", "check", str(bad))
    assert out.returncode == 2 and "sync.batch_sise" in out.stderr and "Traceback" not in out.stderr
    bad.write_text("[office\n")
    out = kiosk("config", "check", str(bad))
    assert out.returncode == 2 and "valid TOML" in out.stderr


def test_set_pin_command(tmp_path):
    assert kiosk("config", "init", "--data-dir", str(tmp_path)).returncode == 0
    out = kiosk("config", "set-pin", "--data-dir", str(tmp_path), input="975310\n")
    assert out.returncode == 0, out.stderr
    assert verify_pin("975310", config.load(tmp_path / "config.toml").pin_hash)
    out = kiosk("config", "set-pin", "--data-dir", str(tmp_path), input="12\n")
    assert out.returncode == 2 and "4 to 12 digits" in out.stderr
