"""Linear-algebra primitives: matmul (NumPy semantics, 1-D and batched), einsum, inv, ..."""
from __future__ import annotations

import numpy as np

from weifen.core.primitive import Primitive
from weifen.prims.reduce import sum_to_shape
from weifen.prims.shape import reshape_p, shape_of, transpose_p


def _swap_last(x):
    nd = len(shape_of(x))
    axes = tuple(range(nd - 2)) + (nd - 1, nd - 2)
    return transpose_p(x, axes=axes)


def _mm_vjp(g, out, a, b, which):
    sa, sb = shape_of(a), shape_of(b)
    if len(sa) == 1 and len(sb) == 1:  # inner product
        return g * b if which == 0 else g * a
    gs = shape_of(g)
    a2 = reshape_p(a, shape=(1,) + sa) if len(sa) == 1 else a
    b2 = reshape_p(b, shape=sb + (1,)) if len(sb) == 1 else b
    g2 = g
    if len(sa) == 1:
        g2 = reshape_p(g2, shape=gs[:-1] + (1,) + gs[-1:]) if len(sb) > 1 else \
            reshape_p(g2, shape=gs + (1,))
    if len(sb) == 1:
        g2 = reshape_p(g2, shape=shape_of(g2) + (1,)) if len(sa) > 1 else g2
    if which == 0:
        r = matmul_p(g2, _swap_last(b2))
        return reshape_p(sum_to_shape(r, shape_of(a2)), shape=sa)
    r = matmul_p(_swap_last(a2), g2)
    return reshape_p(sum_to_shape(r, shape_of(b2)), shape=sb)


matmul_p = Primitive(
    "matmul", np.matmul, keep=((1,), (0,)),
    vjp=(lambda g, out, a, b: _mm_vjp(g, out, a, b, 0),
         lambda g, out, a, b: _mm_vjp(g, out, a, b, 1)),
    jvp=(lambda da, out, a, b: matmul_p(da, b),
         lambda db, out, a, b: matmul_p(a, db)))
