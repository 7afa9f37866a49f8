"""Symbolic expressions: immutable trees with structural equality, built by staging.

An :class:`Expr` is a box: weifen ops applied to expressions build expressions, so any
weifen function traces symbolically (``from_function``) and ``diff`` runs the primitives'
own jvp rules on expressions. Construction folds constants and drops the identities
``0 + e``, ``1 * e``, ``0 * e``, ``e ** 1``, nothing more, so derivatives show their real
size (expression swell) until ``simplify`` or ``expand``.

Equality and hashing are structural, as in SymPy: two ``x`` built apart are equal, and a
DAG of shared subexpressions is counted once by ``dag_size``. Nothing here recurses.
"""
from __future__ import annotations

import math
import operator
from typing import Any, Iterator

import numpy as np

from weifen.core.primitive import REGISTRY, Box, Primitive
from weifen.errors import WeifenTypeError, WeifenValueError

NUMBER = (int, float, np.integer, np.floating)


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
    if isinstance(v, (bool, np.bool_)):
        v = int(v)
    if isinstance(v, (np.integer, np.floating)):
        v = v.item()
    if isinstance(v, float) and v.is_integer() and abs(v) < 2 ** 53:
        v = int(v)  # 2.0 and 2 are the same constant
    return Expr("const", (), v)


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
    """``op`` on the constants ``vals``, or ``None`` where folding would lose the value."""
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
    elif op == "div":
        if cs[1] == 1:
            return xs[0]
        if cs[0] == 0:
            return const(0)
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


def _hashable(v: Any) -> Any:
    if isinstance(v, list):
        return tuple(v)
    return v


def params_of(e: Expr) -> dict:
    """An op node's parameters (symbols and constants have none)."""
    return dict(e.value) if e.args and e.value else {}
