"""The backward engine: no recursion on deep graphs, memory released after backward,
pruning to what was asked, accumulation over diamonds, each node processed once.
"""
import gc
import math
import sys
import time
import weakref

import numpy as np
import pytest

import weifen as wf


def A(t):
    return np.asarray(t)


# ================================================================ deep graphs
def test_million_node_chain_mul():
    assert sys.getrecursionlimit() < 10 ** 6  # so a recursive engine would fail here
    # about 10 s here, most of it Python's cyclic GC scanning the growing tape (torch: ~8 s)
    x = wf.tensor(1.0, requires_grad=True)
    h = x
    for _ in range(10 ** 6):
        h = h * 1.0000001
    h.backward()
    assert float(x.grad) == pytest.approx(1.0000001 ** (10 ** 6), rel=1e-9)
    assert float(x.grad) == pytest.approx(math.exp(0.1), rel=1e-6)


def test_deep_chain_add_on_small_array():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    h = x
    for _ in range(200_000):
        h = h + 1.0
    h.sum().backward()
    np.testing.assert_array_equal(A(x.grad), [1.0, 1.0])
    np.testing.assert_array_equal(A(h), [200_001.0, 200_002.0])


def test_deep_chain_autograd_grad_and_transform():
    x = wf.tensor(0.5, requires_grad=True)
    h = x
    for _ in range(100_000):
        h = h * 1.0 + 0.0
    (g,) = wf.autograd.grad(h, [x])
    assert float(g) == 1.0

    def f(z):
        for _ in range(50_000):
            z = z * 1.00001
        return z

    assert float(wf.grad(f)(1.0)) == pytest.approx(1.00001 ** 50_000, rel=1e-9)


def test_deep_graph_is_freed_without_recursion():
    # dropping the last reference to a deep graph must not overflow the C stack either
    x = wf.tensor(1.0, requires_grad=True)
    h = x
    for _ in range(300_000):
        h = h * 1.0
    del h
    gc.collect()
    assert float(wf.grad(lambda z: z * z)(2.0)) == 4.0


# ================================================================ memory
def test_saved_values_released_after_backward():
    x = wf.tensor(np.ones(1000), requires_grad=True)
    y = x * 2.0
    r = weakref.ref(y._data)  # the array sin() saves for its backward
    z = wf.sin(y).sum()
    del y
    gc.collect()
    assert r() is not None      # the graph keeps it alive until backward...
    z.backward()
    gc.collect()
    assert r() is None          # ...and drops it afterwards
    np.testing.assert_allclose(A(x.grad), 2 * np.cos(2 * np.ones(1000)))


def test_saved_values_kept_with_retain_graph():
    x = wf.tensor(np.ones(100), requires_grad=True)
    y = x * 2.0
    r = weakref.ref(y._data)
    z = wf.sin(y).sum()
    del y
    z.backward(retain_graph=True)
    gc.collect()
    assert r() is not None
    z.backward()
    gc.collect()
    assert r() is None
    np.testing.assert_allclose(A(x.grad), 4 * np.cos(2 * np.ones(100)))


def test_unsaved_inputs_not_kept_alive():
    # x * 0.9 reads only the constant in its vjp, so the tape need not keep x's data
    x = wf.tensor(np.ones(100), requires_grad=True)
    y = x + 1.0
    r = weakref.ref(y._data)
    z = (y * 0.9).sum()
    del y
    gc.collect()
    assert r() is None
    z.backward()
    np.testing.assert_allclose(A(x.grad), 0.9)


def test_backward_peak_memory_is_bounded():
    import tracemalloc

    n = 100_000  # 0.8 MB per activation
    x = wf.tensor(np.full(n, 0.5), requires_grad=True)
    h = x
    for _ in range(20):
        h = wf.tanh(h * 0.9)
    loss = h.sum()
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    loss.backward()
    peak = tracemalloc.get_traced_memory()[1] - base
    after = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    # backward frees each saved activation once used: it never needs more than a few
    # arrays beyond what was saved, and leaves far less than that behind
    assert peak < 10 * n * 8
    assert after < 3 * n * 8


# ================================================================ pruning
def counted_identity():
    calls = {"fwd": 0, "bwd": 0}

    @wf.custom_vjp
    def ident(x):
        return x * 1.0

    def fwd(x):
        calls["fwd"] += 1
        return x * 1.0, None

    def bwd(res, g):
        calls["bwd"] += 1
        return (g,)

    ident.defvjp(fwd, bwd)
    return ident, calls


def test_autograd_grad_prunes_branches_to_other_inputs():
    ident, calls = counted_identity()
    a = wf.tensor([1.0, 2.0], requires_grad=True)
    b = wf.tensor([3.0, 4.0], requires_grad=True)
    loss = (a * a).sum() + wf.sin(ident(b)).sum()
    assert calls == {"fwd": 1, "bwd": 0}
    (ga,) = wf.autograd.grad(loss, [a], retain_graph=True)
    np.testing.assert_array_equal(A(ga), [2.0, 4.0])
    assert calls["bwd"] == 0   # the branch that only leads to b was not run
    (gb,) = wf.autograd.grad(loss, [b])
    assert calls["bwd"] == 1
    np.testing.assert_allclose(A(gb), np.cos([3.0, 4.0]))


def test_backward_to_leaves_skips_branches_without_grad():
    ident, calls = counted_identity()
    a = wf.tensor([1.0, 2.0], requires_grad=True)
    c = wf.tensor([3.0, 4.0])  # no grad: its branch is not even recorded
    loss = (a * ident(c)).sum()
    loss.backward()
    assert calls["bwd"] == 0
    np.testing.assert_array_equal(A(a.grad), [3.0, 4.0])


def test_grad_argnums_prunes_other_arguments():
    ident, calls = counted_identity()

    def f(x, y):
        return (x * x).sum() + ident(y).sum()

    g = wf.grad(f, argnums=0)(wf.ones(2), wf.ones(2))
    np.testing.assert_array_equal(A(g), [2.0, 2.0])
    assert calls["bwd"] == 0


# ================================================================ accumulation and sharing
def test_diamond_accumulates():
    x = wf.tensor(3.0, requires_grad=True)
    a = x * 2
    b = x * 3
    (a * b).backward()          # 6 x^2
    assert float(x.grad) == 36.0


def test_many_diamonds_linear_time():
    # 60 stacked diamonds: 2^60 paths, so only a graph walk that visits each node once ends
    x = wf.tensor(1.5, requires_grad=True)
    h = x
    for _ in range(60):
        h = h * 0.5 + h * 0.5
    t0 = time.perf_counter()
    h.backward()
    assert time.perf_counter() - t0 < 1.0
    assert float(x.grad) == pytest.approx(1.0, abs=1e-12)


def test_shared_subexpression_processed_once():
    calls = {"bwd": 0, "g": None}

    @wf.custom_vjp
    def s(x):
        return x * 1.0

    def bwd(res, g):
        calls["bwd"] += 1
        calls["g"] = np.asarray(g).copy()
        return (g,)

    s.defvjp(lambda x: (x * 1.0, None), bwd)
    a = np.array([0.2, 0.7])
    x = wf.tensor(a, requires_grad=True)
    u = s(x)
    y = (u * u + u + wf.sin(u)).sum()
    y.backward()
    assert calls["bwd"] == 1    # one call, with the cotangents of all uses summed first
    np.testing.assert_allclose(calls["g"], 2 * a + 1 + np.cos(a))
    np.testing.assert_allclose(A(x.grad), 2 * a + 1 + np.cos(a))


def test_same_tensor_used_twice_in_one_op():
    x = wf.tensor([1.0, -2.0], requires_grad=True)
    (x * x).sum().backward()
    np.testing.assert_array_equal(A(x.grad), [2.0, -4.0])
    x.grad = None
    (x + x + x).sum().backward()
    np.testing.assert_array_equal(A(x.grad), [3.0, 3.0])


def test_broadcast_gradients_reduce_to_input_shapes():
    rng = np.random.default_rng(0)
    a, b, c = rng.standard_normal((4, 1, 3)), rng.standard_normal((5, 1)), 2.0
    x, y = wf.tensor(a, requires_grad=True), wf.tensor(b, requires_grad=True)
    z = x * y + c
    assert z.shape == (4, 5, 3)
    (z * z).sum().backward()
    full = 2 * (a * b + c)
    np.testing.assert_allclose(A(x.grad), (full * b).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(A(y.grad), (full * a).sum(axis=(0, 2))[:, None])


def test_multiple_roots():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    (g,) = wf.autograd.grad([(x * x).sum(), (3 * x).sum()], [x])
    np.testing.assert_array_equal(A(g), [5.0, 7.0])


def test_leaf_used_by_two_separate_graphs():
    x = wf.tensor(2.0, requires_grad=True)
    y1 = x * x
    y2 = x * x * x
    y1.backward()
    y2.backward()
    assert float(x.grad) == 4.0 + 12.0


# ================================================================ height order
def test_node_heights_order_consumers_above_inputs():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    a = x * 2.0           # height 1
    b = wf.tanh(a)        # 2
    c = b + x             # 3: max of its inputs' heights (2 and the leaf's 0), plus one
    assert (a.grad_fn.height, b.grad_fn.height, c.grad_fn.height) == (1, 2, 3)
    assert x._node.height == 0


def test_skip_connections_of_unequal_length_sum_before_use():
    # x reaches y along paths of length 1, 3 and 6; every cotangent into a node must be
    # summed before that node runs (here: the rule would see a partial sum otherwise)
    calls = []

    @wf.custom_vjp
    def ident(v):
        return v * 1.0

    def bwd(res, g):
        calls.append(float(np.asarray(g)))
        return (g,)

    ident.defvjp(lambda v: (v * 1.0, None), bwd)
    x = wf.tensor(0.3, requires_grad=True)
    u = ident(x)
    long = u
    for _ in range(5):
        long = wf.sin(long)
    mid = wf.exp(wf.tanh(u))
    y = long + mid + u
    y.backward()
    t = 0.3
    d_long = 1.0
    v = t
    for _ in range(5):
        d_long *= math.cos(v)
        v = math.sin(v)
    expect = d_long + math.exp(math.tanh(t)) * (1 - math.tanh(t) ** 2) + 1.0
    assert calls == [pytest.approx(expect, rel=1e-12)]
    assert float(x.grad) == pytest.approx(expect, rel=1e-12)


def test_roots_at_different_heights():
    x = wf.tensor(2.0, requires_grad=True)
    low = x * 3.0                                   # height 1
    high = wf.exp(wf.sin(wf.cos(x)))                # height 3
    gx, = wf.autograd.grad([low, high], [x])
    expect = 3.0 + math.exp(math.sin(math.cos(2.0))) * math.cos(math.cos(2.0)) * -math.sin(2.0)
    assert float(gx) == pytest.approx(expect, rel=1e-12)


def test_retain_grad_on_node_from_number_path():
    x = wf.tensor([1.0, 3.0], requires_grad=True)
    h = x * 2.0            # recorded by the short path for a Python-number operand
    h.retain_grad()
    (h * h).sum().backward()
    np.testing.assert_array_equal(A(h.grad), [4.0, 12.0])
    np.testing.assert_array_equal(A(x.grad), [8.0, 24.0])


def test_inplace_after_number_op_needs_no_version_check():
    # x * 2.0 saves only the 2.0, so changing x afterwards cannot spoil its gradient
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    w = x * 1.0
    y = (w * 2.0).sum()
    with wf.no_grad():
        w += 5.0
    y.backward()
    np.testing.assert_array_equal(A(x.grad), [2.0, 2.0])
    # but x * x saves x: the same change makes backward raise
    x.grad = None
    w = x * 1.0
    y = (w * w).sum()
    with wf.no_grad():
        w += 5.0
    with pytest.raises(wf.GraphError, match="in-place"):
        y.backward()


def test_python_floats_outside_math_domain_follow_numpy():
    # math.log(-1.0) raises; the float path falls back to NumPy's nan (as arrays give)
    with np.errstate(invalid="ignore", divide="ignore"):
        v, g = wf.value_and_grad(wf.log)(-1.0)
        assert math.isnan(float(v)) and float(g) == -1.0
        assert float(wf.grad(wf.sqrt)(0.0)) == math.inf
        assert float(wf.grad(wf.reciprocal)(0.0)) == -math.inf
        assert float(wf.grad(lambda x: x ** 0.5)(0.0)) == math.inf
        assert float(wf.jvp(wf.sqrt, (0.0,), (1.0,))[1]) == math.inf
        assert float((wf.Dual(0.0, 1.0) ** 0.5).tangent) == math.inf
        # the same on arrays, for comparison
        assert float(wf.grad(wf.sqrt)(wf.tensor(0.0))) == math.inf
