"""Shape primitives: reshape, broadcast_to, transpose, indexing, concatenation, padding."""
from __future__ import annotations

import numpy as np

from weifen.core.primitive import Box, Primitive


def shape_of(x) -> tuple:
    """The shape of an array, a box or a Python number."""
    s = getattr(x, "shape", None)
    return s if s is not None else np.shape(x)


def _reshape(x, shape):
    return np.reshape(x, shape)


reshape_p = Primitive("reshape", _reshape, view=True,
                      vjp=(lambda g, out, x, shape: reshape_p(g, shape=shape_of(x)),),
                      jvp=(lambda dx, out, x, shape: reshape_p(dx, shape=shape),))


def _broadcast_to(x, shape):
    return np.broadcast_to(x, shape)


def _broadcast_vjp(g, out, x, shape):
    from weifen.prims.reduce import sum_to_shape

    return sum_to_shape(g, shape_of(x))


broadcast_to_p = Primitive("broadcast_to", _broadcast_to, view=True, vjp=(_broadcast_vjp,),
                           jvp=(lambda dx, out, x, shape: broadcast_to_p(dx, shape=shape),))


def _transpose(x, axes=None):
    return np.transpose(x, axes)


def _inverse_axes(axes, ndim):
    if axes is None:
        return None
    inv = [0] * ndim
    for i, a in enumerate(axes):
        inv[a % ndim] = i
    return tuple(inv)


transpose_p = Primitive(
    "transpose", _transpose, view=True, keep=((),),
    vjp=(lambda g, out, x, axes=None:
         transpose_p(g, axes=_inverse_axes(axes, len(shape_of(g)))),),
    jvp=(lambda dx, out, x, axes=None: transpose_p(dx, axes=axes),))

__all__ = ["Box", "shape_of", "reshape_p", "broadcast_to_p", "transpose_p"]
