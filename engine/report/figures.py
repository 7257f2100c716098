"""Which maps and plots a report holds, in reading order: ``build_figures(entries, lang)``.

Response maps show the p90 of reports dispatched while the grid's worker is on duty
(``response_on_duty_p90_min``): all-hours figures are dominated by waits for the next shift,
which no grid layout changes.  Scores saved before that key existed fall back to all hours,
labelled so.
"""
from __future__ import annotations

from .i18n import t
from .maps import grid_maps, unit_difference_map
from .problem_map import problem_map
from .plots import difference_plot, ecdf_plot, group_bars, histogram


def _response_key(entries) -> tuple[str, str, str]:
    """(grid_sim key, map title key, difference label key): on duty when every scenario has it."""
    if all("response_on_duty_p90_min" in s.grid_sim for _, _, s in entries if "response_p90_min" in s.grid_sim):
        return "response_on_duty_p90_min", "map_response", "diff_response"
    return "response_p90_min", "map_response_all", "diff_response_all"


def build_figures(entries, lang: str) -> list[tuple[str, object]]:
    """``[(title, matplotlib Figure)]``; figures whose data no scenario has are left out."""
    figs: list[tuple[str, object]] = []

    def add(title, fig):
        if fig is not None:
            figs.append((title, fig))

    for name, sc, s in entries:       # the problem tables point to these numbered markers
        add(t("map_problems", lang, name=name), problem_map(name, sc, s, lang))
    add(t("plot_groups", lang), group_bars(entries, lang))
    if len(entries) > 1:
        from ..score.comparison import comparison_table

        table = {r["key"]: r for r in comparison_table([n for n, _, _ in entries], [s for _, _, s in entries])}
        add(t("plot_differences", lang), difference_plot(entries, table, lang))
    add(t("map_coverage", lang), grid_maps(entries, "coverage_share", t("map_coverage", lang), lang, cmap="RdYlGn"))
    resp, resp_map, resp_diff = _response_key(entries)
    add(t(resp_map, lang), grid_maps(entries, resp, t(resp_map, lang), lang, cmap="YlOrRd", source="grid_sim"))
    add(t("map_workload", lang), grid_maps(entries, "utilisation", t("map_workload", lang), lang,
                                           cmap="YlOrRd", source="grid_sim"))
    norm = entries[0][1].params["grids"]["general_households"]      # the baseline's own size norm
    size_title = t("map_size", lang, lo=f"{norm['min']:g}", hi=f"{norm['max']:g}")
    add(size_title, grid_maps(entries, "households", size_title, lang, cmap="viridis"))
    for other in entries[1:]:
        base = entries[0]
        add(t("diff_title", lang, a=base[0], b=other[0], what=t("diff_coverage", lang)),
            unit_difference_map(base, other, "coverage_share", "per_unit", t("diff_coverage", lang), lang))
        add(t("diff_title", lang, a=base[0], b=other[0], what=t(resp_diff, lang)),
            unit_difference_map(base, other, resp, "grid_sim", t(resp_diff, lang), lang, lower_better=True))
        add(t("diff_title", lang, a=base[0], b=other[0], what=t("diff_workload", lang)),
            unit_difference_map(base, other, "utilisation", "grid_sim", t("diff_workload", lang), lang,
                                lower_better=True))
    add(t("plot_response", lang), ecdf_plot(entries, "response_on_duty_min", t("plot_response", lang),
                                            t("minutes", lang), lang, marks=(5, 10, 15)))
    add(t("plot_response_all", lang), ecdf_plot(entries, "response_min", t("plot_response_all", lang),
                                                t("minutes", lang), lang, marks=(5, 10, 15)))
    add(t("plot_closure", lang), ecdf_plot(entries, "closed_h", t("plot_closure", lang), t("hours", lang),
                                           lang, marks=(2, 24)))
    add(t("plot_utilisation", lang), histogram(entries, "worker_utilisation", t("plot_utilisation", lang),
                                               t("plot_utilisation", lang), t("workers", lang)))
    add(t("plot_households", lang), histogram(entries, "households_general", t("plot_households", lang),
                                              t("households", lang), t("grids_count", lang),
                                              spans=((norm["min"], norm["max"]),)))
    return figs
