"""Graph nodes of the tape: one ``Node`` per recorded op, one ``LeafNode`` per leaf.

A Tensor requires grad exactly when it has a node: a ``LeafNode`` (a leaf the user or a
transform marked, where gradients accumulate) or a ``Node`` (the output of a recorded op;
the user sees it as ``grad_fn``).
"""
from __future__ import annotations

import weakref
from typing import Any


class LeafNode:
    """Where gradients of a leaf Tensor arrive (PyTorch's AccumulateGrad)."""

    __slots__ = ("ref", "__weakref__")
    parents = ()  # a leaf has no inputs
    height = 0  # and comes before every node (see Node)

    def __init__(self, tensor: Any) -> None:
        # a transform's leaves pass None: their gradients are returned, never stored
        self.ref = None if tensor is None else weakref.ref(tensor)

    def __repr__(self) -> str:
        return "<AccumulateGrad>"


class Node:
    """A recorded op: the primitive, what its vjp rules need, and the nodes of its inputs.

    ``vals`` are the saved arguments unboxed at this level (what backward uses), ``args`` the
    same arguments as boxes (what ``create_graph=True`` uses, so the rules record again);
    arguments the rules do not read are ``None``. ``parents[i]`` is the node of input ``i``
    or ``None`` when it needs no gradient. Backward frees a node by setting ``vals`` to
    ``None``. ``vsnap`` is the sum of the saved Tensors' versions (``None``: none saved).
    ``check`` sorts nodes for backward: 0 plain (one or two inputs, one rule each, no
    params, nothing to unbroadcast), 1 plain but with saved arrays whose versions
    (``vsnap``, ``outver``) must be checked, 2 anything else (including ``retain_grad``,
    the only reader of ``retain``); a node with ``check`` 0 may leave ``retain``, ``vsnap``
    and ``outver`` unset. ``height`` is one more than the highest input's
    (leaves are 0): every consumer of a node is higher than it, so visiting nodes from the
    highest down is a topological order.
    """

    __slots__ = ("prim", "params", "parents", "vals", "args", "out", "shapes", "vsnap",
                 "outver", "retain", "check", "height", "__weakref__")

    def name(self) -> str:
        return self.prim.backward_name

    @property
    def next_functions(self) -> tuple:
        """The nodes of the inputs (PyTorch's name), ``None`` for inputs without grad."""
        return tuple(self.parents)

    def __repr__(self) -> str:
        return f"<{self.prim.backward_name}>"
