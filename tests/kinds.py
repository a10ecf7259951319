"""The kind of each test, from what it uses: markers for a fast loop (`pytest -m "not slow"`) and for choosing.

Nothing is marked by hand: the fixtures a test asks for, its parameters, the packages its file imports,
whether it is a property test and whether it (or a helper or fixture of this suite) starts processes
decide. pyproject.toml registers the markers.
"""
from __future__ import annotations

import inspect
import re
from functools import lru_cache
from pathlib import Path

UI_FIXTURES = {"kivy_window", "launch_kiosk"}
POSTGRES_FIXTURES = {"postgres_cluster", "postgres_url", "postgres_database"}
BROWSER_FIXTURES = {"browser"}
COLLECTOR_FIXTURES = {"collector_app", "collector_server", "module_collector_server", "collector_db_url",
                      "collector_backend"}
_STARTS_PROCESSES = re.compile(r"\bsubprocess\b|\bsys\.executable\b|\bPopen\b|\brun_kiosk\b|\bcollector_server\b")
_OWN_CLUSTER = re.compile(r"\bPostgresCluster\(\)\.start\(")
_TESTS = Path(__file__).parent
_IMPORTS = re.compile(r"^\s*(?:from|import)\s+(collector|playwright|kivy|screens|schemathesis)\b", re.M)


@lru_cache(maxsize=None)
def _imported_by_file(path: Path) -> frozenset[str]:
    return frozenset(_IMPORTS.findall(path.read_text(encoding="utf-8")))


def _source(function) -> str:
    try:
        return inspect.getsource(function)
    except (OSError, TypeError):
        return ""


def _starts_processes(function, depth: int = 2) -> bool:
    """The test, or a function of the tests' own modules that it calls (two calls deep), starts a process."""
    if _STARTS_PROCESSES.search(_source(function)):
        return True
    if depth == 0:
        return False
    names = set(function.__code__.co_names) | {n for c in function.__code__.co_consts if inspect.iscode(c)
                                               for n in c.co_names}
    for name in names:
        helper = function.__globals__.get(name)
        if inspect.isfunction(helper) and helper is not function and \
                Path(inspect.getfile(helper)).parent == _TESTS and _starts_processes(helper, depth - 1):
            return True
    return False


def kinds_of(item) -> set[str]:
    fixtures = set(getattr(item, "fixturenames", ()))
    params = getattr(getattr(item, "callspec", None), "params", {})
    imported = _imported_by_file(Path(item.path))
    kinds = set()
    if fixtures & UI_FIXTURES or {"kivy", "screens"} & imported or item.path.name.startswith("test_ui_"):
        kinds.add("ui")
    if "postgresql" in params.values() or fixtures & POSTGRES_FIXTURES:  # collector_backend, or a module's own
        kinds.add("postgres")
    if "playwright" in imported or fixtures & BROWSER_FIXTURES:
        kinds.add("browser")
    if fixtures & COLLECTOR_FIXTURES or "collector" in imported or params.get("sync_target") == "real":
        kinds.add("collector")
    function = getattr(item, "function", None)
    if function is not None and _OWN_CLUSTER.search(_source(function)):
        kinds.add("postgres")
    # Property tests (Hypothesis) and API fuzzing run hundreds of examples: seconds each, not milliseconds.
    property_test = getattr(function, "is_hypothesis_test", False) or "schemathesis" in imported
    if kinds & {"ui", "postgres", "browser"} or property_test or params.get("sync_target") == "real" or \
            {"collector_server", "module_collector_server"} & fixtures or \
            any(_starts_processes(f) for f in _own_functions(item)):
        kinds.add("slow")
    return kinds


def _own_functions(item) -> list:
    """The test function and the fixtures of this suite it uses (a fixture may start the process)."""
    functions = [item.function] if getattr(item, "function", None) is not None else []
    info = getattr(item, "_fixtureinfo", None)
    for definitions in (info.name2fixturedefs.values() if info is not None else ()):
        for definition in definitions:
            func = getattr(definition, "func", None)
            # A parametrised fixture (sync_target, collector_backend) is judged by its parameter above.
            if definition.params is None and inspect.isfunction(func) \
                    and Path(inspect.getfile(func)).parent == _TESTS:
                functions.append(func)
    return functions
