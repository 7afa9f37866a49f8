"""Finite differences: derivatives, gradients, Jacobians and Hessians of black-box functions.

Nothing here knows about weifen's rule table: ``f`` is called on plain arrays (NumPy, or
whatever array type the caller passed) and its results are converted to arrays, so these
functions check every face of the library from the outside.

How the numbers are made:

* A *stencil* is a set of offsets ``c`` and weights ``w`` with
  ``f^(n)(x) ~= sum_c w_c f(x + c h) / h^n``. The weights come from solving the Taylor
  (Vandermonde) system exactly in rationals, so any derivative order works.
  ``forward`` uses offsets ``0..n`` and ``backward`` ``-n..0`` (error ``O(h)``);
  ``central`` uses ``-p..p`` with ``p = (n + 1) // 2`` (error ``O(h^2)``, even powers only).
* The default step balances truncation (``~h^a``) against rounding (``~eps/h^n``):
  ``h = eps**(1/(n + a)) * max(1, |x|)``, i.e. ``eps**(1/2)`` for one-sided and
  ``eps**(1/3)`` for central first derivatives, ``eps**(1/4)`` for central second ones.
  ``eps`` is that of the dtype ``f`` is evaluated in (float32 inputs get a float32 step).
* The step is made *representable*: ``h = (x + h) - x`` computed in the evaluation dtype,
  so the point ``f`` sees is exactly ``x + h`` and the quotient divides by the true step.
* ``richardson=True`` evaluates the difference at steps ``h0, h0/2, h0/4, ...`` and
  extrapolates to ``h -> 0`` with a Neville tableau (Ridders' method), keeping per element
  the entry whose error estimate is smallest.

All arithmetic on differences is done in float64 (complex128 for complex data); results
come back in the input's floating dtype (float32 stays float32, integers give float64).
"""
from __future__ import annotations

import functools
import math
from fractions import Fraction
from typing import Any, Callable

import numpy as np

from weifen.errors import WeifenTypeError, WeifenValueError

METHODS = ("central", "forward", "backward")

# Richardson defaults: the first step is RICH_BASE * max(1, |x|) (rounded to a power of
# two so the halvings are exact); RICH_LEVELS steps make the tableau.
RICH_BASE = 0.125
RICH_LEVELS = 10


# ---------------------------------------------------------------------------------- stencils
@functools.lru_cache(maxsize=None)
def stencil(method: str, order: int) -> tuple[tuple[int, ...], tuple[Fraction, ...]]:
    """Offsets and exact weights of the ``method`` difference for the ``order``-th derivative.

    >>> from weifen.numeric.differences import stencil
    >>> offsets, weights = stencil("central", 2)
    >>> offsets, [str(w) for w in weights]
    ((-1, 0, 1), ['1', '-2', '1'])
    """
    _check_method(method)
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 1:
        raise WeifenValueError(f"finite differences: order must be an integer >= 1, got {order!r}")
    n = int(order)
    if method == "forward":
        offsets = tuple(range(0, n + 1))
    elif method == "backward":
        offsets = tuple(range(-n, 1))
    else:
        p = (n + 1) // 2
        offsets = tuple(range(-p, p + 1))
    return offsets, _taylor_weights(offsets, n)


def _taylor_weights(offsets: tuple[int, ...], n: int) -> tuple[Fraction, ...]:
    """Solve ``sum_j w_j c_j^k = n! [k == n]`` for ``k < len(offsets)`` in exact rationals."""
    m = len(offsets)
    rows = [[Fraction(c) ** k for c in offsets] + [Fraction(math.factorial(n) if k == n else 0)]
            for k in range(m)]
    for col in range(m):  # Gauss-Jordan; the Vandermonde matrix of distinct nodes is regular
        piv = next(r for r in range(col, m) if rows[r][col] != 0)
        rows[col], rows[piv] = rows[piv], rows[col]
        inv = 1 / rows[col][col]
        rows[col] = [v * inv for v in rows[col]]
        for r in range(m):
            if r != col and rows[r][col] != 0:
                fac = rows[r][col]
                rows[r] = [a - fac * b for a, b in zip(rows[r], rows[col], strict=True)]
    return tuple(rows[k][m] for k in range(m))


def truncation_order(method: str) -> int:
    """The power of ``h`` in the leading error term (1 one-sided, 2 central)."""
    return 2 if method == "central" else 1


def default_step_factor(method: str, order: int, dtype: Any = np.float64) -> float:
    """``eps**(1/(order + a))`` for a method of truncation order ``a`` in ``dtype``.

    >>> from weifen.numeric.differences import default_step_factor
    >>> default_step_factor("central", 1) == (2.0 ** -52) ** (1 / 3)
    True
    >>> default_step_factor("forward", 1, "float32") == (2.0 ** -23) ** (1 / 2)
    True
    """
    eps = float(np.finfo(_real_dtype(dtype)).eps)
    return eps ** (1.0 / (order + truncation_order(method)))


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise WeifenValueError(
            f"finite differences: method must be one of {', '.join(map(repr, METHODS))}, "
            f"got {method!r}")


# ---------------------------------------------------------------------------------- arrays
def _real_dtype(dtype: Any) -> Any:
    dt = np.dtype(dtype)
    if dt.kind == "c":
        return np.float32 if dt == np.complex64 else np.float64
    if dt.kind == "f":
        return dt.type
    return np.float64


class _Input:
    """A user's ``x`` prepared for differencing.

    ``val`` is the array ``f`` is evaluated on (float16/32/64 kept, integers made float64),
    ``acc`` the dtype differences are accumulated in, ``res`` the dtype results come back in.
    """

    __slots__ = ("val", "scalar", "acc", "res", "eps_dtype")

    def __init__(self, x: Any, who: str) -> None:
        self.scalar = isinstance(x, (int, float, complex)) and not isinstance(x, bool)
        val = to_array(x, who, "x")
        kind = val.dtype.kind
        if kind not in "biufc":
            raise WeifenTypeError(f"{who}: x must be numeric, got dtype {val.dtype}")
        if kind in "biu":
            val = val.astype(np.float64)
        self.val = val
        self.eps_dtype = _real_dtype(val.dtype)
        self.acc = np.complex128 if kind == "c" else np.float64
        self.res = val.dtype.type

    @property
    def shape(self) -> tuple:
        return tuple(self.val.shape)

    def result(self, r: Any) -> Any:
        """Cast a float64 result to the input's dtype; Python numbers give Python numbers."""
        r = r.astype(self.res, copy=False) if r.dtype != self.res else r
        if self.scalar and r.ndim == 0:
            return r.item()
        return r


def to_array(v: Any, who: str, what: str = "f's result") -> Any:
    """A raw array from a Python number, a list, an array of any backend or a weifen Tensor.

    Tensors give their underlying array (no copy); arrays implementing NumPy's dispatch
    protocol (CuPy, Dask) keep their type; anything else goes through ``np.asarray``.
    """
    from weifen.core.primitive import Box

    if isinstance(v, Box):
        data = getattr(v, "_data", None)
        if data is None or isinstance(data, Box):
            return np.asarray(v)
        v = data
    if isinstance(v, np.ndarray):
        return v
    if hasattr(v, "__array_function__") and hasattr(v, "shape") and hasattr(v, "dtype"):
        return v
    try:
        a = np.asarray(v)
    except (TypeError, ValueError) as e:
        raise WeifenTypeError(f"{who}: could not make an array of {what} ({e})") from None
    if a.dtype.kind not in "biufc":
        raise WeifenTypeError(f"{who}: {what} must be numeric, got {type(v).__name__}")
    return a


def _eval(f: Callable, point: Any, acc: Any, who: str) -> Any:
    return to_array(f(point), who).astype(acc, copy=False)


def _scale(val: Any) -> Any:
    """``max(1, |x|)`` elementwise, in float64."""
    return np.maximum(np.abs(val).astype(np.float64, copy=False), 1.0)


def _representable(val: Any, h: Any, who: str) -> Any:
    """``(x + h) - x`` in ``x``'s dtype, as float64: the step the evaluation really takes."""
    hv = (val + h.astype(val.dtype, copy=False)) - val
    hv = hv.real if np.iscomplexobj(hv) else hv
    hv = hv.astype(np.float64, copy=False)
    if not bool(np.all(hv != 0)):
        raise WeifenValueError(
            f"{who}: the step h is below the spacing of floating-point numbers at x (it "
            "rounds to 0); pass a larger h or leave h=None")
    return hv


def _step_array(inp: _Input, h: Any, method: str, order: int, who: str, base: float | None,
                pow2: bool = False) -> Any:
    """Per-element steps for ``inp`` (float64, x's shape): the user's ``h`` or the default."""
    if h is None:
        factor = default_step_factor(method, order, inp.eps_dtype) if base is None else base
        hs = factor * _scale(inp.val)
        if pow2:  # powers of two keep every halving exact
            hs = np.exp2(np.round(np.log2(hs)))
    else:
        h_arr = to_array(h, who, "h").astype(np.float64, copy=False)
        if not bool(np.all(h_arr > 0)):
            raise WeifenValueError(f"{who}: the step h must be positive, got {h!r}")
        hs = h_arr * np.ones_like(inp.val, dtype=np.float64)
        if hs.shape != inp.shape:
            raise WeifenValueError(
                f"{who}: h of shape {np.shape(h_arr)} does not broadcast to x's shape "
                f"{inp.shape}")
    return hs


def _unravel(j: int, shape: tuple) -> tuple:
    """The tuple index of flat position ``j``: writes through it need no reshape view, so they
    work on every array backend (Dask's reshape is not a view)."""
    return tuple(int(v) for v in np.unravel_index(j, shape)) if shape else ()


# ---------------------------------------------------------------------------------- core
def _difference(fval: Callable, point: Callable, h: Any, method: str, order: int) -> Any:
    """``sum_c w_c f(point(c h)) / h^order`` with the ``method`` stencil."""
    offsets, weights = stencil(method, order)
    acc = None
    for c, w in zip(offsets, weights, strict=True):
        if w == 0:
            continue
        v = fval(point(c * h)) * float(w)
        acc = v if acc is None else acc + v
    return acc / h ** order


def _richardson(estimate: Callable, h0: Any, method: str, levels: int) -> tuple[Any, Any]:
    """Extrapolate ``estimate(h)`` to ``h -> 0`` over ``h0 / 2**k`` (Ridders' tableau).

    Returns the estimate with the smallest error bound per element, and that bound. The
    error terms of a central stencil are even powers of ``h``, of a one-sided one all powers.
    Non-finite entries (a step that crossed a singularity) are never chosen.
    """
    a = truncation_order(method)
    prev = [estimate(h0)]
    best = prev[0]
    err = np.full_like(best, np.inf, dtype=np.float64)
    for k in range(1, levels):
        row = [estimate(h0 / 2 ** k)]
        for j in range(1, k + 1):
            fac = 2.0 ** (a * j)
            t = row[j - 1] + (row[j - 1] - prev[j - 1]) / (fac - 1.0)
            row.append(t)
            e = np.maximum(np.abs(t - row[j - 1]), np.abs(t - prev[j - 1]))
            better = e < err  # False on NaN: a broken entry never wins
            if bool(np.any(better)):
                best = np.where(better, t, best)
                err = np.where(better, e, err)
        prev = row
    return best, err


# ---------------------------------------------------------------------------------- derivative
def derivative(
    f: Callable[[Any], Any],
    x: Any,
    method: str = "central",
    h: Any = None,
    order: int = 1,
    richardson: bool = False,
) -> Any:
    """The ``order``-th derivative of ``f`` at ``x`` by finite differences.

    ``method`` is ``"central"`` (error ``O(h^2)``), ``"forward"`` or ``"backward"``
    (``O(h)``); ``order`` is any integer >= 1 (orders above 4 lose digits fast).
    ``h=None`` takes the step that balances truncation against rounding:
    ``eps**(1/(order + 2)) * max(1, |x|)`` for central, ``eps**(1/(order + 1)) * max(1, |x|)``
    for one-sided differences, with ``eps`` of ``x``'s dtype. ``richardson=True``
    extrapolates over ten halvings of a step starting at ``h`` (default
    ``max(1, |x|) / 8``), reaching ~1e-12 on smooth functions; steps that cross a
    singularity are discarded.

    ``x`` may be a scalar or an array. For an array, ``f`` must act **elementwise**
    (``f(x)[i]`` depends on ``x[i]`` only): every element is perturbed at once and the
    result holds ``f^(n)(x[i])`` elementwise, with ``x``'s shape. For a scalar ``x``,
    ``f`` may return any shape (the derivative of a curve). Use :func:`jacobian` for a
    general vector function.

    >>> import numpy as np
    >>> from weifen.numeric import derivative
    >>> import math
    >>> abs(derivative(np.sin, 1.0) - math.cos(1.0)) < 1e-9
    True
    >>> abs(derivative(np.exp, 0.5, order=2, richardson=True) - math.exp(0.5)) < 1e-10
    True
    >>> derivative(np.square, np.array([1.0, 2.0, 3.0])).round(6)
    array([2., 4., 6.])
    """
    who = "numeric.derivative"
    _check_method(method)
    stencil(method, order)  # validates order
    inp = _Input(x, who)
    val, acc = inp.val, inp.acc

    def fval(pt):
        out = _eval(f, pt, acc, who)
        if val.ndim and tuple(out.shape) != inp.shape:
            raise WeifenValueError(
                f"{who}: for an array x, f must be elementwise, but f returned shape "
                f"{tuple(out.shape)} for x of shape {inp.shape}; use wf.numeric.jacobian "
                "for a general vector function")
        return out

    def estimate(hs):
        hr = _representable(val, hs, who)
        shaped = hr if val.ndim else hr.reshape(())
        return _difference(fval, lambda d: val + d.astype(val.dtype, copy=False), shaped,
                           method, order)

    if richardson:
        h0 = _step_array(inp, h, method, order, who, RICH_BASE, pow2=True)
        with np.errstate(all="ignore"):  # big first steps may leave f's domain: NaNs lose
            r, _ = _richardson(estimate, h0, method, RICH_LEVELS)
    else:
        r = estimate(_step_array(inp, h, method, order, who, None))
    return inp.result(r)


# ---------------------------------------------------------------------------------- jacobian
def _column(f, inp, j, hj, method, richardson, who):
    """d f / d x_j (float64, f's shape): the 1-D derivative along the j-th coordinate."""
    val = inp.val

    idx = _unravel(j, inp.shape)

    def point(delta):
        p = val.copy()
        p[idx] = p[idx] + delta
        return p

    def estimate(hh):
        e = val.reshape(-1)[j:j + 1]
        hr = float(_representable(e, np.full_like(e, hh, dtype=np.float64), who)[0])
        return _difference(lambda p: _eval(f, p, inp.acc, who), point, hr, method, 1)

    if richardson:
        with np.errstate(all="ignore"):  # as in derivative: out-of-domain steps lose
            r, _ = _richardson(estimate, hj, method, RICH_LEVELS)
        return r
    return estimate(hj)


def jacobian(
    f: Callable[[Any], Any],
    x: Any,
    method: str = "central",
    h: Any = None,
    richardson: bool = False,
) -> Any:
    """The Jacobian of ``f`` at ``x`` by finite differences, shape ``out.shape + x.shape``.

    ``f`` is a black box called on arrays of ``x``'s type (it may return weifen Tensors,
    NumPy or other arrays, or numbers). Each coordinate of ``x`` is perturbed on its own,
    so the cost is ``2 * x.size`` calls of ``f`` (``x.size + 1`` one-sided). ``h`` is a
    scalar or an array of ``x``'s shape (per-coordinate steps); ``h=None`` and
    ``richardson`` work as in :func:`derivative`.

    >>> import numpy as np
    >>> from weifen.numeric import jacobian
    >>> f = lambda v: np.array([v[0] * v[1], np.sin(v[0])])
    >>> jacobian(f, np.array([2.0, 3.0])).round(6)
    array([[ 3.      ,  2.      ],
           [-0.416147,  0.      ]])
    """
    return _jacobian(f, x, method, h, richardson, "numeric.jacobian")[0]


def _jacobian(f, x, method, h, richardson, who):
    _check_method(method)
    inp = _Input(x, who)
    base = RICH_BASE if richardson else None
    hs = _step_array(inp, h, method, 1, who, base, pow2=richardson).reshape(-1)
    cols = [_column(f, inp, j, float(hs[j]), method, richardson, who)
            for j in range(int(np.prod(inp.shape, dtype=np.int64)))]
    if not cols:  # an empty x: the output shape still comes from one call
        out = _eval(f, inp.val, inp.acc, who)
        jac = np.zeros_like(out, shape=tuple(out.shape) + inp.shape)
        return inp.result(jac), inp, tuple(out.shape)
    out_shape = tuple(cols[0].shape)
    jac = np.stack([c.reshape(-1) for c in cols], axis=-1).reshape(out_shape + inp.shape)
    return inp.result(jac), inp, out_shape


def gradient(
    f: Callable[[Any], Any],
    x: Any,
    method: str = "central",
    h: Any = None,
    richardson: bool = False,
) -> Any:
    """The gradient of a scalar ``f`` at ``x`` by finite differences, with ``x``'s shape.

    Options as in :func:`jacobian`; ``f`` must return one number (any size-1 shape).

    >>> import numpy as np
    >>> from weifen.numeric import gradient
    >>> gradient(lambda v: (v ** 2).sum(), np.array([1.0, -2.0, 3.0])).round(8)
    array([ 2., -4.,  6.])
    """
    who = "numeric.gradient"
    jac, inp, out_shape = _jacobian(f, x, method, h, richardson, who)
    size = int(np.prod(out_shape, dtype=np.int64))
    if size != 1:
        raise WeifenValueError(
            f"{who}: f must return a scalar, but it returned shape {out_shape}; use "
            "wf.numeric.jacobian for a vector function")
    if inp.scalar:
        return jac if not hasattr(jac, "reshape") else jac.reshape(()).item()
    return jac.reshape(inp.shape)


# ---------------------------------------------------------------------------------- hessian
def hessian(
    f: Callable[[Any], Any],
    x: Any,
    method: str = "central",
    h: Any = None,
) -> Any:
    """The Hessian of ``f`` at ``x`` by second differences, shape ``out.shape + x.shape * 2``.

    For a scalar ``f`` (the usual case) that is ``x.shape + x.shape``. Central
    differences use ``f(x +- h_i e_i +- h_j e_j)`` (error ``O(h^2)``, default step
    ``eps**(1/4) * max(1, |x|)``); ``forward``/``backward`` use the one-sided corner
    ``f(x +- h_i e_i +- h_j e_j) - f(x +- h_i e_i) - f(x +- h_j e_j) + f(x)`` (error ``O(h)``,
    step ``eps**(1/3) * max(1, |x|)``). Each pair is computed once and mirrored, so the
    result is exactly symmetric. Costs ``O(x.size**2)`` calls of ``f``.

    >>> import numpy as np
    >>> from weifen.numeric import hessian
    >>> A = np.array([[1.0, 2.0], [0.0, 3.0]])
    >>> hessian(lambda v: v @ A @ v, np.array([0.5, -1.0])).round(6)
    array([[2., 2.],
           [2., 6.]])
    """
    who = "numeric.hessian"
    _check_method(method)
    inp = _Input(x, who)
    val, acc = inp.val, inp.acc
    hs = _step_array(inp, h, method, 2, who, None).reshape(-1)
    n = hs.shape[0]
    flat_val = val.reshape(-1)
    hr = [float(_representable(flat_val[i:i + 1], hs[i:i + 1], who)[0]) for i in range(n)]

    idx = [_unravel(i, inp.shape) for i in range(n)]

    def fat(*moves):
        p = val.copy()
        for i, c in moves:
            p[idx[i]] = p[idx[i]] + c * hr[i]
        return _eval(f, p, acc, who)

    f0 = fat()
    entries: dict[tuple[int, int], Any] = {}
    if method == "central":
        for i in range(n):
            entries[i, i] = (fat((i, 1)) - 2.0 * f0 + fat((i, -1))) / (hr[i] * hr[i])
            for j in range(i):
                s = (fat((i, 1), (j, 1)) - fat((i, 1), (j, -1))
                     - fat((i, -1), (j, 1)) + fat((i, -1), (j, -1)))
                entries[i, j] = s / (4.0 * hr[i] * hr[j])
    else:
        sg = 1 if method == "forward" else -1
        f1 = [fat((i, sg)) for i in range(n)]
        for i in range(n):
            entries[i, i] = (fat((i, 2 * sg)) - 2.0 * f1[i] + f0) / (hr[i] * hr[i])
            for j in range(i):
                s = fat((i, sg), (j, sg)) - f1[i] - f1[j] + f0
                entries[i, j] = s / (hr[i] * hr[j])
    out_shape = tuple(f0.shape)
    if n == 0:
        return inp.result(np.zeros_like(f0, shape=out_shape + inp.shape * 2))
    rows = [np.stack([entries[max(i, j), min(i, j)].reshape(-1) for j in range(n)], axis=-1)
            for i in range(n)]
    hess = np.stack(rows, axis=-2).reshape(out_shape + inp.shape * 2)
    return inp.result(hess)
