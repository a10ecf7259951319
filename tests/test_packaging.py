"""Building the package gives no setuptools warnings and ships every data file the kiosk and collector read."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_wheel_builds_without_warnings_and_with_its_data(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    for package in ("kiosk", "screens", "sync", "collector", "assets"):
        shutil.copytree(REPO / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "dist"
    # The build backend pip calls; -W default shows every warning once, as an install would.
    built = subprocess.run([sys.executable, "-W", "default", "-c",
                            "import sys, setuptools.build_meta as b; print(b.build_wheel(sys.argv[1]))", str(out)],
                           cwd=source, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-3000:]
    warnings = [line.strip() for line in (built.stdout + built.stderr).splitlines()
                if "Warning:" in line or "deprecated" in line.lower()]
    assert warnings == []
    names = set(zipfile.ZipFile(out / built.stdout.strip().splitlines()[-1]).namelist())
    tracked = subprocess.run(["git", "ls-files", "kiosk", "screens", "sync", "collector", "assets"], cwd=REPO,
                             capture_output=True, text=True, check=True).stdout.split()
    assert "collector/templates/survey.html" in tracked and "screens/app.kv" in tracked
    assert [name for name in tracked if name not in names and not name.endswith(".md")] == []
