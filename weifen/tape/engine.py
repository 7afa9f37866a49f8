"""The backward engine: a sweep over the recorded nodes in topological order, no recursion.

Every node records its *height* (one more than its highest input; leaves are 0), so all
of a node's consumers are higher than it. Backward therefore needs no counting pass:

1. Seed the roots' cotangents and file each root under its height.
2. When only some inputs are wanted (``autograd.grad``), mark the nodes that lead to
   them; cotangents flow only along those.
3. Sweep the heights from the top down. A node reached at height h has received every
   cotangent it will get (its consumers all sit higher and have run): apply its vjp
   rules, sum each cotangent back to its input's shape where the op broadcast, add it to
   the input's entry under the input's height (filing the input there when first
   reached), and free what the node saved unless ``retain_graph``. Height 0 is the leaves.

Like Kahn's algorithm, this runs every node after all its consumers; heights fixed at
record time stand in for Kahn's in-degree counts, so there is no counting pass over the
graph first. A 10^6-node chain is a loop of 10^6 iterations; memory is released as it goes.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from weifen.core.backend import ieee
from weifen.core.primitive import Box, passthrough as PASS
from weifen.core.state import _STATE
from weifen.errors import GraphError, ShapeError
from weifen.prims.reduce import sum_to_shape
from weifen.prims.shape import shape_of
from weifen.tape.node import LeafNode, Node
from weifen.tape.tensor import Tensor, _wrap


def _seed(root: Tensor, g: Any, create_graph: bool, own: bool = True) -> Any:
    L = root._level
    d = root._data
    if g is None:
        s = shape_of(d)
        if s != () and int(np.prod(s)) != 1:  # one element, as torch allows
            raise GraphError(
                f"grad can be implicitly created only for scalar outputs; this output has "
                f"shape {shape_of(d)}: pass backward(gradient=...) with that shape (a VJP)")
        g = 1.0 if type(d) is float else np.ones_like(d)
        if isinstance(d, Box):
            g = _ones_like_box(d)
    else:
        if own and isinstance(g, Tensor) and g._level == L and not create_graph:
            g = g._data
        elif isinstance(g, (list, tuple)):
            g = np.asarray(g, dtype=getattr(d, "dtype", None))
        gs = shape_of(g)
        if gs != shape_of(d):
            raise ShapeError(
                f"backward: gradient has shape {gs} but the output has shape {shape_of(d)}; "
                "they must match")
    if create_graph and not (isinstance(g, Tensor) and g._level == L):
        g = _wrap(g, L)
    return g


def _ones_like_box(d: Any) -> Any:
    from weifen.numpy import ones_like

    return ones_like(d)


def run_backward(
    roots: Sequence[Tensor],
    grads: Sequence[Any],
    *,
    targets: Sequence[Tensor] | None = None,
    retain_graph: bool = False,
    create_graph: bool = False,
    prune: bool = True,
    own_seeds: bool = True,
) -> list | None:
    """Backpropagate ``grads`` from ``roots``.

    With ``targets=None`` gradients accumulate into the leaves' ``.grad`` (and retained
    non-leaves). Otherwise nothing is stored and the list of the targets' gradients is
    returned (``None`` for a target the roots do not depend on). ``prune=False`` skips
    marking the nodes that lead to the targets, for callers that know every path does
    (a transform's level holds no leaves but its own). ``own_seeds=False``: the roots'
    level has closed (a ``vjp_fn`` called later), so a seed at that level number belongs
    to a transform opened since and is a value to differentiate, not this tape's own.
    """
    starts = []
    for r, g in zip(roots, grads):
        if r._node is None:
            raise GraphError(
                "element 0 of tensors does not require grad and does not have a grad_fn: "
                "the output does not depend on any tensor with requires_grad=True")
        starts.append((r._node, _seed(r, g, create_graph, own_seeds)))
    L = roots[0]._level
    if create_graph:
        token = _STATE.set((_STATE.get()[0], -1))
    try:
        return _run(starts, targets, retain_graph, create_graph, L, prune)
    finally:
        if create_graph:
            _STATE.reset(token)


def _run(starts, targets, retain_graph, create_graph, L, prune=True):
    # 1. seed the roots. ``waiting[h]`` maps each reached node of height h to its cotangent
    # so far (``None``: reached, but nothing flows). Every consumer of a node is higher
    # than it, so once the sweep below comes down to height h, all of a height-h node's
    # consumers have run and its cotangent is complete.
    if len(starts) == 1:
        n, g = starts[0]
        top = n.height
        waiting: list = [None] * (top + 1)
        waiting[top] = {n: g}
    else:
        top = max(n.height for n, _ in starts)
        waiting = [None] * (top + 1)
        for n, g in starts:
            _deliver(n, g, waiting)
    # 2. which nodes lead to a target; non-leaf targets (autograd.grad with respect to an
    # intermediate) are looked up at every node (``inner``)
    Leaf = LeafNode
    want = tset = None
    inner = False
    results: dict = {}  # the cotangents of non-leaf targets
    if targets is not None:
        tnodes = []  # (loops, not comprehensions: no extra frame on the scalar hot path)
        for t in targets:
            t = t._node
            tnodes.append(t)
            if type(t) is not Leaf:
                inner = True
        if inner or prune:
            tset = set(tnodes)
        if prune:
            want = _leading_to([n for n, _ in starts], tset)
    NOTHING = _NOTHING
    # 3. the sweep, from the highest node down: apply each node's vjp rules and pass the
    # cotangents to its inputs (no recursion; a 10^6-node chain is a loop). Plain nodes
    # (Node.check < 2) take the inlined path; the rest, and every node when the pass
    # builds a graph, prunes or collects intermediate targets, go through _node.
    general = create_graph or want is not None or inner
    h = top
    while h:  # recorded ops; height 0 holds only leaves, done after the loop
        level = waiting[h]
        h -= 1
        if level is None:
            continue
        waiting[h + 1] = None  # release this level's cotangents once it is done
        for n, g in level.items():
            c = n.check
            if c == 2 or g is None or general:
                _node(n, g, L, waiting, retain_graph, create_graph, targets is None, want,
                      results if inner and n in tset else None)
                continue
            vals = n.vals
            if vals is None:
                raise _freed()
            if c:  # saved arrays: were any changed in place since?
                ov = n.outver
                if ov is not None and ov[0]:
                    _check_versions(n, L)
                vs = n.vsnap
                if vs is not None:
                    if vs:
                        _check_versions(n, L)
                    else:  # nothing modified before recording: only a moved counter matters
                        for a in n.args:
                            if isinstance(a, Tensor) and a._ver is not None and a._ver[0]:
                                _check_versions(n, L)
            # one or two inputs, one rule each, no params, nothing to unbroadcast: the
            # cotangent gi goes to node p (and gi1 to p1)
            parents = n.parents
            rules = n.prim.vjp
            out = n.out
            p1 = None
            try:
                if len(parents) == 1:
                    p = parents[0]
                    rule = rules[0]
                    gi = None if rule is None else g if rule is PASS else rule(g, out, vals[0])
                else:
                    p, p1 = parents
                    x, y = vals
                    if p is None:
                        p, p1 = p1, None
                        rule = rules[1]
                    else:
                        rule = rules[0]
                        if p1 is not None:
                            rule1 = rules[1]
                            gi1 = None if rule1 is None else g if rule1 is PASS else \
                                rule1(g, out, x, y)
                    gi = None if rule is None else g if rule is PASS else rule(g, out, x, y)
            except ArithmeticError:  # Python floats (1.0 / 0.0): _node reruns on NumPy's
                _node(n, g, L, waiting, retain_graph, False, targets is None, None, None)
                continue
            while True:
                # _deliver(p, gi, waiting), inlined: this is the backward hot path
                hp = p.height
                w = waiting[hp]
                if w is None:
                    waiting[hp] = {p: gi}
                else:
                    q = w.get(p, NOTHING)
                    if q is NOTHING or q is None:
                        w[p] = gi
                    elif gi is not None:
                        w[p] = q + gi
                if p1 is None:
                    break
                p, gi, p1 = p1, gi1, None
            if not retain_graph:
                n.vals = n.args = n.out = None
    leaves = waiting[0] or {}  # the leaves reached, with their cotangents
    if targets is not None:
        grads = []
        for n in tnodes:
            grads.append(results[n] if inner and n in results else leaves.get(n))
        return grads
    for n, g in leaves.items():
        if g is not None:
            _accumulate(n, g, create_graph)
    return None


def _node(n: Node, g: Any, L: float, waiting: list, retain_graph: bool, create_graph: bool,
          store: bool, want: set | None, results: dict | None) -> None:
    """Run one node in general: any rules, params, unbroadcasting, pruning, create_graph.

    ``store``: fill retained gradients; ``results``: where to put ``g`` (a target node).
    """
    if results is not None:
        results[n] = g
    vals = n.vals
    if vals is None:
        raise _freed()
    parents = n.parents
    if g is None:  # nothing flows through this node: just release its inputs
        for p in parents:
            if p is not None:
                _deliver(p, None, waiting)
        if not retain_graph:
            n.vals = n.args = n.out = None
        return
    if n.check:
        if n.retain is not None and store:
            t = n.retain()
            if t is not None:
                t._grad = _as_grad(g, t, create_graph)
        ov = n.outver
        if (ov is not None and ov[0]) or n.vsnap is not None:
            _check_versions(n, L)
    rules = n.prim.vjp
    if create_graph:
        vals = n.args
        out = _wrap(n.out, L, n) if n.out is not None else None
    else:
        out = n.out
    params = n.params
    shapes = n.shapes
    if rules is None:
        raise NotImplementedError(f"no vjp rule for primitive {n.prim.name!r}")
    try:
        gis = _cotangents(rules, parents, g, out, vals, params, want)
    except ArithmeticError:
        # Python floats raise on 1.0 / 0.0 where NumPy gives inf: rerun on NumPy floats
        gis = _cotangents(rules, parents, ieee(g), ieee(out), tuple(map(ieee, vals)), params,
                          want)
    for i, p in enumerate(parents):
        if p is None:
            continue
        gi = gis[i]
        if gi is not None and shapes is not None and shapes[i] is not None:
            s = shapes[i]
            if shape_of(gi) != s:
                gi = sum_to_shape(gi, s)
        _deliver(p, gi, waiting)
    if not retain_graph:
        n.vals = n.args = n.out = None


def _cotangents(rules: Any, parents: tuple, g: Any, out: Any, vals: tuple, params: dict,
                want: set | None) -> list:
    """Each input's cotangent by the node's vjp rules (``None``: no grad needed or wanted)."""
    if type(rules) is not tuple:
        gs = rules(g, out, *vals, **params)
        return [gi if p is not None and (want is None or p in want) else None
                for p, gi in zip(parents, gs)]
    gis = []
    for p, rule in zip(parents, rules):
        if p is None or rule is None or (want is not None and p not in want):
            gis.append(None)
        else:
            gis.append(g if rule is PASS else rule(g, out, *vals, **params))
    return gis


def _freed() -> GraphError:
    return GraphError(
        "Trying to backward through the graph a second time (or to use saved values after "
        "they were freed): pass retain_graph=True to the first backward")


_NOTHING = object()  # "not reached yet", as opposed to a cotangent of None


def _deliver(p: Any, gi: Any, waiting: list) -> None:
    """Add cotangent ``gi`` (or nothing) for input node ``p``, filing ``p`` when first reached."""
    hp = p.height
    w = waiting[hp]
    if w is None:
        waiting[hp] = {p: gi}
    else:
        q = w.get(p, _NOTHING)
        if q is _NOTHING or q is None:
            w[p] = gi
        elif gi is not None:
            w[p] = q + gi


def _check_versions(n: Node, L: float) -> None:
    vs = None
    for a in n.args:
        if isinstance(a, Tensor) and a._level == L:
            v = a._ver
            vs = (vs or 0) + (v[0] if v is not None else 0)
    if vs != n.vsnap or (n.outver is not None and n.outver[0] != 0):
        raise GraphError(
            f"one of the tensors needed to compute the gradient of {n.prim.name!r} "
            f"({n.prim.backward_name}) has been modified by an in-place operation; "
            "compute on a copy (x.clone() / x * 1) or do the in-place change after backward")


def _as_grad(g: Any, t: Tensor, create_graph: bool) -> Tensor:
    """A fresh gradient Tensor for ``t`` (own memory, ``t``'s dtype)."""
    if isinstance(g, Tensor) and g._level == t._level:
        return g if create_graph else _wrap(g._data, t._level)
    d = t._data
    dt = getattr(d, "dtype", None)
    if dt is not None and getattr(g, "dtype", dt) != dt and not isinstance(g, Box):
        if g.dtype.kind == "c" and dt.kind != "c":
            g = g.real  # a real leaf's cotangent is the real part (JAX's convention)
        g = g.astype(dt)
    elif hasattr(g, "copy") and not isinstance(g, Box):
        g = g.copy()
    return _wrap(g, t._level)


def _accumulate(leaf: LeafNode, g: Any, create_graph: bool) -> None:
    t = None if leaf.ref is None else leaf.ref()
    if t is None:
        return
    old = t._grad
    if (old is not None and not create_graph and type(old._data) is np.ndarray
            and not isinstance(g, Box)):
        # accumulate in place, straight from the cotangent: no copy (an optimizer loop
        # that zeroes .grad between steps lands here every step)
        od = old._data
        try:
            od += g if getattr(g, "shape", ()) == od.shape or not hasattr(g, "shape") else \
                np.broadcast_to(g, od.shape)
        except TypeError:  # a complex cotangent of a real leaf: its real part (JAX's rule)
            od += np.real(g)
        if old._ver is not None:
            old._ver[0] += 1
        return
    new = _as_grad(g, t, create_graph)
    if old is None:
        t._grad = new
    else:
        t._grad = old + new if create_graph else _wrap(old._data + new._data, t._level)


def _leading_to(roots: list, tset: set) -> set:
    """The nodes, reachable from ``roots``, from which some node of ``tset`` is reachable."""
    seen = set(roots)
    stack = list(seen)
    while stack:
        for p in stack.pop().parents:
            if p is not None and p not in seen:
                seen.add(p)
                stack.append(p)
    want = set()
    for n in sorted(seen, key=_height):  # inputs before their consumers
        if n in tset or any(p in want for p in n.parents if p is not None):
            want.add(n)
    return want


def _height(n: Any) -> int:
    return n.height
