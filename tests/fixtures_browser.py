"""Debian's headless Chromium (driven by Playwright) for the browser tests, and what they share.

Chromium comes from Debian's `chromium` package (scripts/install-system-deps.sh), never a downloaded
build. Without it the browser tests are skipped on a developer's machine and fail under CI. The
flags are the ones this closed network needs: no background connections, no QUIC, no first-run work.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module (Playwright's sync API keeps its own event loop for the module's tests)."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: scripts/install-system-deps.sh should have installed it")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def keep_screenshot(path: Path) -> None:
    """With KIOSK_UPDATE_SCREENSHOTS=1, the screenshot replaces the one of that name in docs/screenshots/."""
    if os.environ.get("KIOSK_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SCREENSHOTS / path.name)


def watch(page) -> list[str]:
    """CSP violations and failed loads of the page (the browser's own /favicon.ico asks are not the page's)."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text)
            if m.type in ("error", "warning") and not m.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.on("requestfailed", lambda r: problems.append(f"failed {r.url}"))
    return problems
