"""`kiosk admin link-secret-rotate --yes`: withdrawing every printed QR poster at once."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fixtures_collector import DEMO_OFFICE, CollectorApp

REPO = Path(__file__).resolve().parent.parent


def kiosk(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=120)


def test_rotating_the_link_secret_withdraws_every_printed_poster(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'collector.db'}"
    app = CollectorApp(db_url)
    try:
        base = ["--office", DEMO_OFFICE, "--base-url", "https://skm.example.go.id", "--db", db_url]
        old = kiosk("qr", "link", *base).stdout.strip()
        path = old.removeprefix("https://skm.example.go.id")
        assert app.client.get(path).status_code == 200
        typed = kiosk("qr", "link", "--short", *base).stdout.strip().removeprefix("skm.example.go.id")
        assert typed.startswith("/s/") and app.client.get(typed).status_code == 200
        unconfirmed = kiosk("admin", "link-secret-rotate", "--db", db_url)
        assert unconfirmed.returncode != 0 and "--yes" in unconfirmed.stderr
        assert app.client.get(path).status_code == 200
        rotated = kiosk("admin", "link-secret-rotate", "--yes", "--db", db_url)
        assert rotated.returncode == 0, rotated.stderr
        assert app.client.get(path).status_code != 200
        assert app.client.get(typed).status_code == 404  # the printed short code goes with the QR code
        assert kiosk("qr", "link", "--short", *base).stdout.strip() != f"skm.example.go.id{typed}"
        new = kiosk("qr", "link", *base).stdout.strip()
        assert new != old
        assert app.client.get(new.removeprefix("https://skm.example.go.id")).status_code == 200
    finally:
        app.close()
