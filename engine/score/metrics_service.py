"""Service metrics from the simulated closed loop: response, emergencies, closure, workload balance.

Two views of grid-worker response are kept apart and named so: *all hours* (every report, waits
for the next shift included) and *on duty* (reports dispatched while a worker of the grid was on
shift, the part a layout changes; it carries the points).  The ">90 %" promise is a 24-hour
*first-response* rate of ordinary events (专项行动24小时内响应率, docs/sources.md §2); emergencies
(fire, gas leak, violence, medical) are measured by the emergency responder on scene
(police/fire/120 driving on the roads), which is what the Chengdu gas-leak case reports (§4).
Anchors of the 0–100 sub-scores: on-duty p90 15 min → 100, 60 min → 0 (Taiyuan: on scene within
1 h); 24 h response 90 % → 100, 50 % → 0; emergency on scene within 5 min: the share itself;
on-time closure 95 % → 100, 50 % → 0; workload max/mean 1 → 100, 2 → 0; Gini 0 → 100, 0.5 → 0.
Household balance needs no simulation, so a layout can be judged before it is simulated.
"""
from __future__ import annotations

import numpy as np

from .geometry import gini, max_over_mean
from .registry import MetricValue, NotComputed, metric

#: utilisation above which a worker is reported as overloaded [A]
OVERLOAD_UTILISATION = 0.85
#: the simulation's summary keys of the emergency KPIs (engine/simulation/metrics.emergency_kpis):
#: share of emergencies with the first police / fire / 120 unit on scene within 5 / 10 min of the report
EMERGENCY_KEYS = {5: "emergency_within_5min", 10: "emergency_within_10min"}

WORKER_NORM = "Taiyuan code: on scene within 1 h for street cases ({sources} §2)"
WORKER_NORM_ZH = "太原市城市管理规定：街面案件1小时内到场（{sources} §2）"


def _summary(key: str):
    return lambda ctx: MetricValue(ctx.summary(key))


for _q in ("p50", "p90", "p95"):
    metric(f"response_{_q}_min", label_en=f"Grid worker response {_q}, all hours (report → on scene)",
           label_zh=f"网格员响应时间{_q}（全时段，上报→到场）", unit="min", direction="lower", section="response",
           norm=WORKER_NORM, needs=("sim",), norm_zh=WORKER_NORM_ZH,
           description_en=f"{_q[1:]}th percentile of simulated grid-worker response times over all reported "
                          "incidents, all hours (waits for the next shift included).",
           description_zh=f"全部上报事件（全时段，含等待下一班次）网格员模拟响应时间的第{_q[1:]}百分位数。")(
        _summary(f"response_{_q}_min"))

for _m in (5, 10, 15):
    metric(f"response_within_{_m}min", label_en=f"Grid worker on scene within {_m} min, all hours",
           label_zh=f"{_m}分钟内网格员到场的事件比例（全时段）", unit="share", direction="higher", section="response",
           norm="no norm for grid workers; for information (emergency responders are measured separately)",
           norm_zh="网格员到场无统一时限，仅供参考（紧急事件见“应急力量5分钟到场率”）", needs=("sim",),
           description_en=f"Share of reported incidents with the grid worker on scene within {_m} minutes of the "
                          "report, all hours.",
           description_zh=f"上报后{_m}分钟内网格员到场的事件占比（全时段）。")(_summary(f"response_within_{_m}min"))

for _q in ("p50", "p90"):
    metric(f"response_on_duty_{_q}_min", label_en=f"Grid worker response {_q}, worker on duty",
           label_zh=f"网格员响应时间{_q}（在岗时段）", unit="min", direction="lower", section="response",
           norm=WORKER_NORM, needs=("sim",), norm_zh=WORKER_NORM_ZH,
           good=15.0 if _q == "p90" else None, bad=60.0 if _q == "p90" else None,
           description_en=f"{_q[1:]}th percentile of response times of incidents reported while the grid's "
                          "worker was on shift.",
           description_zh=f"网格员在岗时段上报事件响应时间的第{_q[1:]}百分位数。")(_summary(f"response_on_duty_{_q}_min"))

metric("response_on_duty_within_15min", label_en="Grid worker on scene within 15 min, worker on duty",
       label_zh="15分钟内网格员到场比例（在岗时段）", unit="share", direction="higher", section="response",
       norm="15-minute life circle (TD/T 1062-2021; {sources} §3)", needs=("sim",),
       norm_zh="15分钟生活圈（TD/T 1062-2021；{sources} §3）", good=1.0, bad=0.0,
       description_en="Share of incidents reported while the worker was on shift that were reached within 15 minutes.",
       description_zh="在岗时段上报、15分钟内网格员到场的事件占比。")(_summary("response_on_duty_within_15min"))


@metric("response_within_24h_share", label_en="First response within 24 h, ordinary events (all hours)",
        label_zh="一般事件24小时内响应率（全时段）", unit="share", direction="higher", section="response",
        norm="Chengdu special campaigns: 24-hour response rate above 90 % ({sources} §2)",
        norm_zh="成都专项行动：24小时内响应率提升到90%以上（{sources} §2）", needs=("sim",), good=0.9, bad=0.5,
        description_en="Share of ordinary (non-emergency) events with a first response (a worker on scene, or found "
                       "on patrol) within 24 hours of the report; events never attended count as not responded.",
        description_zh="一般（非紧急）事件中，上报后24小时内得到首次响应（网格员到场或巡查发现）的比例；未处置的事件计为未响应。")
def response_within_24h_share(ctx) -> MetricValue:
    ctx.need("sim")
    if "first_response_within_24h" in ctx.sim.summary:      # the simulation's own definition (micro-grid members too)
        return MetricValue(ctx.summary("first_response_within_24h"))
    (r,) = ctx.incident_fields("response_min")
    r = np.asarray(r, float)[ctx.ordinary_incidents]
    if r.size == 0:
        raise NotComputed("no ordinary incidents")
    return MetricValue(float(np.mean(np.nan_to_num(r, nan=np.inf) <= 24 * 60)), {"n": int(r.size)})


def _emergency_within(minutes: int):
    def fn(ctx) -> MetricValue:
        ctx.need("sim")
        if EMERGENCY_KEYS[minutes] not in ctx.sim.summary:
            raise NotComputed("the simulation has no emergency responders")
        n = ctx.sim.summary.get("n_emergencies")
        if n == 0:
            raise NotComputed("no emergency incidents")
        return MetricValue(ctx.summary(EMERGENCY_KEYS[minutes]), {"n": n})
    return fn


for _m, _good in ((5, 1.0), (10, None)):
    metric(f"emergency_on_scene_within_{_m}min", label_en=f"Emergency responder on scene within {_m} min",
           label_zh=f"应急力量{_m}分钟内到场率", unit="share", direction="higher", section="response",
           norm="police 110: urban 5 min; Chengdu gas-leak case: valve closed 5 min after the report ({sources} §4)",
           norm_zh="110城区5分钟到场；成都燃气泄漏案例：上报后5分钟关闭总阀（{sources} §4）", needs=("sim",),
           good=_good, bad=0.0 if _good is not None else None,
           description_en=f"Share of emergency incidents (fire, gas leak, violence, medical) with the first police, "
                          f"fire or 120 unit on scene within {_m} minutes of the report, driving on the roads.",
           description_zh=f"紧急事件（火灾、燃气泄漏、暴力、急病）中，公安、消防或120力量经路网行驶于上报后{_m}分钟内到场的比例。")(
        _emergency_within(_m))

metric("on_time_share", label_en="Closed on time (deadline of the incident type)", label_zh="按期结案率",
       unit="share", direction="higher", section="closure",
       norm="target ≥95 % (Fuzhou 99.9 %, Tianmen 75.8 %; {sources} §2); deadlines: {deadline_origin}",
       norm_zh="按期结案率目标≥95%，福州99.9%，天门75.8%，见{sources} §2；时限：{deadline_origin}",
       needs=("sim",), good=0.95, bad=0.5,
       description_en="Share of incidents closed within the deadline set for their type and urgency.",
       description_zh="在其类型和紧急程度规定时限内结案的事件占比。")(_summary("on_time_share"))

metric("closed_24h_share", label_en="Closed within 24 h", label_zh="24小时结案率", unit="share",
       direction="higher", section="closure",
       norm="Beijing 12345 draft: feedback within 24 h for utilities ({sources} §2); reported for information",
       norm_zh="北京12345标准草案：水电气热诉求24小时内反馈（{sources} §2）；仅供参考", needs=("sim",),
       description_en="Share of incidents closed within 24 hours of the report (closure, not response).",
       description_zh="上报后24小时内结案的事件占比（结案，而非响应）。")(_summary("closed_24h_share"))


@metric("escalated_closure_mean_h", label_en="Escalated cases: mean time to closure",
        label_zh="上报升级案件平均结案时间", unit="h", direction="lower", section="closure",
        norm="escalation grid → community → street → district ({sources} §2)",
        norm_zh="逐级上报：网格→社区→街道→区（{sources} §2）", needs=("sim",),
        description_en="Mean hours from report to closure of the incidents escalated beyond the grid worker "
                       "(community, street or district centres).",
        description_zh="超出网格员处置范围、上报至社区、街道或区级处理的事件，自上报至结案的平均小时数。")
def escalated_closure_mean_h(ctx) -> MetricValue:
    ctx.need("sim")
    if "escalated_closed_h_mean" in ctx.sim.summary:        # the simulation's centre queues
        return MetricValue(ctx.summary("escalated_closed_h_mean"), {"n": ctx.sim.summary.get("n_escalated")})
    level, closed = ctx.incident_fields("level", "closed_h")
    esc = np.asarray(level, dtype=object) != "grid"
    c = np.asarray(closed, float)[esc]
    c = c[np.isfinite(c)]
    if c.size == 0:
        raise NotComputed("no escalated incidents")
    return MetricValue(float(c.mean()), {"n": int(c.size)})


@metric("workload_max_mean", label_en="Worker workload max / mean", label_zh="网格员工作量 最大/平均",
        unit="ratio", direction="lower", section="balance", norm="CJ/T 213 principle: load balance",
        norm_zh="CJ/T 213 原则：工作量均衡",
        needs=("sim",), good=1.0, bad=2.0,
        description_en="Busiest worker's simulated busy hours divided by the mean over workers.",
        description_zh="最忙网格员的模拟工作小时数与平均值之比。")
def workload_max_mean(ctx) -> MetricValue:
    busy = ctx.worker_busy_h
    if busy.size == 0:
        raise NotComputed("no workers")
    return MetricValue(max_over_mean(busy), {"workers": int(busy.size), "max_h": float(busy.max()),
                                             "mean_h": float(busy.mean())})


@metric("workload_gini", label_en="Worker workload Gini", label_zh="网格员工作量基尼系数", unit="",
        direction="lower", section="balance", norm="CJ/T 213 principle: load balance", needs=("sim",),
        norm_zh="CJ/T 213 原则：工作量均衡",
        good=0.0, bad=0.5,
        description_en="Gini coefficient of simulated busy hours over workers (0 = equal).",
        description_zh="各网格员模拟工作小时数的基尼系数（0为完全均衡）。")
def workload_gini(ctx) -> MetricValue:
    busy = ctx.worker_busy_h
    if busy.size == 0:
        raise NotComputed("no workers")
    return MetricValue(gini(busy))


@metric("utilisation_max", label_en="Highest worker utilisation", label_zh="网格员最高利用率", unit="share",
        direction="lower", section="balance", norm=f"overloaded above {OVERLOAD_UTILISATION:.0%} [A]",
        norm_zh=f"利用率高于{OVERLOAD_UTILISATION:.0%}即为超负荷（假设值）",
        needs=("sim",),
        description_en="Busy time over shift time of the busiest worker; workers above the threshold are listed.",
        description_zh="最忙网格员的忙碌时间占班次时间之比；超过阈值的网格员列为问题。")
def utilisation_max(ctx) -> MetricValue:
    ctx.need("sim")
    pw = ctx.sim.per_worker
    if "utilisation" not in pw or len(pw["utilisation"]) == 0:
        return MetricValue(ctx.summary("utilisation_max"))
    u = np.asarray(pw["utilisation"], dtype=float)
    rows = np.asarray(pw.get("grid_row", np.full(u.size, -1)), dtype=np.int64)
    over = [(str(ctx.scenario.grids.id[r]) if r >= 0 else "", float(u[k]))
            for k, r in enumerate(rows) if u[k] > OVERLOAD_UTILISATION]
    over.sort(key=lambda t: -t[1])
    return MetricValue(float(np.nanmax(u)), {"overloaded": over, "threshold": OVERLOAD_UTILISATION})


def _general_households(ctx) -> np.ndarray:
    rows = np.flatnonzero(ctx.level == "general")
    if rows.size == 0:
        raise NotComputed("no general grids")
    return ctx.households_per_grid[rows]


@metric("households_max_mean", label_en="Households per general grid max / mean",
        label_zh="一般网格户数 最大/平均", unit="ratio", direction="lower", section="balance",
        norm="CJ/T 213 principle: load balance", good=1.0, bad=2.0,
        norm_zh="CJ/T 213 原则：工作量均衡",
        description_en="Largest general grid's households divided by the mean (static load, no simulation).",
        description_zh="户数最多的一般网格与平均户数之比（静态负荷，无需模拟）。")
def households_max_mean(ctx) -> MetricValue:
    return MetricValue(max_over_mean(_general_households(ctx)))


@metric("households_gini", label_en="Households per general grid Gini", label_zh="一般网格户数基尼系数",
        unit="", direction="lower", section="balance", norm="CJ/T 213 principle: load balance",
        norm_zh="CJ/T 213 原则：工作量均衡",
        good=0.0, bad=0.5,
        description_en="Gini coefficient of households over general grids (0 = equal).",
        description_zh="各一般网格户数的基尼系数（0为完全均衡）。")
def households_gini(ctx) -> MetricValue:
    return MetricValue(gini(_general_households(ctx)))
