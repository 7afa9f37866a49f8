"""The static graph's nodes and ops: CSE599G1's ``Node`` and ``Op``, and staging of weifen ops.

A :class:`Node` is an op applied to input nodes; it computes nothing until an
``Executor`` runs it. Two kinds of ops build nodes:

* the classic ops (``add_op``, ``mul_op``, ``matmul_op``, ...), each an :class:`Op` with
  ``compute`` and ``gradient``, exactly the teaching engine's interface (subclass ``Op``
  to add one);
* every weifen primitive: a ``Node`` is a box at the highest level, so ``ad.exp(x)``,
  ``x - y`` or ``wf.tanh(x)`` *stage* the primitive into a :class:`PrimOp` node, and its
  gradient is the primitive's own vjp rule run on nodes (one rule table for every face).

Nothing here recurses: names print, and graphs are sorted, differentiated and run, with
explicit stacks, so graphs of any depth work.

>>> from weifen import graph as ad
>>> x = ad.Variable(name="x")
>>> y = ad.exp(x) * x + 3
>>> str(y)
'((exp(x)*x)+3)'
"""
from __future__ import annotations

from typing import Any

import numpy as np

from weifen.array import ArrayMethods
from weifen.core.primitive import Box, Primitive, passthrough
from weifen.errors import WeifenTypeError, WeifenValueError
from weifen.graph import types as T
from weifen.graph.types import Aval


class Node(ArrayMethods, Box):
    """A node of a static graph: ``op`` applied to ``inputs`` (CSE599G1's ``Node``).

    ``const_attr`` holds the constant of the by-constant ops, ``params`` a staged
    primitive's parameters. ``name`` is the readable expression (``(x2*x3)``), built on
    demand; an op or a user may also set it.

    A node is *typed* when its shape and dtype are known (``node.aval``): constants always
    are, a ``Variable`` is when given ``shape=``, and an op node is when its inputs are.
    Typed nodes answer ``shape``, ``dtype``, ``ndim`` and ``size``, so weifen functions that
    read shapes (``mean``, ``reshape``, ``var``, indexing) stage too; the NumPy-named
    methods (``x.sum(axis=0)``, ``x.T``) and every operator, reflected ones included, work.
    """

    __slots__ = ("inputs", "op", "const_attr", "params", "_name", "_aval", "_checked",
                 "__weakref__")
    # Staging sits just above the eager tape (level 0: Tensors are constants to a graph)
    # and below every transform level (1, 2, ...) and user Dual (0.5 and up): a transform
    # run *while staging* (jit(grad(f)), make_graph(vmap(f))) wraps nodes in its boxes and
    # its rules bind on the nodes underneath, which stage.
    _level = 0.25
    __hash__ = object.__hash__  # identity, as in the classic engine: nodes are dict keys
    __eq__ = object.__eq__
    __ne__ = object.__ne__

    def __init__(self) -> None:
        self.inputs: list[Node] = []
        self.op: Op | None = None
        self.const_attr: Any = None
        self.params: dict = {}
        self._name: str | None = None
        self._aval: Aval | None = None
        self._checked: Any = None  # the type the checker last verified (nodes never change)

    # ------------------------------------------------------------------ naming
    @property
    def name(self) -> str:
        if self._name is not None:
            return self._name
        from weifen.graph.show import let_expression

        return let_expression(self)  # linear in the graph's size, shared parts named once

    @name.setter
    def name(self, value: str) -> None:
        self._name = value

    def __str__(self) -> str:
        # a named node is its name; an expression names each shared subexpression once
        return self.name

    __repr__ = __str__

    def _repr_svg_(self) -> str | None:
        """Jupyter draws a node's graph (up to a few hundred nodes; text beyond)."""
        from weifen.viz.draw import draw

        seen, stack = {id(self)}, [self]
        while stack:  # count the nodes first (stop past 400): big graphs show as text
            for i in stack.pop().inputs:
                if id(i) not in seen:
                    seen.add(id(i))
                    stack.append(i)
            if len(seen) > 400:
                return None
        try:
            return draw(self).to_svg()
        except Exception:  # noqa: BLE001 - a display hook must never raise; text shows
            return None

    # ------------------------------------------------------------------ types
    @property
    def aval(self) -> Aval | None:
        """The node's abstract value ``(shape, dtype, weak)``, or None if it is untyped."""
        if self._aval is None and self.op is not None and self.inputs:
            infer_lazily(self)
        return self._aval

    def _typed(self) -> Aval:
        a = self.aval
        if a is None:
            raise WeifenTypeError(
                f"graph node {_short(self)} has no shape until it runs: static graphs are "
                "built without shapes unless the variables have them (ad.Variable('x', "
                "shape=(3,))); use ad.reduce_sum, ad.matmul and elementwise ops, or "
                "evaluate with an Executor")
        return a

    @property
    def shape(self) -> tuple:
        return self._typed().shape

    @property
    def dtype(self) -> np.dtype:
        return self._typed().dtype

    def _primal_data(self) -> Any:
        # what transforms read for shapes, dtypes and array types (identity seeds, zero
        # tangents): the node's type with no values (reading numbers from it raises)
        a = self._aval if self._aval is not None else self.aval
        if a is None:
            raise WeifenTypeError(
                f"graph node {_short(self)} has no value until an Executor runs it")
        return T.Abstract(a, f"graph node {_short(self)}")

    def _concrete(self) -> Any:
        raise _no_value(self, "its value")

    # ------------------------------------------------------------------ operators
    def __add__(self, other: Any) -> "Node":
        if isinstance(other, Node):
            return add_op(self, other)
        if isinstance(other, Box):  # a transform's box: its interpreter takes the op
            return _stage("add", self, other)
        return add_byconst_op(self, other)

    def __radd__(self, other: Any) -> "Node":
        if isinstance(other, Box) and not isinstance(other, Node):
            return _stage("add", other, self)
        return self.__add__(other)

    def __mul__(self, other: Any) -> "Node":
        if isinstance(other, Node):
            return mul_op(self, other)
        if isinstance(other, Box):
            return _stage("mul", self, other)
        return mul_byconst_op(self, other)

    def __rmul__(self, other: Any) -> "Node":
        if isinstance(other, Box) and not isinstance(other, Node):
            return _stage("mul", other, self)
        return self.__mul__(other)

    def __sub__(self, other: Any) -> "Node":
        return _stage("sub", self, other)

    def __rsub__(self, other: Any) -> "Node":
        return _stage("sub", other, self)

    def __truediv__(self, other: Any) -> "Node":
        return _stage("div", self, other)

    def __rtruediv__(self, other: Any) -> "Node":
        return _stage("div", other, self)

    def __pow__(self, other: Any) -> "Node":
        return _stage("pow", self, other)

    def __neg__(self) -> "Node":
        return _stage("neg", self)

    # Order comparisons stage (a rule may need ``o > 0``). ``==`` stays identity, as in the
    # classic engine, so nodes work as dict keys and in lists; ad.equal / eq_p compare values.
    def __gt__(self, other: Any) -> "Node":
        return _stage("gt", self, other)

    def __lt__(self, other: Any) -> "Node":
        return _stage("lt", self, other)

    def __ge__(self, other: Any) -> "Node":
        return _stage("ge", self, other)

    def __le__(self, other: Any) -> "Node":
        return _stage("le", self, other)

    def __bool__(self) -> bool:
        raise _no_value(self, "the truth value")

    def __float__(self) -> float:
        raise _no_value(self, "float()")

    def __int__(self) -> int:
        raise _no_value(self, "int()")

    __index__ = __int__

    def __complex__(self) -> complex:
        raise _no_value(self, "complex()")

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        raise _no_value(self, "np.asarray")

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    # typed operands stage the matmul primitive (any ranks, NumPy's rules); untyped ones
    # the classic MatMulOp (matrices), whose gradient reads shapes at run time
    def __matmul__(self, other: Any) -> "Node":
        if isinstance(other, Box) and not isinstance(other, Node) or (
                self._aval is not None and getattr(as_node(other), "_aval", None) is not None):
            return _stage("matmul", self, other)
        return matmul_op(self, as_node(other))

    def __rmatmul__(self, other: Any) -> "Node":
        if isinstance(other, Box) or self._aval is not None:
            return _stage("matmul", other, self)
        return matmul_op(as_node(other), self)

    # ------------------------------------------------------------------ staging
    def _process(self, prim: Primitive, args: tuple, params: dict) -> "Node":
        if prim.impl_traceable:
            # checkpoint / custom rules: the user's function is written in weifen ops, so it
            # stages straight into the graph (a rule that closes over residuals of its
            # own forward pass must not see stand-in values)
            from weifen.tape.tensor import Tensor

            out = prim.impl(*args, **params)
            return out._data if isinstance(out, Tensor) and isinstance(out._data, Node) else out
        return PrimOp(prim, params)(*[as_node(a) for a in args])


def _short(node: Node) -> str:
    """The node's name, cut at 60 characters (rendered only that far: an expression of a
    deep shared graph is exponentially long as a tree)."""
    from weifen.graph.show import expression

    s = node._name if node._name is not None else expression(node, limit=61)
    return s if len(s) <= 60 else s[:57] + "..."


def _no_value(node: Node, what: str) -> WeifenTypeError:
    return WeifenTypeError(
        f"{what} of graph node {_short(node)} is not known while a graph is built (by "
        "wf.graph, wf.make_graph or wf.jit): Python control flow on a traced value cannot "
        "be staged. Use wf.where(cond, a, b) for data-dependent choices, or pass the value "
        "as a static argument (wf.jit(f, static_argnums=...)) so that each value gets its "
        "own compiled graph")


def infer_lazily(node: Node) -> None:
    """Type ``node`` (and its untyped ancestors) if every variable below it is typed;
    an explicit stack, no recursion."""
    stack = [node]
    seen: set = set()
    while stack:
        n = stack[-1]
        if n._aval is not None or n.op is None:
            stack.pop()
            continue
        pending = [x for x in n.inputs if x._aval is None and id(x) not in seen]
        if pending:
            for x in pending:
                seen.add(id(x))
                if isinstance(x.op, PlaceholderOp) or x.op is None:
                    return  # an untyped variable: everything above it stays untyped
            stack.extend(pending)
            continue
        stack.pop()
        if any(x._aval is None for x in n.inputs):
            return
        n._aval = n.op.infer(n, [x._aval for x in n.inputs], _consts(n.inputs))


def _consts(inputs: list) -> list:
    return [x.const_attr if isinstance(x.op, ConstantOp) else None for x in inputs]


def typed(node: Node) -> Node:
    """Infer ``node``'s type now when all its inputs are typed (what known ops call last)."""
    ins = node.inputs
    for x in ins:
        if x._aval is None:
            return node
    node._aval = node.op.infer(node, [x._aval for x in ins], _consts(ins))
    return node


def _stage(name: str, *args: Any) -> Node:
    from weifen.core.primitive import REGISTRY

    # bind picks the interpreter: this node's staging, or a transform box above it
    return REGISTRY[name].bind(*args)


def as_node(x: Any) -> Node:
    """``x`` itself if it is a node, else a constant node holding its value."""
    if isinstance(x, Node):
        return x
    return constant(x)


def _value(x: Any) -> Any:
    """A constant's raw value: a Tensor that records nothing gives its array. One that
    requires grad (while the tape records) is refused: as a graph constant it would lose
    its derivative silently."""
    from weifen.core.state import recording
    from weifen.tape.tensor import Tensor

    if isinstance(x, Tensor):
        if x._node is not None and recording(x._level):
            raise WeifenTypeError(
                "a Tensor that requires grad cannot become a constant of a graph (wf.graph, "
                "make_graph or jit), which would drop its derivative: pass it as an argument "
                "of the staged function, or use x.detach() for its value")
        return x.numpy()
    if isinstance(x, Box):
        raise WeifenTypeError(f"a {type(x).__name__} cannot be a constant of a static graph")
    return x


def _fmt_const(c: Any) -> str:
    if isinstance(c, (int, float, np.number)):
        return repr(c.item() if isinstance(c, np.number) else c)
    return f"<{type(c).__name__} {getattr(c, 'shape', '')}>".replace(" >", ">")


# ============================================================================ ops
class Op:
    """An operation of the static graph (CSE599G1's ``Op``).

    Subclass it with ``__call__`` (build the node: ``Op.__call__(self)`` gives a fresh
    node with ``op`` set), ``compute(node, input_vals)`` (the value, from the inputs'
    values) and ``gradient(node, output_grad)`` (one gradient node per input).
    """

    NAME = ""  # the name errors give (``matmul``); a user's subclass: its class name

    @property
    def op_name(self) -> str:
        return self.NAME or type(self).__name__

    def __call__(self) -> Node:
        node = Node()
        node.op = self
        return node

    def compute(self, node: Node, input_vals: list) -> Any:
        raise NotImplementedError(f"{type(self).__name__}.compute")

    def gradient(self, node: Node, output_grad: Node) -> list:
        raise NotImplementedError(f"{type(self).__name__}.gradient")

    def infer(self, node: Node, avals: list, consts: list) -> Aval:
        """``node``'s type from its inputs' types (``consts[i]``: the value of a constant
        input, else None). By default ``compute`` runs on stand-ins of the input types;
        an op whose ``compute`` has side effects should override this."""
        return T.infer_compute(self, node, avals, consts)

    def pieces(self, node: Node) -> list:
        """How ``node`` prints: strings and input nodes, in order."""
        parts: list = [f"{type(self).__name__}("]
        for i, x in enumerate(node.inputs):
            parts += ([","] if i else []) + [x]
        return parts + [")"]


def _binary(op: Op, a: Node, b: Node, params: dict | None = None) -> Node:
    node = Op.__call__(op)
    node.inputs = [a, b]
    if params is not None:
        node.params = params
    return typed(node)


def _unary(op: Op, a: Node, const: Any = None, params: dict | None = None) -> Node:
    node = Op.__call__(op)
    node.inputs = [a]
    node.const_attr = const
    if params is not None:
        node.params = params
    return typed(node)


def _prim(name: str) -> Primitive:
    from weifen.core.primitive import REGISTRY

    return REGISTRY[name]


class PlaceholderOp(Op):
    """A value fed at run time (``Variable``)."""

    NAME = "placeholder"

    def __call__(self) -> Node:
        return Op.__call__(self)

    def compute(self, node: Node, input_vals: list) -> Any:
        raise WeifenValueError(f"no value fed for variable {node.name!r}: pass it in feed_dict")

    def infer(self, node: Node, avals: list, consts: list) -> Aval:
        return node._aval

    def gradient(self, node: Node, output_grad: Node) -> list:
        return []


class ConstantOp(Op):
    """A constant value held in the graph (a number or an array used in an expression)."""

    NAME = "constant"

    def __call__(self, value: Any) -> Node:
        node = Op.__call__(self)
        node.const_attr = _value(value)
        node._aval = T.aval_of(node.const_attr)
        return node

    def infer(self, node: Node, avals: list, consts: list) -> Aval:
        return T.aval_of(node.const_attr)

    def compute(self, node: Node, input_vals: list) -> Any:
        return node.const_attr

    def gradient(self, node: Node, output_grad: Node) -> list:
        return []

    def pieces(self, node: Node) -> list:
        return [_fmt_const(node.const_attr)]


class AddOp(Op):
    NAME = "add"

    def __call__(self, a: Node, b: Node) -> Node:
        return _binary(self, a, b)

    def compute(self, node: Node, input_vals: list) -> Any:
        return input_vals[0] + input_vals[1]

    def infer(self, node: Node, avals: list, consts: list) -> Aval:
        return T.infer_prim(_prim("add"), {}, avals, consts)

    def gradient(self, node: Node, output_grad: Node) -> list:
        a, b = node.inputs
        return [sum_like_op(output_grad, a), sum_like_op(output_grad, b)]

    def pieces(self, node: Node) -> list:
        return ["(", node.inputs[0], "+", node.inputs[1], ")"]


class AddByConstOp(Op):
    NAME = "add_byconst"

    def __call__(self, a: Node, const: Any) -> Node:
        return _unary(self, a, _value(const))

    def compute(self, node: Node, input_vals: list) -> Any:
        return input_vals[0] + node.const_attr

    def infer(self, node: Node, avals: list, consts: list) -> Aval:
        c = node.const_attr
        return T.infer_prim(_prim("add"), {}, avals + [T.aval_of(c)], consts + [c])

    def gradient(self, node: Node, output_grad: Node) -> list:
        return [sum_like_op(output_grad, node.inputs[0])]

    def pieces(self, node: Node) -> list:
        return ["(", node.inputs[0], "+", _fmt_const(node.const_attr), ")"]


class MulOp(Op):
    NAME = "mul"

    def __call__(self, a: Node, b: Node) -> Node:
        return _binary(self, a, b)

    def compute(self, node: Node, input_vals: list) -> Any:
        return input_vals[0] * input_vals[1]

    def infer(self, node: Node, avals: list, consts: list) -> Aval:
        return T.infer_prim(_prim("mul"), {}, avals, consts)

    def gradient(self, node: Node, output_grad: Node) -> list:
        a, b = node.inputs
        return [sum_like_op(output_grad * b, a), sum_like_op(output_grad * a, b)]

    def pieces(self, node: Node) -> list:
        return ["(", node.inputs[0], "*", node.inputs[1], ")"]


class MulByConstOp(Op):
    NAME = "mul_byconst"

    def __call__(self, a: Node, const: Any) -> Node:
        return _unary(self, a, _value(const))

    def compute(self, node: Node, input_vals: list) -> Any:
        return input_vals[0] * node.const_attr

    def infer(self, node: Node, avals: list, consts: list) -> Aval:
        c = node.const_attr
        return T.infer_prim(_prim("mul"), {}, avals + [T.aval_of(c)], consts + [c])

    def gradient(self, node: Node, output_grad: Node) -> list:
        return [sum_like_op(output_grad * node.const_attr, node.inputs[0])]

    def pieces(self, node: Node) -> list:
        return ["(", node.inputs[0], "*", _fmt_const(node.const_attr), ")"]


class MatMulOp(Op):
    """``op(A) @ op(B)``, where ``op`` transposes when ``trans_A`` / ``trans_B`` is set."""

    NAME = "matmul"

    def __call__(self, a: Node, b: Node, trans_A: bool = False, trans_B: bool = False) -> Node:
        return _binary(self, as_node(a), as_node(b),
                       {"trans_A": bool(trans_A), "trans_B": bool(trans_B)})

    def infer(self, node: Node, avals: list, consts: list) -> Aval:
        sa, sb = avals[0].shape, avals[1].shape
        if node.params["trans_A"] and len(sa) >= 2:
            sa = sa[:-2] + (sa[-1], sa[-2])
        if node.params["trans_B"] and len(sb) >= 2:
            sb = sb[:-2] + (sb[-1], sb[-2])
        a = T.infer_prim(_prim("matmul"), {}, [T.Aval(sa, avals[0].dtype),
                                              T.Aval(sb, avals[1].dtype)], consts)
        return a

    def compute(self, node: Node, input_vals: list) -> Any:
        a, b = input_vals
        if node.params["trans_A"]:
            a = np.swapaxes(a, -1, -2)
        if node.params["trans_B"]:
            b = np.swapaxes(b, -1, -2)
        return np.matmul(a, b)

    def gradient(self, node: Node, output_grad: Node) -> list:
        a, b = node.inputs
        ta, tb = node.params["trans_A"], node.params["trans_B"]
        g = output_grad
        ga = matmul_op(b, g, tb, True) if ta else matmul_op(g, b, False, not tb)
        gb = matmul_op(g, a, True, ta) if tb else matmul_op(a, g, not ta, False)
        return [ga, gb]

    def pieces(self, node: Node) -> list:
        p = node.params
        return ["MatMul(", node.inputs[0], ",", node.inputs[1],
                f",{p['trans_A']},{p['trans_B']})"]


class OnesLikeOp(Op):
    NAME = "oneslike"

    def __call__(self, a: Node) -> Node:
        return _unary(self, a)

    def compute(self, node: Node, input_vals: list) -> Any:
        return np.ones_like(input_vals[0], dtype=np.result_type(input_vals[0], 1.0))

    def gradient(self, node: Node, output_grad: Node) -> list:
        # no gradient at all (not a node of zeros): the seed of a gradient graph is built
        # with oneslike, and a dense zero there would meet an infinite local derivative in
        # the second-order graph (0 * inf = nan for the hessian of x ** 0.5 at 0)
        return [None]

    def pieces(self, node: Node) -> list:
        return ["Oneslike(", node.inputs[0], ")"]


class ZerosLikeOp(Op):
    NAME = "zeroslike"

    def __call__(self, a: Node) -> Node:
        return _unary(self, a)

    def compute(self, node: Node, input_vals: list) -> Any:
        return np.zeros_like(input_vals[0], dtype=np.result_type(input_vals[0], 1.0))

    def gradient(self, node: Node, output_grad: Node) -> list:
        return [None]  # constant in its input's values, as OnesLikeOp

    def pieces(self, node: Node) -> list:
        return ["Zeroslike(", node.inputs[0], ")"]


class ReduceSumOp(Op):
    """``sum(x, axis, keepdims)``; its gradient broadcasts back to ``x``'s run-time shape."""

    NAME = "reduce_sum"

    def __call__(self, a: Node, axis: Any = None, keepdims: bool = False) -> Node:
        return _unary(self, as_node(a), params={
            "axis": tuple(axis) if isinstance(axis, list) else axis, "keepdims": bool(keepdims)})

    def compute(self, node: Node, input_vals: list) -> Any:
        return np.sum(input_vals[0], **node.params)

    def gradient(self, node: Node, output_grad: Node) -> list:
        x = node.inputs[0]
        axis, keepdims = node.params["axis"], node.params["keepdims"]
        g = output_grad if keepdims or axis is None else expand_like_op(output_grad, x, axis)
        return [broadcast_like_op(g, x)]

    def pieces(self, node: Node) -> list:
        p = node.params
        extra = "" if p["axis"] is None else f",axis={p['axis']}"
        extra += ",keepdims=True" if p["keepdims"] else ""
        return ["ReduceSum(", node.inputs[0], f"{extra})"]


class SumLikeOp(Op):
    """``g`` summed over the axes it was broadcast along to match ``x``'s shape (unbroadcast)."""

    NAME = "sum_like"

    def __call__(self, g: Node, x: Node) -> Node:
        return _binary(self, g, x)

    def compute(self, node: Node, input_vals: list) -> Any:
        from weifen.prims.reduce import sum_to_shape
        from weifen.prims.shape import shape_of

        g, x = input_vals
        return sum_to_shape(g, shape_of(x))

    def gradient(self, node: Node, output_grad: Node) -> list:
        return [broadcast_like_op(output_grad, node.inputs[0]), None]

    def pieces(self, node: Node) -> list:
        return ["SumLike(", node.inputs[0], ",", node.inputs[1], ")"]


class BroadcastLikeOp(Op):
    """``g`` broadcast to ``x``'s shape (the adjoint of :class:`SumLikeOp`)."""

    NAME = "broadcast_like"

    def __call__(self, g: Node, x: Node) -> Node:
        return _binary(self, g, x)

    def compute(self, node: Node, input_vals: list) -> Any:
        g, x = input_vals
        return np.broadcast_to(g, np.shape(x)).copy()

    def gradient(self, node: Node, output_grad: Node) -> list:
        return [sum_like_op(output_grad, node.inputs[0]), None]

    def pieces(self, node: Node) -> list:
        return ["BroadcastLike(", node.inputs[0], ",", node.inputs[1], ")"]


class ExpandLikeOp(Op):
    """A reduction's output given back its reduced axes (length 1) for ``x``'s rank."""

    NAME = "expand_like"

    def __call__(self, g: Node, x: Node, axis: Any) -> Node:
        return _binary(self, g, x, {"axis": axis})

    def compute(self, node: Node, input_vals: list) -> Any:
        g, x = input_vals
        axis = node.params["axis"]
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        nd = np.ndim(x)
        return np.expand_dims(g, tuple(sorted(a % nd for a in axes)))

    def gradient(self, node: Node, output_grad: Node) -> list:
        return [sum_like_op(output_grad, node.inputs[0]), None]

    def pieces(self, node: Node) -> list:
        return ["ExpandLike(", node.inputs[0], ",", node.inputs[1], ")"]


class PrimOp(Op):
    """A weifen primitive staged into the graph: ``impl`` computes, the vjp rules (run on
    nodes) differentiate."""

    def __init__(self, prim: Primitive, params: dict) -> None:
        self.prim = prim
        self.params = params

    @property
    def op_name(self) -> str:
        return self.prim.name

    def __call__(self, *inputs: Node) -> Node:
        node = Op.__call__(self)
        node.inputs = list(inputs)
        node.params = self.params
        return typed(node)

    def compute(self, node: Node, input_vals: list) -> Any:
        return self.prim.impl(*input_vals, **self.params)

    def infer(self, node: Node, avals: list, consts: list) -> Aval:
        return T.infer_prim(self.prim, self.params, avals, consts)

    def gradient(self, node: Node, output_grad: Node) -> list:
        prim, params, xs = self.prim, self.params, node.inputs
        if prim.nondiff:
            return [None] * len(xs)
        rules = prim.vjp
        if rules is None:
            raise NotImplementedError(f"no vjp rule for primitive {prim.name!r}")
        g = output_grad
        if type(rules) is tuple:  # one rule per input (einsum declares up to 64)
            # a constant input needs no adjoint: its rule is not run (some refuse to run:
            # a Bessel function's order, a cdf's shape parameter)
            gs = [None if r is None or isinstance(x.op, ConstantOp)
                  else g if r is passthrough else r(g, node, *xs, **params)
                  for r, x in zip(rules[:len(xs)], xs)]
        else:
            gs = list(rules(g, node, *xs, **params))
        if prim.broadcasts:
            gs = [None if gi is None else sum_like_op(gi, x) for gi, x in zip(gs, xs)]
        return gs

    def pieces(self, node: Node) -> list:
        sym = _INFIX.get(self.prim.name)
        xs = node.inputs
        if sym is not None and len(xs) == 2:
            return ["(", xs[0], sym, xs[1], ")"]
        if self.prim.name == "neg":
            return ["(-", xs[0], ")"]
        parts: list = [f"{self.prim.name}("]
        for i, x in enumerate(xs):
            parts += ([","] if i else []) + [x]
        if self.params:
            parts.append("," + ",".join(f"{k}={v}" for k, v in self.params.items()))
        return parts + [")"]


_INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**", "gt": ">",
          "lt": "<", "ge": ">=", "le": "<=", "eq": "==", "ne": "!="}

# the classic op singletons (CSE599G1's names)
placeholder_op = PlaceholderOp()
constant = ConstantOp()
add_op = AddOp()
mul_op = MulOp()
add_byconst_op = AddByConstOp()
mul_byconst_op = MulByConstOp()
matmul_op = MatMulOp()
oneslike_op = OnesLikeOp()
zeroslike_op = ZerosLikeOp()
reduce_sum_op = ReduceSumOp()
sum_like_op = SumLikeOp()
broadcast_like_op = BroadcastLikeOp()
expand_like_op = ExpandLikeOp()


def Variable(name: str, shape: Any = None, dtype: Any = None, *,  # noqa: N802
             weak: bool = False) -> Node:
    """A graph input, fed at run time; two Variables are distinct even with equal names.

    With ``shape`` (and ``dtype``, float64 by default) the variable is typed: every node
    built from it knows its shape and dtype, and ops that read shapes stage too.

    >>> from weifen import graph as ad
    >>> x = ad.Variable(name="x")
    >>> x, type(x).__name__
    (x, 'Node')
    >>> import weifen as wf
    >>> v = ad.Variable("v", shape=(2, 3))
    >>> m = wf.mean(v, axis=0)
    >>> m.shape, m.dtype
    ((3,), dtype('float64'))
    """
    node = placeholder_op()
    node.name = name
    if shape is not None:
        node._aval = T.make_aval(shape, dtype, weak)
    elif dtype is not None:
        raise WeifenTypeError(f"Variable {name!r}: dtype= needs shape= as well (use shape=() "
                              "for a scalar)")
    return node
