"""weifen.scipy.linalg, .signal and .integrate beyond what spec rows express: odeint's
adjoint gradients (against central differences and HIPS autograd's odeint), its forward mode
and second order, convolve's axes/dot_axes against loops of scipy.signal.convolve, the
Frechet derivatives, the NumPy fallbacks, SciPy's conventions of the thin wrappers, errors.
"""
import subprocess
import sys

import numpy as np
import pytest

import weifen as wf
from weifen.errors import ShapeError, WeifenError, WeifenTypeError, WeifenValueError
from weifen.scipy import integrate, linalg, signal

scipy = pytest.importorskip("scipy")
import scipy.integrate  # noqa: E402
import scipy.linalg as sl  # noqa: E402
import scipy.signal as ss  # noqa: E402

RNG = np.random.default_rng(7)


def _fd(f, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[k] = h
        g[k] = (float(f(x + e)) - float(f(x - e))) / (2 * h)
    return g


# ---------------------------------------------------------------- odeint
def _func(y, t, a1, a2):
    return -wf.sqrt(t) - y + a1 - wf.mean((y + a2) ** 2)


Y0, T = RNG.standard_normal(3), np.linspace(0.1, 0.5, 4)
A1, A2 = RNG.standard_normal(3), RNG.standard_normal(3)
W = RNG.standard_normal((4, 3))


def _loss(y0, t, a1, a2):
    return wf.sum(integrate.odeint(_func, y0, t, args=(a1, a2), rtol=1e-11, atol=1e-11) * W)


def test_odeint_values_match_scipy():
    f = lambda y, t: -y + np.sin(t)  # noqa: E731
    got = integrate.odeint(lambda y, t: -y + wf.sin(t), Y0, T)
    np.testing.assert_allclose(np.asarray(got), scipy.integrate.odeint(f, Y0, T), rtol=1e-6)


@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_odeint_gradient_matches_differences(k):
    xs = [Y0, T, A1, A2]
    g = wf.grad(_loss, argnums=k)(*xs)

    def f(x):
        a = list(xs)
        a[k] = x
        return _loss(*a)

    np.testing.assert_allclose(np.asarray(g), _fd(f, xs[k], 1e-5), rtol=1e-5, atol=1e-6)


def test_odeint_gradient_matches_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    from jax.experimental.ode import odeint as jax_odeint

    def j_func(y, t, a1, a2):
        return -jnp.sqrt(t) - y + a1 - jnp.mean((y + a2) ** 2)

    def j_loss(y0, t, a1, a2):
        return jnp.sum(jax_odeint(j_func, y0, t, a1, a2, rtol=1e-11, atol=1e-11) * W)

    want = jax.grad(j_loss, argnums=(0, 1, 2, 3))(Y0, T, A1, A2)
    got = wf.grad(_loss, argnums=(0, 1, 2, 3))(Y0, T, A1, A2)
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-6, atol=1e-8)


def test_odeint_forward_mode_matches_reverse():
    xs = (Y0, T, A1, A2)
    d = tuple(RNG.standard_normal(np.shape(x)) for x in xs)
    _, tan = wf.jvp(_loss, xs, d)
    gs = wf.grad(_loss, argnums=(0, 1, 2, 3))(*xs)
    want = sum(float(np.sum(np.asarray(g) * v)) for g, v in zip(gs, d))
    assert abs(float(tan) - want) < 1e-6 * max(1.0, abs(want))


def test_odeint_second_order():
    def dk(a1):
        return wf.grad(_loss, argnums=2)(Y0, T, a1, A2)[0]

    h = wf.grad(dk)(A1)
    np.testing.assert_allclose(np.asarray(h), _fd(dk, A1, 1e-4), rtol=1e-4, atol=1e-6)


def test_odeint_pytree_args_tfirst_and_eager_tape():
    k = wf.tensor(0.7, requires_grad=True)
    y = integrate.odeint(lambda t, y, p: -p["k"] * y, wf.tensor([1.0, 2.0]), [0.0, 1.0],
                         args=({"k": k},), tfirst=True)
    y[1].sum().backward()
    assert abs(float(k.grad) - (-3.0 * np.exp(-0.7))) < 1e-6


def test_odeint_refuses_a_closed_over_traced_value():
    def loss(k):
        return integrate.odeint(lambda y, t: -k * y, np.ones(1), [0.0, 1.0])[1, 0]

    with pytest.raises(WeifenTypeError, match="args="):
        wf.grad(loss)(0.5)


def test_odeint_numpy_fallback_integrator():
    from weifen.scipy.integrate import _dopri

    rhs = lambda y, t: np.array([y[1], -y[0]]) * (1 + 0.1 * t)  # noqa: E731
    t = np.array([2.0, 1.3, 0.0, -0.5])  # decreasing times
    got = _dopri(rhs, np.array([1.0, 0.0]), t, 1e-10, 1e-10)
    want = scipy.integrate.odeint(rhs, [1.0, 0.0], t, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-8)


def test_odeint_errors():
    with pytest.raises(NotImplementedError):
        integrate.odeint(lambda y, t: -y, np.ones(2), [0.0, 1.0], full_output=1)
    with pytest.raises(ShapeError):
        integrate.odeint(lambda y, t: -y, np.ones((2, 2)), [0.0, 1.0])


# ---------------------------------------------------------------- convolve
def test_convolve_axes_and_dot_axes_match_scipy_loops():
    a35, a34 = RNG.standard_normal((3, 5)), RNG.standard_normal((3, 4))
    a342 = RNG.standard_normal((3, 4, 2))
    a2543, a24232 = RNG.standard_normal((2, 5, 4, 3)), RNG.standard_normal((2, 4, 2, 3, 2))
    for mode in ("valid", "full", "same"):
        got = np.asarray(signal.convolve(a35, a34, axes=([1], [0]), mode=mode))
        np.testing.assert_allclose(got[1, 2], ss.convolve(a35[1], a34[:, 2], mode), atol=1e-12)
        got = signal.convolve(a35, a342, axes=([1], [2]), dot_axes=([0], [0]), mode=mode)
        want = sum(ss.convolve(a35[i], a342[i, 2], mode) for i in range(3))
        np.testing.assert_allclose(np.asarray(got)[2], want, atol=1e-12)
        got = signal.convolve(a2543, a24232, axes=([1, 2], [2, 4]), dot_axes=([0, 3], [0, 3]),
                              mode=mode)
        want = sum(ss.convolve(a2543[i, :, :, j], a24232[i, 2, :, j, :], mode)
                   for i in range(2) for j in range(3))
        np.testing.assert_allclose(np.asarray(got)[2], want, atol=1e-12)
    # autograd's positional order (A, B, axes, dot_axes)
    got = signal.convolve(a35, a34, ([], []), ([0], [0]))
    np.testing.assert_allclose(np.asarray(got), np.tensordot(a35, a34, ([0], [0])), atol=1e-12)


@pytest.mark.parametrize("mode", ["full", "valid", "same"])
def test_convolve_gradients_with_axes(mode):
    a, b = RNG.standard_normal((3, 3, 2)), RNG.standard_normal((3, 2, 3))
    wt = None

    def f(x, y):
        nonlocal wt
        out = signal.convolve(x, y, axes=([1], [1]), dot_axes=([0], [2]), mode=mode)
        if wt is None:
            wt = np.random.default_rng(1).standard_normal(out.shape)
        return wf.sum(out * wt)

    ga, gb = wf.grad(f, argnums=(0, 1))(a, b)
    np.testing.assert_allclose(np.asarray(ga), _fd(lambda x: f(x, b), a), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(np.asarray(gb), _fd(lambda y: f(a, y), b), rtol=1e-6, atol=1e-8)


def test_convolve_vmap_over_both_inputs_and_one():
    a, b = RNG.standard_normal((4, 6)), RNG.standard_normal((4, 3))
    got = wf.vmap(lambda x, y: signal.convolve(x, y, mode="same"))(a, b)
    want = np.stack([ss.convolve(a[i], b[i], "same") for i in range(4)])
    np.testing.assert_allclose(np.asarray(got), want, atol=1e-12)
    got = wf.vmap(lambda y: signal.convolve(a[0], y))(b)
    np.testing.assert_allclose(np.asarray(got), np.stack([ss.convolve(a[0], r) for r in b]),
                               atol=1e-12)


def test_correlate_matches_scipy():
    for mode in ("full", "valid", "same"):
        for sa, sb in (((5,), (3,)), ((3,), (5,)), ((4, 3), (2, 2))):
            a, b = RNG.standard_normal(sa), RNG.standard_normal(sb)
            np.testing.assert_allclose(np.asarray(signal.correlate(a, b, mode)),
                                       ss.correlate(a, b, mode), atol=1e-12)


def test_convolve_errors():
    with pytest.raises(WeifenValueError):
        signal.convolve(np.ones(3), np.ones(2), mode="circular")
    with pytest.raises(ShapeError):
        signal.convolve(np.ones((2, 5)), np.ones((3, 3)), mode="valid")


# ---------------------------------------------------------------- sqrtm, expm, Sylvester
def test_sqrtm_and_expm_derivatives_match_differences():
    a = 2.0 * np.eye(3) + RNG.uniform(-0.4, 0.4, (3, 3))
    wt = RNG.standard_normal((3, 3))
    for fn in (linalg.sqrtm, linalg.expm):
        f = lambda x: wf.sum(fn(x) * wt)  # noqa: E731
        np.testing.assert_allclose(np.asarray(wf.grad(f)(a)), _fd(f, a), rtol=1e-6, atol=1e-8)
        hv = wf.hvp(f, (a,), (wt,)) if hasattr(wf, "hvp") else None
        if hv is not None:
            g = lambda x: float(np.sum(np.asarray(wf.grad(f)(x)) * wt))  # noqa: E731
            np.testing.assert_allclose(float(np.sum(np.asarray(hv[1] if isinstance(hv, tuple)
                                                               else hv) * wt)),
                                       float(np.sum(_fd(g, a, 1e-4) * wt)), rtol=1e-4)


def test_sqrtm_complex_result_and_disp_false():
    s = RNG.standard_normal((3, 3))
    s = s + s.T - 3 * np.eye(3)  # negative eigenvalues: a complex root
    x = linalg.sqrtm(s)
    np.testing.assert_allclose(np.asarray(x), sl.sqrtm(s), atol=1e-10)
    x2, err = linalg.sqrtm(np.eye(2) * 4.0, disp=False)
    assert float(err) < 1e-12 and np.allclose(np.asarray(x2), 2 * np.eye(2))


def test_expm_frechet_matches_scipy():
    a, e = RNG.standard_normal((3, 3)), RNG.standard_normal((3, 3))
    ex, lf = linalg.expm_frechet(a, e)
    want_ex, want_l = sl.expm_frechet(a, e)
    np.testing.assert_allclose(np.asarray(ex), want_ex, rtol=1e-10)
    np.testing.assert_allclose(np.asarray(lf), want_l, rtol=1e-9, atol=1e-12)


def test_numpy_fallbacks(monkeypatch):
    import weifen.prims.scipy_linalg as P

    a = 2.0 * np.eye(3) + RNG.uniform(-0.4, 0.4, (3, 3))
    b, q = np.eye(3) + RNG.uniform(-0.3, 0.3, (3, 3)), RNG.standard_normal((3, 3))
    want = sl.sqrtm(a), sl.expm(3 * a), sl.solve_sylvester(a, b, q)
    monkeypatch.setattr(P, "_scipy_linalg", lambda: None)
    np.testing.assert_allclose(np.asarray(linalg.sqrtm(a)), want[0], rtol=1e-10)
    np.testing.assert_allclose(np.asarray(linalg.expm(3 * a)), want[1], rtol=1e-11)
    np.testing.assert_allclose(np.asarray(linalg.solve_sylvester(a, b, q)), want[2], rtol=1e-9)


# ---------------------------------------------------------------- SciPy's conventions
def test_wrappers_follow_scipy():
    a = RNG.standard_normal((4, 3))
    s = a.T @ a + np.eye(3)
    b = np.eye(3) * 2 + RNG.uniform(-0.2, 0.2, (3, 3))
    b = b @ b.T
    w, v = linalg.eigh(s, b)
    w2, v2 = sl.eigh(s, b)
    np.testing.assert_allclose(np.asarray(w), w2, rtol=1e-10)
    np.testing.assert_allclose(np.abs(np.asarray(v)), np.abs(v2), rtol=1e-8)
    np.testing.assert_allclose(np.asarray(linalg.eigh(s, subset_by_index=(1, 2))[0]),
                               sl.eigh(s, subset_by_index=(1, 2))[0], rtol=1e-10)
    assert [x.shape for x in linalg.qr(a)] == [y.shape for y in sl.qr(a)]
    assert [x.shape for x in linalg.qr(a, mode="economic")] == \
        [y.shape for y in sl.qr(a, mode="economic")]
    np.testing.assert_allclose(np.asarray(linalg.pinv(a)), sl.pinv(a), rtol=1e-10)
    np.testing.assert_allclose(np.asarray(linalg.lstsq(a, np.ones(4))[0]),
                               sl.lstsq(a, np.ones(4))[0], rtol=1e-10)
    np.testing.assert_allclose(np.asarray(linalg.cholesky(s)), sl.cholesky(s), rtol=1e-12)
    for assume in ("sym", "pos", "lower triangular", "upper triangular", "diagonal"):
        np.testing.assert_allclose(np.asarray(linalg.solve(b + np.tril(s), np.ones(3),
                                                           assume_a=assume)),
                                   sl.solve(b + np.tril(s), np.ones(3), assume_a=assume),
                                   rtol=1e-10)
    np.testing.assert_allclose(np.asarray(linalg.block_diag(s, np.ones(2), 3.0)),
                               sl.block_diag(s, np.ones(2), 3.0))
    np.testing.assert_allclose(np.asarray(linalg.eigvals(s)), np.sort(sl.eigvals(s))[
        np.argsort(np.argsort(np.asarray(linalg.eigvals(s)).real))], rtol=1e-10)


def test_solve_triangular_errors():
    with pytest.raises(WeifenValueError):
        linalg.solve_triangular(np.eye(2), np.ones(2), trans="X")
    with pytest.raises(ShapeError):
        linalg.sqrtm(np.ones((2, 3)))
    with pytest.raises(NotImplementedError):
        linalg.qr(np.eye(2), pivoting=True)
    assert issubclass(ShapeError, WeifenError)


def test_importing_weifen_does_not_import_scipy():
    code = ("import sys, weifen, weifen.scipy.linalg, weifen.scipy.signal, "
            "weifen.scipy.integrate; print('scipy' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "False"


def test_sylvester_with_a_complex_right_side_of_real_matrices():
    """SciPy's solve_sylvester gets a real A, B with a complex Q wrong; weifen gives it one
    dtype (found by a gradient graph: a complex cotangent met real matrices)."""
    from weifen.scipy import linalg as wl

    rng = np.random.default_rng(1)
    a = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    q = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    x = np.asarray(wl.solve_sylvester(a, a.T, q))
    np.testing.assert_allclose(a @ x + x @ a.T, q, atol=1e-12)


def test_sqrtm_under_jit_is_real_for_spd_and_refuses_a_complex_result():
    """sqrtm's result type depends on the values (complex for a negative eigenvalue): a
    graph types it as its input and refuses at run time when it turns complex."""
    import weifen as wf
    from weifen.scipy import linalg as wl

    f = wf.jit(lambda a: wl.sqrtm(a))
    spd = np.array([[2.0, 0.5], [0.5, 1.0]])
    np.testing.assert_allclose(np.asarray(f(spd)) @ np.asarray(f(spd)), spd, atol=1e-12)
    with pytest.raises(wf.WeifenTypeError, match="result type depends on the values"):
        f(np.array([[-1.0, 0.0], [0.0, 2.0]]))
