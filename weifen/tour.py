"""The guided tour: every face of weifen on the classic examples, with its numbers.

Run it with ``weifen tour`` (or ``python -m weifen tour``). Each section prints what it
computes next to the closed form, so a reader can check every step.
"""
from __future__ import annotations

import math
import os
import time
from typing import Any, Callable

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


def _timed(fn: Callable[[], Any], repeat: int = 5) -> tuple[Any, float]:
    """``fn()`` and the best of ``repeat`` wall-clock times, in seconds."""
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        v = fn()
        best = min(best, time.perf_counter() - t0)
    return v, best


def three_ways() -> list[tuple[str, float, float, float]]:
    """dy/dx1 of the seeds' function at (2, 5) five ways: ``(method, value, error, seconds)``.

    >>> rows = three_ways()
    >>> [r[0] for r in rows][:2]
    ['symbolic (wf.sym)', 'central difference']
    >>> all(abs(r[1] - 5.5) < 1e-6 for r in rows)
    True
    """
    from weifen import sym
    import weifen.numeric as num

    exact = 5.5  # 1/x1 + x2
    x1, x2 = sym.symbols("x1 x2")
    e = sym.from_function(f_seed, "x1", "x2")
    g = lambda t: f_seed(t, 5.0)  # noqa: E731
    rows = []
    v, t = _timed(lambda: float(sym.diff(e, x1).subs({x1: 2.0, x2: 5.0})))
    rows.append(("symbolic (wf.sym)", v, t))
    v, t = _timed(lambda: float(num.derivative(g, 2.0)))
    rows.append(("central difference", v, t))
    v, t = _timed(lambda: float(num.derivative(g, 2.0, richardson=True)))
    rows.append(("Richardson extrapolation", v, t))
    v, t = _timed(lambda: float(f_seed(wf.Dual(2.0, 1.0), wf.Dual(5.0, 0.0)).tangent))
    rows.append(("forward AD (dual numbers)", v, t))

    def reverse() -> float:
        a = wf.tensor(2.0, requires_grad=True)
        f_seed(a, wf.tensor(5.0)).backward()
        return float(a.grad)

    v, t = _timed(reverse)
    rows.append(("reverse AD (tape)", v, t))
    return [(m, v, abs(v - exact), t) for m, v, t in rows]


@section("10. Three ways to differentiate, side by side (dy/dx1 of the seeds' f at (2, 5))")
def compare(out: str) -> None:
    h = np.finfo(float).eps ** (1 / 3) * 2.0
    print("f(x1, x2) = ln x1 + x1 x2 - sin x2; exact dy/dx1 = 1/x1 + x2 = 5.5\n")
    print(f"{'method':<28}{'value':>20}{'error':>11}{'time':>12}")
    for m, v, err, t in three_ways():
        print(f"{m:<28}{v:>20.15f}{err:>11.1e}{t * 1e6:>9.0f} us")
    print(f"\n(the central difference used the step h = eps^(1/3) * max(1, |x1|) = {h:.2e}: "
          "truncation h^2 against rounding eps/h;\n Richardson cancels the h^2 term; AD is "
          "exact to rounding, and the symbolic derivative is 1/x1 + x2 itself)")


def logistic(n: int, x: Any) -> Any:
    """The logistic map's iterate l_n(x): l_1 = x, l_{k+1} = 4 l_k (1 - l_k).

    >>> from weifen import sym
    >>> x, = sym.symbols("x")
    >>> logistic(2, x)
    4*x*(1 - x)
    """
    v = x
    for _ in range(n - 1):
        v = 4 * v * (1 - v)
    return v


def swell_rows(n_max: int = 4) -> list[tuple[int, Any, Any, Any]]:
    """``(n, l_n, d l_n / dx, expanded derivative)`` for n = 1..n_max.

    >>> str(swell_rows(4)[-1][3]).split(" + ")[-1]
    '64'
    """
    from weifen import sym

    (x,) = sym.symbols("x")
    rows = []
    for n in range(1, n_max + 1):
        ln = logistic(n, x)
        d = sym.diff(ln, x)
        rows.append((n, ln, d, sym.expand(d)))
    return rows


@section("11. Expression swell: the logistic map l_{n+1} = 4 l_n (1 - l_n), l_1 = x")
def swell(out: str) -> None:
    from weifen import sym

    for n, ln, d, ex in swell_rows(4):
        print(f"n = {n}:  l_n = {ln}")
        shown = str(d)
        shown = shown if len(shown) <= 150 else shown[:147] + "..."
        print(f"        d l_n/dx naive ({d.tree_size()} nodes as a tree) = {shown}")
        print(f"        expanded = {ex}")
    print("\ncheck: d l_4/dx = 64(1 - 42x + 504x^2 - 2640x^3 + 7040x^4 - 9984x^5 + 7168x^6 "
          "- 2048x^7)")
    (x,) = sym.symbols("x")
    print(f"\n{'n':>3}{'tree size of d l_n/dx':>26}{'DAG size':>12}")
    for n in (1, 2, 3, 4, 5, 8, 12, 16, 20):
        d = sym.diff(logistic(n, x), x)
        print(f"{n:>3}{d.tree_size():>26,}{d.dag_size():>12,}")
    print("the tree (what printing costs) grows like 3^n; the shared DAG (what weifen stores, "
          "what AD evaluates) grows linearly")


@section("12. A Jacobian by forward mode (one column per pass) and reverse mode (one row)")
def jacobian(out: str) -> None:
    F = lambda x: wf.stack([x[0] ** 2 + 2 * x[1], 3 * x[0] + 4 * x[1] ** 2])  # noqa: E731
    x = np.array([1.0, 2.0])
    print("F(x1, x2) = [x1^2 + 2 x2, 3 x1 + 4 x2^2] at (1, 2); exact J = [[2, 2], [3, 16]]")
    cols = [np.asarray(wf.jvp(F, (x,), (e,))[1]) for e in np.eye(2)]
    print(f"forward: jvp with e1 gives column {cols[0]}, with e2 column {cols[1]}")
    _, vjp_fn = wf.vjp(F, x)
    rows = [np.asarray(vjp_fn(e)[0]) for e in np.eye(2)]
    print(f"reverse: vjp with e1 gives row    {rows[0]}, with e2 row    {rows[1]}")
    print(f"jacobian(F, x, mode='forward') =\n{np.asarray(wf.jacobian(F, x, mode='forward'))}")
    print(f"jacobian(F, x, mode='reverse') =\n{np.asarray(wf.jacobian(F, x, mode='reverse'))}")
    print("forward mode costs one pass per input, reverse one per output: n inputs and "
          "m outputs, pick the smaller")


def _progress(total: int, desc: str) -> Any:
    """A tqdm bar when tqdm is installed, else a plain one-line bar with ``update``,
    ``set_postfix_str`` and ``close``."""
    try:
        from tqdm import tqdm

        return tqdm(total=total, desc=desc, ncols=78, leave=True)
    except ImportError:
        return _PlainBar(total, desc)


class _PlainBar:
    def __init__(self, total: int, desc: str) -> None:
        self.total, self.desc, self.n, self.post = total, desc, 0, ""

    def update(self, k: int = 1) -> None:
        self.n += k
        if self.n % max(1, self.total // 20) == 0 or self.n == self.total:
            done = 30 * self.n // self.total
            print(f"\r{self.desc} [{'#' * done}{'.' * (30 - done)}] {self.n}/{self.total} "
                  f"{self.post}", end="", flush=True)

    def set_postfix_str(self, s: str, refresh: bool = True) -> None:
        self.post = s

    def close(self) -> None:
        print()


def train_logistic(steps: int = 300, lr: float = 0.5, seed: int = 0,
                   bar: bool = False) -> tuple[np.ndarray, list, np.ndarray, np.ndarray]:
    """Logistic regression on two Gaussian blobs, on a static graph (``wf.graph``):
    returns ``(weights, losses, X, y)``; the weights' last entry is the bias.

    >>> w, losses, X, y = train_logistic(steps=200)
    >>> losses[-1] < 0.2 < losses[0]
    True
    """
    from weifen import graph as ad

    rng = np.random.default_rng(seed)
    n = 100
    X = np.vstack([rng.normal((-1.0, -1.0), 0.8, (n, 2)), rng.normal((1.5, 1.0), 0.8, (n, 2))])
    y = np.r_[np.zeros(n), np.ones(n)][:, None]
    Xb = np.hstack([X, np.ones((2 * n, 1))])
    xv, yv, wv = ad.Variable(name="X"), ad.Variable(name="y"), ad.Variable(name="w")
    p = ad.sigmoid(ad.matmul(xv, wv))
    loss = ad.reduce_sum(-(yv * ad.log(p) + (1 - yv) * ad.log(1 - p))) * (1.0 / (2 * n))
    (grad_w,) = ad.gradients(loss, [wv])
    run = ad.Executor([loss, grad_w])
    w = np.zeros((3, 1))
    losses = []
    pb = _progress(steps, "training") if bar else None
    for _ in range(steps):
        lv, gv = run.run(feed_dict={xv: Xb, yv: y, wv: w})
        losses.append(float(lv))
        w = w - lr * gv
        if pb is not None:
            if len(losses) % 25 == 1:
                pb.set_postfix_str(f"loss {float(lv):.4f}", refresh=False)
            pb.update(1)
    if pb is not None:
        pb.close()
    return w[:, 0], losses, X, y[:, 0]


@section("13. The seeds' logistic regression on a static graph (define, then run)")
def logistic_regression(out: str) -> None:
    print("p = sigmoid(X w), loss = mean cross-entropy; gradients(loss, [w]) builds the "
          "backward graph once,\nan Executor runs both for each step of gradient descent")
    w, losses, X, y = train_logistic(bar=True)
    acc = float(np.mean(((X @ w[:2] + w[2]) > 0) == (y > 0.5)))
    print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f}; training accuracy {acc:.1%}; "
          f"boundary {w[0]:.3f} x1 {'-' if w[1] < 0 else '+'} {abs(w[1]):.3f} x2 "
          f"{'-' if w[2] < 0 else '+'} {abs(w[2]):.3f} = 0")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(pictures of the loss curve and the decision boundary need matplotlib: "
              "pip install weifen[plot])")
        return
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.plot(losses)
    ax.set(xlabel="step", ylabel="cross-entropy", title="logistic regression: loss")
    fig.tight_layout()
    loss_png = os.path.join(out, "logreg_loss.png")
    fig.savefig(loss_png, dpi=100, facecolor="white")
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(5, 4.5))
    ax.scatter(X[y == 0, 0], X[y == 0, 1], s=12, label="class 0")
    ax.scatter(X[y == 1, 0], X[y == 1, 1], s=12, label="class 1")
    xs = np.linspace(X[:, 0].min(), X[:, 0].max(), 2)
    ax.plot(xs, -(w[0] * xs + w[2]) / w[1], "k-", label="p = 0.5")
    ax.set(xlabel="x1", ylabel="x2", title="decision boundary")
    ax.legend()
    fig.tight_layout()
    bound_png = os.path.join(out, "logreg_boundary.png")
    fig.savefig(bound_png, dpi=100, facecolor="white")
    plt.close(fig)
    print(f"pictures: {loss_png}, {bound_png}")


@section("14. Compiled: jit traces once into a typed graph, optimises it, generates code")
def compiled(out: str) -> None:
    def chain(x):
        h = x
        for _ in range(30):
            h = wf.tanh(h * 0.9 + 0.1)
        return wf.sum(h)

    vg = wf.value_and_grad(chain)
    x = np.linspace(-1.0, 1.0, 16)
    g = wf.make_graph(wf.value_and_grad(lambda v: wf.sum(wf.tanh(v * 0.9 + 0.1))), x)
    print("the typed graph of value_and_grad(lambda v: sum(tanh(0.9 v + 0.1))), optimised:")
    print(g.optimize())
    fast = wf.jit(vg, backend="numpy")  # generated NumPy code; "auto" adds numba kernels
    (v1, g1), t_eager = _timed(lambda: vg(x), repeat=20)
    (v2, g2), t_jit = _timed(lambda: fast(x), repeat=20)
    err = float(np.max(np.abs(np.asarray(g1) - np.asarray(g2))))
    print(f"30 tanh layers on 16 numbers, value and gradient: eager {t_eager * 1e6:7.1f} us, "
          f"jit {t_jit * 1e6:7.1f} us (traced {fast.traces} time; max |difference| {err:.1e})")
    print("the first statements of the code it generated (one per node, into buffers):")
    print("\n".join([ln for ln in fast.source(x).splitlines() if "_B" not in ln][:5]))
    from weifen.transforms.jit import numba_available

    if numba_available():
        loops = wf.jit(vg)  # "auto": numba compiles the fused region into one loop
        loops(x)
        loops.ready()  # (otherwise it compiles in the background after a few calls)
        _, t_nb = _timed(lambda: loops(x), repeat=20)
        print(f"with numba (weifen[jit]), the forward and backward chain is one loop: "
              f"{t_nb * 1e6:.1f} us")
    else:
        print("pip install weifen[jit] (numba) compiles the fused chain into one loop")


def run(out: str = "tour-out") -> None:
    os.makedirs(out, exist_ok=True)
    np.set_printoptions(precision=6, suppress=True)
    for title, fn in SECTIONS:
        print(f"\n{'=' * 78}\n{title}\n{'=' * 78}")
        fn(out)
    print(f"\nThe tour is done (pictures, when a section draws any, are in {out}/).")
