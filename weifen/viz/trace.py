"""Evaluation traces in Griewank and Walther's numbering, with their three tables.

``trace(f, *args)`` runs ``f`` once with every primitive application recorded in order
(a Wengert list): inputs are ``v_{1-n} .. v_0``, intermediates ``v_1 .. v_l``, and the
output ``y`` is the last. From the list:

* ``forward_table()``: each ``v_i`` as an elementary operation on earlier ones, with its value;
* ``tangent_table(wrt)``: forward mode, ``dot v_i`` as the sum of the elemental partials
  times the tangents of ``v_i``'s arguments, seeded with 1 on the input ``wrt``;
* ``adjoint_table()``: reverse mode, ``bar v_j += (d v_i / d v_j) * bar v_i`` from
  ``bar y = 1`` down to the inputs;
* ``repr(t)``: a summary line and the forward table, its middle elided for long traces.

Every table, picture and the repr take time linear in the trace's length (arguments are
looked up by position, never by scanning the steps) and nothing recurses on it.

The recording is an interpreter like the others (a box at its own level), and the
derivatives come from the primitives' own jvp and vjp rules.

>>> import weifen as wf
>>> t = wf.viz.trace(lambda x1, x2: wf.log(x1) + x1 * x2 - wf.sin(x2), 2.0, 5.0)
>>> print(t.forward_table())
v_{-1} = x1               = 2
v_0    = x2               = 5
v_1    = ln(v_{-1})       = 0.693147
v_2    = v_{-1} * v_0     = 10
v_3    = v_1 + v_2        = 10.6931
v_4    = sin(v_0)         = -0.958924
v_5    = v_3 - v_4        = 11.6521
y      = v_5              = 11.6521
>>> t.adjoint_table().values["x1"], round(t.adjoint_table().values["x2"], 6)
(5.5, 1.716338)
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from weifen.array import ArrayMethods
from weifen.core.primitive import Box, Primitive, passthrough
from weifen.core.state import new_level
from weifen.errors import WeifenTypeError, WeifenValueError


@dataclass
class Step:
    """One recorded elementary operation: ``v_index = prim(args; params)``."""

    index: int
    prim: Primitive | None  # None for an input
    args: list  # each a Ref (an earlier v) or a constant value
    params: dict
    value: Any
    label: str = ""  # the input's name


class _Traced(ArrayMethods, Box):
    """A value the trace is following: its index in the list, and its value."""

    __slots__ = ("_trace", "_index", "_value", "_level")

    def _primal_data(self) -> Any:
        return self._value

    def _process(self, prim: Primitive, args: tuple, params: dict) -> Any:
        tr, L = self._trace, self._level
        refs, vals = [], []
        for a in args:
            if isinstance(a, _Traced) and a._level == L:
                refs.append(Ref(a._index))
                vals.append(a._value)
            else:
                refs.append(a)
                vals.append(a)
        out = prim.bind(*vals, **params)
        if prim.nondiff:
            return out  # comparisons and the like: constants to the derivative
        return tr._record(prim, refs, params, out, L)

    def __repr__(self) -> str:
        return f"<traced {_vname(self._index)} = {_fmt(self._value)}>"


def _vname(i: int) -> str:
    return f"v_{i}" if i >= 0 else "v_{" + str(i) + "}"


def _join(terms: list) -> str:
    """Terms summed: ``a + -b`` shows as ``a - b``; no terms, ``0``."""
    out = terms[0] if terms else "0"
    for t in terms[1:]:
        out += f" - {t[1:]}" if t.startswith("-") else f" + {t}"
    return out


def _fmt(v: Any) -> str:
    a = np.asarray(v)
    if a.ndim == 0:
        x = a.item()
        if isinstance(x, float):
            if x == int(x) and abs(x) < 1e15:
                return str(int(x))
            return f"{x:.6g}"
        return str(x)
    return np.array2string(a, precision=4, separator=", ", threshold=8,
                           max_line_width=10 ** 6).replace("\n", "")


_NAMES = {"log": "ln"}
_INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "^"}


class Trace:
    """The recorded evaluation of ``f`` at one point; build it with :func:`trace`."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.steps: list[Step] = []
        self.output: int | None = None

    def _record(self, prim: Primitive, refs: list, params: dict, out: Any, L: int) -> _Traced:
        i = len(self.steps) - len(self.names) + 1
        self.steps.append(Step(i, prim, refs, dict(params), out))
        return _box(self, i, out, L)

    def _arg(self, a: Any) -> str:
        return _vname(a.index) if type(a) is Ref else _fmt(a)

    def expression(self, step: Step) -> str:
        """``step`` as a formula in earlier ``v``s (``ln(v_{-1})``, ``v_1 + v_2``)."""
        if step.prim is None:
            return step.label
        name = step.prim.name
        args = [self._arg(a) for a in step.args]
        if name in _INFIX and len(args) == 2:
            return f"{args[0]} {_INFIX[name]} {args[1]}"
        if name == "neg":
            return f"-{args[0]}"
        extra = [f"{k}={v}" for k, v in step.params.items()]
        return f"{_NAMES.get(name, name)}({', '.join(args + extra)})"

    def _value(self, i: int) -> Any:
        """The value of ``v_i``. Steps are stored in numbering order (inputs from ``1 - n``),
        so this is a list lookup; building an index -> value map per call made every table
        quadratic in the trace's length."""
        return self.steps[i + len(self.names) - 1].value

    def _inputs(self) -> list[Step]:
        return self.steps[:len(self.names)]

    def _ops(self) -> list[Step]:
        return self.steps[len(self.names):]

    def _wrt(self, wrt: Any) -> int:
        if wrt is None:
            return self._inputs()[0].index
        if isinstance(wrt, str):
            for s in self._inputs():
                if s.label == wrt:
                    return s.index
            raise WeifenValueError(f"tangent_table: no input named {wrt!r}; inputs are "
                                   f"{self.names}")
        if isinstance(wrt, int) and 0 <= wrt < len(self.names):
            return self._inputs()[wrt].index
        raise WeifenValueError(f"tangent_table: wrt must be an input name or position, got {wrt!r}")

    def _args(self, step: Step) -> list:
        """``step``'s argument values. The table loops compute these once per step and hand
        them to the rule helpers below, rather than each helper rebuilding them."""
        return [self._value(a.index) if type(a) is Ref else a for a in step.args]

    def _partial(self, step: Step, k: int, vals: list) -> Any:
        """d v_i / d (argument k), for scalar steps; ``None`` when it is not a number."""
        if np.ndim(step.value) != 0 or np.ndim(vals[k]) != 0:
            return None
        return _raw(self._push(step, k, 1.0, vals))

    def _push(self, step: Step, k: int, t: Any, vals: list) -> Any:
        """The jvp of ``step`` along argument k with tangent ``t``."""
        rules = step.prim.jvp
        if type(rules) is tuple:
            rule = rules[k]
            if rule is None:
                return 0.0
            return t if rule is passthrough else _raw(rule(t, step.value, *vals, **step.params))
        ts = [t if j == k else None for j in range(len(vals))]
        return _raw(rules(ts, step.value, *vals, **step.params))

    def _tangent(self, step: Step, vals: list, dot: dict) -> Any:
        """``dot v_i``: the sum over traced arguments k of the jvp along k with ``dot v_k``."""
        rules = step.prim.jvp
        if type(rules) is tuple:
            total = 0.0
            for k, a in enumerate(step.args):
                if type(a) is Ref:
                    total = total + self._push(step, k, dot[a.index], vals)
            return total
        # A variadic rule (concatenate) takes every argument's tangent at once. Called once
        # per argument, each call builds a whole output, quadratic in the argument count; one
        # call gives the same sum (its per-argument pieces are disjoint), and adding 0.0
        # turns -0.0 into 0.0 as the sum starting from 0.0 did.
        ts = [dot[a.index] if type(a) is Ref else None for a in step.args]
        return 0.0 + _raw(rules(ts, step.value, *vals, **step.params))

    def _pulls(self, step: Step, b: Any, vals: list) -> list[tuple[int, Any]]:
        """The vjp of ``step`` with cotangent ``b``: ``(k, cotangent)`` for each traced
        argument k, in argument order and that argument's shape."""
        from weifen.prims.reduce import sum_to_shape

        rules = step.prim.vjp
        # A variadic rule returns every argument's cotangent: call it once, not once per
        # argument (which would be quadratic in the argument count).
        every = None if type(rules) is tuple else rules(b, step.value, *vals, **step.params)
        out = []
        for k, a in enumerate(step.args):
            if type(a) is not Ref:
                continue
            if every is not None:
                g = every[k]
            elif rules[k] is None:
                out.append((k, 0.0))
                continue
            elif rules[k] is passthrough:
                g = b
            else:
                g = rules[k](b, step.value, *vals, **step.params)
            g = _raw(g)
            shape = np.shape(vals[k])
            out.append((k, g if np.shape(g) == shape else _raw(sum_to_shape(g, shape))))
        return out

    def _term(self, step: Step, k: int, what: str, vals: list) -> str:
        """One partial times a tangent or an adjoint: a coefficient 1 is left out and -1
        shows as a minus sign (``dot v_3``, ``-bar v_5``, ``0.5 * dot v_{-1}``)."""
        c = self._partial(step, k, vals)
        j = _vname(step.args[k].index)
        i = _vname(step.index)
        if c is None:
            return f"d{i}/d{j} . dot {j}" if what == "dot" else f"bar {i} . d{i}/d{j}"
        v = f"dot {j}" if what == "dot" else f"bar {i}"
        s = _fmt(c)
        return v if s == "1" else "-" + v if s == "-1" else f"{s} * {v}"

    # ------------------------------------------------------------------ the tables
    def _forward_row(self, s: Step) -> tuple[str, str, str]:
        return (_vname(s.index), self.expression(s), _fmt(s.value))

    def _output_row(self) -> tuple[str, str, str]:
        return ("y", _vname(self.output), _fmt(self._value(self.output)))

    def forward_table(self) -> "Table":
        """``v_i = operation = value``, in evaluation order, then ``y``."""
        rows = [self._forward_row(s) for s in self.steps]
        rows.append(self._output_row())
        return Table("Forward (evaluation) trace", ("variable", "operation", "value"), rows,
                     {"y": _scalar(self._value(self.output))})

    def tangent_table(self, wrt: Any = None) -> "Table":
        """Forward mode seeded on input ``wrt`` (name or position; the first by default; an
        array input is seeded with ones): ``dot v_i = sum_j (d v_i / d v_j) dot v_j``."""
        seed = self._wrt(wrt)
        dot: dict[int, Any] = {}
        rows = []
        for s in self._inputs():  # an array input is seeded along all-ones
            one = np.ones_like(s.value, dtype=float) if np.ndim(s.value) else 1.0
            dot[s.index] = one if s.index == seed else one * 0.0
            rows.append(("dot " + _vname(s.index), "dot " + s.label, _fmt(dot[s.index])))
        for s in self._ops():
            vals = self._args(s)
            terms = [self._term(s, k, "dot", vals) for k, a in enumerate(s.args)
                     if type(a) is Ref]
            dot[s.index] = total = self._tangent(s, vals, dot)
            rows.append(("dot " + _vname(s.index), _join(terms), _fmt(total)))
        y = dot[self.output]
        rows.append(("dot y", "dot " + _vname(self.output), _fmt(y)))
        name = self._inputs()[seed + len(self.names) - 1].label
        return Table(f"Tangent (forward-mode) trace, seeded on {name}",
                     ("tangent", "elemental partials times tangents", "value"), rows,
                     {"dy": _scalar(y)})

    def adjoint_table(self) -> "Table":
        """Reverse mode from ``bar y = 1``: ``bar v_j += (d v_i / d v_j) bar v_i`` for each
        step i, last to first; the inputs' adjoints are the gradient."""
        out = self._value(self.output)
        bar: dict[int, Any] = {self.output: np.ones_like(out, dtype=float)
                               if np.ndim(out) else 1.0}
        rows = [("bar " + _vname(self.output), "bar y", "1")]
        for s in reversed(self._ops()):
            b = bar.get(s.index)
            if b is None:
                continue
            vals = self._args(s)
            for k, g in self._pulls(s, b, vals):
                j = s.args[k].index
                bar[j] = bar.get(j, 0.0) + g
                rows.append((f"bar {_vname(j)}", self._term(s, k, "bar", vals), _fmt(bar[j]),
                             "+="))
        values = {}
        for s in self._inputs():
            g = bar.get(s.index, 0.0)
            values[s.label] = _scalar(g)
            rows.append(("bar " + s.label, "bar " + _vname(s.index), _fmt(g)))
        return Table("Adjoint (reverse-mode) trace", ("adjoint", "update", "value"), rows, values)

    # ------------------------------------------------------------------ the REPL
    # Rows of the forward table shown by repr before and after the elision; a plain REPL
    # should print a screenful, not ten thousand lines.
    REPR_HEAD = 10
    REPR_TAIL = 6

    def __repr__(self) -> str:
        """A summary line, then the forward table (its middle elided for long traces).

        >>> import weifen as wf
        >>> wf.viz.trace(lambda x: wf.exp(x) * x, 0.0)
        Trace of 1 input (x1), 2 operations: y = v_2 = 0
        v_0 = x1             = 0
        v_1 = exp(v_0)       = 1
        v_2 = v_1 * v_0      = 0
        y   = v_2            = 0
        """
        n_in, n_ops = len(self.names), max(0, len(self.steps) - len(self.names))
        head = (f"Trace of {n_in} input{'s' * (n_in != 1)} ({', '.join(self.names)}), "
                f"{n_ops} operation{'s' * (n_ops != 1)}")
        if self.output is None:
            return head + " (no output recorded)"
        head += f": y = {_vname(self.output)} = {_fmt(self._value(self.output))}"
        # Only the shown rows are formatted, so repr stays cheap on a long trace.
        total = len(self.steps) + 1
        first, last = self.REPR_HEAD, self.REPR_TAIL
        if total <= first + last + 1:
            rows = [self._forward_row(s) for s in self.steps] + [self._output_row()]
            return head + "\n" + str(Table("", ("", "", ""), rows))
        shown = self.steps[:first] + self.steps[len(self.steps) - (last - 1):]
        rows = [self._forward_row(s) for s in shown] + [self._output_row()]
        lines = str(Table("", ("", "", ""), rows)).split("\n")
        gap = self.steps[first:len(self.steps) - (last - 1)]
        skip = (f"... {len(gap)} more steps ({_vname(gap[0].index)} .. "
                f"{_vname(gap[-1].index)}); forward_table() has them all ...")
        return "\n".join([head] + lines[:first] + [skip] + lines[first:])

    # ------------------------------------------------------------------ pictures
    def to_dot(self) -> str:
        """The computational graph in Graphviz's DOT language."""
        from weifen.viz.draw import trace_dot

        return trace_dot(self)

    def to_svg(self, path: str | None = None) -> str:
        """The computational graph as SVG (laid out here: no system packages needed);
        written to ``path`` when given. Returns the SVG text."""
        from weifen.viz.draw import trace_svg

        svg = trace_svg(self)
        if path is not None:
            with open(path, "w", encoding="utf-8") as f:
                f.write(svg)
        return svg

    def _repr_svg_(self) -> str:
        return self.to_svg()


@dataclass(frozen=True)
class Ref:
    """An argument that is an earlier traced value ``v_index`` (anything else is a constant)."""

    index: int


def _raw(x: Any) -> Any:
    from weifen.tape.tensor import Tensor

    if isinstance(x, Tensor):
        x = x.numpy()
    a = np.asarray(x)
    return a.item() if a.ndim == 0 else a


def _scalar(v: Any) -> Any:
    a = np.asarray(v)
    return a.item() if a.ndim == 0 else a


def _box(tr: Trace, i: int, value: Any, L: int) -> _Traced:
    b = object.__new__(_Traced)
    b._trace, b._index, b._value, b._level = tr, i, value, L
    return b


@dataclass
class Table:
    """A trace table: ``str`` gives aligned text; Jupyter shows HTML; ``values`` holds the
    results (``y``, ``dy``, or each input's adjoint)."""

    title: str
    header: tuple
    rows: list
    values: dict = field(default_factory=dict)

    def _cells(self) -> list[tuple[str, str, str, str]]:
        """Rows as (name, relation, formula, value); the relation is ``=`` or ``+=``."""
        return [(r[0], r[3] if len(r) > 3 else "=", r[1], r[2]) for r in self.rows]

    def __str__(self) -> str:
        cells = self._cells()
        w0 = max(len(c[0]) for c in cells)
        w1 = max(16, max(len(c[2]) for c in cells))
        wr = max(len(c[1]) for c in cells)
        return "\n".join(f"{a:<{w0}} {r:<{wr}} {b:<{w1}} = {c}".rstrip()
                         for a, r, b, c in cells)

    def to_markdown(self) -> str:
        lines = [f"| {' | '.join(self.header)} |", "|" + "---|" * len(self.header)]
        lines += [f"| `{a}` | `{'+= ' if r == '+=' else ''}{b}` | {c} |"
                  for a, r, b, c in self._cells()]
        return "\n".join(lines)

    def to_html(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.header)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(x)}</td>"
                             for x in (a, ("+= " if r == "+=" else "") + b, c)) + "</tr>"
            for a, r, b, c in self._cells())
        return (f"<table><caption>{html.escape(self.title)}</caption><thead><tr>{head}</tr>"
                f"</thead><tbody>{body}</tbody></table>")

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_html_(self) -> str:
        return self.to_html()


def trace(f: Callable, *args: Any, names: list[str] | None = None) -> Trace:
    """Run ``f(*args)`` once, recording every elementary operation in order.

    Inputs are named ``x1 .. xn`` unless ``names`` are given. ``f`` must return one value
    that depends on the inputs.
    """
    n = len(args)
    if n == 0:
        raise WeifenTypeError("trace: give f at least one input value")
    names = list(names) if names is not None else [f"x{k + 1}" for k in range(n)]
    if len(names) != n:
        raise WeifenValueError(f"trace: {len(names)} names for {n} inputs")
    tr = Trace(names)
    with new_level() as L:
        boxes = []
        for k, (a, name) in enumerate(zip(args, names)):
            v = _raw(a)
            i = k + 1 - n
            tr.steps.append(Step(i, None, [], {}, v, name))
            boxes.append(_box(tr, i, v, L))
        out = f(*boxes)
    if not (isinstance(out, _Traced) and out._trace is tr):
        raise WeifenValueError("trace: f's result does not depend on its inputs (or is not "
                               "one value)")
    tr.output = out._index
    return tr
