"""Texts of the Edit tab: table cells with their change, validation lines in the UI language.

Kept apart from the widgets so they can be tested (and translated) without a panel; the
translation context is the panel's ("EditPanel").
"""
from __future__ import annotations

import math
from typing import Any

from qgis.PyQt.QtCore import QCoreApplication


def _tr(text: str) -> str:
    return QCoreApplication.translate("EditPanel", text)


def finding_text(f, lang: str = "en") -> str:
    """One line of the validation list in the UI language (``Finding.args`` hold the numbers)."""
    from ...engine.vocab import GRID_LEVELS

    kinds = {"gap": _tr("Gap"), "overlap": _tr("Overlap"), "multipart": _tr("Multipart grid"),
             "norm": _tr("Outside the norm"), "unassigned": _tr("Unit in no grid"),
             "outside": _tr("Unit outside its grid")}
    a, ids = tuple(getattr(f, "args", ()) or ()), ", ".join(f.grid_ids)
    try:
        if f.kind in ("gap", "overlap") and len(a) == 1:
            detail = _tr("{0:.0f} m², grids {1}").format(a[0], ids)
        elif f.kind == "multipart" and len(a) == 1:
            detail = _tr("grid {0} has {1} separate parts").format(ids, a[0])
        elif f.kind == "norm" and len(a) == 4:
            level = GRID_LEVELS[a[0]].label(lang) if a[0] in GRID_LEVELS else a[0]
            detail = _tr("{0} {1}: {2:.0f} households, norm {3}–{4}").format(level, ids, *a[1:])
        elif f.kind == "unassigned" and len(a) == 2:
            detail = _tr("unit {0} ({1:.0f} households) is in no grid").format(*a)
        elif f.kind == "outside" and len(a) == 1:
            detail = _tr("unit {0} lies outside its grid {1}").format(a[0], ids)
        else:
            detail = f.message
    except (ValueError, IndexError, KeyError):   # a translation with broken placeholders
        detail = f.message
    return _tr("{0}: {1}").format(kinds.get(f.kind, f.kind), detail)


def cell_text(value: Any, delta: Any, fmt: str) -> str:
    """``313 (−175)``; a new grid shows ``(new)``; NaN shows ``–``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = fmt.format(value)
    if delta is None:
        return f"{text} ({_tr('new')})"
    if isinstance(delta, float) and math.isnan(delta):
        return text
    d = fmt.format(abs(delta))
    if d != fmt.format(0):          # no "(+0.00)" for float noise
        text += f" ({'+' if delta > 0 else '−'}{d})"
    return text
