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
import dataclasses
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
        "band_polygons_max_km": Param(1000.0, "km", "gridgov run writes the band polygons (layer 'bands' of "
                                      "results.gpkg) when the residents' road network is at most this long; a "
                                      "longer one (a whole city) gets no bands layer, because its polygons cost "
                                      "about 6 s per 1,000 km and a city's weigh gigabytes (gridgov circles writes "
                                      "them for any network; units keep their band columns). 0 = never",
                                      "[setting]", en="Road length for band polygons", zh="生成生活圈面的最大路网长度",
                                      range="[0, inf)", finite=False),
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
        "unit_max_households": Param(100, "households", "a building with more households is split into entrance "
                                     "units (单元) of at most this many, so grids and micro-grids can meet their "
                                     "norms (keep ≤ [grids] micro_households.max; 0 = never split)",
                                     "micro-grid max (Chengdu 微网实格, docs/sources.md §5) [A]",
                                     en="Largest unit", zh="单元最大户数", range="[0, 1000000]"),
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
                           "dispute": 0.10, "public_order": 0.05, "other": 0.075, "fire": 0.004,
                           "gas_leak": 0.003, "violence": 0.008, "medical": 0.01}, "share",
                          "incident type mix; fire, gas_leak, violence and medical are emergencies (urgent, "
                          "with a responder of [emergency] responder)", "docs/sources.md §5 [A]; emergency shares [A]",
                          en="Incident type mix", zh="事件类型构成", range=SHARE, sum_to_1=True,
                          key_labels=_labels(INCIDENT_TYPES)),
        "urgency_mix": Param({"urgent": 0.05, "normal": 0.80, "complex": 0.15}, "share",
                             "urgency mix", "docs/sources.md §5 [A]", en="Urgency mix", zh="紧急程度构成",
                             range=SHARE, sum_to_1=True, key_labels=_labels(URGENCIES)),
        "patrol_found_share": Param(0.6, "share", "share of incidents found by grid workers on patrol "
                                    "(the rest are reported by residents or 12345)", "Tianmen 95.7% by supervisors [V]; [A]",
                                    en="Found on patrol", zh="巡查发现比例", range=SHARE),
        "dedicated_events_per_month": Param({"school": 6.0, "hospital": 15.0, "market": 10.0}, "events",
                                            "events per month at each school, hospital or market of a dedicated "
                                            "grid (专属网格), on top of residents' demand", "[A]", range='[0, 100000]'),
        "dedicated_types": Param({"school": "safety_hazard,public_order,dispute,medical",
                                  "hospital": "dispute,public_order,medical",
                                  "market": "city_management,safety_hazard,dispute,fire"}, "",
                                 "incident types of each dedicated-site kind (comma list, equal shares)", "[A]"),
        "fit_history": Param(True, "", "fit the hour-of-week profile and type mix from the incidents layer when present",
                             "[setting]", en="Fit history", zh="按历史事件拟合"),
        "history_bandwidth_m": Param(150.0, "m", "kernel bandwidth smoothing where history incidents happen "
                                     "(0 = per unit, no smoothing)", "[A]", range='[0, 100000]'),
        "history_spatial_weight": Param(0.7, "share", "weight of the fitted history locations against residents in "
                                        "each unit's share of incidents (0 = residents only)", "[A]", range='[0, 1]'),
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
        "type_deadline_h": Param({"city_management": 24.0, "livelihood": 168.0, "safety_hazard": 24.0,
                                  "dispute": 168.0, "public_order": 24.0, "other": 168.0, "fire": 2.0,
                                  "gas_leak": 2.0, "violence": 2.0, "medical": 2.0}, "h",
                                 "closure deadline of a normal-urgency incident by type (urgent and complex ones "
                                 "keep deadline_h)",
                                 "Taiyuan code: 1 working day for city management; Beijing 12345 draft: 2 h life/"
                                 "property risk, 24 h utilities, 7 days general (docs/sources.md §2) [V]; mapping to types [A]", range='(0, 87660]', limit="ten years"),
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
    "roster": {
        "grid": Param({"workdays": [0, 1, 2, 3, 4], "weekend_duty_every_weeks": 4}, "",
                      "full-time grid workers (专职网格员): weekdays worked (0 = Monday) on the "
                      "staffing.shift_start_hour / shift_hours shift, and holiday duty (节假日值班): one "
                      "weekend-day shift every N weeks, staggered (0 = none)",
                      "5-day week: 国务院令第174号 (1995) 8 h × 5 days [R]; holiday rota [A]"),
        "street_duty": Param({"on_duty": 1, "start_hour": 8.0, "hours": 8.0}, "",
                             "street duty team at the street 综治中心, on duty around the clock: people on duty "
                             "at any time (0 = no team), first shift start and shift length",
                             "综治中心 run jointly with the 24-hour police command centre (docs/sources.md §1); team size [A]", range='[0, 1000]', limit="people on duty per street; hours within the day are checked by the roster"),
    },
    "emergency": {
        "responder": Param({"fire": "fire", "gas_leak": "fire", "violence": "police", "medical": "clinic"}, "",
                           "facility type whose units respond to each emergency incident type, driving on the "
                           "road network ('' = no responder); grid workers still attend and report",
                           "Chengdu 2020 gas-leak case: 综治中心 → fire brigade (docs/sources.md §4); 110/119/120 [A]"),
        "crew": Param({"fire": 6.0, "police": 4.0, "clinic": 2.0, "health_centre": 2.0}, "staff",
                      "staff per responder unit: a facility has max(1, staff // crew) units", "[A]", range='(0, 1000]'),
        "call_min": Param(1.0, "min", "report → responder alerted (call taking or 综治中心 relay)",
                          "[A]; 建标152-2017 allows 2.5 min alarm + dispatch (docs/sources.md §4)", range='[0, 1440]', limit="a day"),
        "turnout_min": Param({"fire": 1.0, "police": 1.0, "clinic": 3.0, "health_centre": 3.0}, "min",
                             "alerted → unit leaves its station",
                             "fire 1 min 建标152-2017 [V]; 120 ≤ 3 min 国卫医发〔2020〕19号 [S]; police [A]", range='[0, 1440]', limit="a day"),
        "busy_median_min": Param({"fire": 60.0, "police": 45.0, "clinic": 60.0, "health_centre": 60.0}, "min",
                                 "on-scene time of a responder unit, lognormal median", "[A]", range='(0, 10080]', limit="a week"),
        "busy_p90_min": Param({"fire": 150.0, "police": 120.0, "clinic": 120.0, "health_centre": 120.0}, "min",
                              "on-scene time, 90th percentile", "[A]", range='(0, 10080]', limit="a week"),
    },
    "escalation": {
        "type_factor": Param({"city_management": 0.7, "livelihood": 1.0, "safety_hazard": 1.3, "dispute": 1.5,
                              "public_order": 1.3, "other": 1.0, "fire": 2.0, "gas_leak": 2.0, "violence": 2.0,
                              "medical": 1.0}, "",
                             "relative escalation odds by incident type (normalised over the mix: the overall "
                             "escalated share stays workflow.escalation_share)", "[A]", range='[0, 1000]'),
        "urgency_factor": Param({"urgent": 1.5, "normal": 0.8, "complex": 2.5}, "",
                                "relative escalation odds by urgency (normalised like type_factor)", "[A]", range='[0, 1000]'),
        "on_duty_share": Param(1.0 / 3.0, "share",
                               "share of a 综治中心's staff (facilities staff) at the desk at any time: its "
                               "desks = max(1, round(staff × share))", "8-hour shifts of a 24-hour centre [A]", range='(0, 1]'),
        "work_median_h": Param({"street": 4.0, "district": 8.0}, "h",
                               "desk time of an escalated case at its centre (coordination, calls to departments), "
                               "lognormal median", "[A]", range='(0, 8766]', limit="a year"),
        "work_p90_h": Param({"street": 12.0, "district": 24.0}, "h", "desk time, 90th percentile", "[A]", range='(0, 8766]', limit="a year"),
    },
    "routine": {
        "patrols_per_day": Param(2.0, "patrols", "patrols of the grid's roads per workday (一日双巡)",
                                 "一日双巡 practice of grid workers (issue 12; Chengdu) [R]", range='[0, 100]'),
        "patrol_speed_kmh": Param(4.0, "km/h", "patrol speed including stops to look and talk", "[A]", range='(0, 100]'),
        "visit_h_per_household_year": Param(1.0, "h", "household visits (入户走访) per household per year: a "
                                            "15-minute visit each quarter", "[A]", range='[0, 8766]', limit="the hours of a year"),
        "record_h_per_unit_year": Param(2.0, "h", "checking household and housing records (人房信息核查) per "
                                        "residential unit per year", "[A]", range='[0, 8766]', limit="the hours of a year"),
        "max_utilisation": Param(0.85, "share", "share of duty hours a worker can fill with incidents + routine "
                                 "(for workers_needed)", "[A]", range='(0, 1]'),
    },
    "micro_member": {
        "enabled": Param(False, "", "micro-grid members (微网格员, residents serving their own micro-grid) make first "
                         "contact with reports from their micro-grid",
                         "Chengdu: 13.3万 micro-grid members vs 1.48万 full-time grid workers (docs/sources.md §1)"),
        "response_median_min": Param(10.0, "min", "report → first contact by the micro-grid member, lognormal median",
                                     "[A]", range='(0, 10080]', limit="a week"),
        "response_p90_min": Param(30.0, "min", "report → first contact, 90th percentile", "[A]", range='(0, 10080]', limit="a week"),
        "reachable_share": Param(0.7, "share", "share of reports during their hours that a member takes", "[A]", range='[0, 1]'),
        "start_hour": Param(7.0, "h", "members are reachable from this hour …", "[A]", range='[0, 24)'),
        "hours": Param(15.0, "h", "… for this many hours a day (7:00–22:00)", "[A]", range='[0, 24]'),
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


# Labels of the parameters added with the duty model (issue 12), until each declaration carries them.
_LABELS = {
    ("demand", "dedicated_events_per_month"): ("Events at dedicated sites", "专属网格场所事件数"),
    ("demand", "dedicated_types"): ("Incident types at dedicated sites", "专属网格场所事件类型"),
    ("demand", "history_bandwidth_m"): ("History smoothing bandwidth", "历史事件平滑带宽"),
    ("demand", "history_spatial_weight"): ("Weight of history locations", "历史事件位置权重"),
    ("workflow", "type_deadline_h"): ("Closure deadline by type", "分类型办结时限"),
    ("roster", "grid"): ("Grid worker roster", "网格员排班"),
    ("roster", "street_duty"): ("Street duty team", "街道值班队伍"),
    ("emergency", "responder"): ("Emergency responder by type", "应急响应单位"),
    ("emergency", "crew"): ("Crews per responder facility", "每个应急单位的出勤组数"),
    ("emergency", "call_min"): ("Emergency call handling", "应急接警时间"),
    ("emergency", "turnout_min"): ("Turn-out time", "出动准备时间"),
    ("emergency", "busy_median_min"): ("Responder busy time (median)", "应急占用时间（中位数）"),
    ("emergency", "busy_p90_min"): ("Responder busy time (90th percentile)", "应急占用时间（90%分位）"),
    ("escalation", "type_factor"): ("Escalation factor by type", "分类型上报系数"),
    ("escalation", "urgency_factor"): ("Escalation factor by urgency", "分紧急程度上报系数"),
    ("escalation", "on_duty_share"): ("Centre staff on duty", "中心在岗比例"),
    ("escalation", "work_median_h"): ("Centre work time (median)", "中心处理时间（中位数）"),
    ("escalation", "work_p90_h"): ("Centre work time (90th percentile)", "中心处理时间（90%分位）"),
    ("routine", "patrols_per_day"): ("Patrols per day", "每日巡查次数"),
    ("routine", "patrol_speed_kmh"): ("Patrol speed", "巡查速度"),
    ("routine", "visit_h_per_household_year"): ("Household visits", "入户走访时间"),
    ("routine", "record_h_per_unit_year"): ("Record keeping", "台账维护时间"),
    ("routine", "max_utilisation"): ("Highest workable utilisation", "最高可承受工作负荷"),
    ("micro_member", "enabled"): ("Micro-grid members respond", "微网格员响应"),
    ("micro_member", "response_median_min"): ("Micro-grid member response (median)", "微网格员响应时间（中位数）"),
    ("micro_member", "response_p90_min"): ("Micro-grid member response (90th percentile)", "微网格员响应时间（90%分位）"),
    ("micro_member", "reachable_share"): ("Micro-grid members reachable", "微网格员可联系比例"),
    ("micro_member", "start_hour"): ("Micro-grid members from", "微网格员值守开始时刻"),
    ("micro_member", "hours"): ("Micro-grid member hours", "微网格员值守时长"),
}
for (_sec, _key), (_en, _zh) in _LABELS.items():
    _p = DEFAULTS[_sec][_key]
    DEFAULTS[_sec][_key] = dataclasses.replace(_p, en=_p.en or _en, zh=_p.zh or _zh, source=_p.source or "[A]")


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
