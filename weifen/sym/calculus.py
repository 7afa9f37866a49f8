"""Differentiation, substitution and evaluation of expressions (simplification is in
:mod:`weifen.sym.collect`, expansion in :mod:`weifen.sym.poly`).

``diff`` is forward mode over the expression: each node's derivative is its primitive's
jvp rule applied to the derivatives of its arguments, on expressions. Derivatives share
the subexpressions they reuse, so ``dag_size`` stays small while ``tree_size`` (the
printed size) can swell.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Callable

import numpy as np

from weifen.core.primitive import REGISTRY, passthrough
from weifen.errors import WeifenTypeError, WeifenValueError
from weifen.sym.collect import simplify  # noqa: F401 - re-exported from its old home
from weifen.sym.expr import Expr, apply, as_expr, const, params_of
from weifen.sym.poly import expand  # noqa: F401 - re-exported from its old home
from weifen.sym.printing import prefix


def diff(e: Any, x: Expr, n: int = 1) -> Expr:
    """The ``n``-th derivative of ``e`` with respect to the symbol ``x``.

    >>> from weifen import sym
    >>> x, y = sym.symbols("x y")
    >>> sym.diff(sym.log(x) + x * y - sym.sin(y), x)
    1/x + y
    >>> sym.diff(sym.parse("x**3"), "x", 2)
    6*x
    """
    e = as_expr(e)
    if isinstance(x, str) and x.isidentifier():  # a symbol's name, as SymPy accepts it
        from weifen.sym.expr import Symbol

        x = Symbol(x)
    if not (isinstance(x, Expr) and x.op == "symbol"):
        shown = x._preview() if isinstance(x, Expr) else repr(x)[:60]
        raise WeifenTypeError(f"diff: differentiate with respect to a symbol, got {shown}")
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise WeifenTypeError(f"diff: the order must be an integer, got {n!r}"[:200])
    if n < 0:
        raise WeifenValueError(f"diff: the order must be >= 0, got {n}")
    for _ in range(n):
        e = _diff1(e, x)
    return e


def _diff1(e: Expr, x: Expr) -> Expr:
    d: dict = {}
    for node in e.nodes():
        if node.op == "symbol":
            d[node] = const(1) if node == x else None
            continue
        if node.op == "const":
            d[node] = None
            continue
        prim = REGISTRY[node.op]
        params = params_of(node)
        if prim.nondiff:
            d[node] = None
            continue
        rules = prim.jvp
        total = None
        if type(rules) is tuple:
            for k, a in enumerate(node.args):
                t = d[a]
                if t is None or rules[k] is None:
                    continue
                term = t if rules[k] is passthrough else rules[k](t, node, *node.args, **params)
                total = term if total is None else total + term
        else:
            ts = [d[a] for a in node.args]
            if any(t is not None for t in ts):
                total = rules(ts, node, *node.args, **params)
        d[node] = None if total is None else as_expr(total)
    out = d[e]
    return const(0) if out is None else out


# ============================================================================ evaluate
def subs(e: Any, mapping: dict) -> Any:
    """Symbols replaced by numbers or expressions (keys: symbols or their names). Exact
    constants fold exactly; a result with no symbol left is a number: an ``int`` where it
    is an integer, else a ``float`` (a rational or irrational value is converted at the
    end).

    >>> from weifen import sym
    >>> x, y = sym.symbols("x y")
    >>> (x / 3 + y).subs({y: 1}), (x / 3).subs({x: 1}), (x / 3).subs({x: 6})
    (x/3 + 1, 0.3333333333333333, 2)
    >>> round(sym.sqrt(x).subs({x: 2}), 12)
    1.414213562373
    """
    e = as_expr(e)
    if not isinstance(mapping, dict):
        raise WeifenTypeError(f"subs: expected a dict of replacements, got a "
                              f"{type(mapping).__name__}")
    table = {}
    for k, v in mapping.items():
        name = k.value if isinstance(k, Expr) and k.op == "symbol" else k
        if not isinstance(name, str):
            shown = k._preview() if isinstance(k, Expr) else repr(k)[:60]
            raise WeifenTypeError(f"subs: keys must be symbols or names, got {shown}")
        table[name] = as_expr(v)
    out: dict = {}
    for node in e.nodes():
        if node.op == "symbol":
            out[node] = table.get(node.value, node)
        elif not node.args:
            out[node] = node
        else:
            out[node] = apply(node.op, *[out[a] for a in node.args], **params_of(node))
    r = out[e]
    if r.op == "const":
        return float(r.value) if type(r.value) is Fraction else r.value
    if not r.free_symbols():  # sqrt(2), log(3)*x at x = 1: evaluated in floating point
        with np.errstate(all="ignore"):
            v = lambdify([], r)()
        v = v.item() if isinstance(v, np.generic) else v
        if not isinstance(v, float) or math.isfinite(v):
            return v
    return r  # 1/0 stays symbolic, as constant folding leaves it


def lambdify(args: list, e: Any) -> Callable:
    """A function of ``args`` (symbols, in order) that evaluates ``e`` numerically with
    NumPy; it takes numbers or arrays (elementwise). Nothing is compiled from text.

    >>> import numpy as np
    >>> from weifen import sym
    >>> x, y = sym.symbols("x y")
    >>> f = sym.lambdify([x, y], x * y + 1)
    >>> f(2.0, np.array([1.0, 3.0]))
    array([3., 7.])
    """
    e = as_expr(e)
    names = []
    for a in args:
        if not (isinstance(a, Expr) and a.op == "symbol"):
            shown = a._preview() if isinstance(a, Expr) else repr(a)[:60]
            raise WeifenTypeError(f"lambdify: arguments must be symbols, got {shown}")
        names.append(a.value)
    missing = {s.value for s in e.free_symbols()} - set(names)
    if missing:
        names_ = sorted(missing)
        more = f" and {len(names_) - 10} more" if len(names_) > 10 else ""
        raise WeifenValueError(f"lambdify: the expression uses symbols {names_[:10]}{more} "
                               "that are not among the arguments")
    order = list(e.nodes())
    code = [(node, REGISTRY[node.op].impl if node.args else None, params_of(node))
            for node in order]
    consts = {node: _numeric(node.value) for node in order if node.op == "const"}

    def f(*vals: Any) -> Any:
        if len(vals) != len(names):
            raise WeifenTypeError(f"expected {len(names)} arguments ({', '.join(names)}), "
                                  f"got {len(vals)}")
        env = dict(zip(names, vals))
        v: dict = {}
        for node, impl, params in code:
            if node.op == "symbol":
                v[node] = env[node.value]
            elif node.op == "const":
                v[node] = consts[node]
            else:
                v[node] = impl(*[v[a] for a in node.args], **params)
        r = v[e]
        return r if isinstance(r, np.ndarray) or not isinstance(r, np.generic) else r.item()

    head = prefix(e, 60)  # not str(e): that may be huge, and only a short name is wanted
    f.__name__ = f"lambdified({head})" if len(head) < 60 else "lambdified"
    return f


def _numeric(v: Any) -> Any:
    """A constant as NumPy takes it: a rational as a float, an integer past int64 as a
    float (its sign times inf past the float range)."""
    if type(v) is Fraction:
        return float(v)
    if type(v) is int and not -2 ** 63 <= v < 2 ** 63:
        try:
            return float(v)
        except OverflowError:
            return math.inf if v > 0 else -math.inf
    return v
