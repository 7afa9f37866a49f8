"""Discrete Fourier transforms, differentiable, with the names and arguments of ``np.fft``.

``fft ifft rfft irfft hfft ihfft`` (one axis, length ``n``), ``fft2 ifft2 rfft2 irfft2``
(two axes), ``fftn ifftn rfftn irfftn`` (any axes, lengths ``s``), each with ``norm`` one
of ``"backward"`` (the default), ``"ortho"``, ``"forward"``; ``fftshift``, ``ifftshift``,
``fftfreq`` and ``rfftfreq``. A length shorter than the input crops it, a longer one pads
it with zeros, as in NumPy. Transforms of real input return complex Tensors.

Three primitives do the work (:mod:`weifen.prims.fft`); their rules are transforms again,
so derivatives of any order, ``vmap`` and every face work. Derivatives through complex
values follow JAX's convention: for a real loss of real inputs the gradient is the real
one, and equals ``jax.grad``'s.

>>> import weifen as wf
>>> x = wf.tensor([1.0, 2.0, 0.0, -1.0], requires_grad=True)
>>> X = wf.fft.rfft(x)
>>> wf.sum(X.real ** 2 + X.imag ** 2).backward()
>>> x.grad
tensor([ 6., 10.,  2., -2.])
"""
from __future__ import annotations

import operator
from typing import Any, Sequence

import numpy as np

from weifen.errors import WeifenTypeError, WeifenValueError
from weifen.numpy._util import _raw, _t
from weifen.numpy.more_math import conj
from weifen.numpy.more_shape import roll
from weifen.numpy.shape import AxisError, _axis_index, _concrete, getitem
from weifen.prims import complex as C
from weifen.prims import fft as F
from weifen.prims.shape import pad_p, shape_of

__all__ = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2", "ifft2", "rfft2",
           "irfft2", "fftn", "ifftn", "rfftn", "irfftn", "fftshift", "ifftshift", "fftfreq",
           "rfftfreq"]

_NORMS = ("backward", "ortho", "forward")
_SWAP = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


def _norm(norm: Any, name: str) -> str:
    if norm is None:
        return "backward"
    if norm not in _NORMS:
        raise WeifenValueError(f"{name}: invalid norm value {norm!r}; should be 'backward', "
                               "'ortho' or 'forward'")
    return norm


def _dtype(x: Any) -> np.dtype:
    d = getattr(x, "dtype", None)
    return np.dtype(d) if d is not None else np.result_type(x)


def _resize(x: Any, ax: int, n: int, name: str) -> Any:
    """``x`` cropped or zero-padded to length ``n`` along axis ``ax``."""
    nd = len(shape_of(x))
    m = shape_of(x)[ax]
    if n < 1:
        raise WeifenValueError(f"{name}: invalid number of data points ({n}) specified")
    if n < m:
        return getitem(x, _axis_index(ax, slice(0, n)))
    if n > m:
        widths = tuple((0, n - m) if i == ax else (0, 0) for i in range(nd))
        return pad_p.bind(x, pad_width=widths, constant_values=0)
    return x


def _to_complex(x: Any) -> Any:
    return x if _dtype(x).kind == "c" else C.complex_p.bind(x, 0.0)


def _to_real(x: Any, name: str) -> Any:
    if _dtype(x).kind == "c":
        raise WeifenTypeError(f"{name}: the input must be real (take wf.real of it, or use "
                              "the complex transform fft)")
    return x


def _axes(x: Any, s: Any, axes: Any, name: str) -> tuple[tuple, list]:
    """Non-negative axes and one length per axis (None: the input's), as NumPy reads them."""
    nd = len(shape_of(x))
    if s is not None:
        s = [operator.index(_concrete(v)) for v in s]
    if axes is None:
        axes = list(range(nd)) if s is None else list(range(nd - len(s), nd))
    else:
        axes = list(axes)
    out = []
    for a in axes:
        a = operator.index(a)
        if not -nd <= a < nd:
            raise AxisError(f"{name}: axis {a} is out of bounds for array of dimension {nd}")
        out.append(a % nd)
    if s is None:
        return tuple(out), [None] * len(out)
    if len(s) != len(out):
        raise WeifenValueError(f"{name}: shape and axes have different lengths")
    # -1: the input's own length along that axis (no cropping or padding)
    return tuple(out), [shape_of(x)[a] if v == -1 else v for a, v in zip(out, s)]


def _neg(axes: Sequence[int], nd: int) -> tuple:
    return tuple(a - nd for a in axes)


# ---------------------------------------------------------------- complex to complex
def _c2c(a: Any, s: Any, axes: Any, inverse: bool, norm: Any, name: str) -> Any:
    x = _raw(a)
    axes, s = _axes(x, s, axes, name)
    norm = _norm(norm, name)
    x = _to_complex(x)
    for ax, n in zip(axes, s):
        if n is not None:
            x = _resize(x, ax, n, name)
    return _t(F.fft_p.bind(x, axes=_neg(axes, len(shape_of(x))), inverse=inverse, norm=norm))


def fft(a: Any, n: Any = None, axis: int = -1, norm: Any = None) -> Any:
    """The one-dimensional discrete Fourier transform along ``axis``, as ``np.fft.fft``.

    >>> import weifen as wf
    >>> wf.fft.fft(wf.tensor([1.0, 2.0, 3.0, 4.0]))
    tensor([10.+0.j, -2.+2.j, -2.+0.j, -2.-2.j], dtype=complex128)
    """
    return _c2c(a, None if n is None else (n,), (axis,), False, norm, "fft")


def ifft(a: Any, n: Any = None, axis: int = -1, norm: Any = None) -> Any:
    """The inverse of :func:`fft`, as ``np.fft.ifft``.

    >>> import weifen as wf
    >>> wf.fft.ifft(wf.tensor([10.0, -2.0 + 2.0j, -2.0, -2.0 - 2.0j])).real
    tensor([1., 2., 3., 4.])
    """
    return _c2c(a, None if n is None else (n,), (axis,), True, norm, "ifft")


def fft2(a: Any, s: Any = None, axes: Sequence[int] = (-2, -1), norm: Any = None) -> Any:
    """The two-dimensional transform over ``axes``, as ``np.fft.fft2``.

    >>> import weifen as wf
    >>> wf.fft.fft2(wf.ones((2, 2)))
    tensor([[4.+0.j, 0.+0.j],
            [0.+0.j, 0.+0.j]], dtype=complex128)
    """
    return _c2c(a, s, axes, False, norm, "fft2")


def ifft2(a: Any, s: Any = None, axes: Sequence[int] = (-2, -1), norm: Any = None) -> Any:
    """The inverse of :func:`fft2`, as ``np.fft.ifft2``.

    >>> import weifen as wf
    >>> wf.fft.ifft2(wf.tensor([[4.0, 0.0], [0.0, 0.0]])).real
    tensor([[1., 1.],
            [1., 1.]])
    """
    return _c2c(a, s, axes, True, norm, "ifft2")


def fftn(a: Any, s: Any = None, axes: Any = None, norm: Any = None) -> Any:
    """The N-dimensional transform over ``axes`` (all by default), as ``np.fft.fftn``.

    >>> import weifen as wf
    >>> wf.fft.fftn(wf.ones((2, 1, 2))).real.sum()
    tensor(4.)
    """
    return _c2c(a, s, axes, False, norm, "fftn")


def ifftn(a: Any, s: Any = None, axes: Any = None, norm: Any = None) -> Any:
    """The inverse of :func:`fftn`, as ``np.fft.ifftn``.

    >>> import weifen as wf
    >>> wf.fft.ifftn(wf.fft.fftn(wf.tensor([[1.0, 2.0], [3.0, 4.0]]))).real
    tensor([[1., 2.],
            [3., 4.]])
    """
    return _c2c(a, s, axes, True, norm, "ifftn")


# ---------------------------------------------------------------- real input, half spectra
def _r2c(a: Any, s: Any, axes: Any, norm: Any, name: str) -> Any:
    x = _to_real(_raw(a), name)
    axes, s = _axes(x, s, axes, name)
    norm = _norm(norm, name)
    for ax, n in zip(axes, s):
        if n is not None:
            x = _resize(x, ax, n, name)
    if not axes:
        raise WeifenValueError(f"{name}: at least one axis is needed")
    n = shape_of(x)[axes[-1]]
    return _t(F.rfft_p.bind(x, axes=_neg(axes, len(shape_of(x))), norm=norm, n=n))


def _c2r(a: Any, s: Any, axes: Any, norm: Any, name: str) -> Any:
    x = _raw(a)
    axes, s = _axes(x, s, axes, name)
    norm = _norm(norm, name)
    if not axes:
        raise WeifenValueError(f"{name}: at least one axis is needed")
    x = _to_complex(x)
    for ax, n in zip(axes[:-1], s[:-1]):
        if n is not None:
            x = _resize(x, ax, n, name)
    last = axes[-1]
    n = s[-1] if s[-1] is not None else 2 * (shape_of(x)[last] - 1)
    if n < 1:
        raise WeifenValueError(f"{name}: invalid number of data points ({n}) specified")
    x = _resize(x, last, n // 2 + 1, name)
    return _t(F.irfft_p.bind(x, axes=_neg(axes, len(shape_of(x))), norm=norm, n=n))


def rfft(a: Any, n: Any = None, axis: int = -1, norm: Any = None) -> Any:
    """The transform of real input, frequencies ``0 .. n//2`` only, as ``np.fft.rfft``.

    >>> import weifen as wf
    >>> wf.fft.rfft(wf.tensor([1.0, 2.0, 3.0, 4.0]))
    tensor([10.+0.j, -2.+2.j, -2.+0.j], dtype=complex128)
    """
    return _r2c(a, None if n is None else (n,), (axis,), norm, "rfft")


def irfft(a: Any, n: Any = None, axis: int = -1, norm: Any = None) -> Any:
    """The inverse of :func:`rfft` (a real signal of length ``n``, by default
    ``2 * (m - 1)``), as ``np.fft.irfft``.

    >>> import weifen as wf
    >>> wf.fft.irfft(wf.tensor([10.0, -2.0 + 2.0j, -2.0]))
    tensor([1., 2., 3., 4.])
    """
    return _c2r(a, None if n is None else (n,), (axis,), norm, "irfft")


def rfft2(a: Any, s: Any = None, axes: Sequence[int] = (-2, -1), norm: Any = None) -> Any:
    """The two-dimensional transform of real input (half of the last axis), as
    ``np.fft.rfft2``.

    >>> import weifen as wf
    >>> wf.fft.rfft2(wf.ones((2, 4))).shape
    (2, 3)
    """
    return _r2c(a, s, axes, norm, "rfft2")


def irfft2(a: Any, s: Any = None, axes: Sequence[int] = (-2, -1), norm: Any = None) -> Any:
    """The inverse of :func:`rfft2`, as ``np.fft.irfft2``.

    >>> import weifen as wf
    >>> wf.fft.irfft2(wf.fft.rfft2(wf.ones((2, 4)))).shape
    (2, 4)
    """
    return _c2r(a, s, axes, norm, "irfft2")


def rfftn(a: Any, s: Any = None, axes: Any = None, norm: Any = None) -> Any:
    """The N-dimensional transform of real input (half of the last axis), as
    ``np.fft.rfftn``.

    >>> import weifen as wf
    >>> wf.fft.rfftn(wf.ones((2, 3, 4))).shape
    (2, 3, 3)
    """
    return _r2c(a, s, axes, norm, "rfftn")


def irfftn(a: Any, s: Any = None, axes: Any = None, norm: Any = None) -> Any:
    """The inverse of :func:`rfftn`, as ``np.fft.irfftn``.

    >>> import weifen as wf
    >>> wf.fft.irfftn(wf.fft.rfftn(wf.ones((2, 3, 4)))).shape
    (2, 3, 4)
    """
    return _c2r(a, s, axes, norm, "irfftn")


def hfft(a: Any, n: Any = None, axis: int = -1, norm: Any = None) -> Any:
    """The transform of a Hermitian-symmetric signal given by its first half (a real
    spectrum of length ``n``), as ``np.fft.hfft``.

    >>> import weifen as wf
    >>> wf.fft.hfft(wf.tensor([1.0, 2.0, 3.0]))
    tensor([ 8., -2.,  0., -2.])
    """
    return irfft(conj(_raw(a)), n, axis, _SWAP[_norm(norm, "hfft")])


def ihfft(a: Any, n: Any = None, axis: int = -1, norm: Any = None) -> Any:
    """The inverse of :func:`hfft` (real input, half spectrum), as ``np.fft.ihfft``.

    >>> import weifen as wf
    >>> wf.fft.ihfft(wf.tensor([8.0, -2.0, 0.0, -2.0]))
    tensor([1.-0.j, 2.-0.j, 3.-0.j], dtype=complex128)
    """
    return conj(rfft(a, n, axis, _SWAP[_norm(norm, "ihfft")]))


# ---------------------------------------------------------------- helpers
def _shift(x: Any, axes: Any, sign: int) -> Any:
    x = _raw(x)
    nd = len(shape_of(x))
    if axes is None:
        axes = tuple(range(nd))
    elif isinstance(axes, int):
        axes = (axes,)
    shifts = [sign * (shape_of(x)[a] // 2) for a in axes]
    return roll(x, shifts, tuple(axes))


def fftshift(x: Any, axes: Any = None) -> Any:
    """Move the zero frequency to the middle (over ``axes``, all by default), as
    ``np.fft.fftshift``.

    >>> import weifen as wf
    >>> wf.fft.fftshift(wf.tensor([0.0, 1.0, 2.0, -2.0, -1.0]))
    tensor([-2., -1.,  0.,  1.,  2.])
    """
    return _shift(x, axes, 1)


def ifftshift(x: Any, axes: Any = None) -> Any:
    """The inverse of :func:`fftshift`, as ``np.fft.ifftshift``.

    >>> import weifen as wf
    >>> wf.fft.ifftshift(wf.tensor([-2.0, -1.0, 0.0, 1.0, 2.0]))
    tensor([ 0.,  1.,  2., -2., -1.])
    """
    return _shift(x, axes, -1)


def fftfreq(n: int, d: Any = 1.0, device: Any = None) -> Any:
    """The sample frequencies of an ``n``-point transform with sample spacing ``d``
    (differentiable in ``d``), as ``np.fft.fftfreq``.

    >>> import weifen as wf
    >>> wf.fft.fftfreq(4, 0.5)
    tensor([ 0. ,  0.5, -1. , -0.5])
    """
    n = operator.index(n)
    k = np.fft.fftfreq(n, 1.0 / n)  # the integers 0, 1, ..., -1 as floats
    return _t(k / (_raw(d) * n))


def rfftfreq(n: int, d: Any = 1.0, device: Any = None) -> Any:
    """The sample frequencies of :func:`rfft` (non-negative only), as ``np.fft.rfftfreq``.

    >>> import weifen as wf
    >>> wf.fft.rfftfreq(4, 0.5)
    tensor([0. , 0.5, 1. ])
    """
    n = operator.index(n)
    k = np.arange(n // 2 + 1, dtype=np.float64)
    return _t(k / (_raw(d) * n))
