"""Dedicated grids (专属网格) generate demand of their own kinds at their sites.

A school, hospital or market (a facility of a kind in ``SITE_KINDS``) whose grid — its
``grid_id``, filled by location — is a dedicated grid becomes a demand *site*: an extra row
appended to the units the simulation uses (no households, no residents), in that grid.
Each site adds ``[demand] dedicated_events_per_month`` of its kind, drawn from the incident
types ``dedicated_types`` lists for the kind (equal shares) [A]; residents' demand is
unchanged.  The site's grid workers are sent to it like to any unit, so a dedicated grid
without a site still has a worker but no incidents of its own.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..errors import Problem
from ..vocab import INCIDENT_TYPES

SITE_KINDS = {"school": ("school", "middle_school", "kindergarten"), "hospital": ("health_centre", "clinic"),
              "market": ("market", "supermarket")}
_KIND_OF = {t: k for k, types in SITE_KINDS.items() for t in types}


def demand_sites(scenario):
    """(units with the sites appended, site kind per appended row)."""
    units, fac, grids = scenario.units, scenario.facilities, scenario.grids
    if fac is None or not len(fac):
        return units, np.zeros(0, dtype=object)
    dedicated = set(np.asarray(grids.id)[np.asarray(grids.level) == "dedicated"].tolist())
    rows = [f for f in range(len(fac)) if fac.type[f] in _KIND_OF and fac.grid_id[f] in dedicated
            and np.isfinite(fac.x[f]) and np.isfinite(fac.y[f])]
    if not rows:
        return units, np.zeros(0, dtype=object)
    r = np.array(rows, np.int64)
    import shapely

    def cat(a, b):
        return np.concatenate([np.asarray(a), np.asarray(b, dtype=np.asarray(a).dtype)])

    n = r.size
    out = replace(units, fid=cat(units.fid, np.full(n, -1)), id=cat(units.id, [f"site:{fac.id[f]}" for f in r]),
                  households=cat(units.households, np.zeros(n)), residents=cat(units.residents, np.zeros(n)),
                  grid_id=cat(units.grid_id, fac.grid_id[r]), micro_id=cat(units.micro_id, [""] * n),
                  x=cat(units.x, fac.x[r]), y=cat(units.y, fac.y[r]),
                  geometry=cat(units.geometry, shapely.points(fac.x[r], fac.y[r])), attrs={})
    return out, np.array([_KIND_OF[fac.type[f]] for f in r], dtype=object)


def with_sites(scenario):
    """(a shallow copy of the scenario whose units include the demand sites, their kinds)."""
    import copy

    units, kinds = demand_sites(scenario)
    if not kinds.size:
        return scenario, kinds
    out = copy.copy(scenario)
    out.units = units
    return out, kinds


def add_site_demand(model, params: dict, n_base: int, kinds: np.ndarray):
    """Extend a ``DemandModel`` built on the base units with the sites' rates and type mixes."""
    from ..demand import DAYS_PER_MONTH

    d = params["demand"]
    rate = np.array([float(d["dedicated_events_per_month"].get(k, 0.0)) for k in kinds]) / DAYS_PER_MONTH / 24.0
    model.unit_rate_per_h = np.concatenate([model.unit_rate_per_h[:n_base], rate])
    keys = list(model.type_keys)
    mixes = []
    for k in kinds:
        types = [t.strip() for t in str(d["dedicated_types"].get(k, "")).split(",") if t.strip()]
        for t in types:
            if t not in keys:
                keys.append(t)
        mixes.append(types)
    p = np.zeros((kinds.size, len(keys)))
    for i, types in enumerate(mixes):
        for t in types:
            p[i, keys.index(t)] = 1.0 / len(types)
    model.type_p = np.concatenate([model.type_p, np.zeros(len(keys) - len(model.type_keys))])
    model.type_keys = keys
    model.site_rows = np.arange(n_base, n_base + kinds.size, dtype=np.int64)
    model.site_type_p = p
    return model


def check_site_params(params: dict) -> list[Problem]:
    d, out = params["demand"], []
    for k, v in d["dedicated_events_per_month"].items():
        if not (float(v) >= 0 and np.isfinite(v)):
            out.append(Problem(f"must be ≥ 0, got {v!r}", "scenario.toml", "demand",
                               field=f"dedicated_events_per_month.{k}"))
    for k, v in d["dedicated_types"].items():
        bad = [t.strip() for t in str(v).split(",") if t.strip() and t.strip() not in INCIDENT_TYPES]
        if bad:
            out.append(Problem(f"unknown incident type(s) {', '.join(bad)} (known: {', '.join(INCIDENT_TYPES)})",
                               "scenario.toml", "demand", field=f"dedicated_types.{k}"))
    return out
