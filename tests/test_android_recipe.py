"""The Android build recipe: buildozer.spec names the tablet's packages and files, and only those run the kiosk.

The APK itself cannot be built here (no Android SDK/NDK); this checks everything short of that: the spec's
requirements against the installed packages' metadata, the files buildozer would package, and the kiosk's
core, sync and screenshots in a fresh virtual environment holding nothing but the tablet's packages.
"""
from __future__ import annotations

import configparser
import fnmatch
import importlib.metadata as metadata
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parent.parent
# python-for-android recipes that are not Python packages on PyPI.
RECIPES_ONLY = {"python3", "sqlite3", "openssl"}
# sqlite-utils asks for pip only for its own `sqlite-utils install` command, which the tablet never runs.
NOT_ON_THE_TABLET = {"pip"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def spec() -> configparser.SectionProxy:
    parser = configparser.ConfigParser()
    parser.read(REPO / "buildozer.spec")
    return parser["app"]


def listed(key: str) -> list[str]:
    return [item.strip() for item in spec()[key].split(",") if item.strip()]


def spec_packages() -> dict[str, str]:
    """Canonical name -> requirement as written, for the spec's Python packages."""
    return {canonical(Requirement(r).name): r for r in listed("requirements") if r not in RECIPES_ONLY}


def dependencies(name: str) -> set[str]:
    found = set()
    for line in metadata.distribution(name).requires or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            found.add(canonical(requirement.name))
    return found


def closure(names) -> set[str]:
    seen: set[str] = set()
    todo = [canonical(n) for n in names]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(dependencies(name))
    return seen


def project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def test_spec_names_version_orientation_and_the_only_permission():
    app = spec()
    assert app["version"] == project()["version"]
    assert app["source.dir"] == "."
    assert app["orientation"] == "landscape" and app["fullscreen"] == "1"
    assert listed("android.permissions") == ["INTERNET"]
    assert app["android.allow_backup"] == "False"
    assert "python3" in listed("requirements") and "sqlite3" in listed("requirements")


def test_entry_point_runs_the_kiosk_on_private_storage():
    loader = importlib.util.spec_from_file_location("android_main", REPO / "main.py")
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    private = "/data/user/0/id.go.skm.skmkiosk/files/app"
    assert module.android_data_dir({"ANDROID_PRIVATE": private}) == private + "/kiosk-data"
    assert module.android_data_dir({}) is None
    assert 'main(["run"' in (REPO / "main.py").read_text()


def test_requirements_are_the_kiosks_own_dependencies_and_their_closure():
    packages = spec_packages()
    kivy_pin = next(r for r in project()["optional-dependencies"]["ui"] if r.startswith("kivy"))
    assert packages["kivy"] == kivy_pin.replace("[base]", "")
    base = {canonical(Requirement(r).name) for r in project()["dependencies"]}
    needed = (closure(base) | {"kivy", "pillow", "filetype"}) - NOT_ON_THE_TABLET
    assert needed - set(packages) == set(), "the tablet would miss these"
    assert set(packages) - needed == set(), "listed for no reason"
    server = closure(Requirement(r).name for r in project()["optional-dependencies"]["collector"])
    assert server & set(packages) - closure(base | {"kivy", "pillow"}) == set()
    assert {"fastapi", "uvicorn", "sqlalchemy", "psycopg", "jinja2", "reportlab", "openpyxl"} & set(packages) == set()


def packaged_files() -> list[Path]:
    """What buildozer copies into the APK: files under source.dir, minus source.exclude_dirs and hidden
    folders, with an extension of source.include_exts (buildozer's _copy_application_sources)."""
    app = spec()
    exts = set(listed("source.include_exts"))
    excluded = [d.lower().rstrip("/") + "/" for d in listed("source.exclude_dirs")]
    chosen = []
    for root, _, files in os.walk(REPO):
        relative = Path(root).relative_to(REPO)
        if any(part.startswith(".") for part in relative.parts):
            continue
        folder = (relative.as_posix().lower() + "/") if relative.parts else ""
        if any(folder.startswith(d) for d in excluded) or "__pycache__" in relative.parts:
            continue
        chosen += [relative / f for f in files if not f.startswith((".", "~")) and f.rsplit(".", 1)[-1] in exts]
    assert app["source.dir"] == "."
    return sorted(chosen)


def test_the_apk_holds_the_core_ui_sync_and_assets_and_no_collector():
    files = {p.as_posix() for p in packaged_files()}
    assert "main.py" in files
    for package in ("kiosk", "screens", "sync", "assets"):
        shipped = subprocess.run(["git", "ls-files", package], cwd=REPO, capture_output=True, text=True,
                                 check=True).stdout.split()
        assert shipped and set(shipped) <= files, f"{package}/ is not packaged whole"
    assert [f for f in files if f.startswith(("collector/", "tests/", "bench/", "deploy/"))] == []
    assert not fnmatch.filter(files, "*.sql")


@pytest.fixture(scope="module")
def tablet_python(tmp_path_factory):
    """A fresh virtual environment with exactly the spec's packages (linked from this one) and the packaged files."""
    root = tmp_path_factory.mktemp("tablet")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / "venv")], check=True, timeout=120)
    python = root / "venv" / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    for name in spec_packages():
        for file in metadata.distribution(name).files or []:
            if file.parts[0] == ".." or "__pycache__" in file.parts:
                continue
            target = site / file
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                target.symlink_to(Path(file.locate()).resolve())
    app = root / "app"
    for file in packaged_files():
        (app / file).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / file, app / file)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "DISPLAY", "WAYLAND"))}
    env["PYTHONPATH"] = str(app)

    def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([str(python), *args], cwd=app, env=env, capture_output=True, text=True, timeout=timeout)

    return run


def test_the_server_stack_is_not_there(tablet_python):
    probe = tablet_python("-c", "import importlib.util as u; print([m for m in ('fastapi', 'sqlalchemy', 'uvicorn', "
                                "'psycopg', 'collector', 'pytest') if u.find_spec(m)])")
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == "[]"


def test_core_and_sync_deliver_to_a_real_collector(tablet_python, collector_server, tmp_path):
    server = collector_server()
    server.add_demo_office()
    data = tmp_path / "kiosk-data"
    enrolled = tablet_python("-m", "kiosk", "enroll", server.url, server.enroll_code(), "--data-dir", str(data))
    assert enrolled.returncode == 0, enrolled.stderr
    made = tablet_python("-m", "kiosk", "simulate", "--count", "6", "--data-dir", str(data))
    assert made.returncode == 0, made.stderr
    synced = tablet_python("-m", "kiosk", "sync", "--once", "--data-dir", str(data))
    assert synced.returncode == 0, synced.stderr
    assert server.stored_count() == 6


def test_screenshots_are_drawn(tablet_python, tmp_path):
    shots = tablet_python("-m", "kiosk", "screenshot", "--out", str(tmp_path / "shots"), "--locale", "id",
                          "--data-dir", str(tmp_path / "d"), timeout=300)
    assert shots.returncode == 0, shots.stderr[-3000:]
    pngs = sorted((tmp_path / "shots").glob("*.png"))
    assert len(pngs) >= 10 and all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
