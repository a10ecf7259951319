"""DESIGN.md's folder table holds: no layer imports what it must never import, Kivy stays under screens/,
and no modules import each other in a cycle. The rules are read by tests/layering.py from every module."""
import subprocess
import sys
import textwrap
from pathlib import Path

from layering import import_cycles, layer_offences, read_imports

ROOT = Path(__file__).resolve().parent.parent


def test_no_layer_imports_what_design_md_forbids():
    modules, found = read_imports(ROOT)
    assert len(modules) > 50 and len(found) > 300  # it read the whole project, not an empty folder
    offences = layer_offences(ROOT, found)
    assert not offences, "imports that break DESIGN.md's folder table:\n" + "\n".join(offences)


def test_no_import_cycles():
    modules, found = read_imports(ROOT)
    cycles = import_cycles(ROOT, modules, found)
    assert not cycles, "\n".join(cycles)


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


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    for pkg in ("kiosk", "kiosk/commands", "screens", "sync", "collector"):
        (root / pkg).mkdir(parents=True, exist_ok=True)
        (root / pkg / "__init__.py").touch()
    return root


def test_the_rules_catch_wrong_imports_wherever_they_hide(tmp_path):
    root = _tree(tmp_path, {
        "kiosk/flow.py": """\
            import json

            def later():
                from sync.wire import MAX_BATCH  # lazy still counts
                return MAX_BATCH
            """,
        "kiosk/store.py": "import importlib\nimportlib.import_module('kivy.app')\n",
        "sync/worker.py": "from collector import app\n",
        "collector/app.py": "from kiosk.commands.report import to_csv\n",
        "screens/staff.py": "import kivy\nfrom kiosk import cli\n",
        "kiosk/commands/run.py": "from screens import staff\n\ndef run():\n    from collector import app\n",
        "kiosk/cli.py": "",
    })
    _, found = read_imports(root)
    assert layer_offences(root, found) == [
        "collector/app.py:1: collector.app imports kiosk.commands.report: collector never imports command line",
        "kiosk/commands/run.py:1: kiosk.commands.run imports screens.staff when it is imported: "
        "command line reaches screens only inside the command that needs it",
        "kiosk/flow.py:4: kiosk.flow imports sync.wire: core never imports sync",
        "kiosk/store.py:2: kiosk.store imports kivy.app: core never imports kivy",
        "screens/staff.py:2: screens.staff imports kiosk.cli: screens never imports command line",
        "sync/worker.py:1: sync.worker imports collector.app: sync never imports collector",
    ]


def test_cycles_are_found_with_their_lines_and_lazy_imports_break_none(tmp_path):
    root = _tree(tmp_path, {
        "collector/app.py": "from collector import dashboard\n",
        "collector/dashboard.py": "import json\nfrom .reports import office_report\n",
        "collector/reports.py": "from collector.app import create_app\n",
        "collector/ingest.py": "def later():\n    from collector import websurvey\n",
        "collector/websurvey.py": "from collector import ingest\n",
    })
    modules, found = read_imports(root)
    assert import_cycles(root, modules, found) == [
        "import cycle among collector.app, collector.dashboard, collector.reports:\n"
        "  collector/app.py:1: collector.app -> collector.dashboard\n"
        "  collector/dashboard.py:2: collector.dashboard -> collector.reports\n"
        "  collector/reports.py:1: collector.reports -> collector.app"
    ]
