"""Newton's method with the exact Hessian against gradient descent, on the Rosenbrock function.

    f(x, y) = (1 - x)^2 + 100 (y - x^2)^2,   minimum 0 at (1, 1),   start (-1.2, 1).

* **Newton**: ``H dx = -g`` with ``g = wf.grad(f)`` and ``H = wf.hessian(f)`` (forward over
  reverse, exact), full steps: ``f`` is not monotone on the way (it jumps to 1412 at the
  second step, out of the valley, and comes back); also, for comparison, Newton with a
  halving line search that never lets ``f`` rise (slower here: it has to follow the
  valley);
* **gradient descent**: ``x <- x - t g`` with a backtracking (Armijo) line search for ``t``
  (a fixed rate either diverges or crawls in the curved valley).

Both stop when ``|grad f| < 1e-8``; the iterations each needs are printed and plotted (the
loss on a log scale, and the paths on a contour plot of ``f``).

    python examples/newton_rosenbrock.py            # gradient descent up to 50000 steps
    python examples/newton_rosenbrock.py --quick    # gradient descent capped at 2000
"""
from __future__ import annotations

import os
import time

from _common import parse_args, progress, save_plot  # first: it pins BLAS to one thread
import numpy as np  # noqa: I001

import weifen as wf

TOL = 1e-8
START = np.array([-1.2, 1.0])


def rosenbrock(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


def newton(x0: np.ndarray, line_search: bool = False, max_iter: int = 100) -> tuple:
    """Newton steps with the exact Hessian (full steps, or halved until ``f`` does not rise
    with ``line_search``); returns ``(path, losses)``."""
    vg, hess = wf.value_and_grad(rosenbrock), wf.hessian(rosenbrock)
    x, path, losses = x0.copy(), [x0.copy()], []
    for _ in range(max_iter):
        f, g = vg(x)
        f, g = float(f), np.asarray(g)
        losses.append(f)
        if np.linalg.norm(g) < TOL:
            break
        dx = np.linalg.solve(np.asarray(hess(x)), -g)
        t = 1.0
        while line_search and float(rosenbrock(x + t * dx)) > f and t > 1e-8:
            t /= 2
        x = x + t * dx
        path.append(x.copy())
    return np.array(path), losses


def gradient_descent(x0: np.ndarray, max_iter: int) -> tuple:
    """Steepest descent with Armijo backtracking; returns ``(path, losses)``."""
    vg = wf.value_and_grad(rosenbrock)
    x, path, losses = x0.copy(), [x0.copy()], []
    t = 1e-3
    bar = progress(range(max_iter), "gradient descent")
    for _ in bar:
        f, g = vg(x)
        f, g = float(f), np.asarray(g)
        losses.append(f)
        gg = float(g @ g)
        if gg < TOL**2:
            break
        t *= 2  # try a longer step than last time, then backtrack
        while float(rosenbrock(x - t * g)) > f - 0.5 * t * gg:
            t /= 2
        x = x - t * g
        path.append(x.copy())
        if len(losses) % 500 == 0:
            bar.set_postfix_str(f"f {f:.2e}")
    if hasattr(bar, "close"):
        bar.close()
    return np.array(path), losses


def main(argv: list | None = None) -> dict:
    args = parse_args(__doc__, argv)
    H0 = np.asarray(wf.hessian(rosenbrock)(START))
    print(f"Rosenbrock from {START.tolist()}: f = {float(rosenbrock(START)):.4f}; "
          f"exact Hessian there (wf.hessian):\n{H0}")
    t0 = time.perf_counter()
    pn, ln = newton(START)
    t1 = time.perf_counter()
    pl, ll = newton(START, line_search=True)
    t1b = time.perf_counter()
    pg, lg = gradient_descent(START, 2000 if args.quick else 50000)
    t2 = time.perf_counter()
    it_n, it_l, it_g = len(ln) - 1, len(ll) - 1, len(lg) - 1
    print(f"Newton (exact Hessian, full steps): {it_n} iterations to |grad| < {TOL:g}, "
          f"x = {pn[-1].round(10).tolist()}, f = {ln[-1]:.1e} ({t1 - t0:.3f} s)")
    print("  f along the way: " + ", ".join(f"{v:.3g}" for v in ln))
    print(f"Newton with a line search (f never rises): {it_l} iterations, "
          f"f = {ll[-1]:.1e} ({t1b - t1:.3f} s)")
    done = np.linalg.norm(np.asarray(wf.grad(rosenbrock)(pg[-1]))) < TOL
    print(f"gradient descent (Armijo): {it_g} iterations"
          + (f" to |grad| < {TOL:g}" if done else f", stopped before |grad| < {TOL:g}")
          + f", x = {pg[-1].round(6).tolist()}, f = {lg[-1]:.1e} ({t2 - t1b:.2f} s)")

    def plot(plt):
        fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 4.2))
        ax.semilogy(range(len(lg)), np.maximum(lg, 1e-30), label=f"gradient descent ({it_g})")
        ax.semilogy(range(len(ll)), np.maximum(ll, 1e-30), ".-",
                    label=f"Newton + line search ({it_l})")
        ax.semilogy(range(len(ln)), np.maximum(ln, 1e-30), "o-", label=f"Newton ({it_n})")
        ax.set(xscale="symlog", xlabel="iteration", ylabel="f", title="loss to |grad| < 1e-8")
        ax.legend()
        xs, ys = np.meshgrid(np.linspace(-1.6, 1.6, 300), np.linspace(-3.4, 1.6, 300))
        F = (1 - xs) ** 2 + 100 * (ys - xs**2) ** 2
        ax2.contour(xs, ys, np.log10(F + 1e-3), levels=20, cmap="Greys", linewidths=0.6)
        ax2.plot(pg[:, 0], pg[:, 1], "-", lw=1, label="gradient descent")
        ax2.plot(pl[:, 0], pl[:, 1], ".-", ms=4, label="Newton + line search")
        ax2.plot(pn[:, 0], pn[:, 1], "o-", ms=4, label="Newton")
        ax2.plot(1, 1, "r*", ms=12)
        ax2.set(xlabel="x", ylabel="y", title="paths from (-1.2, 1)")
        ax2.legend(fontsize=8)
        return fig

    save_plot(plot, os.path.join(args.out, "newton_rosenbrock.png"))
    return {"newton": it_n, "newton_ls": it_l, "gd": it_g}


if __name__ == "__main__":
    main()
