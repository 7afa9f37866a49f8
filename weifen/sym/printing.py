"""Printing expressions as text (``1/x + y``) and LaTeX, with the fewest parentheses
precedence allows.

The printer walks the expression with an explicit stack and appends pieces to one list
that is joined once at the end, so printing costs time linear in the printed length at
any depth (building each subexpression's string and pasting it into its parent's would
copy a chain of n nodes n times over). A subexpression used more than once is rendered
once and its string reused, so a shared DAG (derivatives) costs the copying of its
printed text plus one step per distinct node.

>>> from weifen import sym
>>> x, y = sym.symbols("x y")
>>> str((x + y) * x - x / (y - x))
'(x + y)*x - x/(y - x)'
>>> preview(x + y, 3)
'x +...'
"""
from __future__ import annotations

from collections import Counter
from fractions import Fraction
from typing import Any, Callable

from weifen.sym.expr import Expr

# precedence: higher binds tighter
_PREC = {"add": 1, "sub": 1, "mul": 2, "div": 2, "neg": 3, "pow": 4}
_TEXT = {"add": " + ", "sub": " - ", "mul": "*", "div": "/", "pow": "**"}
_LATEX_FN = {"log": "\\log", "exp": "\\exp", "sin": "\\sin", "cos": "\\cos", "tan": "\\tan",
             "sinh": "\\sinh", "cosh": "\\cosh", "tanh": "\\tanh", "arcsin": "\\arcsin",
             "arccos": "\\arccos", "arctan": "\\arctan"}


def _num(v: Any) -> str:
    if isinstance(v, float):
        return repr(v)
    return str(v)  # a Fraction prints as 3/4


def _prec(e: Expr) -> int:
    if e.op == "const":
        v = e.value
        if type(v) is Fraction:
            return 2  # 3/4 and -3/4 print as quotients
        return 3 if isinstance(v, (int, float)) and v < 0 else 5
    if e.op == "neg" and e.args[0].op in ("mul", "div"):
        return 2  # -(x*y) prints as -x*y: a product, for its parents
    return _PREC.get(e.op, 5)


def _ratio(e: Expr) -> Fraction | None:
    """The coefficient of ``e = c * t`` when ``c`` is a non-integer rational, which prints
    as ``p*t/q`` (``t/q`` for ``p == 1``; ``-`` in front for ``c < 0``)."""
    if e.op == "mul":
        c = e.args[0]
        if c.op == "const" and type(c.value) is Fraction:
            return c.value
    return None


def _ratio_layout(c: Fraction, t: Expr, latex: bool) -> list:
    p, q = abs(c.numerator), c.denominator
    sign = "-" if c < 0 else ""
    if latex:
        tt = ["\\left(", t, "\\right)"] if _prec(t) < 2 else [t]
        return [f"{sign}\\frac{{"] + ([f"{p} "] if p != 1 else []) + tt + [f"}}{{{q}}}"]
    if p == 1:
        tt = ["(", t, ")"] if _prec(t) < 2 else [t]
        return [sign] + tt + [f"/{q}"]
    tt = ["(", t, ")"] if _prec(t) < 2 else [t]
    return [f"{sign}{p}*"] + tt + [f"/{q}"]


def _parens(e: Expr) -> tuple[bool, bool]:
    """Whether the left and the right operand of the binary node ``e`` need parentheses."""
    p = _PREC[e.op]
    left, right = e.args
    # left-associative ops need parentheses on the right at equal precedence; ** is
    # right-associative, so the other way round
    lp = _prec(left) < p or (e.op == "pow" and _prec(left) <= p)
    rp = _prec(right) < p or (_prec(right) == p and e.op in ("sub", "div"))
    return lp, rp


def _interleave(args: tuple, extra: list) -> list:
    out: list = []
    for k, a in enumerate(list(args) + extra):
        if k:
            out.append(", ")
        out.append(a)
    return out


def _text_leaf(x: Expr) -> str:
    return x.value if x.op == "symbol" else _num(x.value)


def _text_layout(e: Expr) -> list:
    """The pieces of the op node ``e``: strings, and its arguments where they go."""
    c = _ratio(e)
    if c is not None:
        return _ratio_layout(c, e.args[1], False)
    if e.op in _PREC and len(e.args) == 2:
        lp, rp = _parens(e)
        a, b = e.args
        return ([*("(", a, ")")] if lp else [a]) + [_TEXT[e.op]] + \
            ([*("(", b, ")")] if rp else [b])
    if e.op == "neg":
        a = e.args[0]
        return ["-(", a, ")"] if _prec(a) < 2 else ["-", a]
    extra = [f"{k}={v}" for k, v in (e.value or ())]
    return [e.op, "("] + _interleave(e.args, extra) + [")"]


def _latex_leaf(x: Expr) -> str:
    if x.op == "symbol":
        name = x.value
        head, _, tail = name.partition("_")
        if len(head) > 1 and not tail and name[-1].isdigit():  # x1 -> x_{1}
            i = len(name.rstrip("0123456789"))
            return f"{name[:i]}_{{{name[i:]}}}"
        return name if not tail else f"{head}_{{{tail}}}"
    v = x.value
    if type(v) is Fraction:
        return f"{'-' if v < 0 else ''}\\frac{{{abs(v.numerator)}}}{{{v.denominator}}}"
    return _num(v)


def _latex_layout(e: Expr) -> list:
    c = _ratio(e)
    if c is not None:
        return _ratio_layout(c, e.args[1], True)
    if e.op in _PREC and len(e.args) == 2:
        lp, rp = _parens(e)
        a, b = e.args
        if e.op == "div":
            return ["\\frac{", a, "}{", b, "}"]
        A = ["\\left(", a, "\\right)"] if lp else [a]
        if e.op == "pow":
            return A + ["^{", b, "}"]
        if e.op == "mul" and (b.op == "neg" or b.op == "const" and b.value < 0):
            rp = True  # x (-2), not x -2
        B = ["\\left(", b, "\\right)"] if rp else [b]
        return A + [" " if e.op == "mul" else _TEXT[e.op]] + B
    if e.op == "neg":
        a = e.args[0]
        return ["-\\left(", a, "\\right)"] if _prec(a) < 2 else ["-", a]
    if e.op == "sqrt":
        return ["\\sqrt{", e.args[0], "}"]
    name = _LATEX_FN.get(e.op, f"\\operatorname{{{e.op}}}")
    return [name, "\\left("] + _interleave(e.args, []) + ["\\right)"]


def _write(root: Expr, leaf: Callable, layout: Callable, limit: int | None = None) -> str:
    """The printed ``root``; with ``limit``, only (at least) its first ``limit``
    characters, found without printing the rest."""
    shared: set = set()
    if limit is None:
        uses: Counter = Counter()
        for node in root.nodes():
            uses.update(node.args)
        shared = {node for node, n in uses.items() if n > 1}
    cache: dict = {}
    out: list[str] = []
    length = 0
    stack: list = [root]
    while stack:
        item = stack.pop()
        if type(item) is str:
            out.append(item)
            if limit is not None:
                length += len(item)
                if length >= limit:
                    break
        elif type(item) is tuple:  # a shared node is complete: keep its string
            node, start = item
            s = "".join(out[start:])
            del out[start:]
            out.append(s)
            cache[node] = s
        elif not item.args:
            stack.append(leaf(item))
        elif item in shared:
            s = cache.get(item)
            if s is not None:
                stack.append(s)
            else:
                stack.append((item, len(out)))
                stack.extend(reversed(layout(item)))
        else:
            stack.extend(reversed(layout(item)))
    return "".join(out)


def to_str(e: Expr) -> str:
    return _write(e, _text_leaf, _text_layout)


def to_latex(e: Expr) -> str:
    return _write(e, _latex_leaf, _latex_layout)


def prefix(e: Expr, n: int) -> str:
    """At least the first ``n`` characters of ``str(e)`` (all of it when shorter), in
    time that does not grow with the length of the rest."""
    return _write(e, _text_leaf, _text_layout, n)


def preview(e: Expr, n: int = 60) -> str:
    """``str(e)`` cut to ``n`` characters (``...`` marks the cut): for error messages,
    which must stay short however large the expression."""
    s = prefix(e, n + 1)
    return s if len(s) <= n else s[:n] + "..."
