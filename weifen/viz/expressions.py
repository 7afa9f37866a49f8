"""Expressions given as text, made into weifen computations: the library side of the
``weifen`` command line (``trace``, ``diff``, ``jacobian``, ``graph``).

Text goes through ``sym.parse`` only (never ``eval``); the parsed expression is then walked,
one subexpression at a time in order, applying weifen's own operations, so the evaluation
records in a trace or on a tape like any weifen function.

>>> t = trace_expr("ln(x1) + x1*x2 - sin(x2)", {"x1": 2, "x2": 5})
>>> t.adjoint_table().values["x1"]
5.5
>>> float(diff_expr("x^3", "x").subs({"x": 2.0}))
12.0
>>> print(jacobian_expr(["x*y", "x + y"], {"x": 1, "y": 2}, mode="rev"))
Jacobian at x = 1, y = 2 (reverse mode)
          d/dx  d/dy
x*y       2     1
x + y     1     1
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import re

import numpy as np

from weifen.errors import WeifenTypeError, WeifenValueError


class ExpressionError(WeifenValueError):
    """``sym.parse``'s error about ``text``, with the position it names (``pos``, or
    ``None``), so a command line can point at the column."""

    def __init__(self, message: str, text: str, pos: int | None) -> None:
        super().__init__(message)
        self.text = text
        self.pos = pos


def parse(text: str) -> Any:
    """``sym.parse(text)``, its errors raised as :class:`ExpressionError`.

    >>> try:
    ...     parse("x + * 2")
    ... except ExpressionError as err:
    ...     print(err.pos)
    4
    """
    from weifen import sym

    try:
        return sym.parse(text)
    except WeifenValueError as err:
        m = re.search(r"at position (\d+)", str(err))
        raise ExpressionError(str(err), text, int(m.group(1)) if m else None) from None


def _expr(e: Any) -> Any:
    return parse(e) if isinstance(e, str) else e


def split_exprs(texts: list) -> list:
    """Each text split at its top-level commas (commas inside parentheses stay).

    >>> split_exprs(["x*y, f(x, y)", "x + y"])
    ['x*y', 'f(x, y)', 'x + y']
    """
    out = []
    for text in texts:
        depth, start = 0, 0
        for k, c in enumerate(text):
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            elif c == "," and depth == 0:
                out.append(text[start:k].strip())
                start = k + 1
        out.append(text[start:].strip())
    return out


def _check_point(exprs: list, at: dict, who: str) -> list:
    """The names of ``at`` in order, after checking they are exactly the symbols used."""
    names = [str(k) for k in at]
    for n in names:
        if not n.isidentifier():
            raise WeifenValueError(f"{who}: {n!r} is not a variable name")
    used: set = set()
    for e in exprs:
        used |= {str(s.value) for s in e.free_symbols()}
    missing = sorted(used - set(names))
    unknown = [n for n in names if n not in used]
    problems = []
    if unknown:
        problems.append(f"unknown variable {', '.join(unknown)}")
    if missing:
        problems.append(f"no value given for {', '.join(missing)}")
    if problems:
        raise WeifenValueError(f"{who}: {'; '.join(problems)} (the expression uses "
                               f"{', '.join(sorted(used)) or 'no variables'})")
    return names


def as_function(exprs: list, names: list, vector: bool = False) -> Callable:
    """A weifen function of the variables ``names`` that evaluates ``exprs`` (one value,
    or a stacked vector of several). With ``vector``, it takes one 1-d argument holding
    the variables in order. Every operation goes through weifen's dispatch.

    >>> from weifen import sym
    >>> f = as_function([sym.parse("x*y + 1")], ["x", "y"])
    >>> f(2.0, 3.0)
    7.0
    """
    import weifen as wf
    from weifen.core.primitive import REGISTRY
    from weifen.viz.sources import apply_op

    order: list = []
    seen: set = set()
    for e in exprs:  # one walk over the shared DAG of every expression
        for node in e.nodes():
            if node not in seen:
                seen.add(node)
                order.append(node)

    def f(*xs: Any) -> Any:
        if vector:
            (v,) = xs
            xs = tuple(v[k] for k in range(len(names)))
        env = dict(zip(names, xs))
        val: dict = {}
        for node in order:
            if node.op == "symbol":
                val[node] = env[node.value]
            elif node.op == "const":
                c = node.value
                val[node] = c if isinstance(c, (int, float)) else float(c)
            else:
                val[node] = apply_op(REGISTRY, node, [val[a] for a in node.args])
        outs = [val[e] for e in exprs]
        if len(outs) == 1 and not vector:
            return outs[0]
        return wf.stack(outs)

    return f


def parse_point(items: list) -> dict:
    """``["x1=2", "x2=pi/4"]`` to ``{"x1": 2.0, "x2": 0.785...}``; each value is read by
    ``sym.parse`` and must be a constant.

    >>> parse_point(["x=2", "y=-1/4"])
    {'x': 2.0, 'y': -0.25}
    """
    out: dict = {}
    for item in items:
        name, eq, text = item.partition("=")
        name = name.strip()
        if not eq or not name:
            raise WeifenValueError(f"expected NAME=VALUE, got {item!r}")
        if not name.isidentifier():
            raise WeifenValueError(f"{name!r} (in {item!r}) is not a variable name")
        if name in out:
            raise WeifenValueError(f"{name} is given twice")
        e = parse(text)
        if e.free_symbols():
            raise WeifenValueError(f"the value of {name} must be a number, got {text.strip()!r}")
        out[name] = float(e)
    return out


def trace_expr(expr: Any, at: dict) -> Any:
    """The evaluation trace (``wf.viz.trace``) of the expression ``expr`` (text or a
    ``sym`` expression) at the point ``at`` ({name: number}; its order numbers the inputs).

    >>> print(trace_expr("x*sin(x)", {"x": 0.0}).forward_table())
    v_0 = x              = 0
    v_1 = sin(v_0)       = 0
    v_2 = v_0 * v_1      = 0
    y   = v_2            = 0
    """
    from weifen.viz.trace import trace

    e = _expr(expr)
    names = _check_point([e], at, "trace")
    with np.errstate(all="ignore"):
        return trace(as_function([e], names), *[float(at[n]) for n in names], names=names)


def diff_expr(expr: Any, var: str, order: int = 1, expand: bool = False,
              simplify: bool = True) -> Any:
    """The ``order``-th derivative of ``expr`` (text or a ``sym`` expression) in ``var``,
    simplified (``simplify=False``: as ``diff`` builds it), or with ``expand`` expanded to
    a canonical polynomial.

    >>> round(float(diff_expr("sin(x)*x", "x").subs({"x": 1.0})), 6)  # sin 1 + cos 1
    1.381773
    """
    from weifen import sym

    if not isinstance(order, int) or order < 0:
        raise WeifenValueError(f"diff: the order must be a whole number >= 0, got {order!r}")
    if not isinstance(var, str) or not var.isidentifier():
        raise WeifenValueError(f"diff: {var!r} is not a variable name")
    d = sym.diff(_expr(expr), sym.Symbol(var), order)
    if expand:
        return sym.expand(d)
    return sym.simplify(d) if simplify else d


@dataclass
class JacobianResult:
    """The Jacobian of several expressions at a point; ``str`` gives a table."""

    exprs: list  # the expressions' text
    names: list  # the variables, in column order
    point: dict
    value: np.ndarray  # the expressions' values
    matrix: np.ndarray  # shape (len(exprs), len(names))
    mode: str

    def __str__(self) -> str:
        from weifen.viz.trace import _fmt

        at = ", ".join(f"{n} = {_fmt(self.point[n])}" for n in self.names)
        rows = [[""] + [f"d/d{n}" for n in self.names]]
        rows += [[e if len(e) <= 40 else e[:37] + "..."] + [_fmt(v) for v in row]
                 for e, row in zip(self.exprs, self.matrix)]
        widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
        widths[0] = max(widths[0], 8)
        lines = [f"Jacobian at {at} ({self.mode} mode)"]
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        return "\n".join(lines)


def jacobian_expr(exprs: list, at: dict, mode: str = "auto") -> JacobianResult:
    """The Jacobian of the expressions ``exprs`` (texts, each possibly several separated by
    top-level commas, or ``sym`` expressions) in the variables of ``at`` (in its order), by
    ``wf.jacobian`` on the vector of variables: ``mode`` ``"fwd"``/``"forward"`` (one
    tangent per variable), ``"rev"``/``"reverse"`` (one cotangent per expression) or
    ``"auto"``.

    >>> jacobian_expr(["x*y, x + y"], {"x": 1, "y": 2}).matrix
    array([[2., 1.],
           [1., 1.]])
    """
    import weifen as wf

    modes = {"fwd": "forward", "forward": "forward", "rev": "reverse", "reverse": "reverse",
             "auto": "auto"}
    if mode not in modes:
        raise WeifenValueError(f"jacobian: mode must be fwd, rev or auto, got {mode!r}")
    texts: list = []
    for e in exprs:
        texts += split_exprs([e]) if isinstance(e, str) else [e]
    if not texts or any(isinstance(t, str) and not t for t in texts):
        raise WeifenValueError("jacobian: an expression is empty (check the commas)")
    es = [_expr(e) for e in texts]
    names = _check_point(es, at, "jacobian")
    if not names:
        raise WeifenTypeError("jacobian: the expressions use no variables")
    f = as_function(es, names, vector=True)
    x = np.array([float(at[n]) for n in names])
    with np.errstate(all="ignore"):
        J = np.asarray(wf.jacobian(f, x, mode=modes[mode]), dtype=float)
        value = np.asarray(f(x), dtype=float)
    used = modes[mode] if mode != "auto" else ("forward" if len(names) < len(es) else "reverse")
    shown = [t if isinstance(t, str) else str(t) for t in texts]
    return JacobianResult(shown, names, dict(at), value, J.reshape(len(es), len(names)), used)


def trace_report(expr: Any, at: dict, wrt: str | None = None, fmt: str = "text") -> str:
    """The three trace tables (forward, tangent seeded on ``wrt``, adjoint) of ``expr`` at
    ``at``, as ``text``, ``markdown`` or ``html``.

    >>> print(trace_report("x*x", {"x": 3.0}).split("\\n\\n")[2])
    Adjoint (reverse-mode) trace
    bar v_1 =  bar y           = 1
    bar v_0 += 3 * bar v_1     = 3
    bar v_0 += 3 * bar v_1     = 6
    bar x   =  bar v_0         = 6
    """
    if fmt not in ("text", "markdown", "html"):
        raise WeifenValueError(f"trace: format must be text, markdown or html, got {fmt!r}")
    t = trace_expr(expr, at)
    with np.errstate(all="ignore"):
        tables = [t.forward_table(), t.tangent_table(wrt), t.adjoint_table()]
    if fmt == "html":
        return "\n".join(tab.to_html() for tab in tables)
    if fmt == "markdown":
        return "\n\n".join(f"### {tab.title}\n\n{tab.to_markdown()}" for tab in tables)
    return "\n\n".join(f"{tab.title}\n{tab}" for tab in tables)


def draw_expr(expr: Any, at: dict | None = None, values: bool = False,
              adjoints: bool = False) -> Any:
    """A drawing of ``expr``: its evaluation trace at ``at`` when a point is given (boxes
    numbered as the trace tables are), else the expression's shared DAG.

    >>> draw_expr("x*y + sin(x)")
    <Drawing: 5 boxes, 5 edges; .to_svg(), .to_dot(), .save(path)>
    """
    from weifen.viz.draw import draw

    if at:
        return draw(trace_expr(expr, at), values=values, adjoints=adjoints)
    if values or adjoints:
        raise WeifenValueError("graph: values and adjoints need a point (--at x=..., or at=)")
    return draw(_expr(expr))
