"""The eager Tensor face (API.md section 1): members, operators, dtypes, errors, grad modes,
retain_graph, the version counter, indexing gradients, double backward, wf.autograd.grad.

Gradients are checked against closed forms and, where installed, against torch (float64).
"""
import numpy as np
import pytest

import weifen as wf


def A(t):
    return np.asarray(t)


def close(a, b, **kw):
    np.testing.assert_allclose(A(a), A(b), **kw)


def assert_healthy():
    """The library still works after an error: state restored, a fresh backward is right."""
    assert wf.is_grad_enabled()
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    close(x.grad, [2.0, 4.0])
    assert float(wf.grad(lambda z: z * z)(3.0)) == 6.0


# ================================================================ attributes and members
def test_shape_ndim_dtype_size_len():
    x = wf.tensor(np.arange(6.0).reshape(2, 3))
    assert x.shape == (2, 3)
    assert x.ndim == 2
    assert x.dtype == np.float64
    assert x.size == 6 and type(x.size) is int
    assert len(x) == 2
    s = wf.tensor(3.5)
    assert s.shape == () and s.ndim == 0 and s.size == 1
    with pytest.raises(TypeError):
        len(s)


def test_T_item_tolist_numpy():
    a = np.arange(6.0).reshape(2, 3)
    x = wf.tensor(a)
    close(x.T, a.T)
    assert x.T.shape == (3, 2)
    assert x.tolist() == a.tolist()
    n = x.numpy()
    assert isinstance(n, np.ndarray)
    np.testing.assert_array_equal(n, a)
    assert wf.tensor(2.5).item() == 2.5 and type(wf.tensor(2.5).item()) is float
    assert wf.tensor([7.0]).item() == 7.0
    assert isinstance(np.asarray(x), np.ndarray)


def test_requires_grad_flags():
    x = wf.tensor([1.0, 2.0])
    assert not x.requires_grad and x.is_leaf and x.grad is None and x.grad_fn is None
    assert x.requires_grad_() is x
    assert x.requires_grad and x.is_leaf and x.grad_fn is None
    y = x * 3
    assert y.requires_grad and not y.is_leaf
    assert "MulBackward" in repr(y.grad_fn)
    z = wf.tensor([1.0]) * 3  # nothing requires grad: nothing recorded
    assert not z.requires_grad and z.grad_fn is None and z.is_leaf
    x.requires_grad_(False)
    assert not x.requires_grad


def test_grad_fn_names():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    assert "AddBackward" in repr((x + 1).grad_fn)
    assert "SubBackward" in repr((x - 1).grad_fn)
    assert "DivBackward" in repr((x / 2).grad_fn)
    assert "SinBackward" in repr(wf.sin(x).grad_fn)
    assert "SumBackward" in repr(x.sum().grad_fn)


def test_retain_grad():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    z = x * 2
    z.retain_grad()
    w = x * 3
    (z * z + w).sum().backward()
    close(z.grad, 2 * A(z))     # d/dz sum(z^2) = 2z
    assert w.grad is None        # non-leaf without retain_grad keeps no grad
    close(x.grad, 8 * A(x) + 3)


def test_grad_setter_and_none():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad = None
    (x * 3).sum().backward()
    close(x.grad, [3.0, 3.0])


# ================================================================ repr
def test_repr_like_torch():
    assert repr(wf.tensor([5.0, 18.0])) == "tensor([ 5., 18.])"
    x = wf.arange(4.0, requires_grad=True)
    assert repr(x) == "tensor([0., 1., 2., 3.], requires_grad=True)"
    assert repr(2 * wf.sum(x * x)) == "tensor(28., grad_fn=<MulBackward>)"
    assert repr(wf.tensor(1.5)) == "tensor(1.5)"
    r = repr(wf.tensor([1.0, 2.0], dtype=wf.float32))
    assert r == "tensor([1., 2.], dtype=float32)"
    assert repr(wf.tensor([[1.0, 2.0], [3.0, 4.0]])) == "tensor([[1., 2.],\n        [3., 4.]])"


# ================================================================ NumPy-named methods
def test_numpy_named_methods_values():
    a = np.arange(1.0, 7.0).reshape(2, 3)
    x = wf.tensor(a)
    close(x.sum(), a.sum())
    close(x.sum(axis=0), a.sum(axis=0))
    close(x.sum(axis=1, keepdims=True), a.sum(axis=1, keepdims=True))
    close(x.mean(axis=1), a.mean(axis=1))
    close(x.max(), a.max())
    close(x.max(axis=0), a.max(axis=0))
    close(x.min(axis=1), a.min(axis=1))
    close(x.prod(axis=0), a.prod(axis=0))
    close(x.reshape(3, 2), a.reshape(3, 2))
    close(x.reshape((6,)), a.reshape(6))
    close(x.reshape(-1), a.reshape(-1))
    close(x.transpose(), a.transpose())
    close(x.transpose(1, 0), a.transpose(1, 0))
    assert x.astype(np.float32).dtype == np.float32
    close(x.clip(2.0, 5.0), a.clip(2.0, 5.0))
    close(x.var(axis=0, ddof=1), a.var(axis=0, ddof=1))
    close(x.std(), a.std())
    b = np.arange(24.0).reshape(2, 3, 4)
    close(wf.tensor(b).transpose(2, 0, 1), b.transpose(2, 0, 1))
    close(wf.tensor(b).transpose(), b.transpose())


def test_numpy_named_methods_gradients_vs_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    a = rng.standard_normal((3, 4)) + 2.0
    cases = [
        (lambda t: t.sum(axis=0), lambda t: t.sum(dim=0)),
        (lambda t: t.mean(axis=1, keepdims=True), lambda t: t.mean(dim=1, keepdim=True)),
        (lambda t: t.prod(axis=1), lambda t: t.prod(dim=1)),
        (lambda t: t.max(axis=0), lambda t: t.max(dim=0).values),
        (lambda t: t.min(), lambda t: t.min()),
        (lambda t: t.reshape(2, 6) * wf.arange(6.0), lambda t: t.reshape(2, 6) *
         torch.arange(6.0, dtype=torch.float64)),
        (lambda t: t.T @ t, lambda t: t.T @ t),
        (lambda t: t.clip(1.5, 2.5), lambda t: t.clamp(1.5, 2.5)),
        (lambda t: t.var(axis=0, ddof=1), lambda t: t.var(dim=0, unbiased=True)),
        (lambda t: t.std(), lambda t: t.std(unbiased=False)),
    ]
    for wf_fn, th_fn in cases:
        w = rng.standard_normal(np.shape(th_fn(torch.tensor(a)).detach().numpy()))
        x = wf.tensor(a, requires_grad=True)
        (wf_fn(x) * w).sum().backward()
        t = torch.tensor(a, requires_grad=True)
        (th_fn(t) * torch.tensor(w)).sum().backward()
        close(x.grad, t.grad.numpy(), rtol=1e-10, atol=1e-12)


# ================================================================ operators
BINOPS = [
    ("add", lambda a, b: a + b),
    ("sub", lambda a, b: a - b),
    ("mul", lambda a, b: a * b),
    ("div", lambda a, b: a / b),
    ("pow", lambda a, b: a ** b),
]


@pytest.mark.parametrize("name,op", BINOPS, ids=[n for n, _ in BINOPS])
def test_binary_operators_vs_torch(name, op):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    a = rng.uniform(0.5, 2.0, (3, 1))
    b = rng.uniform(0.5, 2.0, (4,))
    x = wf.tensor(a, requires_grad=True)
    y = wf.tensor(b, requires_grad=True)
    z = op(x, y)
    close(z, op(a, b), rtol=1e-14)
    z.sum().backward()
    tx = torch.tensor(a, requires_grad=True)
    ty = torch.tensor(b, requires_grad=True)
    op(tx, ty).sum().backward()
    assert x.grad.shape == (3, 1) and y.grad.shape == (4,)
    close(x.grad, tx.grad.numpy(), rtol=1e-12)
    close(y.grad, ty.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name,op", BINOPS, ids=[n for n, _ in BINOPS])
def test_reflected_operators_with_number_and_ndarray(name, op):
    a = np.array([0.5, 1.5, 2.0])
    C = np.array([2.0, 3.0, 0.25])
    x = wf.tensor(a, requires_grad=True)
    for left in (2.0, 3, C):
        z = op(left, x)
        assert isinstance(z, wf.Tensor), type(z)
        assert z.requires_grad
        close(z, op(left, a), rtol=1e-14)
    # C - x with an ndarray on the left is a differentiable Tensor with the right gradient
    x.grad = None
    z = op(C, x)
    z.sum().backward()
    h = 1e-6
    num = (op(C, a + h) - op(C, a - h)) / (2 * h)
    close(x.grad, num, rtol=1e-6)


def test_ndarray_left_matmul_and_sub():
    C = np.array([[1.0, 2.0], [3.0, 4.0]])
    x = wf.tensor([1.0, -1.0], requires_grad=True)
    z = C @ x
    assert isinstance(z, wf.Tensor) and z.requires_grad
    close(z, C @ np.array([1.0, -1.0]))
    z.sum().backward()
    close(x.grad, C.sum(axis=0))
    x.grad = None
    d = C - x
    assert isinstance(d, wf.Tensor) and d.shape == (2, 2)
    d.sum().backward()
    close(x.grad, [-2.0, -2.0])


def test_unary_operators():
    x = wf.tensor([-1.5, 2.0], requires_grad=True)
    close(-x, [1.5, -2.0])
    close(abs(x), [1.5, 2.0])
    close(+x, [-1.5, 2.0])
    (-x + abs(x)).sum().backward()
    close(x.grad, [-2.0, 0.0])


def test_matmul_operator_shapes_and_grads():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    for sa, sb in [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)),
                   ((5, 3, 4), (4, 2)), ((2, 1, 3, 4), (5, 4, 2))]:
        a, b = rng.standard_normal(sa), rng.standard_normal(sb)
        x, y = wf.tensor(a, requires_grad=True), wf.tensor(b, requires_grad=True)
        z = x @ y
        close(z, a @ b, rtol=1e-12)
        w = rng.standard_normal(np.shape(a @ b))
        (z * w).sum().backward()
        tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
        ((tx @ ty) * torch.tensor(w)).sum().backward()
        close(x.grad, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
        close(y.grad, ty.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_comparisons_are_bool_without_grad():
    x = wf.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for r, expect in [(x < 2, [True, False, False]), (x <= 2, [True, True, False]),
                      (x > 2, [False, False, True]), (x >= 2, [False, True, True]),
                      (x == 2, [False, True, False]), (x != 2, [True, False, True]),
                      (2 < x, [False, False, True])]:
        assert isinstance(r, wf.Tensor)
        assert r.dtype == np.bool_
        assert not r.requires_grad
        np.testing.assert_array_equal(A(r), expect)
    m = x > 1.5
    close(wf.where(m, x, 0.0), [0.0, 2.0, 3.0])


def test_floordiv_sign_zero_gradient():
    a = np.array([-2.5, 0.7, 3.2])
    x = wf.tensor(a, requires_grad=True)
    fd = x // 1.5
    close(fd, a // 1.5)
    sg = wf.sign(x)
    close(sg, np.sign(a))
    # used as factors they are constants: d/dx [x * (x // 1.5)] = x // 1.5, same for sign
    (x * (x // 1.5) + x * wf.sign(x) + 0 * (1.5 // x)).sum().backward()
    close(x.grad, a // 1.5 + np.sign(a))
    g = wf.grad(lambda z: (z // 1.5).sum() + wf.sign(z).sum() + 0.0 * z.sum())(a)
    close(g, np.zeros(3))


def test_mod_values_and_gradient_vs_torch():
    # x % c = x - c * floor(x / c): derivative 1 in x and -floor(x / c) in c (torch, jax)
    torch = pytest.importorskip("torch")
    a = np.array([-2.5, 0.7, 3.2])
    c = np.array([1.5, 0.4, 2.0])
    x = wf.tensor(a, requires_grad=True)
    y = wf.tensor(c, requires_grad=True)
    z = x % y
    close(z, a % c)
    z.sum().backward()
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(c, requires_grad=True)
    torch.remainder(tx, ty).sum().backward()
    close(x.grad, tx.grad.numpy())
    close(y.grad, ty.grad.numpy())
    close(7.0 % wf.tensor([2.0, 3.0]), [1.0, 1.0])


def test_inplace_operators_without_grad():
    x = wf.tensor([1.0, 2.0])
    x += 1
    x *= 3
    x -= 1
    x /= 2
    close(x, ((np.array([1.0, 2.0]) + 1) * 3 - 1) / 2)
    x **= 2
    close(x, (((np.array([1.0, 2.0]) + 1) * 3 - 1) / 2) ** 2)


# ================================================================ dtypes
def test_int_requires_grad_raises_type_error():
    for make in (lambda: wf.tensor([1, 2], requires_grad=True),
                 lambda: wf.tensor([True, False], requires_grad=True),
                 lambda: wf.arange(4, requires_grad=True),
                 lambda: wf.tensor([1, 2]).requires_grad_()):
        with pytest.raises(TypeError) as e:
            make()
        assert isinstance(e.value, wf.WeifenError)
    assert_healthy()


def test_float32_kept_with_python_scalars():
    x = wf.tensor([1.0, 2.0], dtype=wf.float32, requires_grad=True)
    assert x.dtype == np.float32
    outs = [x + 1, x * 2.5, x / 3, x - 0.1, 2.0 - x, 1.0 / x, x ** 2, x ** 0.5, 2.0 ** x,
            -x, wf.exp(x), wf.sin(x) * 1e-3, (x * 2.0).sum(), x.mean(), x % 1.5, x // 0.5,
            wf.sqrt(x), wf.tanh(x * 0.9 + 0.1)]
    for o in outs:
        assert o.dtype == np.float32, (o, o.dtype)
    (x * 2.5 + 1.0).sum().backward()
    assert x.grad.dtype == np.float32
    close(x.grad, [2.5, 2.5])
    g = wf.grad(lambda z: (wf.sin(z) * 3.0).sum())(x.detach())
    assert g.dtype == np.float32


def test_numpy2_promotion():
    cases = [
        (np.array([1.0], np.float32), np.float64(2.0)),
        (np.array([1.0], np.float32), np.array([2.0])),
        (np.array([1], np.int64), 1.5),
        (np.array([1], np.int32), 2),
        (np.array([1], np.int32), np.array([2], np.int64)),
        (np.array([1.0], np.float32), np.array([2], np.int64)),
        (np.array([1.0], np.float32), np.array([2], np.int8)),
        (np.array([1.0], np.float16), 2.0),
        (np.array([True]), 1),
    ]
    for a, b in cases:
        expect = (a + b).dtype
        assert (wf.tensor(a) + b).dtype == expect, (a.dtype, b)
        assert (b + wf.tensor(a)).dtype == expect, (a.dtype, b)
        if isinstance(b, np.ndarray):
            assert (wf.tensor(a) + wf.tensor(b)).dtype == expect, (a.dtype, b.dtype)
    assert (wf.tensor([1, 2]) / 2).dtype == np.float64
    assert (wf.tensor([1.0], dtype=wf.float32) * wf.tensor(2.0)).dtype == np.float64


def test_tensor_copies_input():
    a = np.array([1.0, 2.0, 3.0])
    t = wf.tensor(a)
    t += 1
    t[0] = 100.0
    t.zero_()
    np.testing.assert_array_equal(a, [1.0, 2.0, 3.0])
    t = wf.tensor(a, requires_grad=True)
    a[1] = -5.0  # mutating the user's array afterwards never changes the tensor
    close(t, [1.0, 2.0, 3.0])
    lst = [1.0, 2.0]
    t = wf.tensor(lst)
    t += 1
    assert lst == [1.0, 2.0]


def test_tensor_from_lists_numbers_and_dtype():
    assert wf.tensor(3).dtype == np.int64
    assert wf.tensor(3.0).dtype == np.float64
    assert wf.tensor([1, 2], dtype=wf.float32).dtype == np.float32
    assert wf.tensor([[1.0, 2.0], [3.0, 4.0]]).shape == (2, 2)
    close(wf.tensor(wf.tensor([1.0, 2.0])), [1.0, 2.0])


@pytest.mark.parametrize("data", [[[1.0, 2.0], [3.0]], [1.0, [2.0, 3.0]]])
def test_ragged_input_raises_value_error(data):
    with pytest.raises(ValueError) as e:
        wf.tensor(data)
    assert isinstance(e.value, wf.WeifenError)
    assert_healthy()


@pytest.mark.parametrize("data", ["abc", ["a", "b"], {"a": 1.0}, object(), [None, 1.0]],
                         ids=["str", "strlist", "dict", "object", "none"])
def test_non_numeric_input_raises_type_error(data):
    with pytest.raises(TypeError) as e:
        wf.tensor(data)
    assert isinstance(e.value, wf.WeifenError)
    assert_healthy()


# ================================================================ grad modes
def test_no_grad_and_enable_grad_contexts():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    with wf.no_grad():
        assert not wf.is_grad_enabled()
        y = x * 2
        with wf.enable_grad():
            assert wf.is_grad_enabled()
            z = x * 2
            with wf.no_grad():
                w = x * 2
            v = x * 2
        u = x * 2
    assert wf.is_grad_enabled()
    assert not y.requires_grad and not w.requires_grad and not u.requires_grad
    assert z.requires_grad and v.requires_grad
    close(y, [2.0, 4.0])
    z.sum().backward()
    close(x.grad, [2.0, 2.0])


def test_no_grad_and_enable_grad_decorators():
    x = wf.tensor([1.0, 2.0], requires_grad=True)

    @wf.no_grad()
    def nog(t):
        return t * 3

    @wf.enable_grad()
    def eng(t):
        return t * 3

    assert not nog(x).requires_grad
    with wf.no_grad():
        r = eng(x)
        assert not wf.is_grad_enabled()
    assert r.requires_grad
    assert nog.__name__ == "nog"


def test_no_grad_restored_after_exception():
    with pytest.raises(ZeroDivisionError):
        with wf.no_grad():
            raise ZeroDivisionError("inside no_grad")
    assert wf.is_grad_enabled()
    assert_healthy()


def test_no_grad_inplace_on_leaf_is_allowed():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    with wf.no_grad():
        x -= 0.5 * wf.tensor([2.0, 2.0])
    close(x, [0.0, 1.0])
    assert x.requires_grad and x.is_leaf
    (x * x).sum().backward()
    close(x.grad, [0.0, 2.0])


# ================================================================ backward errors, retain_graph
def test_second_backward_needs_retain_graph():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    y = (wf.sin(x) * x).sum()
    y.backward()
    with pytest.raises(RuntimeError) as e:
        y.backward()
    assert isinstance(e.value, wf.WeifenError)
    assert "retain_graph" in str(e.value)
    assert_healthy()


def test_retain_graph_allows_second_backward_and_accumulates():
    a = np.array([1.0, 2.0])
    x = wf.tensor(a, requires_grad=True)
    y = (wf.sin(x) * x).sum()
    y.backward(retain_graph=True)
    g1 = A(x.grad).copy()
    close(g1, np.sin(a) + a * np.cos(a))
    y.backward()
    close(x.grad, 2 * g1)


def test_nonscalar_backward_without_gradient_raises():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError) as e:
        (x * 2).backward()
    assert isinstance(e.value, wf.WeifenError)
    assert_healthy()


def test_backward_gradient_shape_mismatch_raises():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError):
        (x * 2).backward(wf.ones(3))
    assert_healthy()


def test_backward_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError):
        wf.tensor(1.0).backward()
    assert_healthy()


def test_backward_gradient_scales():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    (x * x).backward(gradient=wf.tensor([3.0, -1.0]))
    close(x.grad, [6.0, -4.0])
    y = wf.tensor(2.0, requires_grad=True)
    (y * y).backward(wf.tensor(5.0))
    close(y.grad, 20.0)
