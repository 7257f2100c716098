"""Optimisation benchmarks: districting vs GerryChain, location-allocation vs HiGHS MILP and spopt.

Each peer is timed in the same run on the same instance; the script prints ratios.
  1. ReCom step time on a Delaunay graph of random points (k districts, ε = 0.10): GridGov's
     Numba chain vs GerryChain's ``recom`` in a ``MarkovChain`` (same start partition).
  2. Seed partition on a 5,000-point Delaunay graph at ε = 0.10: time and failures, vs
     GerryChain's ``recursive_tree_part``.
  3. p-median (2,000 demand × 100 candidates, p = 10) and MCLP (2,000 × 500): GridGov's
     heuristic (time, gap to the MILP optimum) vs ``scipy.optimize.milp`` (HiGHS) and spopt (CBC).
GerryChain and spopt are optional (``pip install gerrychain==1.0.0 --no-deps rustworkx`` and
``spopt``); a missing peer is skipped with the reason printed.

    python benchmarks/bench_optimise.py [--quick]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT.parent))


def delaunay_graph(n, seed):
    from gridgov.engine.optimise.adjacency import unit_graph

    rng = np.random.default_rng(seed)
    x, y = rng.uniform(0, 10_000, n), rng.uniform(0, 10_000, n)
    return x, y, unit_graph(x, y, link_max_m=1e12)


def ours_seed(g, n, k, eps, seed):
    from gridgov.engine.optimise.seed import seed_partition

    ideal = n / k
    t = time.perf_counter()
    labels, rep = seed_partition(g.indptr, g.indices, np.ones(n), [(np.arange(n), k)], ideal * (1 - eps),
                                 ideal * (1 + eps), np.random.default_rng(seed))
    return time.perf_counter() - t, labels, rep


def ours_recom(g, labels, x, y, k, eps, steps):
    from gridgov.engine.optimise import _kernels

    n = labels.size
    ideal = n / k
    lab = labels.copy()
    stats = np.zeros(4, np.int64)
    args = (g.indptr, g.indices, g.weight, np.ones(n), x, y, lab, lab.copy(), k, ideal, ideal * (1 - eps),
            ideal * (1 + eps), 0.0, 0.0, 0.0, 0.0, 0.0)
    _kernels.anneal(*args, 10, 1.0, np.inf, np.inf, 0, stats)  # compile
    stats[:] = 0
    t = time.perf_counter()
    _kernels.anneal(*args, steps, 1.0, np.inf, np.inf, 1, stats)
    dt = time.perf_counter() - t
    return dt / max(stats[3], 1), stats   # per accepted ReCom: a GerryChain step retries until it has one


def gerrychain_graph(g):
    import networkx as nx
    from gerrychain import Graph

    G = nx.Graph()
    src = np.repeat(np.arange(g.n), g.degree())
    G.add_nodes_from((i, {"population": 1}) for i in range(g.n))
    G.add_edges_from((int(a), int(b)) for a, b in zip(src, g.indices) if a < b)
    return Graph.from_networkx(G)


def gerrychain_recom(graph, labels, k, eps, steps):
    from functools import partial

    from gerrychain import MarkovChain, Partition
    from gerrychain.accept import always_accept
    from gerrychain.proposals import recom
    from gerrychain.updaters import Tally, cut_edges

    part = Partition(graph, {i: int(labels[i]) for i in range(len(labels))},
                     updaters={"population": Tally("population", alias="population"), "cut_edges": cut_edges})
    proposal = partial(recom, pop_col="population", pop_target=len(labels) / k, epsilon=eps, node_repeats=0)
    chain = MarkovChain(proposal, constraints=[], acceptance_fn=always_accept, initial_partition=part,
                        total_steps=steps, rng=0)
    t = time.perf_counter()
    for _ in chain:
        pass
    return (time.perf_counter() - t) / steps


def gerrychain_seed(graph, n, k, eps):
    from gerrychain.partition import recursive_tree_part

    t = time.perf_counter()
    try:
        recursive_tree_part(graph, range(k), n / k, "population", eps, node_repeats=1)
        ok = "ok"
    except Exception as exc:  # GerryChain raises when no balanced cut is found
        ok = f"failed ({type(exc).__name__})"
    return time.perf_counter() - t, ok


def peer(name):
    try:
        __import__(name)
        return None
    except Exception as exc:
        return f"{name} not installed ({type(exc).__name__}: {exc})"


def bench_districting(quick):
    n, k, eps = (1_000, 20, 0.10) if quick else (4_000, 40, 0.10)
    x, y, g = delaunay_graph(n, 1)
    ours_seed(g, n, k, eps, 0)  # compile
    dt, labels, rep = ours_seed(g, n, k, eps, 1)
    per_step, stats = ours_recom(g, labels, x, y, k, eps, 5_000 if quick else 50_000)
    print(f"[ReCom] {n} units, {k} districts, ε={eps}: GridGov {per_step * 1e6:.1f} µs per new partition "
          f"({stats[3]} of {stats[2]} proposals found a balanced cut; failed ones are included in the time)")
    why = peer("gerrychain")
    if why:
        print(f"[ReCom] GerryChain skipped: {why}")
    else:
        gc_step = gerrychain_recom(gerrychain_graph(g), labels, k, eps, 10 if quick else 40)
        print(f"[ReCom] GerryChain {gc_step * 1e3:.2f} ms/step → GridGov is {gc_step / per_step:.0f}× faster per step")
    n = 1_000 if quick else 5_000
    k = 20 if quick else 50
    x, y, g = delaunay_graph(n, 2)
    times, relaxed = [], 0
    for s in range(5 if quick else 20):
        dt, labels, rep = ours_seed(g, n, k, eps, s)
        times.append(dt)
        H = np.bincount(labels, minlength=k)
        relaxed += int(rep.relaxed > 0 or ((H < n / k * (1 - eps)) | (H > n / k * (1 + eps))).any())
    print(f"[seed] {n} units, {k} districts, ε={eps}: GridGov median {statistics.median(times):.3f} s, "
          f"max {max(times):.3f} s, out-of-band results {relaxed}/{len(times)}")
    if not why:
        gt, ok = gerrychain_seed(gerrychain_graph(g), n, k, eps)
        print(f"[seed] GerryChain recursive_tree_part: {gt:.2f} s, {ok} → GridGov is "
              f"{gt / statistics.median(times):.0f}× faster")


def location_instance(n, m, seed):
    rng = np.random.default_rng(seed)
    d = rng.uniform(0, 10_000, (n, 2))
    c = rng.uniform(0, 10_000, (m, 2))
    cost = np.hypot(*(d[:, None, :] - c[None]).transpose(2, 0, 1)) / 4.0   # seconds at 4 m/s
    return cost, rng.integers(1, 50, n).astype(float)


def timed(fn, repeat):
    best, out = np.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def bench_location(quick, models=("p_median", "mclp")):
    from gridgov.engine.optimise.location import locate

    for model, (n, m, p, radius) in (("p_median", (500, 50, 5, None) if quick else (2_000, 100, 10, None)),
                                     ("mclp", (500, 100, 10, 300.0) if quick else (2_000, 500, 20, 250.0))):
        if model not in models:
            continue
        cost, w = location_instance(n, m, 3)
        locate(model, cost[:40, :12], w[:40], 3, radius=radius, method="heuristic")  # compile
        th, he = timed(lambda: locate(model, cost, w, p, radius=radius, method="heuristic", bound=False), 5)
        te, ex = timed(lambda: locate(model, cost, w, p, radius=radius, method="exact"), 1)
        gap = abs(he.objective - ex.objective) / abs(ex.objective)
        print(f"[{model}] {n}×{m}, p={p}: GridGov heuristic {th * 1e3:.1f} ms, gap to the MILP optimum {gap:.3%}; "
              f"HiGHS MILP {te:.1f} s → {te / th:.0f}× faster")
        why = peer("spopt") or peer("pulp")
        if why:
            print(f"[{model}] spopt skipped: {why}")
            continue
        import pulp
        from spopt.locate import MCLP, PMedian

        t = time.perf_counter()
        if model == "p_median":
            sp = PMedian.from_cost_matrix(cost, w, p_facilities=p).solve(pulp.PULP_CBC_CMD(msg=False))
        else:
            sp = MCLP.from_cost_matrix(cost, w, service_radius=radius, p_facilities=p).solve(pulp.PULP_CBC_CMD(msg=False))
        ts = time.perf_counter() - t
        obj = pulp.value(sp.problem.objective)
        print(f"[{model}] spopt (CBC) {ts:.1f} s, objective {obj:.6g} vs MILP {ex.objective:.6g} → GridGov "
              f"{ts / th:.0f}× faster")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small instances (CI)")
    ap.add_argument("--only", choices=["districting", "location", "p_median", "mclp"])
    args = ap.parse_args()
    if args.only in (None, "districting"):
        bench_districting(args.quick)
    if args.only in (None, "location", "p_median", "mclp"):
        bench_location(args.quick, ("p_median", "mclp") if args.only in (None, "location") else (args.only,))
    return 0


if __name__ == "__main__":
    sys.exit(main())
