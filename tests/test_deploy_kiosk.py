"""The Linux kiosk appliance: install-kiosk.sh against a temporary root, its unit checked by systemd-analyze.

`kiosk run` itself on a display without a window manager is tested in test_ui_run_display.py.
"""
from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

LINUX = Path(__file__).resolve().parent.parent / "deploy" / "linux"
INSTALL = LINUX / "install-kiosk.sh"
LIBEXEC = "usr/local/lib/skm-kiosk"
UNIT = "etc/systemd/system/skm-kiosk.service"


def install(root: Path, *extra: str, kiosk: str = "/usr/local/bin/kiosk") -> subprocess.CompletedProcess:
    return subprocess.run(["sh", str(INSTALL), "--user", "skm", "--data-dir", "/var/lib/skm-kiosk",
                           "--kiosk", kiosk, "--root", str(root), *extra],
                          capture_output=True, text=True, timeout=30)


def unit_settings(text: str) -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            settings.setdefault(key, []).append(value)
    return settings


def test_x_session_is_installed_enabled_and_never_blanks(tmp_path):
    done = install(tmp_path)
    assert done.returncode == 0, done.stderr
    unit = unit_settings((tmp_path / UNIT).read_text())
    assert unit["User"] == ["skm"]
    assert unit["Environment"] == ["KIOSK_DATA_DIR=/var/lib/skm-kiosk"]
    assert unit["ExecStart"] == [f"/{LIBEXEC}/kiosk-display"]
    assert unit["Restart"] == ["on-failure"]
    assert unit["WantedBy"] == ["graphical.target"]
    wants = tmp_path / "etc/systemd/system/graphical.target.wants/skm-kiosk.service"
    assert os.readlink(wants) == "/etc/systemd/system/skm-kiosk.service"
    assert os.readlink(tmp_path / "etc/systemd/system/default.target") == "/lib/systemd/system/graphical.target"
    display = (tmp_path / LIBEXEC / "kiosk-display").read_text()
    assert "-s 0 -dpms" in display and "xinit" in display
    session = (tmp_path / LIBEXEC / "kiosk-session").read_text()
    assert '"/usr/local/bin/kiosk" run --data-dir "/var/lib/skm-kiosk"' in session
    assert "xset s off s noblank -dpms" in session
    for path in (tmp_path / LIBEXEC).iterdir():
        assert path.stat().st_mode & stat.S_IXUSR, f"{path.name} is not executable"
    written = [tmp_path / UNIT, *(tmp_path / LIBEXEC).iterdir()]
    assert [p.name for p in written if re.search(r"@[A-Z_]+@", p.read_text())] == []
    assert "allowed_users=anybody" in (tmp_path / "etc/X11/Xwrapper.config").read_text()
    data = tmp_path / "var/lib/skm-kiosk"
    assert data.is_dir() and stat.S_IMODE(data.stat().st_mode) == 0o700


def test_cage_session_needs_no_x_wrapper(tmp_path):
    done = install(tmp_path, "--session", "cage")
    assert done.returncode == 0, done.stderr
    display = (tmp_path / LIBEXEC / "kiosk-display").read_text()
    assert 'case "cage" in' in display
    assert not (tmp_path / "etc/X11/Xwrapper.config").exists()


@pytest.mark.parametrize("args, says", [
    (["--data-dir", "/var/lib/skm", "--root", "."], "--user is required"),
    (["--user", "skm", "--root", "."], "--data-dir is required"),
    (["--user", "root", "--data-dir", "/var/lib/skm", "--root", "."], "must not run as root"),
    (["--user", "skm", "--data-dir", "var/lib/skm", "--root", "."], "must be an absolute path"),
    (["--user", "skm", "--data-dir", "/var/lib/skm", "--session", "gnome", "--root", "."], "is not known"),
    (["--user", "skm", "--data-dir", "/var/lib/skm", "--root", "/no/such/root"], "is not a folder"),
])
def test_bad_input_is_one_sentence(tmp_path, args, says):
    done = subprocess.run(["sh", str(INSTALL), "--kiosk", "/usr/bin/kiosk", *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert says in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def fake(path: Path, body: str) -> str:
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return str(path)


@pytest.mark.parametrize("kiosk_status", [0, 3])
def test_kiosk_status_reaches_systemd_through_the_display_server(tmp_path, kiosk_status):
    """xinit exits 0 whatever its client did: kiosk-display hands systemd the kiosk's own status."""
    root = tmp_path / "root"
    root.mkdir()
    kiosk = fake(tmp_path / "kiosk", f'echo "kiosk $*" >> "{tmp_path}/ran"; exit {kiosk_status}')
    assert install(root, kiosk=kiosk).returncode == 0
    # The installed scripts name each other by their path on the target; here that path lies under root.
    for name in ("kiosk-display", "kiosk-session"):
        path = root / LIBEXEC / name
        path.write_text(path.read_text().replace(f"/{LIBEXEC}/", f"{root}/{LIBEXEC}/"))
    xinit = fake(tmp_path / "xinit", '"$1" "$2"; exit 0')  # runs its client, then reports success as xinit does
    env = {**os.environ, "XINIT": xinit, "RUNTIME_DIRECTORY": str(tmp_path)}
    env.pop("DISPLAY", None)
    done = subprocess.run([str(root / LIBEXEC / "kiosk-display")], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == kiosk_status, done.stderr
    assert (tmp_path / "ran").read_text() == "kiosk run --data-dir /var/lib/skm-kiosk\n"


def test_display_server_dying_first_counts_as_a_crash(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    assert install(root).returncode == 0
    xinit = fake(tmp_path / "xinit", "exit 0")  # the server went away without starting the kiosk
    env = {**os.environ, "XINIT": xinit, "RUNTIME_DIRECTORY": str(tmp_path)}
    done = subprocess.run([str(root / LIBEXEC / "kiosk-display")], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    assert "stopped (status 0) before the kiosk finished" in done.stderr


def test_systemd_accepts_the_unit(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        if os.environ.get("CI"):
            pytest.fail("CI must verify the unit, but systemd-analyze is missing (scripts/install-system-deps.sh "
                        "installs the systemd package)", pytrace=False)
        pytest.skip("systemd-analyze is not installed (apt-get install systemd)")
    root = tmp_path / "root"
    root.mkdir()
    assert install(root).returncode == 0
    # systemd-analyze checks that ExecStart exists on this machine: point it at the copy under root.
    unit = tmp_path / "skm-kiosk.service"
    unit.write_text((root / UNIT).read_text().replace(f"/{LIBEXEC}/", f"{root}/{LIBEXEC}/"))
    done = subprocess.run([analyze, "verify", "--man=no", str(unit)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "skm-kiosk.service" not in done.stderr, done.stderr
