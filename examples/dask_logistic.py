"""Logistic regression by gradient descent on data bigger than any one worker, with weifen.

2*10**7 x 20 float64 rows (3.2 GB) are generated chunk by chunk with ``da.random`` (never in
one piece) on a LocalCluster of 2 workers with 2.5 GB memory each. ``wf.grad`` of the loss
is a lazy Dask array: each step is one Dask graph that the cluster runs.

    python examples/dask_logistic.py              # the full 3.2 GB problem
    python examples/dask_logistic.py --rows 100000 --steps 5   # a smoke test
"""
from __future__ import annotations

import argparse
import time

import dask.array as da
import numpy as np
from dask.distributed import Client, LocalCluster

import weifen as wf


def loss(w, X, y):
    """The mean logistic loss of weights ``w`` on rows ``X`` with labels ``y`` in {0, 1}."""
    z = X @ w
    # log(1 + e^z) - y z, written stably: softplus(z) = max(z, 0) + log1p(exp(-|z|))
    sp = wf.maximum(z, 0.0) + wf.log1p(wf.exp(-wf.abs(z)))
    return wf.mean(sp - y * z)


def make_data(rows: int, cols: int = 20, chunk: int = 500_000, seed: int = 0):
    """Lazy features and labels: each chunk is drawn where it is computed."""
    rs = da.random.RandomState(seed)
    X = rs.standard_normal((rows, cols), chunks=(min(chunk, rows), cols))
    w_true = np.linspace(-1.0, 1.0, cols)
    p = 1 / (1 + np.exp(-(X @ w_true)))
    y = (rs.uniform(size=rows, chunks=min(chunk, rows)) < p).astype(np.float64)
    return X, y


def main(argv=None) -> float:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=2 * 10**7)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--lr", type=float, default=1.0)
    ap.add_argument("--memory", default="2.5GB", help="memory limit per worker")
    args = ap.parse_args(argv)
    with LocalCluster(n_workers=2, threads_per_worker=1, memory_limit=args.memory,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        X, y = make_data(args.rows)
        print(f"{args.rows} x {X.shape[1]} rows, {X.nbytes / 1e9:.2f} GB in "
              f"{X.numblocks[0]} chunks on {len(client.scheduler_info()['workers'])} workers")
        w = np.zeros(X.shape[1])
        grad = wf.grad(loss)
        for step in range(args.steps):
            t = time.perf_counter()
            g = grad(da.from_array(w), X, y)          # lazy: a Dask graph
            g = g._data if isinstance(g, wf.Tensor) else g
            gv = np.asarray(client.compute(g).result())   # the cluster runs it
            w = w - args.lr * gv
            print(f"step {step + 1}/{args.steps}: |grad| = {np.linalg.norm(gv):.3e} "
                  f"({time.perf_counter() - t:.2f} s)")
        final = float(client.compute(loss(da.from_array(w), X, y)._data).result())
        print(f"fitted loss {final:.6f}; w[:4] = {np.round(w[:4], 3)}")
    return final


if __name__ == "__main__":
    main()
