"""wf.numeric (finite differences, Richardson) and gradcheck: closed forms and numdifftools."""
import math
import warnings

import numpy as np
import pytest

import weifen as wf
from weifen.core.primitive import Primitive
from weifen.errors import GradcheckError, WeifenError, WeifenValueError
from weifen.numeric import derivative, gradcheck, gradient, hessian, jacobian, stencil
from weifen.numeric.differences import default_step_factor

EPS = np.finfo(np.float64).eps


# ------------------------------------------------------------------------------ stencils
def test_stencil_weights_are_exact_taylor_weights():
    def ws(method, order):
        offs, w = stencil(method, order)
        return offs, [str(v) for v in w]

    assert ws("central", 1) == ((-1, 0, 1), ["-1/2", "0", "1/2"])
    assert ws("central", 2) == ((-1, 0, 1), ["1", "-2", "1"])
    assert ws("central", 3) == ((-2, -1, 0, 1, 2), ["-1/2", "1", "0", "-1", "1/2"])
    assert ws("central", 4) == ((-2, -1, 0, 1, 2), ["1", "-4", "6", "-4", "1"])
    assert ws("forward", 1) == ((0, 1), ["-1", "1"])
    assert ws("forward", 2) == ((0, 1, 2), ["1", "-2", "1"])
    assert ws("backward", 1) == ((-1, 0), ["-1", "1"])
    assert ws("backward", 3) == ((-3, -2, -1, 0), ["-1", "3", "-3", "1"])


def test_default_step_factors_balance_truncation_and_rounding():
    assert default_step_factor("central", 1) == pytest.approx(EPS ** (1 / 3), rel=1e-14)
    assert default_step_factor("central", 2) == pytest.approx(EPS ** (1 / 4), rel=1e-14)
    assert default_step_factor("forward", 1) == pytest.approx(EPS ** (1 / 2), rel=1e-14)
    assert default_step_factor("backward", 2) == pytest.approx(EPS ** (1 / 3), rel=1e-14)
    eps32 = float(np.finfo(np.float32).eps)
    assert default_step_factor("central", 1, np.float32) == pytest.approx(eps32 ** (1 / 3))


def _spy(f):
    seen = []

    def g(x):
        seen.append(np.array(x, copy=True))
        return f(x)

    return g, seen


@pytest.mark.parametrize("x0", [0.3, 1000.0, -250.0])
def test_default_step_is_eps_cube_root_scaled_and_representable(x0):
    g, seen = _spy(np.sin)
    derivative(g, x0)
    pts = sorted(float(p) for p in seen)
    assert len(pts) == 2
    h = pts[1] - x0
    want = EPS ** (1 / 3) * max(1.0, abs(x0))
    assert h == pytest.approx(want, rel=1e-6)
    assert (x0 + h) - x0 == h  # the step taken is exactly representable


def test_one_sided_default_step_is_sqrt_eps():
    g, seen = _spy(np.exp)
    derivative(g, 4.0, method="forward")
    pts = sorted(float(p) for p in seen)
    assert pts[0] == 4.0
    assert pts[1] - 4.0 == pytest.approx(EPS ** 0.5 * 4.0, rel=1e-6)
    g, seen = _spy(np.exp)
    derivative(g, 4.0, method="backward")
    assert sorted(float(p) for p in seen)[0] == pytest.approx(4.0 - EPS ** 0.5 * 4.0)


def test_representable_step_makes_linear_functions_exact():
    # without (x + h) - x the forward quotient of the identity is off by ~1e-9
    for x0 in [0.1, 0.7, 3.3, 1e5 / 3]:
        assert derivative(lambda t: t, x0, method="forward") == 1.0
        assert derivative(lambda t: t, x0, method="backward") == 1.0
        assert derivative(lambda t: t, x0, method="forward", h=1e-3) == 1.0


# ------------------------------------------------------------------------------ derivative
def test_first_derivative_of_sin_at_one():
    c = math.cos(1.0)
    assert abs(derivative(np.sin, 1.0) - c) < 1e-9
    assert abs(derivative(np.sin, 1.0, method="forward") - c) < 1e-7
    assert abs(derivative(np.sin, 1.0, method="backward") - c) < 1e-7
    assert abs(derivative(np.sin, 1.0, richardson=True) - c) < 1e-13
    assert abs(derivative(np.sin, 1.0, method="forward", richardson=True) - c) < 1e-11
    assert abs(derivative(np.sin, 1.0, method="backward", richardson=True) - c) < 1e-11


def test_second_and_higher_derivatives():
    s = math.sin(1.0)
    assert abs(derivative(np.sin, 1.0, order=2) + s) < 1e-7
    assert abs(derivative(np.sin, 1.0, order=2, method="forward") + s) < 1e-4
    assert abs(derivative(np.sin, 1.0, order=2, richardson=True) + s) < 1e-10
    e = math.exp(0.3)
    assert abs(derivative(np.exp, 0.3, order=3) - e) < 1e-5
    assert abs(derivative(np.exp, 0.3, order=3, richardson=True) - e) < 1e-9
    assert abs(derivative(np.exp, 0.3, order=4, richardson=True) - e) < 1e-6
    # polynomials: a central difference of order n is exact on degree n+1
    assert derivative(lambda t: t ** 3, 2.0, order=3, h=0.5) == pytest.approx(6.0, abs=1e-12)


def test_explicit_step_and_its_error():
    h = 1e-3
    d = derivative(np.exp, 0.0, h=h)
    # central error is h^2/6 f''' to leading order
    assert d - 1.0 == pytest.approx(h * h / 6, rel=1e-3)
    d = derivative(np.exp, 0.0, h=h, method="forward")
    assert d - 1.0 == pytest.approx(h / 2, rel=2e-3)


@pytest.mark.parametrize("f, df, x0", [
    (np.exp, np.exp, 30.0),
    (np.log, lambda t: 1 / t, 0.01),
    (np.tanh, lambda t: 1 / np.cosh(t) ** 2, -0.7),
    (np.sqrt, lambda t: 0.5 / np.sqrt(t), 1e4),
    (lambda t: 1 / (1 + t * t), lambda t: -2 * t / (1 + t * t) ** 2, 3.0),
])
def test_richardson_is_accurate_on_smooth_functions(f, df, x0):
    want = float(df(x0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # out-of-domain probes (log of negatives) stay quiet
        got = derivative(f, x0, richardson=True)
    assert abs(got - want) <= 1e-10 * max(1.0, abs(want))
    assert abs(derivative(f, x0) - want) <= 1e-6 * max(1.0, abs(want))


def test_elementwise_arrays_and_dtypes():
    x = np.linspace(-2.0, 2.0, 9).reshape(3, 3)
    d = derivative(np.sin, x)
    assert d.shape == (3, 3) and d.dtype == np.float64
    np.testing.assert_allclose(d, np.cos(x), atol=1e-9)
    np.testing.assert_allclose(derivative(np.sin, x, richardson=True), np.cos(x), atol=1e-12)
    np.testing.assert_allclose(derivative(np.sin, x, order=2), -np.sin(x), atol=1e-7)
    x32 = x.astype(np.float32)
    d32 = derivative(np.sin, x32)
    assert d32.dtype == np.float32
    # a float64-sized step (6e-6) on float32 data would give errors ~1e-2
    np.testing.assert_allclose(d32, np.cos(x), atol=2e-4)
    np.testing.assert_allclose(derivative(np.sin, x32, richardson=True), np.cos(x), atol=5e-5)
    # per-element steps
    np.testing.assert_allclose(derivative(np.sin, x, h=np.full(x.shape, 1e-4)), np.cos(x),
                               atol=1e-8)


def test_scalar_inputs_and_curves():
    r = derivative(np.square, 3)
    assert isinstance(r, float) and r == pytest.approx(6.0, abs=1e-9)
    r0 = derivative(np.square, np.float64(3.0))
    assert float(r0) == pytest.approx(6.0)
    curve = derivative(lambda t: np.array([t, t * t, np.sin(t)]), 2.0)
    np.testing.assert_allclose(curve, [1.0, 4.0, math.cos(2.0)], atol=1e-9)


def test_tensors_in_and_out():
    got = derivative(lambda t: wf.sin(t) * t, wf.tensor([0.5, 1.0]))
    x = np.array([0.5, 1.0])
    np.testing.assert_allclose(got, np.cos(x) * x + np.sin(x), atol=1e-9)
    assert isinstance(got, np.ndarray)


def test_inputs_are_not_mutated():
    x = np.array([1.0, 2.0, 3.0])
    keep = x.copy()
    derivative(np.sin, x)
    jacobian(np.sin, x)
    hessian(lambda v: (v ** 3).sum(), x)
    derivative(np.sin, x, richardson=True)
    np.testing.assert_array_equal(x, keep)


def test_derivative_errors():
    with pytest.raises(WeifenValueError, match="method"):
        derivative(np.sin, 1.0, method="centered")
    with pytest.raises(WeifenValueError, match="order"):
        derivative(np.sin, 1.0, order=0)
    with pytest.raises(WeifenValueError, match="positive"):
        derivative(np.sin, 1.0, h=-1e-3)
    with pytest.raises(WeifenValueError, match="spacing"):
        derivative(np.sin, 1e10, h=1e-12)
    with pytest.raises(WeifenValueError, match="elementwise"):
        derivative(np.sum, np.ones(3))
    with pytest.raises(ValueError):  # also a built-in ValueError
        derivative(np.sin, 1.0, method="sideways")


# ------------------------------------------------------------------------------ gradient / jacobian
def rosen(v):
    return (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2


def rosen_grad(v):
    x, y = v
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def rosen_hess(v):
    x, y = v
    return np.array([[2 - 400 * (y - x * x) + 800 * x * x, -400 * x], [-400 * x, 200.0]])


def test_gradient():
    v = np.array([-1.2, 1.0])
    np.testing.assert_allclose(gradient(rosen, v), rosen_grad(v), rtol=1e-8)
    np.testing.assert_allclose(gradient(rosen, v, richardson=True), rosen_grad(v), rtol=1e-12)
    np.testing.assert_allclose(gradient(rosen, v, method="forward"), rosen_grad(v), rtol=1e-5)
    x = np.arange(6.0).reshape(2, 3)
    g = gradient(lambda m: (m ** 2).sum() + m[0, 1] * m[1, 2], x)
    want = 2 * x
    want[0, 1] += x[1, 2]
    want[1, 2] += x[0, 1]
    assert g.shape == (2, 3)
    np.testing.assert_allclose(g, want, atol=1e-7)
    assert gradient(lambda t: t ** 3, 2.0) == pytest.approx(12.0, abs=1e-8)
    # f returning Tensors
    np.testing.assert_allclose(gradient(lambda m: wf.sum(wf.exp(m)), x), np.exp(x), rtol=1e-9)
    with pytest.raises(WeifenValueError, match="scalar"):
        gradient(np.sin, np.ones(3))


def test_jacobian_shapes_and_values():
    A = np.array([[1.0, 2.0, 0.5], [-3.0, 4.0, 1.0]])
    x = np.array([0.3, -0.2, 0.9])
    J = jacobian(lambda v: A @ v, x)
    assert J.shape == (2, 3)
    np.testing.assert_allclose(J, A, atol=1e-9)
    J = jacobian(lambda v: np.tanh(A @ v), x, richardson=True)
    np.testing.assert_allclose(J, (1 - np.tanh(A @ x) ** 2)[:, None] * A, atol=1e-12)
    # out.shape + in.shape for matrix in and out: d(M M)/dM
    M = np.array([[1.0, 2.0], [3.0, 4.0]])
    J = jacobian(lambda m: m @ m, M)
    assert J.shape == (2, 2, 2, 2)
    eye = np.eye(2)
    want = np.einsum("ik,lj->ijkl", eye, M) + np.einsum("ik,jl->ijkl", M, eye)
    np.testing.assert_allclose(J, want, atol=1e-8)
    # scalar in: out.shape
    assert jacobian(lambda t: np.array([t, 2 * t]), 1.0).shape == (2,)
    # float32: result float32 and a float32-sized step
    J32 = jacobian(lambda v: np.sin(v) * v.sum(), x.astype(np.float32))
    assert J32.dtype == np.float32
    want32 = np.diag(np.cos(x)) * x.sum() + np.sin(x)[:, None]
    np.testing.assert_allclose(J32, want32, atol=5e-4)


# ------------------------------------------------------------------------------ hessian
def test_hessian_of_quadratic_form_is_a_plus_a_transpose():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((4, 4))
    x = rng.standard_normal(4)
    for method, tol in [("central", 1e-6), ("forward", 1e-4), ("backward", 1e-4)]:
        H = hessian(lambda v: v @ A @ v, x, method=method)
        assert H.shape == (4, 4)
        np.testing.assert_array_equal(H, H.T)  # exactly symmetric
        np.testing.assert_allclose(H, A + A.T, atol=tol)


def test_hessian_closed_forms_and_shapes():
    v = np.array([-1.2, 1.0])
    np.testing.assert_allclose(hessian(rosen, v), rosen_hess(v), rtol=1e-6)
    X = np.array([[0.5, -1.0], [2.0, 0.1]])
    H = hessian(lambda m: (m ** 3).sum(), X)
    assert H.shape == (2, 2, 2, 2)
    np.testing.assert_allclose(H.reshape(4, 4), np.diag(6 * X.ravel()), atol=1e-5)
    h4 = hessian(lambda t: t ** 4, 2.0)  # a Python number in, a Python number out
    assert isinstance(h4, float) and h4 == pytest.approx(48.0, rel=1e-7)
    # vector f: out.shape + x.shape * 2
    Hv = hessian(lambda v: np.array([v[0] * v[1], v[0] ** 2]), np.array([1.0, 2.0]))
    assert Hv.shape == (2, 2, 2)
    np.testing.assert_allclose(Hv, [[[0, 1], [1, 0]], [[2, 0], [0, 0]]], atol=1e-6)


# ------------------------------------------------------------------------------ numdifftools
def test_against_numdifftools():
    nd = pytest.importorskip("numdifftools")
    for f, x0 in [(np.sin, 1.0), (np.exp, -0.4), (np.arctan, 2.5)]:
        assert derivative(f, x0, richardson=True) == pytest.approx(nd.Derivative(f)(x0),
                                                                   abs=1e-11)
        assert derivative(f, x0) == pytest.approx(nd.Derivative(f)(x0), abs=1e-9)
        assert derivative(f, x0, order=2, richardson=True) == pytest.approx(
            nd.Derivative(f, n=2)(x0), abs=1e-8)

    def g(v):
        return v[0] ** 2 * v[1] + np.sin(v[1]) * np.exp(v[2])

    v = np.array([1.0, 2.0, -0.5])
    np.testing.assert_allclose(gradient(g, v), nd.Gradient(g)(v), atol=1e-8)
    np.testing.assert_allclose(hessian(g, v), nd.Hessian(g)(v), atol=1e-6)

    def h(v):
        return np.array([v[0] * v[1], np.exp(v[0]) * v[2], np.log1p(v[1] ** 2)])

    np.testing.assert_allclose(jacobian(h, v), nd.Jacobian(h)(v), atol=1e-8)
    np.testing.assert_allclose(jacobian(h, v, richardson=True), nd.Jacobian(h)(v), atol=1e-11)


# ------------------------------------------------------------------------------ gradcheck
bad_p = Primitive("bad_square", lambda x: x * x, vjp=(lambda g, out, x: g * 3 * x,),
                  register=False)


def test_gradcheck_passes_on_good_functions():
    assert gradcheck(lambda x: wf.sin(x) * wf.exp(x), wf.tensor([0.1, 0.5, 2.0])) is True
    assert gradcheck(lambda x, y: wf.tanh(x * y) + x / y,
                     (np.array([[0.3, -1.0], [2.0, 0.5]]), np.array([1.5, -0.7])))
    assert gradcheck(lambda x: wf.sum(x * x) * wf.log(wf.sum(wf.exp(x))), np.ones(4) * 0.25)
    assert gradcheck(lambda x: wf.sqrt(x), 2.0)  # Python float input
    # integer constants pass through; tuple outputs; an unused input
    assert gradcheck(lambda x, n, z: (x ** n, wf.sum(x) * 2.0), (np.array([1.5, 2.0]), 3,
                                                                 np.ones(2)))


def test_gradcheck_does_not_touch_the_inputs():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    a = np.array([[0.5, 1.0]])
    gradcheck(lambda u, v: u * v, (x, a))
    assert x.grad is None and x.requires_grad
    np.testing.assert_array_equal(x.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(a, [[0.5, 1.0]])


def test_gradcheck_names_the_worst_entry_of_a_wrong_rule():
    x = np.array([[1.0, 2.0], [3.0, -1.0]])
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda t: bad_p(t) * 2.0, x)
    e = info.value
    assert isinstance(e, WeifenError) and isinstance(e, RuntimeError)
    # d/dx 2x^2 = 4x; the bad rule gives 6x, worst at the largest |x| (x[1, 0] = 3)
    assert e.input == 0
    assert e.output_index == (1, 0) and e.input_index == (1, 0)
    assert e.analytic == pytest.approx(18.0) and e.numeric == pytest.approx(12.0, rel=1e-8)
    msg = str(e)
    for part in ["input 0", "output index (1, 0)", "input index (1, 0)", "analytic 18",
                 "numeric 12", "0.012", "4 of 16 entries"]:
        assert part in msg, (part, msg)
    np.testing.assert_array_equal(x, [[1.0, 2.0], [3.0, -1.0]])


def test_gradcheck_second_input_and_scalar_output():
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a, b: wf.sum(a * 2.0) + wf.sum(bad_p(b)), (np.ones(3), np.array(
            [0.5, -4.0])))
    e = info.value
    assert e.input == 1 and e.output_index == () and e.input_index == (1,)
    assert e.analytic == pytest.approx(-12.0) and e.numeric == pytest.approx(-8.0, rel=1e-8)
    assert "input 1 (shape (2,))" in str(e)
    assert gradcheck(lambda a: bad_p(a), 2.0, raise_exception=False) is False


def test_gradcheck_tolerances():
    slightly = Primitive("slightly_off", lambda x: x * x,
                         vjp=(lambda g, out, x: g * 2.0001 * x,), register=False)
    x = np.array([0.5, 1.0, 2.0])
    assert gradcheck(lambda t: slightly(t), x)  # 5e-5 relative < rtol=1e-3
    with pytest.raises(GradcheckError):
        gradcheck(lambda t: slightly(t), x, atol=1e-8, rtol=1e-6)


def test_gradcheck_catches_wrong_gradient_shape():
    wrong = Primitive("wrong_shape", lambda x: x * 2.0,
                      vjp=(lambda g, out, x: (g * 2.0).sum(),), register=False)
    with pytest.raises(GradcheckError, match="shape"):
        gradcheck(lambda t: wrong(t), np.ones(3))


def test_gradcheck_bad_arguments():
    with pytest.raises(TypeError, match="Tensor"):
        gradcheck(lambda t: np.sin(np.asarray(t)), np.ones(2))
    with pytest.raises(ValueError, match="floating-point"):
        gradcheck(lambda n: wf.tensor(1.0) * n, 3)
    with pytest.raises(ValueError):
        gradcheck(lambda t: t, np.ones(2), eps=0.0)
