"""User-facing reductions (``sum mean prod max min var std logsumexp norm``, ...)."""
from __future__ import annotations

from typing import Any

import numpy as np

from weifen.numpy._util import _axis, _count, _raw, _t
from weifen.numpy.elementwise import astype
from weifen.prims import reduce as R


def sum(x: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None) -> Any:  # noqa: A001
    """Sum over ``axis`` (all axes by default), as ``np.sum``.

    >>> import weifen as wf
    >>> wf.sum(wf.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=0)
    tensor([4., 6.])
    """
    if dtype is not None:
        x = astype(x, dtype)
    return _t(R.sum_p.bind(_raw(x), axis=_axis(axis), keepdims=keepdims))


def mean(x: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None) -> Any:
    """Arithmetic mean over ``axis``, as ``np.mean``.

    >>> import weifen as wf
    >>> wf.mean(wf.tensor([1.0, 2.0, 6.0]))
    tensor(3.)
    """
    x = _raw(x)
    return sum(x, axis=axis, keepdims=keepdims, dtype=dtype) / _count(x, _axis(axis))

__all__ = [n for n in dir() if not n.startswith("_") and n not in ("Any", "np", "annotations", "Box", "E", "R", "S", "LA")]
