"""Primitives behind the NumPy extras of :mod:`weifen.numpy.more_shape` and
:mod:`weifen.numpy.more_math`: the orderings ``argsort`` and ``argpartition`` (integer
results, no derivative; ``sort`` and ``partition`` gather with them), and ``cbrt``.

``cbrt`` is a primitive because its composite ``sign(x) * |x| ** (1/3)`` rounds differently
from NumPy and meets ``0 * inf`` at 0; its rules read only the output
(``d cbrt(x) = dx / (3 cbrt(x)**2)``, infinite at 0 as in JAX).

The orderings take a negative ``axis`` (the public functions normalise it), so a batch axis
in front changes nothing.

>>> import numpy as np
>>> argsort_p(np.array([3.0, 1.0, 2.0]), axis=-1)
array([1, 2, 0])
"""
from __future__ import annotations

import math

import numpy as np

from weifen.core.primitive import Primitive
from weifen.prims._batch import elementwise


def _argsort(x, axis=-1, kind=None, stable=None):
    return np.argsort(x, axis=axis, kind=kind, stable=stable)


def _argpartition(x, kth=0, axis=-1):
    return np.argpartition(x, kth, axis=axis)


argsort_p = Primitive("argsort", _argsort, nondiff=True)
argpartition_p = Primitive("argpartition", _argpartition, nondiff=True)


def _same_params(prim):
    def rule(vals, bd, B, **params):
        return prim(vals[0], **params)

    return rule


argsort_p.batch = _same_params(argsort_p)
argpartition_p.batch = _same_params(argpartition_p)


def _cbrt_float(x):
    return math.cbrt(x)


def _cbrt_scale(g, o, x):
    return g / (o * o * 3.0)


cbrt_p = Primitive("cbrt", lambda x: _cbrt_float(x) if type(x) is float else np.cbrt(x),
                   keep=((),), save_out=True, impl_array=np.cbrt, impl_float=_cbrt_float,
                   vjp=(_cbrt_scale,), jvp=(_cbrt_scale,))
cbrt_p.batch = elementwise(cbrt_p)

__all__ = ["argsort_p", "argpartition_p", "cbrt_p"]
