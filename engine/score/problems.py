"""The "act on this" list: grids out of norm, uncovered households, overloaded workers, topology.

Each problem is a dict ``{kind, grid_id, name, street, community, value, other_id, x, y}`` built
from the details of the computed metrics (so a problem is always backed by a metric), located at
the finding itself or at a point inside the grid.  Report texts come from ``report/i18n.py``.
"""
from __future__ import annotations

import numpy as np
import shapely

#: order of kinds in the report (most actionable first)
KINDS = ("overlap", "gap", "micro_outside_parent", "micro_no_parent", "micro_parent_not_general",
         "micro_code_not_nested", "micro_other_community", "micro_other_street", "community_in_several_streets", "missing_hierarchy",
         "unit_unknown_grid", "unit_outside_grid", "missing_type", "size_out_of_norm", "uncovered", "overloaded", "multipart",
         "micro_size_out_of_norm")


def collect_problems(scenario, scores, per_kind: int = 100) -> list[dict]:
    grids = scenario.grids
    row = {str(g): i for i, g in enumerate(grids.id)}
    found: list[dict] = []

    def add(kind: str, grid_id: str, value=None, other="", x=None, y=None):
        i = row.get(grid_id)
        rec = {"kind": kind, "grid_id": grid_id, "name": "", "street": "", "community": "",
               "value": None if value is None else float(value), "other_id": str(other),
               "x": x, "y": y}
        if i is not None:
            rec.update(name=str(grids.name[i]), street=str(grids.street[i]), community=str(grids.community[i]))
            if x is None or not np.isfinite(x):
                p = shapely.point_on_surface(grids.geometry[i])
                rec["x"], rec["y"] = float(p.x), float(p.y)
        found.append(rec)

    def details(key: str) -> dict:
        try:
            m = scores.metric(key)
        except KeyError:
            return {}
        return m.details if m.computed else {}

    for key in ("overlap_count", "gap_count", "nesting_violations", "units_outside_grid"):
        for f in details(key).get("findings", []):
            add(f["kind"], f["grid_id"], f["value"], f["other_id"], f["x"], f["y"])
    for key, kind in (("general_size_share", "size_out_of_norm"), ("micro_size_share", "micro_size_out_of_norm")):
        d = details(key)
        for gid, hh in d.get("out_of_norm", []):
            add(kind, gid, hh, f"{d['min']}–{d['max']}")
    if details("missing_facility_types").get("missing"):
        from ..coverage_types import coverage_types

        types = coverage_types(scenario.params)
        for kind in details("missing_facility_types")["missing"]:
            add("missing_type", "", None, kind)     # no place: the whole district lacks it
            found[-1].update(label_en=types[kind].label_en, label_zh=types[kind].label_zh)
    for gid, hh in details("uncovered_households").get("worst_grids", []):
        add("uncovered", gid, hh)
    d = details("utilisation_max")
    for gid, u in d.get("overloaded", []):
        add("overloaded", gid, u, f"{d['threshold']:.0%}")
    for gid, parts in details("contiguous_share").get("multipart", []):
        add("multipart", gid, parts)

    order = {k: i for i, k in enumerate(KINDS)}
    found.sort(key=lambda p: order.get(p["kind"], len(KINDS)))
    out, count = [], {}
    for p in found:
        count[p["kind"]] = count.get(p["kind"], 0) + 1
        if count[p["kind"]] <= per_kind:
            out.append(p)
    return out
