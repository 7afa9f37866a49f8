"""Logistic regression on scikit-learn's breast-cancer data, eager and static-graph side by side.

The 569 tumours (30 features each, standardised with the training set's statistics) are
split 75/25 (``random_state=0``). The model is ``p = sigmoid(X w + b)``, the loss the mean
cross-entropy, written once as ``mean_logistic_loss(z, y)``; full-batch gradient descent
fits it twice:

* **eager** (the PyTorch face): ``w`` and ``b`` are Tensors with ``requires_grad``, each
  step runs the loss, ``.backward()`` and ``wf.optim.SGD.step()``;
* **static graph** (the CSE599G1 face, ``wf.graph``): the same loss is staged on
  ``Variable`` nodes (given shapes, so that ``wf.sum`` stages), ``gradients(loss, [w, b])``
  adds the backward nodes once, and an ``Executor`` runs loss and gradients for each step,
  the update done in NumPy.

Both start from zero with the same rate, so their losses agree step by step (to rounding).

    python examples/logistic_regression.py            # 500 steps
    python examples/logistic_regression.py --quick    # 100 steps
"""
from __future__ import annotations

import os
import time

from _common import parse_args, progress, save_plot  # first: it pins BLAS to one thread
import numpy as np  # noqa: I001

import weifen as wf
from weifen import graph as ad


def mean_logistic_loss(z, y, n: int):
    """Mean cross-entropy of logits ``z`` against labels ``y`` in {0, 1}:
    ``log(1 + e^z) - y z`` averaged. Works on Tensors and on graph nodes alike."""
    return wf.sum(wf.log(1 + wf.exp(z)) - y * z) * (1.0 / n)


def load_data(seed: int = 0) -> tuple:
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    d = load_breast_cancer()
    Xtr, Xte, ytr, yte = train_test_split(d.data, d.target.astype(np.float64),
                                          test_size=0.25, random_state=seed)
    mu, sd = Xtr.mean(axis=0), Xtr.std(axis=0)
    return (Xtr - mu) / sd, (Xte - mu) / sd, ytr, yte


def fit_eager(X: np.ndarray, y: np.ndarray, steps: int, lr: float) -> tuple:
    """Tensors, ``.backward()`` and ``wf.optim.SGD``; returns ``(w, b, losses)``."""
    w = wf.zeros(X.shape[1], requires_grad=True)
    b = wf.zeros((), requires_grad=True)
    opt = wf.optim.SGD([w, b], lr=lr)
    Xt, yt = wf.tensor(X), wf.tensor(y)
    losses = []
    for _ in progress(range(steps), "eager "):
        opt.zero_grad()
        loss = mean_logistic_loss(Xt @ w + b, yt, len(y))
        loss.backward()
        opt.step()
        losses.append(float(loss))
    return w.detach().numpy(), float(b), losses


def fit_graph(X: np.ndarray, y: np.ndarray, steps: int, lr: float) -> tuple:
    """``wf.graph``: build once, run many times; returns ``(w, b, losses)``."""
    f64 = np.float64  # typed variables, so that shape-reading ops (wf.sum) stage too
    xv, yv = ad.Variable("X", shape=X.shape, dtype=f64), ad.Variable("y", y.shape, f64)
    wv, bv = ad.Variable("w", shape=X.shape[1:], dtype=f64), ad.Variable("b", (), f64)
    loss = mean_logistic_loss(xv @ wv + bv, yv, len(y))
    grad_w, grad_b = ad.gradients(loss, [wv, bv])
    executor = ad.Executor([loss, grad_w, grad_b])
    w, b = np.zeros(X.shape[1]), np.zeros(())
    losses = []
    for _ in progress(range(steps), "graph "):
        lv, gw, gb = executor.run(feed_dict={xv: X, yv: y, wv: w, bv: b})
        w, b = w - lr * gw, b - lr * gb
        losses.append(float(lv))
    return w, float(b), losses


def accuracy(w: np.ndarray, b: float, X: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(((X @ w + b) > 0) == (y > 0.5)))


def main(argv: list | None = None) -> dict:
    args = parse_args(__doc__, argv)
    Xtr, Xte, ytr, yte = load_data()
    steps, lr = (100 if args.quick else 500), 0.5
    print(f"breast cancer: {len(ytr)} training, {len(yte)} test tumours, {Xtr.shape[1]} "
          f"standardised features; full-batch gradient descent, rate {lr}, {steps} steps")
    t0 = time.perf_counter()
    we, be, le = fit_eager(Xtr, ytr, steps, lr)
    t1 = time.perf_counter()
    wg, bg, lg = fit_graph(Xtr, ytr, steps, lr)
    t2 = time.perf_counter()
    diff = float(np.max(np.abs(np.subtract(le, lg))))
    acc_e, acc_g = accuracy(we, be, Xte, yte), accuracy(wg, bg, Xte, yte)
    print(f"eager : loss {le[0]:.6f} -> {le[-1]:.6f}, test accuracy {acc_e:.2%} "
          f"({t1 - t0:.2f} s)")
    print(f"graph : loss {lg[0]:.6f} -> {lg[-1]:.6f}, test accuracy {acc_g:.2%} "
          f"({t2 - t1:.2f} s)")
    print(f"losses agree: max |eager - graph| over {steps} steps = {diff:.1e}; "
          f"max |w_eager - w_graph| = {np.max(np.abs(we - wg)):.1e}")

    def plot(plt):
        fig, ax = plt.subplots(figsize=(5.5, 3.8))
        ax.plot(le, lw=3, alpha=0.5, label="eager (Tensors + wf.optim.SGD)")
        ax.plot(lg, "k--", lw=1, label="static graph (wf.graph Executor)")
        ax.set(xlabel="step", ylabel="mean cross-entropy", yscale="log",
               title=f"breast cancer: test accuracy {acc_e:.1%}")
        ax.legend()
        return fig

    save_plot(plot, os.path.join(args.out, "logistic_regression_loss.png"))
    return {"eager": le, "graph": lg, "accuracy": acc_e}


if __name__ == "__main__":
    main()
