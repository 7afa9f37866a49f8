"""The guided tour: every face of weifen on the classic examples, with its numbers.

Run it with ``weifen tour`` (or ``python -m weifen tour``). Each section prints what it
computes next to the closed form, so a reader can check every step.
"""
from __future__ import annotations

import math
import os
from typing import Callable

import numpy as np

import weifen as wf

SECTIONS: list[tuple[str, Callable[[str], None]]] = []  # each takes the picture folder


def section(title: str) -> Callable[[Callable[[str], None]], Callable[[str], None]]:
    def deco(fn: Callable[[str], None]) -> Callable[[str], None]:
        SECTIONS.append((title, fn))
        return fn

    return deco


def f_seed(x1, x2):
    """The running example of Griewank & Walther / Baydin et al.: ln x1 + x1 x2 - sin x2."""
    return wf.log(x1) + x1 * x2 - wf.sin(x2)


@section("1. Eager reverse mode (the PyTorch face)")
def eager(out: str) -> None:
    x1 = wf.tensor(2.0, requires_grad=True)
    x2 = wf.tensor(5.0, requires_grad=True)
    y = f_seed(x1, x2)
    print(f"y = ln x1 + x1*x2 - sin x2 at (2, 5):  {y}")
    y.backward()
    print(f"dy/dx1 = {x1.grad}   (closed form 1/x1 + x2 = 5.5)")
    print(f"dy/dx2 = {x2.grad}   (closed form x1 - cos x2 = {2 - math.cos(5):.6f})")

    x = wf.tensor([1.0, 2.0], requires_grad=True)
    y = wf.stack([x[0] ** 2 + 2 * x[1], 3 * x[0] + 4 * x[1] ** 2])
    y.backward(wf.ones_like(y))
    print(f"\nf(x) = [x1^2 + 2 x2, 3 x1 + 4 x2^2] at (1, 2): y = {y}")
    print(f"y.backward(ones) gives x.grad = {x.grad}   (= ones @ J = [5, 18])")

    x = wf.arange(4.0, requires_grad=True)
    (2 * wf.dot(x, x)).backward()
    print(f"\nx = {x}:  grad of 2 x.x = {x.grad}  (= 4x)")
    (2 * wf.dot(x, x)).backward()
    print(f"a second backward accumulates: {x.grad}")
    x.grad.zero_()
    print(f"after x.grad.zero_(): {x.grad}")

    a = wf.tensor([0.3, -0.2, 0.7], requires_grad=True)
    b = a * 2
    while wf.norm(b) < 1000:
        b = b * 2
    c = b if b.sum() > 0 else 100 * b
    c.backward(wf.ones_like(c))
    print(f"\ndata-dependent loop (double b until |b| > 1000): a.grad = {a.grad}"
          f" == c/a = {np.asarray(c.detach()) / np.asarray(a.detach())}")


@section("2. Function transforms (the JAX face)")
def transforms(out: str) -> None:
    v, (g1, g2) = wf.value_and_grad(f_seed, argnums=(0, 1))(2.0, 5.0)
    print(f"value_and_grad(f, argnums=(0, 1))(2., 5.) = {float(v):.6f}, "
          f"({float(g1):.6f}, {float(g2):.6f})")
    F = lambda x: wf.stack([x[0] ** 2 + 2 * x[1], 3 * x[0] + 4 * x[1] ** 2])  # noqa: E731
    print(f"jacrev(F)(1, 2) =\n{wf.jacrev(F)(wf.tensor([1.0, 2.0]))}")
    print(f"jacfwd(F)(1, 2) =\n{wf.jacfwd(F)(wf.tensor([1.0, 2.0]))}")
    H = wf.hessian(lambda x: (x ** 3).sum())(wf.tensor([1.0, 2.0]))
    print(f"hessian of sum(x^3) at (1, 2) =\n{H}")
    d3 = wf.grad(wf.grad(wf.grad(lambda x: x ** 4)))(2.0)
    print(f"grad(grad(grad(x^4)))(2) = {float(d3)}  (= 24 x = 48)")
    conf = wf.grad(lambda x: x * wf.grad(lambda y: x + y)(1.0))(1.0)
    print(f"perturbation confusion d/dx[x * d/dy(x + y)] at 1 = {float(conf)} (correct: 1)")


@section("3. Forward mode with dual numbers")
def duals(out: str) -> None:
    y = f_seed(wf.Dual(2.0, 1.0), wf.Dual(5.0, 0.0))
    print(f"f(Dual(2, 1), Dual(5, 0)) = {float(y.primal):.6f} + {float(y.tangent):.6f} eps"
          "   (the tangent is dy/dx1)")
    h = wf.sin(wf.Dual(wf.Dual(1.0, 1.0), 1.0))
    print(f"sin of the hyper-dual 1 + e1 + e2: f' = {float(h.primal.tangent):.6f} "
          f"(cos 1 = {math.cos(1):.6f}), f'' = {float(h.tangent.tangent):.6f} "
          f"(-sin 1 = {-math.sin(1):.6f})")
    out, t = wf.jvp(f_seed, (2.0, 5.0), (1.0, 0.0))
    print(f"jvp(f, (2, 5), (1, 0)) = ({float(out):.6f}, {float(t):.6f})")


@section("4. Batching: vmap, per-example gradients, Jacobians in one pass")
def batching(out: str) -> None:
    rng = np.random.default_rng(0)
    w = rng.standard_normal(3)
    xs = rng.standard_normal((4, 3))
    ys = rng.standard_normal(4)

    def loss(w, x, y):
        return (wf.dot(w, x) - y) ** 2

    per_example = wf.vmap(wf.grad(loss), in_axes=(None, 0, 0))(w, xs, ys)
    by_hand = 2 * (xs @ w - ys)[:, None] * xs
    print(f"vmap(grad(loss), in_axes=(None, 0, 0)): per-example gradients, shape "
          f"{per_example.shape}; max error against the closed form "
          f"{np.abs(np.asarray(per_example) - by_hand).max():.1e}")
    W = rng.standard_normal((5, 5))
    f = lambda x: wf.tanh(W @ x)  # noqa: E731
    x = rng.standard_normal(5)
    J = np.asarray(wf.jacrev(f)(x))
    exact = (1 - np.tanh(W @ x) ** 2)[:, None] * W
    print(f"jacrev of tanh(W x), one batched backward pass: error {np.abs(J - exact).max():.1e};"
          f" jacfwd agrees to {np.abs(np.asarray(wf.jacfwd(f)(x)) - J).max():.1e}")


@section("5. Custom rules and checkpointing")
def custom(out: str) -> None:
    @wf.custom_vjp
    def clip_gradient(x):
        return x

    clip_gradient.defvjp(lambda x: (x, None), lambda _, g: (wf.clip(g, -1.0, 1.0),))
    g = wf.grad(lambda x: (3.0 * clip_gradient(x)) ** 2)(2.0)
    print(f"custom_vjp that clips the gradient reaching it: d/dx (3x)^2 at 2 would be 36; "
          f"the cotangent 36 reaching clip_gradient is clipped to 1, so grad = {float(g)}")

    @wf.custom_jvp
    def softplus(x):
        return wf.log1p(wf.exp(x))

    softplus.defjvp(lambda p, t: (softplus(*p), wf.sigmoid(p[0]) * t[0]))
    print(f"custom_jvp softplus: grad at 0 = {float(wf.grad(softplus)(0.0))} (sigmoid 0 = 0.5), "
          "the reverse rule obtained by transposing the forward one")
    layer = wf.checkpoint(lambda h: wf.tanh(h * 0.9 + 0.1))
    deep = lambda x: layer(layer(layer(x))).sum()  # noqa: E731
    print(f"checkpointed 3-layer net: grad = {wf.grad(deep)(wf.ones(2))} (recomputed in backward)")


@section("6. Numerical differentiation")
def numeric(out: str) -> None:
    import weifen.numeric as num

    x = 1.0
    exact = math.cos(x)
    for method in ("forward", "backward", "central"):
        d = float(num.derivative(math.sin, x, method=method))
        print(f"{method:>8} difference of sin at 1: {d:.12f}   error {abs(d - exact):.1e}")
    d = float(num.derivative(math.sin, x, richardson=True))
    print(f"  Richardson extrapolation:       {d:.12f}   error {abs(d - exact):.1e}")
    ok = wf.gradcheck(lambda a, b: f_seed(a, b), (wf.tensor(2.0), wf.tensor(5.0)))
    print(f"gradcheck(f, (2, 5)) = {ok}")


@section("7. Static graphs: define, then run (the CSE599G1 interface)")
def static_graph(out: str) -> None:
    from weifen import graph as ad

    x2, x3 = ad.Variable(name="x2"), ad.Variable(name="x3")
    y = x2 * x3 + ad.exp(x2)
    g2, g3 = ad.gradients(y, [x2, x3])
    (g22,) = ad.gradients(g2, [x2])
    print(f"y = {y}   (nodes only: nothing computed yet)")
    vals = ad.Executor([y, g2, g3, g22]).run(feed_dict={x2: np.ones(3), x3: 3 * np.ones(3)})
    for name, v in zip(("y", "dy/dx2", "dy/dx3", "d2y/dx2^2"), vals):
        print(f"{name:>10} = {v}")
    print(f"closed forms: y = 3 + e, dy/dx2 = 3 + e, dy/dx3 = 1, d2y/dx2^2 = e = {math.e:.6f}")


@section("8. Seeing the computation: trace tables (Griewank & Walther's numbering)")
def traces(out: str) -> None:
    t = wf.viz.trace(f_seed, 2.0, 5.0)
    print("evaluation trace:")
    print(t.forward_table())
    print("\ntangent trace, seeded on x1 (forward mode):")
    print(t.tangent_table(wrt="x1"))
    print("\nadjoint trace (reverse mode):")
    print(t.adjoint_table())
    path = os.path.join(out, "trace.svg")
    t.to_svg(path)
    print(f"\nthe computational graph: {path}")


@section("9. Training a small model (wf.nn, wf.optim)")
def training(out: str) -> None:
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, (128, 1))
    Y = np.sin(X)
    np.random.seed(0)
    net = wf.nn.Sequential(wf.nn.Linear(1, 32), wf.nn.Tanh(), wf.nn.Linear(32, 1))
    opt = wf.optim.Adam(net.parameters(), lr=0.02)
    for step in range(301):
        opt.zero_grad()
        loss = wf.nn.MSELoss()(net(wf.tensor(X)), wf.tensor(Y))
        loss.backward()
        opt.step()
        if step % 100 == 0:
            print(f"step {step:3d}: mean squared error fitting sin(x) = {float(loss):.5f}")


def run(out: str = "tour-out") -> None:
    os.makedirs(out, exist_ok=True)
    np.set_printoptions(precision=6, suppress=True)
    for title, fn in SECTIONS:
        print(f"\n{'=' * 78}\n{title}\n{'=' * 78}")
        fn(out)
    print(f"\nThe tour is done (pictures, when a section draws any, are in {out}/).")
