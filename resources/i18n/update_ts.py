"""Refresh gridgov_zh_CN.ts from the plugin's Python sources (Qt5's lupdate cannot read Python).

Finds ``self.tr("…")`` (context = enclosing class), ``QCoreApplication.translate("Ctx", "…")``,
``QT_TRANSLATE_NOOP("Ctx", "…")`` (constants translated where they are shown) and module
helpers that wrap ``translate`` with a fixed context (``_tr``/``tr``; a module's own helper wins,
an imported one is found by its unique name), keeps every translation already in the .ts, and
marks new strings ``unfinished``.  Run it after changing
UI strings, translate the new entries (Qt Linguist or any editor), then ``make translations``.

    python resources/i18n/update_ts.py
"""
from __future__ import annotations

import ast
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLUGIN = HERE.parents[1] / "plugin"
TS = HERE / "gridgov_zh_CN.ts"


def _const(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _wrappers(tree: ast.Module) -> dict[str, str]:
    """Module functions ``def f(text): return QCoreApplication.translate("Ctx", text)``."""
    out = {}
    for fn in tree.body:
        if isinstance(fn, ast.FunctionDef):
            for node in ast.walk(fn):
                if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "translate" and node.args:
                    ctx = _const(node.args[0])
                    if ctx:
                        out[fn.name] = ctx
    return out


def _imported(path: Path, tree: ast.Module, local: dict[Path, dict[str, str]]) -> dict[str, str]:
    """Helpers imported relatively (``from .base import _tr``) keep their module's context."""
    out = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level and node.module:
            base = path.parents[node.level - 1].joinpath(*node.module.split("."))
            defs = local.get(base.with_suffix(".py")) or local.get(base / "__init__.py") or {}
            for alias in node.names:
                if alias.name in defs:
                    out[alias.asname or alias.name] = defs[alias.name]
    return out


def extract(root: Path = PLUGIN) -> dict[str, list[str]]:
    """context → source strings, in file order."""
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(root.rglob("*.py"))}
    local = {p: _wrappers(tree) for p, tree in trees.items()}
    contexts: dict[str, set[str]] = {}
    for defs in local.values():
        for name, ctx in defs.items():
            contexts.setdefault(name, set()).add(ctx)
    shared = {name: next(iter(ctxs)) for name, ctxs in contexts.items() if len(ctxs) == 1}
    found: dict[str, list[str]] = {}

    def add(ctx: str, text: str | None) -> None:
        if text and text not in found.setdefault(ctx, []):
            found[ctx].append(text)

    for path, tree in trees.items():
        wrappers = {**shared, **_imported(path, tree, local), **local[path]}
        for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
            for node in ast.walk(cls):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "tr" \
                        and isinstance(node.func.value, ast.Name) and node.func.value.id == "self" and node.args:
                    add(cls.name, _const(node.args[0]))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", "")
            if name in ("translate", "QT_TRANSLATE_NOOP") and len(node.args) >= 2:
                add(_const(node.args[0]) or "", _const(node.args[1]))
            elif isinstance(node.func, ast.Name) and node.func.id in wrappers and node.args:
                add(wrappers[node.func.id], _const(node.args[0]))
    found.pop("", None)
    return found


def read_ts(path: Path) -> dict[tuple[str, str], str]:
    if not path.exists():
        return {}
    out = {}
    for ctx in ET.parse(path).getroot().iter("context"):
        name = ctx.findtext("name")
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            if tr is not None and tr.text and tr.get("type") not in ("unfinished", "obsolete"):
                out[(name, msg.findtext("source"))] = tr.text
    return out


def write_ts(path: Path, found: dict[str, list[str]], known: dict[tuple[str, str], str]) -> int:
    root = ET.Element("TS", version="2.1", language="zh_CN", sourcelanguage="en")
    missing = 0
    for ctx in sorted(found):
        c = ET.SubElement(root, "context")
        ET.SubElement(c, "name").text = ctx
        for text in found[ctx]:
            m = ET.SubElement(c, "message")
            ET.SubElement(m, "source").text = text
            tr = ET.SubElement(m, "translation")
            if (ctx, text) in known:
                tr.text = known[(ctx, text)]
            else:
                tr.set("type", "unfinished")
                missing += 1
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")
    return missing


def main() -> int:
    found = extract()
    missing = write_ts(TS, found, read_ts(TS))
    print(f"{TS.name}: {sum(map(len, found.values()))} strings in {len(found)} contexts, {missing} untranslated")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
