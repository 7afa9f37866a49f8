"""``wf.vmap`` (API.md section 2, issue 3 item 3): batching, in_axes/out_axes, nesting,
per-example gradients and batched Jacobians. Expected values come from loops over the batch.

"""
import numpy as np
import pytest

import weifen as wf

RNG = np.random.default_rng(7)


def A(t):
    return np.asarray(t)


def close(a, b, **kw):
    kw.setdefault("rtol", 1e-12)
    kw.setdefault("atol", 1e-12)
    np.testing.assert_allclose(A(a), A(b), **kw)


def loss(w, x, y):
    """Squared error of a linear model on one example (x: (3,), y: scalar)."""
    return (wf.dot(w, x) - y) ** 2


def test_vmap_elementwise_and_matvec():
    X = RNG.standard_normal((5, 3))
    W = RNG.standard_normal((2, 3))
    close(wf.vmap(wf.sin)(X), np.sin(X))
    close(wf.vmap(lambda x: W @ x)(X), X @ W.T)
    close(wf.vmap(lambda x: (x * x).sum())(X), (X * X).sum(axis=1))


def test_per_example_gradients():
    w = RNG.standard_normal(3)
    X = RNG.standard_normal((8, 3))
    Y = RNG.standard_normal(8)
    G = wf.vmap(wf.grad(loss), in_axes=(None, 0, 0))(w, X, Y)
    assert G.shape == (8, 3)
    expect = 2 * (X @ w - Y)[:, None] * X
    close(G, expect)
    for i in range(8):
        close(G[i], wf.grad(loss)(w, X[i], Y[i]))
    close(A(G).mean(axis=0), wf.grad(lambda w_: wf.mean((X @ w_ - Y) ** 2))(w))


def test_per_example_gradients_pytree_params():
    p = {"W": RNG.standard_normal((2, 3)), "b": RNG.standard_normal(2)}
    X = RNG.standard_normal((4, 3))

    def f(p, x):
        return wf.tanh(p["W"] @ x + p["b"]).sum()

    G = wf.vmap(wf.grad(f), in_axes=(None, 0))(p, X)
    assert G["W"].shape == (4, 2, 3) and G["b"].shape == (4, 2)
    for i in range(4):
        gi = wf.grad(f)(p, X[i])
        close(G["W"][i], gi["W"])
        close(G["b"][i], gi["b"])


def test_in_axes_variants():
    X = RNG.standard_normal((3, 5))      # batch along axis 1
    v = RNG.standard_normal(3)
    r = wf.vmap(lambda x, c: x * c, in_axes=(1, None))(X, v)
    assert r.shape == (5, 3)
    close(r, X.T * v)
    r = wf.vmap(lambda a, b: a + b, in_axes=(0, 1))(X.T, X)
    close(r, 2 * X.T)
    r = wf.vmap(lambda x: x.sum(), in_axes=-1)(X)
    close(r, X.sum(axis=0))


def test_out_axes_variants():
    X = RNG.standard_normal((4, 3))
    r = wf.vmap(lambda x: x * 2, out_axes=1)(X)
    assert r.shape == (3, 4)
    close(r, (X * 2).T)
    s, t = wf.vmap(lambda x: (x.sum(), x * 3), out_axes=(0, 1))(X)
    close(s, X.sum(axis=1))
    close(t, (3 * X).T)


def test_nested_vmap():
    A_ = RNG.standard_normal((4, 3))
    B_ = RNG.standard_normal((5, 3))
    # pairwise dot products: outer vmap over A's rows, inner over B's rows
    r = wf.vmap(lambda a: wf.vmap(lambda b: wf.dot(a, b))(B_))(A_)
    assert r.shape == (4, 5)
    close(r, A_ @ B_.T)
    T = RNG.standard_normal((2, 3, 4))
    close(wf.vmap(wf.vmap(wf.tanh))(T), np.tanh(T))


def test_vmap_of_jacrev_and_jacfwd():
    W = RNG.standard_normal((2, 3))
    f = lambda x: wf.tanh(W @ x)
    X = RNG.standard_normal((6, 3))
    for jac in (wf.jacrev, wf.jacfwd):
        J = wf.vmap(jac(f))(X)
        assert J.shape == (6, 2, 3)
        for i in range(6):
            h = np.tanh(W @ X[i])
            close(J[i], (1 - h ** 2)[:, None] * W)


def test_grad_of_vmap_and_vmap_of_grad_of_grad():
    X = RNG.standard_normal(5)
    g = wf.grad(lambda x: wf.vmap(wf.sin)(x).sum())(X)
    close(g, np.cos(X))
    d2 = wf.vmap(wf.grad(wf.grad(wf.sin)))(X)
    close(d2, -np.sin(X))


def test_vmap_batch_size_mismatch_raises():
    with pytest.raises(ValueError):
        wf.vmap(lambda a, b: a + b)(np.ones((3, 2)), np.ones((4, 2)))


def test_vmap_agrees_with_jax_per_example_grads():
    jax = pytest.importorskip("jax")
    jnp = pytest.importorskip("jax.numpy")
    w = RNG.standard_normal(3)
    X = RNG.standard_normal((8, 3))
    Y = RNG.standard_normal(8)
    with jax.enable_x64(True):
        lj = lambda w_, x, y: (jnp.dot(w_, x) - y) ** 2
        ref = np.asarray(jax.vmap(jax.grad(lj), in_axes=(None, 0, 0))(w, X, Y))
    close(wf.vmap(wf.grad(loss), in_axes=(None, 0, 0))(w, X, Y), ref)


def test_in_axes_pytree_and_out_axes_none():
    X = np.arange(6.0).reshape(2, 3)
    r = wf.vmap(lambda p: p["a"] * p["b"], in_axes=({"a": 0, "b": None},))(
        {"a": X, "b": np.array([1.0, 2.0, 3.0])})
    close(r, X * [1.0, 2.0, 3.0])
    close(wf.vmap(lambda x: wf.ones(2), out_axes=None)(X), [1.0, 1.0])
    close(wf.vmap(lambda x: wf.ones(2))(X), np.ones((2, 2)))
    close(wf.vmap(lambda x, c: x * c, in_axes=(0, None))(X, 2.0), 2 * X)


def test_vmap_with_jvp_hessian_and_jacrev_outside():
    x = np.array([0.0, 1.0, 2.0])
    close(wf.vmap(lambda z: wf.jvp(wf.sin, (z,), (1.0,))[1])(x), np.cos(x))
    close(wf.jacrev(lambda z: wf.vmap(wf.sin)(z))(x), np.diag(np.cos(x)))
    X = RNG.standard_normal((2, 3))
    H = wf.vmap(wf.hessian(lambda z: (z ** 3).sum()))(X)
    assert H.shape == (2, 3, 3)
    for i in range(2):
        close(H[i], np.diag(6 * X[i]))


def test_vmap_indexing_and_where():
    X = np.arange(6.0).reshape(2, 3)
    close(wf.vmap(lambda x: x[1])(X), X[:, 1])
    close(wf.vmap(lambda x: x[[0, 0, 2]])(X), X[:, [0, 0, 2]])
    close(wf.vmap(lambda x: wf.where(x > 1, x, 0.0))(X[0]), [0.0, 0.0, 2.0])
    close(wf.vmap(wf.softmax)(X), A(wf.softmax(X, axis=-1)))


def test_vmap_python_control_flow_on_batched_value_raises_type_error():
    with pytest.raises(TypeError):
        wf.vmap(lambda x: x if x > 1 else -x)(np.arange(3.0))
    close(wf.vmap(wf.sin)(np.arange(3.0)), np.sin(np.arange(3.0)))


def test_vmap_on_eager_tensor_records_for_backward():
    a = RNG.standard_normal((2, 3))
    x = wf.tensor(a, requires_grad=True)
    wf.vmap(lambda r: (wf.sin(r) * r).sum())(x).sum().backward()
    close(x.grad, np.sin(a) + a * np.cos(a))


def test_per_example_index_gathers_and_differentiates_outside():
    x = np.arange(12.0).reshape(3, 4)
    i = np.array([[0, 1], [2, 3], [1, 1]])
    got = wf.vmap(lambda x, i: wf.take(x, i))(x, i)
    np.testing.assert_array_equal(np.asarray(got), np.take_along_axis(x, i, axis=1))
    g = wf.grad(lambda x: wf.vmap(lambda x, i: (x[i] ** 2).sum())(x, i).sum())(x)
    expected = np.zeros_like(x)
    for b in range(3):
        np.add.at(expected[b], i[b], 2 * x[b, i[b]])
    np.testing.assert_allclose(np.asarray(g), expected)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_per_example_index_under_inner_transforms_is_a_gather(axis):
    """vmap(grad(f)) with f indexing by a mapped index: the gather primitive, every order."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((3, 4, 5))
    n = X.shape[1:][axis]
    J = rng.integers(-n, n, size=(3, 2, 2))          # negative indices count from the end
    f = lambda x, i: (wf.take(x, i, axis=axis) ** 3).sum()  # noqa: E731
    for k, (x, i) in enumerate(zip(X, J)):
        assert np.isclose(float(wf.vmap(f)(X, J)[k]), (np.take(x, i, axis=axis) ** 3).sum())
    g = np.asarray(wf.vmap(wf.grad(f))(X, J))
    for k, (x, i) in enumerate(zip(X, J)):
        want = np.zeros_like(x)
        idx = [slice(None)] * 2
        idx[axis] = i
        np.add.at(want, tuple(idx), 3 * np.take(x, i, axis=axis) ** 2)
        np.testing.assert_allclose(g[k], want, rtol=1e-12)
    # second order (the adjoint's own rules) and forward mode, against per-example loops
    H = np.asarray(wf.vmap(wf.hessian(f))(X, J))
    for k in range(3):
        Hk = np.asarray(wf.hessian(lambda x: f(x, J[k]))(X[k]))
        np.testing.assert_allclose(H[k], Hk, rtol=1e-12)
    t = np.asarray(wf.vmap(lambda x, i: wf.jvp(lambda z: f(z, i), (x,), (wf.ones_like(x),))[1])(
        X, J))
    for k in range(3):
        tk = float(wf.jvp(lambda z: f(z, J[k]), (X[k],), (np.ones_like(X[k]),))[1])
        assert np.isclose(t[k], tk)


def test_per_example_cross_entropy_gradients_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    W, xs, ys = rng.standard_normal((4, 3)), rng.standard_normal((6, 4)), rng.integers(0, 3, 6)
    loss = lambda W, x, y: -wf.log_softmax(x @ W)[y]  # noqa: E731
    pe = np.asarray(wf.vmap(wf.grad(loss), in_axes=(None, 0, 0))(W, xs, ys))
    for k in range(6):
        Wt = torch.tensor(W, requires_grad=True)
        (-torch.log_softmax(torch.tensor(xs[k]) @ Wt, -1)[int(ys[k])]).backward()
        np.testing.assert_allclose(pe[k], Wt.grad.numpy(), rtol=1e-12)


def test_jacobians_of_an_mlp_take_the_identity_seed_shortcut_and_stay_exact():
    """n = 48 (48 x 48 >= 1024 entries): the matmul batch rule sees the identity seed."""
    rng = np.random.default_rng(5)
    n = 48
    W1, W2 = rng.standard_normal((n, n)) / 7, rng.standard_normal((n, n)) / 7
    x = rng.standard_normal(n)
    f = lambda x: wf.tanh(W2 @ wf.tanh(W1 @ x))  # noqa: E731
    h1 = np.tanh(W1 @ x)
    h2 = np.tanh(W2 @ h1)
    exact = ((1 - h2 ** 2)[:, None] * W2 * (1 - h1 ** 2)[None, :]) @ W1
    np.testing.assert_allclose(np.asarray(wf.jacrev(f)(x)), exact, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(np.asarray(wf.jacfwd(f)(x)), exact, rtol=1e-12, atol=1e-15)


def test_identity_seed_detection_is_exact():
    from weifen.prims.linalg import _diagonal_of

    n = 40
    d = np.diag(np.arange(1.0, n + 1))
    assert np.array_equal(_diagonal_of(d), np.arange(1.0, n + 1))
    for i, j in [(5, 7), (n - 1, n - 2), (0, n - 1), (n - 1, 0)]:
        e = d.copy()
        e[i, j] = 1e-300                      # any off-diagonal value: not diagonal
        assert _diagonal_of(e) is None
    e = d.copy()
    e[3, 4] = -0.0                            # negative zero is zero
    assert _diagonal_of(e) is not None
    assert _diagonal_of(np.eye(10)) is None   # small: not worth the check
    assert _diagonal_of(np.ones((n, n + 1))) is None
