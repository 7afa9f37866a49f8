"""Sorting, differentiating and running static graphs (CSE599G1's ``find_topo_sort``,
``gradients`` and ``Executor``), all with explicit loops: no recursion limit applies."""
from __future__ import annotations

from collections import deque
from typing import Any, Iterable

import numpy as np

from weifen.errors import WeifenTypeError, WeifenValueError
from weifen.graph.ir import Node, PlaceholderOp, add_op, oneslike_op, zeroslike_op


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
            vals[node] = node.op.compute(node, [vals[x] for x in node.inputs])
        return [vals[n] for n in self.eval_node_list]


def _feed_value(v: Any) -> Any:
    from weifen.tape.tensor import Tensor

    if isinstance(v, Tensor):
        return v.numpy()
    if isinstance(v, (list, tuple)):
        return np.asarray(v, dtype=float)
    return v
