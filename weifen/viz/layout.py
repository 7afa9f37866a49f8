"""A layered (Sugiyama) layout for drawing DAGs left to right, written here in pure Python.

The steps, each linear or near-linear in the graph's size, none recursive:

1. **Layers.** Longest path from the sources (each node one column past its latest input),
   then every node that is not pinned to column 0 (the inputs) moves right as far as its
   consumers allow, so constants sit next to their one use rather than in column 0.
2. **Lanes.** An edge spanning ``k`` columns gets ``k - 1`` dummy nodes, one per column
   it passes: each long edge has a lane of its own through every column, and nothing
   else may sit in that lane.
3. **Order.** Barycenter crossing reduction: sweeps down and up the columns, each column
   sorted by the mean position of its neighbours in the column just fixed; the order with
   the fewest crossings (counted exactly with a Fenwick tree) is kept.
4. **Coordinates.** Each column is placed by weighted isotonic regression (pool adjacent
   violators): every box and lane as close as possible to its neighbours' mean height
   subject to the minimum gaps, so no two boxes overlap, by construction.
5. **Routes.** An edge leaves its box on the right, runs straight through its own row or
   lane across each column, and crosses the empty gaps between columns as cubic curves
   whose control points stay inside the gap; it ends with a short straight inlet into the
   target's left side. So no edge passes through a box it does not connect.

Graphs whose boxes plus lanes exceed :data:`MAX_ITEMS` (a 10^4-step trace has millions of
lane pieces) get a quick layout instead: columns as above, rows in order, straight edges,
no lanes (long edges may then cross boxes; such pictures are not for reading anyway).

>>> lay = layout(3, [(0, 2), (1, 2)], [40.0] * 3, [26.0] * 3, pinned=[0, 1])
>>> lay.layer
[0, 0, 1]
>>> len(lay.routes), lay.quick
(2, False)
"""
from __future__ import annotations

from dataclasses import dataclass, field

from weifen.errors import WeifenValueError

MAX_ITEMS = 30_000  # boxes plus lane pieces beyond which the quick layout is used
MARGIN = 16.0
NODE_GAP = 16.0  # vertical space between two boxes of a column
LANE_GAP = 8.0  # between a lane and its neighbours
INLET = 10.0  # the straight piece into a target box (carries the arrowhead)
SWEEPS = 12  # crossing reduction sweeps (down and up count one each)
ROUNDS = 6  # coordinate assignment rounds (each one down and one up)


@dataclass
class Layout:
    """Where everything goes: box ``i`` has its top-left corner at ``(x[i], y[i])`` and
    the size it was given; ``routes[k]`` draws edge ``k`` as ``(path, inlet)``: ``path``
    a list of ``("M", (x, y))``, ``("L", (x, y))``, ``("C", (x1, y1, x2, y2, x, y))``
    commands and ``inlet`` the last straight piece ``((x0, y0), (x1, y1))``."""

    x: list
    y: list
    w: list
    h: list
    layer: list
    routes: list
    width: float
    height: float
    quick: bool = False
    crossings: int = field(default=0)


def layout(n: int, edges: list, widths: list, heights: list, pinned=()) -> Layout:
    """Lay out ``n`` boxes (sizes ``widths[i]`` x ``heights[i]``) joined by ``edges``
    (pairs ``(source, target)``, a DAG; parallel edges are drawn apart). ``pinned`` boxes
    stay in the first column (a graph's inputs)."""
    succ: list = [[] for _ in range(n)]
    pred: list = [[] for _ in range(n)]
    for k, (a, b) in enumerate(edges):
        if a == b or not (0 <= a < n and 0 <= b < n):
            raise WeifenValueError(f"layout: bad edge {(a, b)} among {n} boxes")
        succ[a].append(k)
        pred[b].append(k)
    order = _topological(n, edges, succ)
    layer = _layers(n, edges, succ, pred, order, set(pinned))
    pieces = sum(layer[b] - layer[a] - 1 for a, b in edges)
    if n + pieces > MAX_ITEMS:
        return _quick(n, edges, widths, heights, layer)
    return _sugiyama(n, edges, widths, heights, layer)


# ============================================================================ layers
def _topological(n: int, edges: list, succ: list) -> list:
    indeg = [0] * n
    for _, b in edges:
        indeg[b] += 1
    ready = [i for i in range(n) if not indeg[i]]
    ready.reverse()
    out = []
    while ready:
        i = ready.pop()
        out.append(i)
        for k in succ[i]:
            b = edges[k][1]
            indeg[b] -= 1
            if not indeg[b]:
                ready.append(b)
    if len(out) != n:
        raise WeifenValueError("layout: the graph has a cycle")
    return out


def _layers(n: int, edges: list, succ: list, pred: list, order: list, pinned: set) -> list:
    layer = [0] * n
    for i in order:
        for k in pred[i]:
            layer[i] = max(layer[i], layer[edges[k][0]] + 1)
    for i in reversed(order):  # as late as the consumers allow
        if i not in pinned and succ[i]:
            layer[i] = min(layer[edges[k][1]] for k in succ[i]) - 1
    used = sorted(set(layer))  # close the columns the moves emptied
    if used and used[-1] != len(used) - 1:
        rank = {v: r for r, v in enumerate(used)}
        layer = [rank[v] for v in layer]
    return layer


# ============================================================================ full layout
def _sugiyama(n: int, edges: list, widths: list, heights: list, layer: list) -> Layout:
    # items: the boxes 0..n-1, then one dummy per column an edge passes through
    item_layer = list(layer)
    up: list = [[] for _ in range(n)]  # each item's neighbours one column left
    down: list = [[] for _ in range(n)]
    chains = []
    for a, b in edges:
        chain = [a]
        for L in range(layer[a] + 1, layer[b]):
            item_layer.append(L)
            up.append([])
            down.append([])
            chain.append(len(item_layer) - 1)
        chain.append(b)
        for u, v in zip(chain, chain[1:]):
            down[u].append(v)
            up[v].append(u)
        chains.append(chain)
    m = len(item_layer)
    n_layers = max(layer) + 1 if n else 0
    cols: list = [[] for _ in range(n_layers)]
    for i in range(m):  # boxes first in their given order, lanes after
        cols[item_layer[i]].append(i)
    cols, crossings = _order(cols, up, down, m)
    hs = [heights[i] if i < n else 0.0 for i in range(m)]
    cy = _coordinates(cols, up, down, hs, n)
    top = min((cy[i] - hs[i] / 2 for i in range(m)), default=0.0)
    shift = MARGIN - top
    cy = [v + shift for v in cy]
    col_w = [max((widths[i] for i in col if i < n), default=0.0) for col in cols]
    gaps = _gaps(cols, down, cy)
    col_x, x = [], MARGIN
    for L in range(n_layers):
        col_x.append(x)
        x += col_w[L] + (gaps[L] if L < n_layers - 1 else 0.0)
    xs = [col_x[layer[i]] + (col_w[layer[i]] - widths[i]) / 2 for i in range(n)]
    ys = [cy[i] - heights[i] / 2 for i in range(n)]
    routes = _routes(chains, n, xs, ys, widths, heights, cy, col_x, col_w, item_layer)
    height = max((cy[i] + hs[i] / 2 for i in range(m)), default=0.0) + MARGIN
    return Layout(xs, ys, list(widths), list(heights), layer, routes, x + MARGIN,
                  max(height, 2 * MARGIN), False, crossings)


def _order(cols: list, up: list, down: list, m: int) -> tuple[list, int]:
    pos = [0.0] * m
    for col in cols:
        for r, i in enumerate(col):
            pos[i] = float(r)
    best, best_x = [list(c) for c in cols], _crossings(cols, down, pos)
    stale = 0
    for sweep in range(SWEEPS):
        if best_x == 0 or stale >= 4:
            break
        if sweep % 2 == 0:
            seq, nb = range(1, len(cols)), up
        else:
            seq, nb = range(len(cols) - 2, -1, -1), down
        for L in seq:
            col = cols[L]
            key = {}
            for i in col:
                ns = nb[i]
                key[i] = sum(pos[j] for j in ns) / len(ns) if ns else pos[i]
            col.sort(key=key.__getitem__)
            for r, i in enumerate(col):
                pos[i] = float(r)
        x = _crossings(cols, down, pos)
        if x < best_x:
            best, best_x, stale = [list(c) for c in cols], x, 0
        else:
            stale += 1
    return best, best_x


def _crossings(cols: list, down: list, pos: list) -> int:
    """Edge crossings between neighbouring columns: inversions of the lower ends when the
    segments are sorted by their upper ends (a Fenwick tree counts them)."""
    total = 0
    for col in cols[:-1]:
        segs = sorted((pos[i], pos[j]) for i in col for j in down[i])
        if not segs:
            continue
        size = int(max(s[1] for s in segs)) + 2
        tree = [0] * (size + 1)
        seen = 0
        for _, lo in segs:
            k = int(lo) + 1  # how many earlier segments end strictly below lo
            le = 0
            while k > 0:
                le += tree[k]
                k -= k & -k
            total += seen - le
            seen += 1
            k = int(lo) + 1
            while k <= size:
                tree[k] += 1
                k += k & -k
    return total


def _coordinates(cols: list, up: list, down: list, hs: list, n: int) -> list:
    """Vertical centres: each column stacked, then pulled toward its neighbours."""
    cy = [0.0] * len(hs)
    seps = []
    for col in cols:
        s = [(hs[a] + hs[b]) / 2 + (NODE_GAP if a < n and b < n else LANE_GAP)
             for a, b in zip(col, col[1:])]
        seps.append(s)
        y = 0.0
        for r, i in enumerate(col):
            if r:
                y += s[r - 1]
            cy[i] = y
    for _ in range(ROUNDS):
        for nb, seq in ((up, range(1, len(cols))), (down, range(len(cols) - 2, -1, -1))):
            for L in seq:
                col = cols[L]
                targets, weights = [], []
                for i in col:
                    ns = nb[i]
                    if ns:
                        targets.append(sum(cy[j] for j in ns) / len(ns))
                        weights.append(8.0 if i >= n else float(len(ns)))
                    else:
                        targets.append(cy[i])
                        weights.append(0.05)
                for i, v in zip(col, _isotonic(targets, weights, seps[L])):
                    cy[i] = v
    return cy


def _isotonic(targets: list, weights: list, seps: list) -> list:
    """Minimise sum w (y - t)^2 subject to y[i+1] - y[i] >= seps[i] (pool adjacent
    violators on y minus the cumulative separations)."""
    off = [0.0]
    for s in seps:
        off.append(off[-1] + s)
    blocks: list = []  # [sum w*z, sum w, count]
    for t, w, o in zip(targets, weights, off):
        blocks.append([w * (t - o), w, 1])
        while len(blocks) > 1 and blocks[-2][0] * blocks[-1][1] >= blocks[-1][0] * blocks[-2][1]:
            wz, sw, c = blocks.pop()
            blocks[-1][0] += wz
            blocks[-1][1] += sw
            blocks[-1][2] += c
    out, k = [], 0
    for wz, sw, c in blocks:
        z = wz / sw
        for _ in range(c):
            out.append(z + off[k])
            k += 1
    return out


def _gaps(cols: list, down: list, cy: list) -> list:
    """Room between columns: steeper crossings get wider gaps, so curves stay legible."""
    gaps = []
    for col in cols[:-1]:
        steep = max((abs(cy[j] - cy[i]) for i in col for j in down[i]), default=0.0)
        gaps.append(max(48.0, min(160.0, 0.15 * steep)))
    return gaps


def _ports(ends: list, top: float, h: float) -> dict:
    """Spread the edge ends meeting one side of a box over its height, in order."""
    k = len(ends)
    if k == 1:
        return {ends[0][1]: top + h / 2}
    step = min(8.0, (h - 8.0) / (k - 1)) if h > 8 else 0.0
    mid = top + h / 2
    return {e: mid + (r - (k - 1) / 2) * step for r, (_, e) in enumerate(sorted(ends))}


def _routes(chains, n, xs, ys, ws, hs, cy, col_x, col_w, item_layer) -> list:
    outs: list = [[] for _ in range(n)]
    ins: list = [[] for _ in range(n)]
    for k, ch in enumerate(chains):
        outs[ch[0]].append((cy[ch[1]], k))
        ins[ch[-1]].append((cy[ch[-2]], k))
    out_y, in_y = {}, {}
    for i in range(n):
        if outs[i]:
            out_y.update({(i, k): v for k, v in _ports(outs[i], ys[i], hs[i]).items()})
        if ins[i]:
            in_y.update({(i, k): v for k, v in _ports(ins[i], ys[i], hs[i]).items()})
    routes = []
    for k, ch in enumerate(chains):
        a, b = ch[0], ch[-1]
        y0 = out_y[(a, k)]
        x0 = xs[a] + ws[a]
        path = [("M", (x0, y0))]
        La = item_layer[a]
        right = col_x[La] + col_w[La]
        if right > x0:
            path.append(("L", (right, y0)))
        px, py = right, y0
        for d in ch[1:-1]:
            L = item_layer[d]
            path.append(_curve(px, py, col_x[L], cy[d]))
            px, py = col_x[L] + col_w[L], cy[d]
            path.append(("L", (px, py)))
        y1 = in_y[(b, k)]
        xb = col_x[item_layer[b]]
        path.append(_curve(px, py, xb - INLET, y1))
        routes.append((path, ((xb - INLET, y1), (xs[b], y1))))
    return routes


def _curve(x0: float, y0: float, x1: float, y1: float) -> tuple:
    xm = (x0 + x1) / 2
    return ("C", (xm, y0, xm, y1, x1, y1))


# ============================================================================ quick layout
def _quick(n: int, edges: list, widths: list, heights: list, layer: list) -> Layout:
    n_layers = max(layer) + 1
    col_w = [0.0] * n_layers
    col_y = [MARGIN] * n_layers
    ys = [0.0] * n
    for i in range(n):
        L = layer[i]
        col_w[L] = max(col_w[L], widths[i])
        ys[i] = col_y[L]
        col_y[L] += heights[i] + NODE_GAP
    col_x, x = [], MARGIN
    for L in range(n_layers):
        col_x.append(x)
        x += col_w[L] + 48.0
    xs = [col_x[layer[i]] for i in range(n)]
    routes = []
    for a, b in edges:
        ya, yb = ys[a] + heights[a] / 2, ys[b] + heights[b] / 2
        start, end = (xs[a] + widths[a], ya), (xs[b] - INLET, yb)
        routes.append(([("M", start), ("L", end)], (end, (xs[b], yb))))
    return Layout(xs, ys, list(widths), list(heights), layer, routes, x - 48.0 + MARGIN,
                  max(col_y) + MARGIN, True, 0)
