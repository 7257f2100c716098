"""JSON outputs: NumPy values made plain, NaN/inf as null, written atomically.

A run's scores.json holds columns of 100,000s of values (a city's per-grid and per-unit
metrics).  Two things keep that fast: NumPy arrays are converted whole (``tolist`` in C, the
non-finite positions patched afterwards) instead of value by value, and ``dumps`` indents only
the containers: a list of plain values is one line, written by json's C encoder (``indent``
switches the whole document to the pure-Python encoder, one value per line).
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from .atomic import write_text


def _plain_array(a: np.ndarray) -> list:
    """``plain`` of an array, converted whole: NaN/inf become None."""
    if a.dtype.kind == "f":
        bad = ~np.isfinite(a)
        if bad.any():
            obj = a.astype(object)
            obj[bad] = None
            return obj.tolist()
        return a.tolist()
    if a.dtype.kind in "iub":   # Python ints and bools, as tolist gives them
        return a.tolist()
    if a.dtype.kind == "U":
        return a.tolist()
    if a.dtype.kind == "S":
        return [v.decode() for v in a.tolist()]
    return plain(a.tolist())    # object arrays: anything inside


_JSON_ATOMS = frozenset({int, str, bool, type(None)})


def _plain_values(values: list | tuple) -> list | None:
    """A list of plain values as it is (checked at C speed: a document made plain once is
    often made plain again), or None when some value needs converting."""
    kinds = set(map(type, values))
    if kinds <= _JSON_ATOMS:
        return list(values)
    if kinds == {float} and all(map(math.isfinite, values)):
        return list(values)
    return None


def plain(obj: Any) -> Any:
    """A JSON-safe copy: NumPy scalars/arrays to Python, NaN/inf to None, paths to str."""
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        same = _plain_values(obj)
        return same if same is not None else [plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _plain_array(obj)
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        return f if np.isfinite(f) else None
    if isinstance(obj, Path):
        return str(obj)
    return obj


def _compact(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))


def dumps(obj: Any, indent: int | None = 2) -> str:
    """JSON text of a ``plain`` value: objects and lists of containers indented by ``indent``
    spaces, lists of plain values on one line (``indent=None``: all on one line)."""
    if indent is None:
        return json.dumps(obj, ensure_ascii=False)
    step = " " * indent

    def text(value: Any, pad: str) -> str:
        inner = pad + step
        if isinstance(value, dict) and value:
            items = (f"{inner}{_compact(str(k))}: {text(v, inner)}" for k, v in value.items())
            return "{\n" + ",\n".join(items) + "\n" + pad + "}"
        if isinstance(value, list) and any(isinstance(v, (dict, list)) and v for v in value):
            return "[\n" + ",\n".join(inner + text(v, inner) for v in value) + "\n" + pad + "]"
        return _compact(value)

    return text(obj, "")


def write_json(path: str | Path, obj: Any, indent: int | None = 2) -> Path:
    """Write ``obj`` as UTF-8 JSON (Chinese kept readable) through a temp file + rename."""
    return write_text(path, dumps(plain(obj), indent))
