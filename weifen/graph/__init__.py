"""``wf.graph``: define-then-run static graphs, compatible with the classic CSE599G1 engine.

Build nodes (nothing is computed), ask for gradients (which are more nodes), then run:

>>> import numpy as np
>>> from weifen import graph as ad
>>> x2, x3 = ad.Variable(name="x2"), ad.Variable(name="x3")
>>> y = x2 * x3 + ad.exp(x2)
>>> grad_x2, grad_x3 = ad.gradients(y, [x2, x3])
>>> y_val, gx2, gx3 = ad.Executor([y, grad_x2, grad_x3]).run(
...     feed_dict={x2: np.zeros(2), x3: 3 * np.ones(2)})
>>> y_val, gx2, gx3
(array([1., 1.]), array([4., 4.]), array([0., 0.]))
>>> str(y)
'((x2*x3)+exp(x2))'

Besides the classic ops, every weifen function accepts nodes and stages its primitives
(``ad.tanh(x)``, ``ad.sigmoid(x)``, ``x - y``, ``x ** 2``), and their gradients come from
the same rule table the other faces use.

Typed graphs: a ``Variable`` given a shape (and dtype) types every node built from it, so
ops that read shapes stage too; ``wf.make_graph(f, *args)`` stages a whole function into
such a graph (:mod:`weifen.graph.graph`), which the passes (:mod:`weifen.graph.passes`,
:mod:`weifen.graph.fusion`) optimise and ``wf.jit`` compiles (:mod:`weifen.graph.codegen`,
:mod:`weifen.graph.kernels`).

>>> import weifen as wf
>>> v = ad.Variable("v", shape=(2, 3), dtype=np.float32)
>>> (1 - wf.mean(v, axis=0)).aval
f32[3]
"""
from __future__ import annotations

from typing import Any

from weifen.graph.ir import (AddByConstOp, AddOp, BroadcastLikeOp, ConstantOp, MatMulOp,
                             MulByConstOp, MulOp, Node, OnesLikeOp, Op, PlaceholderOp,
                             PrimOp, ReduceSumOp, SumLikeOp, Variable, ZerosLikeOp,
                             add_byconst_op, add_op, constant, matmul_op, mul_byconst_op,
                             mul_op, oneslike_op, placeholder_op, reduce_sum_op, zeroslike_op)
from weifen.graph.run import Executor, find_topo_sort, gradients, sum_node_list
from weifen.graph.graph import Graph, make_graph
from weifen.numpy import elementwise as _E

exp = _E.exp
log = _E.log
sin = _E.sin
cos = _E.cos
tanh = _E.tanh
sigmoid = _E.sigmoid
relu = _E.relu


def reduce_sum(node: Any, axis: Any = None, keepdims: bool = False) -> Node:
    """The sum of ``node``'s entries over ``axis`` (all by default), as a graph node."""
    return reduce_sum_op(node, axis, keepdims)


def matmul(a: Any, b: Any, trans_A: bool = False, trans_B: bool = False) -> Node:  # noqa: N803
    """``a @ b`` as a graph node (``trans_A`` / ``trans_B`` transpose an operand first)."""
    return matmul_op(a, b, trans_A, trans_B)


def oneslike(node: Node) -> Node:
    """A node of ones shaped like ``node``'s value."""
    return oneslike_op(node)


def zeroslike(node: Node) -> Node:
    """A node of zeros shaped like ``node``'s value."""
    return zeroslike_op(node)


def __getattr__(name: str) -> Any:
    # the other weifen functions by their section-1 names (ad.square, ad.maximum, ...):
    # given nodes, they stage their primitives into the graph
    import weifen.numpy as wnp

    if name in getattr(wnp, "__all__", ()):
        return getattr(wnp, name)
    raise AttributeError(f"module 'weifen.graph' has no attribute {name!r}")


__all__ = ["Node", "Op", "Variable", "gradients", "Executor", "find_topo_sort",
           "sum_node_list", "add_op", "mul_op", "add_byconst_op", "mul_byconst_op",
           "matmul_op", "placeholder_op", "oneslike_op", "zeroslike_op", "reduce_sum_op",
           "constant", "exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "reduce_sum",
           "matmul", "oneslike", "zeroslike", "AddOp", "MulOp", "AddByConstOp",
           "MulByConstOp", "MatMulOp", "PlaceholderOp", "OnesLikeOp", "ZerosLikeOp",
           "ReduceSumOp", "SumLikeOp", "BroadcastLikeOp", "ConstantOp", "PrimOp", "Graph",
           "make_graph"]
