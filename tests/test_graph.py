"""wf.graph: the CSE599G1 engine's interface and behaviour, plus staged weifen ops.

Values are checked against closed forms and NumPy; second derivatives against the
eager engine (a different interpreter of the same rules) and closed forms.
"""
import sys

import numpy as np
import pytest

import weifen as wf
from weifen import graph as ad


def run(nodes, feed):
    return ad.Executor(nodes).run(feed_dict=feed)


# ================================================================ the classic exercises
def test_identity():
    x2 = ad.Variable(name="x2")
    y = x2
    (grad_x2,) = ad.gradients(y, [x2])
    x2_val = 2 * np.ones(3)
    y_val, g = run([y, grad_x2], {x2: x2_val})
    assert isinstance(y, ad.Node)
    np.testing.assert_array_equal(y_val, x2_val)
    np.testing.assert_array_equal(g, np.ones(3))


def test_by_const_ops():
    x2 = ad.Variable(name="x2")
    for y, dy in [(5 + x2, 1.0), (x2 + 5, 1.0), (5 * x2, 5.0), (x2 * 5, 5.0)]:
        (g,) = ad.gradients(y, [x2])
        y_val, g_val = run([y, g], {x2: 2 * np.ones(3)})
        assert isinstance(y, ad.Node)
        np.testing.assert_allclose(g_val, dy * np.ones(3))
    assert str(x2 + 5) == "(x2+5)" and str(x2 * 5) == "(x2*5)"


def test_two_vars_and_mix():
    x1, x2, x3 = (ad.Variable(name=n) for n in ("x1", "x2", "x3"))
    y = x1 + x2 * x3 * x1
    g1, g2, g3 = ad.gradients(y, [x1, x2, x3])
    v1, v2, v3 = 1 * np.ones(3), 2 * np.ones(3), 3 * np.ones(3)
    y_val, a, b, c = run([y, g1, g2, g3], {x1: v1, x2: v2, x3: v3})
    np.testing.assert_allclose(y_val, v1 + v2 * v3 * v1)
    np.testing.assert_allclose(a, 1 + v2 * v3)
    np.testing.assert_allclose(b, v3 * v1)
    np.testing.assert_allclose(c, v2 * v1)
    assert str(y) == "(x1+((x2*x3)*x1))"


def test_grad_of_grad():
    x2, x3 = ad.Variable(name="x2"), ad.Variable(name="x3")
    y = x2 * x2 + x2 * x3
    g2, g3 = ad.gradients(y, [x2, x3])
    g22, g23 = ad.gradients(g2, [x2, x3])
    v2, v3 = 2 * np.ones(3), 3 * np.ones(3)
    y_val, a, b, c, d = run([y, g2, g3, g22, g23], {x2: v2, x3: v3})
    np.testing.assert_allclose(y_val, v2 * v2 + v2 * v3)
    np.testing.assert_allclose(a, 2 * v2 + v3)
    np.testing.assert_allclose(b, v2)
    np.testing.assert_allclose(c, 2 * np.ones(3))
    np.testing.assert_allclose(d, np.ones(3))


@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("tb", [False, True])
def test_matmul_with_transposes(ta, tb):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 2)), rng.standard_normal((2, 4))
    av, bv = (a.T.copy() if ta else a), (b.T.copy() if tb else b)
    x, w = ad.Variable(name="x"), ad.Variable(name="w")
    y = ad.matmul_op(x, w, ta, tb)
    gx, gw = ad.gradients(y, [x, w])
    y_val, gx_val, gw_val = run([y, gx, gw], {x: av, w: bv})
    np.testing.assert_allclose(y_val, a @ b)
    ga, gb = np.ones((3, 4)) @ b.T, a.T @ np.ones((3, 4))
    np.testing.assert_allclose(gx_val, ga.T if ta else ga)
    np.testing.assert_allclose(gw_val, gb.T if tb else gb)


def test_logistic_regression_trains_with_graph_gradients():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((100, 3))
    y = (X @ np.array([1.5, -2.0, 0.5]) > 0).astype(float)[:, None]
    x, w, t = ad.Variable(name="x"), ad.Variable(name="w"), ad.Variable(name="t")
    p = ad.sigmoid(ad.matmul(x, w))
    loss = ad.reduce_sum(-(t * ad.log(p) + (1 - t) * ad.log(1 - p))) * (1 / 100)
    (gw,) = ad.gradients(loss, [w])
    ex = ad.Executor([loss, gw])
    wv = np.zeros((3, 1))
    first = None
    for _ in range(200):
        lv, gv = ex.run({x: X, w: wv, t: y})
        first = lv if first is None else first
        wv = wv - 1.0 * gv
    assert lv < 0.3 * first
    assert ((X @ wv > 0) == (y > 0.5)).mean() > 0.95


# ================================================================ staged weifen ops
@pytest.mark.parametrize("name, df", [
    ("exp", np.exp), ("log", lambda v: 1 / v), ("sin", np.cos), ("cos", lambda v: -np.sin(v)),
    ("tanh", lambda v: 1 - np.tanh(v) ** 2),
    ("sigmoid", lambda v: np.exp(-v) / (1 + np.exp(-v)) ** 2),
    ("relu", lambda v: (v > 0).astype(float))])
def test_elementwise_ops_and_gradients(name, df):
    v = np.array([0.3, 1.2, 2.5])
    x = ad.Variable(name="x")
    y = getattr(ad, name)(x)
    (g,) = ad.gradients(y, [x])
    y_val, g_val = run([y, g], {x: v})
    np.testing.assert_allclose(y_val, np.asarray(getattr(wf, name)(v)), rtol=1e-12)
    np.testing.assert_allclose(g_val, df(v), rtol=1e-12)
    assert str(y) == f"{name}(x)"


def test_second_derivatives_from_staged_rules_match_eager():
    f = lambda x: wf.tanh(x) * wf.sin(x) ** 2 - x / (1 + x * x)  # noqa: E731
    v = np.array([0.2, -0.7, 1.4])
    x = ad.Variable(name="x")
    (g,) = ad.gradients(f(x), [x])
    (h,) = ad.gradients(g, [x])
    g_val, h_val = run([g, h], {x: v})
    d1 = [float(wf.grad(f)(float(t))) for t in v]
    d2 = [float(wf.grad(wf.grad(f))(float(t))) for t in v]
    np.testing.assert_allclose(g_val, d1, rtol=1e-11)
    np.testing.assert_allclose(h_val, d2, rtol=1e-10)


def test_operators_and_section_one_names():
    x, y = ad.Variable(name="x"), ad.Variable(name="y")
    z = (x - y) / y + (-x) ** 2 + ad.square(y) + ad.maximum(x, y)
    gx, gy = ad.gradients(z, [x, y])
    xv, yv = np.array([1.0, 4.0]), np.array([2.0, 3.0])
    z_val, gx_val, gy_val = run([z, gx, gy], {x: xv, y: yv})
    np.testing.assert_allclose(z_val, (xv - yv) / yv + xv ** 2 + yv ** 2 + np.maximum(xv, yv))
    np.testing.assert_allclose(gx_val, 1 / yv + 2 * xv + (xv > yv))
    np.testing.assert_allclose(gy_val, -xv / yv ** 2 + 2 * yv + (yv > xv))


def test_broadcasting_gradients_reduce_to_the_fed_shapes():
    rng = np.random.default_rng(2)
    xv, wv, bv = rng.standard_normal((5, 3)), rng.standard_normal((3, 2)), rng.standard_normal(2)
    x, w, b = ad.Variable(name="x"), ad.Variable(name="w"), ad.Variable(name="b")
    y = ad.reduce_sum(ad.tanh(ad.matmul(x, w) + b) * 2.0)
    gw, gb = ad.gradients(y, [w, b])
    _, gw_val, gb_val = run([y, gw, gb], {x: xv, w: wv, b: bv})
    d = 2 * (1 - np.tanh(xv @ wv + bv) ** 2)
    np.testing.assert_allclose(gb_val, d.sum(axis=0))
    np.testing.assert_allclose(gw_val, xv.T @ d)


@pytest.mark.parametrize("axis, keepdims", [(None, False), (0, False), (1, True), ((0, 2), False)])
def test_reduce_sum_axes(axis, keepdims):
    v = np.arange(24.0).reshape(2, 3, 4)
    x = ad.Variable(name="x")
    y = ad.reduce_sum(x * x, axis=axis, keepdims=keepdims)
    (g,) = ad.gradients(y, [x])
    y_val, g_val = run([y, g], {x: v})
    np.testing.assert_allclose(y_val, np.sum(v * v, axis=axis, keepdims=keepdims))
    np.testing.assert_allclose(g_val, 2 * v)


# ================================================================ engine properties
def test_topological_order_is_kahns_and_each_node_runs_once():
    calls = []

    class Count(ad.Op):
        def __call__(self, a):
            n = ad.Op.__call__(self)
            n.inputs = [a]
            n.name = f"Count({a.name})"
            return n

        def compute(self, node, vals):
            calls.append(node)
            return vals[0] + 1

        def gradient(self, node, g):
            return [g]

    count = Count()
    x = ad.Variable(name="x")
    s = count(x)
    y = s * s + s
    order = ad.find_topo_sort([y])
    assert order.index(x) < order.index(s) < order.index(y)
    (g,) = ad.gradients(y, [x])
    y_val, g_val = run([y, g], {x: np.array([1.0])})
    assert len(calls) == 1  # the shared node is computed once for both outputs
    np.testing.assert_allclose(y_val, [6.0])
    np.testing.assert_allclose(g_val, [5.0])
    assert str(s) == "Count(x)"


def test_deep_graph_has_no_recursion_limit():
    assert sys.getrecursionlimit() < 200_000
    x = ad.Variable(name="x")
    y = x
    for _ in range(200_000):
        y = y * 1.0000001 + 0.0
    (g,) = ad.gradients(y, [x])
    y_val, g_val = run([y, g], {x: np.array([1.0])})
    np.testing.assert_allclose(g_val, [1.0000001 ** 200_000], rtol=1e-9)
    assert str(y).startswith("(((((") and len(str(y)) > 200_000


def test_missing_feed_names_the_variable():
    x, y = ad.Variable(name="x"), ad.Variable(name="weights")
    with pytest.raises(ValueError, match="'weights'"):
        run([x * y], {x: np.ones(2)})
    with pytest.raises(wf.WeifenError):
        run([x * y], {x: np.ones(2)})


def test_variables_with_equal_names_are_distinct():
    a, b = ad.Variable(name="x"), ad.Variable(name="x")
    ga, gb = ad.gradients(a * 3 + b, [a, b])
    _, va, vb = run([a * 3 + b, ga, gb], {a: np.ones(1), b: np.ones(1)})
    assert va[0] == 3.0 and vb[0] == 1.0


def test_unreachable_gradient_is_zeros_and_shapes_are_a_clear_error():
    x, y = ad.Variable(name="x"), ad.Variable(name="y")
    (gy,) = ad.gradients(ad.exp(x), [y])
    np.testing.assert_array_equal(run([gy], {y: np.ones(2)})[0], np.zeros(2))
    with pytest.raises(TypeError, match="no shape until it runs"):
        wf.mean(x)


def test_constants_from_tensors_and_arrays():
    x = ad.Variable(name="x")
    y = x * wf.tensor([1.0, 2.0]) + np.array([3.0, 4.0])
    (g,) = ad.gradients(y, [x])
    y_val, g_val = run([y, g], {x: np.ones(2)})
    np.testing.assert_allclose(y_val, [4.0, 6.0])
    np.testing.assert_allclose(g_val, [1.0, 2.0])


def test_value_comparisons_inside_rules_are_elementwise():
    # maximum splits g on ties and x ** y is 0-safe in y's rule: both compare values,
    # which on graph nodes must be staged, never Python identity
    x, y = ad.Variable(name="x"), ad.Variable(name="y")
    gx, gy = ad.gradients(ad.maximum(x, y), [x, y])
    a, b = run([gx, gy], {x: np.array([1.0, 2.0]), y: np.array([1.0, 0.0])})
    np.testing.assert_allclose(a, [0.5, 1.0])
    np.testing.assert_allclose(b, [0.5, 0.0])
    (gp,) = ad.gradients(x ** y, [y])
    np.testing.assert_allclose(run([gp], {x: np.array([0.0, 2.0]), y: np.array([2.0, 3.0])})[0],
                               [0.0, 8 * np.log(2.0)])
    with pytest.raises(TypeError, match="truth value"):
        bool(x > y)
