"""Kernels for fusion regions: a NumPy version (always there) and a numba loop (``weifen[jit]``).

A region's kernel is called ``kernel(*inputs, *outputs)`` and writes each region output
into its output array (a buffer of the plan in :mod:`weifen.graph.codegen`); 0-d inputs
come as NumPy scalars.

The numba kernel is one loop nest over the region's shape; each input is read at the
loop index (a length-1 or missing axis at index 0: NumPy's broadcasting), every inner
value is a scalar local, and the outputs are stored at the end of the iteration. The
forward values a backward pass reads thus stay in registers. Reading all inputs before
writing makes a write into a dying input's buffer safe. Where numba cannot compile a
region (an op or a dtype it does not know), that region falls back to its NumPy kernel;
the rest of the graph keeps its numba kernels.

>>> import numpy as np
>>> import weifen as wf
>>> from weifen.graph.fusion import FusedOp, fuse
>>> g = fuse(wf.make_graph(lambda x: wf.exp(x) * x + 1.0, np.ones(3)).optimize())
>>> (region,) = [n for n in g.nodes if isinstance(n.op, FusedOp)]
>>> print(loop_source(region.op, [x.aval for x in region.inputs]))
def kernel(i0, o0):
    for j0 in range(3):
        a0 = i0[j0]
        t0 = math.exp(a0)
        t1 = (t0 * a0)
        t2 = (t1 + 1.0)
        o0[j0] = t2
<BLANKLINE>
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from weifen.graph import types as T
from weifen.graph.fusion import reduced_axes

# a reduction's starting value, in the numba source
REDUCE_INIT = {"sum": "0.0", "max": "-np.inf", "max_stopped": "-np.inf", "min": "np.inf"}

# scalar code for each primitive: {0}, {1}, {2} are the arguments' expressions
SCALAR = {
    "add": "({0} + {1})", "sub": "({0} - {1})", "mul": "({0} * {1})", "div": "({0} / {1})",
    "neg": "(-{0})", "exp": "math.exp({0})", "exp2": "(2.0 ** {0})", "expm1": "math.expm1({0})",
    "log": "math.log({0})", "log2": "math.log2({0})", "log10": "math.log10({0})",
    "log1p": "math.log1p({0})", "sqrt": "math.sqrt({0})", "square": "({0} * {0})",
    "reciprocal": "(1.0 / {0})", "sin": "math.sin({0})", "cos": "math.cos({0})",
    "tan": "math.tan({0})", "arcsin": "math.asin({0})", "arccos": "math.acos({0})",
    "arctan": "math.atan({0})", "sinh": "math.sinh({0})", "cosh": "math.cosh({0})",
    "tanh": "_tanh({0})", "arcsinh": "math.asinh({0})", "arccosh": "math.acosh({0})",
    "arctanh": "math.atanh({0})", "abs": "abs({0})", "sign": "np.sign({0})",
    "floor": "np.floor({0})", "ceil": "np.ceil({0})", "trunc": "np.trunc({0})",
    "pow": "({0} ** {1})", "arctan2": "math.atan2({0}, {1})", "mod": "np.mod({0}, {1})",
    "maximum": "({0} if ({0} >= {1} or {0} != {0}) else {1})",
    "minimum": "({0} if ({0} <= {1} or {0} != {0}) else {1})",
    "eq": "({0} == {1})", "ne": "({0} != {1})", "lt": "({0} < {1})", "le": "({0} <= {1})",
    "gt": "({0} > {1})", "ge": "({0} >= {1})",
    "logical_and": "(({0} != 0) and ({1} != 0))", "logical_or": "(({0} != 0) or ({1} != 0))",
    "logical_not": "({0} == 0)", "isfinite": "np.isfinite({0})",
    "relu": "({0} if ({0} > 0 or {0} != {0}) else {0} * 0)",
    "sigmoid": "_sigmoid({0})", "softplus": "_softplus({0})", "where": "({1} if {0} else {2})",
    "erf": "math.erf({0})", "broadcast_to": "{0}",
}


def numpy_region(node: Any, alias: dict | None = None) -> Any:
    """The NumPy kernel of a fused node: the region's ops run one after another (each
    primitive's own ``impl``), then the outputs are copied into place."""
    op = node.op
    n_in = len(node.inputs)

    def kernel(*arrays: Any) -> None:
        outs = arrays[n_in:]
        vals = op.compute(node, list(arrays[:n_in]))
        for o, v in zip(outs, vals):
            o[...] = v

    return kernel


def _lit(v: Any, dtype: np.dtype) -> str:
    """A constant as numba source, in the dtype of the value it feeds (a Python float next
    to float32 stays float32, as NumPy 2 computes)."""
    v = v.item() if hasattr(v, "item") else v
    if type(v) is bool:
        return repr(v)
    if dtype.kind == "f" and dtype.itemsize == 4 and type(v) in (float, int):
        return f"np.float32({float(v)!r})"
    if type(v) is float and not math.isfinite(v):
        return "np.inf" if v > 0 else "-np.inf" if v < 0 else "np.nan"
    return repr(v)


def loop_source(op: Any, in_avals: list, name: str = "kernel", alias: dict | None = None) -> str:
    """The Python source of the numba loop for a :class:`FusedOp` region. ``alias``: output
    ``k`` is the array of input ``alias[k]`` (written in place), which is then read from
    the output, so that the compiler sees one array (two names for one array would make
    LLVM's overlap check fail and run the loop unvectorised)."""
    read_from = {m: f"o{k}" for k, m in (alias or {}).items()}
    S = op.shape
    nd = len(S)
    ins = [f"i{k}" for k in range(len(in_avals))]
    outs = [f"o{k}" for k in range(len(op.outs))]
    lines = [f"def {name}({', '.join(ins + outs)}):"]
    pre = []
    reads = []
    for k, a in enumerate(in_avals):
        if a.weak:
            pre.append(f"    a{k} = i{k}")
            continue
        if not a.shape:  # a 0-d input arrives as a NumPy scalar (the caller indexes [()])
            pre.append(f"    a{k} = i{k}")
            continue
        lead = nd - len(a.shape)
        idx = ", ".join("0" if a.shape[d] == 1 and S[lead + d] != 1 else f"j{lead + d}"
                        for d in range(len(a.shape)))
        reads.append(f"a{k} = {read_from.get(k, f'i{k}')}[{idx}]")
    lines += pre
    red = {}  # inner index of a reduction -> its reduced axes
    for j, (prim, params, _args) in enumerate(op.program):
        if prim.name in REDUCE_INIT:
            red[j] = axes = reduced_axes(params, nd)
            ks = tuple(1 if d in axes else S[d] for d in range(nd))
            # accumulated in float64 whatever the dtype, written out at the end
            lines.append(f"    r{j} = np.full({ks!r}, {REDUCE_INIT[prim.name]}, np.float64)")
    ind = "    "
    for d in range(nd):
        lines.append(f"{ind}for j{d} in range({S[d]}):")
        ind += "    "
    lines += [ind + r for r in reads]
    for j, (prim, _params, args) in enumerate(op.program):
        if j in red:
            ridx = ", ".join("0" if d in red[j] else f"j{d}" for d in range(nd))
            v = f"t{args[0][1]}"
            if prim.name == "sum":
                lines.append(f"{ind}r{j}[{ridx}] += {v}")
            else:  # NaN wins, as NumPy's max and min
                cmp = ">=" if prim.name != "min" else "<="
                lines.append(f"{ind}c{j} = r{j}[{ridx}]")
                lines.append(f"{ind}if not (c{j} {cmp} {v} or c{j} != c{j}):")
                lines.append(f"{ind}    r{j}[{ridx}] = {v}")
            continue
        dt = op.avals[j].dtype
        xs = []
        for kind, v in args:
            xs.append(f"a{v}" if kind == "i" else f"t{v}" if kind == "t" else _lit(v, dt))
        expr = SCALAR[prim.name].format(*xs)
        lines.append(f"{ind}t{j} = {expr}")
    idx = ", ".join(f"j{d}" for d in range(nd))
    for k, j in enumerate(op.outs):
        if j not in red:
            lines.append(f"{ind}o{k}[{idx}] = t{j}")
    for k, j in enumerate(op.outs):
        if j in red:
            shape = op.avals[j].shape
            if len(shape) == nd:  # keepdims
                lines.append(f"    o{k}[...] = r{j}")
            elif shape:
                lines.append(f"    o{k}[...] = r{j}.reshape({shape!r})")
            else:
                lines.append(f"    o{k}[()] = r{j}[{', '.join('0' * nd)}]")
    return "\n".join(lines) + "\n"


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _softplus(x: float) -> float:
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


_JITTED_HELPERS: dict = {}


def _helpers(numba: Any) -> dict:
    if not _JITTED_HELPERS:
        from weifen.graph.vmath import numba_tanh

        for f in (_sigmoid, _softplus):
            _JITTED_HELPERS[f.__name__] = numba.njit(cache=False)(f)
        _JITTED_HELPERS["_tanh"] = numba_tanh()  # vectorisable (weifen.graph.vmath)
    return _JITTED_HELPERS


def numba_region(node: Any, alias: dict | None = None) -> Any:
    """The numba kernel of a fused node, compiled now (on stand-in arrays of the region's
    types); the NumPy kernel where numba cannot compile it."""
    try:
        import numba
    except ImportError:  # pragma: no cover - the backend checks first
        return numpy_region(node)
    op = node.op
    in_avals = [x._aval for x in node.inputs]
    try:
        src = loop_source(op, in_avals, alias=alias)
    except KeyError:  # an op the loops do not spell
        return numpy_region(node)
    ns: dict = {"math": math, "np": np, **_helpers(numba)}
    exec(compile(src, "<weifen.jit numba kernel>", "exec"), ns)  # noqa: S102 - generated
    kernel = numba.njit(cache=False, error_model="numpy", nogil=True)(ns["kernel"])
    ins = [T.placeholder(a) if a.weak else np.zeros(a.shape, a.dtype)[()] if not a.shape
           else np.zeros(a.shape, a.dtype) for a in in_avals]
    outs = [np.empty(op.avals[j].shape, op.avals[j].dtype) for j in op.outs]
    try:
        with np.errstate(all="ignore"):
            kernel(*ins, *outs)
    except Exception:  # numba's typing or lowering errors: this region runs on NumPy
        return numpy_region(node)
    kernel.weifen_source = src
    return kernel


__all__ = ["numpy_region", "numba_region", "loop_source", "SCALAR"]
