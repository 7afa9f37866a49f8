"""User-facing shape functions (``reshape transpose concatenate stack ...``) and indexing."""
from __future__ import annotations

from typing import Any

import numpy as np

from weifen.numpy._util import _count, _raw, _t
from weifen.prims import shape as S


def reshape(x: Any, shape: Any, order: str = "C") -> Any:
    """Give ``x`` a new shape (``-1`` infers one axis), as ``np.reshape``.

    >>> import weifen as wf
    >>> wf.reshape(wf.arange(4.0), (2, 2)).shape
    (2, 2)
    """
    if order != "C":
        raise NotImplementedError("reshape: only order='C' is supported")
    if isinstance(shape, int):
        shape = (shape,)
    x = _raw(x)
    shape = tuple(shape)
    if -1 in shape:
        shape = np.empty(S.shape_of(x), dtype=np.bool_).reshape(shape).shape if \
            _count(x, None) else tuple(0 if s == -1 else s for s in shape)
    return _t(S.reshape_p.bind(x, shape=shape))


def transpose(x: Any, axes: Any = None) -> Any:
    """Permute axes (reverse them by default), as ``np.transpose``.

    >>> import weifen as wf
    >>> wf.transpose(wf.zeros((2, 3))).shape
    (3, 2)
    """
    if axes is not None:
        axes = tuple(int(a) for a in axes)
    return _t(S.transpose_p.bind(_raw(x), axes=axes))


def broadcast_to(x: Any, shape: Any) -> Any:
    """A broadcast view of ``x`` with ``shape``; the gradient sums back.

    >>> import weifen as wf
    >>> wf.broadcast_to(wf.tensor([1.0, 2.0]), (2, 2)).shape
    (2, 2)
    """
    if isinstance(shape, int):
        shape = (shape,)
    return _t(S.broadcast_to_p.bind(_raw(x), shape=tuple(shape)))

__all__ = [n for n in dir() if not n.startswith("_") and n not in ("Any", "np", "annotations", "Box", "E", "R", "S", "LA")]
