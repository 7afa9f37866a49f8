"""More of NumPy's math: angle conversion, ``hypot``, ``fmin``/``fmax``, ``logaddexp``,
``sinc``, ``cbrt``, ``nan_to_num``, the parts of complex numbers, and differences,
gradients and integrals along an axis (``diff``, ``gradient``, ``trapezoid``).

All but ``cbrt`` (a primitive, for NumPy's rounding) and ``real``/``imag``/``conj`` (the
primitives of :mod:`weifen.prims.complex`) are composites, written so that their
derivatives hold to every order where the function is smooth:

* ``logaddexp(x, y)`` is ``max + softplus(-|x - y|)``, branch by branch, so its derivative is
  ``sigmoid(x - y)`` exactly, ties included (where each side gets 1/2);
* ``hypot`` scales by the larger magnitude (no overflow where NumPy has none);
* ``sinc`` takes its Taylor polynomial near 0, so ``sinc''(0) = -pi**2 / 3`` as in JAX.

>>> import weifen as wf
>>> wf.grad(lambda x: wf.logaddexp(x, 0.0))(0.0)
tensor(0.5)
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from weifen.core.primitive import Box
from weifen.errors import WeifenValueError
from weifen.numpy._util import _raw, _t
from weifen.numpy.elementwise import (abs as _abs, astype, equal, greater, isfinite, less,
                                      logical_and, logical_not, logical_or, maximum, minimum,
                                      not_equal, sin, softplus, sqrt, where)
from weifen.numpy.reduce import sum as _sum
from weifen.numpy.shape import _axis_index, _norm_axis, broadcast_to, concatenate, getitem
from weifen.numpy.shape import reshape
from weifen.prims import complex as C
from weifen.prims import elementwise as E
from weifen.prims import more as M
from weifen.prims.shape import shape_of
from weifen.tape.tensor import unary_op

__all__ = ["radians", "degrees", "deg2rad", "rad2deg", "hypot", "fmin", "fmax", "logaddexp",
           "logaddexp2", "sinc", "cbrt", "fabs", "nan_to_num", "real_if_close", "real", "imag",
           "conj", "conjugate", "angle", "diff", "gradient", "trapezoid", "trapz"]

LN2 = math.log(2.0)


def _dtype(x: Any) -> np.dtype:
    d = getattr(x, "dtype", None)
    return np.dtype(d) if d is not None else np.result_type(x)


def _is_complex(x: Any) -> bool:
    return _dtype(x).kind == "c"


# ---------------------------------------------------------------- angles
def radians(x: Any) -> Any:
    """Degrees to radians, as ``np.radians``.

    >>> import weifen as wf
    >>> wf.radians(wf.tensor([180.0]))
    tensor([3.14159265])
    """
    return _t(_raw(x) * (math.pi / 180.0))


def degrees(x: Any) -> Any:
    """Radians to degrees, as ``np.degrees``.

    >>> import weifen as wf
    >>> wf.degrees(wf.tensor([3.141592653589793]))
    tensor([180.])
    """
    return _t(_raw(x) * (180.0 / math.pi))


def deg2rad(x: Any) -> Any:
    """Degrees to radians, as ``np.deg2rad``.

    >>> import weifen as wf
    >>> wf.deg2rad(wf.tensor([90.0]))
    tensor([1.57079633])
    """
    return radians(x)


def rad2deg(x: Any) -> Any:
    """Radians to degrees, as ``np.rad2deg``.

    >>> import weifen as wf
    >>> wf.rad2deg(wf.tensor([1.5707963267948966]))
    tensor([90.])
    """
    return degrees(x)


# ---------------------------------------------------------------- binary composites
def hypot(x: Any, y: Any) -> Any:
    """``sqrt(x**2 + y**2)`` without overflow, elementwise with broadcasting, as ``np.hypot``.

    >>> import weifen as wf
    >>> wf.hypot(wf.tensor([3.0, 1e200]), wf.tensor([4.0, 1e200]))
    tensor([5.00000000e+000, 1.41421356e+200])
    """
    x, y = _raw(x), _raw(y)
    # scaled by the larger magnitude, held constant (the value does not depend on it, so
    # neither do the derivatives): no square overflows, and no rule divides by it squared
    a, b = _abs(x), _abs(y)
    big = logical_or(equal(a, np.inf), equal(b, np.inf))
    s = _t(E.stop_gradient_p.bind(maximum(a, b)))
    s = where(logical_or(big, equal(s, 0)), 1.0, s)
    u, v = x / s, y / s
    q = u * u + v * v
    zero = equal(q, 0)  # the origin: derivative 0 (the subgradient of this cone torch's
    root = where(zero, 0.0, sqrt(where(zero, 1.0, q)))  # norm picks), never 0/0
    return where(big, np.inf, s * root)


def fmax(x: Any, y: Any) -> Any:
    """Elementwise maximum that ignores NaNs (a NaN loses to a number), as ``np.fmax``.

    >>> import weifen as wf
    >>> wf.fmax(wf.tensor([1.0, float("nan")]), wf.tensor([float("nan"), 2.0]))
    tensor([1., 2.])
    """
    x, y = _raw(x), _raw(y)
    return where(not_equal(y, y), x, where(not_equal(x, x), y, maximum(x, y)))


def fmin(x: Any, y: Any) -> Any:
    """Elementwise minimum that ignores NaNs (a NaN loses to a number), as ``np.fmin``.

    >>> import weifen as wf
    >>> wf.fmin(wf.tensor([1.0, float("nan")]), wf.tensor([float("nan"), 2.0]))
    tensor([1., 2.])
    """
    x, y = _raw(x), _raw(y)
    return where(not_equal(y, y), x, where(not_equal(x, x), y, minimum(x, y)))


def _logaddexp(x: Any, y: Any, scale: float) -> Any:
    x, y = _raw(x), _raw(y)
    # equal infinities: x - y is nan, and the answer is that infinity (d = 0 gives it)
    same_inf = logical_and(equal(x, y), logical_not(isfinite(x)))
    d = where(same_inf, 0.0, x - y)
    if scale == 1.0:
        return where(greater(d, 0), x + softplus(-d), y + softplus(d))
    return where(greater(d, 0), x + softplus(-d * scale) / scale,
                 y + softplus(d * scale) / scale)


def logaddexp(x: Any, y: Any) -> Any:
    """``log(exp(x) + exp(y))`` without overflow, as ``np.logaddexp``.

    >>> import weifen as wf
    >>> round(float(wf.logaddexp(1000.0, 1000.0)), 6)
    1000.693147
    """
    return _logaddexp(x, y, 1.0)


def logaddexp2(x: Any, y: Any) -> Any:
    """``log2(2**x + 2**y)`` without overflow, as ``np.logaddexp2``.

    >>> import weifen as wf
    >>> wf.logaddexp2(wf.tensor([3.0]), wf.tensor([3.0]))
    tensor([4.])
    """
    return _logaddexp(x, y, LN2)


# ---------------------------------------------------------------- unary composites
def sinc(x: Any) -> Any:
    """``sin(pi x) / (pi x)``, 1 at 0, as ``np.sinc``; derivatives of every order at 0.

    >>> import weifen as wf
    >>> wf.sinc(wf.tensor([0.0, 0.5]))
    tensor([1.        , 0.63661977])
    """
    t = _raw(x) * math.pi
    small = less(_abs(t), 1e-3)
    safe = where(small, 1.0, t)
    t2 = t * t
    # 1 - t^2/6 + t^4/120 - t^6/5040: the next term is below 1e-20 where it is used
    taylor = 1.0 - t2 * (1.0 / 6.0 - t2 * (1.0 / 120.0 - t2 * (1.0 / 5040.0)))
    return where(small, taylor, sin(safe) / safe)


cbrt = unary_op(M.cbrt_p, lambda x: _t(M.cbrt_p.bind(_raw(x))))
cbrt.__name__ = cbrt.__qualname__ = "cbrt"
cbrt.__doc__ = """Elementwise cube root (real, also of negative numbers), as ``np.cbrt``.

>>> import weifen as wf
>>> wf.cbrt(wf.tensor([-8.0, 27.0]))
tensor([-2.,  3.])
"""


def fabs(x: Any) -> Any:
    """Absolute value as a float, as ``np.fabs`` (real inputs).

    >>> import weifen as wf
    >>> wf.fabs(wf.tensor([-1.5, 2.0]))
    tensor([1.5, 2. ])
    """
    x = _raw(x)
    dt = _dtype(x)
    if dt.kind == "c":
        raise TypeError("fabs: complex inputs are not supported (use abs)")
    return _abs(x if dt.kind == "f" else astype(x, np.float64))


def nan_to_num(x: Any, copy: bool = True, nan: Any = 0.0, posinf: Any = None,
               neginf: Any = None) -> Any:
    """NaN replaced by ``nan``, infinities by ``posinf`` / ``neginf`` (the largest finite
    numbers by default), as ``np.nan_to_num``; the gradient passes where ``x`` is finite.

    >>> import weifen as wf
    >>> wf.nan_to_num(wf.tensor([float("nan"), 1.0, float("-inf")]), neginf=-9.0)
    tensor([ 0.,  1., -9.])
    """
    x = _raw(x)
    dt = _dtype(x)
    if dt.kind in "biu":
        return _t(x)
    if dt.kind == "c":
        parts = [nan_to_num(p, copy, nan, posinf, neginf) for p in (real(x), imag(x))]
        return _t(C.complex_p.bind(*parts))
    big = np.finfo(dt).max
    pos = big if posinf is None else posinf
    neg = -big if neginf is None else neginf
    out = where(not_equal(x, x), nan, x)
    out = where(equal(x, np.inf), pos, out)
    out = where(equal(x, -np.inf), neg, out)
    return out if _dtype(out) == dt else astype(out, dt)


def real_if_close(a: Any, tol: float = 100) -> Any:
    """The real part if every imaginary part is within ``tol`` machine epsilons of 0, else
    the input unchanged, as ``np.real_if_close``.

    >>> import weifen as wf
    >>> wf.real_if_close(wf.tensor([1.0, 2.0]))
    tensor([1., 2.])
    """
    x = _raw(a)
    if not _is_complex(x):
        return _t(x)
    if tol > 1:
        tol = np.finfo(_dtype(x)).eps * tol
    v = x._concrete() if isinstance(x, Box) else np.asarray(x)
    return real(x) if bool(np.all(np.abs(np.imag(v)) < tol)) else _t(x)


# ---------------------------------------------------------------- complex parts
def real(val: Any) -> Any:
    """The real part (a real input unchanged), as ``np.real``. Derivatives follow JAX's
    convention for complex numbers.

    >>> import weifen as wf
    >>> wf.real(wf.tensor([1.0 + 2.0j]))
    tensor([1.])
    """
    x = _raw(val)
    return _t(C.real_p.bind(x)) if _is_complex(x) else _t(x)


def imag(val: Any) -> Any:
    """The imaginary part (zeros for a real input), as ``np.imag``.

    >>> import weifen as wf
    >>> wf.imag(wf.tensor([1.0 + 2.0j]))
    tensor([2.])
    """
    from weifen.creation import zeros_like

    x = _raw(val)
    return _t(C.imag_p.bind(x)) if _is_complex(x) else zeros_like(x)


def conj(x: Any) -> Any:
    """The complex conjugate (a real input unchanged), as ``np.conj``.

    >>> import weifen as wf
    >>> wf.conj(wf.tensor([1.0 + 2.0j]))
    tensor([1.-2.j], dtype=complex128)
    """
    x = _raw(x)
    return _t(C.conj_p.bind(x)) if _is_complex(x) else _t(x)


def conjugate(x: Any) -> Any:
    """The complex conjugate, as ``np.conjugate``.

    >>> import weifen as wf
    >>> wf.conjugate(wf.tensor([1.0 - 1.0j]))
    tensor([1.+1.j], dtype=complex128)
    """
    return conj(x)


def angle(z: Any, deg: bool = False) -> Any:
    """The argument of complex ``z`` (``arctan2(imag, real)``), as ``np.angle``; a real input
    gives 0 or pi (zero derivative away from 0). JAX's convention: the gradient of
    ``angle(z)`` is ``-i conj(z) / |z|**2``.

    >>> import weifen as wf
    >>> wf.angle(wf.tensor([1.0j, -1.0]), deg=True)
    tensor([ 90., 180.])
    """
    from weifen.numpy.elementwise import arctan2

    x = _raw(z)
    a = arctan2(imag(x), real(x))
    return a * (180.0 / math.pi) if deg else a


# ---------------------------------------------------------------- differences and integrals
_NO_VALUE: Any = object()


def _edge(v: Any, shape: tuple, ax: int) -> Any:
    v = _raw(v)
    if len(shape_of(v)) == 0:
        return broadcast_to(v, shape[:ax] + (1,) + shape[ax + 1:])
    return v


def _sl(x: Any, ax: int, lo: Any, hi: Any) -> Any:
    return getitem(x, _axis_index(ax, slice(lo, hi)))


def diff(a: Any, n: int = 1, axis: int = -1, prepend: Any = _NO_VALUE,
         append: Any = _NO_VALUE) -> Any:
    """The ``n``-th discrete difference along ``axis``, as ``np.diff``.

    >>> import weifen as wf
    >>> wf.diff(wf.tensor([1.0, 4.0, 9.0, 16.0]), n=2)
    tensor([2., 2.])
    """
    x = _raw(a)
    if n < 0:
        raise WeifenValueError(f"diff: order must be non-negative but got {n}")
    if n == 0:
        return _t(x)
    shape = tuple(shape_of(x))
    if not shape:
        raise WeifenValueError("diff requires input that is at least one dimensional")
    ax = _norm_axis(axis, len(shape), "diff")
    parts = [x]
    if prepend is not _NO_VALUE:
        parts.insert(0, _edge(prepend, shape, ax))
    if append is not _NO_VALUE:
        parts.append(_edge(append, shape, ax))
    if len(parts) > 1:
        x = concatenate(parts, axis=ax)
    boolean = _dtype(x) == np.bool_
    for _ in range(n):
        hi, lo = _sl(x, ax, 1, None), _sl(x, ax, None, -1)
        x = not_equal(hi, lo) if boolean else hi - lo
    return _t(x)


def _axis_shape(v: Any, nd: int, ax: int) -> Any:
    """A 1-D ``v`` shaped to broadcast along axis ``ax`` of an ``nd``-dimensional array."""
    return reshape(v, tuple(-1 if i == ax else 1 for i in range(nd)))


def _spacing(d: Any, n: int, name: str, dtype: np.dtype) -> Any:
    """One axis's spacing: a number, or the differences of 1-D coordinates (a number when
    they are even, as NumPy does). Plain numbers become Python floats and plain differences
    take ``dtype``, so that float32 values stay float32 through every derivative."""
    if isinstance(d, Box):
        if len(shape_of(d)) == 0:
            return d
        if len(shape_of(d)) != 1 or shape_of(d)[0] != n:
            raise WeifenValueError(f"{name}: when 1d, distances must match the length of the "
                                   "corresponding dimension")
        return diff(d if _dtype(d).kind != "i" else astype(d, np.float64))
    d = np.asarray(d)
    if d.ndim == 0:
        return float(d)
    if d.ndim != 1:
        raise WeifenValueError(f"{name}: distances must be either scalars or 1d")
    if len(d) != n:
        raise WeifenValueError(f"{name}: when 1d, distances must match the length of the "
                               "corresponding dimension")
    dx = np.diff(d.astype(np.float64) if d.dtype.kind in "iu" else d)
    return float(dx[0]) if (dx == dx[0]).all() else dx.astype(dtype)


def _gradient_axis(f: Any, ax: int, h: Any, edge_order: int) -> Any:
    nd = len(shape_of(f))

    def s(lo, hi):
        return _sl(f, ax, lo, hi)

    if len(shape_of(h)) == 0:  # uniform spacing
        inner = (s(2, None) - s(None, -2)) / (h * 2.0)
        if edge_order == 1:
            first = (s(1, 2) - s(0, 1)) / h
            last = (s(-1, None) - s(-2, -1)) / h
        else:
            first = s(0, 1) * (-1.5 / h) + s(1, 2) * (2.0 / h) + s(2, 3) * (-0.5 / h)
            last = s(-3, -2) * (0.5 / h) + s(-2, -1) * (-2.0 / h) + s(-1, None) * (1.5 / h)
        return concatenate([first, inner, last], axis=ax)
    h1, h2 = _sl(h, 0, None, -1), _sl(h, 0, 1, None)
    a = _axis_shape(-h2 / (h1 * (h1 + h2)), nd, ax)
    b = _axis_shape((h2 - h1) / (h1 * h2), nd, ax)
    c = _axis_shape(h1 / (h2 * (h1 + h2)), nd, ax)
    inner = a * s(None, -2) + b * s(1, -1) + c * s(2, None)

    def at(i):
        return getitem(h, i)

    if edge_order == 1:
        first = (s(1, 2) - s(0, 1)) / at(0)
        last = (s(-1, None) - s(-2, -1)) / at(-1)
    else:
        d1, d2 = at(0), at(1)
        first = (s(0, 1) * (-(d1 * 2.0 + d2) / (d1 * (d1 + d2))) + s(1, 2) *
                 ((d1 + d2) / (d1 * d2)) + s(2, 3) * (-d1 / (d2 * (d1 + d2))))
        d1, d2 = at(-2), at(-1)
        last = (s(-3, -2) * (d2 / (d1 * (d1 + d2))) + s(-2, -1) * (-(d2 + d1) / (d1 * d2))
                + s(-1, None) * ((d2 * 2.0 + d1) / (d2 * (d1 + d2))))
    return concatenate([first, inner, last], axis=ax)


def gradient(f: Any, *varargs: Any, axis: Any = None, edge_order: int = 1) -> Any:
    """The derivative of sampled values by second-order central differences inside and
    one-sided differences at the ends, as ``np.gradient`` (spacing: numbers or coordinates
    per axis); one array per axis (a tuple for several).

    >>> import weifen as wf
    >>> wf.gradient(wf.tensor([1.0, 4.0, 9.0, 16.0]))
    tensor([3., 4., 6., 7.])
    """
    f = _raw(f)
    shape = tuple(shape_of(f))
    nd = len(shape)
    if axis is None:
        axes = tuple(range(nd))
    else:
        axes = tuple(_norm_axis(a, nd, "gradient")
                     for a in (axis if isinstance(axis, (tuple, list)) else (axis,)))
    if len(set(axes)) != len(axes):
        raise WeifenValueError(f"gradient: repeated axis in {axes}")
    n = len(varargs)
    if n == 0:
        hs: list = [1.0] * len(axes)
    elif n == 1 and len(shape_of(varargs[0])) == 0:
        hs = list(varargs) * len(axes)
    elif n == len(axes):
        hs = list(varargs)
    else:
        raise TypeError("gradient: invalid number of arguments")
    if edge_order not in (1, 2):
        raise WeifenValueError("gradient: 'edge_order' must be 1 or 2")
    otype = _dtype(f) if _dtype(f).kind in "fc" else np.dtype(np.float64)
    if _dtype(f).kind not in "fc":
        f = astype(f, np.float64)
    outs = []
    for ax, h in zip(axes, hs):
        if shape[ax] < edge_order + 1:
            raise WeifenValueError(
                "gradient: shape of array too small to calculate a numerical gradient, at "
                "least (edge_order + 1) elements are required")
        g = _gradient_axis(f, ax, _spacing(h, shape[ax], "gradient", otype), edge_order)
        outs.append(g if _dtype(g) == otype else astype(g, otype))
    return outs[0] if len(outs) == 1 else tuple(outs)


def trapezoid(y: Any, x: Any = None, dx: Any = 1.0, axis: int = -1) -> Any:
    """The integral of samples ``y`` by the trapezoidal rule along ``axis`` (at points ``x``,
    or spaced ``dx`` apart), as ``np.trapezoid``.

    >>> import weifen as wf
    >>> wf.trapezoid(wf.tensor([1.0, 2.0, 3.0]), dx=0.5)
    tensor(2.)
    """
    y = _raw(y)
    nd = len(shape_of(y))
    ax = _norm_axis(axis, nd, "trapezoid")
    if x is None:
        d = dx
    else:
        x = _raw(x)
        d = diff(x, axis=ax if len(shape_of(x)) > 1 else -1)
        if len(shape_of(x)) == 1:
            d = _axis_shape(d, nd, ax)
    return _sum(d * (_sl(y, ax, 1, None) + _sl(y, ax, None, -1)) / 2.0, axis=ax)


def trapz(y: Any, x: Any = None, dx: Any = 1.0, axis: int = -1) -> Any:
    """The trapezoidal rule, NumPy 1's name for :func:`trapezoid`.

    >>> import weifen as wf
    >>> wf.trapz(wf.tensor([0.0, 1.0]), x=wf.tensor([0.0, 2.0]))
    tensor(1.)
    """
    return trapezoid(y, x, dx, axis)
