"""JSON outputs: NumPy values made plain, NaN/inf as null, written atomically."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from .atomic import write_text


def plain(obj: Any) -> Any:
    """A JSON-safe copy: NumPy scalars/arrays to Python, NaN/inf to None, paths to str."""
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return plain(obj.tolist())
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


def write_json(path: str | Path, obj: Any, indent: int | None = 2) -> Path:
    """Write ``obj`` as UTF-8 JSON (Chinese kept readable) through a temp file + rename."""
    return write_text(path, json.dumps(plain(obj), ensure_ascii=False, indent=indent))
