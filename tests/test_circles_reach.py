"""The Numba reachable-interval kernel equals the Python envelope (``edge_envelope`` +
``split_bands``) of one source at a time: random graphs with one-way, zero-length and loop
edges, sources on edges (ends included), unsnapped sources, several cutoffs; and the sample."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely

from gridgov.engine.circles.areas import edge_segments
from gridgov.engine.circles.reach import reachable
from gridgov.engine.network.matrix import seeded_rows
from gridgov.engine.network.snap import Snap, out_seeds
from network_toy import as_rows, network_from_edges


def random_network(seed: int, n: int = 40, m: int = 90, zero_length: bool = True, detour: bool = True):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 1000, (n, 2))
    eu = rng.integers(0, n, m)
    ev = rng.integers(0, n, m)
    ev[:5] = eu[:5]                                   # loops
    length = np.hypot(*(xy[eu] - xy[ev]).T) * rng.uniform(1.0, 1.5 if detour else 1.0, m)
    length[:5] = rng.uniform(10, 50, 5) if detour else 0.0          # loops (of no extent without detours)
    if zero_length:
        length[5:10] = 0.0                            # zero-length edges
    return network_from_edges(xy, eu, ev, length, rng, speed=1.2, oneway_share=0.15)


def random_snap(net, seed: int, k: int = 25) -> Snap:
    rng = np.random.default_rng(seed + 1000)
    e = rng.integers(0, net.n_edges, k)
    off = rng.uniform(0, 1, k) * net.edge_length[e]
    off[:3] = 0.0
    off[3:6] = net.edge_length[e[3:6]]
    e[-2:] = -1                                       # unsnapped
    return Snap(e, np.where(e >= 0, off, 0.0), np.zeros(k))


def reference(net, snap: Snap, limits, weight="time"):
    """Per source, edge and limit: the merged reachable intervals of the old Python path."""
    nodes, cost0 = out_seeds(net, snap, weight)
    indptr, indices, w = net.csr(weight)
    rows = seeded_rows(indptr, indices, w, nodes, cost0, limits[-1], threads=1)
    out = {}
    for k in range(len(snap)):
        e0 = int(snap.edge[k])
        if e0 < 0:
            continue
        cost = np.full(net.n_nodes, np.inf)
        lo, hi = rows.indptr[k], rows.indptr[k + 1]
        cost[rows.indices[lo:hi]] = rows.data[lo:hi]
        label = np.where(np.isfinite(cost), k, -1)
        touched = np.flatnonzero(np.isfinite(cost[net.edge_u]) | np.isfinite(cost[net.edge_v]))
        edges = np.union1d(touched, [e0])
        segs = edge_segments(net, cost, label, {e0: [(float(snap.offset[k]), k)]}, edges, list(limits))
        for b in range(len(limits)):
            for e, a, z, _, band in segs:
                if band <= b:
                    out.setdefault((k, e, b), []).append((a, z))
    return {key: merged(v) for key, v in out.items() if merged(v)}


def merged(iv):
    out = []
    for a, b in sorted(iv):
        if b - a <= 1e-9:
            continue
        if out and a <= out[-1][1] + 1e-6:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def kernel(net, snap, limits, weight="time", threads=2):
    r = reachable(net, snap, limits, weight, threads=threads)
    out = {}
    for s, e, b, a, z in zip(r.source, r.edge, r.band, r.x0, r.x1):
        out.setdefault((int(s), int(e), int(b)), []).append((a, z))
    return {key: merged(v) for key, v in out.items()}


def assert_same(ref, new, tol=1e-6):
    assert ref.keys() == new.keys()
    for key in ref:
        assert len(ref[key]) == len(new[key]), key
        np.testing.assert_allclose(np.asarray(ref[key]), np.asarray(new[key]), atol=tol, err_msg=str(key))


@pytest.mark.parametrize("seed", range(8))
def test_kernel_equals_python_envelope_on_random_graphs(seed):
    net = random_network(seed)
    snap = random_snap(net, seed)
    for limits in ([60.0, 200.0, 400.0], [0.0, 30.0, 1e9], [300.0]):
        assert_same(reference(net, snap, limits), kernel(net, snap, limits))


def test_rings_partition_the_cumulative_bands():
    net = random_network(3)
    snap = random_snap(net, 3)
    limits = [60.0, 200.0, 400.0]
    cum = reachable(net, snap, limits)
    ring = reachable(net, snap, limits, rings=True)
    for k in range(len(snap)):
        for b in range(3):
            want = (cum.x1 - cum.x0)[(cum.source == k) & (cum.band == b)].sum()
            got = (ring.x1 - ring.x0)[(ring.source == k) & (ring.band <= b)].sum()
            assert got == pytest.approx(want, abs=1e-6)


def test_length_weight_and_unsnapped():
    net = random_network(5)
    snap = random_snap(net, 5)
    # fwd = length / 1.2 on every usable edge: metres are 1.2 × seconds
    assert_same(kernel(net, snap, [180.0, 600.0], "time"), kernel(net, snap, [180.0 * 1.2, 600.0 * 1.2], "length"))
    r = reachable(net, snap, [500.0], "length")
    assert not np.isin(r.source, [len(snap) - 2, len(snap) - 1]).any()
    with pytest.raises(ValueError):
        reachable(net, snap, [500.0, 100.0])


def test_kernel_equals_python_envelope_on_the_sample():
    from gridgov.engine.scenario.load import load_scenario
    from gridgov.engine.network.graph import build_network
    from gridgov.engine.network.snap import snap_points

    root = Path(__file__).resolve().parents[1] / "scenarios" / "chengdu_wuhou"
    if not root.exists():
        pytest.skip("sample scenario absent")
    s = load_scenario(root)
    net = build_network(s)
    fac = s.facilities
    snap = snap_points(net, fac.x[:40], fac.y[:40], 300.0)
    limits = [300.0, 600.0, 900.0]
    assert_same(reference(net, snap, limits), kernel(net, snap, limits))


@pytest.mark.parametrize("seed", range(4))
def test_bucket_and_heap_queues_give_the_same_bits(seed, monkeypatch):
    """Positive weights within the bucket ratio take Dinitz buckets; the heap (forced here)
    and the buckets' overflow fallback (a one-entry pool) give identical rows."""
    import gridgov.engine.network.matrix as matrix_mod   # where the bucket-or-heap choice is made
    from gridgov.engine.network import _kernels_reach

    net = random_network(seed, zero_length=False)
    snap = random_snap(net, seed)
    limits = [60.0, 200.0, 400.0]
    buckets = reachable(net, snap, limits, threads=1)
    assert_same(reference(net, snap, limits), kernel(net, snap, limits))
    calls = []
    real = _kernels_reach.search_reach_rows

    def spy(*args):
        calls.append(args[8:11])                        # delta, n_buckets, n_entries
        return real(*args)

    monkeypatch.setattr(_kernels_reach, "search_reach_rows", spy)
    reachable(net, snap, limits, threads=1)
    assert calls[-1][0] > 0                             # buckets were used above
    monkeypatch.setattr(_kernels_reach, "search_reach_rows", lambda *a: spy(*a[:10], 1, *a[11:]))
    overflow = reachable(net, snap, limits, threads=1)
    assert calls[-1][0] > 0 and calls[-1][2] == 1
    monkeypatch.setattr(_kernels_reach, "search_reach_rows", spy)
    monkeypatch.setattr(matrix_mod, "dinitz_fits", lambda *a: False)
    heap = reachable(net, snap, limits, threads=1)
    assert calls[-1][0] == 0
    for a, b, c in zip(as_rows(buckets), as_rows(heap), as_rows(overflow)):
        assert np.array_equal(a, b) and np.array_equal(a, c)


def test_reach_rows_grouped_by_source_and_their_lines():
    """``ptr`` groups the rows by source (unsnapped sources get none); ``lines`` cuts one
    MultiLineString per source from the edges, as long as its intervals."""
    net = random_network(2, detour=False)               # edge lengths = geometry lengths
    snap = random_snap(net, 2)
    limits = [60.0, 200.0]
    r = reachable(net, snap, limits, rings=True)
    assert r.ptr[0] == 0 and r.ptr[-1] == len(r) and np.all(np.diff(r.ptr) >= 0)
    assert np.array_equal(r.source, np.repeat(np.arange(len(snap)), np.diff(r.ptr)))
    assert np.diff(r.ptr)[-2:].tolist() == [0, 0]
    for band in (None, 0, 1):
        lines = r.lines(net, band)
        sel = np.ones(len(r), bool) if band is None else r.band == band
        want = np.bincount(r.source[sel], (r.x1 - r.x0)[sel], minlength=len(snap))
        assert len(lines) == len(snap)
        np.testing.assert_allclose(shapely.length(lines), want, rtol=1e-9, atol=1e-9)
    xy, parts = r.coordinates(net)
    assert parts.shape == (len(r) + 1,) and parts[-1] == xy.shape[0]


@pytest.mark.parametrize("seed", range(4))
def test_owner_kernel_equals_python_envelope(seed):
    """``areas.owner_segments`` (Numba, all edges at once) = ``edge_segments`` (Python)."""
    from gridgov.engine.circles.areas import owner_segments

    net = random_network(seed)
    snap = random_snap(net, seed)
    nodes, cost0 = out_seeds(net, snap, "time")
    indptr, indices, w = net.csr("time")
    rows = seeded_rows(indptr, indices, w, nodes, cost0, np.inf, threads=1).toarray()
    rows[rows == 0] = np.inf
    for k, (n, c) in enumerate(zip(nodes, cost0)):      # stored zeros are real zero costs
        rows[k, n[(n >= 0) & (c == 0)]] = 0.0
    cost, label = rows.min(axis=0), np.where(np.isfinite(rows.min(axis=0)), rows.argmin(axis=0), -1)
    on = {}
    for k in np.flatnonzero(snap.ok):
        on.setdefault(int(snap.edge[k]), []).append((float(snap.offset[k]), int(k)))
    ref = {}
    for e, a, b, lab, _ in edge_segments(net, cost, label, on):
        ref.setdefault((e, lab), []).append((a, b))
    e, x0, x1, lab = owner_segments(net, cost, label, snap.edge, snap.offset, np.arange(len(snap)))
    got = {}
    for key in zip(e.tolist(), lab.tolist()):
        got.setdefault(key, [])
    for i in range(len(e)):
        got[(int(e[i]), int(lab[i]))].append((x0[i], x1[i]))
    assert_same({k: merged(v) for k, v in ref.items()}, {k: merged(v) for k, v in got.items()})


@pytest.mark.parametrize("first", ["FIRST_ROWS", "FIRST_CUTS"])
def test_rows_continue_in_grown_buffers(monkeypatch, first):
    """A chunk whose first buffers (whole rows, or the offsets of parts) fill up carries on in
    grown ones: the same rows in the same order."""
    import gridgov.engine.circles.reach as reach_mod

    net = random_network(3, zero_length=False)
    snap = random_snap(net, 3, k=60)
    limits = [60.0, 200.0, 400.0]
    whole = reachable(net, snap, limits, rings=True, threads=2)
    monkeypatch.setattr(reach_mod, first, 1)             # room for two rows at first
    monkeypatch.setattr(reach_mod, "_SPARES", reach_mod._Spares())   # (not the roomy ones just kept)
    grown = reachable(net, snap, limits, rings=True, threads=2)
    for f in ("ptr", "edge", "band", "cut", "cut_x0", "cut_x1"):
        assert np.array_equal(getattr(whole, f), getattr(grown, f)), f


@pytest.mark.parametrize("rings", [False, True])
def test_offsets_stored_only_for_parts_of_edges(rings):
    """Rows are whole edges unless listed in ``cut`` (sorted, each a real part of its edge);
    ``x0``/``x1`` rebuild every row, and ``Reach.of_intervals`` of those rows is the same reach."""
    from gridgov.engine.circles.reach import Reach

    net = random_network(5, zero_length=False)
    snap = random_snap(net, 5, k=40)
    r = reachable(net, snap, [50.0, 150.0, 300.0], rings=rings)
    assert 0 < len(r.cut) < len(r)
    assert np.all(np.diff(r.cut) > 0) and r.cut[-1] < len(r)
    part = np.zeros(len(r), bool)
    part[r.cut] = True
    L = net.edge_length[r.edge]
    assert np.all((r.x0[~part] == 0.0) & (r.x1[~part] == L[~part]))
    assert np.all((r.x0[part] != 0.0) | (r.x1[part] != L[part]))
    assert np.array_equal(r.x0[part], r.cut_x0) and np.array_equal(r.x1[part], r.cut_x1)
    again = Reach.of_intervals(r.ptr, r.edge, r.band, r.x0, r.x1, net.edge_length)
    for f in ("ptr", "edge", "band", "cut", "cut_x0", "cut_x1"):
        assert np.array_equal(getattr(r, f), getattr(again, f)), f



def test_kept_chunk_buffers_are_reused_and_never_change_earlier_results(monkeypatch):
    """Chunk buffers kept between calls are reused (within ``SPARE_BYTES``), and a later call
    writing into them leaves every earlier result as it was."""
    import gridgov.engine.circles.reach as reach_mod

    made = []
    real = reach_mod._kernels_reach.empty_rows
    monkeypatch.setattr(reach_mod._kernels_reach, "empty_rows", lambda n, nb: made.append(n) or real(n, nb))
    monkeypatch.setattr(reach_mod, "_SPARES", reach_mod._Spares())
    net = random_network(4, zero_length=False)
    snap = random_snap(net, 4, k=60)
    first = reachable(net, snap, [400.0], threads=2)
    saved = {f: getattr(first, f).copy() for f in ("ptr", "edge", "band", "cut", "cut_x0", "cut_x1")}
    assert len(made) >= 3                        # chunks, and the result's
    assert 0 < sum(w for _, _, w in reach_mod._SPARES._kept) <= reach_mod.SPARE_BYTES
    reachable(net, random_snap(net, 9, k=60), [60.0, 200.0, 400.0], threads=2)   # other buffers
    made.clear()
    again = reachable(net, snap, [400.0], threads=2)
    assert len(made) == 1                        # every chunk wrote into kept buffers
    for f, a in saved.items():
        assert np.array_equal(getattr(first, f), a), f
        assert np.array_equal(getattr(again, f), a), f
    monkeypatch.setattr(reach_mod, "SPARE_BYTES", 0)
    monkeypatch.setattr(reach_mod, "_SPARES", reach_mod._Spares())
    reachable(net, snap, [400.0], threads=2)
    assert reach_mod._SPARES._kept == []
