"""Who may import whom: DESIGN.md's folder table as rules over the imports read from every module's source.

Every import counts, also one inside a function or behind `if`, and `importlib.import_module("name")`
with a literal name: a lazy import is still a dependency. Only the command line (kiosk/commands,
kiosk/cli.py, kiosk/__main__.py) may reach screens/ and collector/, and only lazily, inside the command.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGES = ("kiosk", "screens", "sync", "collector")
COMMAND_LINE = ("kiosk.commands", "kiosk.cli", "kiosk.__main__")
WEB_FRAMEWORKS = ("fastapi", "starlette", "uvicorn")

# layer -> the layers it must never import (DESIGN.md, "folder | holds | may import").
NEVER = {
    "core": {"screens", "sync", "collector", "command line", "kivy", "web framework"},
    "command line": {"kivy"},
    "sync": {"screens", "collector", "command line", "kivy", "web framework"},
    "collector": {"screens", "command line", "kivy"},
    "screens": {"collector", "command line"},
}
# What the command line reaches only from inside the command that needs it.
LAZY_ONLY = {"command line": {"screens", "collector", "web framework"}}


@dataclass(frozen=True)
class Import:
    source: str      # the importing module, e.g. "kiosk.flow"
    path: Path       # its file
    line: int
    target: str      # what it imports, resolved to a module where it names one ("collector.records")
    lazy: bool       # inside a function: runs when called, not when the module is imported
    typing_only: bool = False  # under `if TYPE_CHECKING:`: never runs

    def where(self, root: Path) -> str:
        return f"{self.path.relative_to(root)}:{self.line}"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root: Path, packages=PACKAGES) -> dict[str, Path]:
    """Every module of the packages, by dotted name."""
    return {module_name(p, root): p for pkg in packages for p in sorted((root / pkg).rglob("*.py"))}


def layer(module: str) -> str | None:
    """The layer of a module name (project or third-party); None for anything the table does not rule on."""
    top = module.split(".")[0]
    if top == "kiosk":
        return "command line" if any(module == c or module.startswith(c + ".") for c in COMMAND_LINE) else "core"
    if top in ("screens", "sync", "collector", "kivy"):
        return top
    if top in WEB_FRAMEWORKS:
        return "web framework"
    return None


class _Reader(ast.NodeVisitor):
    def __init__(self, source: str, path: Path, is_package: bool, modules: dict[str, Path]):
        self.source, self.path, self.modules = source, path, modules
        self.package = source if is_package else source.rpartition(".")[0]
        self.found: list[Import] = []
        self._functions = 0
        self._typing = 0

    def _add(self, node: ast.AST, target: str) -> None:
        self.found.append(Import(self.source, self.path, node.lineno, target, self._functions > 0, self._typing > 0))

    def _absolute(self, module: str | None, level: int) -> str:
        if level == 0:
            return module or ""
        base = self.package.split(".")
        base = base[:len(base) - (level - 1)] if level > 1 else base
        return ".".join(base + ([module] if module else []))

    def _in_function(self, node: ast.AST) -> None:
        self._functions += 1
        self.generic_visit(node)
        self._functions -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _in_function

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        typing_only = (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
        self.visit(node.test)
        self._typing += typing_only
        for child in node.body:
            self.visit(child)
        self._typing -= typing_only
        for child in node.orelse:
            self.visit(child)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = self._absolute(node.module, node.level)
        for alias in node.names:
            # `from collector import records` imports the module collector.records; `from x import name` only x.
            candidate = f"{base}.{alias.name}"
            self._add(node, candidate if candidate in self.modules else base)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name in ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            self._add(node, node.args[0].value)
        self.generic_visit(node)


def read_imports(root: Path, packages=PACKAGES) -> tuple[dict[str, Path], list[Import]]:
    modules = project_modules(root, packages)
    found: list[Import] = []
    for name, path in modules.items():
        reader = _Reader(name, path, path.name == "__init__.py", modules)
        reader.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        found.extend(reader.found)
    return modules, found


def layer_offences(root: Path, found: list[Import]) -> list[str]:
    """One line per import that breaks the folder table: file:line, who imports what, and the rule."""
    offences = []
    for item in sorted(found, key=lambda i: (str(i.path), i.line)):
        source, target = layer(item.source), layer(item.target)
        if source is None or target is None or source == target:
            continue
        if target in NEVER.get(source, ()):
            offences.append(f"{item.where(root)}: {item.source} imports {item.target}: "
                            f"{source} never imports {target}")
        elif target in LAZY_ONLY.get(source, ()) and not item.lazy:
            offences.append(f"{item.where(root)}: {item.source} imports {item.target} when it is imported: "
                            f"{source} reaches {target} only inside the command that needs it")
    return offences


def import_cycles(root: Path, modules: dict[str, Path], found: list[Import]) -> list[str]:
    """The import cycles among modules (imports that run when a module is imported), each with its edges."""
    edges: dict[str, dict[str, Import]] = {name: {} for name in modules}
    for item in found:
        if item.lazy or item.typing_only:
            continue
        target = item.target
        while target and target not in modules:  # collector.records.OfficeRecord -> collector.records
            target = target.rpartition(".")[0]
        if target and target != item.source:
            edges[item.source].setdefault(target, item)
    cycles = []
    for component in _strongly_connected(edges):
        if len(component) > 1:
            members = set(component)
            lines = [f"  {edge.where(root)}: {source} -> {target}" for source in sorted(component)
                     for target, edge in sorted(edges[source].items()) if target in members]
            cycles.append("import cycle among " + ", ".join(sorted(component)) + ":\n" + "\n".join(lines))
    return cycles


def _strongly_connected(edges: dict[str, dict[str, Import]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (no recursion limit on a long import chain)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(edges[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(component)
    return components
