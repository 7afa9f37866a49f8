"""wf.fft: values against NumPy, derivatives against jax (x64), complex values included.

The spec rows (tests/spec_fft.py) check every transform as a real function of real parts
in every face. Here the complex side is checked directly against JAX's convention: real
losses of complex intermediates (``sum(abs(fft(x))**2)``, ``sum(real(ifft(fft(x) * h)))``)
by ``wf.grad``, ``.backward()`` and ``wf.hessian``; gradients with respect to complex
inputs; ``wf.vjp`` with complex cotangents and ``wf.jvp`` with complex tangents; vmap,
Jacobians, Duals, dtypes and errors.
"""
from __future__ import annotations

import numpy as np
import pytest

import weifen as wf

jax = pytest.importorskip("jax")
jnp = jax.numpy


@pytest.fixture(autouse=True)
def _x64():
    with jax.enable_x64(True):
        yield


RNG = np.random.default_rng(12)


def _c(*shape):
    return RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)


X8 = RNG.standard_normal(8)
X7 = RNG.standard_normal(7)
X34 = RNG.standard_normal((3, 4))
X234 = RNG.standard_normal((2, 3, 4))
Z8 = _c(8)
Z5 = _c(5)
Z34 = _c(3, 4)
H8 = _c(8)
H5 = _c(5)
W8 = RNG.standard_normal(8)


def close(got, want, tol=1e-10):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


# ============================================================================ values
VALUES = [
    ("fft", X8, {}), ("fft", Z5, {"n": 8}), ("fft", X34, {"axis": 0, "n": 2}),
    ("fft", Z8, {"norm": "ortho"}), ("fft", X7, {"norm": "forward"}),
    ("ifft", Z8, {}), ("ifft", X34, {"n": 6, "norm": "ortho"}),
    ("rfft", X8, {}), ("rfft", X7, {"n": 10}), ("rfft", X34, {"axis": 0, "norm": "forward"}),
    ("irfft", Z5, {}), ("irfft", Z5, {"n": 9}), ("irfft", Z34, {"axis": 0, "n": 3}),
    ("hfft", Z5, {}), ("hfft", Z5, {"n": 7, "norm": "ortho"}), ("ihfft", X7, {}),
    ("fft2", Z34, {}), ("ifft2", X234, {"axes": (0, 2), "s": (3, 3)}),
    ("fftn", X234, {}), ("fftn", Z34, {"s": (4, -1), "axes": (0, 1)}),
    ("ifftn", X234, {"axes": (-1,), "norm": "ortho"}),
    ("rfft2", X34, {}), ("irfft2", Z34, {"s": (3, 5)}), ("rfftn", X234, {"axes": (2, 0)}),
    ("irfftn", Z34, {}), ("irfftn", Z34, {"s": (2, -1), "axes": (0, 1)}),
    ("fftshift", X34, {}), ("fftshift", X234, {"axes": 1}), ("ifftshift", X7, {}),
]


@pytest.mark.parametrize("name,x,kw", VALUES, ids=[f"{n}-{i}" for i, (n, _, _) in
                                                   enumerate(VALUES)])
def test_values_match_numpy(name, x, kw):
    got = getattr(wf.fft, name)(x, **kw)
    want = getattr(np.fft, name)(x, **kw)
    assert np.asarray(got).dtype == want.dtype
    close(got, want)
    close(getattr(wf.fft, name)(wf.tensor(x), **kw), want)  # Tensors too


def test_dtypes_follow_numpy():
    x32 = X8.astype(np.float32)
    assert wf.fft.fft(x32).dtype == np.complex64
    assert wf.fft.rfft(x32).dtype == np.complex64
    assert wf.fft.irfft(Z5.astype(np.complex64)).dtype == np.float32
    assert wf.fft.fft(np.arange(4)).dtype == np.complex128
    g = wf.grad(lambda x: wf.sum(wf.abs(wf.fft.rfft(x)) ** 2))(x32)
    assert g.dtype == np.float32


def test_frequencies():
    close(wf.fft.fftfreq(7, 0.3), np.fft.fftfreq(7, 0.3), 1e-12)
    close(wf.fft.rfftfreq(8, 2.0), np.fft.rfftfreq(8, 2.0), 1e-12)
    g = wf.grad(lambda d: wf.sum(wf.fft.fftfreq(6, d) ** 2))(0.7)
    gj = jax.grad(lambda d: jnp.sum(jnp.fft.fftfreq(6, d) ** 2))(0.7)
    close(g, gj)


def test_numpy_functions_dispatch_to_wf_fft():
    x = wf.tensor(X8, requires_grad=True)
    y = np.fft.rfft(x)
    assert isinstance(y, wf.Tensor)
    wf.sum(wf.abs(y) ** 2).backward()
    close(x.grad, jax.grad(lambda x: jnp.sum(jnp.abs(jnp.fft.rfft(x)) ** 2))(X8))


# ============================================================================ real losses
def _pair(name):
    """Real losses of real inputs through complex intermediates: (weifen, jax, input)."""
    W = {
        "abs2_fft": (lambda m, x: m.sum(m.abs(m.fft.fft(x)) ** 2), X8),
        "filter_ifft_fft": (lambda m, x: m.sum(m.real(m.fft.ifft(m.fft.fft(x) * H8))), X8),
        "abs_rfft": (lambda m, x: m.sum(m.abs(m.fft.rfft(x))), X7),
        "irfft_rfft_filter": (lambda m, x: m.sum(m.fft.irfft(m.fft.rfft(x) * H5[:5], n=8)
                                                 * W8), X8),
        "ortho_fft2": (lambda m, x: m.sum(m.imag(m.fft.fft2(x, norm="ortho")) ** 3), X34),
        "fftn_s": (lambda m, x: m.sum(m.abs(m.fft.fftn(x, s=(4, 6), axes=(0, 1))) ** 1.5),
                   X34),
        "rfftn_irfftn": (lambda m, x: m.sum(m.sin(m.fft.irfftn(m.fft.rfftn(x) ** 2,
                                                               s=(2, 3, 4)))), X234),
        "hfft_ihfft": (lambda m, x: m.sum(m.fft.hfft(m.fft.ihfft(x) * 1j, n=7) ** 2), X7),
        "shift_power": (lambda m, x: m.sum(m.fft.fftshift(m.abs(m.fft.fft(x)) ** 2) * W8),
                        X8),
        "forward_norm": (lambda m, x: m.sum(m.real(m.fft.ifft(m.fft.fft(x, norm="forward")
                                                              ** 2, norm="forward"))), X8),
    }
    f, x = W[name]
    return (lambda v: f(wf, v)), (lambda v: f(jnp, v)), x


LOSSES = ["abs2_fft", "filter_ifft_fft", "abs_rfft", "irfft_rfft_filter", "ortho_fft2",
          "fftn_s", "rfftn_irfftn", "hfft_ihfft", "shift_power", "forward_norm"]


@pytest.mark.parametrize("name", LOSSES)
def test_real_loss_gradients_equal_jax(name):
    fw, fj, x = _pair(name)
    want = jax.grad(fj)(x)
    close(wf.grad(fw)(x), want)
    t = wf.tensor(x, requires_grad=True)
    fw(t).backward()
    close(t.grad, want)
    assert t.grad.dtype == np.float64  # a real input's gradient is real


@pytest.mark.parametrize("name", ["abs2_fft", "abs_rfft", "ortho_fft2", "rfftn_irfftn",
                                  "hfft_ihfft"])
def test_real_loss_hessians_equal_jax(name):
    fw, fj, x = _pair(name)
    close(wf.hessian(fw)(x), jax.hessian(fj)(x), 1e-9)
    v = RNG.standard_normal(x.shape)
    close(wf.hvp(fw, (x,), (v,))[1], jax.jvp(jax.grad(fj), (x,), (v,))[1], 1e-9)


# ============================================================================ complex inputs
COMPLEX = {
    "fft": (lambda m, z: m.sum(m.real(m.fft.fft(z) * H8)), Z8),
    "ifft_abs": (lambda m, z: m.sum(m.abs(m.fft.ifft(z, n=6))), Z8),
    "irfft": (lambda m, z: m.sum(m.fft.irfft(z, n=8) * W8), Z5),
    "irfft_odd": (lambda m, z: m.sum(m.fft.irfft(z) ** 3), Z5),
    "hfft": (lambda m, z: m.sum(m.cos(m.fft.hfft(z))), Z5),
    "fftn": (lambda m, z: m.sum(m.abs(m.fft.fftn(z, norm="ortho")) ** 2 * m.real(z)), Z34),
    "irfft2": (lambda m, z: m.sum(m.fft.irfft2(z, s=(3, 5)) ** 2), Z34),
}


@pytest.mark.parametrize("name", sorted(COMPLEX))
def test_gradient_wrt_complex_input_equals_jax(name):
    """JAX's convention: the gradient of a real loss L of z = a + ib is dL/da - i dL/db."""
    f, z = COMPLEX[name]
    close(wf.grad(lambda v: f(wf, v))(z), jax.grad(lambda v: f(jnp, v))(z))


VJP = [
    ("fft", Z8, {}), ("fft", X8, {"n": 5}), ("ifft", Z8, {"norm": "ortho"}),
    ("rfft", X8, {}), ("rfft", X7, {"n": 9, "norm": "forward"}), ("irfft", Z5, {}),
    ("irfft", Z5, {"n": 7}), ("irfft", Z5, {"n": 4}), ("hfft", Z5, {"norm": "ortho"}),
    ("ihfft", X7, {}), ("fft2", Z34, {"s": (2, 5)}), ("ifftn", Z34, {"axes": (0,)}),
    ("rfftn", X234, {"norm": "ortho"}), ("irfftn", Z34, {"s": (4, 6), "axes": (0, 1)}),
    ("irfft2", Z34, {"norm": "forward"}), ("fftshift", Z8, {}),
]


def _out_like(out):
    o = np.asarray(out)
    return _c(*o.shape) if o.dtype.kind == "c" else RNG.standard_normal(o.shape)


@pytest.mark.parametrize("name,x,kw", VJP, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(VJP)])
def test_vjp_and_jvp_equal_jax(name, x, kw):
    fw = lambda v: getattr(wf.fft, name)(v, **kw)  # noqa: E731
    fj = lambda v: getattr(jnp.fft, name)(v, **kw)  # noqa: E731
    out, back = wf.vjp(fw, x)
    outj, backj = jax.vjp(fj, x)
    close(out, outj)
    u = _out_like(outj)
    (ct,) = back(u)
    (ctj,) = backj(u)
    assert np.asarray(ct).dtype == np.asarray(ctj).dtype
    close(ct, ctj)
    v = _c(*x.shape) if np.iscomplexobj(x) else RNG.standard_normal(x.shape)
    close(wf.jvp(fw, (x,), (v,))[1], jax.jvp(fj, (x,), (v,))[1])


# ============================================================================ other faces
def test_vmap_and_jacobians():
    X = RNG.standard_normal((4, 8))
    close(wf.vmap(wf.fft.rfft)(X), np.fft.rfft(X))
    close(wf.vmap(lambda x: wf.fft.fft(x, axis=0), in_axes=1)(X.T), np.fft.fft(X))
    Z = _c(3, 5)
    close(wf.vmap(lambda z: wf.fft.irfft(z, n=8))(Z), np.fft.irfft(Z, n=8))

    def fw(x):
        return wf.real(wf.fft.fft(x)) * wf.imag(wf.fft.rfft(x, n=14))[:8]

    def fj(x):
        return jnp.real(jnp.fft.fft(x)) * jnp.imag(jnp.fft.rfft(x, n=14))[:8]

    close(wf.jacfwd(fw)(X8), jax.jacfwd(fj)(X8))
    close(wf.jacrev(fw)(X8), jax.jacrev(fj)(X8))
    # per-example gradients: vmap of grad
    g = wf.vmap(wf.grad(lambda x: wf.sum(wf.abs(wf.fft.fft(x)) ** 3)))(X)
    gj = jax.vmap(jax.grad(lambda x: jnp.sum(jnp.abs(jnp.fft.fft(x)) ** 3)))(X)
    close(g, gj)


def test_dual_numbers_and_nested_grads():
    d = wf.fft.fft(wf.Dual(X8, W8))
    close(d.primal, np.fft.fft(X8))
    close(d.tangent, np.fft.fft(W8))
    # a closure over an outer input (no perturbation confusion)

    def outer(a):
        return wf.grad(lambda x: wf.sum(wf.abs(wf.fft.fft(x * a)) ** 2))(X8).sum()

    def outer_j(a):
        return jax.grad(lambda x: jnp.sum(jnp.abs(jnp.fft.fft(x * a)) ** 2))(X8).sum()

    close(wf.grad(outer)(1.3), jax.grad(outer_j)(1.3))


def test_graph_and_jit():
    f = lambda x: wf.sum(wf.abs(wf.fft.rfft(x)) ** 2)  # noqa: E731
    close(wf.jit(f)(X8), f(X8))
    close(wf.jit(wf.grad(f))(X8), jax.grad(lambda x: jnp.sum(jnp.abs(jnp.fft.rfft(x)) ** 2))(X8))


# ============================================================================ errors
def test_errors_are_weifen_errors():
    with pytest.raises(ValueError) as e:
        wf.fft.fft(X8, norm="sideways")
    assert isinstance(e.value, wf.WeifenError) and "norm" in str(e.value)
    with pytest.raises(TypeError) as e:
        wf.fft.rfft(Z8)
    assert isinstance(e.value, wf.WeifenError)
    with pytest.raises(ValueError):
        wf.fft.fft(X8, n=0)
    with pytest.raises(IndexError):
        wf.fft.fft(X8, axis=1)
    with pytest.raises(ValueError):
        wf.fft.fftn(X34, s=(2, 2, 2), axes=(0, 1))


def test_every_fft_function_has_a_spec_row():
    from spec_fft import SPECS_FFT

    rows = {r.name.split("[")[0][len("fft."):] for r in SPECS_FFT}
    assert not sorted(set(wf.fft.__all__) - rows)
