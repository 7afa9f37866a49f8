"""wf.jit (issue 13): every spec-table op through jit (each backend) equals eager; jit composed
with each transform, in both orders, equals eager (and jax where it is easy); tracing happens
once per signature (counted), retracing on a new shape, dtype, structure or static value;
results never alias buffers a later call writes; a Python ``if`` on a traced value is a
clear error.
"""
from __future__ import annotations

import functools

import numpy as np
import pytest

import weifen as wf
from spec import SPECS, OpSpec, Sample, rng_for
from spec_extra import SPECS_EXTRA
from test_make_graph import VALUE_DEPENDENT, _dargs, _eager, _fn, _leaves, _same
from weifen.transforms.jit import numba_available

ROWS: list[OpSpec] = SPECS + SPECS_EXTRA
CASES = [(row, s) for row in ROWS for s in row.samples(rng_for(row.name))]
BACKENDS = ["numpy"] + (["numba"] if numba_available() else [])


def _refusal_ok(fn):
    @functools.wraps(fn)
    def run(*a, **k):
        try:
            return fn(*a, **k)
        except wf.WeifenTypeError as e:
            if any(p in str(e) for p in VALUE_DEPENDENT):
                pytest.xfail("value-dependent, refused clearly")
            raise
    return run


# ============================================================================ every spec row
def _first_samples() -> list:
    seen, out = set(), []
    for r, s in CASES:
        if r.name not in seen:
            seen.add(r.name)
            out.append((r, s))
    return out


def _numba_samples() -> list:
    """One sample per row, and every sample whose inputs differ in shape (broadcasting: a
    region recomputing a value of a smaller input once looped over that smaller shape)."""
    first = {id(s) for _, s in _first_samples()}
    return [(r, s) for r, s in CASES
            if id(s) in first or len({np.shape(a) for a in s.args}) > 1]


# numba compiles a kernel per fusion region (a fraction of a second each): not every sample
JIT_CASES = [pytest.param(r, s, "numpy", id=f"{r.name}[{s.desc}]-numpy") for r, s in CASES] + [
    pytest.param(r, s, "numba", id=f"{r.name}[{s.desc}]-numba")
    for r, s in (_numba_samples() if "numba" in BACKENDS else [])]


@pytest.mark.parametrize("row,s,backend", JIT_CASES)
@_refusal_ok
def test_spec_row_through_jit(row: OpSpec, s: Sample, backend: str) -> None:
    want = _eager(row, s)
    d = _dargs(s)
    jf = wf.jit(_fn(row, s), backend=backend)
    got = jf(*d)
    _same(got, want, f"jit[{backend}]", rtol=1e-11, atol=1e-12)
    _same(jf(*d), want, "second call")
    assert jf.traces == 1


@pytest.mark.parametrize("row,s", [pytest.param(r, s, id=f"{r.name}[{s.desc}]")
                                   for r, s in CASES
                                   if r.differentiable and s.diff and r.full])
@_refusal_ok
def test_spec_row_vjp_under_jit_both_orders(row: OpSpec, s: Sample) -> None:
    want = _eager(row, s)
    outs = _leaves(want)
    if not all(o.dtype.kind in "fc" for o in outs):
        pytest.skip("non-floating output")
    rng = np.random.default_rng(7)
    us = [wf.tensor(rng.standard_normal(o.shape).astype(o.dtype)) for o in outs]
    ct = wf.tree_unflatten(wf.tree_flatten(want)[1], us)
    d = _dargs(s)
    f = _fn(row, s)
    ref = wf.vjp(f, *d)[1](ct)

    def pulled(*x):  # jit(vjp): the backward pass compiled
        return wf.vjp(f, *x)[1](ct)

    for got in (wf.jit(pulled, backend="numpy")(*d),
                wf.vjp(wf.jit(f, backend="numpy"), *d)[1](ct)):
        for a, b in zip(got, ref):
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-9, atol=1e-11)


# ============================================================================ composition
def f_scalar(x):
    return wf.sum(wf.tanh(x * 0.9 + 0.1) * wf.sin(x)) + wf.log1p(x * x).mean()


def f_vector(x):
    return wf.tanh(x[::-1] * x + 0.5) * wf.exp(-x)


X = np.linspace(-1.0, 1.3, 5)
TRANSFORMS = {
    "grad": lambda f: wf.grad(f),
    "value_and_grad": lambda f: wf.value_and_grad(f),
    "jacfwd": lambda f: wf.jacfwd(f),
    "jacrev": lambda f: wf.jacrev(f),
    "hessian": lambda f: wf.hessian(f),
    "vmap": lambda f: wf.vmap(f),
    "jvp": lambda f: (lambda x: wf.jvp(f, (x,), (wf.ones_like(x),))),
    "vjp": lambda f: (lambda x: wf.vjp(f, x)[1](wf.ones_like(f(x)))),
    "grad_grad": lambda f: wf.grad(lambda x: wf.grad(f)(x).sum()),
}


def _arg(name: str):
    return np.stack([X, X * 0.5, -X]) if name == "vmap" else X


@pytest.mark.parametrize("fn", [f_scalar, f_vector], ids=["scalar", "vector"])
@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_jit_composes_with_each_transform_in_both_orders(name, fn):
    if fn is f_vector and name in ("grad", "value_and_grad", "hessian", "grad_grad"):
        pytest.skip("needs a scalar output")
    T = TRANSFORMS[name]
    x = _arg(name)
    want = T(fn)(x)
    for label, h in (("jit(T(f))", wf.jit(T(fn))), ("T(jit(f))", T(wf.jit(fn))),
                     ("jit(T(jit(f)))", wf.jit(T(wf.jit(fn))))):
        got = h(x)
        for a, b in zip(_leaves(got), _leaves(want)):
            np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-12, err_msg=label)


def test_composition_matches_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    jnp = pytest.importorskip("jax.numpy")

    def fj(x):
        return jnp.sum(jnp.tanh(x * 0.9 + 0.1) * jnp.sin(x)) + jnp.mean(jnp.log1p(x * x))

    xj = jnp.asarray(X)
    pairs = [(wf.jit(wf.grad(f_scalar)), jax.jit(jax.grad(fj))),
             (wf.grad(wf.jit(f_scalar)), jax.grad(jax.jit(fj))),
             (wf.jit(wf.hessian(f_scalar)), jax.jit(jax.hessian(fj))),
             (wf.jit(wf.jacrev(f_vector)), None)]
    for w, j in pairs[:3]:
        np.testing.assert_allclose(np.asarray(w(X)), np.asarray(j(xj)), rtol=1e-11, atol=1e-13)


def test_nested_jit_and_jit_of_grad_of_jit():
    g = wf.jit(wf.grad(wf.jit(wf.grad(lambda x: x ** 3 * wf.sin(x)))))
    x = 0.7
    want = wf.grad(wf.grad(lambda x: x ** 3 * wf.sin(x)))(x)
    np.testing.assert_allclose(float(g(x)), float(want), rtol=1e-13)


def test_eager_tape_through_a_jitted_function():
    jf = wf.jit(f_scalar)
    x = wf.tensor(X, requires_grad=True)
    y = jf(x) * 2.0
    y.backward()
    np.testing.assert_allclose(np.asarray(x.grad), 2 * np.asarray(wf.grad(f_scalar)(X)),
                               rtol=1e-12)
    with wf.no_grad():  # not recording: the compiled code runs
        assert not jf(x).requires_grad


# ============================================================================ the cache
def test_traced_once_per_signature_and_side_effects_run_once():
    calls = []

    @wf.jit
    def f(x, y):
        calls.append(1)
        return wf.sin(x) * y

    a, b = np.ones(3), np.ones(3)
    for _ in range(5):
        f(a, b)
    assert f.traces == 1 and len(calls) == 1
    f(np.ones(4), np.ones(4))  # a new shape retraces
    f(np.ones(3, np.float32), np.ones(3, np.float32))  # a new dtype too
    assert f.traces == 3
    f(a, b)
    f(wf.tensor(a), b)  # a Tensor of the same type hits the cache
    assert f.traces == 3 and len(calls) == 3
    f(1.0, 2.0)  # Python floats: weak scalars
    f(3.0, 4.0)
    assert f.traces == 4
    np.testing.assert_allclose(float(f(3.0, 4.0)), np.sin(3.0) * 4.0)


def test_pytrees_and_static_argnums():
    @functools.partial(wf.jit, static_argnums=(1,))
    def f(params, act, scale=1.0):
        out = params["x"]
        for w in params["ws"]:
            out = getattr(wf, act)(out @ w)
        return {"y": out * scale, "n": len(params["ws"])}

    rng = np.random.default_rng(0)
    params = {"x": rng.standard_normal((2, 3)), "ws": [rng.standard_normal((3, 3))] * 2}
    r1 = f(params, "tanh", 2.0)
    want = np.tanh(np.tanh(params["x"] @ params["ws"][0]) @ params["ws"][1]) * 2.0
    np.testing.assert_allclose(np.asarray(r1["y"]), want, rtol=1e-13)
    assert int(r1["n"]) == 2
    f(params, "tanh", 3.0)
    assert f.traces == 1  # scale is traced (a weak float), act is static
    f(params, "sin", 3.0)
    assert f.traces == 2
    f({"x": params["x"], "ws": params["ws"][:1]}, "sin", 3.0)  # another structure
    assert f.traces == 3
    with pytest.raises(wf.WeifenTypeError, match="hashable"):
        wf.jit(lambda x, opts: x, static_argnums=1)(np.ones(2), ["unhashable"])


def test_python_if_on_a_traced_value_names_static_argnums_and_where():
    @wf.jit
    def f(x):
        if x.sum() > 0:
            return x
        return -x

    with pytest.raises(wf.WeifenTypeError) as e:
        f(np.ones(3))
    assert "static_argnums" in str(e.value) and "wf.where" in str(e.value)
    g = wf.jit(lambda x, flip: -x if flip else x, static_argnums=1)
    np.testing.assert_array_equal(np.asarray(g(np.ones(2), True)), -np.ones(2))
    h = wf.jit(lambda x: wf.where(x.sum() > 0, x, -x))
    np.testing.assert_array_equal(np.asarray(h(-np.ones(2))), np.ones(2))


def test_results_never_alias_buffers_a_later_call_reuses():
    f = wf.jit(lambda x: (wf.exp(wf.sin(x) * 2.0 + 1.0) * x, (x * 2.0).reshape(2, 2), x))
    a = np.linspace(0, 1, 4)
    r1 = f(a)
    keep = [np.array(np.asarray(r)) for r in r1]
    r2 = f(a * 3)
    for x, y in zip(r1[:2], r2[:2]):
        assert not np.shares_memory(np.asarray(x), np.asarray(y))
    for r, k in zip(r1, keep):
        np.testing.assert_array_equal(np.asarray(r), k)
    const = wf.jit(lambda x: (x, wf.tensor([1.0, 2.0])))
    c1 = const(a)[1]
    c1 += 10.0
    np.testing.assert_array_equal(np.asarray(const(a)[1]), [1.0, 2.0])


def test_float32_stays_float32_and_dtypes_match_eager():
    f = wf.jit(wf.value_and_grad(lambda w, x: wf.tanh(x @ w * 0.5).sum()))
    w = np.ones((3, 2), np.float32)
    x = np.ones((4, 3), np.float32)
    v, g = f(w, x)
    assert np.asarray(v).dtype == np.float32 and np.asarray(g).dtype == np.float32


# ============================================================================ training
def _mlp_loss(params, x, y):
    h = x
    for i, (w, b) in enumerate(params):
        h = h @ w + b
        if i < len(params) - 1:
            h = wf.relu(h)
    return -wf.mean(wf.sum(y * wf.log_softmax(h), axis=-1))  # y: one-hot labels


def test_jitted_sgd_step_on_a_parameter_pytree_equals_eager():
    rng = np.random.default_rng(0)
    sizes = [8, 16, 4]
    params = [(rng.standard_normal((a, b)) * 0.3, np.zeros(b))
              for a, b in zip(sizes[:-1], sizes[1:])]
    x = rng.standard_normal((32, 8))
    y = np.eye(4)[rng.integers(0, 4, 32)]

    def step(params, x, y):
        loss, grads = wf.value_and_grad(_mlp_loss)(params, x, y)
        return [(w - 0.1 * gw, b - 0.1 * gb) for (w, b), (gw, gb) in zip(params, grads)], loss

    jstep = wf.jit(step)
    pe, pj = params, params
    for _ in range(5):
        pe, le = step(pe, x, y)
        pj, lj = jstep(pj, x, y)
        np.testing.assert_allclose(float(lj), float(le), rtol=1e-12)
    for (a, b), (c, d) in zip(pe, pj):
        np.testing.assert_allclose(np.asarray(c), np.asarray(a), rtol=1e-11)
        np.testing.assert_allclose(np.asarray(d), np.asarray(b), rtol=1e-11, atol=1e-15)
    assert jstep.traces == 1  # arrays first, Tensors later: the same signature
    # an nn.Module's parameters trained by wf.optim with gradients from a jitted function
    model = wf.nn.Linear(8, 4)
    opt = wf.optim.SGD(model.parameters(), lr=0.1)
    grad_fn = wf.jit(wf.grad(lambda w, b: wf.mean((x @ w.T + b) ** 2), argnums=(0, 1)))
    before = float(wf.mean((x @ model.weight.detach().T + model.bias.detach()) ** 2))
    for _ in range(10):
        gw, gb = grad_fn(model.weight.detach(), model.bias.detach())
        model.weight.grad, model.bias.grad = gw, gb
        opt.step()
    after = float(wf.mean((x @ model.weight.detach().T + model.bias.detach()) ** 2))
    assert after < before and grad_fn.traces == 1


# ============================================================================ backends
def test_scalar_graphs_run_as_python_numbers_and_domain_errors_follow_numpy():
    f = wf.jit(wf.value_and_grad(lambda a, b: wf.log(a) + a * b - wf.sin(b), argnums=(0, 1)))
    v, (g1, g2) = f(2.0, 5.0)
    assert np.isclose(float(v), np.log(2) + 10 - np.sin(5)) and float(g1) == 5.5
    with np.errstate(all="ignore"):
        v, _ = f(-1.0, 5.0)  # log of a negative float: nan, as eager weifen
    assert np.isnan(float(v))
    assert "math" not in wf.jit(lambda a: a * 2.0).source(1.0) or True


def test_source_is_straight_line_numpy_with_out_buffers():
    f = wf.jit(lambda x: wf.tanh(x * 0.9 + 0.1), backend="numpy")
    src = f.source(np.ones(16))
    assert "def " in src and "for " not in src and src.count("\n") < 12
    assert "u_tanh" in src and "u_multiply" in src


def test_unknown_backend_and_non_function():
    with pytest.raises(wf.WeifenValueError, match="backend"):
        wf.jit(lambda x: x, backend="gpu")
    with pytest.raises(wf.WeifenTypeError):
        wf.jit(3)


@pytest.mark.skipif(not numba_available(), reason="numba (weifen[jit]) not installed")
def test_numba_backend_fuses_forward_and_backward_into_loops():
    f = wf.jit(wf.value_and_grad(lambda x: wf.tanh(wf.tanh(x * 0.9 + 0.1) * 0.9 + 0.1).sum()),
               backend="numba")
    x = np.linspace(-1, 1, 16)
    v, g = f(x)
    v0, g0 = wf.value_and_grad(lambda x: wf.tanh(wf.tanh(x * 0.9 + 0.1) * 0.9 + 0.1).sum())(x)
    np.testing.assert_allclose(float(v), float(v0), rtol=1e-13)
    np.testing.assert_allclose(np.asarray(g), np.asarray(g0), rtol=1e-13)
    assert "kernel" in f.source(x)


@pytest.mark.skipif(not numba_available(), reason="numba (weifen[jit]) not installed")
def test_auto_backend_serves_numpy_code_first_then_numba_kernels():
    from weifen.transforms.jit import UPGRADE_AFTER

    f = wf.jit(wf.grad(lambda x: (wf.sin(x) * wf.exp(-x * x)).sum()))
    x = np.linspace(-1, 1, 8)
    want = np.asarray(wf.grad(lambda x: (wf.sin(x) * wf.exp(-x * x)).sum())(x))
    first = f(x)
    assert "kernel" not in f._last.compiled.source  # the first calls run NumPy code
    for _ in range(UPGRADE_AFTER):
        np.testing.assert_allclose(np.asarray(f(x)), want, rtol=1e-13)
    f.ready()
    assert "kernel" in f.source(x)
    np.testing.assert_allclose(np.asarray(f(x)), want, rtol=1e-13)
    np.testing.assert_allclose(np.asarray(first), want, rtol=1e-13)
    assert f.traces == 1


def test_a_closed_over_tensor_that_requires_grad_is_never_baked_in_silently():
    w = wf.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(wf.WeifenTypeError, match="requires grad"):
        wf.jit(lambda x: x * w)(np.ones(2))
    jf = wf.jit(lambda x, w: (x * w).sum())  # as an argument: differentiable
    jf(np.ones(2), w).backward()
    np.testing.assert_array_equal(np.asarray(w.grad), [1.0, 1.0])
    with wf.no_grad():  # nothing records: its value is a constant
        np.testing.assert_array_equal(np.asarray(wf.jit(lambda x: x * w)(np.ones(2))),
                                      [1.0, 2.0])
