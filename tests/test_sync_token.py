"""The kiosk token file: private, atomic, and read as "not enrolled" when missing, empty or garbled."""
from __future__ import annotations

from kiosk.config import DEMO_CONFIG, load
from sync.token import load_token, token_path, write_token


def test_token_file_is_private(tmp_path):
    path = tmp_path / "token"
    write_token(path, "s3cret")
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_token(path) == "s3cret"
    assert load_token(tmp_path / "missing") is None


def test_an_empty_or_garbled_token_means_not_enrolled(tmp_path):
    (tmp_path / "empty").write_text("  \n")
    (tmp_path / "garbled").write_bytes(b"\xff\xfe\x00")
    assert load_token(tmp_path / "empty") is None and load_token(tmp_path / "garbled") is None


def test_the_token_file_is_named_by_the_config_and_lives_in_the_data_dir(tmp_path):
    config = load(DEMO_CONFIG).with_sync(token_file="kiosk.token")
    assert token_path(config, tmp_path) == tmp_path / "kiosk.token"
