"""The shape of the code base, checked by walking every module's imports with ``ast``.

The layers (docs/architecture.md), lowest first: rules ← core ← accounts ← moderation ←
rechecks | appeals ← complaints ← reports ← config. An import never points up the list —
deferred imports inside functions included — and rechecks and appeals, side by side, never
import each other. No two modules import each other, directly or round a loop (a package's
``__init__`` re-exports count as its imports). Services and the rules engine are made of
functions short enough to read.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["rules", "core", "accounts", "moderation", "rechecks", "appeals", "complaints", "reports", "config"]
SIDE_BY_SIDE = {("rechecks", "appeals"), ("appeals", "rechecks")}
SKIP_DIRS = {"migrations", "__pycache__"}
MAX_FUNCTION_LINES = 60


def _rank(app: str) -> int:
    # rechecks and appeals share one rank: neither is above the other.
    return {"rechecks": 4, "appeals": 4}.get(app, LAYERS.index(app) if app in LAYERS else -1)


@cache
def modules() -> dict[str, Path]:
    """Every module of our apps (not migrations) by dotted name."""
    found = {}
    for app in LAYERS:
        base = ROOT / app
        if not base.is_dir():
            continue
        for path in base.rglob("*.py"):
            if SKIP_DIRS & set(path.relative_to(ROOT).parts):
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _is_package(name: str) -> bool:
    return modules()[name].name == "__init__.py"


def _resolve(importer: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".") if _is_package(importer) else importer.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


@cache
def imports() -> dict[str, list[tuple[str, int]]]:
    """module → [(imported module, line)], every import statement anywhere in the module."""
    known = modules()
    graph: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for name, path in known.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    graph[name].append((alias.name, node.lineno))
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(name, node)
                for alias in node.names:
                    # "from pkg import mod" imports the module pkg.mod when there is one.
                    sub = f"{target}.{alias.name}"
                    graph[name].append((sub if sub in known else target, node.lineno))
    return graph


def test_the_walk_sees_the_apps():
    assert {"rules.engine", "core.audit", "accounts.services", "moderation.services.pipeline"} <= set(modules())
    assert "core.models" in {t for t, _line in imports()["core.audit"]}
    # "from moderation.services import case_open" points at the package, "from core import audit" at the module
    assert "moderation.services" in {t for t, _line in imports()["moderation.views.cases"]}


def test_no_import_points_up_the_layers():
    wrong = []
    for name, targets in imports().items():
        app = name.split(".")[0]
        for target, line in targets:
            other = target.split(".")[0]
            if other not in LAYERS or other == app:
                continue
            if _rank(other) > _rank(app) or (app, other) in SIDE_BY_SIDE:
                wrong.append(f"{modules()[name].relative_to(ROOT)}:{line} imports {target}")
    assert not wrong, "imports that point up the layers:\n" + "\n".join(sorted(wrong))


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
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
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def test_cycle_finder_finds_cycles():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_between_modules():
    known = modules()
    graph = {name: {t for t, _line in targets if t in known and t != name} for name, targets in imports().items()}
    cycles = _cycles(graph)
    assert not cycles, "modules that import each other (directly or round a loop):\n" + "\n".join(
        " → ".join(c) for c in cycles)


def _long_functions():
    for name, path in modules().items():
        if not (name.startswith("rules.") or ".services" in name):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    yield f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)"


def test_services_and_the_rules_engine_have_no_long_functions():
    long = sorted(_long_functions())
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(long)


@pytest.mark.parametrize("app", ["core", "rules"])
def test_the_low_layers_name_no_app_above_them_even_in_strings(app):
    """Core and rules must not reach the apps above them by name either (``import_module``,
    ``apps.get_model("moderation", …)``, hard-coded app lists)."""
    above = LAYERS[_rank(app) + 1: -1]
    hits = []
    for name, path in modules().items():
        if name.split(".")[0] != app:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                value = node.value
                for other in above:
                    if value == other or value.startswith(f"{other}.") or value.startswith(f"{other}:"):
                        hits.append(f"{path.relative_to(ROOT)}:{node.lineno} {value!r}")
    assert not hits, "names of higher apps in low layers:\n" + "\n".join(hits)
