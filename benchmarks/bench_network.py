"""Network engine benchmark: nearest facility + 5/10/15-minute bands and a cutoff matrix.

Synthetic road-like graph: a square street grid (80 m blocks, lengths jittered ×0.9–1.4,
8 % of street segments removed), walking at 1 m/s with costs in whole deciseconds (so the
bucket queue applies; every peer gets the same weights).  Compared in the same run:

* bands from 1, 10 and 1,000 sources: ``gridgov.engine.network.multi_source(cutoff=15 min)``
  + band index, vs ``scipy.sparse.csgraph.dijkstra(min_only=True, limit=15 min,
  return_predecessors=True)`` and ``networkx.multi_source_dijkstra_path_length(cutoff)``;
* a 1,000-source 1,200 m (1,200 s) cutoff matrix: ``sparse_matrix`` vs scipy
  ``dijkstra(indices=..., limit=...)`` (dense rows, run in chunks) and networkx
  ``single_source_dijkstra_path_length(cutoff)`` per source;
* memory: RSS of graph + results in a fresh process.

Costs are checked equal to scipy's.  ``--quick`` uses a 40,000-node graph; the default is
1,000,000 nodes.  The last line lists the ratios (peer time / GridGov time).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time

import numpy as np

BAND_S = np.array([300, 600, 900]) * 10     # deciseconds
MATRIX_CUTOFF = 1200 * 10                    # 1,200 m at 1 m/s, deciseconds


def road_grid(side: int, seed: int = 0):
    """CSR of a jittered street grid with some segments removed (integer deciseconds)."""
    rng = np.random.default_rng(seed)
    ids = np.arange(side * side).reshape(side, side)
    a = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    b = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    keep = rng.random(a.size) >= 0.08
    a, b = a[keep], b[keep]
    length = 80.0 * rng.uniform(0.9, 1.4, a.size)
    w = np.round(length * 10.0)                 # deciseconds at 1 m/s
    tail = np.concatenate([a, b])
    head = np.concatenate([b, a])
    ww = np.concatenate([w, w])
    order = np.argsort(tail, kind="stable")
    indptr = np.zeros(side * side + 1, np.int64)
    np.add.at(indptr, tail + 1, 1)
    return np.cumsum(indptr), head[order].astype(np.int32), ww[order], (a, b, w)


def best_of(fn, repeat: int):
    best, out = np.inf, None
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def rss_child(side: int) -> None:
    """Run in a fresh process: RSS of graph + bands + matrix results (MB)."""
    from gridgov.engine.circles import band_of
    from gridgov.engine.network import multi_source, sparse_matrix

    def status(key):
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1]) / 1024.0
        return float("nan")

    tiny = road_grid(4)
    multi_source(*tiny[:3], [0], cutoff=1000)          # JIT loaded before the baseline
    sparse_matrix(*tiny[:3], [0], cutoff=1000)
    base = status("VmRSS")
    indptr, indices, w, _ = road_grid(side)
    n = side * side
    src = np.random.default_rng(1).choice(n, 1000, replace=False)
    cost, near = multi_source(indptr, indices, w, src, cutoff=BAND_S[-1])
    band = band_of(cost, BAND_S)
    mat = sparse_matrix(indptr, indices, w, src, cutoff=MATRIX_CUTOFF)
    held = status("VmRSS") - base
    peak = status("VmHWM") - base
    print(json.dumps({"held_mb": held, "peak_mb": peak, "n": n, "matrix_nnz": int(mat.nnz),
                      "check": int(band.sum() + near.sum() % 7)}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="40,000-node graph (CI)")
    ap.add_argument("--side", type=int, help="grid side (nodes = side²)")
    ap.add_argument("--no-networkx", action="store_true", help="skip networkx (it needs ~2 GB at 1M nodes)")
    ap.add_argument("--rss-child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.rss_child:
        rss_child(args.rss_child)
        return 0
    import networkx as nx
    import scipy.sparse as sp
    from scipy.sparse.csgraph import dijkstra

    from gridgov.engine.circles import band_of
    from gridgov.engine.network import multi_source, sparse_matrix
    from gridgov.engine.network.matrix import default_threads

    side = args.side or (200 if args.quick else 1000)
    n = side * side
    t = time.perf_counter()
    indptr, indices, w, (ea, eb, ew) = road_grid(side)
    print(f"graph: {n:,} nodes, {indices.size:,} directed edges, built in {time.perf_counter() - t:.2f} s; "
          f"threads {default_threads()}", flush=True)
    G = sp.csr_matrix((w, indices, indptr), shape=(n, n))
    multi_source(*road_grid(4)[:3], [0], cutoff=10)           # JIT load outside the timings
    sparse_matrix(*road_grid(4)[:3], [0], cutoff=10)
    NX = None
    if not args.no_networkx:
        t = time.perf_counter()
        NX = nx.Graph()
        NX.add_nodes_from(range(n))
        NX.add_weighted_edges_from(zip(ea.tolist(), eb.tolist(), ew.tolist()))
        print(f"networkx graph built in {time.perf_counter() - t:.1f} s", flush=True)
    rng = np.random.default_rng(7)
    ratios: dict[str, str] = {}
    rep = 3 if args.quick else 2
    for k in (1, 10, 1000):
        src = rng.choice(n, k, replace=False)
        t_ours, (cost, near) = best_of(lambda: multi_source(indptr, indices, w, src, cutoff=BAND_S[-1]), rep + 2)
        t_b, _ = best_of(lambda: band_of(cost, BAND_S), 3)
        t_ours += t_b
        t_sp, (d, _, s) = best_of(lambda: dijkstra(G, indices=src, min_only=True, limit=BAND_S[-1],
                                                   return_predecessors=True), rep)
        assert np.array_equal(cost, d) and np.array_equal(near >= 0, s >= 0), "costs differ from scipy"
        line = f"bands {k:>5} sources: gridgov {t_ours * 1e3:8.1f} ms | scipy {t_sp * 1e3:8.1f} ms ({t_sp / t_ours:5.1f}x)"
        ratios[f"bands{k}_vs_scipy"] = f"{t_sp / t_ours:.1f}x"
        if NX is not None:
            t_nx, ref = best_of(lambda: nx.multi_source_dijkstra_path_length(NX, set(src.tolist()),
                                                                            cutoff=float(BAND_S[-1])), 1)
            assert len(ref) == int(np.isfinite(cost).sum())
            line += f" | networkx {t_nx * 1e3:9.1f} ms ({t_nx / t_ours:6.1f}x)"
            ratios[f"bands{k}_vs_networkx"] = f"{t_nx / t_ours:.1f}x"
        print(line + f" | reached {np.isfinite(cost).mean():.1%}", flush=True)
    # ---- 1,000-source cutoff matrix
    src = rng.choice(n, 1000, replace=False)
    t_ours, mat = best_of(lambda: sparse_matrix(indptr, indices, w, src, cutoff=MATRIX_CUTOFF), rep + 2)
    chunk = max(1, min(1000, 25_000_000 // n))

    def scipy_rows():
        nnz = 0
        for a in range(0, src.size, chunk):
            nnz += int(np.isfinite(dijkstra(G, indices=src[a:a + chunk], limit=MATRIX_CUTOFF)).sum())
        return nnz

    t_sp, nnz = best_of(scipy_rows, 1)
    assert nnz == mat.nnz, "matrix differs from scipy"
    # exact values on a sample of rows
    sample = dijkstra(G, indices=src[:5], limit=MATRIX_CUTOFF)
    dense = np.full(sample.shape, np.inf)
    sub = mat[:5].tocoo()
    dense[sub.row, sub.col] = sub.data
    assert np.array_equal(dense, sample)
    peers = {"scipy": t_sp}
    line = f"matrix 1000 × {MATRIX_CUTOFF / 10:.0f} m: gridgov {t_ours * 1e3:8.1f} ms ({mat.nnz:,} pairs) | " \
           f"scipy {t_sp * 1e3:9.1f} ms ({t_sp / t_ours:6.1f}x)"
    if NX is not None:
        t_nx, tot = best_of(lambda: sum(len(nx.single_source_dijkstra_path_length(NX, int(s), cutoff=MATRIX_CUTOFF))
                                        for s in src), 1)
        assert tot == mat.nnz
        peers["networkx"] = t_nx
        line += f" | networkx {t_nx * 1e3:9.1f} ms ({t_nx / t_ours:6.1f}x)"
    fastest = min(peers, key=peers.get)
    ratios[f"matrix_vs_fastest_peer({fastest})"] = f"{peers[fastest] / t_ours:.1f}x"
    print(line, flush=True)
    del NX
    gc.collect()
    # ---- memory in a fresh process
    out = subprocess.run([sys.executable, __file__, "--rss-child", str(side)], capture_output=True, text=True,
                         env={**os.environ})
    if out.returncode == 0:
        mem = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"memory: graph + bands + matrix held {mem['held_mb']:.0f} MB, peak {mem['peak_mb']:.0f} MB "
              f"above the import baseline ({mem['n']:,} nodes)")
        ratios["rss_MB"] = f"{mem['held_mb']:.0f}"
    else:
        print(f"memory measurement failed: {out.stderr.strip()[-300:]}")
    print("ratios: " + " ".join(f"{k}={v}" for k, v in ratios.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
