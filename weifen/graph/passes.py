"""Graph passes: each takes a :class:`~weifen.graph.graph.Graph` and returns a new, equivalent
one (nodes are never changed in place), and the type checker runs after every pass.

* :func:`lower`: the classic CSE599G1 ops of a typed graph become primitives (``add_op`` ->
  ``add``, ``SumLike`` -> ``sum`` + ``reshape`` with the static shapes, ``oneslike`` -> a
  constant), so the later passes and the code generators only see primitives;
* :func:`fold`: constant folding (a pure op of constants becomes a constant);
* :func:`simplify`: algebraic identities: ``x*1``, ``x+0``, ``x-0``, ``x/1``, ``x**1``,
  ``x*0`` for an ``x`` known to be finite (integers, bools, bounded functions such as
  ``tanh``, finite constants), ``--x``, ``x*-1``, transpose of transpose, reshape of
  reshape, casts and broadcasts to what is already there;
* :func:`diagonal`: a matrix product with a diagonal matrix (a Jacobian's identity seed,
  scaled) becomes a row or column scaling;
* :func:`cse`: common subexpressions (pure ops on the same inputs with the same parameters,
  and equal constants; never two variables, whatever their values);
* :func:`dce`: dead nodes (those no output depends on);
* :func:`fuse` (in :mod:`weifen.graph.fusion`): elementwise fusion regions.

>>> import weifen as wf
>>> from weifen.graph import passes
>>> g = wf.make_graph(lambda x: wf.sin(x) * 1.0 + wf.sin(x), wf.ones(2))
>>> print(passes.cse(passes.simplify(passes.lower(g))))
{ lambda ; x:f64[2]. let
    a:f64[2] = sin x
    b:f64[2] = add a a
  in (b) }
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from weifen.graph import ir
from weifen.graph import types as T
from weifen.graph.ir import ConstantOp, Node, PlaceholderOp, PrimOp, constant

_KNOWN_OPS = (ir.AddOp, ir.AddByConstOp, ir.MulOp, ir.MulByConstOp, ir.MatMulOp, ir.OnesLikeOp,
              ir.ZerosLikeOp, ir.ReduceSumOp, ir.SumLikeOp, ir.BroadcastLikeOp,
              ir.ExpandLikeOp, PrimOp)


def _pure(n: Node) -> bool:
    """An op whose value depends only on its inputs (user Op subclasses may not be)."""
    return isinstance(n.op, _KNOWN_OPS)


def _prim_name(n: Node) -> str | None:
    return n.op.prim.name if isinstance(n.op, PrimOp) else None


def _P(name: str) -> Any:
    from weifen.core.primitive import REGISTRY

    return REGISTRY[name]


def clone(n: Node, inputs: list) -> Node:
    """A copy of ``n`` on new inputs, typed from them."""
    m = Node()
    m.op, m.params, m.const_attr, m.inputs = n.op, n.params, n.const_attr, list(inputs)
    if all(a._aval is b._aval or a._aval == b._aval for a, b in zip(inputs, n.inputs)):
        m._aval = n._aval
    else:
        ir.typed(m)
    return m


def rewrite(g: Any, fn: Callable | None, check: bool = True) -> Any:
    """Walk ``g`` in program order; ``fn(node, new_inputs)`` returns a replacement node, or
    None to keep the node (copied when its inputs changed). Returns the new graph."""
    env: dict[int, Node] = {}
    order = []
    for n in g.nodes:
        if not n.inputs:
            r = fn(n, []) if fn is not None and isinstance(n.op, ConstantOp) else None
            r = n if r is None else r
        else:
            ins = [env[id(x)] for x in n.inputs]
            r = fn(n, ins) if fn is not None else None
            if r is None:
                r = n if all(a is b for a, b in zip(ins, n.inputs)) else clone(n, ins)
        env[id(n)] = r
        order.append(r)
    new = g.replace([env[id(o)] for o in g.outputs])
    new._order = _keep_order(order, new)
    if check:
        new.check()
    return new


def _keep_order(order: list, g: Any) -> list:
    # the rewritten nodes in program order, each once, with any node a replacement brought
    # in (built by binding primitives) placed before its first use
    from weifen.graph.graph import postorder

    return postorder(order + g.outputs, g.inputs)


def _same(a: Node, b: Node) -> bool:
    return a._aval is not None and a._aval == b._aval


# ============================================================================ lower
def _swap_last(x: Node) -> Node:
    nd = len(x.shape)
    return _P("transpose").bind(x, axes=tuple(range(nd - 2)) + (nd - 1, nd - 2))


def _lower_one(n: Node, ins: list) -> Node | None:
    op = n.op
    if isinstance(op, (PrimOp, ConstantOp, PlaceholderOp)) or not isinstance(op, _KNOWN_OPS):
        return None
    if n._aval is None or any(x._aval is None for x in ins):
        return None
    a = n._aval
    if isinstance(op, ir.AddOp):
        r = _P("add").bind(*ins)
    elif isinstance(op, ir.MulOp):
        r = _P("mul").bind(*ins)
    elif isinstance(op, ir.AddByConstOp):
        r = _P("add").bind(ins[0], constant(n.const_attr))
    elif isinstance(op, ir.MulByConstOp):
        r = _P("mul").bind(ins[0], constant(n.const_attr))
    elif isinstance(op, ir.MatMulOp):
        x, y = ins
        if n.params["trans_A"]:
            x = _swap_last(x)
        if n.params["trans_B"]:
            y = _swap_last(y)
        r = _P("matmul").bind(x, y)
    elif isinstance(op, ir.ReduceSumOp):
        r = _P("sum").bind(ins[0], **n.params)
    elif isinstance(op, (ir.OnesLikeOp, ir.ZerosLikeOp)):
        fill = np.ones((), a.dtype) if isinstance(op, ir.OnesLikeOp) else np.zeros((), a.dtype)
        r = constant(np.broadcast_to(fill, a.shape))
    elif isinstance(op, ir.SumLikeOp):
        from weifen.prims.reduce import sum_to_shape

        r = sum_to_shape(ins[0], ins[1].shape)
    elif isinstance(op, ir.BroadcastLikeOp):
        g, x = ins
        r = g if g.shape == x.shape else _P("broadcast_to").bind(g, shape=x.shape)
    elif isinstance(op, ir.ExpandLikeOp):
        g, x = ins
        axis = n.params["axis"]
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        nd = len(x.shape)
        shape = list(g.shape)
        for ax in sorted(b % nd for b in axes):
            shape.insert(ax, 1)
        r = _P("reshape").bind(g, shape=tuple(shape))
    else:
        return None
    return r if r._aval == a else None


def lower(g: Any, check: bool = True) -> Any:
    """The classic ops of a typed graph as primitives (see the module docstring).

    >>> import weifen as wf
    >>> x = wf.graph.Variable("x", shape=(2,))
    >>> [n.op.op_name for n in lower(wf.graph.Graph([x], [x * 3.0])).nodes if n.inputs]
    ['mul']
    """
    return rewrite(g, _lower_one, check)


# ============================================================================ fold
FOLD_LIMIT = 1 << 20  # constants folded into the graph stay below this many elements


def _fold_one(n: Node, ins: list) -> Node | None:
    if not ins or not _pure(n) or n._aval is None:
        return None
    if not all(isinstance(x.op, ConstantOp) for x in ins):
        return None
    a = n._aval
    if a.size > FOLD_LIMIT and _prim_name(n) != "broadcast_to":
        return None
    try:
        with np.errstate(all="ignore"):
            v = n.op.compute(n, [x.const_attr for x in ins])
    except Exception:  # an op that fails on its constants fails at run time too: keep it
        return None
    v = _as_type(v, a)
    return None if v is None else constant(v)


def _as_type(v: Any, a: T.Aval) -> Any:
    """``v`` converted to exactly type ``a`` (weak: a Python number), or None."""
    if a.weak:
        if getattr(v, "ndim", 0) != 0 or np.result_type(v) != a.dtype:
            return None
        v = v.item() if hasattr(v, "item") else v
        return v if T.aval_of(v) == a else None
    if type(v) in (float, int, bool, complex) or isinstance(v, np.generic):
        v = np.asarray(v, dtype=a.dtype)
    return v if T.aval_of(v) == a else None


def fold(g: Any, check: bool = True) -> Any:
    """Constant folding: a pure op whose inputs are all constants becomes its value.

    >>> import numpy as np
    >>> import weifen as wf
    >>> c = np.array([1.0, 2.0])
    >>> print(fold(wf.make_graph(lambda x: x + wf.exp(c * 0.0), np.ones(2))))
    { lambda c0:f64[2] ; x:f64[2]. let
        a:f64[2] = add x c0
      in (a) }
    """
    return rewrite(g, _fold_one, check)


# ============================================================================ simplify
_BOUNDED = {"sin", "cos", "tanh", "sigmoid", "erf", "sign", "arctan", "relu_mask"}
_FINITE_KEEP = {"neg", "abs", "maximum", "minimum", "where", "floor", "ceil", "round", "trunc",
                "stop_gradient", "transpose", "reshape", "broadcast_to", "getitem", "index",
                "copy", "relu", "clip"}


def _const(x: Node) -> Any:
    return x.const_attr if isinstance(x.op, ConstantOp) else None


def _is(x: Node, value: float) -> bool:
    """Whether ``x`` is a constant all of whose entries equal ``value``."""
    c = _const(x)
    if c is None:
        return False
    try:
        if type(c) in (int, float, bool, complex):
            return c == value and type(c) is not bool
        c = np.asarray(c)
        return c.dtype.kind in "iufc" and c.size > 0 and bool(np.all(c == value))
    except Exception:
        return False


def finite(x: Node) -> bool:
    """Whether every value ``x`` can take is finite (so ``x * 0 == 0``), judged
    conservatively from its type and the ops that make it (explicit stack, no recursion)."""
    stack, seen = [x], set()
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        a = n._aval
        if a is not None and a.dtype.kind in "biu":
            continue
        c = _const(n)
        if c is not None:
            try:
                if bool(np.all(np.isfinite(c))):
                    continue
            except TypeError:
                pass
            return False
        name = _prim_name(n)
        if name in _BOUNDED:
            continue
        if name in _FINITE_KEEP:
            stack.extend(n.inputs if name != "where" else n.inputs[1:])
            continue
        return False
    return True


def _zeros(a: T.Aval) -> Node:
    if a.weak:
        return constant({"f": 0.0, "i": 0, "u": 0, "b": False, "c": 0j}[a.dtype.kind])
    return constant(np.broadcast_to(np.zeros((), a.dtype), a.shape))


def _compose(outer: Any, inner: Any, nd: int) -> tuple:
    inner = tuple(range(nd - 1, -1, -1)) if inner is None else tuple(a % nd for a in inner)
    outer = tuple(range(nd - 1, -1, -1)) if outer is None else tuple(a % nd for a in outer)
    return tuple(inner[o] for o in outer)


def _uniform(x: Node) -> Any:
    """A constant array holding one value broadcast (no stride moves): that value, 0-d."""
    c = _const(x)
    if isinstance(c, np.ndarray) and c.ndim and c.size and not any(c.strides):
        return np.asarray(c.flat[0], dtype=c.dtype)
    return None


def _simplify_one(n: Node, ins: list) -> Node | None:
    name = _prim_name(n)
    if name is None or n._aval is None:
        return None
    a = n._aval
    orig = n
    if T.is_elementwise(n.op.prim, n.params) and len(ins) > 1:
        # a broadcast constant (a seed of ones) as one 0-d value, where the result keeps
        # its type: NumPy broadcasts it, the arithmetic is the same, nothing is stored
        for k, x in enumerate(ins):
            u = _uniform(x)
            if u is not None:
                new = ins[:k] + [constant(u)] + ins[k + 1:]
                r = n.op.prim.bind(*new, **n.params)
                if _same(r, n):
                    ins = new
                    n = r
    out = None
    if name in ("add", "sub") and len(ins) == 2:
        x, y = ins
        if _is(y, 0):
            out = x
        elif name == "add" and _is(x, 0):
            out = y
        elif name == "sub" and _is(x, 0):
            out = _P("neg").bind(y)
    elif name == "mul" and len(ins) == 2:
        x, y = ins
        if _is(y, 1):
            out = x
        elif _is(x, 1):
            out = y
        elif _is(y, -1):
            out = _P("neg").bind(x)
        elif _is(x, -1):
            out = _P("neg").bind(y)
        elif (_is(y, 0) and finite(x)) or (_is(x, 0) and finite(y)):
            out = _zeros(a)
    elif name in ("div", "pow") and _is(ins[1], 1):
        out = ins[0]
    elif name == "neg" and _prim_name(ins[0]) == "neg":
        out = ins[0].inputs[0]
    elif name == "transpose":
        x = ins[0]
        nd = len(a.shape)
        axes = n.params.get("axes")
        if _prim_name(x) == "transpose":
            axes = _compose(axes, x.params.get("axes"), nd)
            x = x.inputs[0]
        if axes is not None and tuple(axes) == tuple(range(nd)) or nd <= 1:
            out = x
        elif x is not ins[0]:
            out = _P("transpose").bind(x, axes=axes)
    elif name == "reshape":
        x = ins[0]
        while _prim_name(x) == "reshape":
            x = x.inputs[0]
        if x._aval is not None and x._aval.shape == a.shape:
            out = x
        elif x is not ins[0]:
            out = _P("reshape").bind(x, shape=a.shape)
    elif name in ("broadcast_to", "astype"):
        out = ins[0]
    if out is None:
        return n if n is not orig else None
    return out if _same(out, n) else (n if n is not orig else None)


def simplify(g: Any, check: bool = True) -> Any:
    """Algebraic identities (see the module docstring); a rewrite is made only when the
    result has exactly the node's type (shape, dtype and weakness).

    >>> import numpy as np
    >>> import weifen as wf
    >>> g = simplify(wf.make_graph(lambda x: wf.negative(-(x.T.T)) / 1.0, np.ones((2, 3))))
    >>> g.outputs[0] is g.inputs[0]
    True
    """
    return rewrite(g, _simplify_one, check)


# ============================================================================ diagonal
def _diag_const(c: Any) -> Any:
    """The diagonal of a constant diagonal matrix (an identity seed), else None."""
    if not isinstance(c, np.ndarray) or c.ndim != 2 or c.shape[0] != c.shape[1] \
            or c.dtype.kind not in "fc" or c.size > 1 << 22 or c.shape[0] < 2:
        return None
    d = np.diagonal(c)
    return d.copy() if np.count_nonzero(c) == np.count_nonzero(d) else None


def _vector(x: Node, n: int) -> Node | None:
    """``x`` as what multiplies a diagonal entry-wise: a scalar, or n values."""
    a = x._aval
    if a is None or a.size not in (1, n) or len(a.shape) > 2:
        return None
    if a.shape in ((), (n,)):
        return x
    return _P("reshape").bind(x, shape=(n,) if a.size == n else ())


def diagonal(g: Any, check: bool = True) -> Any:
    """Products with diagonal matrices as scalings: an identity seed (a Jacobian's basis),
    and what elementwise ops on it keep diagonal (times a vector, plus or minus another
    diagonal, negated), multiplied by a matrix, becomes a row or column scaling: O(n^2)
    instead of O(n^3). The diagonal nodes themselves stay for any other use (dce drops
    them when nothing else reads them).

    >>> import numpy as np
    >>> import weifen as wf
    >>> W = np.ones((3, 3))
    >>> g = wf.make_graph(lambda v: (np.eye(3) * v) @ W, np.ones(3))
    >>> [n.op.prim.name for n in dce(diagonal(g)).nodes if n.inputs]  # no matmul left
    ['mul', 'reshape', 'mul']
    """
    diag: dict[int, Node] = {}  # id(node) -> its diagonal (a vector node)

    def one(n: Node, ins: list) -> Node | None:
        name = _prim_name(n)
        a = n._aval
        r = None
        if isinstance(n.op, ConstantOp):
            d = _diag_const(n.const_attr)
            if d is not None:
                diag[id(n)] = constant(d)
            return None
        if name is None or a is None or len(a.shape) > 2:
            return None
        k = a.shape[-1] if a.shape else 0
        if name == "mul" and len(a.shape) == 2 and a.shape[0] == a.shape[1]:
            x, y = ins
            for p, q in ((x, y), (y, x)):
                if id(p) in diag:
                    v = diag.get(id(q)) or _vector(q, k)
                    if v is not None:
                        r = _keep(n, ins)
                        diag[id(r)] = _P("mul").bind(diag[id(p)], v)
                        return r
        if name in ("add", "sub") and all(id(x) in diag for x in ins):
            r = _keep(n, ins)
            diag[id(r)] = _P(name).bind(diag[id(ins[0])], diag[id(ins[1])])
            return r
        if name == "neg" and id(ins[0]) in diag:
            r = _keep(n, ins)
            diag[id(r)] = _P("neg").bind(diag[id(ins[0])])
            return r
        if name == "matmul" and len(ins) == 2:
            x, y = ins
            xs, ys = x._aval.shape if x._aval else (), y._aval.shape if y._aval else ()
            if id(x) in diag and len(ys) in (1, 2):
                v = diag[id(x)]
                r = _P("mul").bind(y, v if len(ys) == 1 else
                                   _P("reshape").bind(v, shape=(xs[0], 1)))
            elif id(y) in diag and len(xs) in (1, 2):
                r = _P("mul").bind(x, diag[id(y)])
            if r is not None and _same(r, n):
                return r
        return None

    def _keep(n: Node, ins: list) -> Node:
        return n if all(a is b for a, b in zip(ins, n.inputs)) else clone(n, ins)

    return rewrite(g, one, check)


# ============================================================================ cse
def freeze(v: Any) -> Any:
    """A hashable key for a parameter or constant value: equal keys, equal values (floats
    by their bits, so 0.0 and -0.0 differ; big arrays by identity)."""
    t = type(v)
    if t is float:
        return (float, v.hex())
    if t is complex:
        return (complex, v.real.hex(), v.imag.hex())
    if t in (int, bool, str) or v is None or v is Ellipsis:
        return (t, v)
    if t in (tuple, list):
        return (t, tuple(freeze(x) for x in v))
    if t is slice:
        return (slice, freeze(v.start), freeze(v.stop), freeze(v.step))
    if t is dict:
        return (dict, tuple(sorted((k, freeze(x)) for k, x in v.items())))
    if isinstance(v, (np.ndarray, np.generic)):
        if v.size <= 4096:
            return ("nd", type(v), v.dtype.str, v.shape, np.ascontiguousarray(v).tobytes())
        return ("id", id(v))
    if isinstance(v, np.dtype):
        return ("dtype", v.str)
    try:
        hash(v)
        return (t, v)
    except TypeError:
        return ("id", id(v))


def _cse_key(n: Node, ins: list) -> Any:
    op = n.op
    opk = ("prim", op.prim) if isinstance(op, PrimOp) else ("op", id(op))
    return (opk, freeze(n.params), freeze(n.const_attr), tuple(id(x) for x in ins))


def cse(g: Any, check: bool = True) -> Any:
    """Common-subexpression elimination: one node per pure op on the same inputs with the
    same parameters, and one per distinct constant. Variables are never merged.

    >>> import numpy as np
    >>> import weifen as wf
    >>> g = cse(lower(wf.make_graph(lambda x, y: wf.exp(x) + wf.exp(x) + wf.exp(y), 1.0, 1.0)))
    >>> [n.op.prim.name for n in g.nodes if n.inputs]
    ['exp', 'add', 'exp', 'add']
    """
    table: dict = {}

    def one(n: Node, ins: list) -> Node | None:
        if isinstance(n.op, ConstantOp):
            key = ("const", freeze(n.const_attr))
        elif _pure(n):
            key = _cse_key(n, ins)
        else:
            return None
        hit = table.get(key)
        if hit is not None:
            return hit
        r = n if all(a is b for a, b in zip(ins, n.inputs)) else clone(n, ins)
        table[key] = r
        return r

    return rewrite(g, one, check)


# ============================================================================ dce
def dce(g: Any, check: bool = True) -> Any:
    """Dead-node elimination: keep the inputs and what the outputs depend on.

    >>> import weifen as wf
    >>> x = wf.graph.Variable("x", shape=())
    >>> g = wf.graph.Graph([x], [x])
    >>> g._order = g.nodes + [wf.sin(x)]  # a node no output reads
    >>> len(g.nodes), len(dce(g).nodes)
    (2, 1)
    """
    from weifen.graph.graph import postorder

    new = g.replace(list(g.outputs))
    new._order = postorder(g.outputs, g.inputs)
    if check:
        new.check()
    return new


# ============================================================================ pipeline
def optimize(g: Any, fuse: bool = False, check: bool = True, rounds: int = 4) -> Any:
    """lower, then fold / simplify / cse until nothing changes (at most ``rounds`` times),
    then dce (and ``fuse``); the checker runs after each pass."""
    g = lower(g, check)
    for _ in range(rounds):
        before = len(g.nodes)
        ids = [id(n) for n in g.nodes]
        g = cse(diagonal(simplify(fold(g, check), check), check), check)
        g = dce(g, check)
        if len(g.nodes) == before and [id(n) for n in g.nodes] == ids:
            break
    if fuse:
        from weifen.graph.fusion import fuse as fuse_pass

        g = fuse_pass(g, check)
    return g


__all__ = ["lower", "fold", "simplify", "diagonal", "cse", "dce", "optimize", "rewrite", "finite",
           "freeze", "clone", "math"]
