"""Primitives of :mod:`weifen.scipy.special`: SciPy's special functions, one block each.

Values come from SciPy when it is installed (imported on the first call, never at
``import weifen``); a NumPy fallback exists where one is short and exact to a few ulps
(``gammaln``, ``gamma``, ``rgamma``, ``digamma``, ``polygamma``, ``erfc``, ``erfinv``,
``erfcinv``, ``log_ndtr``, ``beta``, ``betaln``, ``i0``); the others raise an ImportError
that names ``pip install weifen[scipy]``.

Every rule is written with weifen ops (other primitives of this file included), so the
derivatives differentiate again. A derivative that is not written (with respect to the
order ``v`` of a Bessel function, the shape ``a`` of ``gammainc``, ...) raises
:class:`NoDerivativeError` when it is asked for; it is never a silent zero. Results keep the
floating dtype of the value arguments (float32 stays float32; integer orders do not count).

>>> import numpy as np
>>> float(gammaln_p(np.float64(4.0)))  # log(3!)
1.791759469228055
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from weifen.core.primitive import Box, Primitive
from weifen.errors import WeifenError
from weifen.prims._batch import elementwise
from weifen.prims.elementwise import TWO_OVER_SQRT_PI, exp_p, log1p_p, log_p, sign_p

HALF_SQRT_PI = math.sqrt(math.pi) / 2.0
HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


class NoDerivativeError(WeifenError, NotImplementedError):
    """A derivative weifen does not compute (an order or a shape parameter): refused, never
    replaced by zero. It is a ``WeifenError`` and a ``NotImplementedError``.

    >>> import weifen as wf
    >>> from weifen.scipy import special
    >>> try:
    ...     wf.grad(lambda a: special.gammainc(a, 1.0))(2.0)
    ... except NotImplementedError as e:
    ...     print(type(e).__name__)
    NoDerivativeError
    """


_SCIPY: list = []


def scipy_special() -> Any:
    """``scipy.special``, imported on first use; None when SciPy is not installed."""
    if not _SCIPY:
        try:
            import scipy.special as ss
        except ImportError:  # pragma: no cover - depends on the environment
            ss = None
        _SCIPY.append(ss)
    return _SCIPY[0]


def need_scipy(what: str) -> ImportError:
    return ImportError(f"weifen.scipy: {what} needs SciPy for its values; install it with "
                       "`pip install weifen[scipy]` (or `pip install scipy`)")


def out_dtype(args: tuple) -> np.dtype:
    """The floating dtype of a result: that of the array arguments (Python numbers are weak),
    float64 where they are integers or absent."""
    dts = [a.dtype for a in args if hasattr(a, "dtype")]
    cplx = any(type(a) is complex for a in args)
    dt = np.result_type(*dts) if dts else np.dtype(np.float64)
    if dt.kind not in "fc":
        dt = np.dtype(np.float64)
    if cplx and dt.kind == "f":
        dt = np.result_type(dt, np.complex64)
    return dt


def _finish(r: Any, args: tuple) -> Any:
    dt = out_dtype(args)
    if not any(hasattr(a, "dtype") for a in args):  # Python numbers in, a Python number out
        r = np.asarray(r)
        return r.astype(dt).item() if r.ndim == 0 else r.astype(dt)
    if getattr(r, "dtype", None) != dt:
        r = np.asarray(r).astype(dt)
    return r


def _impl(sname: str, fallback: Callable | None = None, nvals: int | None = None) -> Callable:
    """An impl calling ``scipy.special.<sname>`` (or ``fallback``); the last ``nvals``
    arguments (all by default) decide the result's dtype."""

    def impl(*args: Any) -> Any:
        ss = scipy_special()
        if ss is not None:
            r = getattr(ss, sname)(*args)
        elif fallback is not None:
            r = fallback(*args)
        else:
            raise need_scipy(f"special.{sname}")
        return _finish(r, args if nvals is None else args[len(args) - nvals:])

    impl.__name__ = sname
    return impl


# ---------------------------------------------------------------- NumPy fallbacks
def _vec(mf: Callable, x: Any, bad: float = math.nan) -> np.ndarray:
    def safe(v):
        try:
            return mf(v)
        except ValueError:
            return bad
        except OverflowError:
            return math.inf
    return np.vectorize(safe, otypes=[np.float64])(np.asarray(x, np.float64))


def _erfc_np(x):
    return _vec(math.erfc, x)


def _gammaln_np(x):
    return _vec(math.lgamma, x, math.inf)


def _gamma_np(x):
    return _vec(math.gamma, x)


def _rgamma_np(x):
    x = np.asarray(x, np.float64)
    pole = (x <= 0) & (x == np.floor(x))
    with np.errstate(divide="ignore", over="ignore"):
        return np.where(pole, 0.0, 1.0 / _gamma_np(np.where(pole, 1.0, x)))


def _gammasgn_np(x):
    x = np.asarray(x, np.float64)
    neg = np.where(np.mod(np.floor(-x), 2) == 0, -1.0, 1.0)
    return np.where(x > 0, 1.0, np.where(x == np.floor(x), np.nan, neg))


def _shift_up(x, lo):
    """``x`` raised by whole steps to at least ``lo``, with the steps taken (a list)."""
    steps = []
    y = x
    while np.any(y < lo):
        m = y < lo
        steps.append((np.where(m, y, np.inf)))
        y = np.where(m, y + 1.0, y)
    return y, steps


def _digamma_np(x):
    x = np.asarray(x, np.float64)
    refl = x < 0.5
    y, steps = _shift_up(np.where(refl, 1.0 - x, x), 10.0)
    r = 1.0 / (y * y)
    series = r * (1 / 12 - r * (1 / 120 - r * (1 / 252 - r * (1 / 240 - r * (1 / 132)))))
    out = np.log(y) - 0.5 / y - series - sum(1.0 / s for s in steps)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(refl, out - math.pi / np.tan(math.pi * x), out)
    return np.where((x <= 0) & (x == np.floor(x)), np.nan, out)


_B2K = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)


def _hurwitz_np(s: int, q):
    """Hurwitz zeta(s, q) for an integer s >= 2 and q > 0 (Euler-Maclaurin after a shift)."""
    y, steps = _shift_up(q, 12.0)
    out = sum(s_ ** -float(s) for s_ in steps) if steps else 0.0
    out = out + y ** (1.0 - s) / (s - 1) + 0.5 * y ** -float(s)
    fact, rising = 1.0, float(s)  # (2j)! and s (s+1) ... (s+2j-2)
    for j, b in enumerate(_B2K, start=1):
        fact *= (2 * j - 1) * (2 * j)
        out = out + b / fact * rising * y ** (-s - 2.0 * j + 1)
        rising *= (s + 2 * j - 1) * (s + 2 * j)
    return np.where(q > 0, out, np.nan)


def _polygamma_np(n, x):
    x = np.asarray(x, np.float64)
    ns = np.broadcast_to(np.asarray(n), np.broadcast_shapes(np.shape(n), x.shape))
    out = np.empty(ns.shape)
    xb = np.broadcast_to(x, ns.shape)
    for k in np.unique(ns):
        m = ns == k
        k = int(k)
        if k == 0:
            out[m] = _digamma_np(xb[m])
        else:
            out[m] = (-1.0) ** (k + 1) * math.factorial(k) * _hurwitz_np(k + 1, xb[m])
    return out if out.ndim else out[()]


def _erfinv_np(y):
    y = np.asarray(y, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ln = np.log((1.0 - y) * (1.0 + y))
        t = 2.0 / (math.pi * 0.147) + 0.5 * ln  # Winitzki's start, then Halley steps
        x = np.sign(y) * np.sqrt(np.sqrt(t * t - ln / 0.147) - t)
        for _ in range(3):
            f = _vec(math.erf, x) - y
            d = TWO_OVER_SQRT_PI * np.exp(-x * x)
            x = np.where(np.isfinite(x), x - f / (d + x * f), x)
    return np.where(np.abs(y) > 1, np.nan, x)


def _erfcinv_np(y):
    return _erfinv_np(1.0 - np.asarray(y, np.float64))


def _log_ndtr_np(x):
    x = np.asarray(x, np.float64)
    near = np.maximum(x, -35.0)
    with np.errstate(divide="ignore"):
        direct = np.where(near > 0, np.log1p(-0.5 * _erfc_np(near / math.sqrt(2.0))),
                          np.log(0.5 * _erfc_np(-near / math.sqrt(2.0))))
    far = np.minimum(x, -35.0)
    r = 1.0 / (far * far)
    series = r * (-1 + r * (3 + r * (-15 + r * (105 + r * (-945)))))
    tail = -0.5 * far * far - np.log(-far) - HALF_LOG_2PI + np.log1p(series)
    return np.where(x >= -35.0, direct, tail)


def _betaln_np(a, b):
    return _gammaln_np(a) + _gammaln_np(b) - _gammaln_np(np.add(a, b))


def _beta_np(a, b):
    s = _gammasgn_np(a) * _gammasgn_np(b) * _gammasgn_np(np.add(a, b))
    return s * np.exp(_betaln_np(a, b))


def _i0_np(x):
    return np.i0(np.asarray(x, np.float64))


# ---------------------------------------------------------------- declaring
def _refusal(prim: str, arg: str) -> Callable:
    def rule(g: Any, o: Any, *args: Any, **params: Any) -> Any:
        raise NoDerivativeError(
            f"special.{prim}: the derivative with respect to {arg} is not implemented "
            f"(only the other arguments are differentiable); pass {arg} as a constant")
    return rule


def _prim(name: str, impl: Callable, derivs: tuple, out: bool = False, **kw: Any) -> Primitive:
    """An elementwise (broadcasting) primitive. ``derivs`` holds, per input, the local
    derivative ``d(o, *args)`` (the rules multiply it by ``g`` / ``dx``), None (an integer
    order: no derivative) or a string (a derivative that is refused with that name)."""
    vjp, jvp = [], []
    for d in derivs:
        if d is None:
            vjp.append(None)
            jvp.append(None)
        elif isinstance(d, str):
            vjp.append(_refusal(name, d))
            jvp.append(_refusal(name, d))
        else:
            vjp.append(lambda g, o, *a, _d=d: g * _d(o, *a))
            jvp.append(lambda dx, o, *a, _d=d: dx * _d(o, *a))
    p = Primitive(name, impl, vjp=tuple(vjp), jvp=tuple(jvp), save_out=out,
                  broadcasts=len(derivs) > 1, **kw)
    p.batch = elementwise(p)
    return p


def _gauss(x: Any) -> Any:
    return exp_p(-(x * x))


# ---------------------------------------------------------------- error functions
erfc_p = _prim("erfc", _impl("erfc", _erfc_np),
               (lambda o, x: _gauss(x) * -TWO_OVER_SQRT_PI,))
erfinv_p = _prim("erfinv", _impl("erfinv", _erfinv_np),
                 (lambda o, x: exp_p(o * o) * HALF_SQRT_PI,), out=True)
erfcinv_p = _prim("erfcinv", _impl("erfcinv", _erfcinv_np),
                  (lambda o, x: exp_p(o * o) * -HALF_SQRT_PI,), out=True)
# log of the standard normal cdf: d/dx = pdf(x) / cdf(x), formed in logs (no underflow)
log_ndtr_p = _prim("log_ndtr", _impl("log_ndtr", _log_ndtr_np),
                   (lambda o, x: exp_p(x * x * -0.5 - o - HALF_LOG_2PI),), out=True)

# ---------------------------------------------------------------- gamma family
polygamma_p = _prim("polygamma", _impl("polygamma", _polygamma_np, nvals=1),
                    (None, lambda o, n, x: polygamma_p(n + 1, x)))
digamma_p = _prim("digamma", _impl("digamma", _digamma_np),
                  (lambda o, x: polygamma_p(1, x),))
gammaln_p = _prim("gammaln", _impl("gammaln", _gammaln_np), (lambda o, x: digamma_p(x),))
gamma_p = _prim("gamma", _impl("gamma", _gamma_np), (lambda o, x: o * digamma_p(x),), out=True)
rgamma_p = _prim("rgamma", _impl("rgamma", _rgamma_np),
                 (lambda o, x: -(o * digamma_p(x)),), out=True)
gammasgn_p = Primitive("gammasgn", _impl("gammasgn", _gammasgn_np), nondiff=True)
gammasgn_p.batch = elementwise(gammasgn_p)


def _dbetaln(o: Any, a: Any, b: Any) -> Any:
    return digamma_p(a) - digamma_p(a + b)


betaln_p = _prim("betaln", _impl("betaln", _betaln_np),
                 (_dbetaln, lambda o, a, b: _dbetaln(o, b, a)))
beta_p = _prim("beta", _impl("beta", _beta_np),
               (lambda o, a, b: o * _dbetaln(o, a, b), lambda o, a, b: o * _dbetaln(o, b, a)),
               out=True)


def _xlogy_np(x, y):
    x = np.asarray(x, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, 0.0, x * np.log(y))


def _xlog1py_np(x, y):
    x = np.asarray(x, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, 0.0, x * np.log1p(y))


# x log(y), 0 where x == 0; the derivatives are those of x log(y) (as in JAX)
xlogy_p = _prim("xlogy", _impl("xlogy", _xlogy_np),
                (lambda o, x, y: log_p(y), lambda o, x, y: x / y))
xlog1py_p = _prim("xlog1py", _impl("xlog1py", _xlog1py_np),
                  (lambda o, x, y: log1p_p(y), lambda o, x, y: x / (y + 1)))


def _gammainc_dx(o: Any, a: Any, x: Any) -> Any:
    # the integrand of the regularized lower incomplete gamma function at x
    return exp_p(xlogy_p(a - 1, x) - x - gammaln_p(a))


gammainc_p = _prim("gammainc", _impl("gammainc"), ("a", _gammainc_dx))
gammaincc_p = _prim("gammaincc", _impl("gammaincc"),
                    ("a", lambda o, a, x: -_gammainc_dx(o, a, x)))
betainc_p = _prim("betainc", _impl("betainc"),
                  ("a", "b", lambda o, a, b, x: exp_p(xlogy_p(a - 1, x) + xlog1py_p(b - 1, -x)
                                                      - betaln_p(a, b))))


def _stdtr_dt(o: Any, df: Any, t: Any) -> Any:
    # the density of Student's t with df degrees of freedom at t
    h = (df + 1) * 0.5
    return exp_p(gammaln_p(h) - gammaln_p(df * 0.5) - log_p(df * math.pi) * 0.5
                 - h * log1p_p(t * t / df))


stdtr_p = _prim("stdtr", _impl("stdtr"), ("df", _stdtr_dt))

# ---------------------------------------------------------------- Bessel functions
# d/dx I_v = (I_{v-1} + I_{v+1}) / 2 and d/dx J_v = (J_{v-1} - J_{v+1}) / 2 (Y_v alike);
# ive(v, x) = iv(v, x) exp(-|x|) adds -sign(x) ive(v, x). The order v is refused.
i0_p = _prim("i0", _impl("i0", _i0_np), (lambda o, x: iv_p(1, x),))
iv_p = _prim("iv", _impl("iv", nvals=1),
             ("v", lambda o, v, x: (iv_p(v - 1, x) + iv_p(v + 1, x)) * 0.5))
ive_p = _prim("ive", _impl("ive", nvals=1),
              ("v", lambda o, v, x: (ive_p(v - 1, x) + ive_p(v + 1, x)) * 0.5 - sign_p(x) * o),
              out=True)
jv_p = _prim("jv", _impl("jv", nvals=1),
             ("v", lambda o, v, x: (jv_p(v - 1, x) - jv_p(v + 1, x)) * 0.5))
yv_p = _prim("yv", _impl("yv", nvals=1),
             ("v", lambda o, v, x: (yv_p(v - 1, x) - yv_p(v + 1, x)) * 0.5))


def _no_derivative_rule(g: Any, o: Any, x: Any, what: str = "this argument") -> Any:
    raise NoDerivativeError(f"{what}: its derivative is not implemented; pass it as a "
                            "constant (wf.stop_gradient) to differentiate the other arguments")


# the identity, whose derivative is refused (an input no rule may differentiate through)
no_derivative_p = Primitive("no_derivative", lambda x, what="": x, keep=((),),
                            vjp=(_no_derivative_rule,), jvp=(_no_derivative_rule,))
no_derivative_p.batch = lambda vals, bd, B, **params: no_derivative_p(vals[0], **params)


def refuse_traced(v: Any, fn: str, arg: str) -> Any:
    """Refuse, at call time, an argument recorded on the eager tape whose derivative is not
    written (the tape would only find out during ``backward``); transforms and ``Dual``
    reach the primitive's refusing rule instead. vmap's batched values pass."""
    from weifen.tape.tensor import Tensor

    x = v
    while isinstance(x, Box):
        if type(x) is Tensor and x._node is None:
            x = x._data
            continue
        if type(x) is Tensor:
            raise NoDerivativeError(
                f"{fn}: the derivative with respect to {arg} is not implemented; pass {arg} "
                "as a constant (wf.stop_gradient) to differentiate the other arguments")
        break
    return v


__all__ = ["erfc_p", "erfinv_p", "erfcinv_p", "log_ndtr_p", "polygamma_p", "digamma_p",
           "gammaln_p", "gamma_p", "rgamma_p", "gammasgn_p", "betaln_p", "beta_p", "gammainc_p",
           "gammaincc_p", "betainc_p", "stdtr_p", "xlogy_p", "xlog1py_p", "no_derivative_p",
           "i0_p", "iv_p", "ive_p", "jv_p", "yv_p",
           "NoDerivativeError", "refuse_traced", "scipy_special", "need_scipy", "out_dtype"]
