"""``wf.autograd.grad``: PyTorch's functional gradient on the eager tape.

>>> import weifen as wf
>>> x = wf.tensor([1.0, 2.0], requires_grad=True)
>>> g, = wf.autograd.grad((x ** 3).sum(), [x], create_graph=True)
>>> g
tensor([ 3., 12.], grad_fn=<MulBackward>)
>>> h, = wf.autograd.grad(g.sum(), [x])
>>> h
tensor([ 6., 12.])
"""
from __future__ import annotations

from typing import Any

from weifen.errors import GraphError
from weifen.tape.engine import _as_grad, run_backward
from weifen.tape.tensor import Tensor


def _seq(x: Any) -> list:
    if isinstance(x, Tensor):
        return [x]
    return list(x)


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool = False) -> tuple:
    """Gradients of ``outputs`` with respect to ``inputs``, as a tuple; ``.grad`` is untouched.

    >>> import weifen as wf
    >>> x = wf.tensor([1.0, 2.0], requires_grad=True)
    >>> wf.autograd.grad((x * x).sum(), [x])
    (tensor([2., 4.]),)
    >>> x.grad is None
    True
    """
    outs = _seq(outputs)
    ins = _seq(inputs)
    gos = [None] * len(outs) if grad_outputs is None else _seq(grad_outputs)
    if len(gos) != len(outs):
        raise GraphError(f"autograd.grad: {len(outs)} outputs but {len(gos)} grad_outputs")
    for i, t in enumerate(ins):
        if not isinstance(t, Tensor) or t._node is None:
            raise GraphError(f"autograd.grad: input {i} does not require grad")
    if retain_graph is None:
        retain_graph = create_graph
    res = run_backward(outs, gos, targets=ins, retain_graph=retain_graph,
                       create_graph=create_graph)
    result = []
    for i, (g, t) in enumerate(zip(res, ins)):
        if g is None:
            if not allow_unused:
                raise GraphError(
                    f"autograd.grad: input {i} was not used in the graph of the outputs; "
                    "pass allow_unused=True to get None for it")
            result.append(None)
        else:
            result.append(_as_grad(g, t, create_graph))
    return tuple(result)


__all__ = ["grad"]
