"""The vectorisable tanh of the numba kernels (weifen.graph.vmath): within 2 ULP of the C
library's over a dense sweep and every special value; the compiled intrinsic gives the same
bits as the Python reference, in float64 and float32; jit(numba) of tanh-heavy functions
equals eager."""
from __future__ import annotations

import math

import numpy as np
import pytest

import weifen as wf
from weifen.graph import vmath
from weifen.transforms.jit import numba_available

needs_numba = pytest.mark.skipif(not numba_available(), reason="numba (weifen[jit]) not installed")


def _points() -> np.ndarray:
    rng = np.random.default_rng(7)
    special = [0.0, -0.0, np.inf, -np.inf, np.nan, 0.55, -0.55, 22.0, -22.0, 5e-324, -5e-324,
               2.2250738585072014e-308, 1e-300, 709.0, -710.0, 1e300]
    special += [np.nextafter(v, 0) for v in (0.55, 22.0)] + [np.nextafter(0.55, 1)]
    return np.concatenate([rng.standard_normal(20_000) * 3, rng.uniform(-25, 25, 20_000),
                           np.linspace(-0.6, 0.6, 20_001), 10.0 ** rng.uniform(-320, 2, 5_000),
                           -(10.0 ** rng.uniform(-320, 2, 5_000)), np.array(special)])


def _ulps(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    fin = np.isfinite(want)
    scale = np.spacing(np.maximum(np.abs(want[fin]), np.finfo(want.dtype).tiny))
    return np.abs(got[fin] - want[fin]) / scale


def test_python_reference_within_two_ulp_of_the_c_library():
    xs = _points()
    got = np.array([vmath.tanh(float(v)) for v in xs])
    want = np.array([math.tanh(float(v)) if v == v else math.nan for v in xs])
    assert np.array_equal(np.isnan(got), np.isnan(want))
    assert _ulps(got, want).max() <= 2
    ok = ~np.isnan(want)
    assert np.array_equal(np.signbit(got[ok]), np.signbit(want[ok]))  # -0.0 stays -0.0


@needs_numba
def test_compiled_intrinsic_gives_the_reference_bits_in_float64_and_float32():
    import numba

    t = vmath.numba_tanh()

    @numba.njit(error_model="numpy")
    def apply(x, o):
        for i in range(x.shape[0]):
            o[i] = t(x[i])

    xs = _points()
    out = np.empty_like(xs)
    apply(xs, out)
    ref = np.array([vmath.tanh(float(v)) for v in xs])
    same = (out == ref) | (np.isnan(out) & np.isnan(ref))
    assert same.all(), xs[~same][:5]
    assert np.array_equal(np.signbit(out), np.signbit(ref))
    x32 = xs.astype(np.float32)
    o32 = np.empty_like(x32)
    apply(x32, o32)
    assert o32.dtype == np.float32
    assert _ulps(o32, np.tanh(x32)).max() <= 1  # computed in float64, rounded once


@needs_numba
def test_tanh_chains_through_jit_numba_equal_eager():
    def f(x):
        h = x
        for c in (0.9, 1.3, 0.5, 2.0):
            h = wf.tanh(h * c + wf.sin(h) * 0.1)
        return wf.sum(h * h)
    for x in (np.linspace(-30, 30, 97), np.array([0.0, -0.0, 1e-310, 0.55, 22.0, -23.0])):
        want_v, want_g = wf.value_and_grad(f)(x)
        got_v, got_g = wf.jit(wf.value_and_grad(f), backend="numba")(x)
        np.testing.assert_allclose(float(got_v), float(want_v), rtol=1e-14)
        np.testing.assert_allclose(np.asarray(got_g), np.asarray(want_g), rtol=1e-13, atol=1e-300)
