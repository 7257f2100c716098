"""Life-circle coverage: households within each tier's distance, and by travel-time band.

GB 50180-2018 defines the 5/10/15-minute tiers by walking network distance (300/500/1,000 m
here, ``params["circles"]["tier_distance_m"]``); a household is covered for a tier when every
facility type of that tier present in the scenario lies within the distance.
"""
from __future__ import annotations

import numpy as np

from ..vocab import BAND_MINUTES
from .registry import MetricValue, NotComputed, metric

TIER_NORM = "GB 50180-2018 5/10/15-minute life circles (300/500/1,000 m walking)"
TIER_NORM_ZH = "GB 50180-2018《城市居住区规划设计标准》5/10/15分钟生活圈（步行300/500/1000米）"


def _tier_coverage(ctx, tier: str) -> MetricValue:
    types = ctx.tier_types(tier)
    if not types:
        raise NotComputed(f"no {tier} facility types in the scenario")
    per_type = {t: ctx.hh_share(np.asarray(ctx.circles.unit_within_tier[t], dtype=bool)) for t in types}
    return MetricValue(float(np.mean(list(per_type.values()))), {"per_type": per_type})


for _tier, _zh in (("5min", "5分钟"), ("10min", "10分钟"), ("15min", "15分钟")):
    metric(f"coverage_{_tier}_tier", label_en=f"{_tier} life-circle coverage (mean over facility types)",
           label_zh=f"{_zh}生活圈覆盖率（各类设施平均）", unit="share", direction="higher", section="coverage",
           norm=TIER_NORM + "; target 100% (DOMAIN §7)", needs=("circles",), good=1.0, bad=0.0,
           norm_zh=TIER_NORM_ZH + "；目标100%",
           description_en=f"For each {_tier}-tier facility type, the share of households within the tier's walking "
                          "distance; the mean over the types (per-type shares in the details).",
           description_zh=f"各类{_zh}生活圈设施在层级步行距离内覆盖的住户比例的平均值。")(
        lambda ctx, _t=_tier: _tier_coverage(ctx, _t))


@metric("complete_life_circle_share", label_en="Households with a complete life circle",
        label_zh="生活圈设施齐全的住户比例", unit="share", direction="higher", section="coverage",
        norm=TIER_NORM + "; tiers are additive (GB 50180-2018)", needs=("circles",),
        norm_zh=TIER_NORM_ZH + "；各层级逐级叠加（GB 50180-2018）",
        description_en="Share of households that reach every tier facility type within its tier distance.",
        description_zh="在各自层级步行距离内可达全部生活圈设施类型的住户比例。")
def complete_life_circle_share(ctx) -> MetricValue:
    types = ctx.tier_types()
    if not types:
        raise NotComputed("no life-circle facility types in the scenario")
    return MetricValue(ctx.hh_share(ctx.unit_missing_tier == 0), {"types": types})


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
           norm_zh="5/10/15分钟出行时间圈层",
           description_en=f"Household share reaching each facility type within {_minutes} minutes on the network, "
                          "averaged over the types; the per-type table is in the details.",
           description_zh=f"按路网{_minutes}分钟内可达各类设施的住户比例，取各类设施的平均值。")(
        lambda ctx, _b=_band: _band_share(ctx, _b))


@metric("uncovered_households", label_en="Households missing a life-circle facility",
        label_zh="生活圈设施缺项的住户数", unit="households", direction="lower", section="coverage",
        norm=TIER_NORM + "; coverage target 100% (DOMAIN §7)", needs=("circles",),
        norm_zh=TIER_NORM_ZH + "；覆盖目标100%",
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
