"""Printing expressions as text (``1/x + y``) and LaTeX, with the fewest parentheses
precedence allows. Written with an explicit stack, so deep expressions print too."""
from __future__ import annotations

from typing import Any

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
    return str(v)


def _prec(e: Expr) -> int:
    if e.op == "const":
        return 3 if isinstance(e.value, (int, float)) and e.value < 0 else 5
    return _PREC.get(e.op, 5)


def _render(root: Expr, leaf, binary, unary, func) -> str:
    done: dict = {}
    for e in root.nodes():
        if e.op in ("symbol", "const"):
            done[e] = leaf(e)
            continue
        parts = [done[a] for a in e.args]
        p = _PREC.get(e.op)
        if p is not None and len(e.args) == 2:
            left, right = e.args
            # left-associative ops need parentheses on the right at equal precedence; ** is
            # right-associative, so the other way round
            lp = _prec(left) < p or (e.op == "pow" and _prec(left) <= p)
            rp = _prec(right) < p or (_prec(right) == p and e.op in ("sub", "div"))
            done[e] = binary(e.op, parts[0], parts[1], lp, rp)
        elif e.op == "neg":
            done[e] = unary(parts[0], _prec(e.args[0]) < 3)
        else:
            done[e] = func(e, parts)
    return done[root]


def to_str(e: Expr) -> str:
    def leaf(x: Expr) -> str:
        return x.value if x.op == "symbol" else _num(x.value)

    def binary(op: str, a: str, b: str, lp: bool, rp: bool) -> str:
        return f"{f'({a})' if lp else a}{_TEXT[op]}{f'({b})' if rp else b}"

    def unary(a: str, paren: bool) -> str:
        return f"-({a})" if paren else f"-{a}"

    def func(x: Expr, parts: list) -> str:
        extra = [f"{k}={v}" for k, v in (x.value or ())]
        return f"{x.op}({', '.join(parts + extra)})"

    return _render(e, leaf, binary, unary, func)


def to_latex(e: Expr) -> str:
    def leaf(x: Expr) -> str:
        if x.op == "symbol":
            name = x.value
            head, _, tail = name.partition("_")
            if len(head) > 1 and not tail and name[-1].isdigit():  # x1 -> x_{1}
                i = len(name.rstrip("0123456789"))
                return f"{name[:i]}_{{{name[i:]}}}"
            return name if not tail else f"{head}_{{{tail}}}"
        return _num(x.value)

    def binary(op: str, a: str, b: str, lp: bool, rp: bool) -> str:
        if op == "div":
            return f"\\frac{{{a}}}{{{b}}}"
        A = f"\\left({a}\\right)" if lp else a
        B = f"\\left({b}\\right)" if rp else b
        if op == "pow":
            return f"{A}^{{{b}}}"
        if op == "mul":
            return f"{A} {B}"
        return f"{A}{_TEXT[op]}{B}"

    def unary(a: str, paren: bool) -> str:
        return f"-\\left({a}\\right)" if paren else f"-{a}"

    def func(x: Expr, parts: list) -> str:
        if x.op == "sqrt":
            return f"\\sqrt{{{parts[0]}}}"
        name = _LATEX_FN.get(x.op, f"\\operatorname{{{x.op}}}")
        return f"{name}\\left({', '.join(parts)}\\right)"

    return _render(e, leaf, binary, unary, func)
