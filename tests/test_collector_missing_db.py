"""Collector-side commands never create a database by accident: a missing one is named, and `kiosk admin init` makes it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
READERS = [
    ["report", "--office", "kantor-a"],
    ["report", "--office", "kantor-a", "--format", "csv"],
    ["qr", "link", "--office", "kantor-a", "--base-url", "https://skm.example.go.id"],
    ["qr", "poster", "--office", "kantor-a", "--base-url", "https://skm.example.go.id", "--out", "poster.pdf"],
    ["admin", "offices"],
    ["admin", "kiosks"],
    ["admin", "enroll-code", "--office", "kantor-a"],
    ["admin", "office-add", "--id", "kantor-a", "--name", "Kantor A"],
]


def kiosk(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("KIOSK_COLLECTOR_DB", "KIOSK_DATA_DIR")}
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, cwd=cwd,
                          env={**environment, **(env or {})}, timeout=60)


def refused_naming(result: subprocess.CompletedProcess, path: Path) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"there is no collector database at {path}" in result.stderr
    assert "kiosk admin init --db sqlite:///" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", READERS, ids=lambda c: " ".join(c[:2]))
def test_a_mistyped_db_in_a_missing_folder_is_named_and_nothing_is_made(tmp_path, command):
    typo = tmp_path / "colector" / "collector.db"
    done = kiosk(*command, "--db", f"sqlite:///{typo}", cwd=tmp_path)
    refused_naming(done, typo)
    assert list(tmp_path.iterdir()) == []


def test_without_db_the_data_dirs_database_is_looked_for_and_not_made(tmp_path):
    data = tmp_path / "data"
    done = kiosk("report", "--office", "kantor-a", cwd=tmp_path, env={"KIOSK_DATA_DIR": str(data)})
    refused_naming(done, data / "collector.db")
    assert not data.exists()


def test_an_empty_file_is_not_a_collector_database(tmp_path):
    empty = tmp_path / "collector.db"
    empty.write_bytes(b"")
    done = kiosk("admin", "offices", "--db", f"sqlite:///{empty}", cwd=tmp_path)
    assert done.returncode == 2 and "has no collector tables yet" in done.stderr
    assert "kiosk admin init" in done.stderr


def test_an_empty_postgresql_database_is_refused_until_init(tmp_path, postgres_database):
    url = postgres_database()
    done = kiosk("admin", "offices", "--db", url, cwd=tmp_path)
    assert done.returncode == 2 and "has no collector tables yet" in done.stderr
    assert kiosk("admin", "init", "--db", url, cwd=tmp_path).returncode == 0
    listed = kiosk("admin", "offices", "--db", url, cwd=tmp_path)
    assert listed.returncode == 0 and listed.stdout.strip() == "[]"


def test_init_creates_then_reports_ready_and_the_readers_work(tmp_path):
    path = tmp_path / "new" / "collector.db"
    made = kiosk("admin", "init", "--db", f"sqlite:///{path}", cwd=tmp_path)
    assert made.returncode == 0 and made.stdout.startswith("created: collector database"), made.stderr
    assert path.exists()
    again = kiosk("admin", "init", "--db", f"sqlite:///{path}", cwd=tmp_path)
    assert again.returncode == 0 and again.stdout.startswith("ready: collector database")
    listed = kiosk("admin", "offices", "--db", f"sqlite:///{path}", cwd=tmp_path)
    assert listed.returncode == 0 and listed.stdout.strip() == "[]"
    report = kiosk("report", "--office", "kantor-a", "--db", f"sqlite:///{path}", cwd=tmp_path)
    assert report.returncode != 0 and "there is no office 'kantor-a'" in report.stderr
