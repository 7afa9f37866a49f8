"""Neural-network helpers over arrays: ``softmax`` and ``log_softmax`` (stable composites).

Both shift by the maximum along ``axis`` with no derivative through it (the shift cancels
exactly, so stopping it changes no gradient and avoids overflow), then use primitives only.
"""
from __future__ import annotations

from typing import Any

from weifen.numpy._util import _axis, _raw, _t
from weifen.numpy.reduce import _stopped_max
from weifen.prims import elementwise as E
from weifen.prims import reduce as R

__all__ = ["softmax", "log_softmax"]


def softmax(x: Any, axis: Any = -1) -> Any:
    """``exp(x) / sum(exp(x))`` along ``axis`` (the last by default), computed stably.

    >>> import weifen as wf
    >>> wf.softmax(wf.tensor([[1.0, 1.0], [0.0, 1000.0]]))
    tensor([[0.5, 0.5],
            [0. , 1. ]])
    """
    x = _raw(x)
    axis = _axis(axis)
    e = E.exp_p.bind(x - _stopped_max(x, axis))
    return _t(e / R.sum_p.bind(e, axis=axis, keepdims=True))


def log_softmax(x: Any, axis: Any = -1) -> Any:
    """``x - logsumexp(x)`` along ``axis`` (the last by default), computed stably.

    >>> import weifen as wf
    >>> wf.log_softmax(wf.tensor([0.0, 0.0])).tolist() == [-0.6931471805599453] * 2
    True
    """
    x = _raw(x)
    axis = _axis(axis)
    s = x - _stopped_max(x, axis)
    return _t(s - E.log_p.bind(R.sum_p.bind(E.exp_p.bind(s), axis=axis, keepdims=True)))
