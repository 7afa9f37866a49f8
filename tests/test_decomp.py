"""wf.linalg's decompositions beyond the spec rows (tests/spec_decomp.py): real losses of
complex values against ``jax.grad`` (JAX's convention, complex inputs included), losses of
eigenvalues of real matrices with complex spectra against ``jax.grad``, values at repeated
singular values and eigenvalues, eigenvalue order above LAPACK's crossover, NumPy's
signatures, result types, dtypes and errors, and the norms of every order.
"""
from __future__ import annotations

import numpy as np
import pytest

import weifen as wf
from spec_decomp import complex_spectrum, sv_matrix
from weifen.errors import ShapeError, WeifenTypeError, WeifenValueError

jax = pytest.importorskip("jax")
jnp = jax.numpy


@pytest.fixture(autouse=True)
def _x64():
    with jax.enable_x64(True):
        yield


def _close(got, want, rtol=1e-7, atol=1e-9):
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=rtol, atol=atol)


def _cplx(rng, shape):
    return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)


def _both(f_wf, f_jax, x, **tol):
    """wf.grad and jax.grad of the same real loss, at x."""
    _close(wf.grad(f_wf)(x), jax.grad(f_jax)(x), **tol)


# ============================================================================ jax.grad
@pytest.mark.parametrize("shape", [(3, 3), (4, 4), (2, 3, 3)])
def test_eigvals_of_real_input_with_complex_spectrum_match_jax_grad(shape):
    """Real losses of the (complex) eigenvalues of real matrices: real gradients, as jax's.
    The losses are symmetric in the eigenvalues, so no ordering is assumed."""
    a = complex_spectrum(np.random.default_rng(0), shape)
    assert np.iscomplexobj(np.linalg.eigvals(a))

    def loss(xp, lin):
        def f(a):
            w = lin(xp, a)
            return xp.sum(xp.real(w) ** 3 + xp.imag(w) ** 2 + xp.real(w * w * xp.conj(w)))
        return f

    for lin in (lambda xp, a: xp.linalg.eigvals(a), lambda xp, a: xp.linalg.eig(a)[0]):
        g = wf.grad(loss(wf, lin))(a)
        assert np.asarray(g).dtype == np.float64
        _close(g, jax.grad(loss(jnp, lambda xp, a: xp.linalg.eigvals(a)))(a))


def test_eigvals_of_complex_input_match_jax_grad():
    rng = np.random.default_rng(1)
    z = _cplx(rng, (3, 3)) + np.diag([3.0, 6.0, 9.0])

    def f(xp):
        return lambda z: xp.sum(xp.real(xp.linalg.eigvals(z) ** 2) + xp.imag(
            xp.linalg.eigvals(z)) ** 3)

    _both(f(wf), f(jnp), z)


def _svd_loss(xp, w1, w2):
    def f(z):
        u, s, vh = xp.linalg.svd(z, full_matrices=False)
        uu = xp.real(u * xp.conj(u))
        return xp.sum(s ** 2 * w1) + xp.sum(uu * w2) + xp.sum(xp.real((u * s) @ vh))
    return f


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 3)])
def test_complex_svd_matches_jax_grad(shape):
    rng = np.random.default_rng(2)
    z = sv_matrix(rng, shape, complex_=True)
    w1, w2 = rng.standard_normal(min(shape)), rng.standard_normal((shape[0], min(shape)))
    _both(_svd_loss(wf, w1, w2), _svd_loss(jnp, w1, w2), z, rtol=1e-6)


def test_complex_svdvals_hermitian_reads_the_lower_triangle():
    """svd(hermitian=True) of a complex matrix: the Hermitian matrix its lower triangle
    stands for (and the real part of the diagonal), as LAPACK reads it."""
    rng = np.random.default_rng(3)
    z = _cplx(rng, (3, 3))

    def herm(z):
        low = jnp.tril(z, -1)
        return low + jnp.conj(low).T + jnp.diag(jnp.real(jnp.diag(z)))

    _close(wf.linalg.svd(z, hermitian=True, compute_uv=False),
           np.linalg.svd(z, hermitian=True, compute_uv=False))
    w = np.array([1.0, 2.0, 3.0])
    _both(lambda z: wf.sum(wf.linalg.svd(z, compute_uv=False, hermitian=True) * w),
          lambda z: jnp.sum(jnp.linalg.svd(herm(z), compute_uv=False) * w), z)


def test_complex_qr_pinv_lstsq_match_jax_grad():
    rng = np.random.default_rng(4)
    z = sv_matrix(rng, (4, 3), complex_=True)
    b = _cplx(rng, (4, 2))
    w1, w2 = rng.standard_normal((4, 3)), rng.standard_normal((3, 3))
    w3 = rng.standard_normal((3, 4))

    def qr(xp):
        def f(z):
            q, r = xp.linalg.qr(z)
            return xp.sum(xp.real(q) * w1) + xp.sum(xp.imag(r) * w2)
        return f

    def pinv(xp):
        return lambda z: xp.sum(xp.real(xp.linalg.pinv(z)) * w3 + xp.imag(xp.linalg.pinv(z)))

    def lstsq(xp, wrt_b=False):
        def f(v):
            x = xp.linalg.lstsq(z, v)[0] if wrt_b else xp.linalg.lstsq(v, b)[0]
            return xp.sum(xp.real(x) * w2[:, :2] + xp.imag(x) ** 2)
        return f

    _both(qr(wf), qr(jnp), z)
    _both(pinv(wf), pinv(jnp), z)
    _both(lstsq(wf), lstsq(jnp), z)
    _both(lstsq(wf, True), lstsq(jnp, True), b)


@pytest.mark.parametrize("kw", [{}, {"ord": "fro"}, {"ord": "nuc"}, {"ord": 2}, {"ord": -2}])
def test_complex_matrix_norms_match_jax_grad(kw):
    z = sv_matrix(np.random.default_rng(5), (3, 4), complex_=True)
    _close(wf.linalg.norm(z, **kw), np.linalg.norm(z, **kw), rtol=1e-12)
    _both(lambda z: wf.linalg.norm(z, **kw), lambda z: jnp.linalg.norm(z, **kw), z)


def test_complex_vector_2_norm_matches_jax_grad():
    z = _cplx(np.random.default_rng(6), (5,))
    _both(lambda z: wf.linalg.norm(z), lambda z: jnp.linalg.norm(z), z)
    _both(lambda z: wf.linalg.norm(z, ord=2), lambda z: jnp.linalg.norm(z, ord=2), z)


# ============================================================================ repeated values
def test_losses_of_values_alone_stay_finite_at_repeated_values():
    """The values have primitives of their own, whose rules need no 1/(s_j^2 - s_i^2)."""
    eye = np.eye(3)
    for f in (lambda a: wf.sum(wf.linalg.svdvals(a)),
              lambda a: wf.sum(wf.linalg.svd(a)[1]),
              lambda a: wf.linalg.norm(a, "nuc"),
              lambda a: wf.sum(wf.linalg.eigvals(a)),
              lambda a: wf.sum(wf.linalg.eig(a)[0])):
        _close(wf.grad(f)(eye), eye)
        _, t = wf.jvp(f, (eye,), (np.arange(9.0).reshape(3, 3),))
        _close(t, 12.0)
    # the nuclear norm at a rank-one matrix: a (sub)gradient, finite
    g = wf.grad(lambda a: wf.linalg.norm(a, "nuc"))(np.outer([1.0, 2.0, 3.0], [1.0, -1.0, 0.5]))
    assert np.all(np.isfinite(np.asarray(g)))


def test_eigvals_order_above_lapack_crossover():
    """Above about 75 x 75, NumPy's eigvals and eig can order the eigenvalues differently;
    the rules pair each eigenvalue of eigvals with its own eigenvector. (Central differences
    cannot check this here: a step of 1e-6 already reorders LAPACK's output.)"""
    rng = np.random.default_rng(7)
    n = 150
    a = rng.standard_normal((n, n))
    w, (w2, v2) = np.linalg.eigvals(a), np.linalg.eig(a)
    if np.array_equal(w, w2):  # pragma: no cover - depends on the LAPACK build
        pytest.skip("this LAPACK orders eigvals and eig alike")
    v = v2[:, [int(np.argmin(np.abs(w2 - x))) for x in w]]  # eig's vectors in w's order
    c, d = rng.standard_normal(n), rng.standard_normal(n)
    dir_ = rng.standard_normal((n, n))

    def loss(a):
        w = wf.linalg.eigvals(a)
        return wf.sum(wf.real(w) * c + wf.imag(w) * d)

    want = np.real(np.linalg.solve(v.T, (c - 1j * d)[:, None] * v.T))  # V^-T diag(g) V^T
    _close(wf.grad(loss)(a), want, rtol=1e-6, atol=1e-8)
    dw = np.diagonal(np.linalg.solve(v, dir_ @ v))
    _, t = wf.jvp(loss, (a,), (dir_,))
    _close(t, np.sum(dw.real * c + dw.imag * d), rtol=1e-6, atol=1e-8)


# ============================================================================ NumPy's surface
def test_result_types_shapes_and_dtypes():
    rng = np.random.default_rng(8)
    a = rng.standard_normal((2, 5, 3))
    r = wf.linalg.svd(a)
    assert type(r).__name__ == "SVDResult" and r._fields == ("U", "S", "Vh")
    assert [t.shape for t in r] == [(2, 5, 5), (2, 3), (2, 3, 3)]
    assert [t.shape for t in wf.linalg.svd(a, full_matrices=False)] == [(2, 5, 3), (2, 3),
                                                                       (2, 3, 3)]
    q = wf.linalg.qr(a, mode="complete")
    assert type(q).__name__ == "QRResult" and [t.shape for t in q] == [(2, 5, 5), (2, 5, 3)]
    assert wf.linalg.qr(a, mode="r").shape == (2, 3, 3)
    e = wf.linalg.eig(a[:, :3])
    assert type(e).__name__ == "EigResult" and e._fields == ("eigenvalues", "eigenvectors")
    a32 = a.astype(np.float32)
    for out in (wf.linalg.svd(a32), wf.linalg.qr(a32), (wf.linalg.pinv(a32),),
                (wf.linalg.svdvals(a32),), wf.linalg.lstsq(a32[0], a32[0, :, 0])[:2]):
        assert all(np.asarray(t).dtype == np.float32 for t in out)
    ints = np.array([[1, 2], [3, 4]])
    assert np.asarray(wf.linalg.matrix_power(ints, 3)).dtype == np.int64
    assert np.asarray(wf.linalg.matrix_power(ints, 0)).dtype == np.int64
    _close(wf.linalg.matrix_power(ints, -2), np.linalg.matrix_power(ints, -2), rtol=1e-12)
    # eig: complex exactly when NumPy's is (a real spectrum stays real)
    assert np.asarray(wf.linalg.eigvals(np.diag([1.0, 2.0]))).dtype == np.float64
    rot = np.array([[0.0, -1.0], [1.0, 0.0]])
    assert np.asarray(wf.linalg.eig(rot)[1]).dtype == np.complex128


def test_values_equal_numpy():
    rng = np.random.default_rng(9)
    a = rng.standard_normal((4, 3))
    b = rng.standard_normal(4)
    for got, want in [(wf.linalg.svd(a, compute_uv=False), np.linalg.svd(a, compute_uv=False)),
                      (wf.linalg.pinv(a, rtol=None), np.linalg.pinv(a, rtol=None)),
                      (wf.linalg.pinv(a, rtol=0.5), np.linalg.pinv(a, rtol=0.5)),
                      (wf.linalg.pinv(a, 0.5), np.linalg.pinv(a, 0.5)),
                      (wf.linalg.matrix_power(a[:3], 7), np.linalg.matrix_power(a[:3], 7))]:
        _close(got, want, rtol=1e-12)
    for got, want in zip(wf.linalg.lstsq(a, b), np.linalg.lstsq(a, b)):
        _close(got, want, rtol=1e-10)
        assert np.asarray(got).dtype == np.asarray(want).dtype
    # rank deficient: no residuals, and NumPy's rank
    low = np.outer(b, [1.0, 2.0, 3.0])
    for got, want in zip(wf.linalg.lstsq(low, b), np.linalg.lstsq(low, b)):
        _close(got, want, rtol=1e-10, atol=1e-12)
        assert np.shape(got) == np.shape(want)


def test_bad_arguments_raise_weifen_errors():
    a = np.ones((3, 3))
    with pytest.raises(WeifenValueError, match="mode"):
        wf.linalg.qr(a, mode="economic")
    with pytest.raises(WeifenValueError, match="raw"):
        wf.linalg.qr(a, mode="raw")
    with pytest.raises(WeifenValueError, match="rtol"):
        wf.linalg.pinv(a, rcond=0.1, rtol=0.1)
    with pytest.raises(WeifenTypeError, match="integer"):
        wf.linalg.matrix_power(a, 1.5)
    with pytest.raises(ShapeError):
        wf.linalg.matrix_power(np.ones((2, 3)), 2)
    with pytest.raises(ShapeError):
        wf.linalg.eig(np.ones((2, 3)))
    with pytest.raises(ShapeError):
        wf.linalg.svd(np.ones(3))
    with pytest.raises(ShapeError, match="two|matrix"):
        wf.linalg.lstsq(np.ones((2, 3, 3)), np.ones(3))
    with pytest.raises(ShapeError):
        wf.linalg.lstsq(a, np.ones(4))
    with pytest.raises(WeifenTypeError):  # a traced cutoff is refused, never made constant
        wf.grad(lambda r: wf.sum(wf.linalg.pinv(a, rcond=r)))(0.1)


def test_solve_numpy2_vector_rule_with_stacks():
    rng = np.random.default_rng(10)
    a = rng.standard_normal((2, 3, 3)) + 3 * np.eye(3)
    for b in (rng.standard_normal(3), rng.standard_normal((2, 3, 1)),
              rng.standard_normal((3, 2))):
        _close(wf.linalg.solve(a, b), np.linalg.solve(a, b), rtol=1e-12)
    with pytest.raises(ShapeError):  # NumPy 2: a 2-d b is (n, k), not a stack of vectors
        wf.linalg.solve(a, rng.standard_normal((2, 3)))
    b = rng.standard_normal(3)
    g = wf.grad(lambda b: wf.sum(wf.linalg.solve(a, b)))(b)
    _close(g, np.linalg.solve(np.swapaxes(a, -1, -2), np.ones((2, 3, 1)))[..., 0].sum(0),
           rtol=1e-10)


@pytest.mark.parametrize("ord_", [None, 1, 2, 3, 0.5, -1, -2, -0.5, 0, np.inf, -np.inf])
def test_vector_norms_of_every_order(ord_):
    x = np.array([0.7, -1.3, 0.2, 2.1])
    _close(wf.linalg.norm(x, ord_), np.linalg.norm(x, ord_), rtol=1e-12)
    assert np.asarray(wf.linalg.norm(x, ord_)).dtype == np.float64
    want = jax.grad(lambda x: jnp.linalg.norm(x, ord_))(x)
    if ord_ == 0:  # a count: zero derivative (jax's too)
        want = np.zeros_like(x)
    _close(wf.grad(lambda x: wf.linalg.norm(x, ord_))(x), want)


@pytest.mark.parametrize("ord_", [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf])
def test_matrix_norms_of_every_order(ord_):
    rng = np.random.default_rng(11)
    x = sv_matrix(rng, (2, 3, 4))
    _close(wf.linalg.norm(x, ord_, axis=(1, 2)), np.linalg.norm(x, ord_, axis=(1, 2)),
           rtol=1e-12)
    _close(wf.linalg.norm(x, ord_, axis=(2, 1), keepdims=True),
           np.linalg.norm(x, ord_, axis=(2, 1), keepdims=True), rtol=1e-12)
    _both(lambda x: wf.sum(wf.linalg.norm(x, ord_, axis=(1, 2))),
          lambda x: jnp.sum(jnp.linalg.norm(x, ord_, axis=(1, 2))), x)
    with pytest.raises(WeifenValueError):
        wf.linalg.norm(x[0, 0], "nuc")
