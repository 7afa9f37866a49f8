"""Complex numbers follow JAX's convention in every face, checked against JAX itself.

A complex value ``z = x + iy`` is a pair of reals. For a real-valued ``L``, weifen's gradient
is ``dL/dx - i dL/dy`` (``grad |z|**2 = 2 conj(z)``), as in JAX and HIPS autograd; PyTorch's
is its conjugate. VJPs of complex outputs take JAX's cotangents unchanged, a real input's
cotangent is real, and ``grad`` of a complex output is a TypeError pointing at
``holomorphic_grad``.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import weifen as wf

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
jnp = jax.numpy

RNG = np.random.default_rng(7)


def _c(*shape):
    return RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)


Z = 0.4 * _c(3) + (0.3 + 0.2j)  # away from branch cuts of log/sqrt/arc* and from 0
W = 0.5 * _c(3) + (1.2 - 0.4j)

UNARY = ["exp", "log", "sin", "cos", "tan", "sinh", "cosh", "tanh", "sqrt", "square",
         "reciprocal", "negative", "arcsin", "arccos", "arctan", "arcsinh", "arctanh", "log2",
         "log10", "log1p", "expm1", "exp2", "conj", "real", "imag", "abs", "angle", "sigmoid"]
BINARY = ["add", "subtract", "multiply", "divide", "power", "matmul"]


def _close(a, b, tol=1e-10):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def _ct(out):
    """A cotangent for ``out``: complex for a complex output, real for a real one."""
    out = np.asarray(out)
    g = RNG.standard_normal(out.shape)
    return g + 1j * RNG.standard_normal(out.shape) if out.dtype.kind == "c" else g


@pytest.mark.parametrize("name", UNARY)
def test_unary_vjp_jvp_against_jax(name):
    f, fj = getattr(wf, name), getattr(jnp, name, None) or getattr(jax.nn, name)
    out, vjp_fn = wf.vjp(f, Z)
    outj, vjp_j = jax.vjp(fj, Z)
    _close(out, outj)
    g = _ct(outj)
    _close(vjp_fn(g)[0], vjp_j(g)[0])
    t = _c(3)
    _close(wf.jvp(f, (Z,), (t,))[1], jax.jvp(fj, (Z,), (t,))[1])


@pytest.mark.parametrize("name", BINARY)
def test_binary_vjp_jvp_against_jax(name):
    f, fj = getattr(wf, name), getattr(jnp, name)
    x, y = (Z, W) if name != "matmul" else (_c(2, 3), _c(3, 2))
    out, vjp_fn = wf.vjp(f, x, y)
    outj, vjp_j = jax.vjp(fj, x, y)
    _close(out, outj)
    g = _ct(outj)
    for a, b in zip(vjp_fn(g), vjp_j(g)):
        _close(a, b)
    tx, ty = _c(*np.shape(x)), _c(*np.shape(y))
    _close(wf.jvp(f, (x, y), (tx, ty))[1], jax.jvp(fj, (x, y), (tx, ty))[1])


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_sum_vjp_jvp_against_jax(axis):
    z = _c(2, 3)
    f = lambda a: wf.sum(a, axis=axis)
    fj = lambda a: jnp.sum(a, axis=axis)
    out, vjp_fn = wf.vjp(f, z)
    outj, vjp_j = jax.vjp(fj, z)
    g = _ct(outj)
    _close(vjp_fn(g)[0], vjp_j(g)[0])
    t = _c(2, 3)
    _close(wf.jvp(f, (z,), (t,))[1], jax.jvp(fj, (z,), (t,))[1])


def test_abs_squared_is_two_conj_z():
    # the README's example: JAX's 2 - 2j at 1 + 1j (PyTorch gives the conjugate, 2 + 2j)
    assert complex(wf.grad(lambda z: wf.abs(z) ** 2)(1 + 1j)) == pytest.approx(2 - 2j)
    _close(jax.grad(lambda z: jnp.abs(z) ** 2)(1 + 1j), 2 - 2j)


# real-valued losses of complex inputs: every face gives JAX's gradient
LOSSES = {
    "abs2": (lambda z: wf.sum(wf.abs(z) ** 2), lambda z: jnp.sum(jnp.abs(z) ** 2)),
    "real_exp": (lambda z: wf.sum(wf.real(wf.exp(z) * (0.3 - 2j))),
                 lambda z: jnp.sum(jnp.real(jnp.exp(z) * (0.3 - 2j)))),
    "imag_mix": (lambda z: wf.sum(wf.imag(z * z) + wf.real(z) * wf.imag(z)),
                 lambda z: jnp.sum(jnp.imag(z * z) + jnp.real(z) * jnp.imag(z))),
    "angle_abs": (lambda z: wf.sum(wf.angle(z) * wf.abs(z)),
                  lambda z: jnp.sum(jnp.angle(z) * jnp.abs(z))),
    # a real intermediate meets a complex constant, then is projected again
    "real_mixed": (lambda z: wf.sum(wf.real(wf.abs(z) * (1 + 2j)) + wf.imag(wf.real(z) * 1j)),
                   lambda z: jnp.sum(jnp.real(jnp.abs(z) * (1 + 2j))
                                     + jnp.imag(jnp.real(z) * 1j))),
    "matmul": (lambda z: wf.sum(wf.abs(wf.matmul(z, z.T if hasattr(z, "T") else z)) ** 2),
               lambda z: jnp.sum(jnp.abs(z @ z.T) ** 2)),
}


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_real_loss_gradient_in_every_face(name):
    f, fj = LOSSES[name]
    z = _c(3, 3) * 0.5 + 0.2
    want = np.asarray(jax.grad(fj)(z))
    _close(wf.grad(f)(z), want)  # the JAX face
    t = wf.tensor(z, requires_grad=True)  # the eager face
    f(t).backward()
    _close(t.grad, want)
    batch = np.stack([z, 2 * z])  # vmap of grad
    _close(wf.vmap(wf.grad(f))(batch), np.stack([want, jax.grad(fj)(2 * z)]))
    d = _c(3, 3)  # forward mode: the directional derivative is Re(<grad, d>) = Re sum(g d)
    _close(wf.jvp(f, (z,), (d,))[1], np.real(np.sum(want * d)))


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_second_order_against_jax(name):
    f, fj = LOSSES[name]
    z = _c(3, 3) * 0.5 + 0.2
    g = _c(3, 3)
    # reverse over reverse and reverse over forward of the gradient
    _close(wf.vjp(wf.grad(f), z)[1](g)[0], jax.vjp(jax.grad(fj), z)[1](g)[0], 1e-9)
    t = _c(3, 3)
    _close(wf.jvp(wf.grad(f), (z,), (t,))[1], jax.jvp(jax.grad(fj), (z,), (t,))[1], 1e-9)


def test_third_order_abs_against_jax():
    # autograd's test_abs_complex checks this order: VJP of the JVP of grad(abs)
    x, v, g = 1.1 + 1.3j, -1.05 + 0.82j, 0.3 - 0.7j
    f = lambda a, b: wf.jvp(wf.grad(wf.abs), (a,), (b,))[1]
    fj = lambda a, b: jax.jvp(jax.grad(jnp.abs), (a,), (b,))[1]
    for a, b in zip(wf.vjp(f, x, v)[1](g), jax.vjp(fj, x, v)[1](g)):
        _close(a, b)


def test_real_input_gets_a_real_gradient():
    # x real, complex values in between: the gradient is real (JAX takes the real part
    # where it promotes x to complex)
    f = lambda x: wf.sum(wf.real(x * (1 + 0.2j)) + wf.abs(wf.sin(x) * 1j) ** 2)
    fj = lambda x: jnp.sum(jnp.real(x * (1 + 0.2j)) + jnp.abs(jnp.sin(x) * 1j) ** 2)
    x = RNG.standard_normal(4)
    g = wf.grad(f)(x)
    assert np.asarray(g).dtype == np.float64
    _close(g, jax.grad(fj)(x))
    assert np.asarray(wf.grad(lambda a: wf.real(a * 1j * 1j))(2.0)).dtype == np.float64
    # and its second derivative too
    _close(wf.hessian(f)(x), jax.hessian(fj)(x))
    # the eager face: a real leaf's .grad is real, with no ComplexWarning
    t = wf.tensor(x, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f(t).backward()
    assert t.grad.dtype == np.float64
    _close(t.grad, jax.grad(fj)(x))
    with warnings.catch_warnings():  # a second backward accumulates the real part in place
        warnings.simplefilter("error")
        f(t).backward()
    _close(t.grad, 2 * np.asarray(jax.grad(fj)(x)))


def test_grad_of_complex_output_raises_pointing_at_holomorphic_grad():
    with pytest.raises(TypeError, match="holomorphic_grad"):
        wf.grad(lambda x: x * (1.0 + 0.2j))(1.0)
    with pytest.raises(wf.WeifenTypeError, match="wf.real"):
        wf.grad(lambda z: z * z)(1.0 + 1.0j)
    with pytest.raises(TypeError, match="holomorphic_grad"):
        wf.value_and_grad(lambda z: wf.sum(z * z))(_c(2))


HOLO = [(lambda z: z ** 3, lambda z: z ** 3),
        (lambda z: wf.exp(z) * wf.sin(z), lambda z: jnp.exp(z) * jnp.sin(z)),
        (lambda z: 1 / (z + 2.0), lambda z: 1 / (z + 2.0)),
        (lambda z: wf.log(z) * z, lambda z: jnp.log(z) * z)]


@pytest.mark.parametrize("k", range(len(HOLO)))
def test_holomorphic_grad_against_jax(k):
    f, fj = HOLO[k]
    for z in (0.7 + 0.4j, _c(3) + 1.5):
        got = wf.holomorphic_grad(lambda a: wf.sum(f(a)))(z)
        _close(got, jax.grad(lambda a: jnp.sum(fj(a)), holomorphic=True)(jnp.asarray(z)))
    with pytest.warns(UserWarning, match="not complex"):
        wf.holomorphic_grad(f)(0.5)


def test_casts_against_jax():
    x = RNG.standard_normal(4) + 2.0
    # to an integer: piecewise constant, no derivative flows back (it used to pass through)
    f = lambda a: wf.sum(a.astype(np.int64) * a + wf.abs(a.astype(np.complex128) * 1j) ** 3)
    fj = lambda a: jnp.sum(a.astype(jnp.int64) * a + jnp.abs(a.astype(jnp.complex128) * 1j) ** 3)
    _close(wf.grad(f)(x), jax.grad(fj)(x))
    t = RNG.standard_normal(4)
    _close(wf.jvp(f, (x,), (t,))[1], jax.jvp(fj, (x,), (t,))[1])
    _close(wf.hessian(f)(x), jax.hessian(fj)(x))


# reductions, shape ops and linear algebra on complex values: VJPs and JVPs as JAX's
MORE = {
    "prod": (lambda z: wf.prod(z, axis=0), lambda z: jnp.prod(z, axis=0)),
    "mean": (lambda z: wf.mean(z, axis=1), lambda z: jnp.mean(z, axis=1)),
    "var": (lambda z: wf.var(z), lambda z: jnp.var(z)),  # real, as np.var of complex
    "std": (lambda z: wf.std(z, axis=0), lambda z: jnp.std(z, axis=0)),
    "cumsum": (lambda z: wf.cumsum(z, axis=0), lambda z: jnp.cumsum(z, axis=0)),
    "cumprod": (lambda z: wf.cumprod(z, axis=1), lambda z: jnp.cumprod(z, axis=1)),
    "dot": (lambda z: wf.dot(z, z[::-1]), lambda z: jnp.dot(z, z[::-1])),
    "outer": (lambda z: wf.outer(z, z * 2), lambda z: jnp.outer(z, z * 2)),
    "einsum": (lambda z: wf.einsum("ij,jk->ik", z, z.T), lambda z: jnp.einsum("ij,jk->ik", z, z.T)),
    "tensordot": (lambda z: wf.tensordot(z, z, 1), lambda z: jnp.tensordot(z, z, 1)),
    "trace": (lambda z: wf.trace(z), lambda z: jnp.trace(z)),
    "norm": (lambda z: wf.linalg.norm(z), lambda z: jnp.linalg.norm(z)),
    "norm1": (lambda z: wf.linalg.norm(z, ord=1, axis=0),
              lambda z: jnp.linalg.norm(z, ord=1, axis=0)),
    "inv": (lambda z: wf.linalg.inv(z), lambda z: jnp.linalg.inv(z)),
    "solve": (lambda z: wf.linalg.solve(z, z[0]), lambda z: jnp.linalg.solve(z, z[0])),
    "det": (lambda z: wf.linalg.det(z), lambda z: jnp.linalg.det(z)),
    "pow": (lambda z: z ** z[::-1], lambda z: z ** z[::-1]),
    "rpow": (lambda z: 2.0 ** z, lambda z: 2.0 ** z),
    "logsumexp": (lambda z: wf.logsumexp(z, axis=0),
                  lambda z: jax.scipy.special.logsumexp(z, axis=0)),
    "where": (lambda z: wf.where(wf.real(z) > 1, z, z * z),
              lambda z: jnp.where(jnp.real(z) > 1, z, z * z)),
    "index": (lambda z: z[1:, ::-1][0], lambda z: z[1:, ::-1][0]),
    "concatenate": (lambda z: wf.concatenate([z, z * 2]), lambda z: jnp.concatenate([z, z * 2])),
    "fft": (lambda z: wf.fft.fft(z), lambda z: jnp.fft.fft(z)),
    "real_matrix": (lambda z: wf.matmul(np.ones((2, 3)), z), lambda z: np.ones((2, 3)) @ z),
}


@pytest.mark.parametrize("name", sorted(MORE))
def test_more_ops_against_jax(name):
    f, fj = MORE[name]
    z = 0.5 * _c(3, 3) + 1.0
    out, vjp_fn = wf.vjp(f, z)
    outj, vjp_j = jax.vjp(fj, z)
    _close(out, outj, 1e-9)
    g = _ct(outj)
    _close(vjp_fn(g)[0], vjp_j(g)[0], 1e-9)
    t = _c(3, 3)
    _close(wf.jvp(f, (z,), (t,))[1], jax.jvp(fj, (z,), (t,))[1], 1e-9)
