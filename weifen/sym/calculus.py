"""Differentiation, simplification, expansion, substitution and evaluation of expressions.

``diff`` is forward mode over the expression: each node's derivative is its primitive's
jvp rule applied to the derivatives of its arguments, on expressions. Derivatives share
the subexpressions they reuse, so ``dag_size`` stays small while ``tree_size`` (the
printed size) can swell.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable

import numpy as np

from weifen.core.primitive import REGISTRY, passthrough
from weifen.errors import WeifenTypeError, WeifenValueError
from weifen.sym.expr import Expr, apply, as_expr, const, params_of


def diff(e: Any, x: Expr, n: int = 1) -> Expr:
    """The ``n``-th derivative of ``e`` with respect to the symbol ``x``.

    >>> from weifen import sym
    >>> x, y = sym.symbols("x y")
    >>> sym.diff(sym.log(x) + x * y - sym.sin(y), x)
    1/x + y
    """
    e = as_expr(e)
    if not (isinstance(x, Expr) and x.op == "symbol"):
        raise WeifenTypeError(f"diff: differentiate with respect to a symbol, got {x!r}")
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


# ============================================================================ simplify
def _terms(e: Expr) -> list[tuple[float, Expr | None]]:
    """``e`` as a sum of ``coefficient * term`` (term ``None``: a constant)."""
    out: list = []
    stack = [(1, e)]
    while stack:
        c, x = stack.pop()
        if x.op == "add":
            stack += [(c, x.args[1]), (c, x.args[0])]
        elif x.op == "sub":
            stack += [(-c, x.args[1]), (c, x.args[0])]
        elif x.op == "neg":
            stack.append((-c, x.args[0]))
        elif x.op == "const":
            out.append((c * x.value, None))
        elif x.op == "mul" and x.args[0].op == "const":
            stack.append((c * x.args[0].value, x.args[1]))
        elif x.op == "mul" and x.args[1].op == "const":
            stack.append((c * x.args[1].value, x.args[0]))
        else:
            out.append((c, x))
    return out


def _factors(e: Expr) -> tuple[Any, list[tuple[Expr, Any]]]:
    """``e`` as ``coefficient * prod(base ** exponent)``."""
    coef: Any = 1
    out: list = []
    stack = [(e, 1)]
    while stack:
        x, p = stack.pop()
        if x.op == "mul":
            stack += [(x.args[1], p), (x.args[0], p)]
        elif x.op == "div":
            stack += [(x.args[1], -p), (x.args[0], p)]
        elif x.op == "neg":
            coef = -coef
            stack.append((x.args[0], p))
        elif x.op == "const":
            coef = coef * (x.value ** p)
        elif x.op == "pow" and x.args[1].op == "const":
            stack.append((x.args[0], p * x.args[1].value))
        else:
            out.append((x, p))
    return coef, out


def _product(coef: Any, factors: list) -> Expr:
    num, den = [], []
    for base, p in factors:
        if p == 0:
            continue
        (num if p > 0 else den).append(base if abs(p) == 1 else apply("pow", base, abs(p)))
    e = const(coef) if not num or coef != 1 else None
    for f in num:
        e = f if e is None else apply("mul", e, f)
    if e is not None and coef == -1 and num and e == _chain(num):
        e = apply("neg", e)
    for f in den:
        e = apply("div", e if e is not None else const(1), f)
    return e if e is not None else const(coef)


def _chain(fs: list) -> Expr:
    e = fs[0]
    for f in fs[1:]:
        e = apply("mul", e, f)
    return e


def _sum(terms: list) -> Expr:
    e = None
    for c, t in terms:
        if c == 0:
            continue
        if t is None:
            part, neg = const(abs(c)), c < 0
        else:
            part = t if abs(c) == 1 else apply("mul", const(abs(c)), t)
            neg = c < 0
        if e is None:
            e = apply("neg", part) if neg else part
        else:
            e = apply("sub" if neg else "add", e, part)
    return e if e is not None else const(0)


def _collect(e: Expr) -> Expr:
    """Like terms combined (``x + x -> 2*x``) and like factors too (``x*x -> x**2``)."""
    coef, factors = _factors(e)
    if e.op in ("mul", "div", "neg", "pow") and factors and e.op != "add":
        merged: dict = defaultdict(int)
        order: list = []
        for base, p in factors:
            if base not in merged:
                order.append(base)
            merged[base] += p
        e = _product(coef, [(b, merged[b]) for b in order])
    if e.op in ("add", "sub", "neg", "mul"):
        acc: dict = defaultdict(float)
        order = []
        for c, t in _terms(e):
            if t not in acc:
                order.append(t)
            acc[t] += c
        e = _sum([(_int(acc[t]), t) for t in order])
    return e


def _int(c: Any) -> Any:
    return int(c) if isinstance(c, float) and c.is_integer() else c


def simplify(e: Any) -> Expr:
    """Constants folded, like terms and like factors combined, bottom up.

    >>> from weifen import sym
    >>> x = sym.Symbol("x")
    >>> sym.simplify(x * x + x - x + 2 * x / x)
    x**2 + 2
    """
    e = as_expr(e)
    out: dict = {}
    for node in e.nodes():
        if not node.args:
            out[node] = node
            continue
        rebuilt = apply(node.op, *[out[a] for a in node.args], **params_of(node))
        out[node] = _collect(rebuilt) if rebuilt.args else rebuilt
    return out[e]


# ============================================================================ expand
def expand(e: Any) -> Expr:
    """Products distributed over sums and integer powers of sums multiplied out; the
    result is a sum of monomials in a canonical order (polynomials in canonical form).

    >>> from weifen import sym
    >>> x, y = sym.symbols("x y")
    >>> sym.expand((x + y) ** 2 - y * (y - 1))
    x**2 + 2*x*y + y
    """
    e = as_expr(e)
    polys: dict = {}
    for node in e.nodes():
        polys[node] = _poly(node, [polys[a] for a in node.args])
    return _poly_expr(polys[e])


def _poly(node: Expr, args: list) -> dict:
    """A polynomial: {monomial: coefficient}; a monomial is a sorted tuple of
    (atom key, atom, power); non-polynomial parts are atoms."""
    op = node.op
    if op == "const":
        return {(): node.value}
    if op == "symbol":
        return {((str(node), node, 1),): 1}
    if op == "add":
        return _padd(args[0], args[1], 1)
    if op == "sub":
        return _padd(args[0], args[1], -1)
    if op == "neg":
        return {m: -c for m, c in args[0].items()}
    if op == "mul":
        return _pmul(args[0], args[1])
    if op == "pow" and node.args[1].op == "const":
        p = node.args[1].value
        if isinstance(p, int) and 0 <= p <= 64:
            r: dict = {(): 1}
            for _ in range(p):
                r = _pmul(r, args[0])
            return r
    if op == "div" and len(args[1]) == 1 and () in args[1]:
        c = args[1][()]
        return {m: v / c for m, v in args[0].items()}
    atom = apply(op, *[_poly_expr(a) for a in args], **params_of(node))
    return {((str(atom), atom, 1),): 1}


def _padd(a: dict, b: dict, s: int) -> dict:
    r = dict(a)
    for m, c in b.items():
        r[m] = r.get(m, 0) + s * c
    return {m: c for m, c in r.items() if c != 0}


def _pmul(a: dict, b: dict) -> dict:
    r: dict = {}
    for ma, ca in a.items():
        for mb, cb in b.items():
            powers: dict = {}
            atoms: dict = {}
            for key, atom, p in ma + mb:
                powers[key] = powers.get(key, 0) + p
                atoms[key] = atom
            m = tuple(sorted((k, atoms[k], powers[k]) for k in powers if powers[k]))
            r[m] = r.get(m, 0) + ca * cb
    return {m: c for m, c in r.items() if c != 0}


def _poly_expr(p: dict) -> Expr:
    def degree(m: tuple) -> int:
        return sum(pw for _, _, pw in m)

    terms = []
    for m in sorted(p, key=lambda m: (-degree(m), [(k, -pw) for k, _, pw in m])):
        c = _int(p[m])
        if not m:
            terms.append((c, None))
            continue
        t = None
        for _, atom, pw in m:
            f = atom if pw == 1 else apply("pow", atom, pw)
            t = f if t is None else apply("mul", t, f)
        terms.append((c, t))
    return _sum(terms)


# ============================================================================ evaluate
def subs(e: Any, mapping: dict) -> Any:
    """Symbols replaced by numbers or expressions (keys: symbols or their names)."""
    e = as_expr(e)
    table = {}
    for k, v in mapping.items():
        name = k.value if isinstance(k, Expr) and k.op == "symbol" else k
        if not isinstance(name, str):
            raise WeifenTypeError(f"subs: keys must be symbols or names, got {k!r}")
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
    return r.value if r.op == "const" else r


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
            raise WeifenTypeError(f"lambdify: arguments must be symbols, got {a!r}")
        names.append(a.value)
    missing = {s.value for s in e.free_symbols()} - set(names)
    if missing:
        raise WeifenValueError(f"lambdify: the expression uses symbols {sorted(missing)} that "
                               "are not among the arguments")
    order = list(e.nodes())
    code = [(node, REGISTRY[node.op].impl if node.args else None, params_of(node))
            for node in order]

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
                v[node] = node.value
            else:
                v[node] = impl(*[v[a] for a in node.args], **params)
        r = v[e]
        return r if isinstance(r, np.ndarray) or not isinstance(r, np.generic) else r.item()

    f.__name__ = f"lambdified({e})" if len(str(e)) < 60 else "lambdified"
    return f
