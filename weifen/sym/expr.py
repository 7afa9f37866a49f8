"""Symbolic expressions: immutable trees with structural equality, built by staging.

An :class:`Expr` is a box: weifen ops applied to expressions build expressions, so any
weifen function traces symbolically (``from_function``) and ``diff`` runs the primitives'
own jvp rules on expressions. Construction folds constants and drops the identities
``0 + e``, ``1 * e``, ``0 * e``, ``e ** 1``, nothing more, so derivatives show their real
size (expression swell) until ``simplify`` or ``expand``.

Constants are exact where they can be: integers are Python ``int``s and ratios of
integers ``fractions.Fraction``s (``x/2`` folds ``1/2`` exactly, ``2**-3`` is ``1/8``), and
an operation on exact constants folds only when its value is exact (``sqrt(4)`` is ``2``;
``sqrt(2)`` and ``log(2)`` stay symbolic, as in SymPy). Floats given as floats (``0.5``)
stay floats, and anything mixing a float folds in floating point.

Equality and hashing are structural, as in SymPy: two ``x`` built apart are equal, and a
DAG of shared subexpressions is counted once by ``dag_size``. Nothing here recurses.
"""
from __future__ import annotations

import math
import operator
from fractions import Fraction
from typing import Any, Iterator

import numpy as np

from weifen.core.primitive import REGISTRY, Box, Primitive
from weifen.errors import WeifenTypeError, WeifenValueError

NUMBER = (int, float, Fraction, np.integer, np.floating)
EXACT_BITS = 1 << 20  # an exact power past this many bits stays symbolic (2**(10**9))


class Expr(Box):
    """A symbolic expression: a symbol, a constant, or an op applied to expressions.

    ``op`` is ``"symbol"``, ``"const"`` or a primitive's name; ``value`` is the symbol's
    name, the constant, or the op's parameters (a sorted tuple of items).
    """

    __slots__ = ("op", "args", "value", "_hash", "__weakref__")
    _level = 1e300  # staging: above every transform level (graph nodes sit higher still)

    def __init__(self, op: str, args: tuple = (), value: Any = None) -> None:
        self.op = op
        self.args = args
        self.value = value
        self._hash = hash((op, value, tuple([a._hash for a in args])))

    # ------------------------------------------------------------------ structure
    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: Any) -> bool:  # type: ignore[override]
        if not isinstance(other, Expr):
            if isinstance(other, NUMBER) and self.op == "const":
                return self.value == other
            return False
        # pairs already compared are skipped: two DAGs that share subexpressions would
        # otherwise be walked as trees, exponentially many times
        seen: set = set()
        stack = [(self, other)]
        while stack:
            a, b = stack.pop()
            if a is b:
                continue
            if (a._hash != b._hash or a.op != b.op or a.value != b.value
                    or len(a.args) != len(b.args)):
                return False
            if not a.args and type(a.value) is not type(b.value):
                return False  # 1/2 and 0.5: equal values, different constants
            if a.args:
                pair = (id(a), id(b))
                if pair not in seen:
                    seen.add(pair)
                    stack.extend(zip(a.args, b.args))
        return True

    def __ne__(self, other: Any) -> bool:  # type: ignore[override]
        return not self == other

    def nodes(self) -> Iterator["Expr"]:
        """Every distinct subexpression once, arguments before the expressions using them."""
        seen: set = set()
        stack: list = [(self, False)]
        while stack:
            e, expanded = stack.pop()
            if expanded:
                if e not in seen:
                    seen.add(e)
                    yield e
                continue
            if e in seen:
                continue
            stack.append((e, True))
            stack.extend((a, False) for a in reversed(e.args) if a not in seen)

    def tree_size(self) -> int:
        """The number of nodes written out as a tree (shared subexpressions counted each
        time they occur): what printing the expression costs."""
        size: dict = {}
        for e in self.nodes():
            size[e] = 1 + sum(size[a] for a in e.args)
        return size[self]

    def dag_size(self) -> int:
        """The number of distinct subexpressions (the expression as a shared DAG)."""
        return sum(1 for _ in self.nodes())

    def free_symbols(self) -> set:
        return {e for e in self.nodes() if e.op == "symbol"}

    # ------------------------------------------------------------------ staging
    def _process(self, prim: Primitive, args: tuple, params: dict) -> "Expr":
        return apply(prim.name, *args, **params)

    def _primal_data(self) -> Any:
        raise WeifenTypeError(f"the symbolic expression {self._preview()} has no numeric "
                              "value; use .subs({...}) or sym.lambdify")

    def __bool__(self) -> bool:
        raise WeifenTypeError(f"the truth value of the expression {self._preview()} is not "
                              "defined")

    # ------------------------------------------------------------------ operators
    def __add__(self, o: Any) -> "Expr":
        return apply("add", self, o)

    def __radd__(self, o: Any) -> "Expr":
        return apply("add", o, self)

    def __sub__(self, o: Any) -> "Expr":
        return apply("sub", self, o)

    def __rsub__(self, o: Any) -> "Expr":
        return apply("sub", o, self)

    def __mul__(self, o: Any) -> "Expr":
        return apply("mul", self, o)

    def __rmul__(self, o: Any) -> "Expr":
        return apply("mul", o, self)

    def __truediv__(self, o: Any) -> "Expr":
        return apply("div", self, o)

    def __rtruediv__(self, o: Any) -> "Expr":
        return apply("div", o, self)

    def __pow__(self, o: Any) -> "Expr":
        return apply("pow", self, o)

    def __rpow__(self, o: Any) -> "Expr":
        return apply("pow", o, self)

    def __neg__(self) -> "Expr":
        return apply("neg", self)

    def __pos__(self) -> "Expr":
        return self

    # ------------------------------------------------------------------ printing & use
    def __str__(self) -> str:
        from weifen.sym.printing import to_str

        return to_str(self)

    def __repr__(self) -> str:
        return str(self)

    def _preview(self, n: int = 60) -> str:
        """The start of ``str(self)``, for messages that must stay short."""
        from weifen.sym.printing import preview

        return preview(self, n)

    def to_latex(self) -> str:
        """The expression in LaTeX (``\\frac{1}{x} + y``)."""
        from weifen.sym.printing import to_latex

        return to_latex(self)

    _repr_latex_ = lambda self: f"${self.to_latex()}$"  # Jupyter shows it typeset

    def subs(self, mapping: dict) -> Any:
        """Replace symbols (given as symbols or names) by numbers or expressions; a
        number comes back when no symbol is left."""
        from weifen.sym.calculus import subs

        return subs(self, mapping)

    def diff(self, x: "Expr", n: int = 1) -> "Expr":
        from weifen.sym.calculus import diff

        return diff(self, x, n)

    def __float__(self) -> float:
        if self.op == "const":
            return float(self.value)
        v = self.subs({})
        if isinstance(v, Expr):
            names = sorted(map(str, self.free_symbols()))
            more = f" and {len(names) - 10} more" if len(names) > 10 else ""
            raise WeifenTypeError(f"{self._preview()} has free symbols {names[:10]}{more}")
        return float(v)


def Symbol(name: str) -> Expr:  # noqa: N802 - SymPy's name
    """The symbol ``name``; symbols with equal names are the same variable.

    >>> from weifen import sym
    >>> sym.Symbol("x") == sym.symbols("x y")[0]
    True
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise WeifenValueError(f"Symbol: a name must be an identifier, got {name!r}")
    return Expr("symbol", (), name)


def symbols(names: str) -> tuple:
    """Symbols from a space- or comma-separated string: ``x, y = sym.symbols("x y")``."""
    parts = [p for p in names.replace(",", " ").split() if p]
    return tuple(Symbol(p) for p in parts)


def const(v: Any) -> Expr:
    """The constant ``v``: an ``int``, a ``Fraction`` (one with denominator 1 is its
    integer) or a ``float`` (one holding an integer below 2**53 is that integer).

    >>> from fractions import Fraction
    >>> from weifen import sym
    >>> sym.const(Fraction(6, 4)), sym.const(Fraction(4, 2)).value, sym.const(2.0).value
    (3/2, 2, 2)
    """
    return Expr("const", (), number(v))


def number(v: Any) -> Any:
    """``v`` as a constant's value (see :func:`const`)."""
    t = type(v)
    if t is int:
        return v
    if t is Fraction:
        return v.numerator if v.denominator == 1 else v
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, (np.integer, np.floating)):
        v = v.item()
    if isinstance(v, float) and v.is_integer() and abs(v) < 2 ** 53:
        return int(v)  # 2.0 and 2 are the same constant
    if isinstance(v, Fraction):
        return v.numerator if v.denominator == 1 else v
    return v


def exact_pow(b: Any, p: int) -> Any:
    """``b ** p`` for an exact ``b`` and an integer ``p``, exactly (a ``Fraction`` for
    ``p < 0``); ``ZeroDivisionError`` for ``0 ** -k``, ``OverflowError`` past
    :data:`EXACT_BITS` bits."""
    if p >= 0 and type(b) is int:
        if b not in (0, 1, -1) and b.bit_length() * p > EXACT_BITS:
            raise OverflowError("exact power too large")
        return b ** p
    f = Fraction(b)
    if max(f.numerator.bit_length(), f.denominator.bit_length()) * abs(p) > EXACT_BITS:
        raise OverflowError("exact power too large")
    return number(f ** p)


def _root(n: int, q: int) -> int | None:
    """The exact ``q``-th root of ``n >= 0``, or ``None``."""
    if n < 2:
        return n
    r = round(n ** (1.0 / q)) if n.bit_length() < 1000 else None
    if r is None:  # beyond float precision: Newton's iteration on integers
        r = 1 << -(-n.bit_length() // q)
        while True:
            s = ((q - 1) * r + n // r ** (q - 1)) // q
            if s >= r:
                break
            r = s
    for c in (r - 1, r, r + 1):
        if c >= 0 and c ** q == n:
            return c
    return None


def _rational_root(v: Any, q: int) -> Any:
    """The exact ``q``-th root of the exact ``v >= 0``, or ``None`` where it is irrational."""
    f = Fraction(v)
    if f < 0 or q > 64:
        return None
    a, b = _root(f.numerator, q), _root(f.denominator, q)
    return None if a is None or b is None else number(Fraction(a, b))


def _exact_power(b: Any, p: Any) -> Any:
    try:
        if type(p) is int:
            return exact_pow(b, p)
        r = _rational_root(b, p.denominator)  # b ** (n/q) = (b ** (1/q)) ** n
        return None if r is None else exact_pow(r, p.numerator)
    except (ZeroDivisionError, OverflowError):
        return None


# ops whose value at an exact constant is exact at these points only (else they stay
# symbolic: sin(1), log(2), exp(1) are not rational)
_SPECIAL = {"exp": {0: 1}, "exp2": {0: 1}, "expm1": {0: 0}, "log": {1: 0}, "log2": {1: 0},
            "log10": {1: 0}, "log1p": {0: 0}, "sin": {0: 0}, "cos": {0: 1}, "tan": {0: 0},
            "sinh": {0: 0}, "cosh": {0: 1}, "tanh": {0: 0}, "arcsin": {0: 0},
            "arccos": {1: 0}, "arctan": {0: 0}, "arcsinh": {0: 0}, "arctanh": {0: 0},
            "arccosh": {1: 0}, "erf": {0: 0}, "sigmoid": {0: Fraction(1, 2)},
            "softplus": {}}
_COMPARE = {"eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le,
            "gt": operator.gt, "ge": operator.ge, "maximum": max, "minimum": min}
_NO = object()  # _fold_exact: not an exact op, fold in floating point


def _fold_exact(op: str, vals: list, params: dict) -> Any:
    """``op`` on exact constants, exactly: the value, ``None`` (stays symbolic) or
    :data:`_NO` (not an op with an exact rule: fold in floating point)."""
    if params:
        return _NO
    if op in _FAST:
        return _FAST[op](*vals)
    if op == "div":
        a, b = vals
        if b == 0:
            return None
        return a // b if type(a) is int and type(b) is int and a % b == 0 else \
            Fraction(a) / b
    if op == "pow":
        return _exact_power(*vals)
    if op in _SPECIAL:
        return _SPECIAL[op].get(vals[0])
    if op == "sqrt":
        return _rational_root(vals[0], 2)
    if op == "cbrt":
        v = vals[0]
        r = _rational_root(abs(v), 3)
        return None if r is None else (r if v >= 0 else -r)
    if op in _COMPARE:
        return _COMPARE[op](*vals)
    if op == "abs":
        return abs(vals[0])
    if op == "where":
        return vals[1] if vals[0] else vals[2]
    if op in ("mod", "floordiv"):
        a, b = vals
        return None if b == 0 else a % b if op == "mod" else a // b
    if op == "relu":
        return max(vals[0], 0)
    if op == "square":
        return vals[0] * vals[0]
    if op == "reciprocal":
        return None if vals[0] == 0 else Fraction(1) / vals[0]
    if op == "sign":
        return (vals[0] > 0) - (vals[0] < 0)
    if op in ("floor", "ceil", "trunc"):
        return {"floor": math.floor, "ceil": math.ceil, "trunc": math.trunc}[op](vals[0])
    return _NO


def as_expr(x: Any) -> Expr:
    if isinstance(x, Expr):
        return x
    if isinstance(x, NUMBER) or isinstance(x, (bool, np.bool_)):
        return const(x)
    a = np.asarray(x) if not isinstance(x, Box) else None
    if a is not None and a.ndim == 0 and a.dtype.kind in "biuf":
        return const(a.item())
    raise WeifenTypeError(f"symbolic expressions take numbers and expressions, got a "
                          f"{type(x).__name__}")


_FAST = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "neg": operator.neg}


def _fold(op: str, vals: list, params: dict) -> Any:
    """``op`` on the constants ``vals``, or ``None`` where folding would lose the value
    (exactly on exact constants, see :func:`_fold_exact`; else in floating point)."""
    if all(type(v) is int or type(v) is Fraction for v in vals):
        r = _fold_exact(op, vals, params)
        if r is not _NO:
            return r
    try:
        fs = [float(v) for v in vals]
    except OverflowError:  # an integer beyond the float range stays exact, symbolic
        return None
    fast = _FAST.get(op)
    if fast is not None and not params:  # the same IEEE result, without NumPy's overhead
        r = fast(*fs)
    else:
        with np.errstate(all="ignore"):
            r = REGISTRY[op].impl(*fs, **params)
        r = np.asarray(r).item()
    if isinstance(r, float) and not math.isfinite(r):
        return None  # keep 1/0, log(0), ... symbolic rather than inf or nan
    return r


def apply(op: str, *args: Any, **params: Any) -> Expr:
    """The expression ``op(args)``, with constants folded and trivial identities dropped."""
    if op not in REGISTRY:
        raise WeifenValueError(f"unknown operation {op!r}")
    return build(op, tuple([a if type(a) is Expr else as_expr(a) for a in args]), params)


def build(op: str, xs: tuple, params: dict) -> Expr:
    """:func:`apply` for a known ``op`` on a tuple of expressions (the parser's fast way
    in: it builds one node per operator)."""
    cs = [x.value if x.op == "const" else None for x in xs]
    if xs and None not in cs:
        r = _fold(op, cs, params)
        if r is not None:
            return const(r)
    if op == "add":
        if cs[0] == 0:
            return xs[1]
        if cs[1] == 0:
            return xs[0]
        if xs[1].op == "neg":  # a + -b -> a - b
            return apply("sub", xs[0], xs[1].args[0])
    elif op == "sub":
        if cs[1] == 0:
            return xs[0]
        if cs[0] == 0:
            return apply("neg", xs[1])
        if xs[1].op == "neg":  # a - -b -> a + b
            return apply("add", xs[0], xs[1].args[0])
    elif op == "mul":
        if cs[0] == 0 or cs[1] == 0:
            return const(0)
        if cs[0] == 1:
            return xs[1]
        if cs[1] == 1:
            return xs[0]
        if cs[0] == -1:
            return apply("neg", xs[1])
        if cs[1] == -1:
            return apply("neg", xs[0])
        # exact coefficients meet: c * (d * r) -> (c d) * r (3*(2*x) is 6*x, as in SymPy)
        for k in (0, 1):
            c, other = cs[k], xs[1 - k]
            if _exact(c) and other.op == "mul":
                for j in (0, 1):
                    d = other.args[j]
                    if d.op == "const" and _exact(d.value):
                        return apply("mul", const(c * d.value), other.args[1 - j])
    elif op == "div":
        if cs[1] == 1:
            return xs[0]
        if cs[0] == 0:
            return const(0)
        if _exact(cs[1]) and cs[1] != 0 and xs[0].op == "mul":  # (c*r)/d -> (c/d)*r exactly
            from fractions import Fraction

            for j in (0, 1):
                c = xs[0].args[j]
                if c.op == "const" and _exact(c.value):
                    q = Fraction(c.value, cs[1])
                    return apply("mul", const(q.numerator if q.denominator == 1 else q),
                                 xs[0].args[1 - j])
    elif op == "pow":
        if cs[1] == 1:
            return xs[0]
        if cs[1] == 0:
            return const(1)
    elif op == "neg":
        if xs[0].op == "neg":
            return xs[0].args[0]
    elif op == "where":  # a known condition picks its branch (rules guard edge values so)
        if cs[0] is not None:
            return xs[1] if cs[0] else xs[2]
    elif op in ("logical_and", "logical_or"):
        for k in (0, 1):
            if cs[k] is not None:
                if bool(cs[k]) == (op == "logical_or"):
                    return const(bool(cs[k]))  # False and _, True or _
                return xs[1 - k]
    value = tuple(sorted((k, _hashable(v)) for k, v in params.items())) if params else None
    return Expr(op, xs, value)


def _exact(c: Any) -> bool:
    """Whether ``c`` is an exact constant (an int or a Fraction, not a bool or float)."""
    from fractions import Fraction

    return type(c) is int or type(c) is Fraction


def _hashable(v: Any) -> Any:
    if isinstance(v, list):
        return tuple(v)
    return v


def params_of(e: Expr) -> dict:
    """An op node's parameters (symbols and constants have none)."""
    return dict(e.value) if e.args and e.value else {}
