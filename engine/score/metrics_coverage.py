"""Coverage of the required facility types: walking life circles and emergency drive times.

The scenario lists the facility types it requires (``[coverage] required``, default the national
5/10/15-minute lists of GB 50180-2018 / TD/T 1062-2021 plus police and fire cover).  Every mean is
over the *required* types: a required type with no facility covers 0 % of households and is
listed as a problem, so deleting a poorly covered type lowers the score instead of raising it.
Walking types are judged by the network distance of their tier (``[circles] tier_distance_m``);
emergency types (police, fire, …) by driving time from the nearest station (``[coverage]
drive_minutes``).  Types present but not required are reported per type, not scored.
"""
from __future__ import annotations

import numpy as np

from ..vocab import BAND_MINUTES
from .registry import MetricValue, NotComputed, metric

TIER_NORM = ("GB 50180-2018 / TD/T 1062-2021 life circles: 5/10/15 min = {tier_5min_m}/{tier_10min_m}/{tier_15min_m} m "
             "walking ({tiers_origin}); required types: {required_origin}")
TIER_NORM_ZH = ("GB 50180-2018《城市居住区规划设计标准》、TD/T 1062-2021《社区生活圈规划技术指南》：5/10/15分钟生活圈"
                "步行{tier_5min_m}/{tier_10min_m}/{tier_15min_m}米（{tiers_origin}）；必备设施：{required_origin}")
DRIVE_NORM = ("police 110: urban 5 min; urban fire station construction standard 152-2017: 4 min driving "
              "({drive_minutes}; {drive_origin})")
DRIVE_NORM_ZH = "110城区5分钟到场；建标152-2017消防：行车4分钟（{drive_minutes}；{drive_origin}）"


def _type_shares(ctx, kinds: list[str]) -> dict[str, float]:
    return {t: ctx.hh_share(ctx.unit_within(t)) for t in kinds}


def _mean_cover(ctx, kinds: list[str], what: str) -> MetricValue:
    if not kinds:
        raise NotComputed(f"no required {what} facility types")
    per_type = _type_shares(ctx, kinds)
    missing = [t for t in kinds if t in ctx.missing_types]
    return MetricValue(float(np.mean(list(per_type.values()))), {"per_type": per_type, "missing": missing})


for _tier, _zh in (("5min", "5分钟"), ("10min", "10分钟"), ("15min", "15分钟")):
    metric(f"coverage_{_tier}_tier", label_en=f"{_tier} life-circle coverage (mean over the required types)",
           label_zh=f"{_zh}生活圈覆盖率（各必备设施平均）", unit="share", direction="higher", section="coverage",
           norm=TIER_NORM + "; target 100%", needs=("circles",), good=1.0, bad=0.0,
           norm_zh=TIER_NORM_ZH + "；目标100%",
           description_en=f"For each required {_tier}-tier facility type, the share of households within the tier's "
                          "walking distance (0 % for a required type with no facility); the mean over the types.",
           description_zh=f"各类{_zh}生活圈必备设施在层级步行距离内覆盖的住户比例的平均值（缺少的必备设施计为0%）。")(
        lambda ctx, _t=_tier: _mean_cover(ctx, ctx.required_of("walk", _t), f"{_t} walking"))


@metric("emergency_cover_share", label_en="Emergency cover: households within the drive time (mean over types)",
        label_zh="应急覆盖：行车时限内的住户比例（各类平均）", unit="share", direction="higher", section="coverage",
        norm=DRIVE_NORM, norm_zh=DRIVE_NORM_ZH, needs=("circles",), good=1.0, bad=0.0,
        description_en="For each required emergency facility type (police, fire, …), the share of households the "
                       "nearest station reaches by road within its drive time; the mean over the types.",
        description_zh="各类必备应急设施（派出所、消防站等）在行车时限内经路网可达的住户比例的平均值。")
def emergency_cover_share(ctx) -> MetricValue:
    mv = _mean_cover(ctx, ctx.required_of("drive"), "emergency (driving)")
    mv.details["drive_min"] = {t: ctx.cov_types[t].threshold for t in mv.details["per_type"]}
    return mv


@metric("complete_life_circle_share", label_en="Households with a complete life circle",
        label_zh="生活圈设施齐全的住户比例", unit="share", direction="higher", section="coverage",
        norm=TIER_NORM + "; tiers are additive (GB 50180-2018)", needs=("circles",),
        norm_zh=TIER_NORM_ZH + "；各层级逐级叠加（GB 50180-2018）",
        description_en="Share of households that reach every required walking facility type within its tier distance.",
        description_zh="在各自层级步行距离内可达全部必备生活圈设施类型的住户比例。")
def complete_life_circle_share(ctx) -> MetricValue:
    kinds = ctx.required_of("walk")
    if not kinds:
        raise NotComputed("no required walking facility types")
    ok = np.ones(len(ctx.scenario.units.id), dtype=bool)
    for t in kinds:
        ok &= ctx.unit_within(t)
    return MetricValue(ctx.hh_share(ok), {"types": kinds})


def _band_share(ctx, band: int) -> MetricValue:
    kinds = ctx.required_of("walk")
    if not kinds:
        raise NotComputed("no required walking facility types")
    n = len(ctx.scenario.units.id)
    per_type = {t: ctx.hh_share(np.asarray(ctx.circles.unit_band[t]) <= band) if t in ctx.circles.unit_band
                else ctx.hh_share(np.zeros(n, dtype=bool)) for t in kinds}
    return MetricValue(float(np.mean(list(per_type.values()))), {"per_type": per_type})


for _band, _minutes in enumerate(BAND_MINUTES):
    metric(f"coverage_le{_minutes}min", label_en=f"Households within {_minutes} min walk (mean over the required types)",
           label_zh=f"步行{_minutes}分钟内可达的住户比例（各必备设施平均）", unit="share", direction="higher",
           section="coverage", norm="5/10/15-minute walking bands (TD/T 1062-2021; {sources} §3)", needs=("circles",),
           norm_zh="5/10/15分钟步行时间圈层（TD/T 1062-2021；{sources} §3）",
           description_en=f"Household share reaching each required walking facility type within {_minutes} minutes on "
                          "the network (0 % for a missing type), averaged over the types.",
           description_zh=f"按路网步行{_minutes}分钟内可达各类必备设施的住户比例（缺少的设施计为0%），取平均值。")(
        lambda ctx, _b=_band: _band_share(ctx, _b))


@metric("uncovered_households", label_en="Households missing a required facility",
        label_zh="必备设施缺项的住户数", unit="households", direction="lower", section="coverage",
        norm=TIER_NORM + "; coverage target 100%", needs=("circles",),
        norm_zh=TIER_NORM_ZH + "；覆盖目标100%",
        description_en="Households for which at least one required facility type is beyond its walking distance or "
                       "drive time; the grids with the most are listed.",
        description_zh="至少有一类必备设施超出其步行距离或行车时限的住户数，并列出最多的网格。")
def uncovered_households(ctx) -> MetricValue:
    if not ctx.required_of("walk") and not ctx.required_of("drive"):
        raise NotComputed("no required facility types")
    miss = ctx.unit_missing_tier > 0
    hh = np.asarray(ctx.scenario.units.households, dtype=float)
    rows = ctx.unit_grid_row
    ok = miss & (rows >= 0)
    per_grid = np.bincount(rows[ok], weights=hh[ok], minlength=len(ctx.scenario.grids.id))
    worst = [(str(ctx.scenario.grids.id[i]), float(per_grid[i])) for i in np.argsort(-per_grid)[:10] if per_grid[i] > 0]
    by_type = {t: float(hh[~ctx.unit_within(t)].sum()) for t in ctx.required}
    return MetricValue(float(hh[miss].sum()), {"worst_grids": worst, "by_type": by_type})


@metric("missing_facility_types", label_en="Required facility types with no facility",
        label_zh="缺少的必备设施类型数", unit="types", direction="lower", section="coverage",
        norm="required types: {required_origin}", norm_zh="必备设施类型：{required_origin}",
        description_en="Required facility types of which the layout has no facility at all; each scores 0 % "
                       "coverage and is listed as a problem.",
        description_zh="布局中完全没有的必备设施类型；每一类覆盖率计为0%，并列为问题。")
def missing_facility_types(ctx) -> MetricValue:
    return MetricValue(float(len(ctx.missing_types)), {"missing": list(ctx.missing_types),
                                                       "required": list(ctx.required)})
