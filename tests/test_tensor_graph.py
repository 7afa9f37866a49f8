"""The eager Tensor face, continued: the version counter, indexing gradients, double
backward, wf.autograd.grad, creation and NumPy dispatch (API.md section 1).
"""
import numpy as np
import pytest

import weifen as wf
from test_tensor import A, assert_healthy, close  # noqa: F401 - shared helpers


# ================================================================ the version counter
@pytest.mark.parametrize("how", ["iadd", "setitem", "zero_", "imul"])
def test_inplace_on_saved_tensor_makes_backward_raise(how):
    x = wf.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a = x * 1.0  # a non-leaf; mul saves it for the next op's backward
    b = a * a
    if how == "iadd":
        a += 1
    elif how == "setitem":
        a[0] = 10.0
    elif how == "zero_":
        a.zero_()
    else:
        a *= 2
    with pytest.raises(RuntimeError) as e:
        b.sum().backward()
    assert isinstance(e.value, wf.WeifenError)
    assert_healthy()


def test_inplace_on_saved_output_makes_backward_raise():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    e = wf.exp(x)  # exp's rule reads its output
    e += 1
    with pytest.raises(RuntimeError):
        e.sum().backward()
    assert_healthy()


def test_inplace_on_view_of_saved_tensor_raises():
    x = wf.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    a = x * 1.0
    b = wf.sin(a)        # sin saves a
    v = a.reshape(4)     # a view shares a's version counter
    v += 1
    with pytest.raises(RuntimeError):
        b.sum().backward()
    assert_healthy()


@pytest.mark.parametrize("view", [
    pytest.param(lambda a: a.T, id="T"),
    pytest.param(lambda a: a.transpose(1, 0), id="transpose"),
    pytest.param(lambda a: a[0], id="index_row"),
    pytest.param(lambda a: a[:, 1:], id="slice"),
    pytest.param(lambda a: a.reshape(4), id="reshape"),
    pytest.param(lambda a: a.detach(), id="detach"),
])
@pytest.mark.parametrize("write", ["iadd", "setitem"])
def test_inplace_through_any_view_of_saved_tensor_raises(view, write):
    x = wf.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    a = x * 2.0
    b = a * a           # saves a
    v = view(a)
    if write == "iadd":
        v += 1.0
    else:
        v[...] = 0.0
    with pytest.raises(RuntimeError):
        b.sum().backward()
    assert_healthy()


@pytest.mark.parametrize("how", [
    "iadd", "setitem", "zero_"])
def test_inplace_on_leaf_requiring_grad_raises(how):
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError) as e:
        if how == "iadd":
            x += 1
        elif how == "setitem":
            x[0] = 5.0
        else:
            x.zero_()
    assert isinstance(e.value, wf.WeifenError)
    close(x, [1.0, 2.0])
    assert_healthy()


def test_inplace_on_unsaved_tensor_is_fine_and_correct():
    torch = pytest.importorskip("torch")
    a0 = np.array([1.0, 2.0, 3.0])

    def run(lib, x):
        a = x * 2
        b = a + 1          # add saves nothing
        a += 10            # so changing a afterwards is allowed
        c = a * a          # and a's new value is what later ops use
        a2 = x * 3
        a2[0] = 0.0        # setitem on a fresh non-leaf: x[0]'s path is cut
        return (b * b).sum() + c.sum() + (a2 * a2).sum()

    x = wf.tensor(a0, requires_grad=True)
    run(wf, x).backward()
    t = torch.tensor(a0, requires_grad=True)
    run(torch, t).backward()
    close(x.grad, t.grad.numpy(), rtol=1e-14)


def test_inplace_then_backward_after_error_recovery():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    a = x * 1.0
    b = a * a
    a += 1
    with pytest.raises(RuntimeError):
        b.sum().backward()
    # a fresh graph through the modified tensor is fine: a = x + 1 now
    (a * a).sum().backward()
    close(x.grad, 2 * (np.array([1.0, 2.0]) + 1))


# ================================================================ indexing gradients
def test_indexing_basic_gradients():
    a = np.arange(12.0).reshape(3, 4)
    cases = [
        lambda t: t[1],
        lambda t: t[1:3],
        lambda t: t[:, 0],
        lambda t: t[-1, ::2],
        lambda t: t[None, 1, ...],
        lambda t: t[..., 1:],
        lambda t: t[::-1],
    ]
    for fn in cases:
        x = wf.tensor(a, requires_grad=True)
        y = fn(x)
        close(y, fn(a))
        y.sum().backward()
        # each entry's gradient counts how often the index picks it
        picked = fn(np.arange(a.size).reshape(a.shape)).ravel()
        close(x.grad, np.bincount(picked, minlength=a.size).reshape(a.shape))


def test_indexing_repeated_indices_accumulate():
    x = wf.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x[[0, 0, 2, 0]]
    close(y, [1.0, 1.0, 3.0, 1.0])
    (y * wf.tensor([1.0, 10.0, 100.0, 1000.0])).sum().backward()
    close(x.grad, [1011.0, 0.0, 100.0])
    x2 = wf.tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    x2[np.array([2, 2, 0])].sum().backward()
    close(x2.grad, [[1.0, 1.0], [0.0, 0.0], [2.0, 2.0]])
    x3 = wf.tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    x3[[0, 0, 1], [1, 1, 0]].sum().backward()
    close(x3.grad, [[0.0, 2.0], [1.0, 0.0], [0.0, 0.0]])


def test_indexing_boolean_mask():
    a = np.array([-1.0, 2.0, -3.0, 4.0])
    x = wf.tensor(a, requires_grad=True)
    y = x[x > 0]
    close(y, [2.0, 4.0])
    (y * y).sum().backward()
    close(x.grad, [0.0, 4.0, 0.0, 8.0])
    x.grad = None
    x[np.array([True, False, True, False])].sum().backward()
    close(x.grad, [1.0, 0.0, 1.0, 0.0])


def test_indexing_vs_torch():
    torch = pytest.importorskip("torch")
    a = np.arange(24.0).reshape(2, 3, 4) / 7.0
    idx = np.array([2, 0, 2])
    x = wf.tensor(a, requires_grad=True)
    t = torch.tensor(a, requires_grad=True)
    (wf.sin(x[1, idx, 1:3]) * x[0, :, -1].sum()).sum().backward()
    (torch.sin(t[1, torch.tensor(idx), 1:3]) * t[0, :, -1].sum()).sum().backward()
    close(x.grad, t.grad.numpy(), rtol=1e-12)


def test_iteration_over_tensor_is_differentiable():
    x = wf.tensor([1.0, 2.0, 3.0], requires_grad=True)
    s = 0.0
    for i, xi in enumerate(x):
        s = s + (i + 1) * xi * xi
    s.backward()
    close(x.grad, [2.0, 8.0, 18.0])


# ================================================================ double backward, autograd.grad
def test_create_graph_double_backward():
    a = np.array([1.0, 2.0, -0.5])
    x = wf.tensor(a, requires_grad=True)
    y = (x ** 3).sum()
    y.backward(create_graph=True)
    assert x.grad.requires_grad
    close(x.grad, 3 * a ** 2)
    g = x.grad
    x.grad = None
    g.sum().backward()
    close(x.grad, 6 * a)


def test_autograd_grad_create_graph_second_order():
    a = np.array([0.3, -1.2])
    x = wf.tensor(a, requires_grad=True)
    y = (wf.sin(x) * x).sum()
    (g,) = wf.autograd.grad(y, [x], create_graph=True)
    close(g, np.sin(a) + a * np.cos(a))
    assert g.requires_grad
    (h,) = wf.autograd.grad(g.sum(), [x])
    close(h, 2 * np.cos(a) - a * np.sin(a))
    assert x.grad is None


def test_autograd_grad_third_order_vs_torch():
    torch = pytest.importorskip("torch")
    a = np.array([0.3, 0.8])
    x = wf.tensor(a, requires_grad=True)
    t = torch.tensor(a, requires_grad=True)
    gw, gt = (wf.tanh(x) * wf.exp(x)).sum(), (torch.tanh(t) * torch.exp(t)).sum()
    for _ in range(3):
        (gw,) = wf.autograd.grad(gw, [x], create_graph=True)
        (gt,) = torch.autograd.grad(gt, [t], create_graph=True)
        close(gw, gt.detach().numpy(), rtol=1e-12)
        gw, gt = gw.sum(), gt.sum()


def test_autograd_grad_tuple_and_leaves_grad_untouched():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    y = wf.tensor(3.0, requires_grad=True)
    out = (x * y).sum()
    res = wf.autograd.grad(out, [x, y])
    assert isinstance(res, tuple) and len(res) == 2
    close(res[0], [3.0, 3.0])
    close(res[1], 3.0)
    assert x.grad is None and y.grad is None
    # a single tensor as inputs also gives a tuple
    res = wf.autograd.grad((x * x).sum(), x)
    assert isinstance(res, tuple) and len(res) == 1
    close(res[0], [2.0, 4.0])


def test_autograd_grad_allow_unused():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    z = wf.tensor([5.0], requires_grad=True)
    with pytest.raises(RuntimeError):
        wf.autograd.grad((x * x).sum(), [x, z])
    assert_healthy()
    gx, gz = wf.autograd.grad((x * x).sum(), [x, z], allow_unused=True)
    close(gx, [2.0, 4.0])
    assert gz is None


def test_autograd_grad_grad_outputs_and_several_outputs():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    y1 = x * x
    y2 = (x * 3).sum()
    (g,) = wf.autograd.grad(y1, [x], grad_outputs=[wf.tensor([1.0, 10.0])])
    close(g, [2.0, 40.0])
    (g,) = wf.autograd.grad([x * x, (x * 3).sum()], [x],
                            grad_outputs=[wf.ones(2), wf.tensor(2.0)])
    close(g, [2.0 + 6.0, 4.0 + 6.0])
    del y2
    with pytest.raises(RuntimeError):
        wf.autograd.grad(x * x, [x])  # non-scalar output without grad_outputs
    assert_healthy()


def test_autograd_grad_retain_graph():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    y = (wf.sin(x) * x).sum()
    (g1,) = wf.autograd.grad(y, [x], retain_graph=True)
    (g2,) = wf.autograd.grad(y, [x])
    close(g1, g2)
    with pytest.raises(RuntimeError):
        wf.autograd.grad(y, [x])
    assert_healthy()


def test_after_errors_everything_still_works():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    errors = [
        lambda: wf.tensor([[1.0], [2.0, 3.0]]),
        lambda: wf.tensor("x"),
        lambda: (x * 2).backward(),
        lambda: wf.tensor([1, 2], requires_grad=True),
        lambda: wf.grad(lambda z: z * 2)(wf.ones(3)),
        lambda: wf.ones((2, 3)) @ wf.ones((2, 3)),
        lambda: wf.ones(2) + wf.ones(3),
    ]
    for bad in errors:
        with pytest.raises((ValueError, TypeError, RuntimeError)):
            bad()
        assert_healthy()


def test_shape_errors_are_value_errors_naming_shapes():
    with pytest.raises(ValueError) as e:
        wf.ones((2, 3)) @ wf.ones((2, 3))
    assert isinstance(e.value, wf.WeifenError)
    assert "(2, 3)" in str(e.value)
    with pytest.raises(ValueError) as e:
        wf.ones(2) + wf.ones(3)
    assert isinstance(e.value, wf.WeifenError)
    assert "(2,)" in str(e.value) and "(3,)" in str(e.value)
    with pytest.raises(ValueError) as e:
        wf.tensor([1.0, 2.0], requires_grad=True) * wf.ones(3)
    assert isinstance(e.value, wf.ShapeError)


# ================================================================ creation, NumPy dispatch
def test_creation_functions_with_requires_grad():
    np.random.seed(0)
    made = [wf.zeros(2, 3, requires_grad=True), wf.ones((2,), requires_grad=True),
            wf.full((2,), 7.0, requires_grad=True), wf.eye(2, requires_grad=True),
            wf.linspace(0, 1, 3, requires_grad=True), wf.arange(3.0, requires_grad=True),
            wf.zeros_like(wf.ones(2), requires_grad=True),
            wf.ones_like(np.ones(2), requires_grad=True),
            wf.rand(2, requires_grad=True), wf.randn(2, 2, requires_grad=True)]
    for t in made:
        assert t.requires_grad and t.is_leaf and t.grad is None
        (t * t).sum().backward()
        close(t.grad, 2 * A(t))
    close(wf.linspace(0, 1, 3), [0.0, 0.5, 1.0])
    close(wf.eye(2), np.eye(2))
    assert wf.zeros(2, dtype=wf.float32).dtype == np.float32
    assert wf.ones_like(wf.zeros(2, dtype=wf.float32)).dtype == np.float32


def test_numpy_functions_dispatch_to_weifen():
    a = np.array([0.5, 1.5])
    x = wf.tensor(a, requires_grad=True)
    y = np.sum(np.sin(x) * np.exp(x))
    assert isinstance(y, wf.Tensor) and y.requires_grad
    y.backward()
    close(x.grad, np.cos(a) * np.exp(a) + np.sin(a) * np.exp(a))
    assert isinstance(np.asarray(y), np.ndarray)
    assert float(np.asarray(y)) == pytest.approx(np.sum(np.sin(a) * np.exp(a)))


def test_tensor_of_tensor_is_a_differentiable_copy():
    # as jnp.array(x): the copy keeps the derivative (never a silent constant), and
    # changing the copy leaves x alone; requires_grad=True makes a new leaf (torch.tensor)
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    t = wf.tensor(x)
    assert t.requires_grad and not t.is_leaf
    (t * 3).sum().backward()
    close(x.grad, [3.0, 3.0])
    t = t.detach()
    t += 1
    close(x, [1.0, 2.0])
    leaf = wf.tensor(x, requires_grad=True)
    assert leaf.is_leaf and leaf.requires_grad


def test_numpy_functions_weifen_does_not_differentiate_run_on_the_values():
    x = wf.tensor([1.0, 0.0], requires_grad=True)
    y = x * 2
    assert np.allclose(y, [2.0, 0.0])
    np.testing.assert_allclose(y, [2.0, 0.0])
    assert np.isnan(y).tolist() == [False, False]
    assert np.where(y)[0].tolist() == [0]          # NumPy's one-argument form
    assert float(np.add.reduce(y)) == 2.0
    s = np.sum(y)                                   # weifen's own: still differentiable
    assert isinstance(s, wf.Tensor) and s.requires_grad
