"""No silent wrong derivative (issue 11): each case the outside probes found, and the class
of defect behind it, checked against independent oracles (finite differences, jax)."""
import numpy as np
import pytest

import weifen as wf
from weifen.errors import WeifenTypeError, WeifenValueError


def A(x):
    return np.asarray(x)


def fd(f, x, h=1e-6):
    """Central differences of a NumPy function (the independent oracle)."""
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


# ------------------------------------------------------------ the reported cases
def test_vjp_fn_is_differentiable_and_linear():
    rng = np.random.default_rng(0)
    M = rng.standard_normal((5, 4))
    x0 = rng.standard_normal(4)
    _, f_vjp = wf.vjp(lambda x: wf.matmul(M, x), x0)
    np.testing.assert_allclose(A(wf.jacrev(lambda u: f_vjp(u)[0])(np.zeros(5))), M.T)
    np.testing.assert_allclose(A(wf.jacfwd(lambda u: f_vjp(u)[0])(np.zeros(5))), M.T)
    g = wf.grad(lambda u: f_vjp(u)[0].sum())(np.zeros(5))
    np.testing.assert_allclose(A(g), M.sum(axis=1))
    # nonlinear f: vjp_fn(u) = u * cos(x0), linear in u, differentiable in u
    _, s_vjp = wf.vjp(wf.sin, x0)
    np.testing.assert_allclose(A(wf.jacrev(lambda u: s_vjp(u)[0])(np.ones(4))),
                               np.diag(np.cos(x0)))
    u1, u2 = rng.standard_normal(4), rng.standard_normal(4)
    np.testing.assert_allclose(A(s_vjp(2 * u1 + 3 * u2)[0]),
                               2 * A(s_vjp(u1)[0]) + 3 * A(s_vjp(u2)[0]))


def test_jax_agrees_on_vjp_of_vjp():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy
    x0 = np.array([0.3, -1.2, 2.0])
    _, jf = jax.vjp(lambda x: jnp.sin(x) * x, x0)
    _, wfv = wf.vjp(lambda x: wf.sin(x) * x, x0)
    want = jax.jacrev(lambda u: jf(u)[0])(jnp.zeros(3))
    np.testing.assert_allclose(A(wf.jacrev(lambda u: wfv(u)[0])(np.zeros(3))), want)


@pytest.mark.parametrize("make, want", [
    (lambda x: wf.mean([x, x + 2]), 1.0),
    (lambda x: wf.sum(wf.tensor([x, 2 * x])), 3.0),
    (lambda x: wf.sum(wf.array([x, 2 * x])), 3.0),
    (lambda x: wf.sum(wf.asarray([x, 2 * x])), 3.0),
    (lambda x: wf.sum(wf.stack([x, 2 * x])), 3.0),
    (lambda x: wf.sum(wf.tensor([[x, 1.0], [x * x, 2.0]])), 1.0 + 2 * 3.0),
    (lambda x: wf.linalg.norm([x, 4.0]), 3.0 / 5.0),
    (lambda x: wf.max([x, 1.0]), 1.0),
    (lambda x: wf.dot([x, 1.0], [2.0, x]), 3.0),
    (lambda x: (wf.tensor(1.0) * [x, x]).sum(), 2.0),
    (lambda x: wf.sum(wf.exp([x, 0.0])), np.exp(3.0)),
])
def test_lists_of_traced_values_stack_differentiably(make, want):
    assert float(wf.grad(make)(3.0)) == pytest.approx(want)
    x = wf.tensor(3.0, requires_grad=True)  # the eager tape: the same derivative
    make(x).backward()
    assert float(x.grad) == pytest.approx(want)


def test_tensor_of_a_traced_value_is_differentiable():
    np.testing.assert_allclose(A(wf.grad(lambda t: (wf.tensor(t) * 2).sum())(np.ones(2))),
                               [2.0, 2.0])
    g = wf.grad(lambda t: (wf.tensor(t, dtype=wf.float32) * 2).sum())(np.ones(2))
    np.testing.assert_allclose(A(g), [2.0, 2.0])
    with pytest.raises(WeifenTypeError, match="requires_grad"):
        wf.grad(lambda t: wf.tensor(t, requires_grad=True).sum())(np.ones(2))


@pytest.mark.parametrize("f, np_f, x0", [
    (lambda x: wf.sum(wf.linspace(x, 3.0, 5)), lambda x: np.sum(np.linspace(x, 3.0, 5)), 1.0),
    (lambda x: wf.sum(wf.linspace(0.0, x, 4, endpoint=False) ** 2),
     lambda x: np.sum(np.linspace(0.0, x, 4, endpoint=False) ** 2), 1.5),
    (lambda x: wf.sum(wf.full((3,), x) ** 2), lambda x: np.sum(np.full((3,), x) ** 2), 1.5),
    (lambda x: wf.sum(wf.full_like(np.ones(4), x) * np.arange(4.0)),
     lambda x: np.sum(np.full_like(np.ones(4), x) * np.arange(4.0)), 0.7),
    (lambda x: wf.sum(wf.arange(x, 5.0) ** 2), lambda x: np.sum(np.arange(x, 5.0) ** 2), 0.5),
    (lambda x: wf.sum(wf.arange(0.0, 3.0, x) ** 2), lambda x: np.sum(np.arange(0.0, 3.0, x) ** 2),
     0.7),
    (lambda x: wf.sum(wf.arange(1.0, x)), lambda x: np.sum(np.arange(1.0, x)), 4.5),
])
def test_creation_functions_differentiate_in_traced_parameters(f, np_f, x0):
    assert float(wf.grad(f)(x0)) == pytest.approx(fd(np_f, x0), rel=1e-6, abs=1e-8)
    assert float(wf.jacfwd(f)(x0)) == pytest.approx(fd(np_f, x0), rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("f", [
    lambda x: wf.eye(3, k=x).sum(),
    lambda x: wf.zeros(x).sum(),
    lambda x: wf.ones((2, x)).sum(),
    lambda x: wf.linspace(0.0, 1.0, x).sum(),
    lambda x: wf.randn(x).sum(),
])
def test_sizes_and_offsets_given_traced_values_raise(f):
    with pytest.raises(WeifenTypeError, match="concrete"):
        wf.grad(f)(2.0)


@pytest.mark.parametrize("ret", ["s", None, ["a", "b"], True, 3, object()])
def test_transforms_of_functions_returning_nondifferentiable_values_raise(ret):
    for t in (wf.grad, wf.jacrev):
        with pytest.raises(WeifenTypeError):
            t(lambda s: ret)(1.0)
    if ret is not None and not isinstance(ret, (bool, int)):
        with pytest.raises(WeifenTypeError):
            wf.vjp(lambda s: ret, 1.0)


# ------------------------------------------------------------ partial readers
def _sym_problem(seed=0, n=3):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n, n))
    s = a @ a.T + n * np.eye(n)
    s[0, n - 1] += 0.7  # not symmetric: only one triangle is read
    return s


W = np.arange(9.0).reshape(3, 3) / 7 - 0.3


@pytest.mark.parametrize("f, np_f", [
    (lambda X: wf.sum(wf.linalg.eigh(X)[0] * [1.0, 2.0, 3.0]),
     lambda X: np.sum(np.linalg.eigh(X)[0] * [1.0, 2.0, 3.0])),
    (lambda X: wf.sum(wf.linalg.eigh(X, UPLO="U")[0] * [1.0, 2.0, 3.0]),
     lambda X: np.sum(np.linalg.eigh(X, UPLO="U")[0] * [1.0, 2.0, 3.0])),
    (lambda X: wf.sum(wf.abs(wf.linalg.eigh(X)[1]) * W),
     lambda X: np.sum(np.abs(np.linalg.eigh(X)[1]) * W)),
    (lambda X: wf.sum(wf.linalg.eigvalsh(X) ** 2),
     lambda X: np.sum(np.linalg.eigvalsh(X) ** 2)),
    (lambda X: wf.sum(wf.linalg.cholesky(X) * W), lambda X: np.sum(np.linalg.cholesky(X) * W)),
    (lambda X: wf.sum(wf.linalg.solve_triangular(X, [1.0, 2.0, 3.0], lower=True)),
     lambda X: np.sum(np.linalg.solve(np.tril(X), [1.0, 2.0, 3.0]))),
    (lambda X: wf.sum(wf.linalg.solve_triangular(X, [1.0, 2.0, 3.0], lower=False)),
     lambda X: np.sum(np.linalg.solve(np.triu(X), [1.0, 2.0, 3.0]))),
])
def test_ops_reading_one_triangle_have_that_functions_derivative(f, np_f):
    S = _sym_problem()
    want = fd(np_f, S)
    np.testing.assert_allclose(A(wf.grad(f)(S)), want, atol=1e-6)
    np.testing.assert_allclose(A(wf.jacfwd(f)(S)), want, atol=1e-6)


# ------------------------------------------------------------ values handed out
def test_writes_through_numpy_views_cannot_change_saved_values():
    x = wf.tensor([1.0, 2, 3], requires_grad=True)
    y = x * 1.0
    z = (y * y).sum()
    with pytest.raises(ValueError, match="read-only"):
        np.asarray(y)[0] = 9
    with pytest.raises(ValueError, match="read-only"):
        y.numpy()[0] = 9
    c = np.array(y)  # np.array copies: writable, and the tape keeps its own values
    c[0] = 9
    z.backward()
    np.testing.assert_allclose(A(x.grad), [2.0, 4.0, 6.0])
    # a constant the tape saved for another input's gradient is protected too
    w = wf.tensor([1.0, 1.0], requires_grad=True)
    k = wf.tensor([3.0, 4.0])
    s = (k * w).sum()
    with pytest.raises(ValueError):
        k.numpy()[0] = 0.0
    k[0] = 0.0  # through the Tensor: the version counter sees it
    with pytest.raises(RuntimeError, match="in-place"):
        s.backward()


@pytest.mark.parametrize("convert", [
    np.asarray, float, lambda t: t.item(), lambda t: t.tolist(), lambda t: t.numpy(),
    lambda t: np.array(t), complex,
])
def test_traced_values_refuse_to_become_numbers(convert):
    with pytest.raises(WeifenTypeError, match="derivative"):
        wf.grad(lambda x: convert(x) * x)(2.0)
    with pytest.raises(WeifenTypeError):
        wf.jvp(lambda x: convert(x) * x, (2.0,), (1.0,))


def test_piecewise_constant_conversions_still_work_in_transforms():
    def f(x):
        n = int(x)  # piecewise constant: derivative 0 is right
        return x * n if x > 0 else -x

    assert float(wf.grad(f)(2.5)) == 2.0
    assert float(wf.grad(f)(-1.0)) == -1.0


def test_numpy_functions_without_rules_raise_on_traced_values():
    x = wf.tensor([1.0, -2.0], requires_grad=True)
    with pytest.raises(WeifenTypeError, match="np.spacing"):
        np.spacing(x)
    with pytest.raises(WeifenTypeError, match="no derivative rule"):
        wf.grad(lambda v: np.spacing(v).sum())(np.ones(2))
    # piecewise-constant results pass
    assert np.isnan(x).tolist() == [False, False]
    assert np.argsort(x).tolist() == [1, 0]
    assert float(np.add.reduce(x * 2)) == -2.0
    # a constant input: plain NumPy
    np.testing.assert_allclose(np.spacing(wf.tensor([1.0])), np.spacing([1.0]))


def test_item_on_a_non_scalar_is_a_weifen_error():
    with pytest.raises(WeifenValueError, match="one element"):
        wf.tensor([1.0, 2.0]).item()
    assert wf.tensor([[2.5]]).item() == 2.5


def test_a_batched_value_that_escapes_vmap_raises_when_used():
    kept = []

    def f(x):
        kept.append(x)
        return x * 2

    np.testing.assert_allclose(A(wf.vmap(f)(np.ones((3, 2)))), 2 * np.ones((3, 2)))
    with pytest.raises(WeifenValueError, match="after that vmap returned"):
        kept[0] + 1
    with pytest.raises(WeifenValueError, match="after that vmap returned"):
        wf.vmap(lambda y: y + kept[0])(np.ones((3, 2)))


# ------------------------------------------------------------ edge values and errors
@pytest.mark.parametrize("a", [
    np.array([[1.0, 2.0], [2.0, 4.0]]),
    np.arange(1.0, 10.0).reshape(3, 3),
    np.zeros((3, 3)),
    np.array([[[1.0, 2.0], [2.0, 4.0]], [[2.0, 1.0], [1.0, 3.0]]]),
])
def test_det_gradient_at_singular_matrices_is_the_adjugate(a):
    want = fd(lambda x: np.linalg.det(x).sum(), a)
    f = lambda x: wf.linalg.det(x).sum()  # noqa: E731
    np.testing.assert_allclose(A(wf.grad(f)(a)), want, atol=1e-7)
    np.testing.assert_allclose(A(wf.jacfwd(f)(a)), want, atol=1e-7)
    if a.ndim == 2 and a.shape[0] == 3:  # second order through the cofactors
        h = wf.hessian(wf.linalg.det)(a)
        hn = fd(lambda x: np.linalg.det(x), a)  # noqa: F841 - the gradient checked above
        adj_fd = np.stack([fd(lambda x, k=k: np.asarray(wf.grad(wf.linalg.det)(x)).flat[k], a)
                           for k in range(9)]).reshape(3, 3, 3, 3)
        np.testing.assert_allclose(A(h), adj_fd, atol=1e-6)


@pytest.mark.parametrize("call, words", [
    (lambda: wf.linalg.inv(np.array([[1.0, 2.0], [2.0, 4.0]])), "singular"),
    (lambda: wf.linalg.solve(np.array([[1.0, 2.0], [2.0, 4.0]]), np.ones(2)), "singular"),
    (lambda: wf.linalg.cholesky(-np.eye(2)), "not positive definite"),
])
def test_linear_algebra_failures_say_what_is_wrong(call, words):
    with pytest.raises(WeifenValueError, match=words) as e:
        call()
    assert "broadcast" not in str(e.value)


def test_messages_name_the_op_once():
    with pytest.raises(wf.ShapeError) as e:
        wf.matmul(np.ones((2, 3)), np.ones((2, 3)))
    assert str(e.value).count("matmul:") == 1
    assert "inner dimensions" in str(e.value)


@pytest.mark.parametrize("call", [
    lambda: wf.grad(3.0), lambda: wf.value_and_grad(3.0), lambda: wf.jacrev(3.0),
    lambda: wf.jacfwd(3.0), lambda: wf.hessian(3.0), lambda: wf.vmap(3.0),
    lambda: wf.vjp(3.0, 1.0), lambda: wf.jvp(3.0, (1.0,), (1.0,)),
    lambda: wf.linearize(3.0, 1.0), lambda: wf.hvp(3.0, (1.0,), (1.0,)),
    lambda: wf.jacobian(3.0, 1.0),
])
def test_transforming_a_non_function_is_a_weifen_error(call):
    with pytest.raises(WeifenTypeError, match="expects a function"):
        call()


def test_derivatives_of_python_floats_stay_real():
    # Python's (-1.0) ** -0.5 is complex; NumPy's (and torch's) is nan
    for x in (-1.0, np.array(-1.0), np.array([-1.0, 4.0])):
        g = wf.grad(lambda v: (v ** 0.5).sum())(x)
        assert not np.iscomplexobj(A(g))
    assert np.isnan(float(wf.grad(lambda v: v ** 0.5)(-1.0)))
    assert float(wf.grad(lambda v: v ** 0.5)(4.0)) == 0.25
    assert not np.iscomplexobj(A(wf.jacfwd(lambda v: v ** 1.5)(-2.0)))


def test_misuse_of_transforms_gives_weifen_errors():
    with pytest.raises(WeifenValueError, match="mode"):
        wf.jacobian(wf.sin, 1.0, mode="sideways")
    with pytest.raises(WeifenTypeError, match="defvjp"):
        wf.custom_vjp(lambda x: x)(1.0)
    with pytest.raises(WeifenTypeError, match="tuples"):
        wf.jvp(wf.sin, 1.0, 1.0)


_OPS = [
    lambda w, v: w * v, lambda w, v: v * w, lambda w, v: w / v, lambda w, v: v / w,
    lambda w, v: w ** 2, lambda w, v: 2.0 * w, lambda w, v: w * 3.0, lambda w, v: w + v,
    lambda w, v: 1.0 / w, lambda w, v: w ** v, lambda w, v: wf.sin(w), lambda w, v: w.tanh(),
    lambda w, v: wf.exp(w) * v, lambda w, v: w @ v, lambda w, v: wf.maximum(w, v),
    lambda w, v: w[0] * w, lambda w, v: wf.sum(w * w),
]


@pytest.mark.parametrize("k", range(len(_OPS)))
@pytest.mark.parametrize("kind", ["parameter", "tensor"])
def test_in_place_change_after_recording_raises_or_does_not_matter(k, kind):
    """Whatever the Tensor's class, a value the tape saved and then changed in place makes
    backward raise; where the rule never read it, the gradient is the one recorded."""
    make = wf.nn.Parameter if kind == "parameter" else (
        lambda t: t.requires_grad_())
    w0, v0 = np.array([1.5, 2.0]), np.array([0.5, 3.0])
    w = make(wf.tensor(w0))
    v = wf.tensor(v0, requires_grad=True)
    y = _OPS[k](w, v).sum()
    want_w, want_v = (A(g) for g in wf.grad(lambda a, b: _OPS[k](a, b).sum(),
                                            argnums=(0, 1))(w0, v0))
    with wf.no_grad():
        w += 1.0
    try:
        y.backward()
    except wf.GraphError as e:
        assert "in-place" in str(e)
        return
    for t, want in ((w, want_w), (v, want_v)):
        got = np.zeros_like(want) if t.grad is None else A(t.grad)
        np.testing.assert_allclose(got, want)


@pytest.mark.parametrize("f,fn", [
    (lambda a: wf.linalg.eigvalsh(a)[0] * 2 + wf.linalg.eigvalsh(a)[1],
     lambda a: np.linalg.eigvalsh(a) @ [2.0, 1.0]),
    (lambda a: wf.sum(wf.abs(wf.linalg.eigh(a, "U")[1]) ** 3 * np.arange(4.0).reshape(2, 2)),
     lambda a: np.sum(np.abs(np.linalg.eigh(a, "U")[1]) ** 3 * np.arange(4.0).reshape(2, 2))),
])
def test_complex_hermitian_eigh_differentiates_the_triangle_lapack_reads(f, fn):
    """JAX's convention (grad = dL/dx - i dL/dy), checked entrywise against differences of
    NumPy's own function, which reads one triangle and a real diagonal."""
    a = np.array([[3.0 + 0.4j, 1.0 + 1j], [0.3 - 1j, 2.0 - 0.2j]])
    g = A(wf.grad(f)(a))
    eps, num = 1e-6, np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        e = np.zeros_like(a)
        e[idx] = eps
        num[idx] = ((fn(a + e) - fn(a - e)) - 1j * (fn(a + 1j * e) - fn(a - 1j * e))) / (2 * eps)
    np.testing.assert_allclose(g, num, atol=1e-7)


@pytest.mark.parametrize("f", [
    lambda a: wf.real(wf.linalg.cholesky(a).sum()),
    lambda a: wf.real(wf.linalg.slogdet(a)[0]),
])
def test_complex_hermitian_input_refuses_a_derivative_it_cannot_give(f):
    # the Cholesky rules and slogdet's sign are real-only: on complex input they would be
    # wrong, so they refuse
    a = np.array([[3.0, 1j], [-1j, 2.0]])
    with pytest.raises(NotImplementedError, match="complex"):
        wf.grad(f)(a)
    assert np.isfinite(A(f(a))).all()  # values on constants still work


def test_integer_casts_of_traced_values_are_piecewise_constant():
    """np.int64(x) / np.asarray(x, dtype=int) carry no derivative to lose (as int(x)): they
    work inside every transform; a float conversion still refuses."""
    W = np.random.default_rng(0).standard_normal((5, 4))
    W[:, -1] = [3, 0, 2, 1, 0]

    def f(W):
        idx = np.int64(W[:, -1])
        assert idx.dtype == np.int64
        return wf.sum(W[:, :-1][idx] ** 2)

    want = np.zeros_like(W)
    for i in [3, 0, 2, 1, 0]:
        want[i, :-1] += 2 * W[i, :-1]
    np.testing.assert_allclose(np.asarray(wf.grad(f)(W)), want)
    np.testing.assert_allclose(np.asarray(wf.jacfwd(f)(W)), want)
    with pytest.raises(wf.WeifenTypeError, match="np.asarray"):
        wf.grad(lambda x: wf.sum(np.asarray(x, dtype=np.float32)))(np.ones(2))


def test_weifen_numpy_stands_in_for_numpy():
    """import weifen.numpy as np: creation functions, constants, dtypes, linalg, fft, random
    and derivative-free helpers are there; a NumPy function without a rule is missing with
    a message, never computed silently without its derivative."""
    import weifen.numpy as wnp

    f = lambda x: wnp.sum(wnp.sin(x) * wnp.linspace(0.0, 1.0, 3)) + wnp.pi
    np.testing.assert_allclose(np.asarray(wf.grad(f)(wnp.zeros(3))), [0.0, 0.5, 1.0])
    assert wnp.float32 is np.float32 and wnp.newaxis is None and wnp.inf == np.inf
    assert wnp.linalg is wf.linalg and wnp.fft is wf.fft and wnp.random is np.random
    assert wnp.allclose(wnp.ones(2), np.ones(2))
    with pytest.raises(AttributeError, match="no derivative rule"):
        wnp.interp


def test_import_weifen_stays_light():
    """import weifen loads the core only: the larger faces (nn, optim, sym, viz, graphs and
    jit, data, serialize, weifen.scipy) and every optional extra load on first use."""
    import subprocess
    import sys

    code = ("import sys, weifen as wf\n"
            "heavy = [m for m in sys.modules if m.split('.')[0] in ('scipy', 'sympy', 'torch', "
            "'jax', 'numba', 'dask', 'matplotlib') or m.startswith(('weifen.nn', 'weifen.sym', "
            "'weifen.graph', 'weifen.viz', 'weifen.optim', 'weifen.scipy', 'weifen.serialize'))]\n"
            "assert not heavy, heavy\n"
            "assert callable(wf.jit) and wf.nn.Linear and wf.sym.parse and wf.optim.SGD\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
