"""``wf.sym``: symbolic differentiation over the same rule table.

>>> from weifen import sym
>>> x, y = sym.symbols("x y")
>>> e = sym.log(x) + x * y - sym.sin(y)
>>> sym.diff(e, x)
1/x + y
>>> sym.diff(e, y).to_latex()
'x - \\\\cos\\\\left(y\\\\right)'
>>> sym.diff(e, x).subs({x: 2.0, y: 5.0})
5.5
"""
from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction
from typing import Any, Callable

from weifen.errors import WeifenTypeError, WeifenValueError
from weifen.sym.calculus import diff, lambdify, subs
from weifen.sym.collect import simplify
from weifen.sym.expr import Expr, Symbol, apply, as_expr, const, symbols
from weifen.sym.parse import parse
from weifen.sym.poly import expand


def _fn(name: str) -> Callable[[Any], Expr]:
    def f(x: Any) -> Expr:
        return apply(name, x)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"The expression ``{name}(x)``."
    return f


log = _fn("log")
exp = _fn("exp")
sin = _fn("sin")
cos = _fn("cos")
tan = _fn("tan")
sqrt = _fn("sqrt")
tanh = _fn("tanh")
sinh = _fn("sinh")
cosh = _fn("cosh")
sigmoid = _fn("sigmoid")


def from_function(f: Callable, *names: str) -> Expr:
    """``f`` (written with weifen functions) traced on symbols named ``names``.

    >>> import weifen as wf
    >>> from weifen import sym
    >>> sym.from_function(lambda x1, x2: wf.log(x1) + x1 * x2 - wf.sin(x2), "x1", "x2")
    log(x1) + x1*x2 - sin(x2)
    """
    out = f(*[Symbol(n) for n in names])
    if not isinstance(out, Expr):
        return as_expr(out)
    return out


_TO_SYMPY = {"add": "Add", "mul": "Mul", "pow": "Pow", "log": "log", "exp": "exp", "sin": "sin",
             "cos": "cos", "tan": "tan", "sqrt": "sqrt", "tanh": "tanh", "sinh": "sinh",
             "cosh": "cosh", "arcsin": "asin", "arccos": "acos", "arctan": "atan", "abs": "Abs"}


def to_sympy(e: Expr) -> Any:
    """The SymPy expression of ``e`` (SymPy must be installed).

    Sums are handed to SymPy whole (``Add(*terms)``, the same canonical sum as adding
    one term at a time, which SymPy does in time growing with the sum each step). SymPy
    recurses on nested functions, so an expression too deep for it is a
    ``WeifenValueError`` rather than a ``RecursionError``.

    >>> from weifen import sym
    >>> x, y = sym.symbols("x y")
    >>> sym.to_sympy(x - (y - x) + sym.sin(y))
    2*x - y + sin(y)
    """
    import sympy

    e = as_expr(e)
    order = list(e.nodes())
    uses: Counter = Counter()
    for node in order:
        uses.update(node.args)
    # a sum, difference or negation used once, by another one, is read through by it
    linear = ("add", "sub", "neg")
    inner = {a for node in order if node.op in linear
             for a in node.args if a.op in linear and uses[a] == 1}
    out: dict = {}
    try:
        for node in order:
            if node in inner:
                continue
            op = node.op
            if op in linear:
                terms, stack = [], [(node, 1)]
                while stack:
                    x, sign = stack.pop()
                    if x is node or (x.op in linear and x in inner):
                        signs = (sign, -sign) if x.op == "sub" else (-sign,) if \
                            x.op == "neg" else (sign, sign)
                        stack.extend(reversed(list(zip(x.args, signs))))
                    else:
                        terms.append(out[x] if sign > 0 else -out[x])
                out[node] = sympy.Add(*terms)
                continue
            a = [out[x] for x in node.args]
            if op == "symbol":
                out[node] = sympy.Symbol(node.value)
            elif op == "const":
                v = node.value
                out[node] = sympy.Integer(v) if isinstance(v, int) else sympy.Rational(
                    v.numerator, v.denominator) if isinstance(v, Fraction) else sympy.Float(v)
            elif op == "div":
                out[node] = a[0] / a[1]
            elif op == "sigmoid":
                out[node] = 1 / (1 + sympy.exp(-a[0]))
            elif op in _TO_SYMPY:
                out[node] = getattr(sympy, _TO_SYMPY[op])(*a)
            else:
                raise WeifenTypeError(f"to_sympy: no SymPy counterpart for {op!r}")
    except RecursionError:
        raise WeifenValueError(f"to_sympy: the expression ({e.dag_size()} distinct nodes) "
                               "is nested too deeply for SymPy") from None
    return out[e]


def from_sympy(s: Any) -> Expr:
    """The weifen expression of the SymPy expression ``s``.

    >>> import sympy
    >>> from weifen import sym
    >>> sym.from_sympy(sympy.sympify("x**2/2 - sin(y)"))
    x**2/2 - sin(y)
    """
    import sympy

    if not isinstance(s, sympy.Basic):
        raise WeifenTypeError(f"from_sympy: expected a SymPy expression, got a "
                              f"{type(s).__name__}")
    back = {v: k for k, v in _TO_SYMPY.items() if k not in ("add", "mul", "pow")}
    out: dict = {}
    stack: list = [(s, False)]  # arguments first, without recursion (SymPy's own
    while stack:                # postorder_traversal recurses)
        node, ready = stack.pop()
        if node in out:
            continue
        if not ready and node.args:
            stack.append((node, True))
            stack.extend((a, False) for a in reversed(node.args) if a not in out)
            continue
        if isinstance(node, sympy.Symbol):
            r = Symbol(node.name)
        elif isinstance(node, sympy.Integer):
            r = const(int(node))
        elif isinstance(node, sympy.Rational):
            r = const(Fraction(int(node.p), int(node.q)))
        elif node is sympy.pi:
            r = const(float(sympy.pi))
        elif node is sympy.E:
            r = const(float(sympy.E))
        elif node.is_Number:
            try:
                v = float(node)
            except (TypeError, ValueError):
                v = math.nan
            if not math.isfinite(v):
                raise WeifenValueError(f"from_sympy: {node} is not a finite number")
            r = const(v)
        else:
            args = [out[a] for a in node.args]
            if isinstance(node, sympy.Add):
                r = args[0]
                for a in args[1:]:
                    r = r + a
            elif isinstance(node, sympy.Mul):
                r = args[0]
                for a in args[1:]:
                    r = r * a
            elif isinstance(node, sympy.Pow):
                r = args[0] ** args[1]
            elif type(node).__name__ in back:
                r = apply(back[type(node).__name__], *args)
            else:
                raise WeifenTypeError(f"from_sympy: no weifen counterpart for {node.func}")
        out[node] = r
    return out[s]


__all__ = ["Expr", "Symbol", "symbols", "parse", "diff", "simplify", "expand", "subs",
           "lambdify", "from_function", "to_sympy", "from_sympy", "log", "exp", "sin", "cos",
           "tan", "sqrt", "tanh", "sinh", "cosh", "sigmoid", "const"]
