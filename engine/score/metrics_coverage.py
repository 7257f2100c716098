"""Life-circle coverage: households within each tier's distance, and by travel-time band.

GB 50180-2018 defines the 5/10/15-minute tiers by walking network distance (300/500/1,000 m
here, ``params["circles"]["tier_distance_m"]``); a household is covered for a tier when every
facility type of that tier present in the scenario lies within the distance.
"""
from __future__ import annotations

import numpy as np

from ..vocab import BAND_MINUTES, FACILITY_TYPES
from .registry import MetricValue, NotComputed, metric

TIER_NORM = "GB 50180-2018 5/10/15-minute life circles (300/500/1,000 m walking)"


def _tier_coverage(ctx, tier: str) -> MetricValue:
    types = ctx.tier_types(tier)
    if not types:
        raise NotComputed(f"no {tier} facility types in the scenario")
    ok = np.ones(len(ctx.scenario.units.id), dtype=bool)
    per_type = {}
    for t in types:
        w = np.asarray(ctx.circles.unit_within_tier[t], dtype=bool)
        per_type[t] = ctx.hh_share(w)
        ok &= w
    return MetricValue(ctx.hh_share(ok), {"types": types, "per_type": per_type})


for _tier, _zh in (("5min", "5分钟"), ("10min", "10分钟"), ("15min", "15分钟")):
    metric(f"coverage_{_tier}_tier", label_en=f"Households with a complete {_tier} life circle",
           label_zh=f"{_zh}生活圈设施齐全的住户比例", unit="share", direction="higher", section="coverage",
           norm=TIER_NORM, needs=("circles",), good=1.0, bad=0.0,
           description_en=f"Share of households that reach every {_tier}-tier facility type within the tier's "
                          "walking distance.",
           description_zh=f"步行距离内可达全部{_zh}生活圈设施类型的住户占比。")(
        lambda ctx, _t=_tier: _tier_coverage(ctx, _t))


def _band_share(ctx, band: int) -> MetricValue:
    ctx.need("circles")
    types = list(ctx.circles.types)
    if not types:
        raise NotComputed("no facility types")
    per_type = {}
    for t in types:
        b = np.asarray(ctx.circles.unit_band[t])
        per_type[t] = ctx.hh_share(b <= band)
    return MetricValue(float(np.mean(list(per_type.values()))), {"per_type": per_type})


for _band, _minutes in enumerate(BAND_MINUTES):
    metric(f"coverage_le{_minutes}min", label_en=f"Households within {_minutes} min (mean over facility types)",
           label_zh=f"{_minutes}分钟内可达的住户比例（各类设施平均）", unit="share", direction="higher",
           section="coverage", norm="5/10/15-minute bands, DOMAIN §3", needs=("circles",),
           description_en=f"Household share reaching each facility type within {_minutes} minutes on the network, "
                          "averaged over the types; the per-type table is in the details.",
           description_zh=f"按路网{_minutes}分钟内可达各类设施的住户比例，取各类设施的平均值。")(
        lambda ctx, _b=_band: _band_share(ctx, _b))


@metric("uncovered_households", label_en="Households missing a life-circle facility",
        label_zh="生活圈设施缺项的住户数", unit="households", direction="lower", section="coverage",
        norm=TIER_NORM + "; coverage target 100% (DOMAIN §7)", needs=("circles",),
        description_en="Households for which at least one tier facility type is beyond its tier distance; "
                       "the grids with the most are listed.",
        description_zh="至少有一类生活圈设施超出该层级步行距离的住户数，并列出最多的网格。")
def uncovered_households(ctx) -> MetricValue:
    ctx.tier_types()
    miss = ctx.unit_missing_tier > 0
    hh = np.asarray(ctx.scenario.units.households, dtype=float)
    rows = ctx.unit_grid_row
    ok = miss & (rows >= 0)
    per_grid = np.bincount(rows[ok], weights=hh[ok], minlength=len(ctx.scenario.grids.id))
    worst = [(str(ctx.scenario.grids.id[i]), float(per_grid[i])) for i in np.argsort(-per_grid)[:10] if per_grid[i] > 0]
    missing_types = {}
    for t in ctx.tier_types():
        w = ~np.asarray(ctx.circles.unit_within_tier[t], dtype=bool)
        missing_types[t] = float(hh[w].sum())
    return MetricValue(float(hh[miss].sum()), {"worst_grids": worst, "by_type": missing_types})


def tier_of(kind: str) -> str | None:
    ft = FACILITY_TYPES.get(kind)
    return ft.tier if ft else None
