"""Every user-visible string of the reports, in one table: key → (English, 简体中文).

``t(key, lang, **kw)`` formats with ``str.format``.  Metric labels live with the metrics
(engine/score/metrics_*.py), vocabularies in engine/vocab.py and parameter labels (score weight
groups too) in engine/params.py; this table holds the rest.
"""
from __future__ import annotations

from ..params import DEFAULTS

LANGS = ("zh_CN", "en")

TEXT: dict[str, tuple[str, str]] = {
    "title_single": ("GridGov scenario report: {name}", "网格化治理方案评估报告：{name}"),
    "title_compare": ("GridGov scenario comparison", "网格化治理方案对比报告"),
    "generated": ("Generated {when} by GridGov {version}", "由 GridGov {version} 于 {when} 生成"),
    "synthetic_note": ("Households, grids and incidents of this scenario are synthetic (generated on real roads); "
                       "figures illustrate the method, not a real district.",
                       "本方案的住户、网格和事件为合成数据（基于真实路网生成），数字用于说明方法，不代表真实辖区。"),
    "headline": ("Headline", "总体结论"),
    "scenarios_section": ("Scenarios compared", "参与比较的方案"),
    "scenario_what": ("What it is", "方案说明"),
    "params_changed": ("Parameters changed from the defaults", "与默认值不同的参数"),
    "default_value": ("default {v}", "默认 {v}"),
    "scenario": ("Scenario", "方案"),
    "baseline": ("baseline", "基准"),
    "total": ("Total score (0–100)", "总分（0–100）"),
    "rank": ("Rank", "排名"),
    "best": ("Best", "最优"),
    "partial_total": ("Partial total: not computed for {groups}", "总分不完整：未计算 {groups}"),
    "group_topology": ("Nesting and topology", "嵌套与拓扑"),
    "weight": ("Weight", "权重"),
    "metric": ("Metric", "指标"),
    "value": ("Value", "数值"),
    "delta": ("Δ vs baseline", "较基准变化"),
    "points": ("Points", "得分"),
    "norm": ("Norm / source", "标准/来源"),
    "better": ("better", "更好"),
    "worse": ("worse", "更差"),
    "same": ("same", "持平"),
    "not_computed": ("not computed", "未计算"),
    "higher_better": ("higher is better", "越高越好"),
    "lower_better": ("lower is better", "越低越好"),
    "scoring_rule": ("Points: {bad} → 0, {good} → 100, linear in between", "得分：{bad} 记0分，{good} 记100分，其间线性"),
    "metrics_all": ("All metrics", "全部指标"),
    "problems": ("Top problems to act on", "需要处理的主要问题"),
    "new_problem": ("new", "新增"),
    "resolved": ("Resolved compared with the baseline", "相比基准已解决的问题"),
    "no_problems": ("No problems found.", "未发现问题。"),
    "location": ("On the map", "地图位置"),
    "on_map": ("No. {n} on the problem map", "问题地图第{n}号"),
    "map_problems": ("Problem locations: {name} (numbers as in the problem list)", "问题位置：{name}（编号同问题列表）"),
    "grid": ("Grid", "网格"),
    "street": ("Street", "街道"),
    "community": ("Community", "社区"),
    "issue": ("Issue", "问题"),
    "by_street": ("Per street", "分街道情况"),
    "by_district": ("Per district", "分区县情况"),
    "district": ("District", "区县"),
    "streets_count": ("Streets", "街道数"),
    "streets_of": ("Streets of {district}", "{district}各街道"),
    "general_grids": ("General grids", "一般网格数"),
    "households": ("Households", "住户数"),
    "uncovered_share": ("Households missing a facility", "设施缺项住户比例"),
    "incidents": ("Incidents", "事件数"),
    "workload_h": ("Workload (h)", "工作量（小时）"),
    "utilisation_max": ("Highest utilisation", "最高利用率"),
    "response_on_duty_p90_min": ("Response p90, worker on duty (min)", "在岗时段响应时间P90（分钟）"),
    "response_on_duty_within_15min": ("Reached within 15 min, on duty", "在岗时段15分钟到场率"),
    "response_p90_min": ("Response p90, all hours (min)", "全时段响应时间P90（分钟）"),
    "closed_24h_share": ("Closed within 24 h", "24小时结案率"),
    "coverage_types": ("Coverage per facility type", "各类设施覆盖情况"),
    "facility_type": ("Facility type", "设施类型"),
    "tier": ("Tier", "层级"),
    "within_tier": ("Within its walking distance / drive time", "步行距离或行车时限内"),
    "drive_within": ("driving ≤ {m} min", "行车≤{m}分钟"),
    "within_min": ("walk ≤ {m} min", "步行≤{m}分钟"),
    "tier_min": ("{m}-minute", "{m}分钟"),
    "sensitivity": ("How the ranking moves with the weights", "权重变化对排名的影响"),
    "sensitivity_intro": ("Each weight is multiplied by the factor (the others are kept, then all are normalised); "
                          "the cell names the scenario ranked first. Win share: share of 5,000 random weight "
                          "vectors (uniform over the simplex) for which the scenario ranks first by more than the "
                          "noise (the paired 95 % interval of the total difference excludes 0); the rest are ties.",
                          "每次将一个权重乘以给定倍数（其余不变后统一归一化），表中为排名第一的方案。"
                          "胜出比例：在5000组均匀随机权重中该方案总分领先且超出随机误差（总分配对差异的95%置信区间不含0）"
                          "的比例；其余为平局。"),
    "ties": ("Ties (lead inside the noise)", "平局（领先在误差范围内）"),
    "factor": ("× {f}", "×{f}"),
    "win_share": ("Win share", "胜出比例"),
    "flip_at": ("Leader changes when the weight is × {f}", "权重变为×{f}时第一名改变"),
    "stable": ("stable over × 0–3", "在×0–3范围内不变"),
    "maps": ("Maps", "地图"),
    "plots": ("Distributions", "分布"),
    "map_coverage": ("Life-circle coverage per grid (share of facility types within tier distance)",
                     "各网格生活圈覆盖（层级距离内设施类型比例）"),
    "map_response": ("Response time p90 per grid, reports while the grid's worker is on duty (min)",
                     "各网格响应时间P90（网格员在岗时段上报，分钟）"),
    "map_response_all": ("Response time p90 per grid, all hours incl. waits for the next shift (min)",
                         "各网格响应时间P90（全时段，含等待下一班次，分钟）"),
    "map_workload": ("Worker utilisation per grid", "各网格网格员利用率"),
    "map_size": ("Households per general grid (norm {lo}–{hi})", "一般网格户数（标准{lo}–{hi}户）"),
    "diff_title": ("{b} minus {a}: {what} at each residential unit", "{b} 减 {a}：各居住单元的{what}"),
    "diff_coverage": ("coverage", "覆盖率"),
    "diff_response": ("response p90 (worker on duty)", "在岗时段响应时间P90"),
    "diff_response_all": ("response p90 (all hours)", "全时段响应时间P90"),
    "diff_workload": ("utilisation", "利用率"),
    "plot_response": ("Response time (report → on scene), reports while the worker is on duty",
                      "响应时间（上报→到场），网格员在岗时段上报"),
    "plot_response_all": ("Response time (report → on scene), all incidents, all hours",
                          "响应时间（上报→到场），全部事件、全时段"),
    "plot_closure": ("Closure time", "结案时间"),
    "plot_utilisation": ("Worker utilisation", "网格员利用率"),
    "plot_households": ("Households per general grid", "一般网格户数"),
    "plot_groups": ("Points per weight group (bars: 95 % interval)", "各权重组得分（误差线：95%置信区间）"),
    "plot_differences": ("Difference from the baseline, points (paired 95 % interval)",
                         "与基准方案的得分差异（配对95%置信区间）"),
    "diff_points": ("points", "分"),
    "share_of_incidents": ("share of incidents", "事件比例"),
    "minutes": ("minutes", "分钟"),
    "hours": ("hours", "小时"),
    "workers": ("workers", "网格员人数"),
    "grids_count": ("grids", "网格数"),
    "not_simulated": ("not simulated", "未模拟"),
    "map_credit": ("Data: {sources}", "数据来源：{sources}"),
    "no_sources": ("sources not given in scenario.toml", "scenario.toml 未注明数据来源"),
    "no_significant": ("no significant difference", "无显著差异"),
    "replications_note": ("Simulated figures are means over {r} replications (common random numbers across the "
                          "scenarios); [a, b] is the 95 % confidence interval, and a difference whose interval "
                          "covers 0 is marked \"no significant difference\" and not coloured.",
                          "模拟指标为 {r} 次重复运行的平均值（各方案使用相同的随机数）；[a, b] 为95%置信区间，"
                          "区间包含0的差异标注为“无显著差异”，不着色。"),
    "weights_note": ("All scenarios are totalled with the baseline's weights ([score] weights of its scenario.toml).",
                     "所有方案均按基准方案的权重（其 scenario.toml 中的 [score] weights）计算总分。"),
    "how_to_read": ("How to read: green = better than the baseline, red = worse. Every number traces to a metric "
                    "below (definition, norm and scoring rule) and to the per-grid columns in results.gpkg.",
                    "阅读说明：绿色表示优于基准，红色表示差于基准。每个数字都可追溯到下方指标（定义、标准和计分规则）"
                    "及 results.gpkg 中的网格字段。"),
    # problems: {grid} = id + name, {value}, {other}
    "p_overlap": ("Grids {grid} and {other} overlap by {value:.0f} m²", "网格 {grid} 与 {other} 重叠 {value:.0f} 平方米"),
    "p_gap": ("Gap of {value:.0f} m² not covered by any grid", "有 {value:.0f} 平方米空隙不属于任何网格"),
    "p_micro_outside_parent": ("Micro-grid {grid}: {value:.0f} m² outside its general grid {other}",
                               "微网格 {grid} 有 {value:.0f} 平方米位于所属一般网格 {other} 之外"),
    "p_micro_no_parent": ("Micro-grid {grid}: parent '{other}' does not exist", "微网格 {grid} 的上级网格“{other}”不存在"),
    "p_micro_parent_not_general": ("Micro-grid {grid}: parent {other} is not a general grid",
                                   "微网格 {grid} 的上级 {other} 不是一般网格"),
    "p_micro_code_not_nested": ("Micro-grid {grid}: code does not begin with its parent's code ({other})",
                                "微网格 {grid} 的编码未以上级网格 {other} 的编码开头"),
    "p_micro_other_community": ("Micro-grid {grid} names another community than its parent {other}",
                                "微网格 {grid} 所属社区与上级网格 {other} 不一致"),
    "p_micro_other_street": ("Micro-grid {grid} names another street than its parent {other}",
                             "微网格 {grid} 所属街道与上级网格 {other} 不一致"),
    "p_community_in_several_streets": ("Community {grid} lies in several streets: {other}",
                                       "社区 {grid} 分属多个街道：{other}"),
    "p_missing_hierarchy": ("Grid {grid} has no community or street", "网格 {grid} 缺少社区或街道"),
    "p_unit_unknown_grid": ("Unit {other} ({value:.0f} households) names unknown grid '{grid}'",
                            "居住单元 {other}（{value:.0f}户）所属网格“{grid}”不存在"),
    "p_unit_outside_grid": ("Unit {other} ({value:.0f} households) lies outside its grid {grid}",
                            "居住单元 {other}（{value:.0f}户）位于所属网格 {grid} 之外"),
    "p_size_out_of_norm": ("Grid {grid} has {value:.0f} households (norm {other})",
                           "网格 {grid} 有 {value:.0f} 户（标准 {other} 户）"),
    "p_micro_size_out_of_norm": ("Micro-grid {grid} has {value:.0f} households (norm {other})",
                                 "微网格 {grid} 有 {value:.0f} 户（标准 {other} 户）"),
    "p_uncovered": ("Grid {grid}: {value:.0f} households miss a life-circle facility",
                    "网格 {grid}：{value:.0f} 户缺少生活圈设施"),
    "p_overloaded": ("Worker of grid {grid} busy {value:.0%} of the shift (threshold {other})",
                     "网格 {grid} 的网格员忙碌时间占班次 {value:.0%}（阈值 {other}）"),
    "p_missing_type": ("Required facility type {other} is missing: no household is covered (0 %)",
                       "缺少必备设施类型 {other}：覆盖率为0%"),
    "p_multipart": ("Grid {grid} is split into {value:.0f} separate parts", "网格 {grid} 由 {value:.0f} 个互不相连的部分组成"),
}
# Weight groups of the total score: labelled once, in the parameter schema ([score] weights).
TEXT.update({f"group_{k}": en_zh for k, en_zh in DEFAULTS["score"]["weights"].key_labels.items()})


def t(key: str, lang: str = "zh_CN", **kw) -> str:
    """Text of ``key`` in ``lang`` (zh_CN or en), formatted with ``kw``."""
    en, zh = TEXT[key]
    text = zh if lang.startswith("zh") else en
    return text.format(**kw) if kw else text


def check_lang(lang: str) -> str:
    from ..errors import GridGovError

    if lang not in LANGS:
        raise GridGovError(f"unknown report language '{lang}' (use one of: {', '.join(LANGS)})")
    return lang


def problem_text(p: dict, lang: str) -> str:
    """One problem dict (engine.score.problems) as a sentence."""
    grid = p.get("grid_id", "")
    if p.get("name") and p["name"] != grid:
        grid = f"{grid}（{p['name']}）" if lang.startswith("zh") else f"{grid} ({p['name']})"
    value = p.get("value")
    if p["kind"] == "missing_type":
        other = p.get("label_zh" if lang.startswith("zh") else "label_en") or p.get("other_id", "")
        return t("p_missing_type", lang, other=other)
    return t(f"p_{p['kind']}", lang, grid=grid, other=p.get("other_id", ""),
             value=float("nan") if value is None else value)
