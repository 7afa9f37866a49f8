"""Forward mode (API.md section 3): Dual numbers, hyper-duals, levels, and jvp/jacfwd/linearize
on the same machinery.
"""
import math

import numpy as np
import pytest

import weifen as wf


def A(t):
    return np.asarray(t)


def close(a, b, **kw):
    kw.setdefault("rtol", 1e-13)
    kw.setdefault("atol", 1e-13)
    np.testing.assert_allclose(A(a), A(b), **kw)


def test_dual_basic():
    d = wf.Dual(5.0, 1.0)
    e = wf.sin(d) * d
    assert float(e.primal) == pytest.approx(5 * math.sin(5.0), rel=1e-14)
    assert float(e.tangent) == pytest.approx(math.sin(5.0) + 5 * math.cos(5.0), rel=1e-14)
    d0 = wf.Dual(2.0)  # tangent defaults to zero
    assert float((d0 * d0).tangent) == 0.0


def test_dual_operators_and_reflected():
    x = wf.Dual(2.0, 1.0)
    cases = [
        (x + 3, 5.0, 1.0), (3 + x, 5.0, 1.0), (x - 3, -1.0, 1.0), (3 - x, 1.0, -1.0),
        (x * 3, 6.0, 3.0), (3 * x, 6.0, 3.0), (x / 4, 0.5, 0.25), (4 / x, 2.0, -1.0),
        (x ** 3, 8.0, 12.0), (2 ** x, 4.0, 4 * math.log(2)), (-x, -2.0, -1.0),
        (abs(-x), 2.0, 1.0), (x ** x, 4.0, 4 * (math.log(2) + 1)),
    ]
    for e, p, t in cases:
        assert float(e.primal) == pytest.approx(p, rel=1e-14)
        assert float(e.tangent) == pytest.approx(t, rel=1e-14)


def test_dual_elementwise_functions_closed_forms():
    x0 = 0.3
    funcs = [
        (wf.exp, math.exp), (wf.log, lambda v: 1 / v), (wf.sin, math.cos),
        (wf.cos, lambda v: -math.sin(v)), (wf.tanh, lambda v: 1 - math.tanh(v) ** 2),
        (wf.sqrt, lambda v: 0.5 / math.sqrt(v)), (wf.arctan, lambda v: 1 / (1 + v * v)),
        (wf.sigmoid, lambda v: math.exp(-v) / (1 + math.exp(-v)) ** 2),
        (wf.log1p, lambda v: 1 / (1 + v)), (wf.arcsin, lambda v: 1 / math.sqrt(1 - v * v)),
        (wf.erf, lambda v: 2 / math.sqrt(math.pi) * math.exp(-v * v)),
    ]
    for fn, d in funcs:
        e = fn(wf.Dual(x0, 1.0))
        assert float(e.tangent) == pytest.approx(d(x0), rel=1e-12), fn


def test_dual_arrays():
    p = np.array([[1.0, 2.0], [3.0, 4.0]])
    t = np.array([[1.0, 0.0], [0.0, 1.0]])
    d = wf.Dual(p, t)
    assert d.shape == (2, 2)
    e = (d @ d).sum(axis=0)
    close(e.primal, (p @ p).sum(axis=0))
    close(e.tangent, (t @ p + p @ t).sum(axis=0))
    with pytest.raises(ValueError):
        wf.Dual(np.ones(2), np.ones(3))


def test_dual_reductions_and_shapes():
    p = np.array([1.0, 2.0, 3.0])
    t = np.array([0.5, -1.0, 2.0])
    d = wf.Dual(p, t)
    close((d * d).sum().tangent, 2 * (p * t).sum())
    close(d.reshape(3, 1).tangent, t.reshape(3, 1))
    close(d[1:].tangent, t[1:])
    close(wf.stack([d, d * 2]).tangent, np.stack([t, 2 * t]))
    close(d.max().tangent, 2.0)
    close(wf.mean(d).tangent, t.mean())


def test_side_by_side_duals_share_one_perturbation():
    a = wf.Dual(2.0, 1.0)
    b = wf.Dual(3.0, 1.0)
    e = a * b       # one ε: tangent = b + a
    assert float(e.tangent) == 5.0
    assert not isinstance(e.primal, wf.Dual)
    f = lambda x1, x2: wf.log(x1) + x1 * x2 - wf.sin(x2)
    d = f(wf.Dual(2.0, 1.0), wf.Dual(5.0, 0.0))
    assert float(d.tangent) == 5.5


def test_hyper_dual_second_derivatives():
    f = lambda x: wf.sin(x) * x ** 2
    x = 0.8
    d1 = math.cos(x) * x ** 2 + 2 * x * math.sin(x)
    d2 = -math.sin(x) * x ** 2 + 4 * x * math.cos(x) + 2 * math.sin(x)
    h = wf.Dual(wf.Dual(x, 1.0), 1.0)
    y = f(h)
    assert float(y.primal.primal) == pytest.approx(math.sin(x) * x * x)
    assert float(y.primal.tangent) == pytest.approx(d1, rel=1e-13)
    assert float(y.tangent.primal) == pytest.approx(d1, rel=1e-13)
    assert float(y.tangent.tangent) == pytest.approx(d2, rel=1e-13)


def test_hyper_dual_mixed_partials():
    # f(x, y) = x^2 y^3: seed x on the inner ε, y on the outer: .tangent.tangent = f_xy
    x, y = 1.5, -0.5
    hx = wf.Dual(wf.Dual(x, 1.0), 0.0)
    hy = wf.Dual(wf.Dual(y, 0.0), 1.0)
    r = hx ** 2 * hy ** 3
    assert float(r.primal.tangent) == pytest.approx(2 * x * y ** 3)      # f_x
    assert float(r.tangent.primal) == pytest.approx(3 * x ** 2 * y ** 2)  # f_y
    assert float(r.tangent.tangent) == pytest.approx(6 * x * y ** 2)      # f_xy


def test_triple_dual_third_derivative():
    t = wf.Dual(wf.Dual(wf.Dual(0.5, 1.0), 1.0), 1.0)
    r = wf.exp(2 * t)
    assert float(r.tangent.tangent.tangent) == pytest.approx(8 * math.exp(1.0), rel=1e-13)


def test_user_duals_inside_grad_stay_distinct():
    d = wf.Dual(3.0, 1.0)
    # d/dx [x * d] = d : a dual whose primal is 3 and tangent 1
    g = wf.grad(lambda x: x * d)(2.0)
    assert float(g.primal) == 3.0 and float(g.tangent) == 1.0
    # d/dx sin(x d) = d cos(x d); its ε-part is d/dd [d cos(x d)] = cos(x d) - x d sin(x d)
    g = wf.grad(lambda x: wf.sin(x * d))(2.0)
    assert float(g.primal) == pytest.approx(3 * math.cos(6.0), rel=1e-13)
    assert float(g.tangent) == pytest.approx(math.cos(6.0) - 6 * math.sin(6.0), rel=1e-13)


def test_grad_of_function_of_dual_argument():
    # the gradient taken at a dual point: grad f at (x + ε) = f'(x) + f''(x) ε
    g = wf.grad(lambda x: x ** 3)(wf.Dual(2.0, 1.0))
    assert float(g.primal) == 12.0 and float(g.tangent) == 12.0


def test_jvp_inside_user_dual():
    d = wf.Dual(0.5, 1.0)
    # jvp of y -> d * y^2 at y = 2 along 1 gives 4 d ; its ε-part is 4
    _, t = wf.jvp(lambda y: d * y ** 2, (2.0,), (1.0,))
    assert float(t.primal) == 2.0 and float(t.tangent) == 4.0


# ================================================================ jvp / jacfwd / linearize
def test_jvp_pytrees():
    def f(p):
        return {"a": p["x"] * p["y"], "b": wf.sin(p["x"])}

    p = {"x": np.array([0.1, 0.2]), "y": np.array([3.0, 4.0])}
    t = {"x": np.array([1.0, 0.0]), "y": np.array([0.0, 1.0])}
    out, tan = wf.jvp(f, (p,), (t,))
    assert set(out) == {"a", "b"} and set(tan) == {"a", "b"}
    close(tan["a"], [3.0, 0.2])
    close(tan["b"], [math.cos(0.1), 0.0])


def test_jvp_shape_mismatch_and_bad_args():
    with pytest.raises(ValueError):
        wf.jvp(wf.sin, (np.ones(2),), (np.ones(3),))
    with pytest.raises(TypeError):
        wf.jvp(wf.sin, np.ones(2), np.ones(2))
    assert float(wf.jvp(wf.sin, (0.0,), (1.0,))[1]) == 1.0


def test_jvp_constant_output_gives_zero_tangent():
    out, t = wf.jvp(lambda x: wf.ones(2), (1.0,), (1.0,))
    close(out, [1.0, 1.0])
    close(t, [0.0, 0.0])


def test_jvp_float32():
    x = np.array([1.0, 2.0], np.float32)
    out, t = wf.jvp(lambda z: wf.sin(z) * 2.0, (x,), (np.ones(2, np.float32),))
    assert A(out).dtype == np.float32 and A(t).dtype == np.float32
    close(t, 2 * np.cos(x), rtol=1e-6)


def test_jacfwd_matches_jacrev_random():
    rng = np.random.default_rng(5)
    W = rng.standard_normal((3, 4))
    f = lambda x: wf.softmax(W @ wf.tanh(x)) * x.sum()
    x = rng.standard_normal(4)
    close(wf.jacfwd(f)(x), wf.jacrev(f)(x), rtol=1e-12)


def test_jvp_agrees_with_jax():
    jax = pytest.importorskip("jax")
    jnp = pytest.importorskip("jax.numpy")
    x = np.array([0.3, -0.4, 1.1])
    v = np.array([1.0, 2.0, -0.5])
    with jax.enable_x64(True):
        fj = lambda z: jnp.exp(jnp.sin(z) * z[::-1]) / (1 + z ** 2)
        _, tj = jax.jvp(fj, (jnp.asarray(x),), (jnp.asarray(v),))
        tj = np.asarray(tj)
    fw = lambda z: wf.exp(wf.sin(z) * z[::-1]) / (1 + z ** 2)
    close(wf.jvp(fw, (x,), (v,))[1], tj, rtol=1e-13)
    d = fw(wf.Dual(x, v))
    close(d.tangent, tj, rtol=1e-13)
