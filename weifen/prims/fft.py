"""FFT primitives: ``fft`` (complex to complex, forward or inverse, over any axes), ``rfft``
(real to the half spectrum) and ``irfft`` (half spectrum to real).

Every transform here has exactly the lengths of its input along ``axes`` (the public
functions of :mod:`weifen.fft` crop or zero-pad first, as NumPy's ``n`` and ``s`` do),
``axes`` are negative (so a batch axis in front changes nothing) and ``norm`` is one of
``"backward"``, ``"ortho"``, ``"forward"``.

Rules follow JAX's convention for complex values (see :mod:`weifen.prims.complex`): the
vjp of a complex-linear map is its plain transpose.

* ``fft``: the DFT matrix is symmetric, so the vjp of a transform is the same transform.
* ``rfft = crop . fft`` on real input: the vjp is ``real(fft(zero-pad(g)))``.
* ``irfft(y) = real(ifft(w * zero-pad(y)))`` with weights ``w`` along the last axis: 1 at
  the zero frequency (and at ``n/2`` for even ``n``), 2 elsewhere. That is what NumPy
  computes (the imaginary parts at those frequencies are ignored), so the vjp is
  ``w * crop(ifft(g))``, computed as ``w * conj(rfft(g))`` with the norm swapped.

Each rule is written with these primitives and weifen ops, so it differentiates again.

>>> import numpy as np
>>> fft_p(np.array([1.0, 2.0, 3.0, 4.0]), axes=(-1,), inverse=False, norm="backward")
array([10.+0.j, -2.+2.j, -2.+0.j, -2.-2.j])
"""
from __future__ import annotations

import numpy as np

from weifen.core.primitive import Primitive
from weifen.prims.complex import conj_p, real_cotangent, real_p
from weifen.prims.shape import pad_p, shape_of

_SWAP = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


def _fft(x, axes=(-1,), inverse=False, norm="backward"):
    f = np.fft.ifftn if inverse else np.fft.fftn
    return f(x, axes=axes, norm=norm)


fft_p = Primitive(
    "fft", _fft, keep=((),),
    vjp=(lambda g, out, x, axes=(-1,), inverse=False, norm="backward":
         fft_p(g, axes=axes, inverse=inverse, norm=norm),),
    jvp=(lambda dx, out, x, axes=(-1,), inverse=False, norm="backward":
         fft_p(dx, axes=axes, inverse=inverse, norm=norm),))


def _rfft(x, axes=(-1,), norm="backward", n=None):
    return np.fft.rfftn(x, axes=axes, norm=norm)


def _rfft_vjp(g, out, x, axes=(-1,), norm="backward", n=None):
    nd = len(shape_of(g))
    m = shape_of(g)[axes[-1]]
    widths = tuple((0, n - m) if i == nd + axes[-1] else (0, 0) for i in range(nd))
    full = pad_p(g, pad_width=widths, constant_values=0) if n > m else g
    return real_p(fft_p(full, axes=axes, inverse=False, norm=norm))


rfft_p = Primitive(
    "rfft", _rfft, keep=((),), vjp=(_rfft_vjp,),
    jvp=(lambda dx, out, x, axes=(-1,), norm="backward", n=None:
         rfft_p(dx, axes=axes, norm=norm, n=n),))


def _irfft(y, axes=(-1,), norm="backward", n=None):
    s = tuple(y.shape[a] for a in axes[:-1]) + (n,)
    return np.fft.irfftn(y, s=s, axes=axes, norm=norm)


def half_weights(n: int, dtype) -> np.ndarray:
    """The weight of each stored frequency of a real signal of length ``n`` (1 at 0 and at
    ``n/2`` for even ``n``, 2 elsewhere: the others stand for a conjugate pair)."""
    w = np.full(n // 2 + 1, 2.0, dtype=dtype)
    w[0] = 1.0
    if n % 2 == 0:
        w[-1] = 1.0
    return w


def _irfft_vjp(g, out, y, axes=(-1,), norm="backward", n=None):
    # crop(ifft(g)) of a real g is conj(rfft(g)) with the norm's scaling moved across (a
    # complex g, from a product with a complex number, is projected: the output is real)
    g = real_cotangent(g)
    ct = conj_p(rfft_p(g, axes=axes, norm=_SWAP[norm], n=n))
    dt = np.result_type(getattr(g, "dtype", np.float64), np.float32)
    from weifen.core.backend import asarray_like

    w = asarray_like(half_weights(n, dt).reshape((-1,) + (1,) * (-1 - axes[-1])), g)
    return ct * w


irfft_p = Primitive(
    "irfft", _irfft, keep=((),), vjp=(_irfft_vjp,),
    jvp=(lambda dy, out, y, axes=(-1,), norm="backward", n=None:
         irfft_p(dy, axes=axes, norm=norm, n=n),))


def _same_params(prim):
    # axes are negative: the batch axis in front is not touched
    def rule(vals, bd, B, **params):
        return prim(vals[0], **params)

    return rule


for _p in (fft_p, rfft_p, irfft_p):
    _p.batch = _same_params(_p)

__all__ = ["fft_p", "rfft_p", "irfft_p", "half_weights"]
