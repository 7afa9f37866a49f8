"""Spec rows for wf.fft (read by tests/test_spec_ops.py through tests/spec_extra.py).

The spec checks compare real arrays, so each row is a real function of real inputs: a
transform's complex output is returned as its real and imaginary parts, and a complex
input is built inside from two real arrays (its parts). For such functions every
convention for complex derivatives agrees, so NumPy gives the values, central differences,
torch and jax the derivatives. Real losses of complex values against ``jax.grad`` (JAX's
convention, complex inputs included) are in tests/test_fft.py.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

import weifen as wf
from spec import REAL, OpSpec, Sample
from spec_more import cz


class _TorchFFT:
    """torch.fft behind NumPy's argument names (``axis``/``axes`` for ``dim``)."""

    def __init__(self, xp) -> None:
        self.f = xp.torch.fft

    def _one(self, name):
        def g(a, n=None, axis=-1, norm=None):
            return getattr(self.f, name)(a, n=n, dim=axis, norm=norm)
        return g

    def _many(self, name, default_axes=None):
        def g(a, s=None, axes=default_axes, norm=None):
            return getattr(self.f, name)(a, s=s, dim=axes, norm=norm)
        return g

    def __getattr__(self, name):
        if name in ("fft", "ifft", "rfft", "irfft", "hfft", "ihfft"):
            return self._one(name)
        if name.endswith("2"):
            return self._many(name, (-2, -1))
        if name.endswith("n"):
            return self._many(name)
        return lambda x, axes=None: getattr(self.f, name)(x, dim=axes)


def fftmod(xp):
    return _TorchFFT(xp) if hasattr(xp, "torch") else xp.fft


def _parts(xp, z):
    return xp.real(z), xp.imag(z)


def _real_in(name: str, samples: Callable, **kw) -> OpSpec:
    """A transform of a real input, its output as (real part, imaginary part)."""
    return OpSpec(f"fft.{name}", lambda x, _n=name, **k: _parts(wf, getattr(wf.fft, _n)(x, **k)),
                  lambda xp, x, _n=name, **k: _parts(xp, getattr(fftmod(xp), _n)(x, **k)),
                  samples, "real", **kw)


def _complex_in(name: str, samples: Callable, real_out: bool = False, **kw) -> OpSpec:
    """A transform of ``x + i y``; a complex output as its parts."""
    def fn(x, y, _n=name, **k):
        o = getattr(wf.fft, _n)(cz(x, y), **k)
        return o if real_out else _parts(wf, o)

    def ref(xp, x, y, _n=name, **k):
        o = getattr(fftmod(xp), _n)(x + 1j * y, **k)
        return o if real_out else _parts(xp, o)

    return OpSpec(f"fft.{name}[complex]" if not real_out else f"fft.{name}", fn, ref, samples,
                  "real parts", **kw)


def _one_axis(*shapes_kw, pair: bool = False) -> Callable:
    def gen(rng):
        out = []
        for shape, kw in shapes_kw:
            desc = str(shape).replace(" ", "") + "".join(f"{k}{v}" for k, v in kw.items())
            args = (REAL(rng, shape), REAL(rng, shape)) if pair else (REAL(rng, shape),)
            out.append(Sample(desc, args, dict(kw)))
        return out
    return gen


_C2C = [((8,), {}), ((5,), {"n": 8}), ((6,), {"n": 4}), ((3, 4), {"axis": 0}),
        ((2, 5), {"norm": "ortho"}), ((4,), {"norm": "forward", "n": 5})]
_R2C = [((8,), {}), ((5,), {}), ((6,), {"n": 9}), ((3, 4), {"axis": 0}),
        ((2, 5), {"norm": "ortho"}), ((7,), {"norm": "forward", "n": 4})]
# half spectra of length m: n defaults to 2 (m - 1); odd, longer (padding) and shorter
# (cropping) lengths too. The imaginary parts at frequency 0 (and n/2) are ignored, as by
# NumPy: their derivative is 0.
_C2R = [((5,), {}), ((5,), {"n": 9}), ((4,), {"n": 10}), ((6,), {"n": 5}),
        ((3, 4), {"axis": 0}), ((2, 5), {"norm": "ortho"}), ((4,), {"norm": "forward"})]
_ND = [((3, 4), {}), ((2, 3, 4), {"axes": (0, 2)}), ((3, 4), {"s": (4, 3), "axes": (0, 1)}),
       ((2, 3, 2), {"norm": "ortho"}), ((2, 3, 4), {"s": (2, 5), "axes": (1, 2)})]
_ND_C2R = [((3, 4), {}), ((2, 3, 4), {"axes": (0, 2)}), ((3, 4), {"s": (4, 5), "axes": (0, 1)}),
           ((2, 3, 3), {"norm": "forward"}), ((2, 3, 4), {"s": (2, 4), "axes": (1, 2)})]
_2D = [((3, 4), {}), ((2, 3, 4), {"axes": (0, 1)}), ((3, 4), {"s": (2, 6)}),
       ((3, 4), {"norm": "ortho"})]
_2D_C2R = [((3, 4), {}), ((2, 3, 4), {"axes": (0, 1)}), ((3, 4), {"s": (2, 5)}),
           ((3, 3), {"norm": "ortho"})]


def _shift_samples(rng):
    return [Sample("(5,)", (REAL(rng, (5,)),)), Sample("(4,6)", (REAL(rng, (4, 6)),)),
            Sample("(4,5)axes1", (REAL(rng, (4, 5)),), {"axes": 1}),
            Sample("(2,3,4)axes(0,2)", (REAL(rng, (2, 3, 4)),), {"axes": (0, 2)})]


def _freq_samples(rng):
    return [Sample("n8", (np.asarray(rng.uniform(0.5, 2.0)),), {"n": 8}),
            Sample("n5", (np.asarray(rng.uniform(0.5, 2.0)),), {"n": 5})]


FFT = [
    _real_in("fft", _one_axis(*_C2C)),
    _complex_in("fft", _one_axis(*_C2C, pair=True)),
    _real_in("ifft", _one_axis(*_C2C)),
    _complex_in("ifft", _one_axis(*_C2C, pair=True)),
    _real_in("rfft", _one_axis(*_R2C)),
    _complex_in("irfft", _one_axis(*_C2R, pair=True), real_out=True),
    _complex_in("hfft", _one_axis(*_C2R, pair=True), real_out=True),
    _real_in("ihfft", _one_axis(*_R2C)),
    _complex_in("fft2", _one_axis(*_2D, pair=True)),
    _complex_in("ifft2", _one_axis(*_2D, pair=True)),
    _complex_in("fftn", _one_axis(*_ND, pair=True)),
    _real_in("fftn", _one_axis(*_ND[:3]), full=False),
    _complex_in("ifftn", _one_axis(*_ND, pair=True)),
    _real_in("rfft2", _one_axis(*_2D)),
    _complex_in("irfft2", _one_axis(*_2D_C2R, pair=True), real_out=True),
    _real_in("rfftn", _one_axis(*_ND)),
    _complex_in("irfftn", _one_axis(*_ND_C2R, pair=True), real_out=True),
    *[OpSpec(f"fft.{n}", lambda x, _n=n, **k: getattr(wf.fft, _n)(x, **k),
             lambda xp, x, _n=n, **k: getattr(fftmod(xp), _n)(x, **k), _shift_samples, "real")
      for n in ("fftshift", "ifftshift")],
    # torch's frequencies take the spacing as a number only; NumPy's are float64 always
    *[OpSpec(f"fft.{n}", lambda d, n, _n=n: getattr(wf.fft, _n)(n, d),
             lambda xp, d, n, _n=n: getattr(xp.fft, _n)(n, d), _freq_samples, "d > 0",
             torch_ref=None, float32=False) for n in ("fftfreq", "rfftfreq")],
]

SPECS_FFT: list[OpSpec] = FFT
