"""Atomic file replacement: the target is the old file or the new one, never a half-written one."""
from __future__ import annotations

import stat

import pytest

from kiosk import atomic


def test_replaces_the_file_and_leaves_no_temp_file(tmp_path):
    target = tmp_path / "config.toml"
    target.write_text("old\n")
    atomic.write_text(target, "new\n")
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


def test_an_error_while_writing_keeps_the_old_file(tmp_path):
    target = tmp_path / "export.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError):
        with atomic.replacing(target) as f:
            f.write("half of the new")
            raise RuntimeError("disk gone")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv"]


def test_a_secret_is_never_readable_by_others_even_over_a_stale_temp_file(tmp_path):
    target = tmp_path / "token"
    stale = tmp_path / "token.tmp"
    stale.write_text("left over\n")
    stale.chmod(0o644)
    atomic.write_text(target, "s3cret\n", file_mode=0o600)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text() == "s3cret\n" and not stale.exists()


def test_newline_is_passed_through_for_csv(tmp_path):
    target = tmp_path / "rows.csv"
    with atomic.replacing(target, newline="") as f:
        f.write("a,b\r\n")
    assert target.read_bytes() == b"a,b\r\n"
