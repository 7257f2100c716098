"""Numba kernels of subdivision polygons (no validation here: see ``circles/cells.py``).

A polygon is a set of marked sites of the subdivision; its boundary is every directed cell
edge of a marked cell whose neighbour is unmarked.  Cells are convex and counter-clockwise,
so walking those edges (turning around a vertex through marked cells to the next boundary
edge) gives counter-clockwise shells and clockwise holes; each hole goes to the smallest
shell around it.  Output is the ragged-array layout of ``shapely.from_ragged_array``
(coordinates, ring offsets, polygon offsets, multipolygon offsets).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ._kernels_grow import grow, grow_rows


@njit(cache=True, nogil=True)
def _inside(px, py, xy, lo, hi):
    """Crossing-number test of a point against the closed ring ``xy[lo:hi]``."""
    c = False
    for i in range(lo, hi - 1):
        x0, y0, x1, y1 = xy[i, 0], xy[i, 1], xy[i + 1, 0], xy[i + 1, 1]
        if (y0 > py) != (y1 > py):
            if px < x0 + (py - y0) * (x1 - x0) / (y1 - y0):
                c = not c
    return c


@njit(cache=True, nogil=True, inline="always")
def _next_boundary(cur, cell, marked, cell_ptr, cell_nb, twin):
    """The boundary edge after ``cur`` (of marked ``cell``) around its end vertex: turn
    through the unmarked cells on its right to the first marked one, so that every ring
    borders one unmarked region (a pinch vertex splits rings instead of making one ring
    touch itself)."""
    u = cell_nb[cur]
    t = twin[cur]
    while u >= 0 and t >= 0:
        p = t - 1 if t > cell_ptr[u] else cell_ptr[u + 1] - 1     # the edge of ``u`` ending at the vertex
        z = cell_nb[p]
        if z < 0 or twin[p] < 0:
            break
        if marked[z]:
            return twin[p], z
        t = twin[p]
        u = z
    # beside the outermost cells: turn through the marked cells instead
    nxt = cur + 1 if cur + 1 < cell_ptr[cell + 1] else cell_ptr[cell]
    while cell_nb[nxt] >= 0 and marked[cell_nb[nxt]]:
        t = twin[nxt]
        cell = cell_nb[nxt]
        nxt = t + 1 if t + 1 < cell_ptr[cell + 1] else cell_ptr[cell]
    return nxt, cell


@njit(cache=True, nogil=True)
def _emit(stk, lo, hi, vxy, r_xy, r_vid, m):
    """Append the closed ring of vertices ``stk[lo:hi]`` to the scratch coordinates."""
    r_xy = grow_rows(r_xy, m + hi - lo + 1)
    r_vid = grow(r_vid, m + hi - lo + 1)
    for i in range(lo, hi):
        r_xy[m, 0] = vxy[stk[i], 0]
        r_xy[m, 1] = vxy[stk[i], 1]
        r_vid[m] = stk[i]
        m += 1
    r_xy[m] = r_xy[m - (hi - lo)]
    r_vid[m] = r_vid[m - (hi - lo)]
    return r_xy, r_vid, m + 1


@njit(cache=True, nogil=True)
def _root(parent, r):
    while parent[r] != r:
        parent[r] = parent[parent[r]]
        r = parent[r]
    return r


@njit(cache=True, nogil=True)
def _touch_cycle(r_vid, r_off, n_r, seen):
    """Whether the rings touching at shared vertices form a cycle (a hole touching its shell
    twice, holes touching in a chain...: the polygon's interior may be disconnected, an
    invalid polygon; a forest of touches is valid).  ``seen``: all -1, restored."""
    parent = np.arange(n_r)
    cycle = False
    for r in range(n_r):
        for i in range(r_off[r], r_off[r + 1] - 1):
            q = seen[r_vid[i]]
            if q < 0:
                seen[r_vid[i]] = r
            elif q != r:
                a, b = _root(parent, r), _root(parent, q)
                if a == b:
                    cycle = True
                else:
                    parent[a] = b
    for i in range(r_off[n_r]):
        seen[r_vid[i]] = -1
    return cycle


@njit(cache=True, nogil=True)
def _boundary(sites, n_sites, marked, cell_ptr, cell_nb, twin, edge_cell, regular, lone, n_real, bnd):
    """The cell edges of the marked ``sites[:n_sites]`` whose neighbour is not marked, into
    ``bnd`` (grown; returns it and the count), in an order that depends on the marked set
    only when ``sites`` is sorted.  When over half of the ``n_real`` road sites are marked (a
    service area over most of the network) the unmarked ones are scanned instead, each
    boundary edge found once through its ``twin`` from the unmarked side (``regular``), and
    the ``lone`` edges checked (beside a sentinel's cell, or without a twin): the marked
    interior, most of the work, is never visited."""
    nb = 0
    if 2 * n_sites <= n_real:
        for s in range(n_sites):
            c = sites[s]
            bnd = grow(bnd, nb + cell_ptr[c + 1] - cell_ptr[c])
            for k in range(cell_ptr[c], cell_ptr[c + 1]):
                z = cell_nb[k]
                if z < 0 or not marked[z]:
                    bnd[nb] = k
                    nb += 1
        return bnd, nb
    for u in range(n_real):
        if marked[u]:
            continue
        bnd = grow(bnd, nb + cell_ptr[u + 1] - cell_ptr[u])
        for k in range(cell_ptr[u], cell_ptr[u + 1]):
            z = cell_nb[k]
            if z >= 0 and marked[z]:
                t = twin[k]
                if t >= 0 and regular[t] and twin[t] == k:
                    bnd[nb] = t
                    nb += 1
    bnd = grow(bnd, nb + lone.shape[0])
    for i in range(lone.shape[0]):
        k = lone[i]
        z = cell_nb[k]
        if marked[edge_cell[k]] and (z < 0 or not marked[z]):
            bnd[nb] = k
            nb += 1
    return bnd, nb


@njit(cache=True, nogil=True)
def _trace(sites, n_sites, marked, visited, pos_of, seen, cell_ptr, cell_vert, cell_nb, twin, vxy, edge_cell,
           regular, lone, n_real, bnd, out):
    """Append the multipolygon of ``sites[:n_sites]`` (marked in ``marked``) to ``out``
    = (coords, n_coords, ring_off, n_rings, poly_off, n_polys); ``visited`` all False and
    ``pos_of``/``seen`` (per Voronoi vertex) all -1 on entry and on return; ``bnd`` scratch
    for ``_boundary``.  Returns the new ``out``, whether touching rings form a cycle
    (``_touch_cycle``: then the polygon may need ``make_valid``) and ``bnd``."""
    coords, nc, ring_off, nr, poly_off, npoly = out
    bnd, n_bnd = _boundary(sites, n_sites, marked, cell_ptr, cell_nb, twin, edge_cell, regular, lone, n_real, bnd)
    # rings of this group into scratch, then shells with their holes into the output
    r_xy = np.empty((64, 2))
    r_off = np.zeros(16, np.int64)
    n_r = 0
    m = 0
    stk = np.empty(64, np.int64)
    r_vid = np.empty(64, np.int64)
    for b in range(n_bnd):
        k = bnd[b]
        if visited[k]:
            continue
        start = k
        cur, cell = k, edge_cell[k]
        top = 0
        while True:
            visited[cur] = True
            vid = cell_vert[cur]
            j = pos_of[vid]
            if j >= 0:
                # the ring came back to a vertex: the loop since then is a ring of its own
                r_xy, r_vid, m = _emit(stk, j, top, vxy, r_xy, r_vid, m)
                n_r += 1
                r_off = grow(r_off, n_r + 1)
                r_off[n_r] = m
                for i in range(j + 1, top):
                    pos_of[stk[i]] = -1
                top = j + 1
            else:
                stk = grow(stk, top + 1)
                stk[top] = vid
                pos_of[vid] = top
                top += 1
            cur, cell = _next_boundary(cur, cell, marked, cell_ptr, cell_nb, twin)
            if cur == start:
                break
        r_xy, r_vid, m = _emit(stk, 0, top, vxy, r_xy, r_vid, m)
        n_r += 1
        r_off = grow(r_off, n_r + 1)
        r_off[n_r] = m
        for i in range(top):
            pos_of[stk[i]] = -1
    for b in range(n_bnd):              # every edge walked is a boundary edge
        visited[bnd[b]] = False
    touch = _touch_cycle(r_vid, r_off, n_r, seen)
    area = np.empty(n_r)
    box = np.empty((n_r, 4))        # bounding boxes: most shells are rejected without a ring test
    for r in range(n_r):
        a = 0.0
        box[r, 0] = box[r, 2] = r_xy[r_off[r], 0]
        box[r, 1] = box[r, 3] = r_xy[r_off[r], 1]
        for i in range(r_off[r], r_off[r + 1] - 1):
            a += r_xy[i, 0] * r_xy[i + 1, 1] - r_xy[i + 1, 0] * r_xy[i, 1]
            box[r, 0] = min(box[r, 0], r_xy[i + 1, 0])
            box[r, 1] = min(box[r, 1], r_xy[i + 1, 1])
            box[r, 2] = max(box[r, 2], r_xy[i + 1, 0])
            box[r, 3] = max(box[r, 3], r_xy[i + 1, 1])
        area[r] = 0.5 * a
    owner = np.full(n_r, -1, np.int64)
    n_shells = 0
    last_shell = -1
    for r in range(n_r):
        if area[r] > 0:
            n_shells += 1
            last_shell = r
    for r in range(n_r):
        if area[r] > 0:
            continue
        if n_shells == 1:
            owner[r] = last_shell
            continue
        px, py = r_xy[r_off[r], 0], r_xy[r_off[r], 1]
        n_cand, only = 0, -1
        for q in range(n_r):
            if area[q] > 0 and box[q, 0] <= px <= box[q, 2] and box[q, 1] <= py <= box[q, 3]:
                n_cand += 1
                only = q
        if n_cand == 1:      # the one shell whose box holds the hole: no ring test needed
            owner[r] = only
            continue
        best = np.inf
        for q in range(n_r):
            if area[q] > 0 and area[q] < best and box[q, 0] <= px <= box[q, 2] and box[q, 1] <= py <= box[q, 3] \
                    and _inside(px, py, r_xy, r_off[q], r_off[q + 1]):
                best = area[q]
                owner[r] = q
    coords = grow_rows(coords, nc + m)
    ring_off = grow(ring_off, nr + n_r + 2)
    poly_off = grow(poly_off, npoly + n_shells + 2)
    for q in range(n_r):
        if area[q] <= 0:
            continue
        for r in range(-1, n_r):          # the shell (-1 stands for ``q``), then its holes
            if r >= 0 and owner[r] != q:
                continue
            ring = q if r < 0 else r
            for i in range(r_off[ring], r_off[ring + 1]):
                coords[nc, 0] = r_xy[i, 0]
                coords[nc, 1] = r_xy[i, 1]
                nc += 1
            nr += 1
            ring_off[nr] = nc
        npoly += 1
        poly_off[npoly] = nr
    return (coords, nc, ring_off, nr, poly_off, npoly), touch, bnd


@njit(cache=True, nogil=True)
def _new_out():
    ring_off = np.zeros(16, np.int64)
    poly_off = np.zeros(16, np.int64)
    return np.empty((1024, 2)), 0, ring_off, 0, poly_off, 0


@njit(cache=True, nogil=True, inline="always")
def _in_site_order(sites, ns, marked):
    """Sort ``sites[:ns]`` (the marked sites): by one scan of ``marked`` when they are more
    than a sixteenth of all sites (a service area reaching most of the network: there the
    sort took a third of the polygon kernel on the Helsinki benchmark), else by sorting."""
    if 16 * ns < marked.shape[0]:
        sites[:ns].sort()
        return
    i = 0
    for j in range(marked.shape[0]):
        if marked[j]:
            sites[i] = j
            i += 1


@njit(cache=True, nogil=True)
def polygons_from_reach(ptr, edge, band, cut, cut_x0, cut_x1, src_lo, src_hi, n_bands, ept_ptr, ept_pos, ept_site,
                        node_site, eu, ev, length, n_all_sites, cell_ptr, cell_vert, cell_nb, twin, vxy, edge_cell,
                        regular, lone, n_real):
    """Cumulative band multipolygons of sources ``[src_lo, src_hi)`` from their reachable
    intervals (``reach.Reach``: rows ``ptr[k]:ptr[k+1]`` of source ``k``; ``band`` = first limit
    that reaches it; the whole edge unless the row is in ``cut``): group ``(source - src_lo) *
    n_bands + b`` holds the sites reached within limit ``b``."""
    marked = np.zeros(n_all_sites, np.bool_)
    visited = np.zeros(cell_vert.shape[0], np.bool_)
    pos_of = np.full(vxy.shape[0], -1, np.int64)
    seen = np.full(vxy.shape[0], -1, np.int64)
    sites = np.empty(1024, np.int64)
    bnd = np.empty(1024, np.int64)
    out = _new_out()
    n_groups = (src_hi - src_lo) * n_bands
    group_off = np.zeros(n_groups + 1, np.int64)
    touch = np.zeros(n_groups, np.bool_)
    g = 0
    for k in range(src_lo, src_hi):
        p, q = ptr[k], ptr[k + 1]
        ns = 0
        for b in range(n_bands):
            c = np.searchsorted(cut, p)
            for i in range(p, q):
                while c < cut.shape[0] and cut[c] < i:
                    c += 1
                if band[i] != b:
                    continue
                e = edge[i]
                x0, x1 = (cut_x0[c], cut_x1[c]) if c < cut.shape[0] and cut[c] == i else (0.0, length[e])
                lo, hi = ept_ptr[e], ept_ptr[e + 1]
                h = length[e] / (hi - lo + 1)        # site spacing on this edge
                sites = grow(sites, ns + (hi - lo) + 2)
                for j in range(lo, hi):
                    if x0 - h < ept_pos[j] < x1 + h and not marked[ept_site[j]]:
                        marked[ept_site[j]] = True
                        sites[ns] = ept_site[j]
                        ns += 1
                for end in range(2):
                    if (x0 < h) if end == 0 else (x1 > length[e] - h):
                        v = node_site[eu[e]] if end == 0 else node_site[ev[e]]
                        if not marked[v]:
                            marked[v] = True
                            sites[ns] = v
                            ns += 1
            # in site order: the rings (and their first vertices) depend on the reached sites only,
            # not on the order of the rows
            _in_site_order(sites, ns, marked)
            out, touch[g], bnd = _trace(sites, ns, marked, visited, pos_of, seen, cell_ptr, cell_vert, cell_nb,
                                        twin, vxy, edge_cell, regular, lone, n_real, bnd, out)
            g += 1
            group_off[g] = out[5]
        for i in range(ns):
            marked[sites[i]] = False
    coords, nc, ring_off, nr, poly_off, npoly = out
    return coords[:nc], ring_off[:nr + 1], poly_off[:npoly + 1], group_off, touch


@njit(cache=True, nogil=True)
def polygons_from_band(site_band, n_bands, cell_ptr, cell_vert, cell_nb, twin, vxy, edge_cell, regular, lone, n_real):
    """Cumulative band multipolygons of one cost field: group ``b`` holds the sites whose
    band (first limit within reach; -1 none) is at most ``b``."""
    n = site_band.shape[0]
    marked = np.zeros(cell_ptr.shape[0] - 1, np.bool_)
    visited = np.zeros(cell_vert.shape[0], np.bool_)
    pos_of = np.full(vxy.shape[0], -1, np.int64)
    seen = np.full(vxy.shape[0], -1, np.int64)
    sites = np.empty(n, np.int64)
    bnd = np.empty(1024, np.int64)
    out = _new_out()
    group_off = np.zeros(n_bands + 1, np.int64)
    touch = np.zeros(n_bands, np.bool_)
    ns = 0
    for b in range(n_bands):
        for i in range(n):
            if site_band[i] == b:
                marked[i] = True
                sites[ns] = i
                ns += 1
        out, touch[b], bnd = _trace(sites, ns, marked, visited, pos_of, seen, cell_ptr, cell_vert, cell_nb, twin, vxy,
                                    edge_cell, regular, lone, n_real, bnd, out)
        group_off[b + 1] = out[5]
    coords, nc, ring_off, nr, poly_off, npoly = out
    return coords[:nc], ring_off[:nr + 1], poly_off[:npoly + 1], group_off, touch


@njit(cache=True, nogil=True)
def _min_cost(a, b, L, fwd, bwd, cu, cv, src_off, q0, q1):
    """Lowest cost on ``[a, b]`` of an edge: every way in is linear there, so it is taken
    at an end of the interval or at a source standing inside it."""
    c = np.inf
    if np.isfinite(fwd):
        c = min(c, cu + a * fwd / L)
        for q in range(q0, q1):
            if b >= src_off[q]:
                c = min(c, (max(a, src_off[q]) - src_off[q]) * fwd / L)
    if np.isfinite(bwd):
        c = min(c, cv + (L - b) * bwd / L)
        for q in range(q0, q1):
            if a <= src_off[q]:
                c = min(c, (src_off[q] - min(b, src_off[q])) * bwd / L)
    return c


@njit(cache=True, nogil=True)
def site_cost(ept_ptr, ept_pos, ept_site, node_site, node_cost, eu, ev, length, fwd, bwd, src_ptr, src_off, n_sites):
    """Per site, the lowest cost within one site spacing of it along its edges (so a site's
    cell is in a band when any road next to it is: band polygons cover their segments),
    from a node cost field plus sources standing on edges (``src_off[src_ptr[e]:src_ptr[e+1]]``:
    offsets on edge ``e``); inf = unreached."""
    cost = np.full(n_sites, np.inf)
    for v in range(node_cost.shape[0]):
        if node_cost[v] < cost[node_site[v]]:
            cost[node_site[v]] = node_cost[v]
    for e in range(eu.shape[0]):
        L = length[e]
        if L <= 0:
            continue
        lo, hi = ept_ptr[e], ept_ptr[e + 1]
        h = L / (hi - lo + 1)
        args = (L, fwd[e], bwd[e], node_cost[eu[e]], node_cost[ev[e]], src_off, src_ptr[e], src_ptr[e + 1])
        for j in range(lo, hi):
            c = _min_cost(max(ept_pos[j] - h, 0.0), min(ept_pos[j] + h, L), *args)
            if c < cost[ept_site[j]]:
                cost[ept_site[j]] = c
        c = _min_cost(0.0, h, *args)
        if c < cost[node_site[eu[e]]]:
            cost[node_site[eu[e]]] = c
        c = _min_cost(L - h, L, *args)
        if c < cost[node_site[ev[e]]]:
            cost[node_site[ev[e]]] = c
    return cost


@njit(cache=True, nogil=True)
def cell_rings(cell, nb, va, vb, vxy, n_cells):
    """The cells' edges in counter-clockwise order, from directed Voronoi edges (``cell`` to
    neighbour ``nb``, from vertex ``va`` to ``vb``, in any order and orientation):
    ``(cell_ptr, cell_vert, cell_nb, twin)``; ``nb`` >= ``n_cells`` (a far corner) becomes -1.
    Each edge is oriented and ordered by its angle around the mean of its cell's vertices
    (strictly inside a convex cell even where the site lies on its own cell's edge); a
    counting sort by cell and an insertion sort of each cell's few edges instead of sorting
    all of them (equal angles keep their input order)."""
    m = cell.shape[0]
    cell_ptr = np.zeros(n_cells + 1, np.int64)
    sx = np.zeros(n_cells)
    sy = np.zeros(n_cells)
    for e in range(m):
        c = cell[e]
        cell_ptr[c + 1] += 1
        sx[c] += vxy[va[e], 0] + vxy[vb[e], 0]
        sy[c] += vxy[va[e], 1] + vxy[vb[e], 1]
    for c in range(n_cells):
        cell_ptr[c + 1] += cell_ptr[c]
    fill = cell_ptr[:-1].copy()
    order = np.empty(m, np.int64)
    ang = np.empty(m)
    start = np.empty(m, np.int64)
    for e in range(m):
        c = cell[e]
        k = cell_ptr[c + 1] - cell_ptr[c]
        px = sx[c] / max(2.0 * k, 1.0)
        py = sy[c] / max(2.0 * k, 1.0)
        ax, ay = vxy[va[e], 0] - px, vxy[va[e], 1] - py
        bx, by = vxy[vb[e], 0] - px, vxy[vb[e], 1] - py
        s = va[e]
        if ax * by - ay * bx < 0:
            s = vb[e]
            ax, ay = bx, by
        pos = fill[c]
        fill[c] += 1
        order[pos] = e
        ang[pos] = np.arctan2(ay, ax)
        start[pos] = s
    for c in range(n_cells):                 # insertion sort: stable, cells have ~6 edges
        for i in range(cell_ptr[c] + 1, cell_ptr[c + 1]):
            a, o, s = ang[i], order[i], start[i]
            j = i - 1
            while j >= cell_ptr[c] and ang[j] > a:
                ang[j + 1], order[j + 1], start[j + 1] = ang[j], order[j], start[j]
                j -= 1
            ang[j + 1], order[j + 1], start[j + 1] = a, o, s
    cell_nb = np.empty(m, np.int64)
    for i in range(m):
        z = nb[order[i]]
        cell_nb[i] = z if z < n_cells else -1
    twin = np.full(m, -1, np.int64)
    for c in range(n_cells):
        for i in range(cell_ptr[c], cell_ptr[c + 1]):
            z = cell_nb[i]
            if z >= 0:
                for j in range(cell_ptr[z], cell_ptr[z + 1]):
                    if cell_nb[j] == c:
                        twin[i] = j
                        break
    return cell_ptr, start, cell_nb, twin
