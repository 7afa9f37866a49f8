"""``parse``: text to expressions with a small hand-written parser. Python is never
evaluated; anything outside the grammar is a ``ValueError`` naming the position.

Grammar: sums and differences of products and quotients of (signed) powers, ``^`` or
``**`` (right-associative); atoms are numbers, names (symbols, or the constants ``pi``
and ``e``), calls of the functions in :data:`FUNCTIONS`, and parenthesised expressions.
"""
from __future__ import annotations

import math
import re
from typing import Any

from weifen.errors import WeifenValueError
from weifen.sym.expr import Expr, Symbol, apply, const

FUNCTIONS = {"log": "log", "ln": "log", "exp": "exp", "sin": "sin", "cos": "cos", "tan": "tan",
             "sqrt": "sqrt", "tanh": "tanh", "sinh": "sinh", "cosh": "cosh",
             "arcsin": "arcsin", "asin": "arcsin", "arccos": "arccos", "acos": "arccos",
             "arctan": "arctan", "atan": "arctan", "sigmoid": "sigmoid", "abs": "abs",
             "log2": "log2", "log10": "log10", "log1p": "log1p", "expm1": "expm1"}
CONSTANTS = {"pi": math.pi, "e": math.e}

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"
                    r"|(?P<name>[A-Za-z_][A-Za-z_0-9]*)|(?P<op>\*\*|[-+*/^(),]))")
_MAX_DEPTH = 200


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out, i = [], 0
    while i < len(text):
        if text[i:].strip() == "":
            break
        m = _TOKEN.match(text, i)
        if m is None or m.end() == i:
            j = i + len(text[i:]) - len(text[i:].lstrip())
            raise WeifenValueError(f"parse: unexpected character {text[j]!r} at position {j}: "
                                   f"{text!r}")
        kind = m.lastgroup
        start = m.start(kind)
        out.append((kind, m.group(kind), start))
        i = m.end()
    out.append(("end", "", len(text)))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> tuple[str, str, int]:
        return self.toks[self.i]

    def take(self) -> tuple[str, str, int]:
        t = self.toks[self.i]
        self.i += 1
        return t

    def fail(self, what: str, tok: tuple[str, str, int]) -> None:
        got = "the end" if tok[0] == "end" else repr(tok[1])
        raise WeifenValueError(f"parse: expected {what} but found {got} at position {tok[2]}: "
                               f"{self.text!r}")

    def expect(self, op: str) -> None:
        t = self.take()
        if t[1] != op or t[0] != "op":
            self.fail(repr(op), t)

    def expr(self) -> Expr:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise WeifenValueError(f"parse: nested more than {_MAX_DEPTH} levels deep")
        e = self.term()
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            op = self.take()[1]
            e = apply("add" if op == "+" else "sub", e, self.term())
        self.depth -= 1
        return e

    def term(self) -> Expr:
        e = self.unary()
        while self.peek()[1] in ("*", "/") and self.peek()[0] == "op":
            op = self.take()[1]
            e = apply("mul" if op == "*" else "div", e, self.unary())
        return e

    def unary(self) -> Expr:
        t = self.peek()
        if t[0] == "op" and t[1] in ("-", "+"):
            self.take()
            e = self.unary()
            return apply("neg", e) if t[1] == "-" else e
        return self.power()

    def power(self) -> Expr:
        base = self.atom()
        t = self.peek()
        if t[0] == "op" and t[1] in ("^", "**"):
            self.take()
            return apply("pow", base, self.unary())
        return base

    def atom(self) -> Expr:
        t = self.take()
        kind, val, pos = t
        if kind == "num":
            return const(float(val) if any(c in val for c in ".eE") else int(val))
        if kind == "name":
            if self.peek()[1] == "(" and self.peek()[0] == "op":
                fn = FUNCTIONS.get(val)
                if fn is None:
                    raise WeifenValueError(
                        f"parse: unknown function {val!r} at position {pos}: {self.text!r} "
                        f"(known: {', '.join(sorted(FUNCTIONS))})")
                self.take()
                arg = self.expr()
                self.expect(")")
                return apply(fn, arg)
            if val in FUNCTIONS:
                raise WeifenValueError(f"parse: function {val!r} at position {pos} needs "
                                       f"parentheses: {self.text!r}")
            if val in CONSTANTS:
                return const(CONSTANTS[val])
            return Symbol(val)
        if kind == "op" and val == "(":
            e = self.expr()
            self.expect(")")
            return e
        self.fail("a number, a name or '('", t)
        raise AssertionError  # unreachable: fail raises


def parse(text: Any) -> Expr:
    """The expression ``text`` describes, e.g. ``parse("log(x) + x*y - sin(y)")``.

    >>> from weifen import sym
    >>> sym.parse("log(x) + x*y - sin(y)")
    log(x) + x*y - sin(y)
    """
    if not isinstance(text, str):
        raise WeifenValueError(f"parse: expected a string, got a {type(text).__name__}")
    p = _Parser(text)
    e = p.expr()
    t = p.peek()
    if t[0] != "end":
        p.fail("an operator or the end", t)
    return e
