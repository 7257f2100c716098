"""Layout metrics that need only the grids: size norms, compactness, contiguity, topology, cost."""
from __future__ import annotations

import math

import numpy as np

from ..staffing import workers_for_grids
from .geometry import hull_ratio, n_parts, polsby_popper
from .registry import MetricValue, NotComputed, metric

SIZE_NORM = ("general grid {general_min}–{general_max} households ({grids_origin}); micro-grid {micro_min}–{micro_max} "
             "({micro_origin})")
SIZE_NORM_ZH = "一般网格{general_min}–{general_max}户（{grids_origin}）；微网格{micro_min}–{micro_max}户（{micro_origin}）"


def _size_share(ctx, level: str, key: str) -> MetricValue:
    rows = np.flatnonzero(ctx.level == level)
    if rows.size == 0:
        raise NotComputed(f"no {level} grids")
    norm = ctx.params["grids"][key]
    hh = ctx.households_per_grid[rows]
    ok = (hh >= norm["min"]) & (hh <= norm["max"])
    bad = [(str(ctx.scenario.grids.id[r]), float(h)) for r, h, o in zip(rows, hh, ok) if not o]
    bad.sort(key=lambda t: t[1])
    return MetricValue(float(ok.mean()), {"min": norm["min"], "max": norm["max"], "n": int(rows.size),
                                          "out_of_norm": bad})


@metric("general_size_share", label_en="General grids within {general_min}–{general_max} households",
        label_zh="户数符合{general_min}–{general_max}户的一般网格比例", unit="share", direction="higher", section="size",
        norm=SIZE_NORM, good=1.0, bad=0.0,
        norm_zh=SIZE_NORM_ZH,
        description_en="Share of general grids whose households lie within params grids.general_households "
                       "min..max; the others are listed.",
        description_zh="户数在规定范围内的一般网格占比，超出范围的网格逐一列出。")
def general_size_share(ctx) -> MetricValue:
    return _size_share(ctx, "general", "general_households")


@metric("micro_size_share", label_en="Micro-grids within {micro_min}–{micro_max} households",
        label_zh="户数符合{micro_min}–{micro_max}户的微网格比例", unit="share", direction="higher", section="size",
        norm=SIZE_NORM, good=1.0, bad=0.0,
        norm_zh=SIZE_NORM_ZH,
        description_en="Share of micro-grids whose households lie within params grids.micro_households min..max.",
        description_zh="户数在规定范围内的微网格占比。")
def micro_size_share(ctx) -> MetricValue:
    return _size_share(ctx, "micro", "micro_households")


@metric("general_households_mean", label_en="Mean households per general grid", label_zh="一般网格平均户数",
        unit="households", direction="lower", section="size", norm="target {general_target} households ({grids_origin})",
        norm_zh="目标每个网格{general_target}户（{grids_origin}）",
        description_en="Average households of a general grid (target {general_target}).",
        description_zh="一般网格的平均户数（目标{general_target}户）。")
def general_households_mean(ctx) -> MetricValue:
    rows = np.flatnonzero(ctx.level == "general")
    if rows.size == 0:
        raise NotComputed("no general grids")
    return MetricValue(float(ctx.households_per_grid[rows].mean()),
                       {"target": ctx.params["grids"]["general_households"]["target"]})


def _top_geoms(ctx):
    rows = ctx.top_rows
    if rows.size == 0:
        raise NotComputed("no general or dedicated grids")
    return rows, np.asarray(ctx.scenario.grids.geometry, dtype=object)[rows]


@metric("polsby_popper_mean", label_en="Compactness (Polsby-Popper, mean)", label_zh="紧凑度（Polsby-Popper均值）",
        unit="", direction="higher", section="compactness",
        norm="4πA/P²: circle 1, square 0.785; DB11 grids follow blocks", good=math.pi / 4, bad=0.1,
        norm_zh="4πA/P²：圆为1，正方形为0.785；DB11：网格沿街坊划分",
        description_en="Mean 4πA/P² over general and dedicated grids; the least compact grids are listed.",
        description_zh="一般网格与专属网格4πA/P²的平均值，并列出最不紧凑的网格。")
def polsby_popper_mean(ctx) -> MetricValue:
    rows, g = _top_geoms(ctx)
    pp = polsby_popper(g)
    worst = [(str(ctx.scenario.grids.id[rows[i]]), float(pp[i])) for i in np.argsort(pp)[:5]]
    return MetricValue(float(np.nanmean(pp)), {"worst": worst, "min": float(np.nanmin(pp))})


@metric("hull_ratio_mean", label_en="Compactness (area / convex hull, mean)", label_zh="紧凑度（面积/凸包面积均值）",
        unit="", direction="higher", section="compactness", norm="1 for convex grids", good=1.0, bad=0.5,
        norm_zh="凸形网格为1",
        description_en="Mean ratio of grid area to its convex hull area over general and dedicated grids.",
        description_zh="一般网格与专属网格面积与其凸包面积之比的平均值。")
def hull_ratio_mean(ctx) -> MetricValue:
    rows, g = _top_geoms(ctx)
    hr = hull_ratio(g)
    worst = [(str(ctx.scenario.grids.id[rows[i]]), float(hr[i])) for i in np.argsort(hr)[:5]]
    return MetricValue(float(np.nanmean(hr)), {"worst": worst})


@metric("contiguous_share", label_en="Contiguous grids", label_zh="连续（单一部分）网格比例", unit="share",
        direction="higher", section="compactness", norm="CJ/T 349: a grid is one closed polygon",
        norm_zh="CJ/T 349：一个网格为一个闭合多边形",
        good=1.0, bad=0.0,
        description_en="Share of grids (all levels) made of a single polygon; multipart grids are listed.",
        description_zh="由单一多边形构成的网格占比（所有层级），多部分网格逐一列出。")
def contiguous_share(ctx) -> MetricValue:
    g = np.asarray(ctx.scenario.grids.geometry, dtype=object)
    if g.size == 0:
        raise NotComputed("no grids")
    parts = n_parts(g)
    multi = [(str(ctx.scenario.grids.id[i]), int(parts[i])) for i in np.flatnonzero(parts > 1)]
    return MetricValue(float(np.mean(parts == 1)), {"multipart": multi})


def _topology_metric(key: str, kind_group: str, what: str, en: str, zh: str, unit: str, use_area: bool):
    def fn(ctx) -> MetricValue:
        found = ctx.topology[kind_group]
        value = float(sum(f["value"] for f in found)) if use_area else float(len(found))
        return MetricValue(value, {"findings": found[:50], "n": len(found)})

    metric(key, label_en=en, label_zh=zh, unit=unit, direction="lower", section="topology",
           norm="CJ/T 349 / DB11: shared topology, no gaps or overlaps; codes nest street → community → grid",
           norm_zh="CJ/T 349 / DB11：边界共享，无缝隙、无重叠；编码按街道→社区→网格逐级嵌套",
           description_en=what, description_zh=zh)(fn)


_topology_metric("overlap_count", "overlaps", "Pairs of grids of the same level whose interiors overlap.",
                 "Overlapping grid pairs", "重叠网格对数", "pairs", False)
_topology_metric("overlap_area_m2", "overlaps", "Total overlapping area.", "Overlap area", "重叠面积",
                 "m²", True)
_topology_metric("gap_count", "gaps", "Holes enclosed by the grids that no grid covers.", "Gaps between grids",
                 "网格间空隙数", "gaps", False)
_topology_metric("gap_area_m2", "gaps", "Total area of the gaps.", "Gap area", "空隙面积", "m²", True)
_topology_metric("nesting_violations", "nesting",
                 "Micro-grids outside or not under a general grid, communities split over streets.",
                 "Nesting violations", "层级嵌套错误数", "findings", False)
_topology_metric("units_outside_grid", "units", "Households whose point lies outside their assigned grid.",
                 "Households outside their grid", "不在所属网格内的住户数", "households", True)


# --- cost ------------------------------------------------------------------------------------
def _workers(ctx) -> tuple[int, str]:
    fac = ctx.scenario.facilities
    stations = fac.of_type("grid_station")
    staff = int(np.sum(np.asarray(fac.staff)[stations])) if stations.size else 0
    if staff > 0:
        return staff, "staff of grid stations"
    per = ctx.params["staffing"]["workers_per_general_grid"]
    return int(workers_for_grids(ctx.level, ctx.params).sum()), f"{per} per general or dedicated grid"


@metric("workers", label_en="Grid workers", label_zh="网格员人数", unit="workers", direction="lower",
        section="cost", norm="{workers_per_grid} full-time worker(s) per general grid (Taiyuan, Chengdu: docs/sources.md §1)",
        norm_zh="每个一般网格配{workers_per_grid}名专职网格员（太原、成都：docs/sources.md §1）",
        description_en="Workers counted from grid-station staff, or the staffing rule when no staff is given.",
        description_zh="按网格工作站人员统计；未填写时按每个一般网格配备人数计算。")
def workers(ctx) -> MetricValue:
    n, rule = _workers(ctx)
    return MetricValue(float(n), {"rule": rule})


@metric("stations", label_en="Grid stations", label_zh="网格工作站数", unit="stations", direction="lower",
        section="cost", norm="facility type grid_station",
        norm_zh="设施类型：网格工作站",
        description_en="Number of grid workstations.", description_zh="网格工作站数量。")
def stations(ctx) -> MetricValue:
    return MetricValue(float(ctx.scenario.facilities.of_type("grid_station").size))


def _annual_cost(ctx) -> float:
    c = ctx.params["cost"]
    n_workers, _ = _workers(ctx)
    n_stations = ctx.scenario.facilities.of_type("grid_station").size
    return n_workers * c["worker_yuan_per_year"] + n_stations * c["station_yuan_per_year"]


@metric("annual_cost_yuan", label_en="Annual cost", label_zh="年度成本", unit="CNY/year", direction="lower",
        section="cost", norm="¥{worker_yuan} per worker, ¥{station_yuan} per station a year (assumption, docs/sources.md §5)",
        norm_zh="每名网格员每年{worker_yuan}元、每个工作站每年{station_yuan}元（假设值，docs/sources.md §5）",
        description_en="Workers × worker cost + stations × station cost.",
        description_zh="网格员人数×人均成本 + 工作站数×站点成本。")
def annual_cost_yuan(ctx) -> MetricValue:
    return MetricValue(_annual_cost(ctx))


@metric("cost_ratio", label_en="Cost relative to the staffing norm", label_zh="成本与配置标准之比", unit="ratio",
        direction="lower", section="cost",
        norm="norm = {workers_per_grid} worker(s) per {general_target} households + one station per community ({grids_origin}; assumption)", good=0.8, bad=1.2,
        norm_zh="标准成本 = 每{general_target}户{workers_per_grid}名网格员 + 每个社区1个工作站（{grids_origin}；假设值）",
        description_en="Annual cost divided by the norm cost: workers for target-sized general grids "
                       "(households ÷ {general_target} × workers per grid) and one grid station per community.",
        description_zh="年度成本与标准成本之比；标准成本按每{general_target}户一个一般网格配置网格员、每个社区一个工作站计算。")
def cost_ratio(ctx) -> MetricValue:
    hh = ctx.households_total
    if hh <= 0:
        raise NotComputed("no households")
    c, g = ctx.params["cost"], ctx.params["grids"]["general_households"]
    per = ctx.params["staffing"]["workers_per_general_grid"]
    communities = {str(x) for x in np.asarray(ctx.scenario.grids.community, dtype=object)[ctx.top_rows] if x}
    norm = hh / g["target"] * per * c["worker_yuan_per_year"] + max(len(communities), 1) * c["station_yuan_per_year"]
    actual = _annual_cost(ctx)
    return MetricValue(actual / norm, {"norm_yuan": norm, "actual_yuan": actual, "communities": len(communities),
                                       "yuan_per_household": actual / hh})
