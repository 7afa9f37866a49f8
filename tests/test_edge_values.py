"""Edge values (issue 11): derivatives where the textbook formula meets 0 * inf, 0 / 0 or an
integer, each checked in every face against torch, jax or autograd, and the bad inputs that
must be clear errors.

Each convention lives in the rule (weifen/prims, or the composite in weifen/numpy), so the
tape, ``wf.grad``, ``jvp`` / ``Dual``, ``vmap`` and hessians all give the same number; the
``faces`` helper below asks every one of them.
"""
from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest

import weifen as wf
from weifen import graph as ad

torch = pytest.importorskip("torch")
jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")
autograd = pytest.importorskip("autograd")
anp = pytest.importorskip("autograd.numpy")
jax.config.update("jax_enable_x64", True)

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


# ---------------------------------------------------------------- oracles and faces
def torch_d12(f, x0: float) -> tuple[float, float]:
    """torch's first and second derivative of scalar ``f`` at ``x0`` (float64)."""
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(f(x), x, create_graph=True)
    if not g.requires_grad:  # a derivative that is a constant: its own derivative is 0
        return g.item(), 0.0
    (h,) = torch.autograd.grad(g, x)
    return g.item(), h.item()


def jax_d12(f, x0: float) -> tuple[float, float]:
    return float(jax.grad(f)(x0)), float(jax.grad(jax.grad(f))(x0))


def autograd_d12(f, x0: float) -> tuple[float, float]:
    return float(autograd.grad(f)(x0)), float(autograd.grad(autograd.grad(f))(x0))


def faces(f, x0: float, graph: bool = True) -> dict[str, tuple[float, float]]:
    """``(f'(x0), f''(x0))`` from every face of weifen, by name (``graph``: also from a
    static graph, for ``f`` that need no shapes while building)."""
    def one(v):
        return float(np.asarray(v).reshape(-1)[0])

    out = {}
    out["grad"] = one(wf.grad(f)(x0)), one(wf.grad(wf.grad(f))(x0))
    x = wf.tensor(x0, requires_grad=True)
    (g,) = wf.autograd.grad(f(x), [x], create_graph=True)
    if g.requires_grad:
        (h,) = wf.autograd.grad(g, [x], allow_unused=True)
        h = 0.0 if h is None else h
    else:
        h = 0.0
    out["tape"] = one(g), one(h)
    out["jvp"] = (one(wf.jvp(f, (x0,), (1.0,))[1]),
                  one(wf.jvp(wf.grad(f), (x0,), (1.0,))[1]))
    hd = f(wf.Dual(wf.Dual(x0, 1.0), 1.0))  # hyper-dual: f' in .primal.tangent, f'' below
    out["dual"] = one(f(wf.Dual(x0, 1.0)).tangent), one(hd.tangent.tangent)
    out["hyperdual f'"] = one(hd.tangent.primal), one(hd.tangent.tangent)
    xs = np.full(3, x0)
    out["vmap"] = one(wf.vmap(wf.grad(f))(xs)), one(wf.vmap(wf.grad(wf.grad(f)))(xs))
    out["hessian"] = (one(wf.jacrev(f)(x0)), one(wf.hessian(f)(x0)))
    out["array"] = (one(wf.grad(lambda a: wf.sum(f(a)))(xs)),
                    one(wf.hessian(lambda a: wf.sum(f(a)))(xs)))
    if not graph:
        return out
    xv = ad.Variable(name="x")
    (gn,) = ad.gradients(f(xv), [xv])
    (hn,) = ad.gradients(gn, [xv])
    gv, hv = ad.Executor([gn, hn]).run({xv: np.array([x0])})
    out["graph"] = one(gv), one(hv)
    return out


def assert_faces(f, x0: float, expected: tuple[float, float], what: str,
                 graph: bool = True) -> None:
    for face, got in faces(f, x0, graph).items():
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0,
                                   err_msg=f"{what} at {x0}, face {face!r}")


# ---------------------------------------------------------------- 1. power at the edges
# (name, weifen f, torch f, x0): torch is the oracle for both orders here
POWER_CASES = [
    ("x ** 2 at 0", lambda x: x ** 2, lambda x: x ** 2, 0.0),
    ("x ** 2. at 0", lambda x: x ** 2.0, lambda x: x ** 2.0, 0.0),
    ("x ** 1 at 0", lambda x: x ** 1.0, lambda x: x ** 1.0, 0.0),
    ("x ** 0.5 at 0", lambda x: x ** 0.5, lambda x: x ** 0.5, 0.0),
    ("x ** 1.5 at 0", lambda x: x ** 1.5, lambda x: x ** 1.5, 0.0),
    ("x ** 3 at -2", lambda x: x ** 3, lambda x: x ** 3, -2.0),
    ("x ** 3. at -2", lambda x: x ** 3.0, lambda x: x ** 3.0, -2.0),
    ("x ** 2 at -2", lambda x: x ** 2, lambda x: x ** 2, -2.0),
    ("x ** -1 at -2", lambda x: x ** -1, lambda x: x ** -1, -2.0),
    ("x ** -2 at -3", lambda x: wf.power(x, -2.0), lambda x: torch.pow(x, -2.0), -3.0),
    ("(-2) ** y at 3", lambda y: wf.power(-2.0, y), lambda y: torch.pow(-2.0, y), 3.0),
    ("0 ** y at -1", lambda y: wf.power(0.0, y), lambda y: torch.pow(0.0, y), -1.0),
    ("zeros ** y at -1", lambda y: wf.power(np.zeros(()), y),
     lambda y: torch.pow(torch.zeros((), dtype=torch.float64), y), -1.0),
]


@pytest.mark.parametrize("name,f,tf,x0", POWER_CASES, ids=[c[0] for c in POWER_CASES])
def test_power_edges_match_torch(name, f, tf, x0):
    expected = torch_d12(tf, x0)
    assert_faces(f, x0, expected, name)


def test_power_zero_exponent_at_zero_is_zero_as_torch_and_autograd():
    # x ** 0 is the constant 1 (0 ** 0 == 1 in NumPy, torch and jax): derivative 0, also at
    # x == 0, where y * x ** (y - 1) is 0 * inf. torch and autograd give 0; jax gives nan.
    tg = torch_d12(lambda x: torch.pow(x, 0.0), 0.0)
    ag = autograd_d12(lambda x: anp.power(x, 0.0), 0.0)
    assert tg == ag == (0.0, 0.0)
    assert math.isnan(jax_d12(lambda x: jnp.power(x, 0.0), 0.0)[0])  # the convention we skip
    assert_faces(lambda x: wf.power(x, 0.0), 0.0, (0.0, 0.0), "power(x, 0.)")
    assert_faces(lambda x: x ** 0, 0.0, (0.0, 0.0), "x ** 0")


def test_power_array_exponent_zero_at_zero():
    # an exponent that is an array (or traced) takes the same convention elementwise
    x = np.array([0.0, 0.0, 2.0])
    y = np.array([0.0, 2.0, 0.0])
    tx = torch.tensor(x, requires_grad=True)
    (tg,) = torch.autograd.grad(torch.pow(tx, torch.tensor(y)).sum(), tx)
    f = lambda x: wf.sum(wf.power(x, y))  # noqa: E731
    np.testing.assert_array_equal(wf.grad(f)(x), tg.numpy())
    np.testing.assert_array_equal(wf.jvp(f, (x,), (np.ones(3),))[1], tg.numpy().sum())
    # second order: torch's double backward meets 0 * inf in the branch it masked (nan);
    # autograd's rule (like ours, the power taken away from 0) gives the true 0 and 2
    ah = autograd.hessian(lambda x: anp.sum(anp.power(x, y)))(x)
    np.testing.assert_array_equal(wf.hessian(f)(x), ah)
    np.testing.assert_array_equal(np.diag(ah), [0.0, 2.0, 0.0])
    # d/dy: the traced exponent's own rule, at y == 0 and x == 0 included
    ty = torch.tensor(y, requires_grad=True)
    (tgy,) = torch.autograd.grad(torch.pow(torch.tensor(x), ty).sum(), ty)
    np.testing.assert_allclose(wf.grad(lambda y: wf.sum(wf.power(x, y)))(y), tgy.numpy())


@pytest.mark.parametrize("y0", [2.0, 0.5, 0.0])
def test_zero_base_derivative_in_exponent(y0):
    # d/dy 0 ** y = 0 for y >= 0 (0 ** y is constant there): torch, jax and autograd agree on
    # f'; for f'' torch gives nan (its rule multiplies by log 0 in the masked branch) while
    # jax and autograd give 0, the true value, which every face here gives
    tg = torch_d12(lambda y: torch.pow(torch.tensor(0.0, dtype=torch.float64), y), y0)
    jg = jax_d12(lambda y: jnp.power(0.0, y), y0)
    ag = autograd_d12(lambda y: anp.power(0.0, y), y0)
    assert tg[0] == jg[0] == ag[0] == 0.0
    assert jg[1] == ag[1] == 0.0
    assert_faces(lambda y: wf.power(0.0, y), y0, (0.0, 0.0), "0. ** y")
    assert_faces(lambda y: wf.sum(wf.power(np.zeros(3), y)), y0, (0.0, 0.0), "zeros ** y",
                 graph=False)


def test_power_float32_stays_float32_at_the_edges():
    x = wf.tensor(np.zeros(2, np.float32), requires_grad=True)
    (x ** 0.0).sum().backward()
    assert x.grad.dtype == np.float32 and np.all(np.asarray(x.grad) == 0)
    g = wf.grad(lambda x: wf.sum(wf.power(x, np.zeros(2, np.float32))))(np.zeros(2, np.float32))
    assert g.dtype == np.float32 and np.all(np.asarray(g) == 0)


# ---------------------------------------------------------------- 2. std and var
def _torch_std(axis, ddof, keepdims=False):
    def f(x):
        return torch.std(x, dim=axis, correction=ddof, keepdim=keepdims).sum()

    return f


def _torch_var(axis, ddof):
    return lambda x: torch.var(x, dim=axis, correction=ddof).sum()


def torch_grad_hess(f, x):
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(f(t), t)
    h = torch.autograd.functional.hessian(f, torch.tensor(x, dtype=torch.float64))
    return g.numpy(), h.numpy()


def weifen_grad_hess(f, x):
    """Gradient and Hessian of ``sum(f(x))`` from several faces; all must agree."""
    F = lambda a: wf.sum(f(a))  # noqa: E731
    g = np.asarray(wf.grad(F)(x))
    t = wf.tensor(x, requires_grad=True)
    (g_tape,) = wf.autograd.grad(F(t), [t])
    cols = [np.asarray(wf.jvp(F, (x,), (e.reshape(x.shape),))[1])
            for e in np.eye(x.size)]
    g_fwd = np.array(cols).reshape(x.shape)
    g_dual = np.array([float(F(wf.Dual(x, e.reshape(x.shape))).tangent)
                       for e in np.eye(x.size)]).reshape(x.shape)
    np.testing.assert_array_equal(np.asarray(g_tape), g)
    np.testing.assert_allclose(g_fwd, g, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(g_dual, g, rtol=1e-12, atol=1e-15)
    h = np.asarray(wf.hessian(F)(x))
    h_rr = np.asarray(wf.jacrev(wf.grad(F))(x))
    np.testing.assert_allclose(h_rr, h, rtol=1e-12, atol=1e-15)
    return g, h


STD_CASES = [  # (name, x, axis, ddof, keepdims)
    ("one element", [3.0], None, 0, False),
    ("axis of length 1", [[2.0], [5.0]], 1, 0, False),
    ("axis of length 1, keepdims", [[2.0], [5.0]], 1, 0, True),
    ("axis of length 1 among others", [[1.0, 4.0, 2.0]], 0, 0, False),
    ("zero variance over 3", [1.5, 1.5, 1.5], None, 0, False),
    ("zero variance over 2, ddof=1", [3.0, 3.0], None, 1, False),
    ("zero variance rows, axis 1", [[1.0, 1.0], [2.0, 7.0]], 1, 0, False),
    ("generic, ddof=1", [0.5, 2.0, -1.0, 4.0], None, 1, False),
    ("generic, axis 0", [[0.5, 2.0], [-1.0, 4.0], [3.0, 3.5]], 0, 0, False),
]


@pytest.mark.parametrize("name,x,axis,ddof,keepdims", STD_CASES, ids=[c[0] for c in STD_CASES])
def test_std_derivatives_match_torch(name, x, axis, ddof, keepdims):
    # Where the variance is 0, torch masks std's derivative to 0 (a subgradient of the cone
    # std is there; over one element or a length-1 axis std is the constant 0). jax and
    # autograd give nan at zero variance over several elements (checked below): we follow
    # torch, so length-1 axes and constant data give 0, never nan, to every order.
    x = np.array(x)
    g, h = weifen_grad_hess(lambda a: wf.std(a, axis=axis, ddof=ddof, keepdims=keepdims), x)
    tg, th = torch_grad_hess(_torch_std(axis, ddof, keepdims), x)
    np.testing.assert_allclose(g, tg, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(h, th.reshape(h.shape), rtol=1e-12, atol=1e-15)
    assert np.all(np.isfinite(g)) and np.all(np.isfinite(h))
    np.testing.assert_allclose(np.asarray(wf.std(x, axis=axis, ddof=ddof, keepdims=keepdims)),
                               np.std(x, axis=axis, ddof=ddof, keepdims=keepdims), rtol=1e-14)


def test_std_at_zero_variance_where_jax_and_autograd_give_nan():
    x = np.full(3, 1.5)
    assert np.all(np.isnan(np.asarray(jax.grad(jnp.std)(x))))
    assert np.all(np.isnan(autograd.grad(anp.std)(x)))
    tg, _ = torch_grad_hess(_torch_std(None, 0), x)
    np.testing.assert_array_equal(np.asarray(wf.grad(wf.std)(x)), tg)
    np.testing.assert_array_equal(tg, np.zeros(3))
    # a length-1 axis: jax gives nan there too, weifen (and torch) the constant's 0
    assert np.all(np.isnan(np.asarray(jax.grad(lambda a: jnp.std(a, axis=1).sum())(
        np.ones((2, 1))))))
    np.testing.assert_array_equal(wf.grad(lambda a: wf.sum(wf.std(a, axis=1)))(np.ones((2, 1))),
                                  np.zeros((2, 1)))


@pytest.mark.filterwarnings("ignore::UserWarning")  # torch: "degrees of freedom is <= 0"
def test_std_with_no_degrees_of_freedom_is_nan_as_torch():
    # ddof = N: the value itself is 0 / 0 = nan, and so is the derivative (torch, jax)
    x = np.array([3.0])
    assert math.isnan(float(wf.std(x, ddof=1)))
    tg, _ = torch_grad_hess(_torch_std(None, 1), x)
    g = np.asarray(wf.grad(lambda a: wf.std(a, ddof=1))(x))
    assert np.isnan(tg).all() and np.isnan(g).all()


VAR_CASES = [  # (name, x, axis, ddof)
    ("one element", [3.0], None, 0),
    ("axis of length 1", [[2.0], [5.0]], 1, 0),
    ("zero variance", [1.5, 1.5, 1.5], None, 0),
    ("zero variance, ddof=1", [2.0, 2.0], None, 1),
    ("generic, axis 0, ddof=1", [[0.5, 2.0], [-1.0, 4.0], [3.0, 3.5]], 0, 1),
]


@pytest.mark.parametrize("name,x,axis,ddof", VAR_CASES, ids=[c[0] for c in VAR_CASES])
def test_var_derivatives_match_torch_and_jax(name, x, axis, ddof):
    x = np.array(x)
    g, h = weifen_grad_hess(lambda a: wf.var(a, axis=axis, ddof=ddof), x)
    tg, th = torch_grad_hess(_torch_var(axis, ddof), x)
    jf = lambda a: jnp.var(a, axis=axis, ddof=ddof).sum()  # noqa: E731
    np.testing.assert_allclose(g, tg, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(g, np.asarray(jax.grad(jf)(x)), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(h, th.reshape(h.shape), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(h, np.asarray(jax.hessian(jf)(x)).reshape(h.shape),
                               rtol=1e-12, atol=1e-15)


def test_std_in_vmap_and_dual_faces():
    xs = np.array([[4.0], [-1.0], [2.5]])  # a batch of one-element rows
    np.testing.assert_array_equal(wf.vmap(wf.grad(wf.std))(xs), np.zeros((3, 1)))
    np.testing.assert_array_equal(wf.vmap(wf.hessian(wf.std))(xs), np.zeros((3, 1, 1)))
    d = wf.std(wf.Dual(wf.Dual(np.array([2.0]), np.array([1.0])), np.array([1.0])))
    assert float(d.tangent.primal) == float(d.tangent.tangent) == 0.0


# ---------------------------------------------------------------- 3. piecewise-constant ops
PIECEWISE = [  # (name, weifen op on one Dual, NumPy reference)
    ("sign", wf.sign, np.sign),
    ("floor", wf.floor, np.floor),
    ("ceil", wf.ceil, np.ceil),
    ("trunc", wf.trunc, np.trunc),
    ("round", wf.round, np.round),
    ("round(decimals=1)", lambda x: wf.round(x, 1), lambda x: np.round(x, 1)),
    ("floor_divide", lambda x: wf.floor_divide(x, 0.75), lambda x: np.floor_divide(x, 0.75)),
    ("//", lambda x: x // 0.75, lambda x: x // 0.75),
    ("rfloordiv", lambda x: 2.0 // x, lambda x: 2.0 // x),
    ("<", lambda x: x < 0.5, lambda x: x < 0.5),
    ("<=", lambda x: x <= 0.5, lambda x: x <= 0.5),
    (">", lambda x: x > 0.5, lambda x: x > 0.5),
    (">=", lambda x: x >= 0.5, lambda x: x >= 0.5),
    ("equal", lambda x: wf.equal(x, 1.25), lambda x: np.equal(x, 1.25)),
    ("not_equal", lambda x: wf.not_equal(x, 1.25), lambda x: np.not_equal(x, 1.25)),
    ("isfinite", wf.isfinite, np.isfinite),
    ("stop_gradient", wf.stop_gradient, lambda x: x),
    ("argmax", wf.argmax, np.argmax),
]
X3 = np.array([-1.7, 0.5, 1.25])


@pytest.mark.parametrize("name,f,ref", PIECEWISE, ids=[c[0] for c in PIECEWISE])
def test_piecewise_constant_ops_keep_the_dual_with_zero_tangent(name, f, ref):
    d = f(wf.Dual(X3, np.ones(3)))
    assert isinstance(d, wf.Dual), f"{name} dropped the Dual"
    np.testing.assert_array_equal(np.asarray(d.primal), ref(X3))
    t = np.asarray(d.tangent)
    assert t.shape == np.shape(ref(X3)) and np.all(t == 0) and t.dtype.kind == "f"
    for x0 in (-1.7, 2.0):  # Python floats too
        e = f(wf.Dual(x0, 1.0))
        assert isinstance(e, wf.Dual) and float(e.tangent) == 0.0
    # nested: the hyper-dual keeps both levels, every derivative 0
    h = f(wf.Dual(wf.Dual(X3, np.ones(3)), np.ones(3)))
    assert isinstance(h, wf.Dual) and isinstance(h.primal, wf.Dual)
    assert np.all(np.asarray(h.tangent.tangent) == 0)
    assert np.all(np.asarray(h.primal.tangent) == 0)


@pytest.mark.parametrize("name,f,ref", PIECEWISE[:9], ids=[c[0] for c in PIECEWISE[:9]])
def test_piecewise_constant_ops_zero_jacobian_in_jvp_and_jacfwd(name, f, ref):
    out, t = wf.jvp(f, (X3,), (np.ones(3),))
    np.testing.assert_array_equal(np.asarray(out), ref(X3))
    np.testing.assert_array_equal(np.asarray(t), np.zeros(3))
    j = np.asarray(wf.jacfwd(f)(X3))
    # jax's forward Jacobian of the same op, as the oracle
    jref = {"sign": jnp.sign, "floor": jnp.floor, "ceil": jnp.ceil, "trunc": jnp.trunc,
            "round": jnp.round, "round(decimals=1)": lambda x: jnp.round(x, 1),
            "floor_divide": lambda x: jnp.floor_divide(x, 0.75), "//": lambda x: x // 0.75,
            "rfloordiv": lambda x: 2.0 // x}[name]
    np.testing.assert_array_equal(j, np.asarray(jax.jacfwd(jref)(X3)))
    np.testing.assert_array_equal(j, np.zeros((3, 3)))
    np.testing.assert_array_equal(np.asarray(wf.jacrev(f)(X3)), np.zeros((3, 3)))


def test_comparisons_give_zero_jacobians():
    for f in (lambda x: x > 0.5, lambda x: wf.less_equal(x, 0.5), wf.isfinite):
        _, t = wf.jvp(f, (X3,), (np.ones(3),))
        assert np.asarray(t).dtype.kind == "f" and np.all(np.asarray(t) == 0)
        j = np.asarray(wf.jacfwd(f)(X3))
        assert j.shape == (3, 3) and np.all(j == 0)


def test_piecewise_results_still_work_as_masks_and_conditions():
    d = wf.Dual(X3, np.ones(3))
    m = d > 0
    r = wf.where(m, d * d, 0.0)
    np.testing.assert_array_equal(np.asarray(r.tangent), np.where(X3 > 0, 2 * X3, 0.0))
    np.testing.assert_array_equal(np.asarray(d[m].primal), X3[X3 > 0])
    np.testing.assert_array_equal(np.asarray((m * d).tangent), (X3 > 0) * 1.0)
    assert bool(wf.Dual(2.0, 1.0) > 1.0)
    # float32 stays float32 through a mask product
    d32 = wf.Dual(X3.astype(np.float32), np.ones(3, np.float32))
    assert ((d32 > 0) * d32).tangent.dtype == np.float32


def test_mod_derivative_in_its_second_argument():
    # d/dy mod(x, y) = -floor(x / y): piecewise constant, so d2/dy2 = 0 (torch, jax agree)
    x, y0 = 5.0, 1.5
    tg = torch_d12(lambda y: torch.remainder(torch.tensor(x, dtype=torch.float64), y), y0)
    jg = jax_d12(lambda y: jnp.mod(x, y), y0)
    assert tg == jg == (-3.0, 0.0)
    assert_faces(lambda y: wf.mod(x, y), y0, tg, "mod(5, y)")
    h = wf.mod(x, wf.Dual(wf.Dual(y0, 1.0), 1.0))
    assert isinstance(h.tangent, wf.Dual) and float(h.tangent.tangent) == 0.0
    np.testing.assert_array_equal(
        np.asarray(wf.jacfwd(wf.jacfwd(lambda y: wf.mod(x, y)))(np.array([1.5, 2.0]))),
        np.asarray(jax.jacfwd(jax.jacfwd(lambda y: jnp.mod(x, y)))(np.array([1.5, 2.0]))))


# ---------------------------------------------------------------- 4. integer inputs
def test_forward_transforms_refuse_integer_inputs_as_jacrev_does():
    f = lambda x: x * x  # noqa: E731
    xi = np.arange(3)
    with pytest.raises(wf.WeifenTypeError) as rev:
        wf.jacrev(f)(xi)
    for call, name in [(lambda: wf.jacfwd(f)(xi), "jacfwd"),
                       (lambda: wf.jacfwd(f)(wf.tensor([1, 2])), "jacfwd"),
                       (lambda: wf.jvp(f, (xi,), (np.ones(3),)), "jvp"),
                       (lambda: wf.jvp(f, (xi,), (xi,)), "jvp"),
                       (lambda: wf.hvp(lambda x: wf.sum(x * x), (xi,), (np.ones(3),)), "jvp"),
                       (lambda: wf.jacobian(f, xi, mode="forward"), "jacfwd")]:
        with pytest.raises(wf.WeifenTypeError) as e:
            call()
        msg = str(e.value)
        assert isinstance(e.value, TypeError) and msg.startswith(name)
        # the same sentence as jacrev's, with the op's name
        assert msg.split(" requires")[1] == str(rev.value).split(" requires")[1]
        assert "integer inputs have no derivative" in msg and "x.astype(float)" in msg
    # jax refuses them too
    with pytest.raises(TypeError):
        jax.jacfwd(lambda x: x * x)(jnp.arange(3))


def test_jvp_refuses_integer_tangents():
    with pytest.raises(wf.WeifenTypeError, match=r"jvp requires floating-point tangents, got "
                       r"dtype int64 for a primal of dtype float64; convert with t.astype"):
        wf.jvp(lambda x: x * x, (np.ones(3),), (np.arange(3),))
    with pytest.raises(TypeError):  # jax: the tangent dtype must match the primal's
        jax.jvp(lambda x: x * x, (jnp.ones(3),), (jnp.arange(3),))
    # Python numbers are numbers, not integer arrays: taken as floats, as jacrev takes them
    out, t = wf.jvp(lambda x: x * x, (2,), (1,))
    assert float(out) == 4.0 and float(t) == 4.0


# ---------------------------------------------------------------- 5. Dual construction
def test_dual_rejects_non_numeric_and_integer_values():
    with pytest.raises(wf.WeifenTypeError, match=r"Dual: the primal must be a number .* 'abc'"):
        wf.Dual("abc", 1.0)
    with pytest.raises(wf.WeifenTypeError, match=r"Dual: the tangent must be a number .* 'x'"):
        wf.Dual(5.0, "x")
    with pytest.raises(wf.WeifenTypeError, match=r"Dual: the primal must be .* dtype <U"):
        wf.Dual(np.array(["a", "b"]), np.ones(2))
    with pytest.raises(wf.WeifenTypeError, match="bool"):
        wf.Dual(True, 1.0)
    # an integer primal has no derivative (jax asks float0 tangents of int primals): refused
    # whatever the tangent, with the fix in the message
    for p, t in [(np.arange(3), np.ones(3)), (np.arange(3), None), (np.int64(2), 1.0)]:
        with pytest.raises(wf.WeifenTypeError, match=r"Dual: an integer primal \(dtype int64\) "
                           r"has no derivative; pass floats, e.g. x.astype\(float\)"):
            wf.Dual(p, t)
    with pytest.raises(wf.WeifenTypeError, match=r"Dual: an integer tangent \(dtype int64\)"):
        wf.Dual(np.ones(3), np.arange(3))
    # Python ints are numbers: made floats
    d = wf.Dual(5, 1)
    assert type(d.primal) is float and type(d.tangent) is float


def test_dual_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError) as e:
        wf.Dual(np.ones(3), np.ones(2))
    assert isinstance(e.value, wf.WeifenError) and isinstance(e.value, wf.ShapeError)
    assert str(e.value) == "Dual: tangent shape (2,) must equal primal shape (3,)"
    with pytest.raises(wf.ShapeError, match=r"\(2, 2\) must equal primal shape \(\)"):
        wf.Dual(1.0, np.ones((2, 2)))


def test_dual_default_tangent_is_a_zero():
    d = wf.Dual(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(np.asarray(d.tangent), [0.0, 0.0])
    e = wf.sin(d) * d
    assert isinstance(e, wf.Dual)
    np.testing.assert_array_equal(np.asarray(e.tangent), [0.0, 0.0])
    np.testing.assert_allclose(np.asarray(e.primal), np.sin([1.0, 2.0]) * [1.0, 2.0])


# ---------------------------------------------------------------- 6. static-graph errors
def _run(nodes, feed):
    return ad.Executor(nodes).run(feed)


def _no_repeated_op_name(msg: str) -> None:
    head = re.match(r"(\w+): (\w+): ", msg)
    assert head is None or head.group(1) != head.group(2), msg


def test_graph_matmul_shape_mismatch_is_a_shape_error_naming_both_shapes():
    a, b = ad.Variable(name="a"), ad.Variable(name="b")
    feeds = {a: np.ones((2, 3)), b: np.ones((4, 5))}
    for node in (ad.matmul(a, b), a @ b, ad.matmul_op(a, b), wf.matmul(a, b)):
        with pytest.raises(wf.ShapeError) as e:
            _run([node], feeds)
        msg = str(e.value)
        assert msg.startswith("matmul: shapes (2, 3) and (4, 5) do not fit: the inner "
                              "dimensions 3 and 4 differ"), msg
        assert isinstance(e.value, ValueError)
        _no_repeated_op_name(msg)
    with pytest.raises(wf.ShapeError, match=r"after transposing: \(3, 2\) and \(3, 5\)"):
        _run([ad.matmul(a, b, trans_A=True)], {a: np.ones((2, 3)), b: np.ones((3, 5))})
    with pytest.raises(wf.ShapeError, match=r"batch dimensions \(7,\) and \(6,\)"):
        _run([a @ b], {a: np.ones((7, 2, 3)), b: np.ones((6, 3, 5))})
    with pytest.raises(wf.ShapeError, match=r"shapes \(\) and \(3, 5\) do not fit"):
        _run([a @ b], {a: 2.0, b: np.ones((3, 5))})
    # the gradient graph checks the same way
    (ga,) = ad.gradients(ad.reduce_sum(ad.matmul(a, b)), [a])
    with pytest.raises(wf.ShapeError, match="^matmul: shapes"):
        _run([ga], feeds)
    # and fitting shapes still run
    np.testing.assert_allclose(_run([ad.matmul(a, b, trans_A=True)],
                                    {a: np.ones((2, 3)), b: np.ones((2, 5))})[0],
                               2 * np.ones((3, 5)))


@pytest.mark.parametrize("name,build", [
    ("add", lambda a, b: a + b), ("mul", lambda a, b: a * b), ("sub", lambda a, b: a - b),
    ("div", lambda a, b: a / b), ("pow", lambda a, b: a ** b),
    ("maximum", lambda a, b: ad.maximum(a, b)), ("arctan2", lambda a, b: ad.arctan2(a, b)),
])
def test_graph_broadcast_errors_name_the_op_once(name, build):
    a, b = ad.Variable(name="a"), ad.Variable(name="b")
    with pytest.raises(wf.ShapeError) as e:
        _run([build(a, b)], {a: np.ones((2, 3)), b: np.ones((4, 5))})
    msg = str(e.value)
    assert msg.startswith(f"{name}: ") and "(2, 3)" in msg and "(4, 5)" in msg, msg
    _no_repeated_op_name(msg)


def test_graph_other_errors_are_weifen_errors():
    a = ad.Variable(name="a")
    with pytest.raises(wf.ShapeError, match=r"^reduce_sum: axis 3 is out of bounds"):
        _run([ad.reduce_sum(a, axis=3)], {a: np.ones((2, 3))})
    with pytest.raises(wf.WeifenTypeError, match=r"^exp: .*inputs: str"):
        _run([ad.exp(a)], {a: "abc"})
    with pytest.raises(wf.WeifenTypeError, match=r"^add_byconst: "):
        _run([a + "x"], {a: np.ones(2)})
    # a missing feed stays the error it was (no op-name prefix added)
    b = ad.Variable(name="b")
    with pytest.raises(wf.WeifenValueError, match="'b'"):
        _run([a * b], {a: np.ones(2)})


def test_graph_faces_share_the_power_convention():
    x = ad.Variable(name="x")
    (g,) = ad.gradients(ad.reduce_sum(x ** 0.0), [x])
    (h,) = ad.gradients(g, [x])
    gv, hv = _run([g, h], {x: np.zeros(2)})
    np.testing.assert_array_equal(gv, np.zeros(2))
    np.testing.assert_array_equal(hv, np.zeros(2))


def test_no_warning_leaks_from_regular_values():
    # the edge handling must not make ordinary derivatives noisy
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wf.grad(lambda x: wf.sum(x ** 0.5))(np.array([1.0, 4.0]))
        wf.grad(lambda y: wf.sum(wf.power(2.0, y)))(np.array([1.0, 3.0]))
        wf.hessian(lambda x: wf.std(x))(np.array([1.0, 3.0, 4.0]))
