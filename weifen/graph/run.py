"""Sorting, differentiating and running static graphs (CSE599G1's ``find_topo_sort``,
``gradients`` and ``Executor``), all with explicit loops: no recursion limit applies."""
from __future__ import annotations

from collections import deque
from typing import Any, Iterable

import numpy as np

from weifen.errors import ShapeError, WeifenError, WeifenTypeError, WeifenValueError
from weifen.graph.types import VALUE_TYPED, guard
from weifen.graph.ir import (MatMulOp, Node, PlaceholderOp, _short, add_op, oneslike_op,
                             zeroslike_op)


def find_topo_sort(node_list: Iterable[Node]) -> list[Node]:
    """Every node the given ones depend on, each once, inputs before consumers (Kahn's
    algorithm: repeatedly take a node whose inputs are all placed).

    >>> from weifen import graph as ad
    >>> x = ad.Variable(name="x")
    >>> y = ad.exp(x) * x
    >>> [str(n) for n in ad.find_topo_sort([y])]
    ['x', 'exp(x)', '(exp(x)*x)']
    """
    roots = list(node_list)
    for r in roots:
        if not isinstance(r, Node):
            raise WeifenTypeError(f"find_topo_sort: expected graph nodes, got a {type(r).__name__}")
    # 1. collect the graph, counting each node's inputs (in-degree) and its consumers
    indeg: dict[Node, int] = {}
    consumers: dict[Node, list[Node]] = {}
    order_seen: list[Node] = []
    stack = list(reversed(roots))
    while stack:
        n = stack.pop()
        if n in indeg:
            continue
        indeg[n] = len(n.inputs)
        order_seen.append(n)
        consumers.setdefault(n, [])
        for x in reversed(n.inputs):
            consumers.setdefault(x, []).append(n)
            if x not in indeg:
                stack.append(x)
    # 2. Kahn's algorithm, first-discovered first among the ready nodes
    ready = deque(n for n in order_seen if indeg[n] == 0)
    out: list[Node] = []
    while ready:
        n = ready.popleft()
        out.append(n)
        for c in consumers[n]:
            indeg[c] -= 1
            if indeg[c] == 0:
                ready.append(c)
    if len(out) != len(indeg):  # only possible if someone rewired inputs into a cycle
        raise WeifenValueError("find_topo_sort: the graph has a cycle")
    return out


def sum_node_list(node_list: list[Node]) -> Node:
    """The sum of the nodes (left to right)."""
    total = node_list[0]
    for n in node_list[1:]:
        total = add_op(total, n)
    return total


def gradients(output_node: Node, node_list: list[Node]) -> list[Node]:
    """Graph nodes for d(output)/d(node) for each node of ``node_list``, seeded with ones:
    for a non-scalar output, the gradient of its sum. The result is more graph, so
    gradients of gradients are just more calls.

    >>> import numpy as np
    >>> from weifen import graph as ad
    >>> x = ad.Variable(name="x")
    >>> (gx,) = ad.gradients(x * x, [x])
    >>> ad.Executor([gx]).run({x: np.array([3.0])})[0]
    array([6.])
    """
    if not isinstance(output_node, Node):
        raise WeifenTypeError(f"gradients: the output must be a graph node, got a "
                              f"{type(output_node).__name__}")
    grads: dict[Node, list[Node]] = {output_node: [oneslike_op(output_node)]}
    total: dict[Node, Node] = {}
    for node in reversed(find_topo_sort([output_node])):
        parts = grads.pop(node, None)
        if not parts:
            continue
        g = total[node] = sum_node_list(parts)
        if not node.inputs:
            continue
        for x, gx in zip(node.inputs, node.op.gradient(node, g)):
            if gx is not None:
                grads.setdefault(x, []).append(gx)
    return [total[n] if n in total else zeroslike_op(n) for n in node_list]


class Executor:
    """Evaluates ``eval_node_list`` from fed values: ``run(feed_dict)`` returns their values
    in order, computing every node once, in topological order.

    >>> import numpy as np
    >>> from weifen import graph as ad
    >>> x2, x3 = ad.Variable(name="x2"), ad.Variable(name="x3")
    >>> y = x2 * x3 + ad.exp(x2)
    >>> ad.Executor([y]).run(feed_dict={x2: np.zeros(2), x3: np.ones(2)})[0]
    array([1., 1.])
    """

    def __init__(self, eval_node_list: list[Node]) -> None:
        self.eval_node_list = list(eval_node_list)
        self.topo_order = find_topo_sort(self.eval_node_list)

    def run(self, feed_dict: dict) -> list:
        vals: dict[Node, Any] = {}
        for node, v in feed_dict.items():
            if not isinstance(node, Node):
                raise WeifenTypeError(f"feed_dict keys must be graph nodes, got a "
                                      f"{type(node).__name__}")
            vals[node] = _feed_value(v)
        for node in self.topo_order:
            if node in vals:
                continue
            if isinstance(node.op, PlaceholderOp):
                raise WeifenValueError(
                    f"Executor.run: no value fed for variable {node.name!r}; add it to feed_dict")
            ins = [vals[x] for x in node.inputs]
            try:
                v = vals[node] = node.op.compute(node, ins)
            except (ValueError, TypeError) as e:
                raise compute_error(node, ins, e) from None
            if node._aval is not None and getattr(node.op, "prim", None) is not None and \
                    node.op.prim.name in VALUE_TYPED:
                guard(v, node._aval, node.op.prim.name)
        return [vals[n] for n in self.eval_node_list]


def _feed_value(v: Any) -> Any:
    from weifen.tape.tensor import Tensor

    if isinstance(v, Tensor):
        return v.numpy()
    if isinstance(v, (list, tuple)):
        return np.asarray(v, dtype=float)
    return v


# words of NumPy's messages about shapes (broadcasting, core dimensions, axes)
_SHAPE_WORDS = ("shape", "dimension", "axis", "operand", "size")


def compute_error(node: Node, vals: list, e: Exception) -> Exception:
    """A weifen error for an error NumPy raised while running ``node``: it names the op
    once, the shapes of its inputs and the node, never repeating NumPy's own prefix.

    >>> import numpy as np
    >>> from weifen import graph as ad
    >>> a, b = ad.Variable(name="a"), ad.Variable(name="b")
    >>> ad.Executor([ad.matmul(a, b)]).run({a: np.ones((2, 3)), b: np.ones((4, 5))})
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    weifen.errors.ShapeError: matmul: shapes (2, 3) and (4, 5) do not fit: the inner ...
    """
    if isinstance(e, WeifenError):
        return e  # weifen's own errors already name what went wrong
    name = node.op.op_name
    msg = str(e).strip()
    if msg.startswith(name + ": "):  # NumPy starts some messages with its function's name
        msg = msg[len(name) + 2:]
    where = f"in {_short(node)}"
    if name == "matmul":
        m = _matmul_message(node, vals, where)
        if m is not None:
            return ShapeError(m)
    ins = ", ".join(_describe(v) for v in vals)
    text = f"{name}: {msg} ({where}; inputs: {ins})"
    if isinstance(e, TypeError):
        return WeifenTypeError(text)
    low = msg.lower()
    if "broadcast" in low:
        return ShapeError(text + "; shapes must broadcast as in NumPy (check the feeds, or "
                          "reshape / add an axis with [:, None])")
    if any(w in low for w in _SHAPE_WORDS):
        return ShapeError(text)
    return WeifenValueError(text)


def _matmul_message(node: Node, vals: list, where: str) -> str | None:
    if len(vals) != 2:
        return None
    a, b = (np.shape(v) for v in vals)
    if not a or not b:
        return (f"matmul: shapes {a} and {b} do not fit: matmul needs operands with at "
                f"least one dimension ({where}); use * for scalars")
    ea, eb = a, b  # the shapes the product sees, after trans_A / trans_B
    if isinstance(node.op, MatMulOp):
        if node.params.get("trans_A") and len(a) >= 2:
            ea = a[:-2] + (a[-1], a[-2])
        if node.params.get("trans_B") and len(b) >= 2:
            eb = b[:-2] + (b[-1], b[-2])
    k_a = ea[-1]
    k_b = eb[-2] if len(eb) >= 2 else eb[0]
    if k_a != k_b:
        seen = "" if (ea, eb) == (a, b) else f" (after transposing: {ea} and {eb})"
        return (f"matmul: shapes {a} and {b} do not fit{seen}: the inner dimensions {k_a} "
                f"and {k_b} differ ({where}); transpose an operand (trans_A=True / "
                f"trans_B=True) or reshape")
    return (f"matmul: shapes {a} and {b} do not fit: their batch dimensions "
            f"{ea[:-2]} and {eb[:-2]} do not broadcast ({where})")


def _describe(v: Any) -> str:
    s = getattr(v, "shape", None)
    if s is not None:
        return f"{tuple(s)} {getattr(v, 'dtype', '')}".strip()
    return type(v).__name__
