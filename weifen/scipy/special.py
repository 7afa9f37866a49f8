"""``scipy.special`` under SciPy's names and signatures, differentiable by weifen's rules.

Every name HIPS autograd's ``autograd.scipy.special`` differentiates is here (``beta``,
``betainc``, ``betaln``, ``polygamma``, ``psi``, ``digamma``, ``gamma``, ``gammaln``,
``gammainc``, ``gammaincc``, ``gammasgn``, ``rgamma``, ``multigammaln``, ``j0``, ``y0``,
``j1``, ``y1``, ``jn``, ``yn``, ``i0``, ``i1``, ``iv``, ``ive``, ``erf``, ``erfc``,
``erfinv``, ``erfcinv``, ``logit``, ``expit``, ``logsumexp``), plus ``softmax``,
``log_softmax``, ``xlogy``, ``xlog1py``, ``ndtr``, ``ndtri``, ``log_ndtr``, ``log_expit``,
``jv``, ``yv``, ``i0e`` and ``i1e``.

Values come from SciPy when it is installed (imported on first use); ``gammaln``,
``gamma``, ``rgamma``, ``digamma``, ``polygamma``, ``erfc``, ``erfinv``, ``erfcinv``,
``beta``, ``betaln``, ``log_ndtr`` and ``i0`` have a NumPy fallback, the rest ask for
``pip install weifen[scipy]``. Derivatives of every order come from weifen's rules. Where
one is not computed (the order ``v`` of the Bessel functions, the shape ``a`` of
``gammainc``, ``a`` and ``b`` of ``betainc``) asking for it raises
:class:`~weifen.prims.special.NoDerivativeError` (a ``NotImplementedError``), never a zero.

>>> import weifen as wf
>>> from weifen.scipy import special
>>> round(float(wf.grad(special.gammaln)(3.0)), 6)  # digamma(3)
0.922784
>>> round(float(wf.grad(wf.grad(special.erf))(0.5)), 6)
-0.878783
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from weifen.prims.shape import shape_of

import weifen.numpy as wnp
from weifen.numpy._util import _axis, _raw, _t
from weifen.numpy.reduce import _stopped_max
from weifen.prims import elementwise as E
from weifen.prims import special as S
from weifen.prims.special import NoDerivativeError, refuse_traced

__all__ = [
    "erf", "erfc", "erfinv", "erfcinv", "ndtr", "ndtri", "log_ndtr",
    "gamma", "gammaln", "rgamma", "gammasgn", "digamma", "psi", "polygamma", "multigammaln",
    "gammainc", "gammaincc", "beta", "betaln", "betainc",
    "expit", "logit", "log_expit", "logsumexp", "softmax", "log_softmax", "xlogy", "xlog1py",
    "i0", "i1", "i0e", "i1e", "iv", "ive", "j0", "j1", "jn", "jv", "y0", "y1", "yn", "yv",
    "NoDerivativeError",
]

SQRT2 = math.sqrt(2.0)


# ---------------------------------------------------------------- error functions
def erf(x: Any) -> Any:
    """The error function (real or complex ``x``).

    >>> from weifen.scipy import special
    >>> round(float(special.erf(0.5)), 8)
    0.52049988
    """
    return _t(E.erf_p.bind(_raw(x)))


def erfc(x: Any) -> Any:
    """``1 - erf(x)``, accurate where ``erf(x)`` is near 1.

    >>> from weifen.scipy import special
    >>> float(special.erfc(10.0)) > 0
    True
    """
    return _t(S.erfc_p.bind(_raw(x)))


def erfinv(y: Any) -> Any:
    """The inverse of ``erf`` on (-1, 1); derivative ``sqrt(pi)/2 exp(erfinv(y)**2)``.

    >>> import weifen as wf
    >>> from weifen.scipy import special
    >>> round(float(special.erfinv(special.erf(0.3))), 12)
    0.3
    """
    return _t(S.erfinv_p.bind(_raw(y)))


def erfcinv(y: Any) -> Any:
    """The inverse of ``erfc`` on (0, 2).

    >>> from weifen.scipy import special
    >>> round(float(special.erfcinv(0.5)), 6)
    0.476936
    """
    return _t(S.erfcinv_p.bind(_raw(y)))


def ndtr(x: Any) -> Any:
    """The standard normal cdf, ``erfc(-x / sqrt(2)) / 2``.

    >>> from weifen.scipy import special
    >>> float(special.ndtr(0.0))
    0.5
    """
    return _t(S.erfc_p.bind(_raw(x) * (-1.0 / SQRT2)) * 0.5)


def ndtri(p: Any) -> Any:
    """The inverse of ``ndtr`` (the standard normal quantile), ``-sqrt(2) erfcinv(2 p)``.

    >>> from weifen.scipy import special
    >>> round(float(special.ndtri(0.975)), 6)
    1.959964
    """
    return _t(S.erfcinv_p.bind(_raw(p) * 2.0) * -SQRT2)


def log_ndtr(x: Any) -> Any:
    """``log(ndtr(x))``, accurate far in the left tail.

    >>> from weifen.scipy import special
    >>> round(float(special.log_ndtr(-40.0)), 4)
    -804.6084
    """
    return _t(S.log_ndtr_p.bind(_raw(x)))


# ---------------------------------------------------------------- gamma family
def gamma(x: Any) -> Any:
    """The gamma function.

    >>> from weifen.scipy import special
    >>> float(special.gamma(5.0))
    24.0
    """
    return _t(S.gamma_p.bind(_raw(x)))


def gammaln(x: Any) -> Any:
    """``log|gamma(x)|``; its derivative is ``digamma``.

    >>> from weifen.scipy import special
    >>> round(float(special.gammaln(10.0)), 6)
    12.801827
    """
    return _t(S.gammaln_p.bind(_raw(x)))


def rgamma(x: Any) -> Any:
    """``1 / gamma(x)`` (0 at the poles of gamma).

    >>> from weifen.scipy import special
    >>> float(special.rgamma(0.0)), float(special.rgamma(3.0))
    (0.0, 0.5)
    """
    return _t(S.rgamma_p.bind(_raw(x)))


def gammasgn(x: Any) -> Any:
    """The sign of ``gamma(x)`` (piecewise constant: zero derivative).

    >>> from weifen.scipy import special
    >>> float(special.gammasgn(-0.5))
    -1.0
    """
    return _t(S.gammasgn_p.bind(_raw(x)))


def digamma(x: Any) -> Any:
    """The logarithmic derivative of gamma; its derivative is ``polygamma(1, x)``.

    >>> from weifen.scipy import special
    >>> round(float(special.digamma(1.0)), 10)  # minus Euler's constant
    -0.5772156649
    """
    return _t(S.digamma_p.bind(_raw(x)))


psi = digamma


def polygamma(n: Any, x: Any) -> Any:
    """The ``n``-th derivative of ``digamma`` (``n`` an integer order, not differentiated).

    >>> from weifen.scipy import special
    >>> round(float(special.polygamma(1, 1.0)), 8)  # pi**2 / 6
    1.64493407
    """
    return _t(S.polygamma_p.bind(_raw(n), _raw(x)))


def multigammaln(a: Any, d: int) -> Any:
    """The log of the multivariate gamma function of dimension ``d``:
    ``d (d-1)/4 log(pi) + sum_j gammaln(a - j/2)``.

    >>> from weifen.scipy import special
    >>> round(float(special.multigammaln(3.0, 1)), 10) == round(float(special.gammaln(3.0)), 10)
    True
    """
    d = int(d)
    a = _raw(a)
    if not isinstance(a, S.Box) and np.any(np.asarray(a) <= 0.5 * (d - 1)):
        raise ValueError(f"multigammaln: condition a > (d-1)/2 = {0.5 * (d - 1)} not met")
    js = np.arange(d, dtype=np.float64) * 0.5
    terms = S.gammaln_p.bind(wnp.expand_dims(a, -1) - js.astype(S.out_dtype((a,))))
    const = 0.25 * d * (d - 1) * math.log(math.pi)
    return _t(wnp.sum(terms, axis=-1) + const)


def gammainc(a: Any, x: Any) -> Any:
    """The regularized lower incomplete gamma function ``P(a, x)``; differentiable in ``x``
    only (a traced ``a`` is refused).

    >>> import weifen as wf
    >>> from weifen.scipy import special
    >>> round(float(wf.grad(lambda x: special.gammainc(1.0, x))(0.5)), 6)  # exp(-0.5)
    0.606531
    """
    refuse_traced(a, "special.gammainc", "a")
    return _t(S.gammainc_p.bind(_raw(a), _raw(x)))


def gammaincc(a: Any, x: Any) -> Any:
    """``1 - gammainc(a, x)``; differentiable in ``x`` only.

    >>> from weifen.scipy import special
    >>> round(float(special.gammaincc(1.0, 0.5)), 6)
    0.606531
    """
    refuse_traced(a, "special.gammaincc", "a")
    return _t(S.gammaincc_p.bind(_raw(a), _raw(x)))


def beta(a: Any, b: Any) -> Any:
    """The beta function ``gamma(a) gamma(b) / gamma(a + b)``.

    >>> from weifen.scipy import special
    >>> round(float(special.beta(2.0, 3.0)), 12)
    0.083333333333
    """
    return _t(S.beta_p.bind(_raw(a), _raw(b)))


def betaln(a: Any, b: Any) -> Any:
    """``log|beta(a, b)|``.

    >>> from weifen.scipy import special
    >>> round(float(special.betaln(2.0, 3.0)), 6)
    -2.484907
    """
    return _t(S.betaln_p.bind(_raw(a), _raw(b)))


def betainc(a: Any, b: Any, x: Any) -> Any:
    """The regularized incomplete beta function ``I_x(a, b)``; differentiable in ``x`` only.

    >>> from weifen.scipy import special
    >>> round(float(special.betainc(1.0, 1.0, 0.25)), 12)
    0.25
    """
    refuse_traced(a, "special.betainc", "a")
    refuse_traced(b, "special.betainc", "b")
    return _t(S.betainc_p.bind(_raw(a), _raw(b), _raw(x)))


# ---------------------------------------------------------------- logistic, logs
def expit(x: Any) -> Any:
    """The logistic function ``1 / (1 + exp(-x))``, stable for any ``x``.

    >>> from weifen.scipy import special
    >>> float(special.expit(0.0))
    0.5
    """
    return _t(E.sigmoid_p.bind(_raw(x)))


def logit(p: Any) -> Any:
    """``log(p / (1 - p))``, the inverse of ``expit``.

    >>> from weifen.scipy import special
    >>> float(special.logit(0.5))
    0.0
    """
    p = _raw(p)
    return _t(E.log_p.bind(p / (1.0 - p)))


def log_expit(x: Any) -> Any:
    """``log(expit(x)) = -softplus(-x)``, stable for any ``x``.

    >>> from weifen.scipy import special
    >>> round(float(special.log_expit(0.0)), 6)
    -0.693147
    """
    return _t(-E.softplus_p.bind(-_raw(x)))


def xlogy(x: Any, y: Any) -> Any:
    """``x * log(y)``, 0 where ``x == 0``; derivatives ``log(y)`` and ``x / y``.

    >>> from weifen.scipy import special
    >>> float(special.xlogy(0.0, 0.0)), round(float(special.xlogy(2.0, 3.0)), 6)
    (0.0, 2.197225)
    """
    return _t(S.xlogy_p.bind(_raw(x), _raw(y)))


def xlog1py(x: Any, y: Any) -> Any:
    """``x * log1p(y)``, 0 where ``x == 0``.

    >>> from weifen.scipy import special
    >>> float(special.xlog1py(0.0, -1.0))
    0.0
    """
    return _t(S.xlog1py_p.bind(_raw(x), _raw(y)))


def _norm_axes(axis: Any, nd: int) -> tuple:
    if axis is None:
        return tuple(range(nd))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    return tuple(int(a) % nd if nd else 0 for a in axes)


def logsumexp(a: Any, axis: Any = None, b: Any = None, keepdims: bool = False,
              return_sign: bool = False) -> Any:
    """``log(sum(b * exp(a)))`` over ``axis``, computed stably, as ``scipy.special.logsumexp``.

    ``b`` scales the terms (it may be negative: with ``return_sign=True`` the result is
    ``(log|s|, sign(s))``, otherwise a negative sum gives nan). Both ``a`` and ``b`` are
    differentiable.

    >>> from weifen.scipy import special
    >>> round(float(special.logsumexp([1000.0, 1000.0])), 4)
    1000.6931
    >>> r, s = special.logsumexp([0.0, 0.0], b=[1.0, -2.0], return_sign=True)
    >>> float(r), float(s)
    (0.0, -1.0)
    """
    a = _raw(a)
    axis = _axis(axis)
    if b is None and not return_sign:
        return _t(wnp.logsumexp(a, axis=axis, keepdims=keepdims))
    if b is not None:
        b = _raw(b)
        if shape_of(a) != shape_of(b):
            shape = np.broadcast_shapes(shape_of(a), shape_of(b))
            a, b = wnp.broadcast_to(a, shape), wnp.broadcast_to(b, shape)
        # terms with b == 0 do not count towards the shift (their a may be anything)
        a = E.where_p.bind(E.eq_p.bind(b, 0), -np.inf, a)
    nd = len(shape_of(a))
    axes = _norm_axes(axis, nd)
    m = _stopped_max(a, axes)
    e = E.exp_p.bind(a - m)
    if b is not None:
        e = e * b
    s = wnp.sum(e, axis=axes, keepdims=True)
    if return_sign:
        sgn = E.sign_p.bind(_raw(s))
        out = E.log_p.bind(E.abs_p.bind(_raw(s))) + m
    else:
        out = E.log_p.bind(_raw(s)) + m
    if not keepdims:
        out = wnp.squeeze(out, axis=axes) if axes else out
    if return_sign:
        if not keepdims:
            sgn = wnp.squeeze(sgn, axis=axes) if axes else sgn
        return _t(out), _t(sgn)
    return _t(out)


def softmax(x: Any, axis: Any = None) -> Any:
    """``exp(x) / sum(exp(x))`` over ``axis`` (all of ``x`` by default, as SciPy).

    >>> from weifen.scipy import special
    >>> special.softmax([0.0, 0.0]).tolist()
    [0.5, 0.5]
    """
    x = _raw(x)
    return wnp.softmax(x, axis=_norm_axes(_axis(axis), len(shape_of(x))))


def log_softmax(x: Any, axis: Any = None) -> Any:
    """``x - logsumexp(x)`` over ``axis`` (all of ``x`` by default, as SciPy).

    >>> from weifen.scipy import special
    >>> [round(v, 6) for v in special.log_softmax([0.0, 0.0]).tolist()]
    [-0.693147, -0.693147]
    """
    x = _raw(x)
    return wnp.log_softmax(x, axis=_norm_axes(_axis(axis), len(shape_of(x))))


# ---------------------------------------------------------------- Bessel functions
def _order(v: Any, fn: str) -> Any:
    refuse_traced(v, f"special.{fn}", "the order v")
    return _raw(v)


def i0(x: Any) -> Any:
    """The modified Bessel function of the first kind of order 0; derivative ``i1``.

    >>> from weifen.scipy import special
    >>> float(special.i0(0.0))
    1.0
    """
    return _t(S.i0_p.bind(_raw(x)))


def i1(x: Any) -> Any:
    """The modified Bessel function of the first kind of order 1 (SciPy needed).

    >>> from weifen.scipy import special
    >>> float(special.i1(0.0))
    0.0
    """
    return _t(S.iv_p.bind(1, _raw(x)))


def iv(v: Any, z: Any) -> Any:
    """The modified Bessel function of the first kind of real order ``v``; differentiable
    in ``z`` (``(iv(v-1, z) + iv(v+1, z)) / 2``), the order is refused (SciPy needed).

    >>> from weifen.scipy import special
    >>> float(special.iv(0, 0.0))
    1.0
    """
    return _t(S.iv_p.bind(_order(v, "iv"), _raw(z)))


def ive(v: Any, z: Any) -> Any:
    """``iv(v, z) * exp(-|z|)``, which does not overflow; its derivative in ``z`` is
    ``(ive(v-1, z) + ive(v+1, z)) / 2 - sign(z) ive(v, z)`` (SciPy needed).

    >>> from weifen.scipy import special
    >>> float(special.ive(0, 0.0))
    1.0
    """
    return _t(S.ive_p.bind(_order(v, "ive"), _raw(z)))


def i0e(x: Any) -> Any:
    """``i0(x) * exp(-|x|)``.

    >>> from weifen.scipy import special
    >>> float(special.i0e(0.0))
    1.0
    """
    return _t(S.ive_p.bind(0, _raw(x)))


def i1e(x: Any) -> Any:
    """``i1(x) * exp(-|x|)``.

    >>> from weifen.scipy import special
    >>> float(special.i1e(0.0))
    0.0
    """
    return _t(S.ive_p.bind(1, _raw(x)))


def jv(v: Any, z: Any) -> Any:
    """The Bessel function of the first kind of real order ``v``; differentiable in ``z``
    (``(jv(v-1, z) - jv(v+1, z)) / 2``), the order is refused (SciPy needed).

    >>> from weifen.scipy import special
    >>> float(special.jv(0, 0.0))
    1.0
    """
    return _t(S.jv_p.bind(_order(v, "jv"), _raw(z)))


def yv(v: Any, z: Any) -> Any:
    """The Bessel function of the second kind of real order ``v`` (SciPy needed).

    >>> from weifen.scipy import special
    >>> round(float(special.yv(0, 1.0)), 6)
    0.088257
    """
    return _t(S.yv_p.bind(_order(v, "yv"), _raw(z)))


def jn(n: Any, x: Any) -> Any:
    """``jv`` of an integer order ``n``.

    >>> from weifen.scipy import special
    >>> float(special.jn(1, 0.0))
    0.0
    """
    return jv(n, x)


def yn(n: Any, x: Any) -> Any:
    """``yv`` of an integer order ``n``.

    >>> from weifen.scipy import special
    >>> round(float(special.yn(1, 1.0)), 6)
    -0.781213
    """
    return yv(n, x)


def j0(x: Any) -> Any:
    """``jv(0, x)``; derivative ``-j1(x)``.

    >>> from weifen.scipy import special
    >>> round(float(special.j0(1.0)), 6)
    0.765198
    """
    return jv(0, x)


def j1(x: Any) -> Any:
    """``jv(1, x)``.

    >>> from weifen.scipy import special
    >>> round(float(special.j1(1.0)), 6)
    0.440051
    """
    return jv(1, x)


def y0(x: Any) -> Any:
    """``yv(0, x)``.

    >>> from weifen.scipy import special
    >>> round(float(special.y0(1.0)), 6)
    0.088257
    """
    return yv(0, x)


def y1(x: Any) -> Any:
    """``yv(1, x)``.

    >>> from weifen.scipy import special
    >>> round(float(special.y1(1.0)), 6)
    -0.781213
    """
    return yv(1, x)
