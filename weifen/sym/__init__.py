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

from typing import Any, Callable

from weifen.errors import WeifenTypeError
from weifen.sym.calculus import diff, expand, lambdify, simplify, subs
from weifen.sym.expr import Expr, Symbol, apply, as_expr, const, symbols
from weifen.sym.parse import parse


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
    """The SymPy expression of ``e`` (SymPy must be installed)."""
    import sympy

    out: dict = {}
    for node in as_expr(e).nodes():
        a = [out[x] for x in node.args]
        op = node.op
        if op == "symbol":
            out[node] = sympy.Symbol(node.value)
        elif op == "const":
            out[node] = sympy.Integer(node.value) if isinstance(node.value, int) else \
                sympy.Float(node.value)
        elif op == "sub":
            out[node] = a[0] - a[1]
        elif op == "div":
            out[node] = a[0] / a[1]
        elif op == "neg":
            out[node] = -a[0]
        elif op == "sigmoid":
            out[node] = 1 / (1 + sympy.exp(-a[0]))
        elif op in _TO_SYMPY:
            out[node] = getattr(sympy, _TO_SYMPY[op])(*a)
        else:
            raise WeifenTypeError(f"to_sympy: no SymPy counterpart for {op!r}")
    return out[as_expr(e)]


def from_sympy(s: Any) -> Expr:
    """The weifen expression of the SymPy expression ``s``."""
    import sympy

    back = {v: k for k, v in _TO_SYMPY.items() if k not in ("add", "mul", "pow")}
    out: dict = {}
    for node in sympy.postorder_traversal(s):
        if node in out:
            continue
        if isinstance(node, sympy.Symbol):
            out[node] = Symbol(node.name)
        elif isinstance(node, sympy.Integer):
            out[node] = const(int(node))
        elif node.is_Number:
            out[node] = const(float(node))
        elif node is sympy.pi:
            out[node] = const(float(sympy.pi))
        elif node is sympy.E:
            out[node] = const(float(sympy.E))
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
