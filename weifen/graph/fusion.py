"""Elementwise fusion regions: maximal groups of elementwise ops of one shape, forward and
backward alike, replaced by one :class:`FusedOp` node each.

A region is built in program order. An elementwise primitive whose result has the full
shape ``S`` of a region joins the region of one of its inputs when every other input is
either in that region or computed before the region started (so it cannot depend on the
region: the region stays one step of the program, with no cycle through the rest of the
graph). A gradient graph's backward ops consume forward values of the same shape, so
the forward chain and its backward chain end up in one region, and the forward values
the backward pass reads never have to be stored as arrays by a compiled backend (numba
keeps them in registers: one loop over the elements does it all).

A :class:`FusedOp` node takes the region's external inputs and computes a tuple: the
region's members that something outside uses (``proj`` nodes pick them out). Its inner
program is a list of ``(primitive, params, args)``; an argument is ``("i", k)`` (external
input ``k``), ``("t", j)`` (the inner value ``j``) or ``("c", number)`` (a Python number
or 0-d constant written into the code).

>>> import numpy as np
>>> import weifen as wf
>>> f = wf.value_and_grad(lambda x: wf.tanh(x * 0.9 + 0.1).sum())
>>> print(fuse(wf.make_graph(f, np.ones(4)).optimize()))
{ lambda ; x:f64[4]. let
    a:(f64[4],f64[4]) = fused x {
        t0:f64[4] = mul i0 0.9
        t1:f64[4] = add t0 0.1
        t2:f64[4] = tanh t1
        t3:f64[4] = mul t2 t2
        t4:f64[4] = sub 1.0 t3
        t5:f64[4] = mul t4 0.9
      out (t2 t5) }
    b:f64[4] = proj[i=0] a
    c:f64[4] = proj[i=1] a
    d:f64[] = sum[axis=None keepdims=False] b
  in (d c) }
"""
from __future__ import annotations

from typing import Any

import numpy as np

from weifen.graph import types as T
from weifen.graph.ir import ConstantOp, Node, Op, PlaceholderOp, PrimOp

# elementwise primitives the fused kernels know how to write as scalar code
FUSIBLE = {"add", "sub", "mul", "div", "neg", "exp", "exp2", "expm1", "log", "log2", "log10",
           "log1p", "sqrt", "square", "reciprocal", "sin", "cos", "tan", "arcsin", "arccos",
           "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "abs", "sign",
           "floor", "ceil", "trunc", "pow", "maximum", "minimum", "arctan2", "eq", "ne", "lt",
           "le", "gt", "ge", "logical_and", "logical_or", "logical_not", "isfinite", "relu",
           "sigmoid", "softplus", "where", "erf", "mod"}
MIN_REGION = 2
# reductions a region may end with: accumulated in the same loop nest as the elementwise
# value they read (never read back inside the region: their value is complete only after)
REDUCTIONS = {"sum", "max", "max_stopped", "min"}


class FusedOp(Op):
    """A fusion region: computes the tuple of its outputs from its external inputs."""

    NAME = "fused"

    def __init__(self, program: list, outs: list, avals: list, n_in: int,
                 shape: tuple | None = None) -> None:
        self.program = program  # [(prim, params, args)], args: ("i", k) | ("t", j) | ("c", v)
        self.outs = outs        # inner indices of the region's outputs
        self.avals = avals      # inner values' types
        self.n_in = n_in
        # the loop's shape: its members' (a reduction's result, or a value recomputed from
        # smaller broadcast inputs, may be smaller)
        self.shape = shape if shape is not None else max(
            (a.shape for a in avals), key=lambda sh: (len(sh), int(np.prod(sh))))

    def prims(self) -> list[str]:
        """The names of the inner primitives, in order."""
        return [p.name for p, _, _ in self.program]

    def compute(self, node: Node, input_vals: list) -> tuple:
        vals: list = []
        with np.errstate(all="ignore"):
            for prim, params, args in self.program:
                xs = [input_vals[a[1]] if a[0] == "i" else vals[a[1]] if a[0] == "t" else a[1]
                      for a in args]
                vals.append(prim.impl(*xs, **params))
        return tuple(vals[j] for j in self.outs)

    def gradient(self, node: Node, output_grad: Node) -> list:
        from weifen.errors import GraphError

        raise GraphError("a fused graph cannot be differentiated: take gradients before "
                         "fusing (g.optimize() without fuse=True), then fuse the result")

    def infer(self, node: Node, avals: list, consts: list) -> tuple:
        inner: list = []
        for prim, params, args in self.program:
            a_in = [avals[a[1]] if a[0] == "i" else inner[a[1]] if a[0] == "t"
                    else T.aval_of(a[1]) for a in args]
            c_in = [consts[a[1]] if a[0] == "i" else None if a[0] == "t" else a[1]
                    for a in args]
            inner.append(T.infer_prim(prim, params, a_in, c_in))
        if inner != self.avals:
            from weifen.errors import GraphError

            raise GraphError("fused region: inner types differ from the recorded ones")
        return tuple(inner[j] for j in self.outs)

    def format_lines(self, node: Node, names: dict, fresh: Any) -> str:
        nm = fresh()
        names[id(node)] = nm
        typ = "(" + ",".join(str(self.avals[j]) for j in self.outs) + ")"
        ins = " ".join(names.get(id(x), "?") for x in node.inputs)
        lines = [f"    {nm}:{typ} = fused {ins} {{"]
        for j, (prim, params, args) in enumerate(self.program):
            a = " ".join(f"i{v}" if k == "i" else f"t{v}" if k == "t" else _c(v)
                         for k, v in args)
            ps = " ".join(f"{k}={v!r}" for k, v in params.items())
            lines.append(f"        t{j}:{self.avals[j]} = {prim.name}"
                         f"{'[' + ps + ']' if ps else ''} {a}")
        lines.append("      out (" + " ".join(f"t{j}" for j in self.outs) + ") }")
        return "\n".join(lines)


def _c(v: Any) -> str:
    return repr(v.item() if hasattr(v, "item") else v)


class ProjOp(Op):
    """Output ``i`` of a fused region."""

    NAME = "proj"

    def __call__(self, fused: Node, i: int, aval: T.Aval) -> Node:
        node = Op.__call__(self)
        node.inputs = [fused]
        node.params = {"i": i}
        node._aval = aval
        return node

    def compute(self, node: Node, input_vals: list) -> Any:
        return input_vals[0][node.params["i"]]

    def gradient(self, node: Node, output_grad: Node) -> list:
        return FusedOp.gradient(None, node, output_grad)  # type: ignore[arg-type]

    def infer(self, node: Node, avals: list, consts: list) -> T.Aval:
        return avals[0][node.params["i"]]


proj_op = ProjOp()


def _fusible(n: Node) -> bool:
    op = n.op
    if not isinstance(op, PrimOp) or op.prim.name not in FUSIBLE:
        return False
    a = n._aval
    if a is None or isinstance(a, tuple) and not isinstance(a, T.Aval):
        return False
    if a.weak or a.shape == () or a.dtype.kind not in "biuf":
        return False
    if not T.is_elementwise(op.prim, n.params):
        return False
    for x in n.inputs:
        xa = x._aval
        if not isinstance(xa, T.Aval) or xa.dtype.kind not in "biuf":
            return False
    return True


def reduced_axes(params: dict, nd: int) -> tuple:
    """The axes a ``sum``/``max``/``min`` reduces, sorted and non-negative."""
    ax = params.get("axis")
    if ax is None:
        return tuple(range(nd))
    ax = (ax,) if isinstance(ax, (int, np.integer)) else tuple(ax)
    return tuple(sorted({int(a) % nd for a in ax}))


def _reducible(n: Node) -> bool:
    """A float reduction with only axis/keepdims parameters, over a non-empty array."""
    op = n.op
    if not isinstance(op, PrimOp) or op.prim.name not in REDUCTIONS or len(n.inputs) != 1:
        return False
    if not set(n.params) <= {"axis", "keepdims"}:
        return False
    a, xa = n._aval, n.inputs[0]._aval
    if not isinstance(a, T.Aval) or not isinstance(xa, T.Aval) or a.weak or xa.weak:
        return False
    if a.dtype != xa.dtype or a.dtype.kind != "f" or not xa.shape or 0 in xa.shape:
        return False
    try:
        axes = reduced_axes(n.params, len(xa.shape))
    except TypeError:
        return False
    # only reductions that keep the innermost axis (a column sum, a bias's gradient): the
    # inner loop then adds into different elements; a sum along it would chain every
    # iteration on the one before (floating-point addition kept in order), and LLVM would
    # leave the region's whole loop unvectorised
    return len(xa.shape) - 1 not in axes


class _Region:
    __slots__ = ("start", "shape", "members", "ids", "k")

    def __init__(self, start: int, shape: tuple, k: int) -> None:
        self.start = start
        self.shape = shape
        self.members: list = []
        self.ids: set = set()
        self.k = k


def regions(nodes: list) -> list[_Region]:
    """The fusion regions of a graph (see the module docstring). A node joins a region only
    if none of its other inputs depends on that region, where depending on a member of a
    region means depending on everything that region depends on (a region runs as one
    step): each node carries the set of regions among its ancestors (shared between nodes
    while it does not change), each region the regions its outside inputs depend on, and
    the check follows those region dependencies transitively, so no two regions can ever
    wait on each other."""
    region_of: dict[int, _Region] = {}
    deps: dict[int, frozenset] = {}
    rdeps: dict[int, set] = {}  # region k -> regions among its outside inputs' ancestors
    empty: frozenset = frozenset()
    found: list[_Region] = []

    def reaches(start: frozenset, k: int) -> bool:
        """Whether region ``k`` is in ``start`` or something they depend on."""
        if k in start:
            return True
        stack, seen = list(start), set(start)
        while stack:
            for q in rdeps.get(stack.pop(), ()):
                if q == k:
                    return True
                if q not in seen:
                    seen.add(q)
                    stack.append(q)
        return False

    for i, n in enumerate(nodes):
        d = empty
        for x in n.inputs:
            dx = deps.get(id(x), empty)
            if dx and dx is not d:
                d = dx if not d else d | dx
        if _fusible(n):
            S = n._aval.shape
            home = None
            for x in n.inputs:
                r = region_of.get(id(x))
                if r is None or r.shape != S:
                    continue
                if all(id(y) in r.ids or not reaches(deps.get(id(y), empty), r.k)
                       for y in n.inputs):
                    home = r
                    break
            if home is None:
                home = _Region(i, S, len(found))
                found.append(home)
                rdeps[home.k] = set()
            outside = rdeps[home.k]
            for y in n.inputs:
                if id(y) not in home.ids:
                    outside.update(deps.get(id(y), empty))
            outside.discard(home.k)
            home.members.append(n)
            home.ids.add(id(n))
            region_of[id(n)] = home
            if home.k not in d:
                d = d | {home.k}
        elif _reducible(n):
            r = region_of.get(id(n.inputs[0]))
            if r is not None and r.shape == n.inputs[0]._aval.shape:
                # in the region's loop, but not in r.ids: whatever reads it depends on the
                # region (d holds r.k through the input) and so cannot join it
                r.members.append(n)
        deps[id(n)] = d
    return [r for r in found if len(r.members) >= MIN_REGION]


def _inline(x: Node) -> Any:
    """A constant small enough to write into the kernel (a number), else None."""
    if not isinstance(x.op, ConstantOp):
        return None
    c = x.const_attr
    if type(c) in (float, int, bool):
        return c
    if isinstance(c, (np.ndarray, np.generic)) and np.ndim(c) == 0 and c.dtype.kind in "biuf":
        return c[()] if isinstance(c, np.ndarray) else c
    if isinstance(c, np.ndarray) and c.size and c.dtype.kind in "biuf" and not any(c.strides):
        return c.flat[0]  # one value broadcast (a gradient's seed of ones): the number
    return None


def fuse(g: Any, check: bool = True) -> Any:
    """Replace each fusion region of ``g`` by a :class:`FusedOp` node and its ``proj``
    nodes (expects a lowered graph: ``g.optimize()`` first)."""
    from weifen.graph.passes import clone

    nodes = g.nodes
    found = regions(nodes)
    if not found:
        return g
    member: dict[int, _Region] = {id(m): r for r in found for m in r.members}
    outside_use: set = set(map(id, g.outputs))
    for n in nodes:
        r = member.get(id(n))
        for x in n.inputs:
            if id(x) in member and member[id(x)] is not r:
                outside_use.add(id(x))
    remat = _recomputed(nodes, member, outside_use, g.outputs)
    outside_use -= remat
    items: list = []  # (first position, a node or a region)
    item_of: dict[int, int] = {}
    for i, n in enumerate(nodes):
        r = member.get(id(n))
        if r is None:
            item_of[id(n)] = len(items)
            items.append((i, n))
        elif n is r.members[0]:
            for m in r.members:
                item_of[id(m)] = len(items)
            items.append((i, r))
    preds: list = []
    for k, (_, it) in enumerate(items):
        ins = it.inputs if isinstance(it, Node) else [x for m in it.members for x in m.inputs]
        preds.append({item_of[id(x)] for x in ins} - {k})
    seq = schedule(items, preds, [item_of[id(o)] for o in g.outputs], outside_use)
    env: dict[int, Node] = {}
    order: list = []
    for k in seq:
        it = items[k][1]
        if isinstance(it, _Region):
            _emit_region(it, env, order, outside_use, remat)
        elif not it.inputs:
            env[id(it)] = it
            order.append(it)
        else:
            ins = [env[id(x)] for x in it.inputs]
            m = it if all(a is b for a, b in zip(ins, it.inputs)) else clone(it, ins)
            env[id(it)] = m
            order.append(m)
    new = g.replace([env[id(o)] for o in g.outputs])
    used = set(map(id, new.outputs))
    for n in reversed(order):  # a broadcast that moved into the regions reading it
        if id(n) in used or _is_input(n):
            used.update(id(x) for x in n.inputs)
    new._order = [n for n in order if id(n) in used or _is_input(n)]
    if check:
        new.check()
    return new


def _kahn(items: list, preds: list, ready_first: bool) -> list[int]:
    """A topological order of the items: among those ready, the one that became ready
    first (``ready_first``), else the one first in program order."""
    import heapq

    succ: list[list] = [[] for _ in items]
    indeg = [len(p) for p in preds]
    for k, ps in enumerate(preds):
        for p in ps:
            succ[p].append(k)
    heap = [(0 if ready_first else items[k][0], items[k][0], k)
            for k in range(len(items)) if not indeg[k]]
    heapq.heapify(heap)
    seq: list[int] = []
    while heap:
        k = heapq.heappop(heap)[-1]
        seq.append(k)
        for s2 in succ[k]:
            indeg[s2] -= 1
            if not indeg[s2]:
                heapq.heappush(heap, (len(seq) if ready_first else items[s2][0],
                                      items[s2][0], s2))
    return seq


def _peak_bytes(seq: list, items: list, preds: list, outs: list, outside_use: set) -> int:
    """The most bytes of computed arrays alive at once when the items run in order ``seq``
    (each item's arrays live from the item to their last reader; views and the caller's
    arrays cost nothing)."""
    from weifen.graph.codegen import VIEWS, name_of

    pos = {k: i for i, k in enumerate(seq)}
    last = [pos[k] for k in range(len(items))]
    outs = set(outs)
    for k in seq:
        for p in preds[k]:
            last[p] = max(last[p], pos[k])
    for k in outs:
        last[k] = len(seq)
    delta = [0] * (len(seq) + 2)
    for k, (_, it) in enumerate(items):
        vals = ([m for m in it.members if id(m) in outside_use] if isinstance(it, _Region)
                else [] if _is_input(it) or name_of(it) in VIEWS else [it])
        size = sum(m._aval.size * m._aval.dtype.itemsize for m in vals
                   if isinstance(m._aval, T.Aval) and not m._aval.weak)
        delta[pos[k]] += size
        delta[last[k] + 1] -= size
    peak = cur = 0
    for d in delta:
        cur += d
        peak = max(peak, cur)
    return peak


def schedule(items: list, preds: list, outs: list, outside_use: set) -> list[int]:
    """The order the fused graph runs in. First ready, first run: a gradient's weight
    product runs right after the backward value it reads, while that value is still in
    cache, and an update right after its gradient (on the 784-512-512-10 MLP step this is
    about 2% faster than program order, a depth-first order from the outputs). Program
    order where that keeps fewer bytes alive (wide graphs: running every branch's first
    op before any second op would hold them all)."""
    prog = _kahn(items, preds, ready_first=False)
    ready = _kahn(items, preds, ready_first=True)
    if _peak_bytes(ready, items, preds, outs, outside_use) <= \
            _peak_bytes(prog, items, preds, outs, outside_use):
        return ready
    return prog


def _stretch(x: Node) -> bool:
    """A ``broadcast_to`` of a computed array that a region may read unbroadcast (a kernel
    reads the smaller array at index 0 along the stretched axes)."""
    if not isinstance(x.op, PrimOp) or x.op.prim.name != "broadcast_to":
        return False
    a, b = x._aval, x.inputs[0]._aval
    return (isinstance(a, T.Aval) and isinstance(b, T.Aval) and not a.weak and not b.weak
            and a.dtype == b.dtype and a.dtype.kind in "biuf"
            and not isinstance(x.inputs[0].op, ConstantOp))


# cheap ops whose results (a mask, mostly) other regions recompute rather than read
RECOMPUTE = {"gt", "lt", "ge", "le", "eq", "ne", "neg", "abs", "sign", "logical_not",
             "isfinite"}


def _recomputed(nodes: list, member: dict, outside_use: set, outputs: list) -> set:
    """Region values that only other regions read and that are one cheap op of values
    stored anyway (a relu's mask ``y > 0`` of its stored output ``y``): each reader
    recomputes them, and they are never written to memory."""
    users: dict[int, list] = {}
    for n in nodes:
        for x in n.inputs:
            users.setdefault(id(x), []).append(n)
    outs = set(map(id, outputs))

    def stored(y: Node) -> bool:  # surely an array whatever the regions do
        if id(y) in outs:
            return True
        if id(y) not in member:
            return True
        return any(id(u) not in member for u in users.get(id(y), ()))

    found = set()
    for n in nodes:
        r = member.get(id(n))
        if (r is None or id(n) not in outside_use or id(n) in outs
                or n.op.prim.name not in RECOMPUTE):
            continue
        if not all(id(u) in member for u in users.get(id(n), ())):
            continue  # something outside the regions reads it as an array
        if all(_inline(y) is not None or stored(y) for y in n.inputs):
            found.add(id(n))
    return found


def _emit_region(r: _Region, env: dict, order: list, outside_use: set,
                 remat: frozenset | set = frozenset()) -> None:
    local: dict[int, int] = {}
    ext: list = []
    ext_pos: dict[int, int] = {}
    program = []
    avals = []

    def external(x: Node) -> int:
        k = ext_pos.get(id(x))
        if k is None:
            k = ext_pos[id(x)] = len(ext)
            ext.append(env[id(x)])
        return k

    def arg(x: Node) -> tuple:
        if id(x) in local:
            return ("t", local[id(x)])
        c = _inline(x)
        if c is not None:
            return ("c", c)
        if _stretch(x):  # the broadcast moves into the region
            inner(x, [("i", external(x.inputs[0]))])
            return ("t", local[id(x)])
        if id(x) in remat and id(x) not in r.ids:  # recomputed here from stored values
            inner(x, [arg(y) for y in x.inputs])
            return ("t", local[id(x)])
        return ("i", external(x))

    def inner(m: Node, args: list) -> None:
        program.append((m.op.prim, dict(m.params), args))
        avals.append(m._aval)
        local[id(m)] = len(program) - 1

    needed = {id(m) for m in r.members if id(m) in outside_use}
    for m in reversed(r.members):  # a recomputed value may be left with no reader here
        if id(m) in needed:
            needed.update(id(x) for x in m.inputs if id(x) in r.ids)
    for m in r.members:
        if id(m) in needed:
            inner(m, [arg(x) for x in m.inputs])
    used = [m for m in r.members if id(m) in outside_use]
    outs = [local[id(m)] for m in used]
    op = FusedOp(program, outs, avals, len(ext), r.shape)
    node = Op.__call__(op)
    node.inputs = ext
    node._aval = tuple(avals[j] for j in outs)
    order.append(node)
    for i, (m, j) in enumerate(zip(used, outs)):
        p = proj_op(node, i, avals[j])
        env[id(m)] = p
        order.append(p)


def _is_input(n: Node) -> bool:
    return isinstance(n.op, (PlaceholderOp, ConstantOp))


def is_fused(g: Any) -> bool:
    return any(isinstance(n.op, FusedOp) for n in g.nodes)


__all__ = ["fuse", "regions", "FusedOp", "ProjOp", "FUSIBLE", "is_fused", "PlaceholderOp"]
