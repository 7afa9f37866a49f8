"""Fusion regions with reductions, broadcasts, recomputed masks and in-place outputs (the
numba backend's kernels and the NumPy fallback that runs the same regions): random
programs of elementwise ops, broadcasts and reductions, and their gradients, equal eager
weifen; the MLP step's regions have the expected shape."""
from __future__ import annotations

import numpy as np
import pytest

import weifen as wf
from weifen.graph.fusion import FusedOp, fuse
from weifen.transforms.jit import numba_available

needs_numba = pytest.mark.skipif(not numba_available(), reason="numba (weifen[jit]) not installed")


def _program(seed: int):
    """A random function of x (4, 5), a row r (5,) and a column c (4, 1): elementwise ops,
    broadcasts of r and c, reductions (sum/max/min over each axis, keepdims or not, read
    back through broadcasting), comparisons feeding where, and a scalar result."""
    def f(x, r, c):
        rng = np.random.default_rng(seed)
        full = [x, x * r, x + c]
        for _ in range(10):
            k = rng.integers(7)
            a = full[rng.integers(len(full))]
            b = full[rng.integers(len(full))]
            if k == 0:
                full.append(wf.tanh(a) * 0.7 + b * 0.3)
            elif k == 1:
                full.append(wf.where(a > 0.1, a * b, -b))
            elif k == 2:
                red = (wf.sum, wf.max, wf.min)[rng.integers(3)]
                axis = (0, 1, -1)[rng.integers(3)]
                s = red(a, axis=axis, keepdims=True)
                full.append(b * 0.5 + s * 0.1)
            elif k == 3:
                s = wf.sum(wf.sin(a) * b, axis=0)  # (5,): broadcast back along the rows
                full.append(a - s * 0.2)
            elif k == 4:
                full.append(wf.relu(a - 0.2) * wf.broadcast_to(c, (4, 5)))
            elif k == 5:
                full.append(wf.maximum(a, b) * 0.8 + wf.exp(-wf.abs(a)) * 0.1)
            else:
                full.append(wf.sum(a * b, axis=1, keepdims=True) * 0.05 + a)
        return wf.sum(full[-1] * full[-2]) + wf.max(full[-3])
    return f


def _args(seed: int, dtype=np.float64):
    rng = np.random.default_rng(100 + seed)
    return (rng.standard_normal((4, 5)).astype(dtype) * 0.8,
            rng.standard_normal(5).astype(dtype) * 0.8,
            rng.standard_normal((4, 1)).astype(dtype) * 0.8)


def _vg_case(seed: int):
    """``(value_and_grad of program seed, its arguments, eager value, eager gradients)``."""
    args = _args(seed)
    vg = wf.value_and_grad(_program(seed), argnums=(0, 1, 2))
    return (vg, args) + tuple(vg(*args))


def _assert_matches(got, want_v, want_g) -> None:
    np.testing.assert_allclose(np.asarray(got[0]), np.asarray(want_v), rtol=1e-12)
    for a, b in zip(got[1], want_g):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("seed", range(24))
def test_fused_regions_with_reductions_equal_eager_numpy_fallback(seed):
    vg, args, want_v, want_g = _vg_case(seed)
    _assert_matches(fuse(wf.make_graph(vg, *args).optimize())(*args), want_v, want_g)


@needs_numba
@pytest.mark.parametrize("seed", range(8))
def test_fused_regions_with_reductions_equal_eager_numba(seed):
    vg, args, want_v, want_g = _vg_case(seed)
    j = wf.jit(vg, backend="numba")
    for _ in range(2):  # the second call reuses the plan's buffers
        _assert_matches(j(*args), want_v, want_g)


@needs_numba
def test_fused_max_propagates_nan_and_sums_accumulate_in_float64():
    def f(x):
        return wf.max(x * 2.0, axis=1), wf.sum(x * 1.0 + 0.0, axis=0), wf.min(x - 1.0, axis=0)
    x = np.ones((3, 4))
    x[1, 2] = np.nan
    got = wf.jit(f, backend="numba")(x)
    want = f(x)
    for a, b in zip(got, want):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    # float32: a long sum fused into a kernel is accumulated in float64, then rounded once
    y = np.full(200_000, 0.1, np.float32)
    s = wf.jit(lambda v: wf.sum(v * np.float32(1.5)), backend="numba")(y)
    assert np.asarray(s).dtype == np.float32
    exact = np.float32(np.sum(y.astype(np.float64) * np.float64(np.float32(1.5))))
    assert abs(float(s) - float(exact)) <= 2 * np.spacing(exact)


def _mlp_step():
    rng = np.random.default_rng(0)
    P = [rng.standard_normal((6, 5)).astype(np.float32) * 0.4,
         rng.standard_normal(5).astype(np.float32) * 0.1,
         rng.standard_normal((5, 3)).astype(np.float32) * 0.4,
         rng.standard_normal(3).astype(np.float32) * 0.1]
    X = rng.standard_normal((8, 6)).astype(np.float32)
    Y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 8)]

    def loss(P, X, Y):
        a = wf.relu(X @ P[0] + P[1])
        return -wf.sum(Y * wf.log_softmax(a @ P[2] + P[3], axis=1)) / 8

    def step(P, X, Y):
        v, g = wf.value_and_grad(loss)(P, X, Y)
        return [p - 0.1 * gp for p, gp in zip(P, g)], v
    return step, (P, X, Y)


def test_mlp_step_regions_read_masks_again_and_take_in_bias_sums():
    """The relu's mask is recomputed where the backward pass reads it (no bool array is
    stored), the bias gradients' column sums run inside the backward regions, and the
    bias broadcast is read unbroadcast."""
    step, args = _mlp_step()
    g = fuse(wf.make_graph(step, *args).optimize())
    regions = [n for n in g.nodes if isinstance(n.op, FusedOp)]
    for n in regions:
        outs = [n.op.avals[j] for j in n.op.outs]
        assert all(a.dtype != np.bool_ for a in outs), str(g)
    inner = [n.op.prims() for n in regions]
    assert any("gt" in p and "sum" in p for p in inner), str(g)  # mask and bias sum fused
    assert not any(n.op.prim.name == "broadcast_to" for n in g.nodes
                   if hasattr(n.op, "prim")), str(g)
    want = step(*args)
    got = g(*args)
    for a, b in zip(got[0], want[0]):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)


@needs_numba
def test_kernels_write_in_place_and_read_the_aliased_input_from_the_output():
    step, args = _mlp_step()
    j = wf.jit(step, backend="numba")
    want = step(*args)
    before = [a.copy() for a in args[0]] + [args[1].copy(), args[2].copy()]
    for _ in range(3):
        got = j(*args)
        for a, b in zip(got[0], want[0]):
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)
    src = j.source(*args)
    ns = j._last.fn.__globals__
    aliased = [ns[k].weifen_source for k in ns if k.startswith("kernel")
               and "= o0[" in getattr(ns[k], "weifen_source", "")]
    assert aliased, src  # at least one region writes over a dying input, read through o0
    # results are fresh arrays on every call, never a buffer the next call writes
    r1, r2 = j(*args), j(*args)
    for a, b in zip(r1[0], r2[0]):
        assert not np.shares_memory(np.asarray(a), np.asarray(b))
    for a, b in zip(list(args[0]) + [args[1], args[2]], before):  # never written in place
        np.testing.assert_array_equal(a, b)


def test_schedule_runs_ready_first_unless_that_holds_more_bytes():
    """The fused graph runs in first-ready order (a weight gradient right after the
    backward value it reads) only where that keeps no more bytes alive than program order:
    on a wide graph (many independent chains) program order stays."""
    from weifen.graph import fusion as F

    def wide(x):
        return sum(wf.sum(wf.cumsum(wf.cumsum(wf.sin(x * (i + 1))) * 0.5)) for i in range(12))

    def orders(g):
        seen = {}

        def spy(items, preds, outs, ou):
            prog = F._kahn(items, preds, False)
            ready = F._kahn(items, preds, True)
            got = orig(items, preds, outs, ou)
            seen.update(prog=F._peak_bytes(prog, items, preds, outs, ou),
                        ready=F._peak_bytes(ready, items, preds, outs, ou),
                        chosen=F._peak_bytes(got, items, preds, outs, ou),
                        is_ready=got == ready)
            return got
        orig = F.schedule
        F.schedule = spy
        try:
            h = F.fuse(g)
        finally:
            F.schedule = orig
        return seen, h

    x = np.linspace(0, 1, 1000)
    seen, h = orders(wf.make_graph(wide, x).optimize())
    assert seen["chosen"] == seen["prog"] < seen["ready"] and not seen["is_ready"], seen
    np.testing.assert_allclose(h(x), np.asarray(wide(x)), rtol=1e-12)
    step, args = _mlp_step()
    seen, h = orders(wf.make_graph(step, *args).optimize())
    assert seen["is_ready"] and seen["ready"] <= seen["prog"], seen


@needs_numba
def test_values_recomputed_from_smaller_broadcast_inputs_cover_the_whole_loop():
    """A mask of a (3, 1) and of a (1, 4) input, recomputed inside a (3, 4) region (hypot's
    overflow guard), once made the kernel loop over (3, 1) only: 9 of 12 results were 0."""
    x = np.array([[0.5], [1.0], [-2.0]])
    y = np.array([[1.0, -0.3, 0.7, 2.0]])
    np.testing.assert_allclose(np.asarray(wf.jit(wf.hypot, backend="numba")(x, y)),
                               np.hypot(x, y), rtol=1e-15)

    def f(a, b):
        m = (wf.abs(a) > 0.4) | (wf.abs(b) > 0.5)  # small masks, read by a full region
        return wf.where(m, a * b, a + b) * 2.0 + wf.exp(a * 0.1)
    for shapes in (((3, 1), (1, 4)), ((5,), (2, 1)), ((2, 1, 3), (4, 1))):
        a = np.random.default_rng(1).standard_normal(shapes[0])
        b = np.random.default_rng(2).standard_normal(shapes[1])
        got = wf.jit(f, backend="numba")(a, b)
        np.testing.assert_allclose(np.asarray(got), np.asarray(f(a, b)), rtol=1e-14)
        ga = wf.jit(wf.grad(lambda a, b: wf.sum(f(a, b)), argnums=(0, 1)), backend="numba")(a, b)
        wa = wf.grad(lambda a, b: wf.sum(f(a, b)), argnums=(0, 1))(a, b)
        for u, v in zip(ga, wa):
            np.testing.assert_allclose(np.asarray(u), np.asarray(v), rtol=1e-13)
