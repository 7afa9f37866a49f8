"""``expand``: expressions multiplied out into polynomials in canonical form.

The work is done on polynomials as dicts ``{monomial: coefficient}``, one per node of
the expression, bottom up; Exprs are only built for the result and for the arguments of
non-polynomial nodes (``sin(x + 1)``), which become opaque *atoms*. Three things keep the
cost near the size of the polynomials involved rather than depth times size:

* a monomial is a sorted tuple of ``(atom number, power)`` pairs: cheap to hash, and
  multiplying by one atom is a binary search and a splice. Atoms are ordered by their
  printed form only when the canonical order of a result is wanted, and then by
  comparing printed prefixes, which rarely needs the whole string;
* a polynomial carries a lazy monomial factor ``shift``: multiplying by ``x`` (Horner's
  ``e*x + 1``) changes the shift, not every key;
* a polynomial used by one node only is updated in place, and sums walk the smaller
  operand in Python (the larger is copied by ``dict`` in C).

Dicts keep the order in which monomials first appear, exactly as the plain pairwise
definitions do, so float coefficients are summed in the same order too.
"""
from __future__ import annotations

import math
from bisect import bisect_left
from fractions import Fraction
from collections import Counter
from typing import Any

from weifen.errors import WeifenValueError
from weifen.sym.collect import _int
from weifen.sym.expr import Expr, apply, as_expr, const, exact_pow, params_of
from weifen.sym.printing import prefix, to_str

_PREFIX = 40  # printed characters compared before whole strings are


class _Key:
    """An atom's place in the canonical order: its printed form, compared lazily."""

    __slots__ = ("atom", "head", "full")

    def __init__(self, atom: Expr) -> None:
        self.atom = atom
        self.head: str | None = None
        self.full: str | None = None

    def _cmp(self, other: "_Key") -> int:
        if self.head is None:
            self.head = prefix(self.atom, _PREFIX)
        if other.head is None:
            other.head = prefix(other.atom, _PREFIX)
        a, b = self.head[:_PREFIX], other.head[:_PREFIX]
        if a != b or (len(self.head) < _PREFIX and len(other.head) < _PREFIX):
            # the prefixes differ, or both are the whole string
            return (a > b) - (a < b)
        if self.full is None:
            self.full = to_str(self.atom)
        if other.full is None:
            other.full = to_str(other.atom)
        return (self.full > other.full) - (self.full < other.full)

    def __lt__(self, other: "_Key") -> bool:
        return self._cmp(other) < 0

    def __eq__(self, other: Any) -> bool:
        return self is other or (isinstance(other, _Key) and self._cmp(other) == 0)

    __hash__ = None  # type: ignore[assignment]


def _mmul(a: tuple, b: tuple) -> tuple:
    """The product of two monomials (sorted tuples of ``(atom, power)``, no zero powers)."""
    if not a:
        return b
    if not b:
        return a
    if len(b) > len(a):
        a, b = b, a
    if len(b) == 1:  # one atom into a sorted monomial: slices are copied in C
        i, q = b[0]
        k = bisect_left(a, (i,))
        if k < len(a) and a[k][0] == i:
            p = a[k][1] + q
            return a[:k] + ((i, p),) + a[k + 1:] if p else a[:k] + a[k + 1:]
        return a[:k] + b + a[k:]
    d = dict(a)
    for i, q in b:
        d[i] = d.get(i, 0) + q
    return tuple(sorted((i, p) for i, p in d.items() if p))


def _divide(v: Any, c: Any) -> Any:
    """``v / c``, exactly where both are exact (``ZeroDivisionError`` for ``c == 0``)."""
    if type(v) is float or type(c) is float:
        return v / c
    return _int(Fraction(v) / c)


def _minv(a: tuple) -> tuple:
    return tuple((i, -p) for i, p in a)


class _Poly:
    """``shift * sum(c * m for m, c in terms.items())``, no coefficient zero."""

    __slots__ = ("terms", "shift")

    def __init__(self, terms: dict, shift: tuple = ()) -> None:
        self.terms = terms
        self.shift = shift

    def items(self) -> list:
        """``(monomial, coefficient)`` with the shift multiplied in."""
        s = self.shift
        return [(_mmul(s, m), c) for m, c in self.terms.items()] if s else \
            list(self.terms.items())


def _keep(p: _Poly, own: bool) -> dict:
    """``p``'s dict to build on: itself where the caller is its last user, else a copy."""
    return p.terms if own else dict(p.terms)


def _add(a: _Poly, b: _Poly, s: int, own_a: bool) -> _Poly:
    """``a + s*b``. Monomials keep the order of ``a`` followed by the new ones of ``b``,
    and sums are ``coefficient of a + s * coefficient of b``, as pairwise addition."""
    if len(a.terms) >= len(b.terms):
        r = _keep(a, own_a)
        rel = _mmul(b.shift, _minv(a.shift)) if b.shift != a.shift else ()
        for m, c in b.terms.items():
            if rel:
                m = _mmul(rel, m)
            v = r.get(m, 0) + s * c
            if v != 0:
                r[m] = v
            else:
                r.pop(m, None)
        return _Poly(r, a.shift)
    # the larger b is copied in C, in order after a's monomials; only a is walked here
    rel = _mmul(a.shift, _minv(b.shift)) if a.shift != b.shift else ()
    r = {_mmul(rel, m) if rel else m: c for m, c in a.terms.items()}
    bt = b.terms if s == 1 else {m: -c for m, c in b.terms.items()}
    both = {m: c + bt[m] for m, c in r.items() if m in bt}
    r.update(bt)
    r.update(both)
    for m, v in both.items():
        if v == 0:
            del r[m]
    return _Poly(r, b.shift)


def _scaled(p: _Poly, own: bool, m: tuple, c: Any, left: bool) -> _Poly:
    """``p`` times the single term ``c*m`` (``left``: ``c`` is the left factor)."""
    shift = _mmul(p.shift, m)
    if type(c) is int and c == 1:
        return _Poly(_keep(p, own), shift)
    r = {}
    for k, v in p.terms.items():
        w = c * v if left else v * c
        if w != 0:
            r[k] = w
    return _Poly(r, shift)


def _univariate(p: _Poly) -> tuple[int, int, list] | None:
    """``(atom, lowest degree, dense coefficients)`` when ``p`` (its shift multiplied in)
    is integers times powers of one atom, else ``None``."""
    atom = -1
    sh = 0
    if p.shift:
        if len(p.shift) != 1:
            return None
        atom, sh = p.shift[0]
    degs = {}
    for m, c in p.terms.items():
        if type(c) is not int:
            return None
        if not m:
            degs[0] = c
            continue
        if len(m) != 1:
            return None
        k, d = m[0]
        if atom >= 0 and k != atom:
            return None
        atom = k
        degs[d] = c
    if not degs:
        return None
    lo, hi = min(degs), max(degs)
    dense = [0] * (hi - lo + 1)
    for d, c in degs.items():
        dense[d - lo] = c
    return atom, lo + sh, dense


def _pack(cs: list, width: int) -> int:
    """The integer ``sum(c_i * 2**(8*width*i))`` of signed ``cs``, built from bytes."""
    zero = bytes(width)
    pos = b"".join(c.to_bytes(width, "little") if c > 0 else zero for c in cs)
    neg = b"".join((-c).to_bytes(width, "little") if c < 0 else zero for c in cs)
    return int.from_bytes(pos, "little") - int.from_bytes(neg, "little")


_DECIMAL_BITS = 400_000  # past this packed size, decimal's number-theoretic transform wins


def _kronecker_decimal(ca: list, cb: list, bound: int, lo: int, atom: int) -> dict:
    """:func:`_kronecker`'s product in base ten: the coefficients are packed as decimal
    digits into ``decimal.Decimal``s, whose multiplication (libmpdec) uses a
    number-theoretic transform, many times faster than CPython's Karatsuba at millions
    of digits; the packing and reading back are linear string work. Exact throughout
    (the context's precision is the maximum, so nothing rounds)."""
    import decimal
    import sys

    ctx = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX,
                          Emin=decimal.MIN_EMIN)
    limit = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else None
    if limit is not None:
        sys.set_int_max_str_digits(0)
    try:
        width = len(str(bound)) + 1  # |coefficient| < 10**(width-1) < half = 5*10**(width-1)
        zero = "0" * width

        def pack(cs: list) -> decimal.Decimal:
            pos = "".join(str(c).zfill(width) if c > 0 else zero for c in reversed(cs))
            neg = "".join(str(-c).zfill(width) if c < 0 else zero for c in reversed(cs))
            return ctx.subtract(decimal.Decimal(pos), decimal.Decimal(neg))

        n = len(ca) + len(cb) - 1
        pa = pack(ca)
        prod = ctx.multiply(pa, pack(cb) if cb is not ca else pa)
        offset = decimal.Decimal(("5" + "0" * (width - 1)) * n)
        digits = str(ctx.add(prod, offset)).zfill(width * n)
        half = 5 * 10 ** (width - 1)
        terms = {}
        end = len(digits)
        for i in range(n):
            c = int(digits[end - (i + 1) * width:end - i * width]) - half
            if c:
                d = lo + i
                terms[((atom, d),) if d else ()] = c
        return terms
    finally:
        if limit is not None:
            sys.set_int_max_str_digits(limit)


def _kronecker(a: _Poly, b: _Poly) -> _Poly | None:
    """``a * b`` for two integer polynomials in one atom by Kronecker substitution: each
    becomes one big integer (a coefficient every ``w`` bits), CPython multiplies the two
    (Karatsuba), and the product's coefficients are read back from its bytes: one big
    multiplication instead of ``len(a) * len(b)`` small ones. ``None`` when not such."""
    ua = _univariate(a)
    ub = _univariate(b) if ua is not None else None
    if ub is None or (ua[0] != ub[0] and ua[0] >= 0 and ub[0] >= 0):
        return None
    atom = max(ua[0], ub[0])
    ca, cb = ua[2], ub[2]
    bound = max(map(abs, ca)) * max(map(abs, cb)) * min(len(ca), len(cb))
    if bound.bit_length() * (len(ca) + len(cb)) > _DECIMAL_BITS:
        terms = _kronecker_decimal(ca, cb, bound, ua[1] + ub[1], atom)
        return _Poly(terms)
    width = (bound.bit_length() + 2 + 7) // 8  # bytes per slot; |coefficient| < 2**(w-1)
    n = len(ca) + len(cb) - 1
    prod = _pack(ca, width) * (_pack(cb, width) if cb is not ca else _pack(ca, width))
    half = 1 << (8 * width - 1)
    offset = int.from_bytes((bytes(width - 1) + b"\x80") * n, "little")
    raw = (prod + offset).to_bytes(width * n, "little")
    lo = ua[1] + ub[1]
    terms = {}
    for i in range(n):
        c = int.from_bytes(raw[i * width:(i + 1) * width], "little") - half
        if c:
            d = lo + i
            terms[((atom, d),) if d else ()] = c
    return _Poly(terms)


def _mul(a: _Poly, b: _Poly, own_a: bool, own_b: bool) -> _Poly:
    if len(a.terms) * len(b.terms) >= 256:
        r = _kronecker(a, b)
        if r is not None:
            return r
    if len(b.terms) == 1:
        (m, c), = b.terms.items()
        return _scaled(a, own_a, _mmul(b.shift, m), c, False)
    if len(a.terms) == 1:
        (m, c), = a.terms.items()
        return _scaled(b, own_b, _mmul(a.shift, m), c, True)
    r: dict = {}
    for ma, ca in a.terms.items():
        for mb, cb in b.terms.items():
            m = _mmul(ma, mb)
            r[m] = r.get(m, 0) + ca * cb
    return _Poly({m: c for m, c in r.items() if c != 0}, _mmul(a.shift, b.shift))


class _Expander:
    def __init__(self) -> None:
        self.number: dict = {}  # atom -> its number in monomials
        self.keys: list = []    # number -> _Key

    def atom(self, a: Expr) -> _Poly:
        if a.op == "const":  # e.g. sin(x - x) rebuilt as sin(0) = 0
            return _Poly({(): a.value} if a.value != 0 else {})
        k = self.number.get(a)
        if k is None:
            k = self.number[a] = len(self.keys)
            self.keys.append(_Key(a))
        return _Poly({((k, 1),): 1})

    def node(self, node: Expr, args: list, own: list) -> _Poly:
        op = node.op
        if op == "const":
            return _Poly({(): node.value} if node.value != 0 else {})
        if op == "symbol":
            return self.atom(node)
        if op == "add" or op == "sub":
            return _add(args[0], args[1], 1 if op == "add" else -1, own[0])
        if op == "neg":
            return _Poly({m: -c for m, c in args[0].terms.items()}, args[0].shift)
        if op == "mul":
            return _mul(args[0], args[1], own[0], own[1])
        if op == "pow" and node.args[1].op == "const":
            p = node.args[1].value
            base = args[0]
            if isinstance(p, int) and p >= 0 and len(base.terms) == 1 and \
                    type(next(iter(base.terms.values()))) is int:  # an integer monomial
                (m, c), = base.terms.items()
                m = _mmul(base.shift, m)
                return _Poly({tuple((i, q * p) for i, q in m) if p else (): exact_pow(c, p)})
            if isinstance(p, int) and 0 <= p <= 64:
                r = _Poly({(): 1})
                for _ in range(p):
                    r = _mul(r, args[0], True, False)
                return r
        if op == "div" and len(args[1].terms) == 1:
            (m, c), = args[1].terms.items()
            if not _mmul(args[1].shift, m):  # division by a constant
                return _Poly({k: w for k, v in args[0].terms.items()
                              if (w := _divide(v, c)) != 0}, args[0].shift)
        return self.atom(apply(op, *[self.expr(a) for a in args], **params_of(node)))

    def expr(self, p: _Poly) -> Expr:
        """The polynomial ``p`` as an expression: monomials by descending degree, then by
        their atoms' printed forms and powers."""
        keys = self.keys
        items = p.items()
        for _, c in items:
            if type(c) is float and not math.isfinite(c):
                raise WeifenValueError(f"expand: a coefficient is not finite ({c}): the "
                                       "constants multiply out past the float range")
        if len({m[0][0] for m, _ in items if m}) <= 1 and all(len(m) <= 1 for m, _ in items):
            # one atom: by descending power, the order the general key gives
            terms = sorted(((None, m, c) for m, c in items),
                           key=lambda t: -t[1][0][1] if t[1] else 0)
        else:
            terms = []
            for m, c in items:
                m = sorted(m, key=lambda ip: keys[ip[0]]) if len(m) > 1 else m
                terms.append(((-sum(pw for _, pw in m), [(keys[i], -pw) for i, pw in m]),
                              m, c))
            if len(terms) > 1:
                terms.sort(key=lambda t: t[0])
        # Built node by node without apply: none of its folds or identities can apply
        # to these nodes (atoms are never constants or negations, powers are never 0 or
        # 1, one term at most is a constant, no coefficient is 0), so the result is the
        # one apply and _sum would build, at a fraction of the cost.
        consts: dict = {}

        def number(v: Any) -> Expr:
            k = consts.get((type(v), v))
            if k is None:
                k = consts[(type(v), v)] = const(v)
            return k

        e = None
        for _, m, c in terms:
            t = None
            for i, pw in m:
                atom = keys[i].atom
                f = atom if pw == 1 else Expr("pow", (atom, number(pw)))
                t = f if t is None else Expr("mul", (t, f))
            c = _int(c)  # as const(c) holds it: no float here holds an integer
            neg = c < 0
            a = -c if neg else c
            if t is None:
                part = Expr("const", (), a)
            else:
                part = t if a == 1 else Expr("mul", (Expr("const", (), a), t))
            if e is None:
                e = part if not neg else Expr("neg", (t,)) if t is not None and a == 1 \
                    else Expr("const", (), c) if t is None else \
                    Expr("mul", (Expr("const", (), c), t))
            else:
                e = Expr("sub" if neg else "add", (e, part))
        return e if e is not None else const(0)


def expand(e: Any) -> Expr:
    """Products distributed over sums and integer powers of sums multiplied out; the
    result is a sum of monomials in a canonical order (polynomials in canonical form).

    >>> from weifen import sym
    >>> x, y = sym.symbols("x y")
    >>> sym.expand((x + y) ** 2 - y * (y - 1))
    x**2 + 2*x*y + y
    """
    ex, p = _expand_poly(e)
    return ex.expr(p)


def _flatten(root: Expr, uses: Counter) -> tuple[list, int, list]:
    """The product ``root`` read through the products and negations only it uses:
    ``(factor nodes, sign, the nodes read through)``."""
    leaves: list = []
    inside: list = []
    sign = 1
    stack = [root]
    while stack:
        n = stack.pop()
        if n is root or (n.op in ("mul", "neg") and uses[n] == 1):
            if n is not root:
                inside.append(n)
            if n.op == "neg":
                sign = -sign
                stack.append(n.args[0])
            else:
                stack.extend(n.args)
        else:
            leaves.append(n)
    return leaves, sign, inside


def _plan(order: list, uses: Counter) -> tuple[dict, set]:
    """Sums of two products that share factors, ``a*b + a*c``, to be multiplied out as
    ``a*(b + c)``: one product of the shared factor's polynomial instead of two (the
    derivative of a product of sums meets this at every step). Returns ``{sum node:
    (shared, (factors, sign), (factors, sign), nodes read through, a, b)}`` and the nodes
    whose polynomials are then not needed."""
    plans: dict = {}
    deferred: set = set()
    pos: dict | None = None
    for node in order:
        if node.op not in ("add", "sub"):
            continue
        a, b = node.args
        if a == b or any(x.op not in ("mul", "neg") or uses[x] != 1 for x in (a, b)):
            continue
        la, sa, ia = _flatten(a, uses)
        lb, sb, ib = _flatten(b, uses)
        shared = Counter(x for x in la if x.op != "const") & Counter(lb)
        if not shared:
            continue
        ra, rb = Counter(la) - shared, Counter(lb) - shared
        inside = set(ia) | set(ib) | {a, b}
        if pos is None:
            pos = {n: k for k, n in enumerate(order)}
        plans[node] = (list(shared.elements()), (list(ra.elements()), sa),
                       (list(rb.elements()), sb), sorted(inside, key=pos.__getitem__), a, b)
        deferred |= inside
    return plans, deferred


def _distributed(ex: _Expander, op: str, plan: tuple, polys: dict) -> _Poly:
    """The polynomial of a planned sum (see :func:`_plan`): ``shared * (rest_a +- rest_b)``
    with integer and rational coefficients, which that leaves exact; with float ones,
    the products and the sum as written, so that rounding is that of the plain order."""
    shared, (ra, sa), (rb, sb), inside, a, b = plan
    s = 1 if op == "add" else -1
    if any(type(c) is float for x in {*shared, *ra, *rb} for c in polys[x].terms.values()):
        done: dict = {}
        for n in inside:  # the nodes as written, in order
            done[n] = ex.node(n, [done[x] if x in done else polys[x] for x in n.args],
                              [False] * len(n.args))
        return _add(done[a], done[b], s, False)

    def product(xs: list, sign: int) -> _Poly:
        r = _Poly({(): sign})
        for x in xs:
            r = _mul(r, polys[x], True, False)
        return r

    rest = _add(product(ra, sa), product(rb, sb), s, True)
    if len(shared) == 1:
        return _mul(polys[shared[0]], rest, False, True)
    return _mul(product(shared, 1), rest, True, True)


def _expand_poly(e: Any) -> tuple[_Expander, _Poly]:
    """``e`` multiplied out: its expander (the atoms) and its polynomial."""
    e = as_expr(e)
    order = list(e.nodes())
    left: Counter = Counter()  # uses of each node not yet processed
    for node in order:
        left.update(node.args)
    ex = _Expander()
    polys: dict = {}
    plans, deferred = _plan(order, left)
    try:
        for node in order:
            if node in deferred:
                continue
            plan = plans.get(node)
            if plan is not None:
                polys[node] = _distributed(ex, node.op, plan, polys)
                continue
            args = [polys[a] for a in node.args]
            own = []
            for a in node.args:
                left[a] -= 1
            for k, a in enumerate(node.args):
                # the last user may reuse a polynomial's dict, unless it reads it twice
                own.append(left[a] == 0 and args.count(args[k]) == 1)
            polys[node] = ex.node(node, args, own)
            for a in node.args:
                if left[a] == 0:
                    polys.pop(a, None)
        return ex, polys[e]
    except OverflowError:
        raise WeifenValueError("expand: a coefficient does not fit a float (an integer "
                               "coefficient too large to mix with a float one), or an "
                               "exact power would pass 2**20 bits") from None


def coefficients(e: Any, x: Any) -> dict:
    """``{degree: coefficient}`` of ``e`` expanded as a polynomial in the symbol ``x``
    (given as a symbol or a name); ``ValueError`` where ``e`` is not one.

    >>> from weifen import sym
    >>> x = sym.Symbol("x")
    >>> sym.poly.coefficients((x + 1) ** 3 - x ** 3, "x")
    {2: 3, 1: 3, 0: 1}
    """
    name = x.value if isinstance(x, Expr) else x
    ex, p = _expand_poly(e)
    out = {}
    for m, c in sorted(p.items(), key=lambda mc: -sum(pw for _, pw in mc[0])):
        c = _int(c)
        if not m:
            out[0] = c
            continue
        (k, d), = m if len(m) == 1 else ((None, None),)
        atom = ex.keys[k].atom if k is not None else None
        if atom is None or atom.op != "symbol" or atom.value != name or d < 0:
            raise WeifenValueError(f"coefficients: {to_str(e)[:60]} is not a polynomial "
                                   f"in {name}")
        out[d] = c
    return out
