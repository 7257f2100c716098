"""Scenario parameters: the one schema every parameter is declared in (sources: docs/sources.md).

Each entry is ``Param(default, unit, doc, source, *, en=..., zh=..., range=..., ...)``: its
type (inferred from the default), unit, allowed range, choices, table keys, label in English
and Chinese and where the default comes from (a public norm, a figure in docs/sources.md, or ``[A]`` for an
assumption).  ``scenario.toml`` overrides any of these; tables (mixes, per-urgency values) are
replaced key by key.  The loader's merge, every value check (``engine/param_checks.py``,
``params.check``), ``gridgov params``, docs/scenario.md and the report's labels are generated
from this table, so documentation, checks and code cannot drift.
"""
from __future__ import annotations

import copy
import math
from typing import Any

from .errors import Problem
from .param_checks import check_params
from .param_schema import Param, describe_range, kind_problem
from .vocab import ESCALATION_LEVELS, INCIDENT_TYPES, NATIONAL_REQUIRED, TIERS, TRAVEL_MODES, URGENCIES

def _labels(vocab) -> dict[str, tuple[str, str]]:
    return {k: (t.en, t.zh) for k, t in vocab.items()}


A = "[A]"   # an assumption of GridGov, to be replaced by local figures
SHARE = "[0, 1]"
HOURS_A_YEAR = 8760.0

DEFAULTS: dict[str, dict[str, Param]] = {
    "travel": {
        "walk_speed_mps": Param(1.0, "m/s", "planning walking speed", "docs/sources.md §5; FHWA 1.22, Shanghai 1.24 observed",
                                en="Walking speed", zh="步行速度", range="(0, 3]",
                                limit="3 m/s is a running pace"),
        "elderly_speed_mps": Param(0.8, "m/s", "walking speed of elderly residents", "docs/sources.md §5 [A]",
                                   en="Elderly walking speed", zh="老年人步行速度", range="(0, 3]",
                                   limit="3 m/s is a running pace"),
        "ebike_speed_kmh": Param(15.0, "km/h", "grid worker on an e-bike", "docs/sources.md §5 [A]",
                                 en="E-bike speed", zh="电动自行车速度", range="(0, 60]",
                                 limit="GB 17761-2018 caps e-bikes at 25 km/h"),
        "drive_speed_factor": Param(0.7, "", "share of the road-class speed reached in city traffic", A,
                                    en="Driving speed factor", zh="驾车速度系数", range="(0, 2]"),
        "worker_mode": Param("ebike", "", "travel mode of grid workers (walk, elderly, ebike, drive)",
                             "[setting]", en="Grid worker travel mode", zh="网格员出行方式",
                             choices=tuple(TRAVEL_MODES), key_labels=_labels(TRAVEL_MODES)),
        "snap_max_m": Param(300.0, "m", "farthest a unit/facility may lie from a road to be snapped", A,
                            en="Snap distance", zh="吸附到道路的最大距离", range="(0, 5000]",
                            limit="a point 5 km from every road is a data error, not a walk"),
        "node_tolerance_m": Param(0.5, "m", "line ends closer than this are the same road node", A,
                                  en="Road node tolerance", zh="道路节点合并容差", range="[0, 50]",
                                  limit="ends 50 m apart are different junctions; larger values merge whole blocks"),
    },
    "circles": {
        "mode": Param("walk", "", "travel mode of residents for life circles", "[setting]",
                      en="Residents' travel mode", zh="居民出行方式", choices=tuple(TRAVEL_MODES),
                      key_labels=_labels(TRAVEL_MODES)),
        "band_minutes": Param([5, 10, 15], "min", "travel-time bands reported per unit", "5/10/15 分钟生活圈",
                              en="Travel-time bands", zh="出行时间分段", range="(0, 240]", length=3,
                              increasing=True, item="number"),
        "tier_distance_m": Param({"5min": 300.0, "10min": 500.0, "15min": 1000.0}, "m",
                                 "network walking distance per life-circle tier", "GB 50180-2018; docs/sources.md §3",
                                 en="Life-circle tier distance", zh="生活圈步行距离", range="(0, 20000]",
                                 key_labels=_labels(TIERS)),
    },
    "coverage": {
        "required": Param(list(NATIONAL_REQUIRED), "", "facility types every household should reach; a required type "
                          "with no facility scores 0 % and is listed as a problem",
                          "GB 50180-2018 App. B; TD/T 1062-2021; 110/119 cover (docs/sources.md §3, §4)",
                          en="Required facility types", zh="必备设施类型"),
        "drive_minutes": Param({"police": 5.0, "fire": 4.0}, "min",
                               "emergency cover: driving time from the nearest station to the household",
                               "110 urban 5 min; 建标152-2017 fire 5 min incl. 1 min turn-out (docs/sources.md §4)",
                               en="Emergency drive time", zh="应急车辆到达时间", range="(0, 120]"),
        "types": Param({}, "", "facility types added or changed: [coverage.types.<key>] label_en, label_zh, "
                       "tier (walking) or mode = \"drive\" + drive_min; optional distance_m", "[setting]",
                       en="Facility types added", zh="新增设施类型"),
    },
    "grids": {
        "general_households": Param({"target": 400, "min": 160, "max": 500}, "households",
                                    "size norm of a general grid", "docs/sources.md §1", en="General grid size norm",
                                    zh="一般网格规模标准", range="[0, 1000000]", item="number"),
        "micro_households": Param({"target": 30, "min": 20, "max": 100}, "households",
                                  "size norm of a micro-grid", "Chengdu 微网实格; docs/sources.md §5",
                                  en="Micro-grid size norm", zh="微网格规模标准", range="[0, 1000000]", item="number"),
    },
    "import": {
        "dwelling_m2": Param(100.0, "m²", "gross floor area per household when households are estimated from "
                             "footprint × floors", "China 2020 census: 36.5 m² per urban resident × 2.62 residents per "
                             "household ≈ 96 m² usable [A: gross ≈ usable + 5 %]",
                             en="Floor area per household", zh="户均建筑面积", range="(0, 10000]"),
        "residents_per_household": Param(2.62, "residents", "residents per household when the register gives none",
                                         "China 2020 census (7th), mean family household size",
                                         en="Residents per household", zh="户均人口", range="(0, 50]"),
        "floor_height_m": Param(3.0, "m", "storey height: floors = building height ÷ this", "GB 50096-2011 (≥ 2.8 m) [A]",
                                en="Storey height", zh="层高", range="(0, 20]"),
        "default_floors": Param({"house": 2, "apartments": 6, "residential": 6, "dormitory": 5, "other": 4}, "floors",
                                "floors when neither building:levels nor height is known, by building type "
                                "(house = house/detached/semi-detached/terrace/bungalow; other = building=yes etc.)", "[A]",
                                en="Default floors", zh="默认层数", range="[1, 200]"),
        "min_footprint_m2": Param(30.0, "m²", "smaller buildings (sheds, kiosks, garages) hold no dwellings", "[A]",
                                  en="Smallest dwelling footprint", zh="住宅最小占地面积", range="[0, 100000]"),
        "unknown_type_residential": Param(True, "", "buildings tagged only building=yes are counted as residential "
                                          "(false: only residential building types)", "[A]",
                                          en="Untyped buildings are residential", zh="未标类型建筑视为住宅"),
        "community_households": Param(3000, "households", "households per community drawn when no community "
                                      "boundaries are given", "GB 50180-2018 5-min circle 1,500–4,000 dwellings [A]",
                                      en="Households per community", zh="每社区户数", range="[1, 1000000]"),
        "station_staff_per_grid": Param(1, "workers", "grid workers based at a community's workstation per general "
                                        "grid of the community", "[A]",
                                        en="Station staff per grid", zh="每网格工作站人员数", range="[0, 100]"),
    },
    "demand": {
        "events_per_1000_residents_month": Param(8.0, "events", "grid events per 1,000 residents per month",
                                                 "Chengdu 2.16 M / ~20 M residents (docs/sources.md §5)",
                                                 en="Event rate", zh="事件发生率（每千人每月）", range="[0, inf)"),
        "day_multiplier": Param(1.5, "", "arrival-rate multiplier by day", "docs/sources.md §5 [A]",
                                en="Daytime multiplier", zh="白天到达率系数", range="[0, 100]"),
        "night_multiplier": Param(0.3, "", "arrival-rate multiplier at night", "docs/sources.md §5 [A]",
                                  en="Night multiplier", zh="夜间到达率系数", range="[0, 100]"),
        "day_start_hour": Param(7, "h", "first hour counted as day", A, en="Day starts", zh="白天开始时刻",
                                range="[0, 24)"),
        "night_start_hour": Param(22, "h", "first hour counted as night", A, en="Night starts", zh="夜间开始时刻",
                                  range="(0, 24]"),
        "weekend_multiplier": Param(0.8, "", "arrival-rate multiplier on Saturday and Sunday", A,
                                    en="Weekend multiplier", zh="周末到达率系数", range="[0, 100]"),
        "type_mix": Param({"city_management": 0.35, "livelihood": 0.25, "safety_hazard": 0.15,
                           "dispute": 0.10, "public_order": 0.05, "other": 0.10}, "share",
                          "incident type mix", "docs/sources.md §5 [A]", en="Incident type mix", zh="事件类型构成",
                          range=SHARE, sum_to_1=True, key_labels=_labels(INCIDENT_TYPES)),
        "urgency_mix": Param({"urgent": 0.05, "normal": 0.80, "complex": 0.15}, "share",
                             "urgency mix", "docs/sources.md §5 [A]", en="Urgency mix", zh="紧急程度构成",
                             range=SHARE, sum_to_1=True, key_labels=_labels(URGENCIES)),
        "patrol_found_share": Param(0.6, "share", "share of incidents found by grid workers on patrol "
                                    "(the rest are reported by residents or 12345)", "Tianmen 95.7% by supervisors [V]; [A]",
                                    en="Found on patrol", zh="巡查发现比例", range=SHARE),
        "fit_history": Param(True, "", "fit the hour-of-week profile and type mix from the incidents layer when present",
                             "[setting]", en="Fit history", zh="按历史事件拟合"),
        "fit_min_records": Param(200, "records", "fewest history records needed to fit the profile", A,
                                 en="Records needed to fit", zh="拟合所需最少记录数", range="[1, 1000000000]"),
    },
    "workflow": {
        "dispatch_median_min": Param({"urgent": 5.0, "normal": 15.0, "complex": 15.0}, "min",
                                     "report → register + dispatch, lognormal median", "docs/sources.md §5",
                                     en="Dispatch delay (median)", zh="派遣时间（中位数）", range="(0, 10080]",
                                     key_labels=_labels(URGENCIES)),
        "dispatch_cap_min": Param({"urgent": 10.0, "normal": 30.0, "complex": 30.0}, "min",
                                  "hard cap on register + dispatch", "Taiyuan code [V]", en="Dispatch delay cap",
                                  zh="派遣时限", range="(0, 10080]", key_labels=_labels(URGENCIES)),
        "onspot_share": Param(0.6, "share", "incidents handled on the spot by the grid worker", "docs/sources.md §5 [A]",
                              en="Handled on the spot", zh="就地处置比例", range=SHARE),
        "handle_median_min": Param(30.0, "min", "on-the-spot handling time, lognormal median", "docs/sources.md §5 [A]",
                                   en="Handling time (median)", zh="现场处置时间（中位数）", range="(0, 10080]"),
        "handle_p90_min": Param(90.0, "min", "on-the-spot handling time, 90th percentile", "docs/sources.md §5 [A]",
                                en="Handling time (90th percentile)", zh="现场处置时间（90%分位）", range="(0, 10080]"),
        "escalation_share": Param({"community": 0.25, "street": 0.12, "district": 0.03}, "share",
                                  "share of incidents escalated to each level (with onspot_share: normalised to sum 1)",
                                  "docs/sources.md §5 [A]", en="Escalation shares", zh="上报各级比例", range=SHARE,
                                  key_labels=_labels(ESCALATION_LEVELS)),
        "deadline_h": Param({"urgent": 2.0, "normal": 24.0, "complex": 360.0}, "h",
                            "resolution deadline by urgency", "Taiyuan / Beijing 12345 [V]", en="Resolution deadline",
                            zh="办结时限", range=f"(0, {HOURS_A_YEAR:g}]", key_labels=_labels(URGENCIES)),
        "escalated_median_h": Param({"community": 8.0, "street": 48.0, "district": 120.0}, "h",
                                    "resolution time once escalated, lognormal median", A,
                                    en="Escalated resolution time (median)", zh="上报后办结时间（中位数）",
                                    range=f"(0, {HOURS_A_YEAR:g}]", key_labels=_labels(ESCALATION_LEVELS)),
        "verification_max_h": Param(1.0, "h", "verification after handling (urban)", "Taiyuan [V]",
                                    en="Verification time (max)", zh="核查时间上限", range="[0, 720]"),
        "max_concurrent_cases": Param(3, "cases", "cases one worker may hold at once", A,
                                      en="Cases held at once", zh="同时处理案件数上限", range="[1, 1000]"),
        "dispatch_policy": Param("own_grid_first", "", "who is sent: the own grid's worker first (then neighbour "
                                 "grids), or the nearest available worker", "[setting]",
                                 en="Dispatch policy", zh="派遣规则", choices=("own_grid_first", "nearest_available"),
                                 key_labels={"own_grid_first": ("Own grid first", "本网格优先"),
                                             "nearest_available": ("Nearest available", "就近派遣")}),
        "neighbour_grids": Param(4, "grids", "nearest other grids whose workers may be sent when the own grid's are "
                                 "unavailable (own_grid_first) or as candidates (nearest_available)", A,
                                 en="Neighbour grids", zh="可调派的相邻网格数", range="[0, 1000]"),
    },
    "staffing": {
        "workers_per_general_grid": Param(1, "workers", "full-time grid workers per general grid", "Taiyuan, Chengdu [V]",
                                          en="Workers per general grid", zh="每个一般网格的专职网格员数",
                                          range="[1, 100]"),
        "shift_hours": Param(8.0, "h", "length of a worker's shift", "docs/sources.md §5", en="Shift length", zh="班次时长",
                             range="(0, 24]"),
        "shift_start_hour": Param(8, "h", "start of the day shift", A, en="Shift starts", zh="班次开始时刻",
                                  kind="number", range="[0, 24)"),
        "patrol_share": Param(0.4, "share", "share of the shift spent on patrol", "docs/sources.md §5 [A]",
                              en="Patrol share of the shift", zh="巡查时间占比", range=SHARE),
        "mobile_workers_per_street": Param(0, "workers", "workers of a street-level mobile grid (机动网格) that any "
                                           "grid of the street may call on (0 = none)", A,
                                           en="Mobile workers per street", zh="每街道机动网格员数", range="[0, 1000]"),
        "on_call_urgent": Param(True, "", "an off-shift worker is called out for urgent cases (normal ones wait for "
                                "the shift)", A, en="On call for urgent cases", zh="紧急案件随叫随到"),
    },
    "simulation": {
        "days": Param(365, "days", "simulated horizon; a year keeps per-worker workload figures out of Poisson noise "
                      "(28 days: Gini 0.34 → a year: 0.14 on the Wuhou sample)", "[setting]",
                      en="Simulated days", zh="模拟天数", kind="number", range="(0, 3660]",
                      limit="ten years; longer horizons only add memory"),
        "seed": Param(20241124, "", "random seed (numpy SeedSequence entropy)", "[setting]", en="Random seed",
                      zh="随机种子", range="[0, inf)", finite=False),
        "engine": Param("numba", "", "simulation engine (both give identical results; numba is the fast one)",
                        "[setting]", en="Simulation engine", zh="模拟引擎",
                        choices=("numba", "simpy")),
        "replications": Param(20, "runs", "independent replications (common random numbers across compared "
                              "scenarios); every simulated metric carries a mean and a 95 % interval", "[setting]",
                              en="Replications", zh="重复模拟次数", range="[1, 10000]"),
    },
    "cost": {
        "worker_yuan_per_year": Param(72000.0, "CNY/year", "full cost of one grid worker", A,
                                      en="Cost of a grid worker", zh="网格员年成本", range="[0, 1e9]"),
        "station_yuan_per_year": Param(120000.0, "CNY/year", "running cost of one station", A,
                                       en="Cost of a station", zh="工作站年运行成本", range="[0, 1e9]"),
    },
    "score": {
        "weights": Param({"coverage": 0.30, "response": 0.25, "closure": 0.15, "balance": 0.10,
                          "size": 0.10, "compactness": 0.05, "cost": 0.05}, "",
                         "weights of the total score (normalised to sum 1)", A, en="Score weights", zh="评分权重",
                         range="[0, 1000]",
                         key_labels={"coverage": ("Life-circle coverage", "生活圈覆盖"),
                                     "response": ("Response time", "响应时间"), "closure": ("Closure", "结案"),
                                     "balance": ("Workload balance", "工作量均衡"), "size": ("Grid size", "网格规模"),
                                     "compactness": ("Compactness and contiguity", "紧凑度与连续性"),
                                     "cost": ("Cost", "成本")}),
    },
}


def param(section: str, key: str) -> Param | None:
    """The declaration of ``[section] key``, or None."""
    return DEFAULTS.get(section, {}).get(key)


def iter_params():
    """``(section, key, Param)`` for every parameter, in declaration order."""
    for sec, items in DEFAULTS.items():
        for key, p in items.items():
            yield sec, key, p


def defaults() -> dict[str, dict[str, Any]]:
    """Plain nested dict of default values."""
    return {sec: {k: copy.deepcopy(p.default) for k, p in items.items()} for sec, items in DEFAULTS.items()}


def merge_located(user: dict[str, Any], file: str = "scenario.toml") -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    """Merge user parameters over the defaults; problems located in ``file`` (layer = section).

    Unknown sections/keys and values of the wrong type are problems and keep the default (a typo
    must not silently fall back to a default).  Non-parameter tables ([scenario], ...) are skipped.
    """
    params = defaults()
    problems: list[Problem] = []

    def bad(msg: str, sec: str, fld: str = "") -> None:
        problems.append(Problem(msg, file, sec, field=fld))

    for sec, values in user.items():
        if sec not in DEFAULTS:
            continue
        if not isinstance(values, dict):
            bad(f"[{sec}] must be a table", sec)
            continue
        for key, value in values.items():
            p = DEFAULTS[sec].get(key)
            if p is None:
                bad(f"[{sec}] unknown key '{key}' (known: {', '.join(DEFAULTS[sec])})", sec, key)
                continue
            if p.kind == "table" and isinstance(value, dict):
                merged = dict(params[sec][key])
                for k, v in value.items():
                    if p.keys is not None and k not in p.keys:
                        bad(f"[{sec}] {key}.{k} unknown (known: {', '.join(p.keys)})", sec, f"{key}.{k}")
                        continue
                    msg = kind_problem(p.item, v)
                    if msg:
                        bad(f"[{sec}] {key}.{k} = {v!r} {msg}", sec, f"{key}.{k}")
                    else:
                        merged[k] = v
                params[sec][key] = merged
                continue
            msg = kind_problem(p.kind, value)
            if msg:
                bad(f"[{sec}] {key} = {value!r} {msg}", sec, key)
            else:
                params[sec][key] = copy.deepcopy(value)
    return params, problems


def merge(user: dict[str, Any], where: str = "scenario.toml") -> tuple[dict[str, dict[str, Any]], list[str]]:
    """``merge_located`` with problems as ``"where: message"`` strings (older callers)."""
    params, problems = merge_located(user, where)
    return params, [f"{where}: {p.message}" for p in problems]


def check(params: dict[str, dict[str, Any]], file: str = "scenario.toml", scenario: Any = None,
          sections: tuple[str, ...] | None = None) -> list[Problem]:
    """Every bad parameter value as located Problems (file, layer = section, field = key).

    Types, ranges, finiteness, choices, table keys and sums, rules between parameters and, when
    ``scenario`` is given (anything with ``units.residents``), plausibility limits such as the
    memory the simulation would need.  ``sections`` restricts the checks (engine entry points).
    """
    return check_params(DEFAULTS, params, file, scenario, sections)


def require(params: dict[str, dict[str, Any]], sections: tuple[str, ...], file: str = "scenario.toml") -> None:
    """Raise ``ValidationError`` with every problem of ``sections`` (engine entry points)."""
    from .errors import ValidationError

    problems = check(params, file, sections=sections)
    if problems:
        raise ValidationError(problems)


def changed(params: dict[str, dict[str, Any]], lang: str = "en") -> list[dict[str, Any]]:
    """Parameters whose value differs from the default, labelled in ``lang`` (reports, dock):
    ``{section, key, label, value, default, unit, source}``; table entries one by one."""
    out = []
    for sec, key, p in iter_params():
        value = params.get(sec, {}).get(key, p.default)
        if value == p.default:
            continue
        if p.kind == "table" and isinstance(value, dict):
            for k, v in value.items():
                d = p.default.get(k) if isinstance(p.default, dict) else None
                if v != d:
                    out.append({"section": sec, "key": f"{key}.{k}", "label": f"{p.label(lang)}: {p.key_label(k, lang)}",
                                "value": v, "default": d, "unit": p.unit, "source": p.source})
        else:
            out.append({"section": sec, "key": key, "label": p.label(lang), "value": value, "default": p.default,
                        "unit": p.unit, "source": p.source})
    return out


def _fmt_default(p: Param) -> str:
    v = p.default
    if isinstance(v, float) and math.isfinite(v) and v == int(v) and abs(v) >= 1e6:
        return f"{v:,.0f}"
    return f"{v}"


def markdown_table() -> str:
    """The parameter reference used in docs/scenario.md and printed by ``gridgov params``."""
    lines = ["| section | key | default | unit | allowed | meaning | 中文 | basis |", "|---|---|---|---|---|---|---|---|"]
    for sec, key, p in iter_params():
        allowed = describe_range(p)
        if p.kind == "table":
            allowed = "; ".join(x for x in (f"keys {', '.join(p.keys)}" if p.keys else "any keys",
                                            f"each {allowed}" if allowed else "",
                                            "sum 1" if p.sum_to_1 else "") if x)
        elif p.kind == "list":
            allowed = "; ".join(x for x in (f"{p.length} items" if p.length else "",
                                            "increasing" if p.increasing else "",
                                            f"each {allowed}" if allowed else "") if x)
        elif p.kind == "int":
            allowed = f"whole number {allowed}".strip()
        elif p.kind == "bool":
            allowed = "true or false"
        meaning = p.doc if not p.en or p.en.lower() == p.doc.lower() else f"**{p.en}**: {p.doc}"
        lines.append(f"| {sec} | {key} | `{_fmt_default(p)}` | {p.unit} | {allowed} | {meaning} | {p.zh} | "
                     f"{p.source} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
