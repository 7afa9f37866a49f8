"""User-facing reductions and scans (``sum mean prod max min var std logsumexp cumsum ...``).

Signatures follow NumPy, positional order included (``np.var(a, axis, dtype, out, ddof,
keepdims)``), so ``np.sum(tensor, ...)`` dispatches here unchanged. ``out=`` is accepted
only as ``None``: results are always new Tensors.
"""
from __future__ import annotations

from typing import Any

from weifen.errors import WeifenValueError
from weifen.numpy._util import _axis, _count, _raw, _t
from weifen.numpy.elementwise import astype
from weifen.prims import elementwise as E
from weifen.prims import reduce as R
from weifen.prims.shape import reshape_p, shape_of

__all__ = [
    "sum", "mean", "prod", "max", "min", "amax", "amin", "var", "std", "logsumexp",
    "cumsum", "cumprod", "argmax", "argmin", "all", "any", "count_nonzero",
]


def _no_out(out: Any, name: str) -> None:
    if out is not None:
        raise WeifenValueError(f"{name}: out= is not supported (weifen returns new Tensors); "
                               f"assign the result instead")


def _cast(x: Any, dtype: Any) -> Any:
    return _raw(x) if dtype is None else astype(x, dtype)


def sum(x: Any, axis: Any = None, dtype: Any = None, out: Any = None,  # noqa: A001
        keepdims: bool = False) -> Any:
    """Sum over ``axis`` (all axes by default), as ``np.sum``.

    >>> import weifen as wf
    >>> wf.sum(wf.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=0)
    tensor([4., 6.])
    """
    _no_out(out, "sum")
    return _t(R.sum_p.bind(_cast(x, dtype), axis=_axis(axis), keepdims=keepdims))


def mean(x: Any, axis: Any = None, dtype: Any = None, out: Any = None,
         keepdims: bool = False) -> Any:
    """Arithmetic mean over ``axis``, as ``np.mean``.

    >>> import weifen as wf
    >>> wf.mean(wf.tensor([1.0, 2.0, 6.0]))
    tensor(3.)
    """
    _no_out(out, "mean")
    x = _raw(x)
    return sum(x, axis=axis, keepdims=keepdims, dtype=dtype) / _count(x, _axis(axis))


def prod(x: Any, axis: Any = None, dtype: Any = None, out: Any = None,
         keepdims: bool = False) -> Any:
    """Product over ``axis``, as ``np.prod``; the gradient is exact also where ``x`` has zeros.

    >>> import weifen as wf
    >>> x = wf.tensor([2.0, 0.0, 3.0], requires_grad=True)
    >>> wf.prod(x).backward()
    >>> x.grad
    tensor([0., 6., 0.])
    """
    _no_out(out, "prod")
    return _t(R.prod_p.bind(_cast(x, dtype), axis=_axis(axis), keepdims=keepdims))


def max(x: Any, axis: Any = None, out: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    """Largest value over ``axis`` (values only), as ``np.max``; ties share the gradient.

    >>> import weifen as wf
    >>> x = wf.tensor([[1.0, 5.0], [5.0, 2.0]], requires_grad=True)
    >>> wf.max(x).backward()
    >>> x.grad
    tensor([[0. , 0.5],
            [0.5, 0. ]])
    """
    _no_out(out, "max")
    return _t(R.max_p.bind(_raw(x), axis=_axis(axis), keepdims=keepdims))


def min(x: Any, axis: Any = None, out: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    """Smallest value over ``axis`` (values only), as ``np.min``; ties share the gradient.

    >>> import weifen as wf
    >>> wf.min(wf.tensor([[1.0, 5.0], [0.5, 2.0]]), axis=1)
    tensor([1. , 0.5])
    """
    _no_out(out, "min")
    return _t(R.min_p.bind(_raw(x), axis=_axis(axis), keepdims=keepdims))


amax = max
amin = min


def var(x: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: int = 0,
        keepdims: bool = False) -> Any:
    """Variance ``sum((x - mean)**2) / (N - ddof)`` over ``axis``, as ``np.var``.

    >>> import weifen as wf
    >>> wf.var(wf.tensor([1.0, 2.0, 3.0, 4.0])), wf.var(wf.tensor([1.0, 2.0, 3.0]), ddof=1)
    (tensor(1.25), tensor(1.))
    """
    _no_out(out, "var")
    x = _cast(x, dtype)
    axis = _axis(axis)
    d = x - mean(x, axis=axis, keepdims=True)
    if getattr(d, "dtype", None) is not None and d.dtype.kind == "c":  # |d|**2: real, np.var
        from weifen.prims.complex import conj_p, real_p

        return sum(real_p.bind(d * conj_p.bind(d)), axis=axis, keepdims=keepdims) / (
            _count(x, axis) - ddof)
    return sum(d * d, axis=axis, keepdims=keepdims) / (_count(x, axis) - ddof)


def std(x: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: int = 0,
        keepdims: bool = False) -> Any:
    """Standard deviation, the square root of :func:`var`, as ``np.std``.

    Where the variance is 0 the derivative is 0, as torch gives it, not the ``inf * 0 =
    nan`` of a plain square root (jax and autograd give nan). Over one element, or along an
    axis of length 1, std is the constant 0, so 0 is its derivative of every order; at
    equal values over several elements std is a cone (a scaled norm of ``x - mean``) and 0
    is the subgradient torch picks, as ``abs`` takes ``sign(0) = 0``.

    >>> import weifen as wf
    >>> wf.std(wf.tensor([1.0, 3.0]))
    tensor(1.)
    >>> wf.grad(lambda x: wf.std(x, axis=1).sum())(wf.tensor([[2.0], [5.0]]))
    tensor([[0.],
            [0.]])
    """
    _no_out(out, "std")
    v = _raw(var(x, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims))
    # the root is taken at 1 where v == 0 and then replaced by 0: the unused branch then
    # holds no inf for the derivatives of any order to multiply by 0 (nan)
    zero = E.eq_p.bind(v, 0)
    return _t(E.where_p.bind(zero, 0.0, E.sqrt_p.bind(E.where_p.bind(zero, 1.0, v))))


def _stopped_max(x: Any, axis: Any) -> Any:
    """max(x) over ``axis`` (kept) with no derivative, and 0 where it is not finite."""
    m = R.max_stopped_p.bind(x, axis=axis, keepdims=True)
    return E.where_p.bind(E.isfinite_p.bind(m), m, 0.0)


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """``log(sum(exp(x)))`` over ``axis``, computed stably (shifted by the maximum).

    >>> import weifen as wf
    >>> round(float(wf.logsumexp(wf.tensor([1000.0, 1000.0]))), 4)
    1000.6931
    """
    x = _raw(x)
    axis = _axis(axis)
    m = _stopped_max(x, axis)
    s = R.sum_p.bind(E.exp_p.bind(x - m), axis=axis, keepdims=keepdims)
    return _t(E.log_p.bind(s) + (m if keepdims else reshape_p.bind(m, shape=shape_of(s))))


def _scan(prim: Any, x: Any, axis: Any, dtype: Any) -> Any:
    x = _cast(x, dtype)
    if axis is None:  # NumPy scans the flattened array
        x = reshape_p.bind(x, shape=(_count(x, None),))
        axis = 0
    return _t(prim.bind(x, axis=axis))


def cumsum(x: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
    """Cumulative sum along ``axis`` (of the flattened array by default), as ``np.cumsum``.

    >>> import weifen as wf
    >>> wf.cumsum(wf.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=1)
    tensor([[1., 3.],
            [3., 7.]])
    """
    _no_out(out, "cumsum")
    return _scan(R.cumsum_p, x, axis, dtype)


def cumprod(x: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
    """Cumulative product along ``axis`` (of the flattened array by default), as
    ``np.cumprod``; derivatives of every order are exact also where ``x`` has zeros.

    >>> import weifen as wf
    >>> wf.cumprod(wf.tensor([1.0, 2.0, 3.0]))
    tensor([1., 2., 6.])
    """
    _no_out(out, "cumprod")
    return _scan(R.cumprod_p, x, axis, dtype)


def argmax(x: Any, axis: Any = None, out: Any = None, *, keepdims: bool = False) -> Any:
    """Index of the largest value (of the flattened array if ``axis`` is None); no gradient.

    >>> import weifen as wf
    >>> wf.argmax(wf.tensor([[1.0, 5.0], [7.0, 2.0]]), axis=1)
    tensor([1, 0])
    """
    _no_out(out, "argmax")
    return _t(R.argmax_p.bind(_raw(x), axis=axis, keepdims=keepdims))


def argmin(x: Any, axis: Any = None, out: Any = None, *, keepdims: bool = False) -> Any:
    """Index of the smallest value (of the flattened array if ``axis`` is None); no gradient.

    >>> import weifen as wf
    >>> wf.argmin(wf.tensor([3.0, 1.0, 2.0]))
    tensor(1)
    """
    _no_out(out, "argmin")
    return _t(R.argmin_p.bind(_raw(x), axis=axis, keepdims=keepdims))


def all(x: Any, axis: Any = None, out: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    """Whether every element over ``axis`` is true, as ``np.all`` (a bool Tensor).

    >>> import weifen as wf
    >>> wf.all(wf.tensor([1.0, 0.0]))
    tensor(False)
    """
    _no_out(out, "all")
    return _t(R.all_p.bind(_raw(x), axis=_axis(axis), keepdims=keepdims))


def any(x: Any, axis: Any = None, out: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    """Whether some element over ``axis`` is true, as ``np.any`` (a bool Tensor).

    >>> import weifen as wf
    >>> wf.any(wf.tensor([1.0, 0.0]))
    tensor(True)
    """
    _no_out(out, "any")
    return _t(R.any_p.bind(_raw(x), axis=_axis(axis), keepdims=keepdims))


def count_nonzero(x: Any, axis: Any = None, *, keepdims: bool = False) -> Any:
    """How many elements over ``axis`` are non-zero, as ``np.count_nonzero``.

    >>> import weifen as wf
    >>> wf.count_nonzero(wf.tensor([[1.0, 0.0], [2.0, 3.0]]), axis=0)
    tensor([2, 1])
    """
    return _t(R.count_nonzero_p.bind(_raw(x), axis=_axis(axis), keepdims=keepdims))

