"""Before/after figure of ``gridgov optimise --mode grids`` on the Wuhou sample (docs/img/optimise_wuhou.png).

Left: the bundled general grids; right: the optimised ones.  Colour = households relative to the
norm's target (the same scale on both), black lines = general grids, title = households Gini and
mean Polsby–Popper compactness.

    .venv/bin/python scripts/make_optimise_figure.py [--seed 1] [--out docs/img/optimise_wuhou.png]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT.parent))


def panel(ax, scenario, title):
    import shapely
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Polygon as MplPolygon

    from gridgov.engine.score.geometry import gini, polsby_popper

    g, u = scenario.grids, scenario.units
    target = scenario.params["grids"]["general_households"]["target"]
    gen = np.flatnonzero(g.level == "general")
    H = np.array([u.households[u.grid_id == g.id[r]].sum() for r in gen], float)
    patches, values = [], []
    for r, h in zip(gen, H):
        for poly in shapely.get_parts(g.geometry[r]):
            patches.append(MplPolygon(np.asarray(poly.exterior.coords)[:, :2], closed=True))
            values.append(h / target)
    pc = PatchCollection(patches, cmap="RdBu_r", edgecolor="black", linewidth=0.6)
    pc.set_array(np.asarray(values))
    pc.set_clim(0.5, 1.5)
    ax.add_collection(pc)
    micro = g.level == "micro"
    for geom in g.geometry[micro]:
        for poly in shapely.get_parts(geom):
            xy = np.asarray(poly.exterior.coords)
            ax.plot(xy[:, 0], xy[:, 1], color="0.55", linewidth=0.15)
    ax.scatter(u.x, u.y, s=0.6, color="0.2", linewidths=0)
    ax.autoscale_view()
    ax.set_aspect("equal")
    ax.set_axis_off()
    pp = float(np.nanmean(polsby_popper(g.geometry[gen])))
    ax.set_title(f"{title}\n{gen.size} general grids, households Gini {gini(H):.3f}, "
                 f"Polsby–Popper {pp:.2f}, {H.min():.0f}–{H.max():.0f} households", fontsize=9)
    return pc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=str(ROOT / "docs" / "img" / "optimise_wuhou.png"))
    args = ap.parse_args()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from gridgov.engine.scenario import load_scenario
    from gridgov.engine.workflows.optimise import optimise

    source = load_scenario(ROOT / "scenarios" / "chengdu_wuhou")
    run = optimise(source, "grids", seed=args.seed)
    fig, axes = plt.subplots(1, 2, figsize=(13, 6.8), dpi=130)
    panel(axes[0], source, "Bundled layout")
    pc = panel(axes[1], run.scenario, f"gridgov optimise --mode grids --seed {args.seed}")
    cb = fig.colorbar(pc, ax=axes, shrink=0.6, orientation="horizontal", pad=0.03)
    cb.set_label("households / target (400); grey lines: micro-grids; dots: residential units")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, bbox_inches="tight")
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
