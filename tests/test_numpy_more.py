"""The NumPy extras of issue 12 beyond their spec rows (tests/spec_more.py): the forms the
generic checks cannot express (index results, ``r_``/``c_`` directives, in-place methods,
NumPy dispatch), edge values (infinities, NaN, zeros, ties) and derivatives there against
jax, and errors.
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


def close(got, want, tol=1e-12):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


X = np.array([0.5, -1.5, 2.0, 0.0, 3.5])


# ============================================================================ index results
def test_where_with_the_condition_alone_gives_indices():
    m = np.array([[0.0, 1.0], [2.0, 0.0]])
    got = wf.where(wf.tensor(m) > 0)
    want = np.where(m > 0)
    assert len(got) == 2 and all(g.dtype == w.dtype for g, w in zip(got, want))
    for g, w in zip(got, want):
        close(g, w)
    for g, w in zip(wf.nonzero(m), np.nonzero(m)):
        close(g, w)
    for g, w in zip(wf.tensor(m).nonzero(), np.nonzero(m)):
        close(g, w)
    for g, w in zip(np.where(wf.tensor(m)), want):  # NumPy's function dispatches here
        close(g, w)
    with pytest.raises(ValueError):
        wf.where(m > 0, 1.0)
    # the indices select differentiably
    x = wf.tensor(m, requires_grad=True)
    wf.sum(x[wf.where(x > 0)] ** 2).backward()
    close(x.grad, 2 * m)


# ============================================================================ r_ and c_
R_CASES = [
    lambda r: r[1:5], lambda r: r[0:1:5j], lambda r: r[-1:1:6j, [0.0] * 3, 5, 6],
    lambda r: r["0,2", [1, 2], [3, 4]], lambda r: r["1,2,0", [1, 2], [3, 4]],
    lambda r: r["-1", np.ones((2, 2)), np.zeros((2, 1))], lambda r: r["0,3,1", [1, 2]],
    lambda r: r["0,3,-1", [1.5, 2]], lambda r: r[np.array([1.0, 2.0]), 2, [3]],
    lambda r: r[np.array([1, 2], np.int32), 3], lambda r: r[np.float32(1), np.ones(2, np.float32)],
]


@pytest.mark.parametrize("k", range(len(R_CASES)))
def test_r_matches_numpy(k):
    got, want = R_CASES[k](wf.r_), R_CASES[k](np.r_)
    assert np.asarray(got).dtype == want.dtype
    close(got, want)


def test_c_matches_numpy_and_differentiates():
    a, b = np.array([1.0, 2.0]), np.array([[3.0, 4.0], [5.0, 6.0]])
    close(wf.c_[a, b], np.c_[a, b])
    close(wf.c_[a, a, 0:2], np.c_[a, a, 0:2])
    g = wf.grad(lambda x: wf.sum(wf.c_[x, 2 * x] ** 2))(a)
    close(g, jax.grad(lambda x: jnp.sum(jnp.c_[x, 2 * x] ** 2))(a))
    g = wf.grad(lambda x: wf.sum(wf.r_[x, 1.0, x[::-1]] * np.arange(5.0)))(a)
    close(g, [4.0, 4.0])
    with pytest.raises(ValueError):
        wf.r_[[1.0], "0,2"]


# ============================================================================ sorting
def test_sort_methods_are_in_place_like_numpy():
    t = wf.tensor([3.0, 1.0, 2.0])
    assert t.sort() is None
    close(t, [1.0, 2.0, 3.0])
    t = wf.tensor(np.array([[3.0, 0.0], [1.0, 5.0]]))
    t.sort(axis=0)
    close(t, [[1.0, 0.0], [3.0, 5.0]])
    t = wf.tensor([5.0, 1.0, 4.0, 2.0])
    t.partition(1)
    close(t, np.partition([5.0, 1.0, 4.0, 2.0], 1))
    # in place on a non-leaf keeps the derivative, as x[i] = v does
    x = wf.tensor([3.0, 1.0, 2.0], requires_grad=True)
    y = x * 1.0
    y.sort()
    (y * wf.tensor([1.0, 10.0, 100.0])).sum().backward()
    close(x.grad, [100.0, 1.0, 10.0])
    close(wf.tensor([3.0, 1.0]).argsort(), [1, 0])
    close(wf.tensor([3.0, 1.0, 2.0]).argpartition(0)[0], 1)


def test_sort_ties_and_vmap_follow_jax():
    x = np.array([2.0, 1.0, 2.0, 1.0, 0.5])
    w = np.arange(1.0, 6.0)
    close(wf.grad(lambda v: wf.sum(wf.sort(v) * w))(x),
          jax.grad(lambda v: jnp.sum(jnp.sort(v) * w))(x))
    X2 = np.random.default_rng(3).standard_normal((4, 6))
    close(wf.vmap(wf.sort)(X2), np.sort(X2))
    f = lambda v: wf.sum(wf.sort(v)[:3] ** 2)  # noqa: E731
    close(wf.vmap(wf.grad(f))(X2), jax.vmap(jax.grad(lambda v: jnp.sum(jnp.sort(v)[:3] ** 2)))(X2))
    close(wf.hessian(f)(X2[0]), jax.hessian(lambda v: jnp.sum(jnp.sort(v)[:3] ** 2))(X2[0]))


# ============================================================================ edge values
def test_hypot_never_overflows_and_follows_numpy_at_infinities():
    x = np.array([1e200, 3.0, 0.0, np.inf, np.nan, np.nan, -np.inf])
    y = np.array([1e200, 4e-3, 0.0, np.nan, np.inf, 1.0, 2.0])
    close(wf.hypot(x, y), np.hypot(x, y), 1e-15)
    gx, gy = wf.grad(lambda a, b: wf.sum(wf.hypot(a, b)), argnums=(0, 1))(x[:2], y[:2])
    close(gx, x[:2] / np.hypot(x[:2], y[:2]))
    close(gy, y[:2] / np.hypot(x[:2], y[:2]))
    # at the origin the derivative is 0 (the subgradient torch's norm picks), never nan
    close(wf.grad(lambda a: wf.hypot(a, 0.0))(0.0), 0.0)
    x32 = np.array([3e30], np.float32)
    assert np.isfinite(np.asarray(wf.hypot(x32, x32))).all()


def test_logaddexp_at_infinities_ties_and_extremes():
    x = np.array([-np.inf, np.inf, -np.inf, np.inf, 1000.0, -1e308, np.nan, 3.0])
    y = np.array([-np.inf, np.inf, np.inf, 5.0, 1000.0, -1e308, 1.0, 3.0])
    for fw, fn in ((wf.logaddexp, np.logaddexp), (wf.logaddexp2, np.logaddexp2)):
        close(fw(x, y), fn(x, y), 1e-15)
    a, b = np.array([0.3, 700.0, -50.0]), np.array([0.3, -700.0, 40.0])
    for fw, fj in ((wf.logaddexp, jnp.logaddexp), (wf.logaddexp2, jnp.logaddexp2)):
        for argnums in (0, 1):
            close(wf.grad(lambda p, q: wf.sum(fw(p, q) ** 2), argnums=argnums)(a, b),
                  jax.grad(lambda p, q: jnp.sum(fj(p, q) ** 2), argnums=argnums)(a, b), 1e-10)
        close(wf.hessian(lambda p: wf.sum(fw(p, b)))(a),
              jax.hessian(lambda p: jnp.sum(fj(p, b)))(a), 1e-10)


def test_sinc_and_cbrt_at_zero():
    for k in range(4):  # f, f', f'', f''' at 0 and next to it
        fw, fj = wf.sinc, jnp.sinc
        for _ in range(k):
            fw, fj = wf.grad(fw), jax.grad(fj)
        for x in (0.0, 0.3):
            close(fw(x), fj(x), 1e-9)
    # next to 0 (the Taylor branch) jax's second derivative loses digits to cancellation;
    # the series is exact there: pi**2 (-1/3 + t**2/10) with t = pi x
    t = np.pi * 1e-4
    close(wf.grad(wf.grad(wf.sinc))(1e-4), np.pi ** 2 * (-1 / 3 + t * t / 10), 1e-14)
    assert np.isinf(np.asarray(wf.grad(wf.cbrt)(0.0)))
    close(wf.cbrt(np.array([-27.0, 8.0, 0.0])), np.cbrt([-27.0, 8.0, 0.0]))
    close(wf.grad(wf.grad(wf.cbrt))(-8.0), jax.grad(jax.grad(jnp.cbrt))(-8.0))


def test_nan_to_num_defaults_and_fmin_fmax():
    x = np.array([np.nan, np.inf, -np.inf, 1.5])
    for dt in (np.float64, np.float32):
        close(wf.nan_to_num(x.astype(dt)), np.nan_to_num(x.astype(dt)))
        assert wf.nan_to_num(x.astype(dt)).dtype == dt
    close(wf.nan_to_num(np.array([1, 2])), [1, 2])
    z = np.array([np.nan + 1j * np.inf, 1 - 2j])
    close(wf.nan_to_num(z), np.nan_to_num(z))
    g = wf.grad(lambda v: wf.sum(wf.nan_to_num(v) * 2.0))(x)
    close(g, [0.0, 0.0, 0.0, 2.0])
    a = np.array([1.0, np.nan, np.nan, -2.0])
    b = np.array([np.nan, 2.0, np.nan, 3.0])
    close(wf.fmax(a, b), np.fmax(a, b))
    close(wf.fmin(a, b), np.fmin(a, b))


def test_real_if_close_and_complex_parts():
    z = np.array([1.0 + 1e-15j, 2.0 - 1e-15j])
    got = wf.real_if_close(z)
    assert got.dtype == np.float64
    close(got, np.real_if_close(z))
    assert wf.real_if_close(np.array([1.0 + 1e-3j])).dtype == np.complex128
    close(wf.imag(X), np.zeros(5))
    t = wf.tensor(np.array([1.0 + 2.0j]))
    close(t.real, [1.0])
    close(t.imag, [2.0])
    close(t.conj(), [1.0 - 2.0j])
    # JAX's convention: the gradient of a real loss of z is dL/da - i dL/db
    z = np.array([1.0 + 2.0j, -0.5 + 0.25j])
    f = lambda m, v: m.sum(m.real(v) ** 2 * m.imag(v) + m.real(m.conj(v) * v * 1j))  # noqa
    close(wf.grad(lambda v: f(wf, v))(z), jax.grad(lambda v: f(jnp, v))(z))


# ============================================================================ calculus helpers
def test_gradient_against_numpy_and_jax():
    rng = np.random.default_rng(5)
    f = rng.standard_normal((4, 6))
    xs = np.cumsum(rng.uniform(0.5, 1.5, 6))
    for kw in ({}, {"edge_order": 2}):
        close(wf.gradient(f, 0.5, xs, **kw)[1], np.gradient(f, 0.5, xs, **kw)[1])
        close(wf.gradient(f, axis=1, **kw), np.gradient(f, axis=1, **kw))
    out = wf.gradient(f)
    assert isinstance(out, tuple) and len(out) == 2
    g = wf.grad(lambda v: wf.sum(wf.gradient(v, xs, axis=1) ** 2))(f)
    close(g, jax.grad(lambda v: jnp.sum(jnp.gradient(v, xs, axis=1) ** 2))(f), 1e-10)
    # differentiable in the spacing too
    close(wf.grad(lambda h: wf.sum(wf.gradient(f[0], h)))(0.5),
          jax.grad(lambda h: jnp.sum(jnp.gradient(f[0], h)))(0.5), 1e-10)
    close(wf.gradient(np.arange(5) ** 2), np.gradient(np.arange(5) ** 2))
    with pytest.raises(ValueError):
        wf.gradient(np.ones(1))


def test_diff_and_trapezoid():
    b = np.array([True, False, False, True])
    close(wf.diff(b), np.diff(b))
    close(wf.diff(X, n=3, prepend=1.0, append=[2.0, 3.0]),
          np.diff(X, n=3, prepend=1.0, append=[2.0, 3.0]))
    close(wf.trapezoid(X, dx=0.2), np.trapezoid(X, dx=0.2))
    close(wf.trapz(X, X ** 2), np.trapezoid(X, X ** 2))


# ============================================================================ dispatch, errors
def test_numpy_functions_dispatch_to_weifen():
    x = wf.tensor(X, requires_grad=True)
    for y in (np.roll(x, 2), np.sort(x), np.hypot(x, 1.0), np.cbrt(x), np.real(x),
              np.diff(x), np.kron(x, x), np.logaddexp(x, 0.0), np.fabs(x)):
        assert isinstance(y, wf.Tensor) and y.requires_grad, type(y)
    wf.sum(np.roll(x, 1) * np.arange(5.0)).backward()
    close(x.grad, np.roll(np.arange(5.0), -1))


def test_errors_name_the_op():
    for call, kind in ((lambda: wf.rot90(np.ones((2, 2)), axes=(0, 0)), ValueError),
                       (lambda: wf.fliplr(np.ones(3)), ValueError),
                       (lambda: wf.cross(np.ones(4), np.ones(3)), ValueError),
                       (lambda: wf.diag(np.ones((2, 2, 2))), ValueError),
                       (lambda: wf.select([np.ones(2)], [np.ones(2)]), TypeError),
                       (lambda: wf.take_along_axis(np.ones((2, 2)), np.ones(2, int), 0),
                        ValueError),
                       (lambda: wf.roll(np.ones(3), 1, axis=2), IndexError),
                       (lambda: wf.dsplit(np.ones((2, 2)), 2), ValueError)):
        with pytest.raises(kind) as e:
            call()
        assert isinstance(e.value, wf.WeifenError), (type(e.value), e.value)


def test_every_extra_has_a_spec_row():
    """Each public name of the two extras modules has a spec row (tests/spec_more.py), but
    the index results, whose shapes depend on the values (tested above)."""
    from spec_more import SPECS_MORE
    from weifen.numpy import more_math, more_shape

    rows = {r.name.split("[")[0] for r in SPECS_MORE}
    names = set(more_math.__all__) | set(more_shape.__all__)
    assert not sorted(names - rows - {"where", "nonzero"})
