"""The form of a parameter declaration (``Param``) and the type test of a value.

``engine/params.py`` declares every parameter with ``Param``; ``engine/param_checks.py`` checks
values against the declarations.  This module depends on neither, so both can import it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DAYS_PER_MONTH = 365.25 / 12.0   # what "per month" means in every rate parameter

ANY_VALUE = "any"   # a value (or table value / list item) checked only for NaN/±inf, e.g. default None
KINDS = ("bool", "int", "number", "str", "list", "table", ANY_VALUE)


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "table"
    return ANY_VALUE


def _parse_range(text: str) -> tuple[float | None, float | None, bool, bool]:
    """'(0, 3]' → (0, 3, lo_open=True, hi_open=False); 'inf' bounds mean unbounded."""
    t = text.replace(" ", "")
    if not (len(t) >= 5 and t[0] in "[(" and t[-1] in "])" and "," in t):
        raise ValueError(f"bad range {text!r}: write e.g. '(0, 3]' or '[0, inf)'")
    lo_s, hi_s = t[1:-1].split(",")
    lo = None if lo_s in ("-inf", "") else float(lo_s)
    hi = None if hi_s in ("inf", "") else float(hi_s)
    return lo, hi, t[0] == "(", t[-1] == ")"


@dataclass(frozen=True)
class Param:
    """One parameter.  The first four fields keep the old positional form
    ``Param(default, unit, doc, source)``; everything else is a keyword with a permissive default
    (type inferred from the default, any value of that type allowed, numbers finite)."""

    default: Any
    unit: str = ""
    doc: str = ""
    source: str = ""
    en: str = ""                        # short label (English); falls back to ``doc``
    zh: str = ""                        # short label (简体中文)
    kind: str = ""                      # one of KINDS; inferred from ``default``
    range: str = ""                     # allowed values of numbers (items of lists / tables), e.g. "(0, 3]"
    finite: bool = True                 # ±inf refused (NaN is always refused)
    choices: tuple[str, ...] = ()       # allowed strings (items of string lists)
    keys: tuple[str, ...] | None = None  # keys of a table; None = the default's keys
    open_keys: bool = False             # a table whose keys the user names (any key allowed)
    item: str = ""                      # kind of table values / list items; inferred from the default
    sum_to_1: bool = False              # a table of shares that must add up to 1
    length: int | None = None           # exact length of a list
    increasing: bool = False            # list items strictly increasing
    limit: str = ""                     # why the range stops where it does (shown with range errors)
    key_labels: dict[str, tuple[str, str]] = field(default_factory=dict)  # table key → (en, zh)

    def __post_init__(self) -> None:
        kind = self.kind or _kind_of(self.default)
        if kind not in KINDS:
            raise ValueError(f"Param kind {kind!r} is not one of {KINDS}")
        object.__setattr__(self, "kind", kind)
        if kind == "table" and not self.default and self.keys is None:
            object.__setattr__(self, "open_keys", True)     # an empty default table: the user names the keys
        if kind == "table" and self.keys is None and not self.open_keys:
            object.__setattr__(self, "keys", tuple(self.default))
        if kind in ("table", "list") and not self.item:
            items = list(self.default.values() if kind == "table" else self.default)
            kinds = {_kind_of(v) for v in items}
            item = kinds.pop() if len(kinds) == 1 else ("number" if kinds == {"int", "number"} else ANY_VALUE)
            object.__setattr__(self, "item", item)
        if self.range:
            _parse_range(self.range)  # a typo in the schema fails at import, not at check time

    @property
    def bounds(self) -> tuple[float | None, float | None, bool, bool]:
        return _parse_range(self.range) if self.range else (None, None, False, False)

    def label(self, lang: str = "en") -> str:
        if lang.startswith("zh"):
            return self.zh or self.en or self.doc
        return self.en or self.doc

    def key_label(self, key: str, lang: str = "en") -> str:
        en_zh = self.key_labels.get(key)
        return key if en_zh is None else en_zh[1 if lang.startswith("zh") else 0]


def describe_range(p: Param) -> str:
    """'(0, 3] m/s', '≥ 0', 'walk | ebike', ... for docs and messages."""
    if p.choices:
        return "one of " + ", ".join(p.choices)
    if not p.range:
        return ""
    lo, hi, lo_open, hi_open = p.bounds
    if hi is None and lo is not None:
        return f"{'>' if lo_open else '≥'} {_num(lo)}"
    if lo is None and hi is not None:
        return f"{'<' if hi_open else '≤'} {_num(hi)}"
    return f"{'(' if lo_open else '['}{_num(lo)}, {_num(hi)}{')' if hi_open else ']'}"


def _num(x: float) -> str:
    return f"{x:,.0f}" if x == int(x) and abs(x) >= 1e5 else f"{x:g}"


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def kind_problem(kind: str, value: Any) -> str:
    """'' when ``value`` has the declared kind, else what it must be (type only, no range)."""
    if kind == ANY_VALUE or not kind:
        return ""
    if kind == "bool":
        return "" if isinstance(value, bool) else "must be true or false"
    if kind in ("int", "number"):
        if isinstance(value, bool):
            return f"must be a {'whole ' if kind == 'int' else ''}number, not true/false"
        if not _is_number(value):
            return f"must be {'int' if kind == 'int' else 'float'} (a number)"
        return ""
    if kind == "str":
        return "" if isinstance(value, str) else "must be str (text in quotes)"
    if kind == "list":
        return "" if isinstance(value, list) else "must be a list [a, b, ...]"
    if kind == "table":
        return "" if isinstance(value, dict) else "must be a table {key = value, ...}"
    return ""
