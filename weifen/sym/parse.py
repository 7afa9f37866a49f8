"""``parse``: text to expressions with a small hand-written parser. Python is never
evaluated; anything outside the grammar is a ``ValueError`` naming the position.

Integer literals are exact ``int``s (``1/3`` folds to the exact ``Fraction``), literals
with a point or an exponent are floats.

Grammar: sums and differences of products and quotients of (signed) powers, ``^`` or
``**`` (right-associative); atoms are numbers, names (symbols, or the constants ``pi``
and ``e``), calls of the functions in :data:`FUNCTIONS`, and parenthesised expressions.

The parser is operator precedence with explicit stacks (shunting-yard), not recursive
descent, so nesting depth is limited only by memory, and it runs in time linear in the
length of the text. Error messages quote a short window around the position, never the
whole text.

>>> parse("-x^2 + 2^-3*y")
-x**2 + y/8
>>> try:
...     parse("(x + 1) * * y")
... except ValueError as err:
...     print(err)
parse: expected a number, a name or '(' but found '*' at position 10: '(x + 1) * * y'
"""
from __future__ import annotations

import math
import re
import string
from typing import Any, NoReturn

from weifen.errors import WeifenValueError
from weifen.sym.expr import Expr, Symbol, build, const

FUNCTIONS = {"log": "log", "ln": "log", "exp": "exp", "sin": "sin", "cos": "cos", "tan": "tan",
             "sqrt": "sqrt", "tanh": "tanh", "sinh": "sinh", "cosh": "cosh",
             "arcsin": "arcsin", "asin": "arcsin", "arccos": "arccos", "acos": "arccos",
             "arctan": "arctan", "atan": "arctan", "sigmoid": "sigmoid", "abs": "abs",
             "log2": "log2", "log10": "log10", "log1p": "log1p", "expm1": "expm1"}
CONSTANTS = {"pi": math.pi, "e": math.e}

# every non-blank character starts some token (a lone character the grammar has no use
# for is a token of its own, then refused), so the matches tile the text and findall
# skips nothing but blanks
_TOKEN = re.compile(r"\s*(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?"
                    r"|[A-Za-z_][A-Za-z_0-9]*|\*\*|[-+*/^(),]|\S)")
_OPS = frozenset(["**", "-", "+", "*", "/", "^", "(", ")", ","])
_NAME_START = frozenset(string.ascii_letters + "_")
_NUM, _NAME, _OP, _BAD = range(4)  # token kinds
_WINDOW = 30  # characters of context quoted each side of an error position

# binary operators: (op, precedence, right-associative); prefix minus sits at 3, so it
# binds looser than ^ (-x^2 is -(x^2)) and tighter than * and /
_BINARY = {"+": ("add", 1, False), "-": ("sub", 1, False), "*": ("mul", 2, False),
           "/": ("div", 2, False), "^": ("pow", 4, True), "**": ("pow", 4, True)}
_NEG = ("neg", 3, False)
_NO_PARAMS: dict = {}
_OPEN = ("(", 0, False)  # an open parenthesis; a call's is ("call", 0, function name)


def _window(text: str, pos: int) -> str:
    """The text around ``pos``, quoted, ``...`` where it is cut."""
    lo, hi = max(0, pos - _WINDOW), pos + _WINDOW
    return f"{'...' if lo > 0 else ''}{text[lo:hi]!r}{'...' if hi < len(text) else ''}"


def _short(s: str) -> str:
    return repr(s) if len(s) <= _WINDOW else f"{s[:_WINDOW]!r}..."


def _error(text: str, pos: int, msg: str) -> NoReturn:
    raise WeifenValueError(f"parse: {msg} at position {pos}: {_window(text, pos)}")


def _kind(tok: str) -> int:
    if tok in _OPS:
        return _OP
    if tok[0] in _NAME_START:
        return _NAME
    if tok[0].isdecimal() or len(tok) > 1:  # \d is any decimal digit; ".5" is a number
        return _NUM
    return _BAD


def _position(text: str, k: int) -> int:
    """Where the ``k``-th token starts (only wanted for messages, so found again)."""
    for j, m in enumerate(_TOKEN.finditer(text)):
        if j == k:
            return m.start(1)
    return len(text)


def _tokens(text: str) -> tuple[list[str], dict[str, int]]:
    """The tokens of ``text`` and the kind of each distinct token; an unusable character
    anywhere is reported before any grammar error."""
    # trailing blanks removed first: the pattern would match them in vain from each
    # position in turn, quadratic in their number
    toks = _TOKEN.findall(text.rstrip())
    kinds = {t: _kind(t) for t in set(toks)}
    if _BAD in kinds.values():
        k = next(k for k, t in enumerate(toks) if kinds[t] == _BAD)
        pos = _position(text, k)
        _error(text, pos, f"unexpected character {text[pos]!r}")
    return toks, kinds


def _number(val: str) -> Expr | str:
    """The constant the literal ``val`` writes, or why it cannot be one: literals a float
    cannot hold are errors rather than a silent ``inf`` or ``0``."""
    if any(c in val for c in ".eE"):
        v = float(val)
        mantissa = val.split("e")[0].split("E")[0]
        if math.isinf(v):
            return f"the number {_short(val)} is too large for a float"
        if v == 0 and any(c not in "0." for c in mantissa):
            return f"the number {_short(val)} is too small for a float (it would be 0)"
        return const(v)
    # int() of more than a few thousand digits is refused by Python (and slow); anything
    # past the float range would not fold with other constants anyway
    if len(val.lstrip("0")) > 309:
        return f"the number {_short(val)} is too large for a float"
    n = int(val)
    try:
        float(n)
    except OverflowError:
        return f"the number {_short(val)} is too large for a float"
    return const(n)


def _expected(text: str, toks: list, k: int, what: str) -> NoReturn:
    """The error for an unwanted ``toks[k]`` (``k == len(toks)``: the end)."""
    if k == len(toks):
        _error(text, len(text), f"expected {what} but found the end")
    _error(text, _position(text, k), f"expected {what} but found {_short(toks[k])}")


def _reduce(ops: list, vals: list) -> None:
    op = ops.pop()[0]
    if op == "neg":
        vals[-1] = build("neg", (vals[-1],), _NO_PARAMS)
    else:
        b = vals.pop()
        vals[-1] = build(op, (vals[-1], b), _NO_PARAMS)


def _parse(text: str) -> Expr:
    toks, kinds = _tokens(text)
    ops: list = []     # pending operators, open parentheses and calls
    vals: list = []    # finished operands
    depth = 0          # open parentheses and calls on ops
    leaves: dict = {}  # one object per symbol or literal: equal anyway, and cheaper to walk
    operand = True     # whether an operand comes next (else an operator, ')' or the end)
    n = len(toks)
    i = 0
    while i < n:
        tok = toks[i]
        kind = kinds[tok]
        i += 1
        if operand:
            if kind == _NAME:
                if i < n and toks[i] == "(":
                    fn = FUNCTIONS.get(tok)
                    if fn is None:
                        _error(text, _position(text, i - 1), f"unknown function {_short(tok)} "
                               f"(known: {', '.join(sorted(FUNCTIONS))})")
                    ops.append(("call", 0, fn))
                    depth += 1
                    i += 1
                    continue
                leaf = leaves.get(tok)
                if leaf is None:
                    if tok in FUNCTIONS:
                        _error(text, _position(text, i - 1), f"function {tok!r} needs "
                               "parentheses")
                    leaf = leaves[tok] = (const(CONSTANTS[tok]) if tok in CONSTANTS
                                          else Symbol(tok))
                vals.append(leaf)
                operand = False
            elif kind == _NUM:
                leaf = leaves.get(tok)
                if leaf is None:
                    leaf = leaves[tok] = _number(tok)
                    if type(leaf) is str:
                        _error(text, _position(text, i - 1), leaf)
                vals.append(leaf)
                operand = False
            elif tok == "-":
                # --a is a: the pair cancels here, so a long run of minus signs costs
                # nothing later (the top is a minus only if it came just before)
                if ops and ops[-1] is _NEG:
                    ops.pop()
                else:
                    ops.append(_NEG)
            elif tok == "(":
                ops.append(_OPEN)
                depth += 1
            elif tok != "+":  # unary plus changes nothing
                _expected(text, toks, i - 1, "a number, a name or '('")
        elif tok in _BINARY:
            op = _BINARY[tok]
            if not op[2]:  # left-associative (^ is not, and nothing binds tighter)
                prec = op[1]
                while ops and ops[-1][1] >= prec:
                    top = ops.pop()[0]
                    if top == "neg":
                        vals[-1] = build("neg", (vals[-1],), _NO_PARAMS)
                    else:
                        b = vals.pop()
                        vals[-1] = build(top, (vals[-1], b), _NO_PARAMS)
            ops.append(op)
            operand = True
        elif tok == ")" and depth:
            while ops[-1][1]:
                _reduce(ops, vals)
            top = ops.pop()
            depth -= 1
            if top[0] == "call":
                vals[-1] = build(top[2], (vals[-1],), _NO_PARAMS)
        else:
            _expected(text, toks, i - 1,
                      "an operator or ')'" if depth else "an operator or the end")
    if operand:
        _expected(text, toks, n, "a number, a name or '('")
    if depth:
        _expected(text, toks, n, "an operator or ')'")
    while ops:
        _reduce(ops, vals)
    return vals[0]


def parse(text: Any) -> Expr:
    """The expression ``text`` describes, e.g. ``parse("log(x) + x*y - sin(y)")``.

    >>> from weifen import sym
    >>> sym.parse("log(x) + x*y - sin(y)")
    log(x) + x*y - sin(y)
    """
    if not isinstance(text, str):
        raise WeifenValueError(f"parse: expected a string, got a {type(text).__name__}")
    return _parse(text)
