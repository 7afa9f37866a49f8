"""``simplify``: constants folded, like terms and like factors combined, bottom up.

Each node, rebuilt on its simplified arguments, is read as a sum of ``coefficient *
term`` and as ``coefficient * prod(base ** exponent)``, like terms or factors are merged
in order of first appearance, and the sum (a left-leaning chain) or product is rebuilt.

Done naively, every node of a chain ``((a + b) + c) + ...`` reads and rebuilds the whole
sum below it: quadratic. So each result keeps what reading it would give (a
:class:`_Known`); a parent reads its arguments from there instead of walking them, takes
the lists over when it is their last user, and where the merge only appends new terms
it extends the argument's own chain by the new links instead of rebuilding it. The
results are exactly those of the naive reading (the same terms in the same order, the
same sums), only found without the repeated walks. Integer and rational coefficients
are summed exactly (``Fraction``; as floats they would round).

Terms that are products are compared up to the order of their factors and their
numeric coefficient (``2*-sin(x)*cos(x)`` and ``2*-cos(x)*sin(x)`` are like terms; see
:class:`_Canon`). A second pass then rewrites each sum, bottom up, where that makes it
shorter by :func:`op_count` (SymPy's ``count_ops``): factors common to every term and
the integers' common divisor are taken out (``exp(x)*(sin(x) + cos(x))``, and with
denominators ``1/(1 + x)**2``), ``sin/cos`` becomes ``tan``, ``2*sin(a)*cos(a)``
``sin(2*a)``, ``cos(a)**2 - sin(a)**2`` ``cos(2*a)`` and ``sin(a)**2 + cos(a)**2`` ``1``
(identities that hold wherever both sides are defined), and a small polynomial is
multiplied out.

Rules that change values are not applied: a power with a non-integer exponent is not
spread over a product or a power (``(x*y)**0.5`` and ``(x**2)**0.5`` stay as they are:
they are defined where the spread forms are not, or differ in sign), and a merge that
would divide by zero or overflow a coefficient is skipped.

>>> from weifen import sym
>>> x, y = sym.symbols("x y")
>>> sym.simplify(3 * x * y / x - y + 2 ** 2)
2*y + 4
>>> sym.simplify((x * y) ** 0.5 * (x * y) ** 0.5)
((x*y)**0.5)**2
"""
from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction
from typing import Any

from weifen.sym.expr import Expr, _exact_power, apply, as_expr, const, exact_pow, params_of

_NOT_ATOMS = ("mul", "div", "neg", "const", "pow")


class _Known:
    """What reading ``expr`` gives: ``terms`` ((coefficient, term) in order) with ``acc``
    (term -> coefficient), and ``factors`` ((base, exponent) in order) with
    ``merged`` (base -> exponent) and ``coef``; ``chain``: ``expr`` is the product's
    left-leaning chain of factors (no denominator), so more factors may be appended.
    ``owners``: uses of ``expr`` by nodes not yet simplified."""

    __slots__ = ("expr", "owners", "terms", "acc", "factors", "merged", "coef", "chain")

    def __init__(self, expr: Expr) -> None:
        self.expr = expr
        self.owners = 0
        self.terms: list | None = None
        self.acc: dict | None = None
        self.factors: list | None = None
        self.merged: dict | None = None
        self.coef: Any = None
        self.chain = False


def _known(known: dict | None, x: Expr, what: str) -> _Known | None:
    k = known.get(id(x)) if known else None
    return k if k is not None and k.expr is x and getattr(k, what) is not None else None


def _take(known: dict, k: _Known, lst: list, dct: dict) -> tuple[list, dict]:
    """``k``'s list and dict to build on: themselves when no one else will read ``k``."""
    if k.owners == 0:
        del known[id(k.expr)]
        return lst, dct
    return list(lst), dict(dct)


def _terms(e: Expr, known: dict | None = None) -> tuple[list, Any]:
    """``e`` as a sum of ``coefficient * term`` (term ``None``: a constant); with
    ``known``, also the head: ``(dict, length, known)`` when the list starts with a
    known argument's terms, whose merged dict comes along."""
    out: list = []
    head = None
    stack = [(1, e)]
    while stack:
        c, x = stack.pop()
        if type(c) is int and (c == 1 or c == -1):
            k = _known(known, x, "terms")
            if k is not None:
                if c == 1 and not out:
                    out, acc = _take(known, k, k.terms, k.acc)  # type: ignore[arg-type]
                    head = (acc, len(out), k)
                else:  # negating is exact, so these are the walk's own numbers
                    out.extend(k.terms if c == 1 else [(-v, t) for v, t in k.terms])
                continue
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
    return out, head


def _factors(e: Expr, known: dict | None = None) -> tuple[Any, list, Any]:
    """``e`` as ``coefficient * prod(base ** exponent)``, and the head as in
    :func:`_terms` (``(dict, length, known)``)."""
    coef: Any = 1
    out: list = []
    head = None
    stack = [(e, 1)]
    while stack:
        x, p = stack.pop()
        if type(p) is int and p == 1:
            k = _known(known, x, "factors")
            if k is not None:
                coef = coef * k.coef  # the one constant (or negation) reading k.expr meets
                if not out:
                    out, merged = _take(known, k, k.factors, k.merged)  # type: ignore
                    head = (merged, len(out), k)
                else:
                    out.extend(k.factors)
                continue
        if x.op == "mul":
            stack += [(x.args[1], p), (x.args[0], p)]
        elif x.op == "div":
            stack += [(x.args[1], -p), (x.args[0], p)]
        elif x.op == "neg":
            if p % 2:  # p is an integer here: (-a)**2 is a**2
                coef = -coef
            stack.append((x.args[0], p))
        elif x.op == "const":
            v = x.value
            coef = coef * (exact_pow(v, p) if type(v) is not float and type(p) is int
                           else v ** p)
        elif x.op == "pow" and x.args[0].op == "const" and x.args[1].op == "const" and \
                type(x.args[0].value) in (int, Fraction) and x.args[0].value > 0 and \
                type(x.args[1].value) is Fraction:
            # c**(m/n) for a positive rational c: the constant is the base, so that
            # 2**(1/2) * 2**(1/2) meets as 2**1 and folds
            out.append((x.args[0], p * x.args[1].value))
        elif x.op == "pow" and x.args[1].op == "const" and (
                type(x.args[1].value) is int or x.args[0].op not in _NOT_ATOMS
                and not (x.args[0].op == "pow" and x.args[0].args[1].op == "const")):
            # (a*b)**q = a**q * b**q and (a**r)**q = a**(r*q) hold for integer q only
            stack.append((x.args[0], p * x.args[1].value))
        else:
            out.append((x, p))
    return coef, out, head


def _finite(v: Any) -> bool:
    return not isinstance(v, float) or math.isfinite(v)


def _int(c: Any) -> Any:
    """A coefficient as a constant holds it (``2.0`` and ``Fraction(2)``: ``2``)."""
    t = type(c)
    if t is int:
        return c
    if t is Fraction:
        return c.numerator if c.denominator == 1 else c
    return int(c) if isinstance(c, float) and c.is_integer() else c


def _sum(terms: list, e: Expr | None = None) -> Expr:
    """The left-leaning chain of the terms (``e``: a chain to extend)."""
    for c, t in terms:
        if c == 0:
            continue
        if t is None:
            part, neg = const(abs(c)), c < 0
        else:
            part = t if abs(c) == 1 else apply("mul", const(abs(c)), t)
            neg = c < 0
        if e is None:  # a first term -2*x keeps its sign in the coefficient
            e = part if not neg else apply("neg", t) if t is not None and abs(c) == 1 \
                else const(c) if t is None else apply("mul", const(c), t)
        else:
            e = apply("sub" if neg else "add", e, part)
    return e if e is not None else const(0)


def _power(base: Expr, p: Any) -> Expr:
    return base if abs(p) == 1 else apply("pow", base, abs(p))


def _walked(p: Any) -> Any:
    """The exponent reading ``base ** abs(p)`` back gives (constants are normalised)."""
    if abs(p) == 1:
        return 1 if p > 0 else -1
    v = const(abs(p)).value
    return v if p > 0 else -v


def _product(coef: Any, factors: list) -> tuple[Expr, _Known | None]:
    """``coef * prod(base ** p)``, numerator first, and what reading it back gives."""
    num = [(b, p) for b, p in factors if p > 0]
    den = [(b, p) for b, p in factors if p < 0]
    top, q = coef, 1
    if den and type(coef) is Fraction:  # x/(2*y), not x/2/y
        top, q = coef.numerator, coef.denominator
    e = const(top) if not num or top != 1 else None
    for b, p in num:
        f = _power(b, p)
        e = f if e is None else apply("mul", e, f)
    for b, p in den:
        d = _power(b, p)
        if q != 1:
            d, q = apply("mul", const(q), d), 1
        e = apply("div", e if e is not None else const(1), d)
    if e is None:
        return const(coef), None
    if coef == 0 or not (num or den):
        return e, None  # folded to a constant: nothing to read back
    k = _Known(e)
    k.factors = [(b, _walked(p)) for b, p in num + den]
    k.merged = {b: 0 + p for b, p in k.factors}
    k.coef = const(coef).value
    k.chain = bool(num) and not den
    return e, k


def _collect_factors(e: Expr, known: dict) -> tuple[Expr, _Known | None]:
    try:
        coef, factors, head = _factors(e, known)
    except (ZeroDivisionError, OverflowError):  # 0 ** -1, 1e200 ** 2: leave it be
        return e, None
    if not factors or not _finite(coef):
        return e, None
    merged, start, k = head if head is not None else ({}, 0, None)
    new: dict = {}
    touched = False  # whether a factor of the head changed
    for base, p in factors[start:]:
        if base in merged:
            merged[base] += p
            touched = True
        else:
            new[base] = new.get(base, 0) + p
    if not all(_finite(p) for p in new.values()) or touched and not all(
            _finite(p) for p in merged.values()):
        return e, None
    for d in (merged, new):  # rational powers of constants that are rational: folded
        for base in [b for b, p in d.items() if b.op == "const" and p != 0]:
            v = _exact_power(base.value, d[base]) if type(base.value) is not float else None
            if v is not None:
                coef = coef * v
                d[base] = 0
                touched = touched or d is merged
    if (k is not None and not touched and k.chain and type(coef) is type(k.coef)
            and coef == k.coef and all(p >= 0 for p in new.values())):
        # only new factors, all in the numerator: extend the head's own chain
        out = k.expr
        del factors[start:]
        for base, p in new.items():
            if p != 0:
                out = apply("mul", out, _power(base, p))
                factors.append((base, _walked(p)))
                merged[base] = 0 + _walked(p)
        r = _Known(out)
        r.factors, r.merged, r.coef, r.chain = factors, merged, k.coef, True
        return out, r
    return _product(coef, [*merged.items(), *new.items()])


class _Canon:
    """Products as terms of sums, up to the order of their factors: ``-2*sin(x)*cos(x)``
    and ``2*-cos(x)*sin(x)`` are both ``-2`` times the one representative
    ``sin(x)*cos(x)`` (the first met), so that like terms are found and merged."""

    def __init__(self) -> None:
        self.memo: dict = {}  # term -> (coefficient, representative)
        self.reps: dict = {}  # frozenset of (base, exponent) -> representative

    def __call__(self, t: Expr) -> tuple[Any, Expr]:
        r = self.memo.get(t)
        if r is not None:
            return r
        try:
            coef, factors, _ = _factors(t)
        except (ZeroDivisionError, OverflowError):
            coef, factors = 1, [(t, 1)]
        merged: dict = {}
        for b, p in factors:
            merged[b] = merged.get(b, 0) + p
        if not _finite(coef) or coef == 0 or not all(_finite(p) for p in merged.values()):
            r = (1, t)
        else:
            key = frozenset((b, _int(p)) for b, p in merged.items() if p != 0)
            rep = self.reps.get(key)
            if rep is None:
                rep = t if coef == 1 else _product(1, list(merged.items()))[0]
                self.reps[key] = rep
            r = (_int(coef), rep)
        self.memo[t] = r
        return r


def _canonical(terms: list, start: int, known: dict) -> None:
    """The terms from ``start`` on, products replaced by their representatives."""
    canon = known.get(None)
    if canon is None:
        canon = known[None] = _Canon()
    for i in range(start, len(terms)):
        c, t = terms[i]
        if t is not None and t.op in ("mul", "div", "pow"):
            v, rep = canon(t)
            if rep is not t or v != 1:
                terms[i] = (c * v, rep)


def _collect_terms(e: Expr, known: dict) -> tuple[Expr, _Known | None]:
    try:
        terms, head = _terms(e, known)
        if len(terms) == 1 and head is None:  # nothing to merge with: read as it is,
            c, t = terms[0]                    # and again by a sum using it
            if not _finite(c):
                return e, None
            out = _sum([(_int(c), t)])
            return (e if out == e else out), None
        _canonical(terms, head[1] if head is not None else 0, known)
        acc, start, k = head if head is not None else ({}, 0, None)
        new: dict = {}
        touched = False  # whether a term of the head changed
        for c, t in terms[start:]:
            if t in acc:
                acc[t] += c
                touched = True
            elif t in new:
                new[t] += c
            else:
                new[t] = c
    except OverflowError:  # an integer coefficient too large to add to a float one
        return e, None
    if not all(_finite(v) for v in new.values()) or touched and not all(
            _finite(v) for v in acc.values()):
        return e, None
    if k is not None and not touched:
        # only new terms: extend the head's own chain by them
        out = k.expr
        del terms[start:]
        for t, v in new.items():
            c = _int(v)
            if c != 0:
                out = _sum([(c, t)], out)
                terms.append((c, t))
                acc[t] = c
        r = _Known(out)
        r.terms, r.acc = terms, acc
        return out, r
    items = [*acc.items(), *new.items()]
    out = _sum([(_int(v), t) for t, v in items])
    if all(v == 0 for _, v in items):
        return out, None  # 0: nothing to read back
    r = _Known(out)
    r.terms = [(_int(v), t) for t, v in items if v != 0]
    r.acc = {t: c for c, t in r.terms}  # what merging the terms read back starts from
    return out, r


def _collect(e: Expr, known: dict) -> tuple[Expr, _Known | None]:
    """Like factors combined (``x*x -> x**2``), then like terms (``x + x -> 2*x``)."""
    kf = None
    if e.op in ("mul", "div", "neg", "pow"):
        e, kf = _collect_factors(e, known)
    if e.op not in ("add", "sub", "neg", "mul"):
        return e, kf
    out, kt = _collect_terms(e, known)
    if kf is not None and out is not e and out == e:
        out = e  # the same product again (x*y read as 1*(x*y)): keep what is known of it
        if kt is not None:
            kt.expr = e
    if kf is None or out is not e:
        return out, kt
    k = kt if kt is not None else _Known(out)
    k.factors, k.merged, k.coef, k.chain = kf.factors, kf.merged, kf.coef, kf.chain
    return out, k


def op_count(e: Any) -> int:
    """The operations in ``e`` written out as a tree, counted as SymPy's ``count_ops``
    counts them: each ``+ - * / **``, negation and function is one, a rational constant
    is a division and a negative constant a negation, and ``c*t`` with ``c = p/q`` counts
    as it prints (``t/q`` is one division, ``3*t/4`` a product and a division).

    >>> from weifen import sym
    >>> x = sym.Symbol("x")
    >>> op_count(x / 2 - sym.sin(x) ** 2), op_count(sym.simplify(x / 2 - sym.sin(x) ** 2))
    (4, 4)
    """
    e = as_expr(e)
    n: dict = {}
    for node in e.nodes():
        n[node] = _own_ops(node) + sum(n[a] for a in node.args)
    return n[e]


def _own_ops(node: Expr) -> int:
    if node.op == "symbol":
        return 0
    if node.op == "const":
        v = node.value
        return (type(v) is Fraction) + (not isinstance(v, complex) and v < 0)
    c = node.args[0] if node.op == "mul" else None
    if c is not None and c.op == "const" and type(c.value) is Fraction:
        # p*t/q prints as (-)(p*)t/q: the constant counts the division and the sign,
        # the product only where p is not 1
        return int(abs(c.value.numerator) != 1)
    return 1


def _pull_common(terms: list) -> Expr | None:
    """The sum of ``terms`` ((sign, term) pairs) with the factors common to every term
    and the integers' common divisor taken out, (``exp(x)*sin(x) + exp(x)*cos(x)`` ->
    ``exp(x)*(sin(x) + cos(x))``, ``1/(1 + x) - x/(1 + x)**2`` -> ``1/(1 + x)**2``),
    or ``None`` where nothing is common."""
    read = []
    for sign, t in terms:
        r = _read(t)
        if r is None:
            return None
        read.append((sign * r[0], r[1]))
    common = []
    first = read[0][1]
    for b in first:
        ps = [m.get(b) for _, m in read]
        if any(type(q) is not int or q == 0 for q in ps):
            continue
        if all(q > 0 for q in ps) or all(q < 0 for q in ps):
            common.append((b, min(ps)))
    coefs = [c for c, _ in read]
    g: Any = 1
    if all(type(c) is int for c in coefs):
        g = math.gcd(*coefs) or 1
        if all(c < 0 for c in coefs):
            g = -g
    if not common and g == 1:
        return None
    rest = []
    for c, m in read:
        for b, p in common:
            m[b] -= p
        rest.append(_product(_int(c / g if type(c) is float else Fraction(c) / g),
                             [(b, p) for b, p in m.items() if p != 0])[0])
    inner = rest[0]
    for r in rest[1:]:
        inner = apply("add", inner, r)
    inner = _simplify(inner)
    return _product(g, [*[(b, p) for b, p in common if p > 0], (inner, 1),
                        *[(b, p) for b, p in common if p < 0]])[0]


def _read(t: Expr) -> tuple[Any, dict] | None:
    """``t`` as ``(coefficient, {base: exponent})``, or ``None`` where it cannot be."""
    try:
        coef, factors, _ = _factors(t)
    except (ZeroDivisionError, OverflowError):
        return None
    merged: dict = {}
    for b, p in factors:
        merged[b] = merged.get(b, 0) + p
    if not _finite(coef) or not all(_finite(p) for p in merged.values()):
        return None
    return coef, merged


def _trig_product(t: Expr) -> Expr:
    """``sin(a)**k/cos(a)**k -> tan(a)**k`` and ``2*sin(a)*cos(a) -> sin(2*a)`` in the
    product ``t``, where that makes it shorter (both hold wherever ``t`` is defined)."""
    r = _read(t) if t.op in ("mul", "div", "neg") else None
    if r is None:
        return t
    coef, merged = r
    changed = False
    for b in [b for b in merged if b.op == "sin"]:
        c = apply("cos", b.args[0])
        ps, pc = merged.get(b), merged.get(c)
        if type(ps) is not int or type(pc) is not int:
            continue
        if ps == -pc:
            del merged[b], merged[c]
            tan = apply("tan", b.args[0])
            merged[tan] = merged.get(tan, 0) + ps
            changed = True
        elif ps == pc == 1 and type(coef) is int and coef % 2 == 0:
            del merged[b], merged[c]
            merged[apply("sin", apply("mul", const(2), b.args[0]))] = 1
            coef //= 2
            changed = True
    if not changed:
        return t
    out = _product(coef, [(b, p) for b, p in merged.items() if p != 0])[0]
    return out if op_count(out) < op_count(t) else t


def _trig_terms(terms: list) -> list:
    """``c*cos(a)**2 - c*sin(a)**2 -> c*cos(2*a)`` and ``c*sin(a)**2 + c*cos(a)**2 -> c``
    among the ``(sign, term)`` pairs of a sum."""
    squares: dict = {}  # (function, argument) -> index of a term c*f(a)**2
    for i, (_, t) in enumerate(terms):
        if t.op == "pow" and t.args[0].op in ("sin", "cos") and t.args[1] == 2:
            squares.setdefault((t.args[0].op, t.args[0].args[0]), i)
        elif t.op == "mul" and t.args[0].op == "const" and t.args[1].op == "pow" and \
                t.args[1].args[0].op in ("sin", "cos") and t.args[1].args[1] == 2:
            squares.setdefault((t.args[1].args[0].op, t.args[1].args[0].args[0]), i)
    out = list(terms)
    gone: set = set()
    for (f, a), i in squares.items():
        j = squares.get(("cos", a)) if f == "sin" else None
        if j is None:
            continue
        ci = _read(terms[i][1])
        cj = _read(terms[j][1])
        if ci is None or cj is None:
            continue
        vi, vj = terms[i][0] * ci[0], terms[j][0] * cj[0]
        if vi == vj:  # c*sin**2 + c*cos**2
            out[i], gone = (1, const(vi)), gone | {j}
        elif vi == -vj:  # c*cos**2 - c*sin**2
            cos2 = apply("cos", apply("mul", const(2), a))
            out[i], gone = (1, cos2 if vj == 1 else apply("mul", const(vj), cos2)), gone | {j}
    return [t for k, t in enumerate(out) if k not in gone]


def _polynomial(e: Expr, limit: int = 60) -> bool:
    """Whether ``e`` is a small polynomial (at most ``limit`` distinct nodes, small
    integer powers): worth trying to multiply out."""
    seen: set = set()
    stack = [e]
    while stack:  # first nodes first: a large expression is refused in ``limit`` steps
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if len(seen) > limit or node.op not in ("symbol", "const", "add", "sub", "mul",
                                                "neg", "pow"):
            return False
        stack.extend(node.args)
        if node.op == "const" and type(node.value) is float:
            return False
        if node.op == "pow" and not (node.args[1].op == "const"
                                     and type(node.args[1].value) is int
                                     and 0 <= node.args[1].value <= 8):
            return False
    return True


def _factor_sums(e: Expr) -> Expr:
    """Each sum (through the sums only it uses) with its common factors taken out, where
    that makes it shorter (:func:`op_count`); bottom up, without recursion."""
    order = list(e.nodes())
    uses: Counter = Counter()
    for node in order:
        uses.update(node.args)
    linear = ("add", "sub")
    inner = {a for node in order if node.op in linear
             for a in node.args if a.op in linear and uses[a] == 1}
    out: dict = {}
    for node in order:
        if node in inner:
            continue
        if not node.args:
            out[node] = node
            continue
        if node.op not in linear:
            args = [out[a] for a in node.args]
            same = all(a is b for a, b in zip(args, node.args))
            out[node] = node if same else apply(node.op, *args, **params_of(node))
            continue
        terms, stack = [], [(node, 1)]
        while stack:
            x, sign = stack.pop()
            if x is node or x in inner:
                stack += [(x.args[1], -sign if x.op == "sub" else sign), (x.args[0], sign)]
            else:
                terms.append((sign, out[x]))
        trig = [(sign, _trig_product(t)) for sign, t in terms]
        trig = _trig_terms(trig)
        changed = len(trig) != len(terms) or any(a[1] is not b[1] for a, b in zip(trig, terms))
        terms = trig
        r = _sum(terms)
        if changed:  # merge what the identities made alike
            r = _simplify(r)
        if r == node:
            r = node
        pulled = _pull_common(terms) if len(terms) > 1 else None
        if pulled is not None and op_count(pulled) < op_count(r):
            r = pulled
        if _polynomial(r):  # a small polynomial: multiplied out, where that is shorter
            from weifen.sym.poly import expand

            x = expand(r)
            if op_count(x) < op_count(r):
                r = x
        out[node] = r
    return _trig_product(out[e])


def simplify(e: Any) -> Expr:
    """Constants folded, like terms and like factors combined, bottom up.

    >>> from weifen import sym
    >>> x = sym.Symbol("x")
    >>> sym.simplify(x * x + x - x + 2 * x / x)
    x**2 + 2
    """
    return _factor_sums(_simplify(as_expr(e)))


def _simplify(e: Expr) -> Expr:
    """:func:`simplify` without taking common factors out of sums."""
    order = list(e.nodes())
    left: Counter = Counter()  # uses of each node by nodes not yet simplified
    for node in order:
        left.update(node.args)
    known: dict = {}  # id(result) -> _Known, while some node still reads that result
    out: dict = {}
    for node in order:
        if not node.args:
            out[node] = node
            continue
        args = [out[a] for a in node.args]
        for x in args:
            k = known.get(id(x))
            if k is not None and k.expr is x:
                k.owners -= 1  # before reading, so the last reader may take k over
        rebuilt = apply(node.op, *args, **params_of(node))
        r, k = _collect(rebuilt, known) if rebuilt.args else (rebuilt, None)
        for x in args:
            old = known.get(id(x))
            if old is not None and old.expr is x and old.owners <= 0:
                del known[id(x)]
        for a in node.args:
            left[a] -= 1
            if left[a] == 0:
                out.pop(a, None)
        out[node] = r
        if k is not None and left[node]:
            prev = known.get(id(r))
            if prev is not None and prev.expr is r:
                k.owners = prev.owners
            k.owners += left[node]
            known[id(r)] = k
    return out[e]
