"""Read-only storage is "cannot write now": counts still read, saving refused in one sentence, nothing moved.

The data dir lives on a tmpfs the test mounts and remounts read-only (root ignores file modes,
so a chmod'd folder would prove nothing when the suite runs as root, as in CI).
"""
from __future__ import annotations

import json

from fixtures_sync import run_kiosk


def said(done) -> list[str]:
    return [line for line in done.stderr.splitlines() if "no config.toml" not in line]


def files(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_read_only_data_dir_reads_refuses_to_write_and_resumes(small_fs):
    fs = small_fs("8m")
    data = fs.root / "data"
    assert run_kiosk("simulate", "--count", "300", "--seed", "2", data_dir=data).returncode == 0
    before = files(data)
    fs.read_only()
    try:
        status = run_kiosk("status", "--json", data_dir=data)
        assert status.returncode == 1 and "Traceback" not in status.stderr
        report = json.loads(status.stdout)
        assert report["pending"] == 300
        assert report["storage"]["reason"] == "read_only" and "read-only" in report["storage"]["detail"]
        assert said(status) == [said(status)[0]] and "read-only" in said(status)[0]

        for command in (("simulate", "--count", "5"), ("status",)):
            done = run_kiosk(*command, data_dir=data)
            assert done.returncode == 1, command
            assert "Traceback" not in done.stderr and len(said(done)) == 1 and "read-only" in said(done)[0]
        assert files(data) == before, "nothing moved, nothing left behind"
    finally:
        fs.read_only(False)
    assert run_kiosk("simulate", "--count", "5", data_dir=data).returncode == 0
    report = json.loads(run_kiosk("status", "--json", data_dir=data).stdout)
    assert report["pending"] == 305 and report["storage"]["ok"] and report["storage"]["last_repair"] is None


def test_a_new_kiosk_on_read_only_storage_says_so_in_one_sentence(small_fs):
    fs = small_fs("1m")
    (fs.root / "data").mkdir()
    fs.read_only()
    try:
        for command in (("status", "--json"), ("simulate", "--count", "3"), ("sync", "--once")):
            done = run_kiosk(*command, data_dir=fs.root / "data")
            assert done.returncode != 0, command
            assert "Traceback" not in done.stderr, done.stderr
            lines = said(done)
            assert len(lines) == 1, lines
        missing_folder = run_kiosk("status", data_dir=fs.root / "data" / "new")
        assert missing_folder.returncode == 1 and "Traceback" not in missing_folder.stderr
        assert "read-only" in missing_folder.stderr
    finally:
        fs.read_only(False)
