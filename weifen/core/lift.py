"""Where user data meets the tracers: lists of traced values, and the one test of "traced".

A *traced* value is one some live derivative depends on: a Tensor that records (it has a
node) or wraps a traced value, a ``Dual``, a value ``vmap`` is batching, a staged value.
Two rules keep weifen from ever turning one into a constant silently:

* a list or tuple holding traced values is stacked with differentiable ops
  (:func:`lift`), as ``jnp.array([x, 2 * x])`` and autograd's ``np.array`` are, wherever
  weifen receives array data (``Primitive.bind``, ``wf.tensor``, operators, transforms);
* every place that would take the raw numbers out of a traced value (``np.asarray``,
  ``float``, ``.item()``, ``.numpy()`` inside a transform) calls :func:`refuse` instead.

>>> import weifen as wf
>>> wf.grad(lambda x: wf.sum(wf.tensor([x, 2 * x])))(3.0)
tensor(3.)
"""
from __future__ import annotations

from typing import Any

from weifen.core.primitive import Box
from weifen.errors import WeifenTypeError, WeifenValueError

_MAX_NEST = 64  # NumPy's own limit on dimensions: deeper lists are not arrays


def traced(x: Any) -> bool:
    """Whether ``x`` carries a derivative that converting it to numbers would drop.

    >>> import weifen as wf
    >>> traced(wf.tensor(1.0)), traced(wf.tensor(1.0, requires_grad=True)), traced(2.0)
    (False, True, False)
    """
    while isinstance(x, Box):
        if getattr(x, "_node", False) is None:  # a Tensor recording nothing: look inside
            x = x._data
            continue
        return True
    return False


def holds_boxes(seq: Any) -> bool:
    """Whether a (nested) list or tuple holds any weifen value (a box) among its items.

    >>> import weifen as wf
    >>> holds_boxes([1.0, [2.0, wf.tensor(3.0)]]), holds_boxes([[1.0], (2.0,)])
    (True, False)
    """
    stack = [seq]
    while stack:
        for a in stack.pop():
            if isinstance(a, Box):
                return True
            if type(a) is list or type(a) is tuple:
                stack.append(a)
    return False


def lift(seq: Any) -> Any:
    """A list or tuple holding weifen values, stacked differentiably into one value.

    Nested lists stack along new leading axes, as ``np.array`` does; numbers and arrays
    among the items are constants. Items must share one shape (``np.array`` semantics);
    a ragged list is a ``WeifenValueError``. Lists with no weifen value in them are left
    for NumPy (the caller converts them as before).

    >>> import weifen as wf
    >>> x = wf.tensor(2.0, requires_grad=True)
    >>> y = lift([[x, 1.0], [3.0, x * x]])
    >>> y
    tensor([[2., 1.],
            [3., 4.]], grad_fn=<ConcatenateBackward>)
    """
    from weifen.prims.shape import concatenate_p, reshape_p, shape_of

    # post-order over the nested lists without recursion: frames are (items, done, out)
    root_out: list = []
    stack = [(seq, 0, root_out)]
    results: list = []
    while stack:
        items, i, out = stack[-1]
        if i == 0:
            if len(stack) > _MAX_NEST:
                raise WeifenValueError(f"array data nested more than {_MAX_NEST} deep")
            results.append([])
        if i < len(items):
            stack[-1] = (items, i + 1, out)
            a = items[i]
            if type(a) is list or type(a) is tuple:
                stack.append((a, 0, results[-1]))
            else:
                results[-1].append(a)
            continue
        stack.pop()
        parts = results.pop()
        if not parts:
            raise WeifenValueError(
                "cannot stack an empty list that sits beside weifen values; give arrays")
        shapes = {shape_of(p) for p in parts}
        if len(shapes) != 1:
            raise WeifenValueError(
                f"cannot make an array from a list whose items have different shapes "
                f"{sorted(shapes)}; every row must have the same shape")
        s = shapes.pop()
        out.append(concatenate_p.bind(*[reshape_p.bind(p, shape=(1,) + s) for p in parts],
                                      axis=0))
    return root_out[0]


def as_data(x: Any) -> Any:
    """``x`` with a list or tuple made an array: stacked differentiably when it holds weifen
    values, by ``np.asarray`` otherwise; anything else passes unchanged.

    >>> as_data([1.0, 2.0])
    array([1., 2.])
    """
    if type(x) is list or type(x) is tuple:
        if holds_boxes(x):
            return lift(x)
        import numpy as np

        return np.asarray(x)
    return x


def refuse(x: Any, what: str) -> WeifenTypeError:
    """The error for taking the raw numbers out of traced ``x`` (raise it)."""
    kind = type(x).__name__
    return WeifenTypeError(
        f"{what} on a traced {kind} would drop its derivative (the value is being "
        "differentiated or batched by a weifen transform); compute with weifen functions "
        "(wf.sin, wf.stack, ...) instead of NumPy or Python numbers, or cut the derivative "
        "on purpose with wf.stop_gradient(x) / x.detach() first")


__all__ = ["as_data", "holds_boxes", "lift", "refuse", "traced"]
