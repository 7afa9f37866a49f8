"""The seed examples of issue 2 (item 8), with their exact numbers, through every face.

f(x1, x2) = ln x1 + x1*x2 - sin x2 at (2, 5);  f(x) = [x1^2 + 2 x2, 3 x1 + 4 x2^2] at (1, 2);
x = arange(4.0): 2*dot(x, x), accumulation, detach; and the data-dependent loop of the
PyTorch autograd tutorial.
"""
import math

import numpy as np
import pytest

import weifen as wf

Y = math.log(2.0) + 10.0 - math.sin(5.0)  # 11.652071455223084
DX1 = 5.5                                 # 1/x1 + x2
DX2 = 2.0 - math.cos(5.0)                 # x1 - cos x2 = 1.7163378145367738
JAC = np.array([[2.0, 2.0], [3.0, 16.0]])


def f(x1, x2):
    return wf.log(x1) + x1 * x2 - wf.sin(x2)


def g(x):
    return wf.stack([x[0] ** 2 + 2 * x[1], 3 * x[0] + 4 * x[1] ** 2])


# ---------------------------------------------------------------- f(x1, x2) at (2, 5)
def test_seed_constants():
    assert Y == pytest.approx(11.652071455223084, abs=1e-14)
    assert DX2 == pytest.approx(1.7163378145367738, abs=1e-14)


def test_seed_f_backward():
    x1 = wf.tensor(2.0, requires_grad=True)
    x2 = wf.tensor(5.0, requires_grad=True)
    y = f(x1, x2)
    assert float(y) == pytest.approx(Y, abs=1e-12)
    assert x1.grad is None and x2.grad is None
    y.backward()
    assert float(x1.grad) == pytest.approx(DX1, abs=1e-12)
    assert float(x2.grad) == pytest.approx(DX2, abs=1e-12)


def test_seed_f_grad_argnums():
    g1, g2 = wf.grad(f, argnums=(0, 1))(2.0, 5.0)
    assert float(g1) == pytest.approx(DX1, abs=1e-12)
    assert float(g2) == pytest.approx(DX2, abs=1e-12)
    assert float(wf.grad(f)(2.0, 5.0)) == pytest.approx(DX1, abs=1e-12)
    assert float(wf.grad(f, argnums=1)(2.0, 5.0)) == pytest.approx(DX2, abs=1e-12)


def test_seed_f_value_and_grad():
    v, (g1, g2) = wf.value_and_grad(f, argnums=(0, 1))(2.0, 5.0)
    assert float(v) == pytest.approx(Y, abs=1e-12)
    assert float(g1) == pytest.approx(DX1, abs=1e-12)
    assert float(g2) == pytest.approx(DX2, abs=1e-12)
    v, g1 = wf.value_and_grad(f)(2.0, 5.0)
    assert (float(v), float(g1)) == pytest.approx((Y, DX1), abs=1e-12)


def test_seed_f_duals():
    d = f(wf.Dual(2.0, 1.0), wf.Dual(5.0, 0.0))
    assert float(d.primal) == pytest.approx(Y, abs=1e-12)
    assert float(d.tangent) == pytest.approx(DX1, abs=1e-12)
    d = f(wf.Dual(2.0, 0.0), wf.Dual(5.0, 1.0))
    assert float(d.tangent) == pytest.approx(DX2, abs=1e-12)
    # only the seeded input carries a tangent: the other may be a plain number
    d = f(wf.Dual(2.0, 1.0), 5.0)
    assert float(d.tangent) == pytest.approx(DX1, abs=1e-12)


def test_seed_f_jvp():
    out, t = wf.jvp(f, (2.0, 5.0), (1.0, 0.0))
    assert float(out) == pytest.approx(Y, abs=1e-12)
    assert float(t) == pytest.approx(DX1, abs=1e-12)
    _, t = wf.jvp(f, (2.0, 5.0), (0.0, 1.0))
    assert float(t) == pytest.approx(DX2, abs=1e-12)
    _, t = wf.jvp(f, (2.0, 5.0), (3.0, -2.0))  # linear in the tangent
    assert float(t) == pytest.approx(3 * DX1 - 2 * DX2, abs=1e-12)


def test_seed_f_torch_oracle():
    torch = pytest.importorskip("torch")
    a = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(5.0, dtype=torch.float64, requires_grad=True)
    (torch.log(a) + a * b - torch.sin(b)).backward()
    g1, g2 = wf.grad(f, argnums=(0, 1))(2.0, 5.0)
    assert float(g1) == pytest.approx(a.grad.item(), abs=1e-13)
    assert float(g2) == pytest.approx(b.grad.item(), abs=1e-13)


# ---------------------------------------------------------------- the 2x2 Jacobian at (1, 2)
@pytest.mark.parametrize("jac", [wf.jacrev, wf.jacfwd], ids=["jacrev", "jacfwd"])
def test_seed_jacobian_transforms(jac):
    J = jac(g)(wf.tensor([1.0, 2.0]))
    assert J.shape == (2, 2)
    np.testing.assert_allclose(np.asarray(J), JAC, atol=1e-12)


@pytest.mark.parametrize("mode", ["auto", "forward", "reverse"])
def test_seed_jacobian_modes(mode):
    J = wf.jacobian(g, wf.tensor([1.0, 2.0]), mode=mode)
    np.testing.assert_allclose(np.asarray(J), JAC, atol=1e-12)
    J = wf.jacobian(g, np.array([1.0, 2.0]), mode=mode)
    np.testing.assert_allclose(np.asarray(J), JAC, atol=1e-12)


def test_seed_jacobian_backward_ones():
    x = wf.tensor([1.0, 2.0], requires_grad=True)
    y = g(x)
    np.testing.assert_allclose(np.asarray(y), [5.0, 19.0])
    y.backward(wf.ones_like(y))
    np.testing.assert_allclose(np.asarray(x.grad), [5.0, 18.0], atol=1e-12)
    assert repr(x.grad) == "tensor([ 5., 18.])"


def test_seed_jacobian_vjp_jvp():
    _, vjp_fn = wf.vjp(g, wf.tensor([1.0, 2.0]))
    (ct,) = vjp_fn(wf.ones(2))
    np.testing.assert_allclose(np.asarray(ct), [5.0, 18.0])
    (ct,) = vjp_fn(np.array([0.0, 1.0]))
    np.testing.assert_allclose(np.asarray(ct), JAC[1])
    _, t = wf.jvp(g, (wf.tensor([1.0, 2.0]),), (wf.tensor([1.0, 0.0]),))
    np.testing.assert_allclose(np.asarray(t), JAC[:, 0])


# ---------------------------------------------------------------- x = arange(4.0)
def test_seed_arange_dot():
    x = wf.arange(4.0, requires_grad=True)
    assert x.grad is None
    y = 2 * wf.dot(x, x)
    assert float(y) == 28.0
    assert repr(y) == "tensor(28., grad_fn=<MulBackward>)"
    y.backward()
    np.testing.assert_array_equal(np.asarray(x.grad), 4 * np.arange(4.0))
    np.testing.assert_array_equal(np.asarray(wf.grad(lambda x: 2 * wf.dot(x, x))(x)),
                                  4 * np.arange(4.0))


def test_seed_accumulate_then_zero():
    x = wf.arange(4.0, requires_grad=True)
    (2 * wf.dot(x, x)).backward()
    (2 * wf.dot(x, x)).backward()
    np.testing.assert_array_equal(np.asarray(x.grad), 8 * np.arange(4.0))
    grad_obj = x.grad
    x.grad.zero_()
    np.testing.assert_array_equal(np.asarray(x.grad), np.zeros(4))
    (2 * wf.dot(x, x)).backward()
    np.testing.assert_array_equal(np.asarray(x.grad), 4 * np.arange(4.0))
    assert x.grad is grad_obj  # accumulated in place, like torch


def test_seed_detach():
    x = wf.arange(4.0, requires_grad=True)
    y = x * x
    u = y.detach()
    assert not u.requires_grad and u.grad_fn is None and u.is_leaf
    np.testing.assert_array_equal(np.asarray(u), np.asarray(y))
    (u * x).sum().backward()
    np.testing.assert_array_equal(np.asarray(x.grad), np.asarray(u))
    np.testing.assert_array_equal(np.asarray(x.grad), [0.0, 1.0, 4.0, 9.0])


def test_seed_backward_ones_like_square():
    x = wf.arange(4.0, requires_grad=True)
    y = x * x
    y.backward(wf.ones_like(y))
    np.testing.assert_array_equal(np.asarray(x.grad), 2 * np.arange(4.0))


# ---------------------------------------------------------------- the data-dependent loop
def loop(a):
    b = a * 2
    while wf.norm(b) < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


@pytest.mark.parametrize("a0", [0.3, -0.7, 1e-3, 2000.0])
def test_seed_loop_scalar(a0):
    a = wf.tensor(a0, requires_grad=True)
    d = loop(a)
    d.backward()
    # d = k * a for the k the control flow chose, so dd/da = d / a
    assert float(a.grad) == pytest.approx(float(d) / a0, rel=1e-12)
    k = 2.0
    while abs(k * a0) < 1000:
        k *= 2
    if a0 < 0:
        k *= 100
    assert float(a.grad) == k


def test_seed_loop_vector():
    rng = np.random.default_rng(0)
    a0 = rng.standard_normal(3)
    a = wf.tensor(a0, requires_grad=True)
    c = loop(a)
    v = wf.tensor([0.1, 1.0, 0.0001])
    c.backward(gradient=v)
    d = np.asarray(c) / a0  # the scale the loop chose, one number for every entry
    np.testing.assert_allclose(d, d[0])
    np.testing.assert_allclose(np.asarray(a.grad), d * np.asarray(v), rtol=1e-12)
    a.grad = None
    c2 = loop(a)
    c2.backward(gradient=wf.ones_like(c2))
    np.testing.assert_allclose(np.asarray(a.grad), np.asarray(c2) / a0, rtol=1e-12)


def test_seed_loop_torch_oracle():
    torch = pytest.importorskip("torch")
    a0 = np.array([0.2, -0.5, 0.9])
    at = torch.tensor(a0, requires_grad=True)
    b = at * 2
    while b.norm() < 1000:
        b = b * 2
    c = b if b.sum() > 0 else 100 * b
    v = np.array([0.1, 1.0, 0.0001])
    c.backward(gradient=torch.tensor(v))
    a = wf.tensor(a0, requires_grad=True)
    loop(a).backward(gradient=wf.tensor(v))
    np.testing.assert_allclose(np.asarray(a.grad), at.grad.numpy(), rtol=1e-14)
