"""Helpers shared by the public function modules."""
from __future__ import annotations

from typing import Any

import numpy as np

from weifen.core.lift import as_data
from weifen.core.primitive import Box
from weifen.prims.shape import shape_of
from weifen.tape.tensor import _wrap


def _t(r: Any) -> Any:
    """Wrap a raw result in a level-0 Tensor; boxes pass through."""
    return r if isinstance(r, Box) else _wrap(r)


def _raw(x: Any) -> Any:
    """Lists become arrays (stacked differentiably when they hold weifen values)."""
    return as_data(x) if isinstance(x, (list, tuple)) else x


def _axis(axis: Any) -> Any:
    if isinstance(axis, list):
        return tuple(axis)
    return axis


def _count(x: Any, axis: Any) -> int:
    """How many elements a reduction over ``axis`` combines."""
    shape = shape_of(x)
    if axis is None:
        return int(np.prod(shape, dtype=np.int64))
    axes = (axis,) if isinstance(axis, int) else axis
    n = 1
    for a in axes:
        n *= shape[a]
    return n
