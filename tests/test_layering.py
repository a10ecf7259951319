"""The core, the sync and the collector import without Kivy; Kivy stays under screens/."""
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_importing_core_sync_collector_leaves_kivy_out():
    code = (
        "import importlib, pkgutil, sys\n"
        "for pkg in ('kiosk', 'sync', 'collector'):\n"
        "    mod = importlib.import_module(pkg)\n"
        "    for info in pkgutil.walk_packages(mod.__path__, pkg + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "import kiosk.cli; kiosk.cli.build_parser()\n"
        "print(sorted(m for m in sys.modules if m == 'kivy' or m.startswith('kivy.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_no_kivy_import_outside_screens():
    pattern = re.compile(r"^\s*(import kivy|from kivy)", re.M)
    offenders = [str(p.relative_to(ROOT)) for pkg in ("kiosk", "sync", "collector")
                 for p in (ROOT / pkg).rglob("*.py") if pattern.search(p.read_text())]
    assert offenders == []
