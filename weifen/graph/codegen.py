"""The NumPy backend: straight-line Python source generated from an optimised graph.

One Python statement per node, no per-op dispatch at run time:

* elementwise primitives become ufunc calls writing into a buffer given as the positional
  ``out`` argument (``multiply(v1, 0.9, b0)``): into a preallocated buffer, or *in place*
  into the buffer of an input that dies at that node (the buffer plan below);
* ``matmul`` and the ``sum``/``max``/``min``/``prod`` reductions write into buffers too
  (``matmul(a, b, b3)``, ``add.reduce(v, axis, None, b4, keepdims)``);
* views (``reshape``, ``transpose``, basic indexing, ``broadcast_to``) are array methods
  or ``broadcast_to``; a ``broadcast_to`` feeding only ufuncs is dropped (ufuncs
  broadcast into their ``out`` buffer anyway);
* everything else calls the primitive's ``impl`` bound to its parameters.

The buffer plan (liveness): nodes run in program order; a value dies after its last use.
Each array value lives in a *store*: a buffer of the plan, an array an op allocated, or
something the caller owns (inputs, constants), which is never written. Views keep their
base's store alive. When the last value holding a buffer dies, the buffer returns to a
pool keyed by shape and dtype and the next node of that type reuses it. Buffers are
allocated once and kept between calls, except those holding a result, which are fresh
each call: results never alias a buffer that a later call writes into.

A graph of Python-number scalars only (``f(2.0, 5.0)``) becomes plain Python arithmetic
with ``math`` (a few hundred nanoseconds), falling back to the NumPy code on a domain
error, where NumPy gives inf or nan as eager weifen does.

Only generated text is compiled: every value, parameter and function reaches the code
through the namespace it runs in, under generated names; numbers are written with
``repr`` of Python ints and floats.
"""
from __future__ import annotations

import math
from functools import partial
from typing import Any

import numpy as np

from weifen.graph import types as T
from weifen.graph.ir import ConstantOp, Node, PlaceholderOp, PrimOp

UFUNCS = {
    "add": "add", "sub": "subtract", "mul": "multiply", "div": "true_divide",
    "neg": "negative", "exp": "exp", "exp2": "exp2", "expm1": "expm1", "log": "log",
    "log2": "log2", "log10": "log10", "log1p": "log1p", "sqrt": "sqrt", "square": "square",
    "reciprocal": "reciprocal", "sin": "sin", "cos": "cos", "tan": "tan", "arcsin": "arcsin",
    "arccos": "arccos", "arctan": "arctan", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh",
    "arcsinh": "arcsinh", "arccosh": "arccosh", "arctanh": "arctanh", "abs": "absolute",
    "sign": "sign", "floor": "floor", "ceil": "ceil", "trunc": "trunc", "pow": "power",
    "maximum": "maximum", "minimum": "minimum", "arctan2": "arctan2", "mod": "remainder",
    "floordiv": "floor_divide", "eq": "equal", "ne": "not_equal", "lt": "less",
    "le": "less_equal", "gt": "greater", "ge": "greater_equal", "logical_and": "logical_and",
    "logical_or": "logical_or", "logical_not": "logical_not", "isfinite": "isfinite",
}
REDUCE = {"sum": "add", "max": "maximum", "min": "minimum", "prod": "multiply"}
VIEWS = {"reshape", "transpose", "getitem", "broadcast_to", "stop_gradient"}
# ops whose impl returns a fresh array the plan may overwrite once it is dead
FRESH = {"matmul", "where", "astype", "concatenate", "pad", "repeat", "index", "index_add",
         "cumsum", "cumprod", "clip", "sigmoid", "softplus", "erf", "relu", "copy", "gather",
         "gather_add", "index_update", "inv", "solve", "einsum_multi"}
# Python-scalar spellings for the all-scalar fast path ({0}, {1}: argument names)
PY = {"add": "({0} + {1})", "sub": "({0} - {1})", "mul": "({0} * {1})",
      "div": "({0} / {1})", "neg": "(-{0})", "square": "({0} * {0})",
      "reciprocal": "(1.0 / {0})", "abs": "abs({0})", "gt": "({0} > {1})",
      "lt": "({0} < {1})", "ge": "({0} >= {1})", "le": "({0} <= {1})", "eq": "({0} == {1})",
      "ne": "({0} != {1})", "where": "({1} if {0} else {2})",
      "logical_and": "(bool({0}) and bool({1}))", "logical_or": "(bool({0}) or bool({1}))",
      "logical_not": "(not {0})", "stop_gradient": "{0}"}
MATH = {"exp": "exp", "log": "log", "sin": "sin", "cos": "cos", "tan": "tan", "tanh": "tanh",
        "sqrt": "sqrt", "log1p": "log1p", "expm1": "expm1", "arcsin": "asin",
        "arccos": "acos", "arctan": "atan", "sinh": "sinh", "cosh": "cosh", "log2": "log2",
        "log10": "log10", "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh",
        "erf": "erf", "arctan2": "atan2"}
SCALAR_SAME = {"reshape", "broadcast_to", "transpose", "sum", "copy", "squeeze"}


def _name(n: Node) -> str | None:
    return n.op.prim.name if isinstance(n.op, PrimOp) else None


name_of = _name


def _lit(v: Any) -> str | None:
    """Source text for a Python number that round-trips exactly, else None."""
    t = type(v)
    if t is bool or t is int:
        return repr(v)
    if t is float and math.isfinite(v):
        return repr(v)
    return None


class _Store:
    __slots__ = ("k", "kind", "key", "refs", "output", "var")

    def __init__(self, k: int, kind: str, key: Any) -> None:
        self.k, self.kind, self.key = k, kind, key
        self.refs = 0
        self.output = False
        self.var = f"b{k}"


class Emitter:
    """Generates the source of one function; ``ns`` is the namespace it runs in."""

    def __init__(self) -> None:
        self.ns: dict[str, Any] = {"_np": np, "_empty": np.empty, "_math": math}
        self.lines: list[str] = []
        self._by_id: dict[int, str] = {}

    def bind(self, obj: Any, prefix: str = "k") -> str:
        """A namespace name for ``obj`` (one per distinct object)."""
        name = self._by_id.get(id(obj))
        if name is None:
            name = f"{prefix}{len(self.ns)}"
            self.ns[name] = obj
            self._by_id[id(obj)] = name
        return name

    def ufunc(self, name: str) -> str:
        return self.bind(getattr(np, name), "u_" + name + "_")

    def param(self, v: Any) -> str:
        if v is None or type(v) in (bool, int):
            return repr(v)
        if type(v) is tuple and all(type(a) is int for a in v):
            return repr(v)
        lit = _lit(v)
        return lit if lit is not None else self.bind(v, "p")


# ============================================================================ the plan
def plan(nodes: list, outputs: list, inputs: list) -> dict:
    """The buffer plan: for each node id, ``(mode, store, in_place_of)``; see the module
    docstring. ``mode`` is "out" (writes a plan buffer), "fresh" (the op allocates), "view"
    or "scalar"."""
    n_nodes = len(nodes)
    last = {}
    for i, n in enumerate(nodes):
        for x in n.inputs:
            last[id(x)] = i
    for o in outputs:
        last[id(o)] = n_nodes + 1
    dropped = _dropped_broadcasts(nodes, last, outputs)
    holds: dict[int, list] = {}
    primary: dict[int, _Store] = {}
    pool: dict[Any, list] = {}
    stores: list[_Store] = []
    result: dict[int, tuple] = {}
    dying: dict[int, list] = {}
    for i, n in enumerate(nodes):
        dying.setdefault(last.get(id(n), i), []).append(n)

    def new_store(kind: str, key: Any) -> _Store:
        s = _Store(len(stores), kind, key)
        stores.append(s)
        return s

    projs: dict[int, list] = {}
    for n in nodes:
        if _is_proj(n):
            projs.setdefault(id(n.inputs[0]), []).append(n)
    prealloc: dict[int, _Store] = {}

    for i, n in enumerate(nodes):
        a = n._aval
        mode, store, inplace = "scalar", None, None
        name = _name(n)
        if id(n) in projs:  # a fused region: its kernel writes each output's buffer
            mode = "kernel"
            for p in projs[id(n)]:
                key = (p._aval.shape, p._aval.dtype)
                # in place into an input dying here, alone in its buffer, of the output's
                # shape: a kernel reads every input at an index before writing there
                for x in n.inputs:
                    s = primary.get(id(x))
                    if (s is not None and s.kind == "buf" and s.refs == 1
                            and last.get(id(x)) == i and s.key == key
                            and holds.get(id(x)) == [s]):
                        s.refs -= 1  # handed over to the projection (not to the pool)
                        holds[id(x)] = []
                        prealloc[id(p)] = s
                        break
                else:
                    free = pool.get(key)
                    prealloc[id(p)] = free.pop() if free else new_store("buf", key)
            holds[id(n)] = []
        elif id(n) in prealloc:
            mode, store = "out", prealloc[id(n)]
            holds[id(n)] = [store]
            primary[id(n)] = store
        elif isinstance(n.op, (PlaceholderOp, ConstantOp)) or a is None:
            mode = "extern"
            s = new_store("extern", None)
            holds[id(n)] = [s]
        elif not isinstance(a, T.Aval):  # a tuple-valued node (a fused region)
            mode = "fresh"
            held = [new_store("extern", None)]
            for x in n.inputs:
                held += holds.get(id(x), [])
            holds[id(n)] = held
        elif name in VIEWS or id(n) in dropped:  # before scalars: x.reshape(()) is a view
            mode = "view"
            holds[id(n)] = list(holds.get(id(n.inputs[0]), ()))
        elif a.weak or a.shape == () or a.dtype.kind not in "biufc":
            if name in UFUNCS or name in REDUCE or name in FRESH:
                holds[id(n)] = []  # a fresh number
            else:  # it may be a view into an input (x[0, ...]): keep the inputs alive
                held = [new_store("extern", None)]
                for x in n.inputs:
                    held += holds.get(id(x), [])
                holds[id(n)] = held
        elif _writes_out(n):
            mode = "out"
            key = (a.shape, a.dtype)
            if name in UFUNCS or name in ("relu", "sigmoid", "softplus", "clip"):
                for x in n.inputs:
                    s = primary.get(id(x))
                    if (s is not None and s.kind in ("buf", "alloc") and s.refs == 1
                            and last.get(id(x)) == i and s.key == key
                            and holds.get(id(x)) == [s]):
                        store, inplace = s, x
                        break
            if store is None:
                free = pool.get(key)
                store = free.pop() if free else new_store("buf", key)
            holds[id(n)] = [store]
            primary[id(n)] = store
        else:
            mode = "fresh"
            if name in FRESH:
                store = new_store("alloc", (a.shape, a.dtype))
                holds[id(n)] = [store]
                primary[id(n)] = store
            else:  # unknown: its result may alias any input, so it keeps them all alive
                s = new_store("extern", None)
                held = [s]
                for x in n.inputs:
                    held += holds.get(id(x), [])
                holds[id(n)] = held
        for s in holds[id(n)]:
            s.refs += 1
        if inplace is not None:
            s = primary[id(inplace)]
            s.refs -= 1  # the dying input hands its reference over to this node
            holds[id(inplace)] = []
        result[id(n)] = (mode, store, inplace)
        for d in dying.get(i, ()):
            for s in holds.get(id(d), ()):
                s.refs -= 1
                if s.refs == 0 and s.kind == "buf":
                    pool.setdefault(s.key, []).append(s)
            holds[id(d)] = []
    for o in outputs:
        for s in holds.get(id(o), ()):
            s.output = True
    result["stores"] = stores
    result["dropped"] = dropped
    return result


def _is_proj(n: Node) -> bool:
    return type(n.op).__name__ == "ProjOp"


def _writes_out(n: Node) -> bool:
    name = _name(n)
    if name in UFUNCS or name in ("relu", "sigmoid", "softplus"):
        return True
    if name == "clip":
        return all(np.ndim(v) == 0 for v in n.params.values() if v is not None)
    if name == "matmul":
        return len(n.inputs[0]._aval.shape) >= 1 and len(n.inputs[1]._aval.shape) >= 1
    if name in REDUCE:
        return n.inputs[0]._aval.dtype == n._aval.dtype
    return False


def _dropped_broadcasts(nodes: list, last: dict, outputs: list) -> set:
    """``broadcast_to`` nodes whose consumers are all ufuncs writing into an output buffer
    of the broadcast shape: the ufunc broadcasts by itself."""
    users: dict[int, list] = {}
    for n in nodes:
        for x in n.inputs:
            users.setdefault(id(x), []).append(n)
    outs = set(map(id, outputs))
    drop = set()
    for n in nodes:
        if _name(n) != "broadcast_to" or id(n) in outs or n._aval is None:
            continue
        us = users.get(id(n), [])
        if us and all(_name(u) in UFUNCS and u._aval is not None and not u._aval.weak
                      and u._aval.shape == n._aval.shape and u._aval.shape != ()
                      for u in us):
            drop.add(id(n))
    return drop


# ============================================================================ emission
def generate(g: Any, fn_name: str = "run", kernel_for: Any = None) -> tuple[str, dict, list]:
    """``(source, namespace, persistent buffer keys)`` of a function computing ``g``'s
    outputs from its inputs' raw values. A fused region calls ``kernel_for(node)``, a
    callable ``(*inputs, *outputs)`` that writes the region's outputs (default: NumPy), or
    ``kernel_for(node, alias)`` where output ``k`` is the array of input ``alias[k]``."""
    nodes = g.nodes
    P = plan(nodes, g.outputs, g.inputs)
    if kernel_for is None:
        from weifen.graph.kernels import numpy_region as kernel_for
    projs: dict[int, list] = {}
    for n in nodes:
        if _is_proj(n):
            projs.setdefault(id(n.inputs[0]), []).append(n)
    e = Emitter()
    var: dict[int, str] = {}
    args = []
    for k, v in enumerate(g.inputs):
        var[id(v)] = f"x{k}"
        args.append(f"x{k}")
    persistent = [s for s in P["stores"] if s.kind == "buf" and not s.output]
    fresh_made: set = set()
    for k, s in enumerate(persistent):
        s.var = f"b{k}"
    body = e.lines
    counter = 0
    for n in nodes:
        if id(n) in var:
            continue
        if isinstance(n.op, ConstantOp):
            c = n.const_attr
            lit = _lit(c)
            var[id(n)] = lit if lit is not None else e.bind(c, "c")
            continue
        if isinstance(n.op, PlaceholderOp):
            raise ValueError(f"variable {n.name!r} is not an input of the graph")
        mode, store, inplace = P[id(n)]
        if mode == "view" and id(n) in P["dropped"]:
            var[id(n)] = var[id(n.inputs[0])]
            continue
        if mode == "kernel":
            outs_, stores_out = [], []
            for p in sorted(projs[id(n)], key=lambda q: q.params["i"]):
                st = P[id(p)][1]
                stores_out.append(st)
                if st.output and st.k not in fresh_made:
                    fresh_made.add(st.k)
                    st.var = f"f{st.k}"
                    body.append(f"    {st.var} = _empty({st.key[0]!r}, "
                                f"{e.bind(st.key[1], 'dt')})")
                outs_.append(st.var)
                var[id(p)] = st.var
            ins = [var[id(x)] + ("[()]" if x._aval.shape == () and not x._aval.weak else "")
                   for x in n.inputs]
            # an output written in place of an input: the kernel reads it from the output
            stores_in = [P[id(x)][1] if id(x) in P else None for x in n.inputs]
            alias = {k: m for k, s in enumerate(stores_out)
                     for m, t in enumerate(stores_in) if t is s}
            kern = kernel_for(n, alias) if alias else kernel_for(n)
            body.append(f"    {e.bind(kern, 'kernel')}({', '.join(ins + outs_)})")
            continue
        if id(n) in var:  # a region's output, written by its kernel
            continue
        out = f"v{counter}"
        counter += 1
        ins = [var[id(x)] for x in n.inputs]
        buf = None
        if mode == "out":
            if inplace is not None:  # the dying input's own array
                buf = var[id(inplace)]
            else:
                if store.output and store.k not in fresh_made:
                    fresh_made.add(store.k)
                    store.var = f"f{store.k}"
                    body.append(f"    {store.var} = _empty({store.key[0]!r}, "
                                f"{e.bind(store.key[1], 'dt')})")
                buf = store.var
        body.append("    " + _statement(e, n, out, ins, buf))
        if name_of(n) in T.VALUE_TYPED:
            body.append(f"    {e.bind(T.guard, 'guard')}({out}, {e.bind(n._aval, 'a')}, "
                        f"{e.param(name_of(n))})")
        var[id(n)] = out
    # a result must be a fresh array: copy constants (and views of them, or of inputs
    # the caller could not expect to share) and any result given twice
    seen_out: set = set()
    out_vars = []
    for o in g.outputs:
        v = var[id(o)]
        base = o
        while _name(base) in VIEWS or id(base) in P["dropped"]:
            base = base.inputs[0]
        if isinstance(base.op, ConstantOp) and isinstance(base.const_attr, np.ndarray) \
                or v in seen_out:
            v = f"{e.bind(_fresh_copy, 'copy')}({v})"
        seen_out.add(v)
        out_vars.append(v)
    outs = ", ".join(out_vars)
    if persistent:
        head = [f"def {fn_name}({', '.join(args)}):",
                "    _B = _pool.pop() if _pool else _alloc()",
                f"    {', '.join(s.var for s in persistent)}, = _B"]
        tail = ["    _pool.append(_B)", f"    return ({outs}{',' if g.outputs else ''})"]
    else:
        head = [f"def {fn_name}({', '.join(args)}):"]
        tail = [f"    return ({outs}{',' if g.outputs else ''})"]
    src = "\n".join(head + body + tail) + "\n"
    return src, e.ns, [s.key for s in persistent]


def _fresh_copy(v: Any) -> Any:
    return v.copy() if isinstance(v, np.ndarray) else v


def _statement(e: Emitter, n: Node, out: str, ins: list, buf: str | None) -> str:
    name = _name(n)
    p = n.params
    if buf is not None:
        if name in UFUNCS:
            return f"{out} = {e.ufunc(UFUNCS[name])}({', '.join(ins)}, {buf})"
        if name == "relu":
            return f"{out} = {e.ufunc('maximum')}({ins[0]}, 0, {buf})"
        if name == "softplus":
            return f"{out} = {e.ufunc('logaddexp')}(0, {ins[0]}, {buf})"
        if name == "sigmoid":  # exp(-logaddexp(0, -x)), as the primitive computes it
            neg, lae, ex = e.ufunc("negative"), e.ufunc("logaddexp"), e.ufunc("exp")
            return (f"{neg}({ins[0]}, {buf}); {lae}(0, {buf}, {buf}); {neg}({buf}, {buf}); "
                    f"{out} = {ex}({buf}, {buf})")
        if name == "clip":
            lo, hi = e.param(p.get("lo")), e.param(p.get("hi"))
            return f"{out} = {e.bind(np.clip, 'clip')}({ins[0]}, {lo}, {hi}, out={buf})"
        if name == "matmul":
            return f"{out} = {e.ufunc('matmul')}({ins[0]}, {ins[1]}, {buf})"
        if name in REDUCE:
            red = e.bind(getattr(np, REDUCE[name]).reduce, "r_" + name)
            return (f"{out} = {red}({ins[0]}, {e.param(p.get('axis'))}, None, {buf}, "
                    f"{e.param(bool(p.get('keepdims', False)))})")
    if name in REDUCE and _writes_out(n) and not n.inputs[0]._aval.weak:
        red = e.bind(getattr(np, REDUCE[name]).reduce, "r_" + name)
        return (f"{out} = {red}({ins[0]}, {e.param(p.get('axis'))}, None, None, "
                f"{e.param(bool(p.get('keepdims', False)))})")
    if name == "reshape":
        return f"{out} = {ins[0]}.reshape({e.param(tuple(p['shape']))})"
    if name == "transpose":
        return f"{out} = {ins[0]}.transpose({e.param(p.get('axes'))})"
    if name == "broadcast_to":
        return f"{out} = {e.bind(np.broadcast_to, 'bcast')}({ins[0]}, {e.param(tuple(p['shape']))})"
    if name == "stop_gradient":
        return f"{out} = {ins[0]}"
    if name == "getitem":
        return f"{out} = {e.bind(n.op.prim.impl, 'impl')}({ins[0]}, {e.param(p['index'])})"
    if isinstance(n.op, PrimOp):
        f = n.op.prim.impl if not p else partial(n.op.prim.impl, **p)
        return f"{out} = {e.bind(f, 'f_' + name + '_')}({', '.join(ins)})"
    # a classic or user op left in the graph: its own compute
    return f"{out} = {e.bind(n.op, 'op')}.compute({e.bind(n, 'n')}, [{', '.join(ins)}])"


# ============================================================================ scalars
def all_scalar(g: Any) -> bool:
    """Whether every value of ``g`` is a 0-d float64, int or bool (Python-number code)."""
    for n in g.nodes:
        a = n._aval
        if a is None or a.shape != () or a.dtype.kind not in "fb" or (
                a.dtype.kind == "f" and a.dtype.itemsize != 8):
            return False
        if not (isinstance(n.op, (PrimOp, ConstantOp, PlaceholderOp))):
            return False
    return True


def generate_scalar(g: Any, fn_name: str = "run_scalar") -> tuple[str, dict]:
    """Source of a Python-number version of an all-scalar graph (see :func:`all_scalar`)."""
    e = Emitter()
    var: dict[int, str] = {}
    args = []
    for k, v in enumerate(g.inputs):
        var[id(v)] = f"x{k}"
        args.append(f"x{k}")
    # a domain error (log of a negative number, 1/0) reruns the NumPy code, which gives
    # inf or nan as eager weifen does
    lines = [f"def {fn_name}({', '.join(args)}):", "  try:"]
    for i, n in enumerate(g.nodes):
        if id(n) in var:
            continue
        if isinstance(n.op, ConstantOp):
            c = n.const_attr
            c = c.item() if hasattr(c, "item") else c
            lit = _lit(c)
            var[id(n)] = lit if lit is not None else e.bind(c, "c")
            continue
        name = _name(n)
        ins = [var[id(x)] for x in n.inputs]
        out = f"s{i}"
        if name in PY:
            rhs = PY[name].format(*ins)
        elif name in MATH:
            rhs = f"{e.bind(getattr(math, MATH[name]), 'm_')}({', '.join(ins)})"
        elif name in SCALAR_SAME:
            rhs = ins[0]
        elif name == "pow":
            rhs = f"{e.bind(n.op.prim.impl, 'pow')}({ins[0]}, {ins[1]})"
        elif name == "astype":
            kind = np.dtype(n.params["dtype"]).kind
            rhs = f"{'float' if kind == 'f' else 'bool' if kind == 'b' else 'int'}({ins[0]})"
        else:
            f = n.op.prim.impl if not n.params else partial(n.op.prim.impl, **n.params)
            rhs = f"{e.bind(f, 'f_' + str(name) + '_')}({', '.join(ins)})"
        if n._aval.dtype.kind == "f" and name not in PY and name not in MATH \
                and name not in SCALAR_SAME and name != "pow":
            rhs = f"float({rhs})"
        lines.append(f"    {out} = {rhs}")
        var[id(n)] = out
    outs = ", ".join(var[id(o)] for o in g.outputs)
    lines.append(f"    return ({outs}{',' if g.outputs else ''})")
    lines += ["  except (ValueError, ArithmeticError, TypeError):",
              "    with _errstate(all='ignore'):",
              f"      return _safe({', '.join(args)})"]
    e.ns["_errstate"] = np.errstate
    return "\n".join(lines) + "\n", e.ns


# ============================================================================ compile
class Compiled:
    """A graph compiled to Python: ``fn(*raw_inputs) -> tuple of raw outputs``.

    ``source`` holds the generated code (and ``scalar_source`` the all-scalar version)."""

    def __init__(self, g: Any, name: str = "run", kernel_for: Any = None) -> None:
        self.graph = g
        src, ns, keys = generate(g, name, kernel_for)
        self.source = src
        self.buffers = keys
        pool: list = []
        ns["_pool"] = pool
        ns["_alloc"] = lambda: tuple(np.empty(s, d) for s, d in keys)
        code = compile(src, f"<weifen.jit {name}>", "exec")
        exec(code, ns)  # noqa: S102 - generated code only, never user text
        self.numpy_fn = ns[name]
        self.scalar_source = None
        self.fn = self.numpy_fn
        if all_scalar(g) and g.nodes:
            ssrc, sns = generate_scalar(g, name + "_scalar")
            self.scalar_source = ssrc
            sns["_safe"] = self.numpy_fn
            exec(compile(ssrc, f"<weifen.jit {name} scalar>", "exec"), sns)  # noqa: S102
            self.fn = sns[name + "_scalar"]


def compile_graph(g: Any, name: str = "run") -> Compiled:
    """Compile ``g`` (optimised or not) with the NumPy backend.

    >>> import numpy as np
    >>> import weifen as wf
    >>> g = wf.make_graph(lambda x: wf.tanh(x * 0.9 + 0.1), np.ones(3)).optimize()
    >>> c = compile_graph(g)
    >>> print(c.source)
    def run(x0):
        f2 = _empty((3,), dt3)
        v0 = u_multiply_4(x0, 0.9, f2)
        v1 = u_add_5(v0, 0.1, v0)
        v2 = u_tanh_6(v1, v1)
        return (v2,)
    <BLANKLINE>
    >>> c.fn(np.zeros(3))[0]
    array([0.09966799, 0.09966799, 0.09966799])
    """
    return Compiled(g, name)


__all__ = ["compile_graph", "Compiled", "generate", "generate_scalar", "plan", "all_scalar",
           "UFUNCS"]
