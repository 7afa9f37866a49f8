"""wf.viz.trace on long traces: every table and picture of a 10^4-step trace is built in
time linear in its length (no per-row rescans, no recursion on length), the adjoint
table's numbers agree with wf.grad and with finite differences, and repr stays short."""
import math
import sys
import time

import numpy as np
import pytest

import weifen as wf
from weifen.viz.trace import Ref

N = 10_000  # elementary operations in the long trace


def chain(x1, x2, n=N, m=wf):
    """``n`` elementary operations (ten per round) mixing sin, *, +, exp(-tanh(.)) and tanh
    over the two inputs and earlier intermediates. ``m`` supplies sin/exp/tanh, so the same
    function also runs on plain NumPy for an independent check."""
    vs = [x1, x2]
    for k in range(n // 10):
        b = m.sin(vs[-1]) * x2 * 0.5  # 3 ops
        c = b + vs[(7 * k) % len(vs)]  # 1
        d = m.exp(-m.tanh(c))  # 3
        e = m.tanh(d - x1) * 0.9  # 3: x1 feeds every round; tanh unsaturated at x1 = 2
        vs += [b, c, d, e]
    return vs[-1]


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


@pytest.fixture(scope="module")
def long_trace():
    return wf.viz.trace(chain, 2.0, 5.0)


def test_long_trace_numbering(long_trace):
    t = long_trace
    assert len(t.steps) == N + 2 and t.output == N
    assert [s.index for s in t.steps] == list(range(-1, N + 1))


def test_adjoint_table_of_10k_steps_is_fast_and_is_the_gradient(long_trace):
    t = long_trace
    tab, secs = _timed(t.adjoint_table)
    assert secs < 10.0, f"adjoint table of {N} steps took {secs:.1f} s"
    # one row for bar y, one per (op, traced argument) edge, one per input
    edges = sum(type(a) is Ref for s in t.steps for a in s.args)
    assert len(tab.rows) == 1 + edges + 2
    g1, g2 = (float(g) for g in wf.grad(chain, argnums=(0, 1))(2.0, 5.0))
    assert abs(g1) > 0.1 and abs(g2) > 0.1  # a gradient that has not vanished
    assert tab.values["x1"] == pytest.approx(g1, rel=1e-12)
    assert tab.values["x2"] == pytest.approx(g2, rel=1e-12)
    # and against central differences of the same chain run on plain floats and NumPy
    h = 1e-6
    fd1 = (chain(2.0 + h, 5.0, m=np) - chain(2.0 - h, 5.0, m=np)) / (2 * h)
    fd2 = (chain(2.0, 5.0 + h, m=np) - chain(2.0, 5.0 - h, m=np)) / (2 * h)
    assert tab.values["x1"] == pytest.approx(fd1, rel=1e-6)
    assert tab.values["x2"] == pytest.approx(fd2, rel=1e-5)
    # the printed rows carry the same numbers (six significant digits)
    last = str(tab).splitlines()[-2:]
    assert last[0].startswith("bar x1") and last[1].startswith("bar x2")
    assert float(last[0].rsplit("= ", 1)[1]) == pytest.approx(g1, rel=1e-5)
    assert float(last[1].rsplit("= ", 1)[1]) == pytest.approx(g2, rel=1e-5)


def test_every_table_and_picture_of_10k_steps(long_trace):
    t = long_trace
    fwd, s1 = _timed(t.forward_table)
    tan, s2 = _timed(lambda: t.tangent_table(wrt="x1"))
    total = s1 + s2
    for tab in (fwd, tan, t.adjoint_table()):
        (text, s5), (md, s6), (page, s7) = (_timed(lambda: str(tab)), _timed(tab.to_markdown),
                                            _timed(tab.to_html))
        total += s5 + s6 + s7
        assert len(text.splitlines()) == len(tab.rows)
        assert len(md.splitlines()) == len(tab.rows) + 2
        assert page.count("<tr>") == len(tab.rows) + 1
    (dot, s3), (svg, s4) = _timed(t.to_dot), _timed(t.to_svg)
    total += s3 + s4
    assert total < 20.0, f"tables and pictures of {N} steps took {total:.1f} s"
    assert fwd.values["y"] == pytest.approx(chain(2.0, 5.0, m=np), rel=1e-13)
    assert tan.values["dy"] == pytest.approx(float(wf.grad(chain)(2.0, 5.0)), rel=1e-12)
    assert dot.count("->") == sum(len(s.args) for s in t.steps) - _constants(t) + 1
    assert svg.count("<rect") == N + 2


def _constants(t):
    return sum(type(a) is not Ref for s in t.steps for a in s.args)


def test_array_trace_of_10k_steps():
    x1, x2 = np.array([2.0, 1.0, 0.5]), np.array([5.0, -1.0, 0.3])
    f = lambda a, b: chain(a, b).sum()  # noqa: E731
    t = wf.viz.trace(f, x1, x2)
    assert len(t.steps) == N + 3
    tab, secs = _timed(t.adjoint_table)
    assert secs < 10.0, f"array adjoint table of {N} steps took {secs:.1f} s"
    gx1, gx2 = wf.grad(f, argnums=(0, 1))(x1, x2)
    np.testing.assert_allclose(tab.values["x1"], np.asarray(gx1), rtol=1e-12)
    np.testing.assert_allclose(tab.values["x2"], np.asarray(gx2), rtol=1e-12)
    tan = t.tangent_table("x2")  # seeded with ones: the directional derivative along ones
    assert tan.values["dy"] == pytest.approx(float(np.asarray(gx2).sum()), rel=1e-12)
    assert len(str(t.forward_table()).splitlines()) == N + 4


def test_one_step_with_thousands_of_arguments():
    # stack -> one concatenate over every element: its variadic jvp and vjp rules are called
    # once for the step, not once per argument (which was quadratic in the width).
    n = 3000
    f = lambda x1, x2: (wf.stack([x1 * float(i) + x2 for i in range(n)]) ** 2).sum()  # noqa: E731
    t = wf.viz.trace(f, 0.001, -0.5)
    wide = max(t.steps, key=lambda s: len(s.args))
    assert wide.prim.name == "concatenate" and len(wide.args) == n
    (adj, s1), (tan, s2) = _timed(t.adjoint_table), _timed(lambda: t.tangent_table("x2"))
    assert s1 + s2 < 10.0, f"tables of a {n}-argument step took {s1 + s2:.1f} s"
    g1, g2 = (float(g) for g in wf.grad(f, argnums=(0, 1))(0.001, -0.5))
    assert adj.values["x1"] == pytest.approx(g1, rel=1e-12)
    assert adj.values["x2"] == pytest.approx(g2, rel=1e-12)
    assert tan.values["dy"] == pytest.approx(g2, rel=1e-12)


def test_no_recursion_on_trace_length():
    # With the stack capped a little above where we stand, anything that recursed once per
    # step would raise RecursionError on a 10^4-step trace.
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 200)
    try:
        t = wf.viz.trace(chain, 2.0, 5.0)
        for tab in (t.forward_table(), t.tangent_table(), t.adjoint_table()):
            str(tab), tab.to_markdown(), tab.to_html()
        t.to_dot(), t.to_svg(), repr(t)
    finally:
        sys.setrecursionlimit(old)


def test_cost_grows_linearly():
    # Ten times the steps should cost about ten times as much; the old per-row rescans made
    # it a hundred. Best of three runs each, and a wide margin, for a busy machine.
    def cost(n):
        t = wf.viz.trace(lambda a, b: chain(a, b, n=n), 2.0, 5.0)
        best = math.inf
        for _ in range(3):
            _, s = _timed(lambda: (t.tangent_table(), t.adjoint_table()))
            best = min(best, s)
        return best

    small, large = cost(500), cost(5000)
    assert large / small < 40, f"500 steps: {small:.3f} s, 5000 steps: {large:.3f} s"


def test_repr_of_a_short_trace_is_the_summary_and_the_forward_table():
    t = wf.viz.trace(lambda x1, x2: wf.log(x1) + x1 * x2 - wf.sin(x2), 2.0, 5.0)
    r = repr(t)
    assert r.splitlines()[0] == "Trace of 2 inputs (x1, x2), 5 operations: y = v_5 = 11.6521"
    assert r.splitlines()[1:] == str(t.forward_table()).splitlines()
    assert "object at 0x" not in r


def test_repr_of_a_long_trace_is_truncated(long_trace):
    r, secs = _timed(lambda: repr(long_trace))
    assert secs < 0.5
    lines = r.splitlines()
    T = type(long_trace)
    assert len(lines) == 1 + T.REPR_HEAD + 1 + T.REPR_TAIL
    assert lines[0].startswith(f"Trace of 2 inputs (x1, x2), {N} operations: y = v_{N} = ")
    assert lines[1].startswith("v_{-1}") and "= x1" in lines[1]
    assert lines[1 + T.REPR_HEAD].startswith(f"... {N + 2 - T.REPR_HEAD - T.REPR_TAIL + 1} "
                                             "more steps (v_9 .. ")
    assert lines[-2].startswith(f"v_{N} ") and lines[-1].startswith("y ")
    full = str(long_trace.forward_table()).splitlines()
    # same cells as the full table, only the column widths may differ
    assert lines[-1].split() == full[-1].split() and lines[2].split() == full[1].split()


def test_repr_without_an_output():
    assert repr(wf.viz.Trace(["a"])) == "Trace of 1 input (a), 0 operations (no output recorded)"
