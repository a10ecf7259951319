"""One rule for office ids and time zones: the kiosk config, the collector and the CLI agree on every case."""
from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest
import tomli_w

from collector import records
from kiosk import config, ids
from kiosk.errors import UserError

GOOD_IDS = ["dukcapil-butur", "kantor_camat", "a", "7", "-kantor", "loket-2", "x_-_y"]
BAD_IDS = ["kantör-ü", "Kantor", "KANTOR", "kantor camat", "-", "_", "--", "", "kantor/1", "kantor.1",
           "kantor\n", "１２", "kantor\x00"]
GOOD_ZONES = ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "UTC"]
BAD_ZONES = ["Mars/Olympus", "", "/etc/localtime", "../../etc/passwd", "Asia/../Asia/Jakarta", "asia/jakarta ",
             "Asia/Jakarta\x00"]


def demo_data() -> dict:
    return tomllib.loads(config.DEMO_CONFIG.read_text())


def kiosk_accepts(key: str, value: str) -> bool:
    data = demo_data()
    data["office"][key] = value
    _, problems = config.check(data)
    assert {p.key for p in problems} <= {f"office.{key}"}, "only the changed key may be at fault"
    return not problems


@pytest.fixture
def engine(tmp_path):
    from collector import db, migrations

    made = db.make_engine(f"sqlite:///{tmp_path / 'collector.db'}")
    migrations.migrate(made)
    yield made
    made.dispose()


def collector_accepts(engine, office_id: str, tz: str = "Asia/Jakarta") -> bool:
    try:
        records.add_office(engine, office_id, "Kantor Uji", timezone_name=tz)
    except UserError:
        return False
    return True


@pytest.mark.parametrize("office_id", GOOD_IDS + BAD_IDS)
def test_kiosk_and_collector_agree_on_office_ids(engine, office_id):
    expected = office_id in GOOD_IDS
    assert ids.is_office_id(office_id) is expected
    assert kiosk_accepts("id", office_id) is expected
    assert collector_accepts(engine, office_id) is expected


@pytest.mark.parametrize("tz", GOOD_ZONES + BAD_ZONES)
def test_kiosk_and_collector_agree_on_time_zones(engine, tz):
    expected = tz in GOOD_ZONES
    assert ids.is_timezone(tz) is expected
    assert kiosk_accepts("timezone", tz) is expected
    assert collector_accepts(engine, "kantor-uji", tz) is expected


@pytest.mark.parametrize("office_id", GOOD_IDS)
def test_an_office_the_collector_accepts_gives_its_kiosks_a_config_they_accept(engine, office_id):
    office = records.add_office(engine, office_id, "Kantor Uji", timezone_name="Asia/Jayapura",
                                services_=config.load(config.DEMO_CONFIG).services,
                                pin_hash=demo_data()["staff"]["pin_hash"])
    checked, problems = config.check(office.kiosk_config())
    assert problems == [] and checked.office.id == office_id


def test_kiosk_config_check_and_admin_office_add_refuse_the_same_id(tmp_path):
    data = demo_data()
    data["office"]["id"] = "kantör-ü"
    path = tmp_path / "config.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, timeout=60)

    checked = run("config", "check", str(path))
    assert checked.returncode == 2 and "office.id: found 'kantör-ü'" in checked.stderr
    added = run("admin", "office-add", "--from-config", str(path), "--db", f"sqlite:///{tmp_path / 'c.db'}")
    assert added.returncode != 0 and "Traceback" not in added.stderr
    assert "kantör-ü" in added.stderr and "lower-case ASCII" in added.stderr
    by_flag = run("admin", "office-add", "--id", "kantör-ü", "--name", "Kantor", "--db", f"sqlite:///{tmp_path / 'c.db'}")
    assert by_flag.returncode != 0 and "kantör-ü" in by_flag.stderr and "lower-case ASCII" in by_flag.stderr
    for result in (checked, added, by_flag):
        assert "Traceback" not in result.stderr
