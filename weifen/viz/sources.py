"""What :func:`weifen.viz.draw` draws: each kind of computation read into boxes and edges.

One reader per kind, each an explicit walk (no recursion):

* a :class:`~weifen.viz.trace.Trace`: one box per step (``v_i: ln(v_{-1})``), values from the
  recording, adjoints from the primitives' vjp rules (the adjoint table's sweep);
* a Tensor's recorded tape (``grad_fn``, as torchviz's ``make_dot``): one box per recorded op
  and per leaf; a value is shown where the tape still holds it (a leaf's data, an input a
  later op saved, a ``retain_grad()`` tensor), an adjoint where PyTorch would keep one (a
  leaf's ``.grad``, a ``retain_grad()`` tensor's);
* a static-graph ``Node``, a list of them, or a made graph (anything with ``.outputs``):
  read through ``.inputs``, ``.op`` and ``.name``; values and adjoints need ``at`` (the feed
  dict) and come from ``Executor`` and ``gradients``;
* a symbolic ``Expr``: one box per distinct subexpression (the shared DAG); values and
  adjoints at the point ``at``, computed by weifen's tape.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from weifen.errors import WeifenTypeError, WeifenValueError
from weifen.viz.trace import Ref, Trace, _fmt, _vname

MAX_LINE = 48  # characters of a box line; longer text is cut with "..."
_INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "^", "neg": "-"}


@dataclass
class Picture:
    """Boxes and edges, before layout: box ``i`` is ``ids[i]`` (its DOT name), shows
    ``lines[i]`` and has kind ``kinds[i]`` (``input``, ``op``, ``const``, ``output``)."""

    ids: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    kinds: list = field(default_factory=list)
    edges: list = field(default_factory=list)
    pinned: list = field(default_factory=list)
    output: int | None = None  # a trace's output: DOT adds a ``y`` node after it
    note: str = ""

    def add(self, ident: str, lines: list, kind: str) -> int:
        self.ids.append(ident)
        self.lines.append([_cut(s) for s in lines])
        self.kinds.append(kind)
        return len(self.ids) - 1


def _cut(s: str) -> str:
    return s if len(s) <= MAX_LINE else s[:MAX_LINE - 3] + "..."


def _num(v: Any) -> str:
    if isinstance(v, str):
        return v
    return "(not kept)" if v is None else _fmt(v)


def _extra(lines: list, values: bool, adjoints: bool, value: Any, adjoint: Any) -> list:
    if values:
        lines.append(f"value = {_num(value)}")
    if adjoints:
        lines.append(f"adjoint = {_num(adjoint)}")
    return lines


# ============================================================================ traces
def trace_adjoints(tr: Trace) -> dict:
    """``bar v_i`` for every step from ``bar y = 1`` (the adjoint table's sweep); steps
    the output does not depend on get 0."""
    out = tr._value(tr.output)
    bar: dict = {tr.output: np.ones_like(out, dtype=float) if np.ndim(out) else 1.0}
    for s in reversed(tr._ops()):
        b = bar.get(s.index)
        if b is None:
            continue
        vals = tr._args(s)
        for k, g in tr._pulls(s, b, vals):
            j = s.args[k].index
            bar[j] = bar.get(j, 0.0) + g
    return bar


def from_trace(tr: Trace, values: bool = False, adjoints: bool = False) -> Picture:
    if tr.output is None:
        raise WeifenValueError("draw: the trace recorded no output")
    bar = trace_adjoints(tr) if adjoints else {}
    p = Picture()
    first = tr.steps[0].index if tr.steps else 0
    for s in tr.steps:
        if s.prim is None:
            head, kind = s.label, "input"
        else:
            head = tr.expression(s)
            kind = "output" if s.index == tr.output else "op"
        lines = _extra([f"{_vname(s.index)}: {head}"], values, adjoints, s.value,
                       bar.get(s.index, 0.0))
        k = p.add(f"v{s.index}", lines, kind)
        if s.prim is None:
            p.pinned.append(k)
        p.edges += [(a.index - first, k) for a in s.args if type(a) is Ref]
    p.output = tr.output - first
    return p


# ============================================================================ tapes
def _postorder(roots: list, inputs: Any) -> list:
    """Every node reachable from ``roots`` once, inputs before their users (first input
    first), by an explicit stack. ``inputs(node)`` lists a node's input nodes."""
    seen: set = set()
    out = []
    stack = [(r, False) for r in reversed(roots)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            if id(node) not in seen:
                seen.add(id(node))
                out.append(node)
            continue
        if id(node) in seen:
            continue
        stack.append((node, True))
        stack.extend((a, False) for a in reversed(inputs(node)) if id(a) not in seen)
    return out


def _alive(ref: Any) -> Any:
    return None if ref is None else ref()


def from_tensor(t: Any, values: bool = False, adjoints: bool = False,
                names: dict | None = None) -> Picture:
    names = {id(v): k for k, v in (names or {}).items()}
    p = Picture()
    root = t.grad_fn
    if root is None:  # a leaf, or a tensor that records nothing
        label = names.get(id(t), "leaf" if t.requires_grad else "tensor")
        lines = _extra([f"{label} {tuple(t.shape)}" if t.ndim else label], values, adjoints,
                       t.numpy(), t.grad)
        p.add("t0", lines, "output")
        return p
    nodes = _postorder([root], lambda n: [q for q in n.parents if q is not None])
    # a value the tape still holds: an input some later op saved (freed by backward)
    seen_val: dict = {}
    for n in nodes:
        vals = getattr(n, "vals", None)
        for q, v in zip(n.parents, vals or ()):
            if q is not None and v is not None:
                seen_val.setdefault(id(q), v)
    index = {}
    for n in nodes:
        if n.parents == ():  # a leaf (AccumulateGrad)
            leaf = _alive(getattr(n, "ref", None))
            name = names.get(id(leaf)) if leaf is not None else None
            shape = "" if leaf is None or not leaf.ndim else f" {tuple(leaf.shape)}"
            grad = None if leaf is None else leaf.grad
            lines = _extra([(name or "leaf") + shape], values, adjoints,
                           None if leaf is None else leaf.numpy(),
                           "None" if leaf is not None and grad is None else grad)
            index[id(n)] = p.add(f"n{len(index)}", lines, "input")
            continue
        kept = _alive(getattr(n, "retain", None))
        if n is root:
            kept = t
        value = kept.numpy() if kept is not None else getattr(n, "out", None)
        if value is None:
            value = seen_val.get(id(n))
        grad = kept.grad if kept is not None else None
        lines = _extra([n.name()], values, adjoints, value, grad)
        index[id(n)] = p.add(f"n{len(index)}", lines, "output" if n is root else "op")
    for n in nodes:
        for q in n.parents:
            if q is not None:
                p.edges.append((index[id(q)], index[id(n)]))
    if values or adjoints:
        p.note = ("values and adjoints the tape no longer holds show as (not kept); "
                  "retain_grad() keeps an intermediate's, or draw a wf.viz.trace")
    return p


# ============================================================================ static graphs
def _graph_label(node: Any) -> tuple[str, str]:
    op = node.op
    name = getattr(op, "op_name", type(op).__name__)
    if name == "placeholder":
        return str(node.name), "input"
    c = getattr(node, "const_attr", None)
    if name == "constant":
        return _fmt(c), "const"
    if name == "add_byconst":
        return f"+ {_fmt(c)}", "op"
    if name == "mul_byconst":
        return f"* {_fmt(c)}", "op"
    return _INFIX.get(name, name), "op"


def from_graph(roots: list, values: bool = False, adjoints: bool = False,
               at: dict | None = None, first: list = ()) -> Picture:
    """``first``: a made graph's inputs, drawn in the first column in their order (even
    those no output uses)."""
    from weifen import graph as ad

    nodes = _postorder(list(first) + list(roots), lambda n: list(n.inputs))
    vals = grads = None
    if values or adjoints:
        if at is None:
            raise WeifenValueError("draw: values and adjoints of a static graph need at= "
                                   "(its feed dict: {variable or name: value})")
        feed = _feed(nodes, at)
        if values:
            vals = ad.Executor(nodes).run(feed_dict=feed)
        if adjoints:
            if len(roots) != 1:
                raise WeifenValueError("draw: adjoints need one output node, got "
                                       f"{len(roots)}")
            gs = ad.gradients(roots[0], nodes)
            live = [g for g in gs if g is not None]
            run = iter(ad.Executor(live).run(feed_dict=feed) if live else [])
            grads = [0.0 if g is None else next(run) for g in gs]
    p = Picture()
    index = {}
    root_ids = {id(r) for r in roots}
    for k, n in enumerate(nodes):
        label, kind = _graph_label(n)
        if id(n) in root_ids and kind == "op":
            kind = "output"
        lines = _extra([label], values, adjoints, vals[k] if vals else None,
                       grads[k] if grads else None)
        index[id(n)] = p.add(f"n{k}", lines, kind)
    p.pinned = [index[id(n)] for n in first]
    for n in nodes:
        for q in n.inputs:
            p.edges.append((index[id(q)], index[id(n)]))
    return p


def _feed(nodes: list, at: dict) -> dict:
    by_name = {}
    for n in nodes:
        if getattr(n.op, "op_name", "") == "placeholder":
            by_name.setdefault(str(n.name), n)
    feed = {}
    for k, v in at.items():
        if isinstance(k, str):
            if k not in by_name:
                raise WeifenValueError(f"draw: the graph has no variable named {k!r}; it has "
                                       f"{sorted(by_name)}")
            k = by_name[k]
        feed[k] = v
    return feed


# ============================================================================ expressions
def _expr_label(e: Any) -> tuple[str, str]:
    if e.op == "symbol":
        return str(e.value), "input"
    if e.op == "const":
        return str(e.value), "const"
    head = _INFIX.get(e.op, e.op)
    params = dict(e.value) if e.value else {}
    if params:
        head += "(" + ", ".join(f"{k}={v}" for k, v in params.items()) + ")"
    return head, "op"


def expr_values(e: Any, at: dict, adjoints: bool) -> tuple[dict, dict]:
    """Each distinct subexpression's value at ``at`` ({name or symbol: number}) and, when
    asked, its adjoint, by weifen's tape (``retain_grad`` on every subexpression)."""
    import weifen as wf
    from weifen.core.primitive import REGISTRY

    point = {(k.value if not isinstance(k, str) else k): v for k, v in at.items()}
    v: dict = {}
    for node in e.nodes():
        if node.op == "symbol":
            if node.value not in point:
                raise WeifenValueError(f"draw: no value for {node.value} in at= (the "
                                       f"expression uses {_symbols(e)})")
            v[node] = wf.tensor(float(point[node.value]), requires_grad=adjoints)
        elif node.op == "const":
            c = node.value
            v[node] = c if isinstance(c, (int, float)) else float(c)
        else:
            r = apply_op(REGISTRY, node, [v[a] for a in node.args])
            if adjoints and isinstance(r, wf.Tensor) and r.requires_grad:
                r.retain_grad()
            v[node] = r
    grads: dict = {}
    root = v[e]
    if adjoints and isinstance(root, wf.Tensor) and root.requires_grad:
        root.backward()
        grads = {k: (t.grad if isinstance(t, wf.Tensor) and t.grad is not None else 0.0)
                 for k, t in v.items()}
    vals = {k: (t.numpy() if isinstance(t, wf.Tensor) else t) for k, t in v.items()}
    return vals, grads


def apply_op(registry: dict, node: Any, args: list) -> Any:
    """``node``'s operation on ``args`` through weifen's dispatch (``bind``), so whatever
    box the arguments are (a Tensor, a traced value) records it."""
    prim = registry.get(node.op)
    if prim is None:
        raise WeifenTypeError(f"no weifen operation for the expression op {node.op!r}")
    params = dict(node.value) if node.value else {}
    if node.op in ("add", "mul") and len(args) > 2:  # n-ary sums and products, pairwise
        r = args[0]
        for a in args[1:]:
            r = prim.bind(r, a)
        return r
    return prim.bind(*args, **params)


def _symbols(e: Any) -> str:
    return ", ".join(sorted(str(s.value) for s in e.free_symbols())) or "no symbols"


def from_expr(e: Any, values: bool = False, adjoints: bool = False,
              at: dict | None = None) -> Picture:
    vals = grads = {}
    if values or adjoints:
        if at is None:
            raise WeifenValueError("draw: values and adjoints of an expression need at= "
                                   "({name: value} for each symbol)")
        vals, grads = expr_values(e, at, adjoints)
    p = Picture()
    index: dict = {}
    for k, node in enumerate(e.nodes()):
        label, kind = _expr_label(node)
        if node is e and kind == "op":
            kind = "output"
        lines = _extra([label], values, adjoints and kind != "const", vals.get(node),
                       grads.get(node, 0.0))
        index[node] = p.add(f"e{k}", lines, kind)
        if kind == "input":
            p.pinned.append(index[node])
    for node in index:
        for a in node.args:
            p.edges.append((index[a], index[node]))
    return p
