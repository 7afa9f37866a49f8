"""Function transforms (API.md section 2): grad, value_and_grad, vjp, jacrev, jacfwd, jacobian,
hessian, hvp, checkpoint, custom_vjp / custom_jvp, stop_gradient, composition to any depth,
closures and perturbation confusion; cross-checked with jax (x64) and torch.func.
"""
import math

import numpy as np
import pytest

import weifen as wf
from weifen.core.state import get_state


def A(t):
    return np.asarray(t)


def close(a, b, **kw):
    kw.setdefault("rtol", 1e-12)
    kw.setdefault("atol", 1e-12)
    np.testing.assert_allclose(A(a), A(b), **kw)


@pytest.fixture(autouse=True)
def _state_restored():
    s = get_state()
    yield
    assert get_state() == s, "a transform left its level open"


RNG = np.random.default_rng(42)
X3 = RNG.standard_normal(3)
W23 = RNG.standard_normal((2, 3))


def rosen(x):
    return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()


def rosen_grad(x):
    g = np.zeros_like(x)
    g[:-1] = -400 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2 * (1 - x[:-1])
    g[1:] += 200 * (x[1:] - x[:-1] ** 2)
    return g


def rosen_hess(x):
    n = len(x)
    H = np.zeros((n, n))
    for i in range(n - 1):
        H[i, i] += 1200 * x[i] ** 2 - 400 * x[i + 1] + 2
        H[i, i + 1] -= 400 * x[i]
        H[i + 1, i] -= 400 * x[i]
        H[i + 1, i + 1] += 200
    return H


# ================================================================ grad / value_and_grad
def test_grad_closed_form():
    x = np.array([0.5, -1.2, 2.0, 0.1])
    close(wf.grad(rosen)(x), rosen_grad(x))
    close(wf.grad(rosen)(wf.tensor(x)), rosen_grad(x))


def test_grad_python_floats_and_ints():
    assert float(wf.grad(lambda x: x ** 3)(2.0)) == 12.0
    assert float(wf.grad(lambda x: x ** 3)(2)) == 12.0
    assert float(wf.grad(wf.sin)(0.0)) == 1.0


def test_grad_argnums_int_tuple_negative():
    f = lambda x, y, z: x * y ** 2 + wf.sin(z)
    assert float(wf.grad(f, argnums=1)(2.0, 3.0, 0.0)) == 12.0
    gx, gz = wf.grad(f, argnums=(0, 2))(2.0, 3.0, 0.0)
    assert (float(gx), float(gz)) == (9.0, 1.0)
    assert float(wf.grad(f, argnums=-1)(2.0, 3.0, 0.0)) == 1.0
    (g1,) = wf.grad(f, argnums=(1,))(2.0, 3.0, 0.0)
    assert float(g1) == 12.0
    with pytest.raises(TypeError):
        wf.grad(f, argnums=3)(2.0, 3.0, 0.0)


def test_grad_has_aux():
    def f(x):
        y = (x * x).sum()
        return y, {"y": y, "n": x.shape[0]}

    g, aux = wf.grad(f, has_aux=True)(wf.tensor([1.0, 2.0]))
    close(g, [2.0, 4.0])
    assert float(aux["y"]) == 5.0 and aux["n"] == 2
    assert isinstance(aux["y"], wf.Tensor) and not aux["y"].requires_grad
    (v, aux), g = wf.value_and_grad(f, has_aux=True)(wf.tensor([1.0, 2.0]))
    assert float(v) == 5.0 and float(aux["y"]) == 5.0
    close(g, [2.0, 4.0])


def test_value_and_grad_argnums_tuple():
    f = lambda a, b: (a * b).sum()
    v, (ga, gb) = wf.value_and_grad(f, argnums=(0, 1))(np.array([1.0, 2.0]),
                                                       np.array([3.0, 4.0]))
    assert float(v) == 11.0
    close(ga, [3.0, 4.0])
    close(gb, [1.0, 2.0])


def test_grad_pytrees_dict_list_tuple():
    W, b = RNG.standard_normal((3, 2)), RNG.standard_normal(2)
    xb = RNG.standard_normal((5, 3))

    def loss(p, x):
        h = wf.tanh(x @ p["W"] + p["b"])
        return (h * h).sum()

    g = wf.grad(loss)({"W": W, "b": b}, xb)
    assert isinstance(g, dict) and set(g) == {"W", "b"}
    assert g["W"].shape == (3, 2) and g["b"].shape == (2,)
    h = np.tanh(xb @ W + b)
    dpre = 2 * h * (1 - h ** 2)
    close(g["W"], xb.T @ dpre)
    close(g["b"], dpre.sum(axis=0))

    def loss_list(ps, x):
        return loss({"W": ps[0], "b": ps[1]}, x)

    gl = wf.grad(loss_list)([W, b], xb)
    assert isinstance(gl, list) and len(gl) == 2
    close(gl[0], g["W"])
    close(gl[1], g["b"])
    gt = wf.grad(lambda ps, x: loss_list(list(ps), x))((W, b), xb)
    assert isinstance(gt, tuple)
    close(gt[1], g["b"])

    nested = {"layer": [(W, b)], "scale": 2.0}

    def loss_nested(p, x):
        W_, b_ = p["layer"][0]
        return p["scale"] * loss({"W": W_, "b": b_}, x)

    gn = wf.grad(loss_nested)(nested, xb)
    assert isinstance(gn["layer"], list) and isinstance(gn["layer"][0], tuple)
    close(gn["layer"][0][0], 2 * A(g["W"]))
    assert float(gn["scale"]) == pytest.approx(float(loss({"W": W, "b": b}, xb)), rel=1e-12)


def test_grad_non_scalar_output_raises_type_error():
    with pytest.raises(TypeError) as e:
        wf.grad(lambda x: x * 2)(wf.ones(3))
    assert isinstance(e.value, wf.WeifenError)
    with pytest.raises(TypeError):
        wf.value_and_grad(lambda x: x[None])(1.0)
    assert float(wf.grad(lambda x: (x * 2).sum())(wf.ones(3))[0]) == 2.0


def test_grad_integer_input_raises_type_error():
    with pytest.raises(TypeError):
        wf.grad(lambda x: (x * 2.0).sum())(np.array([1, 2]))


def test_grad_of_constant_function_is_zero():
    g = wf.grad(lambda x: wf.tensor(3.0))(wf.ones(2))
    close(g, [0.0, 0.0])
    g1, g2 = wf.grad(lambda x, y: (x * 2).sum(), argnums=(0, 1))(wf.ones(2), wf.ones(3))
    close(g2, np.zeros(3))


def test_grad_does_not_touch_eager_grads():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    g = wf.grad(lambda z: (z * z).sum())(x)
    close(g, [2.0, 4.0])
    assert x.grad is None


def test_grad_inside_eager_graph_records_at_level_0():
    # wf.grad applied to an eager tensor that requires grad is itself differentiable
    x = wf.tensor([0.3, 0.9], requires_grad=True)
    g = wf.grad(lambda z: (wf.sin(z) * z).sum())(x)
    close(g, np.sin(A(x)) + A(x) * np.cos(A(x)))
    g.sum().backward()
    a = A(x)
    close(x.grad, 2 * np.cos(a) - a * np.sin(a))


# ================================================================ vjp
def test_vjp_tuple_per_primal():
    f = lambda x, y: wf.sin(x) * y
    x, y = np.array([0.1, 0.2]), np.array([3.0, 4.0])
    out, vjp_fn = wf.vjp(f, x, y)
    close(out, np.sin(x) * y)
    ct = np.array([1.0, -2.0])
    res = vjp_fn(ct)
    assert isinstance(res, tuple) and len(res) == 2
    close(res[0], ct * np.cos(x) * y)
    close(res[1], ct * np.sin(x))
    out, vjp_fn = wf.vjp(wf.exp, np.array([0.0, 1.0]))
    (gx,) = vjp_fn(np.ones(2))
    close(gx, np.exp([0.0, 1.0]))


def test_vjp_fn_called_twice():
    out, vjp_fn = wf.vjp(lambda x: wf.sin(x) * x, np.array([0.5, 1.0]))
    (a,) = vjp_fn(np.array([1.0, 0.0]))
    (b,) = vjp_fn(np.array([0.0, 1.0]))
    x = np.array([0.5, 1.0])
    d = np.sin(x) + x * np.cos(x)
    close(a, [d[0], 0.0])
    close(b, [0.0, d[1]])


def test_vjp_pytree_output_and_input():
    def f(p):
        return {"s": (p[0] * p[1]).sum(), "v": p[0] * 2.0}

    p = [np.array([1.0, 2.0]), np.array([3.0, 4.0])]
    out, vjp_fn = wf.vjp(f, p)
    assert set(out) == {"s", "v"}
    (g,) = vjp_fn({"s": 1.0, "v": np.array([1.0, 1.0])})
    assert isinstance(g, list)
    close(g[0], p[1] + 2.0)
    close(g[1], p[0])


def test_vjp_cotangent_shape_mismatch_raises():
    _, vjp_fn = wf.vjp(lambda x: x * 2, np.ones(3))
    with pytest.raises(ValueError):
        vjp_fn(np.ones(2))


# ================================================================ Jacobians, Hessians
@pytest.mark.parametrize("jac", ["jacrev", "jacfwd"])
def test_jacobian_shapes_out_plus_in(jac):
    J = getattr(wf, jac)
    f = lambda x: wf.tanh(W23 @ x.reshape(3, 2)).T  # (6,) -> (2, 2)
    x = RNG.standard_normal(6)
    assert J(f)(x).shape == (2, 2, 6)
    g = lambda M: (M * M).sum(axis=0)  # (2, 3) -> (3,)
    M = RNG.standard_normal((2, 3))
    Jm = J(g)(M)
    assert Jm.shape == (3, 2, 3)
    expect = np.zeros((3, 2, 3))
    for j in range(3):
        expect[j, :, j] = 2 * M[:, j]
    close(Jm, expect)
    s = J(lambda x: (x ** 2).sum())(np.array([1.0, 2.0]))  # scalar out: shape in
    assert s.shape == (2,)
    close(s, [2.0, 4.0])
    sc = J(lambda t: wf.stack([t, t * t]))(3.0)              # scalar in: shape out
    assert sc.shape == (2,)
    close(sc, [1.0, 6.0])


@pytest.mark.parametrize("jac", ["jacrev", "jacfwd"])
def test_jacobian_argnums(jac):
    J = getattr(wf, jac)
    f = lambda x, y: x[:, None] * y[None, :]
    x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0, 5.0])
    jx, jy = J(f, argnums=(0, 1))(x, y)
    assert jx.shape == (2, 3, 2) and jy.shape == (2, 3, 3)
    ex = np.zeros((2, 3, 2))
    ey = np.zeros((2, 3, 3))
    for i in range(2):
        for j in range(3):
            ex[i, j, i] = y[j]
            ey[i, j, j] = x[i]
    close(jx, ex)
    close(jy, ey)
    close(J(f, argnums=1)(x, y), ey)


def test_jacobian_function_several_inputs_and_modes():
    f = lambda x, y: wf.sin(x) * y.sum()
    x, y = np.array([0.1, 0.2, 0.3]), np.array([1.0, 2.0])
    for mode in ("auto", "forward", "reverse"):
        jx, jy = wf.jacobian(f, x, y, mode=mode)
        close(jx, np.diag(np.cos(x)) * 3.0)
        close(jy, np.sin(x)[:, None] * np.ones((3, 2)))
    with pytest.raises(ValueError):
        wf.jacobian(f, x, y, mode="sideways")


def test_hessian_closed_form_and_shape():
    x = np.array([0.5, -1.2, 2.0, 0.1])
    H = wf.hessian(rosen)(x)
    assert H.shape == (4, 4)
    close(H, rosen_hess(x), rtol=1e-10)
    M = RNG.standard_normal((2, 2))
    Hm = wf.hessian(lambda m: (m ** 3).sum())(M)
    assert Hm.shape == (2, 2, 2, 2)
    expect = np.zeros((2, 2, 2, 2))
    for i in range(2):
        for j in range(2):
            expect[i, j, i, j] = 6 * M[i, j]
    close(Hm, expect)


def test_hvp():
    x = np.array([0.5, -1.2, 2.0, 0.1])
    v = np.array([1.0, 0.5, -2.0, 3.0])
    out, hv = wf.hvp(rosen, (x,), (v,))
    assert float(out) == pytest.approx(float(rosen(x)), rel=1e-14)
    close(hv, rosen_hess(x) @ v, rtol=1e-10)


def test_linearize():
    x = np.array([0.3, 0.6])
    out, f_jvp = wf.linearize(lambda z: wf.sin(z) * z, x)
    close(out, np.sin(x) * x)
    close(f_jvp(np.array([1.0, 0.0])), [np.cos(0.3) * 0.3 + np.sin(0.3), 0.0])
    close(f_jvp(np.array([0.0, 2.0])), [0.0, 2 * (np.cos(0.6) * 0.6 + np.sin(0.6))])


# ================================================================ checkpoint
def test_checkpoint_same_gradient_and_recomputes():
    calls = [0]
    W = RNG.standard_normal((4, 4)) * 0.5

    def layer(h):
        calls[0] += 1
        return wf.tanh(h @ W + 0.1)

    def net(layer_fn, x):
        h = x
        for _ in range(3):
            h = layer_fn(h)
        return (h * h).sum()

    x = RNG.standard_normal((2, 4))
    g_plain = wf.grad(lambda z: net(layer, z))(x)
    n_plain = calls[0]
    calls[0] = 0
    ck = wf.checkpoint(layer)
    g_ck = wf.grad(lambda z: net(ck, z))(x)
    close(g_ck, g_plain)
    assert n_plain == 3
    assert calls[0] > 3   # the inside ran again during backward
    # also on the eager tape
    calls[0] = 0
    xt = wf.tensor(x, requires_grad=True)
    net(ck, xt).backward()
    close(xt.grad, g_plain)
    assert calls[0] > 3


def test_checkpoint_second_order():
    ck = wf.checkpoint(lambda z: wf.sin(z) * z)
    g2 = wf.grad(wf.grad(lambda z: ck(z)))(0.7)
    assert float(g2) == pytest.approx(2 * math.cos(0.7) - 0.7 * math.sin(0.7), rel=1e-12)


# ================================================================ custom_vjp
def make_clip_gradient():
    @wf.custom_vjp
    def clip_grad(x):
        return x * 1.0

    def fwd(x):
        return x * 1.0, None

    def bwd(res, g):
        return (wf.clip(g, -1.0, 1.0),)

    clip_grad.defvjp(fwd, bwd)
    return clip_grad


def test_custom_vjp_rule_is_used_under_grad():
    cg = make_clip_gradient()
    g = wf.grad(lambda x: (cg(x) * 5.0).sum())(np.array([1.0, 2.0]))
    close(g, [1.0, 1.0])       # the rule's clipped cotangent, not the true 5
    assert float(wf.grad(lambda x: cg(x) * 0.5)(1.0)) == 0.5
    y = cg(np.array([3.0]))    # no transform: just the function
    close(y, [3.0])


def test_custom_vjp_residuals_and_two_args():
    @wf.custom_vjp
    def f(x, y):
        return wf.sin(x) * y

    def fwd(x, y):
        return wf.sin(x) * y, (wf.cos(x), wf.sin(x), y)

    def bwd(res, g):
        cos_x, sin_x, y = res
        return (g * cos_x * y * 10.0, g * sin_x)   # deliberately scaled first cotangent

    f.defvjp(fwd, bwd)
    gx, gy = wf.grad(f, argnums=(0, 1))(0.5, 2.0)
    assert float(gx) == pytest.approx(10 * math.cos(0.5) * 2.0, rel=1e-14)
    assert float(gy) == pytest.approx(math.sin(0.5), rel=1e-14)
    # eager tape too
    x = wf.tensor(0.5, requires_grad=True)
    y = wf.tensor(2.0, requires_grad=True)
    f(x, y).backward()
    assert float(x.grad) == pytest.approx(10 * math.cos(0.5) * 2.0, rel=1e-14)
    assert float(y.grad) == pytest.approx(math.sin(0.5), rel=1e-14)


def test_custom_vjp_higher_order_differentiates_the_rule():
    @wf.custom_vjp
    def f(x):
        return wf.sin(x)

    f.defvjp(lambda x: (wf.sin(x), x), lambda x, g: (g * wf.cos(x),))
    assert float(wf.grad(wf.grad(f))(0.4)) == pytest.approx(-math.sin(0.4), rel=1e-12)


def test_custom_vjp_in_jacrev():
    cg = make_clip_gradient()
    J = wf.jacrev(lambda x: cg(x) * 3.0)(np.array([1.0, 2.0]))
    close(J, np.eye(2))


def test_custom_vjp_under_vmap_and_hessian():
    @wf.custom_vjp
    def f(x):
        return wf.sin(x)

    f.defvjp(lambda x: (wf.sin(x), wf.cos(x)), lambda c, g: (2 * g * c,))
    close(wf.vmap(wf.grad(f))(np.array([0.0, 0.5])), 2 * np.cos([0.0, 0.5]))
    H = wf.hessian(lambda x: f(x).sum())(np.array([0.3, 0.5]))
    close(H, np.diag(-2 * np.sin([0.3, 0.5])))


def test_custom_vjp_without_defvjp_raises():
    @wf.custom_vjp
    def f(x):
        return x

    with pytest.raises(TypeError):
        wf.grad(f)(1.0)
    assert float(wf.grad(lambda x: x * x)(2.0)) == 4.0


# ================================================================ custom_jvp (issue 3)
def test_custom_jvp_rule_used_by_jvp_dual_and_grad():
    @wf.custom_jvp
    def f(x):
        return wf.sin(x)

    def rule(primals, tangents):
        (x,), (dx,) = primals, tangents
        return wf.sin(x), 3.0 * wf.cos(x) * dx   # deliberately tripled

    f.defjvp(rule)
    assert float(f(0.5)) == pytest.approx(math.sin(0.5))
    out, t = wf.jvp(f, (0.5,), (2.0,))
    assert float(out) == pytest.approx(math.sin(0.5), rel=1e-14)
    assert float(t) == pytest.approx(6 * math.cos(0.5), rel=1e-14)
    assert float(f(wf.Dual(0.5, 1.0)).tangent) == pytest.approx(3 * math.cos(0.5), rel=1e-14)
    assert float(wf.grad(f)(0.5)) == pytest.approx(3 * math.cos(0.5), rel=1e-14)
    close(wf.jacfwd(f)(np.array([0.1, 0.2])), np.diag(3 * np.cos([0.1, 0.2])))
    x = wf.tensor(0.5, requires_grad=True)
    f(x).backward()
    assert float(x.grad) == pytest.approx(3 * math.cos(0.5), rel=1e-14)
    close(wf.jacrev(f)(np.array([0.1, 0.2])), np.diag(3 * np.cos([0.1, 0.2])))
    close(wf.vmap(wf.grad(f))(np.array([0.1, 0.2])), 3 * np.cos([0.1, 0.2]))
    close(wf.vmap(f)(np.array([0.1, 0.2])), np.sin([0.1, 0.2]))
    # second order differentiates the rule: d/dx 3 cos x = -3 sin x
    assert float(wf.grad(wf.grad(f))(0.5)) == pytest.approx(-3 * math.sin(0.5), rel=1e-12)
    _, t2 = wf.jvp(wf.grad(f), (0.5,), (1.0,))
    assert float(t2) == pytest.approx(-3 * math.sin(0.5), rel=1e-12)


def test_custom_jvp_safe_log1pexp():
    # the classic use: a numerically safe derivative where autodiff of the body gives nan
    @wf.custom_jvp
    def softplus(x):
        return wf.log(1.0 + wf.exp(x))

    softplus.defjvp(lambda p, t: (softplus(p[0]), t[0] * wf.sigmoid(p[0])))
    with np.errstate(over="ignore"):  # the primal value overflows to inf; the rule is safe
        assert float(wf.grad(softplus)(800.0)) == 1.0
    assert float(wf.grad(wf.grad(softplus))(0.0)) == pytest.approx(0.25, rel=1e-12)


# ================================================================ stop_gradient
def test_stop_gradient_everywhere():
    assert float(wf.grad(lambda x: x * wf.stop_gradient(x))(3.0)) == 3.0
    _, t = wf.jvp(lambda x: x * wf.stop_gradient(x), (3.0,), (1.0,))
    assert float(t) == 3.0
    x = wf.tensor(3.0, requires_grad=True)
    (x * wf.stop_gradient(x * x)).backward()
    assert float(x.grad) == 9.0
    d = wf.stop_gradient(wf.Dual(2.0, 1.0))
    assert float(getattr(d, "tangent", 0.0)) == 0.0
    close(wf.stop_gradient(np.array([1.0, 2.0])), [1.0, 2.0])
    assert float(wf.grad(wf.grad(lambda x: wf.stop_gradient(x) * x * x))(2.0)) == 4.0


# ================================================================ composition
def test_grad_of_grad_of_grad():
    f = lambda x: wf.sin(x) * x
    x = 0.7
    d1 = math.sin(x) + x * math.cos(x)
    d2 = 2 * math.cos(x) - x * math.sin(x)
    d3 = -3 * math.sin(x) - x * math.cos(x)
    assert float(wf.grad(f)(x)) == pytest.approx(d1, rel=1e-13)
    assert float(wf.grad(wf.grad(f))(x)) == pytest.approx(d2, rel=1e-13)
    assert float(wf.grad(wf.grad(wf.grad(f)))(x)) == pytest.approx(d3, rel=1e-13)
    d4 = wf.grad(wf.grad(wf.grad(wf.grad(f))))(x)
    assert float(d4) == pytest.approx(-4 * math.cos(x) + x * math.sin(x), rel=1e-12)


def test_jacfwd_of_jacrev_is_hessian():
    x = np.array([0.5, -1.2, 2.0])
    H1 = wf.jacfwd(wf.jacrev(rosen))(x)
    H2 = wf.jacrev(wf.jacrev(rosen))(x)
    H3 = wf.jacfwd(wf.jacfwd(rosen))(x)
    H4 = wf.jacrev(wf.jacfwd(rosen))(x)
    for H in (H1, H2, H3, H4):
        close(H, rosen_hess(x), rtol=1e-10)


def test_grad_of_jvp_and_jvp_of_grad():
    f = lambda x: wf.exp(x) * wf.sin(x)
    x = 0.4
    d2 = 2 * math.exp(x) * math.cos(x)   # (e^x sin x)'' = 2 e^x cos x
    g_of_jvp = wf.grad(lambda z: wf.jvp(f, (z,), (1.0,))[1])(x)
    assert float(g_of_jvp) == pytest.approx(d2, rel=1e-13)
    _, jvp_of_g = wf.jvp(wf.grad(f), (x,), (1.0,))
    assert float(jvp_of_g) == pytest.approx(d2, rel=1e-13)
    _, t = wf.jvp(lambda z: wf.jvp(f, (z,), (1.0,))[1], (x,), (1.0,))
    assert float(t) == pytest.approx(d2, rel=1e-13)


def test_closures_over_outer_inputs():
    # g(x) = d/dy [x * y^2] at y = x = 2x^2, so g'(x) = 4x
    def g(x):
        return wf.grad(lambda y: x * y ** 2)(x)

    assert float(g(3.0)) == 18.0
    assert float(wf.grad(g)(3.0)) == 12.0
    _, t = wf.jvp(g, (3.0,), (1.0,))
    assert float(t) == 12.0
    # h(x) = d/dy [sin(x*y)] at y = 1 = x cos x
    h = lambda x: wf.grad(lambda y: wf.sin(x * y))(1.0)
    assert float(wf.grad(h)(0.5)) == pytest.approx(math.cos(0.5) - 0.5 * math.sin(0.5),
                                                   rel=1e-13)


def test_closure_over_eager_tensor_requiring_grad():
    # wf.grad inside an eager graph: the closed-over w still gets its level-0 gradient
    w = wf.tensor(2.0, requires_grad=True)
    g = wf.grad(lambda x: w * x ** 3)(1.5)   # 3 w x^2
    assert float(g) == pytest.approx(13.5)
    g.backward()                              # d/dw (3 w x^2) = 3 x^2
    assert float(w.grad) == pytest.approx(6.75)


# ---------------------------------------------------------------- perturbation confusion
# d/dx [x * (d/dy (x + y))] at x = 1: the inner derivative is 1, so the answer is 1
# (an engine that confuses the two perturbations answers 2).
def test_perturbation_confusion_nested_jvp():
    def inner(x):
        return wf.jvp(lambda y: x + y, (1.0,), (1.0,))[1]

    _, t = wf.jvp(lambda x: x * inner(x), (1.0,), (1.0,))
    assert float(t) == 1.0


def test_perturbation_confusion_nested_grad():
    inner = lambda x: wf.grad(lambda y: x + y)(1.0)
    assert float(wf.grad(lambda x: x * inner(x))(1.0)) == 1.0


def test_perturbation_confusion_grad_outside_jvp_inside():
    inner = lambda x: wf.jvp(lambda y: x + y, (1.0,), (1.0,))[1]
    assert float(wf.grad(lambda x: x * inner(x))(1.0)) == 1.0


def test_perturbation_confusion_jvp_outside_grad_inside():
    inner = lambda x: wf.grad(lambda y: x + y)(1.0)
    _, t = wf.jvp(lambda x: x * inner(x), (1.0,), (1.0,))
    assert float(t) == 1.0


def test_perturbation_confusion_with_user_dual_inside():
    inner = lambda x: (x + wf.Dual(1.0, 1.0)).tangent
    assert float(wf.grad(lambda x: x * inner(x))(1.0)) == 1.0
    _, t = wf.jvp(lambda x: x * inner(x), (1.0,), (1.0,))
    assert float(t) == 1.0


def test_perturbation_confusion_eager_tape_outside():
    x = wf.tensor(1.0, requires_grad=True)
    (x * wf.grad(lambda y: x + y)(1.0)).backward()
    assert float(x.grad) == 1.0
    x.grad = None
    (x * wf.jvp(lambda y: x * y, (1.0,), (1.0,))[1]).backward()   # d/dx x*x = 2
    assert float(x.grad) == 2.0


def test_perturbation_confusion_siskind_pearlmutter():
    # d/dx [ x * d/dy (x * y) |_{y=2} ] at x = 3 = d/dx x^2 = 6 (confusion gives 9 or 15)
    inner = lambda x: wf.grad(lambda y: x * y)(2.0)
    assert float(wf.grad(lambda x: x * inner(x))(3.0)) == 6.0
    _, t = wf.jvp(lambda x: x * wf.jvp(lambda y: x * y, (2.0,), (1.0,))[1], (3.0,), (1.0,))
    assert float(t) == 6.0


# ================================================================ oracles
MLP_W1 = RNG.standard_normal((4, 3))
MLP_W2 = RNG.standard_normal((2, 4))


def mlp_wf(x):
    return wf.tanh(MLP_W2 @ wf.tanh(MLP_W1 @ x))


def test_against_jax_x64():
    jax = pytest.importorskip("jax")
    jnp = pytest.importorskip("jax.numpy")
    x = RNG.standard_normal(3)
    v = RNG.standard_normal(3)
    with jax.enable_x64(True):
        mlp_j = lambda z: jnp.tanh(MLP_W2 @ jnp.tanh(MLP_W1 @ z))
        scal_j = lambda z: jnp.sum(mlp_j(z) ** 2) + jnp.sin(z).prod()
        xj = jnp.asarray(x)
        ref = {
            "jacrev": np.asarray(jax.jacrev(mlp_j)(xj)),
            "jacfwd": np.asarray(jax.jacfwd(mlp_j)(xj)),
            "grad": np.asarray(jax.grad(scal_j)(xj)),
            "hessian": np.asarray(jax.hessian(scal_j)(xj)),
            "jvp": np.asarray(jax.jvp(mlp_j, (xj,), (jnp.asarray(v),))[1]),
            "vjp": np.asarray(jax.vjp(mlp_j, xj)[1](jnp.ones(2))[0]),
            "hvp": np.asarray(jax.jvp(jax.grad(scal_j), (xj,), (jnp.asarray(v),))[1]),
        }
        assert ref["grad"].dtype == np.float64
    scal_wf = lambda z: (mlp_wf(z) ** 2).sum() + wf.sin(z).prod()
    close(wf.jacrev(mlp_wf)(x), ref["jacrev"], rtol=1e-11)
    close(wf.jacfwd(mlp_wf)(x), ref["jacfwd"], rtol=1e-11)
    close(wf.grad(scal_wf)(x), ref["grad"], rtol=1e-11)
    close(wf.hessian(scal_wf)(x), ref["hessian"], rtol=1e-10, atol=1e-12)
    close(wf.jvp(mlp_wf, (x,), (v,))[1], ref["jvp"], rtol=1e-11)
    close(wf.vjp(mlp_wf, x)[1](np.ones(2))[0], ref["vjp"], rtol=1e-11)
    close(wf.hvp(scal_wf, (x,), (v,))[1], ref["hvp"], rtol=1e-10, atol=1e-12)


def test_against_torch_func():
    torch = pytest.importorskip("torch")
    tf = pytest.importorskip("torch.func")
    x = RNG.standard_normal(3)
    W1, W2 = torch.tensor(MLP_W1), torch.tensor(MLP_W2)
    mlp_t = lambda z: torch.tanh(W2 @ torch.tanh(W1 @ z))
    scal_t = lambda z: (mlp_t(z) ** 2).sum() + torch.sin(z).prod()
    scal_wf = lambda z: (mlp_wf(z) ** 2).sum() + wf.sin(z).prod()
    xt = torch.tensor(x)
    close(wf.jacrev(mlp_wf)(x), tf.jacrev(mlp_t)(xt).numpy(), rtol=1e-11)
    close(wf.grad(scal_wf)(x), tf.grad(scal_t)(xt).numpy(), rtol=1e-11)
    close(wf.hessian(scal_wf)(x), tf.hessian(scal_t)(xt).numpy(), rtol=1e-10, atol=1e-12)
    inner_t = lambda z: tf.grad(lambda y: (z * y).sum())(torch.ones(3, dtype=torch.float64) * 2.0)
    outer_t = tf.grad(lambda z: (z * inner_t(z)).sum())(xt)
    inner_w = lambda z: wf.grad(lambda y: (z * y).sum())(wf.ones(3) * 2.0)
    close(wf.grad(lambda z: (z * inner_w(z)).sum())(x), outer_t.numpy())


def test_against_hips_autograd():
    ag = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    x = np.array([0.5, -1.2, 2.0, 0.1])
    f_ag = lambda z: anp.sum(anp.tanh(z) * anp.exp(-z ** 2)) * anp.sum(z ** 2)
    f_wf = lambda z: (wf.tanh(z) * wf.exp(-z ** 2)).sum() * (z ** 2).sum()
    close(wf.grad(f_wf)(x), ag.grad(f_ag)(x), rtol=1e-12)
    close(wf.hessian(f_wf)(x), ag.hessian(f_ag)(x), rtol=1e-10, atol=1e-12)


# ================================================================ in-place code under transforms
def test_setitem_into_constant_buffer_under_grad():
    def f(x):
        y = wf.zeros(3)
        y[0] = x[0] * 2
        y[1:] = x[1:] ** 2
        return y.sum()

    x0 = np.array([1.0, 2.0, 3.0])
    xt = wf.tensor(x0, requires_grad=True)
    f(xt).backward()                      # the eager tape gets it right
    close(xt.grad, [2.0, 4.0, 6.0])
    close(wf.grad(f)(x0), [2.0, 4.0, 6.0])
    # a dual number cannot be stored into a plain buffer: a clear error, never a lost tangent
    with pytest.raises(RuntimeError, match="in-place"):
        wf.jvp(f, (x0,), (np.ones(3),))


def test_accumulator_iadd_under_grad():
    def f(x):
        acc = wf.zeros(())
        for i in range(3):
            acc += x * i
        return acc

    assert float(wf.grad(f)(1.0)) == 3.0
    assert float(wf.jvp(f, (1.0,), (1.0,))[1]) == 3.0


def test_inplace_on_traced_values_under_grad():
    def f(x):
        y = x * 1.0
        y[0] = x[1] * 5
        y += x
        y *= 3
        return y.sum()

    close(wf.grad(f)(np.array([1.0, 2.0, 3.0])), [3.0, 21.0, 6.0])
    xt = wf.tensor([1.0, 2.0, 3.0], requires_grad=True)
    f(xt).backward()
    close(xt.grad, [3.0, 21.0, 6.0])


def test_detach_and_no_grad_inside_grad():
    assert float(wf.grad(lambda x: x * x.detach())(3.0)) == 3.0

    def f(x):
        with wf.no_grad():
            c = x * x
        return c * x

    assert float(wf.grad(f)(3.0)) == 9.0
    assert float(wf.grad(lambda x: x * float(wf.is_grad_enabled()))(3.0)) == 1.0


def test_grad_kwargs():
    assert float(wf.grad(lambda x, scale=1.0: x * x * scale)(3.0, scale=2.0)) == 12.0


def test_hessian_argnums_tuple_nested_like_jax():
    H = wf.hessian(lambda x, y: x * x * y, argnums=(0, 1))(2.0, 3.0)
    (hxx, hxy), (hyx, hyy) = H
    assert [float(h) for h in (hxx, hxy, hyx, hyy)] == [6.0, 4.0, 4.0, 0.0]


@pytest.mark.parametrize("jac", [
    "jacrev", "jacfwd",
])
def test_jacobian_of_pytree_output(jac):
    f = lambda x: (x * 2.0, x.sum())
    J = getattr(wf, jac)(f)(np.ones(2))
    assert isinstance(J, tuple) and len(J) == 2
    close(J[0], 2 * np.eye(2))
    close(J[1], [1.0, 1.0])


def test_jacrev_has_aux():
    J, aux = wf.jacrev(lambda x: (x * x, x.sum()), has_aux=True)(np.array([1.0, 2.0]))
    close(J, np.diag([2.0, 4.0]))
    assert float(aux) == 3.0
