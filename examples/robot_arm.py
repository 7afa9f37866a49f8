"""A planar robot arm: its Jacobian by forward and by reverse mode, and inverse kinematics.

An arm of ``n`` links of length ``1/n`` (reach 1) turns joint ``i`` by ``q_i`` relative to
the link before; the end effector sits at

    x = sum_i L cos(phi_i),  y = sum_i L sin(phi_i),  phi = cumsum(q).

Three parts:

1. the 2 x n Jacobian d(x, y)/dq by ``wf.jacfwd`` (forward mode: n tangents pushed through,
   one per joint) and by ``wf.jacrev`` (reverse mode: 2 cotangents pulled back, one per
   coordinate), checked against each other and against the closed form
   ``J[:, j] = sum_{i >= j} L (-sin phi_i, cos phi_i)``;
2. their cost as n grows (medians of interleaved repeats), and the one-column-at-a-time
   versions (n ``wf.jvp`` calls against 2 ``wf.vjp`` pulls), with the crossover plotted;
3. inverse kinematics by damped least squares (Levenberg-Marquardt style):
   ``dq = J^T (J J^T + lambda^2 I)^{-1} e`` with ``e`` = target - position, until the
   residual is below 1e-10, printing it at each iteration and drawing the arm.

    python examples/robot_arm.py           # n = 2 .. 1024, about 15 s
    python examples/robot_arm.py --quick   # n = 2 .. 64
"""
from __future__ import annotations

import os
import statistics
import time

from _common import parse_args, save_plot  # first: it pins BLAS to one thread
import numpy as np  # noqa: I001

import weifen as wf


def end_effector(q):
    """(x, y) of the arm's tip for joint angles ``q`` (shape (n,)), links of length 1/n."""
    n = q.shape[0]
    phi = wf.cumsum(q)
    return wf.stack([wf.sum(wf.cos(phi)), wf.sum(wf.sin(phi))]) * (1.0 / n)


def joints(q: np.ndarray) -> np.ndarray:
    """The (n + 1, 2) positions of the base, every joint and the tip (for drawing)."""
    phi = np.cumsum(q)
    steps = np.stack([np.cos(phi), np.sin(phi)], axis=1) / len(q)
    return np.vstack([np.zeros(2), np.cumsum(steps, axis=0)])


def jacobian_closed_form(q: np.ndarray) -> np.ndarray:
    phi = np.cumsum(q)
    L = 1.0 / len(q)
    # column j: the tail sums from link j to the tip
    return np.stack([np.cumsum((-L * np.sin(phi))[::-1])[::-1],
                     np.cumsum((L * np.cos(phi))[::-1])[::-1]])


# ---------------------------------------------------------------------------- timing
# this process's CPU time: other processes on a busy machine do not inflate it (one BLAS
# thread, so it is the time of the one thread doing the work)
clock = time.process_time


def _per_call(fn, target_s: float = 0.01) -> int:
    """How many calls of ``fn`` fill about ``target_s`` (at least 1)."""
    t = clock()
    for _ in range(3):
        fn()
    return max(1, int(target_s / max((clock() - t) / 3, 1e-7)))


def time_interleaved(fns: dict, rounds: int, target_s: float) -> dict:
    """Median seconds per call of each function, measured round-robin (order rotating),
    so that noise from other processes hits all of them alike."""
    for fn in fns.values():
        fn()  # warm up (first-call costs: caches, imports)
    inner = {k: _per_call(fn, target_s) for k, fn in fns.items()}
    times: dict = {k: [] for k in fns}
    names = list(fns)
    for r in range(rounds):
        for k in names[r % len(names):] + names[:r % len(names)]:
            t = clock()
            for _ in range(inner[k]):
                fns[k]()
            times[k].append((clock() - t) / inner[k])
    return {k: statistics.median(v) for k, v in times.items()}


def columns_forward(q: np.ndarray) -> np.ndarray:
    """The Jacobian one column at a time: n forward passes (``wf.jvp``), one per joint."""
    eye = np.eye(len(q))
    return np.stack([np.asarray(wf.jvp(end_effector, (q,), (eye[j],))[1])
                     for j in range(len(q))], axis=1)


def rows_reverse(q: np.ndarray) -> np.ndarray:
    """The Jacobian one row at a time: one recorded forward pass, 2 pulls (``wf.vjp``)."""
    _, pull = wf.vjp(end_effector, q)
    return np.stack([np.asarray(pull(np.array(e))[0]) for e in ([1.0, 0.0], [0.0, 1.0])])


def crossover(ns: list, fwd: list, rev: list) -> int | None:
    """The smallest n from which reverse mode is faster at every larger n measured."""
    for i, n in enumerate(ns):
        if all(r < f for f, r in zip(fwd[i:], rev[i:])):
            return n
    return None


def timing_study(ns: list, ns_loop: list, rounds: int, target_s: float) -> dict:
    jf, jr = wf.jacfwd(end_effector), wf.jacrev(end_effector)
    out: dict = {"fwd": [], "rev": [], "fwd_loop": [], "rev_loop": []}
    rng = np.random.default_rng(1)
    print(f"{'n':>6} {'jacfwd':>10} {'jacrev':>10} {'fwd/rev':>8}   "
          f"{'n x jvp':>10} {'2 x vjp':>10} {'fwd/rev':>8}")
    for n in ns:
        q = rng.uniform(-1, 1, n)
        fns = {"fwd": lambda: jf(q), "rev": lambda: jr(q)}
        if n in ns_loop:
            fns.update(fwd_loop=lambda: columns_forward(q), rev_loop=lambda: rows_reverse(q))
        t = time_interleaved(fns, rounds, target_s)
        for k in out:
            out[k].append(t.get(k, np.nan))
        line = f"{n:>6} {t['fwd'] * 1e6:>8.0f}us {t['rev'] * 1e6:>8.0f}us " \
               f"{t['fwd'] / t['rev']:>8.2f}"
        if n in ns_loop:
            line += (f"   {t['fwd_loop'] * 1e6:>8.0f}us {t['rev_loop'] * 1e6:>8.0f}us "
                     f"{t['fwd_loop'] / t['rev_loop']:>8.2f}")
        print(line, flush=True)
    return out


# ---------------------------------------------------------------------------- IK
def inverse_kinematics(q0: np.ndarray, target: np.ndarray, lam: float = 0.05,
                       tol: float = 1e-10, max_iter: int = 100) -> tuple:
    """Damped least squares from ``q0`` to ``target``; returns ``(qs, residuals)``."""
    jac = wf.jacrev(end_effector)
    q = q0.copy()
    qs, res = [q.copy()], []
    for it in range(max_iter):
        e = target - np.asarray(end_effector(q))
        res.append(float(np.linalg.norm(e)))
        print(f"  iteration {it:2d}: |target - tip| = {res[-1]:.3e}")
        if res[-1] < tol:
            break
        J = np.asarray(jac(q))
        q = q + J.T @ np.linalg.solve(J @ J.T + lam**2 * np.eye(2), e)
        qs.append(q.copy())
    return qs, res


def main(argv: list | None = None) -> dict:
    args = parse_args(__doc__, argv)
    # 1. the Jacobian, three ways
    q = np.random.default_rng(0).uniform(-1, 1, 7)
    Jf = np.asarray(wf.jacfwd(end_effector)(q))
    Jr = np.asarray(wf.jacrev(end_effector)(q))
    Jc = jacobian_closed_form(q)
    print(f"arm of 7 joints: Jacobian {Jf.shape}; max |jacfwd - jacrev| = "
          f"{np.max(np.abs(Jf - Jr)):.1e}, max |jacrev - closed form| = "
          f"{np.max(np.abs(Jr - Jc)):.1e}")
    assert np.allclose(Jf, Jr, atol=1e-12) and np.allclose(Jr, Jc, atol=1e-12)

    # 2. forward against reverse as n grows
    top = 64 if args.quick else 1024
    ns = [2 ** k for k in range(1, int(np.log2(top)) + 1)]
    ns_loop = [n for n in ns if n <= (16 if args.quick else 128)]
    rounds, target_s = (3, 0.003) if args.quick else (9, 0.02)
    print(f"\ntiming (CPU time of this process), median of {rounds} interleaved rounds per n "
          "(one BLAS thread):")
    t = timing_study(ns, ns_loop, rounds, target_s)
    nx = crossover(ns, t["fwd"], t["rev"])
    nx_loop = crossover(ns_loop, t["fwd_loop"][:len(ns_loop)], t["rev_loop"][:len(ns_loop)])
    print("\nForward mode pushes one tangent per input (n of them), reverse mode pulls one "
          "cotangent per\noutput (2 of them) after recording the forward pass. So the cost "
          "of jacfwd grows like\nn x cost(f) and that of jacrev like 2 x cost(f) plus the tape; "
          "forward wins while n is small\n(no tape to record and replay), reverse once n "
          "tangents outweigh 2 cotangents.")
    print("crossover (batched, jacfwd vs jacrev): "
          + (f"reverse mode is faster from n = {nx} on" if nx else
             f"none up to n = {ns[-1]}: forward mode stayed faster"))
    print("crossover (one column / row per call, n x jvp vs 2 x vjp): "
          + (f"reverse mode is faster from n = {nx_loop} on" if nx_loop else
             f"none up to n = {ns_loop[-1]}"))

    def plot_timing(plt):
        fig, ax = plt.subplots(figsize=(6.5, 4.2))
        ax.loglog(ns, t["fwd"], "o-", label="wf.jacfwd (n tangents, batched)")
        ax.loglog(ns, t["rev"], "s-", label="wf.jacrev (2 cotangents, batched)")
        m = len(ns_loop)
        ax.loglog(ns_loop, t["fwd_loop"][:m], "o--", alpha=0.6, label="n calls of wf.jvp")
        ax.loglog(ns_loop, t["rev_loop"][:m], "s--", alpha=0.6, label="2 pulls of wf.vjp")
        if nx:
            ax.axvline(nx, color="gray", lw=0.8)
            ax.annotate(f"reverse wins from n = {nx}", (nx, ax.get_ylim()[1]),
                        ha="right", va="top", rotation=90, fontsize=8)
        ax.set(xlabel="joints n (inputs; outputs stay 2)", ylabel="seconds per Jacobian",
               title="2 x n Jacobian: forward ~ n x cost(f), reverse ~ 2 x cost(f)")
        ax.legend(fontsize=8)
        return fig

    save_plot(plot_timing, os.path.join(args.out, "robot_arm_jacobian_timing.png"))

    # 3. inverse kinematics
    n, target = 8, np.array([0.35, 0.55])
    q0 = np.full(n, 0.25)
    print(f"\ninverse kinematics: {n} joints from q = 0.25 rad each to target {target.tolist()}"
          f", damped least squares (lambda = 0.05):")
    qs, res = inverse_kinematics(q0, target)
    print(f"reached the target in {len(res) - 1} iterations (residual {res[-1]:.1e})")

    def plot_arm(plt):
        fig, (ax, ax2) = plt.subplots(1, 2, figsize=(9, 4.2))
        show = sorted(set([0, 1, 2, 3, len(qs) - 1]))
        for k in show:
            P = joints(qs[k])
            ax.plot(P[:, 0], P[:, 1], "o-", ms=3, alpha=0.35 + 0.65 * k / max(show),
                    label=f"iteration {k}")
        ax.plot(*target, "r*", ms=14, label="target")
        ax.set(aspect="equal", xlabel="x", ylabel="y", title="arm configurations")
        ax.legend(fontsize=8)
        ax2.semilogy(res, "o-")
        ax2.set(xlabel="iteration", ylabel="|target - tip|", title="residual")
        return fig

    save_plot(plot_arm, os.path.join(args.out, "robot_arm_ik.png"))
    return {"ns": ns, "timing": t, "crossover": nx, "ik_iterations": len(res) - 1}


if __name__ == "__main__":
    main()
