"""GPU benchmark (issue 14, 5b), side by side in one process, float32:

(1) one SGD step of a 784-4096-4096-10 MLP (ReLU, softmax cross-entropy), batch 1024:
    weifen on CuPy vs torch CUDA vs the same step written by hand in CuPy
    (targets: <= 1.1x torch, <= 1.05x hand CuPy);
(2) a 4096x4096 tanh layer on 256 columns, forward and backward: weifen vs hand CuPy
    (target: <= 1.2x). H100 reference: torch 2.74 ms, hand CuPy 2.89 ms, tanh layer 0.37 ms.

    python benchmarks/bench_gpu.py [--reps 50]
Needs CuPy and a CUDA device (torch CUDA optional: its column is skipped without it).
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import weifen as wf


def _timer(cp, fn, reps: int) -> float:
    """Median milliseconds of ``fn()`` over ``reps`` runs, synchronising the device."""
    for _ in range(3):
        fn()
    cp.cuda.Device().synchronize()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        cp.cuda.Device().synchronize()
        ts.append((time.perf_counter() - t) * 1e3)
    return statistics.median(ts)


def mlp_params(xp, rng, sizes=(784, 4096, 4096, 10)):
    ps = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        ps.append(xp.asarray((rng.standard_normal((a, b)) / np.sqrt(a)).astype(np.float32)))
        ps.append(xp.zeros(b, dtype=np.float32))
    return ps


def hand_step(cp, ps, X, Y, lr=0.01):
    """Forward, backward and SGD update of the MLP, by hand in CuPy."""
    W1, b1, W2, b2, W3, b3 = ps
    h1 = cp.maximum(X @ W1 + b1, 0)
    h2 = cp.maximum(h1 @ W2 + b2, 0)
    z = h2 @ W3 + b3
    z = z - z.max(axis=1, keepdims=True)
    p = cp.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    dz = (p - Y) / X.shape[0]
    g3, gb3 = h2.T @ dz, dz.sum(0)
    d2 = (dz @ W3.T) * (h2 > 0)
    g2, gb2 = h1.T @ d2, d2.sum(0)
    d1 = (d2 @ W2.T) * (h1 > 0)
    g1, gb1 = X.T @ d1, d1.sum(0)
    for w, g in zip(ps, (g1, gb1, g2, gb2, g3, gb3)):
        w -= lr * g


def wf_loss(ps, X, Y):
    W1, b1, W2, b2, W3, b3 = ps
    h = wf.relu(X @ W1 + b1)
    h = wf.relu(h @ W2 + b2)
    z = h @ W3 + b3
    return -wf.sum(Y * wf.log_softmax(z, axis=1)) / X.shape[0]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=50)
    a = ap.parse_args(argv)
    import cupy as cp

    rng = np.random.default_rng(0)
    X = cp.asarray(rng.standard_normal((1024, 784)).astype(np.float32))
    Y = cp.asarray(np.eye(10, dtype=np.float32)[rng.integers(0, 10, 1024)])
    hand_ps = mlp_params(cp, rng)
    wf_ps = [wf.tensor(p.copy(), requires_grad=True) for p in hand_ps]
    opt = wf.optim.SGD(wf_ps, lr=0.01)

    def wf_step():
        opt.zero_grad()
        wf_loss(wf_ps, X, Y).backward()
        opt.step()

    rows = []
    rounds = {"weifen/CuPy": [], "hand CuPy": [], "torch CUDA": []}
    try:
        import torch
        assert torch.cuda.is_available()
        tps = [torch.as_tensor(p.copy(), device="cuda").requires_grad_() for p in hand_ps]
        tX, tY = torch.as_tensor(X, device="cuda"), torch.as_tensor(Y, device="cuda")
        topt = torch.optim.SGD(tps, lr=0.01)

        def torch_step():
            topt.zero_grad()
            W1, b1, W2, b2, W3, b3 = tps
            h = torch.relu(tX @ W1 + b1)
            h = torch.relu(h @ W2 + b2)
            z = h @ W3 + b3
            (-(tY * torch.log_softmax(z, 1)).sum() / 1024).backward()
            topt.step()
    except (ImportError, AssertionError):
        torch_step = None
    for _ in range(3):  # interleaved rounds, medians of medians
        rounds["weifen/CuPy"].append(_timer(cp, wf_step, a.reps))
        rounds["hand CuPy"].append(_timer(cp, lambda: hand_step(cp, hand_ps, X, Y), a.reps))
        if torch_step is not None:
            rounds["torch CUDA"].append(_timer(cp, torch_step, a.reps))
    med = {k: statistics.median(v) for k, v in rounds.items() if v}
    for k, v in med.items():
        rows.append(f"MLP SGD step  {k:12s} {v:7.3f} ms")
    rows.append(f"  weifen / hand CuPy = {med['weifen/CuPy'] / med['hand CuPy']:.2f}x "
                "(target <= 1.05x)")
    if "torch CUDA" in med:
        rows.append(f"  weifen / torch CUDA = {med['weifen/CuPy'] / med['torch CUDA']:.2f}x "
                    "(target <= 1.1x)")

    W = cp.asarray((rng.standard_normal((4096, 4096)) / 64).astype(np.float32))
    x = cp.asarray(rng.standard_normal((4096, 256)).astype(np.float32))
    Wt = wf.tensor(W, requires_grad=True)

    def wf_tanh():
        Wt.grad = None
        wf.sum(wf.tanh(Wt @ x)).backward()

    def hand_tanh():
        t = cp.tanh(W @ x)
        return ((1 - t * t)) @ x.T

    tw = statistics.median(_timer(cp, wf_tanh, a.reps) for _ in range(3))
    th = statistics.median(_timer(cp, hand_tanh, a.reps) for _ in range(3))
    rows.append(f"tanh layer fwd+bwd  weifen {tw:.3f} ms, hand CuPy {th:.3f} ms = "
                f"{tw / th:.2f}x (target <= 1.2x)")
    print(f"device: {cp.cuda.runtime.getDeviceProperties(0)['name'].decode()}")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
