"""The engine's import graph, read from the source (ast, nothing imported): no cycle, no GUI,
every package it imports declared in pyproject.toml.

Every ``import`` counts, also those inside functions (a lazy import hides a cycle, it does not
remove it), and importing ``a.b.c`` also imports the packages ``a`` and ``a.b``.
"""
from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[1] / "engine"
FORBIDDEN = ("PyQt5", "PyQt6", "PySide2", "PySide6", "sip", "qgis")


def _module_name(path: Path) -> str:
    parts = ("engine",) + path.relative_to(ENGINE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, name: str) -> tuple[set[str], set[str]]:
    """``(engine modules, outside top-level names)`` imported by one file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    inside, outside = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = node.module or ""
            else:
                pkg = package.split(".")
                base = ".".join(pkg[:len(pkg) - node.level + 1] + ([node.module] if node.module else []))
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        for t in targets:
            if t.startswith("gridgov."):
                t = t[len("gridgov."):]
            if t.split(".")[0] in ("engine", "plugin") and not t.startswith("engine") or t.startswith("plugin"):
                outside.add("plugin")
            elif t.split(".")[0] == "engine":
                inside.add(t)
            elif t:
                outside.add(t.split(".")[0])
    return inside, outside


def engine_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    files = {_module_name(p): p for p in ENGINE.rglob("*.py") if "__pycache__" not in p.parts}
    graph: dict[str, set[str]] = {}
    external: dict[str, set[str]] = {}
    for name, path in files.items():
        inside, outside = _imports(path, name)
        deps = set()
        for t in inside:
            while t and t not in files:        # `from pkg import name`: the name is no module
                t = t.rpartition(".")[0]
            while t:                           # importing a.b.c runs a/__init__ and a/b/__init__ first
                deps.add(t)
                t = t.rpartition(".")[0]
        parents = set()
        p = name.rpartition(".")[0]
        while p:                               # a module's own packages are not a dependency cycle
            parents.add(p)
            p = p.rpartition(".")[0]
        graph[name] = deps - {name} - parents
        external[name] = outside
    return graph, external


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state:
                found = visit(m)
                if found:
                    return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            found = visit(n)
            if found:
                return found
    return None


def test_engine_imports_form_no_cycle():
    graph, _ = engine_graph()
    assert "engine.workflows.run" in graph and "engine.scenario.load" in graph   # it read the real tree
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " → ".join(cycle)


def test_engine_never_imports_gui_or_plugin():
    _, external = engine_graph()
    bad = {m: sorted(x for x in ext if x in FORBIDDEN or x == "plugin") for m, ext in external.items()}
    assert {m: b for m, b in bad.items() if b} == {}


def test_the_checker_sees_cycles_and_lazy_imports(tmp_path):
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    f = tmp_path / "m.py"
    f.write_text("def f():\n    from ..score import compare\n    import PyQt5.QtCore\n")
    inside, outside = _imports(f, "engine.x.m")
    assert "engine.score.compare" in inside and "PyQt5" in outside


# import name → distribution name in pyproject.toml; None: provided by the system/QGIS, not pip
DISTRIBUTION = {"tomli_w": "tomli-w", "distributed": "dask", "osgeo": None}


def test_every_package_the_engine_imports_is_declared():
    import re
    import sys
    import tomllib

    project = tomllib.loads((ENGINE.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    declared = {re.split(r"[\[<>=!~ ;]", s, maxsplit=1)[0].lower() for s in specs}
    _, external = engine_graph()
    imported = {n for names in external.values() for n in names} - set(sys.stdlib_module_names) - set(FORBIDDEN)
    missing = sorted(n for n in imported if DISTRIBUTION.get(n, n) is not None and DISTRIBUTION.get(n, n) not in declared)
    assert missing == [], f"imported by engine/ but not declared in pyproject.toml: {missing}"
    assert project["requires-python"] == ">=3.11"      # tomllib
    pinned = {re.split(r"[\[=]", line, maxsplit=1)[0].strip().lower()
              for line in (ENGINE.parent / "scripts" / "requirements.txt").read_text().splitlines()
              if line.split("#")[0].strip()}
    # every package the product needs is pinned for the venv, except numpy (the system's, see
    # setup_env.sh); the optional benchmark peers ([bench]) have their own scripts/requirements-bench.txt
    needed = project["dependencies"] + [r for name, extra in project["optional-dependencies"].items()
                                        if name != "bench" for r in extra]
    needed_names = {re.split(r"[\[<>=!~ ;]", s, maxsplit=1)[0].lower() for s in needed}
    assert sorted(needed_names - pinned - {"numpy"}) == []
