"""Reductions, and ``sum_to_shape`` (the engine's unbroadcast)."""
from __future__ import annotations

import numpy as np

from weifen.core.primitive import Primitive
from weifen.prims.shape import broadcast_to_p, reshape_p, shape_of


def _norm_axis(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    return tuple(sorted(a % ndim if ndim else a for a in axis))


def _keep_shape(shape, axis):
    """``shape`` with the reduced axes set to 1 (what ``keepdims=True`` would give)."""
    axes = _norm_axis(axis, len(shape))
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def _sum(x, axis=None, keepdims=False):
    return np.sum(x, axis=axis, keepdims=keepdims)


def _sum_vjp(g, out, x, axis=None, keepdims=False):
    shape = shape_of(x)
    if not keepdims:
        g = reshape_p(g, shape=_keep_shape(shape, axis))
    return broadcast_to_p(g, shape=shape)


sum_p = Primitive("sum", _sum, vjp=(_sum_vjp,),
                  jvp=(lambda dx, out, x, axis=None, keepdims=False:
                       sum_p(dx, axis=axis, keepdims=keepdims),))


def sum_to_shape(g, shape):
    """Sum ``g`` over broadcast axes so that it has ``shape`` (the inverse of broadcasting)."""
    gs = shape_of(g)
    if gs == shape:
        return g
    lead = len(gs) - len(shape)
    if lead < 0:
        return broadcast_to_p(g, shape=shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape) if s == 1 and gs[i + lead] != 1)
    if axes:
        g = sum_p(g, axis=axes, keepdims=True)
    return reshape_p(g, shape=shape)
