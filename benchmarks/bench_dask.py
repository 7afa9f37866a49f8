"""Per-gradient time and peak worker memory of examples/dask_logistic.py's loss: weifen's
``wf.grad`` against the hand-written Dask gradient ``X.T @ (sigmoid(X @ w) - y) / n`` (what
dask-ml's solvers compute), in interleaved rounds on one LocalCluster; medians.

    python benchmarks/bench_dask.py --rows 20000000 --rounds 3
Targets: weifen at most 1.2x the hand gradient's time and 1.2x its peak worker memory.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import dask.array as da
import numpy as np
from dask.distributed import Client, LocalCluster

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
from dask_logistic import loss, make_data  # noqa: E402

import weifen as wf  # noqa: E402


def by_hand(w, X, y):
    p = 1 / (1 + np.exp(-(X @ w)))
    return X.T @ (p - y) / X.shape[0]


def by_weifen(w, X, y):
    g = wf.grad(loss)(w, X, y)
    return g._data if isinstance(g, wf.Tensor) else g


def _rss(client) -> float:
    """The largest worker's resident memory now (bytes)."""
    return max(client.run(lambda: __import__("psutil").Process().memory_info().rss).values())


def measure(client, make, w, X, y):
    g = make(da.from_array(w), X, y)
    base = _rss(client)
    peak = [base]
    t = time.perf_counter()
    fut = client.compute(g)
    while not fut.done():
        peak.append(_rss(client))
        time.sleep(0.05)
    out = np.asarray(fut.result())
    dt = time.perf_counter() - t
    return dt, max(peak), out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2 * 10**7)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--memory", default="2.5GB")
    a = ap.parse_args(argv)
    with LocalCluster(n_workers=2, threads_per_worker=1, memory_limit=a.memory,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        X, y = make_data(a.rows)
        w = np.linspace(0.1, -0.1, X.shape[1])
        res = {"weifen": ([], []), "hand": ([], [])}
        outs = {}
        for r in range(a.rounds):
            for name, make in (("weifen", by_weifen), ("hand", by_hand)) if r % 2 == 0 else \
                    (("hand", by_hand), ("weifen", by_weifen)):
                dt, peak, out = measure(client, make, w, X, y)
                res[name][0].append(dt)
                res[name][1].append(peak)
                outs[name] = out
                print(f"round {r + 1} {name:6s}: {dt:7.2f} s, peak worker RSS {peak / 1e9:.2f} GB",
                      flush=True)
        err = np.max(np.abs(outs["weifen"] - outs["hand"]))
        tw, th = (statistics.median(res[k][0]) for k in ("weifen", "hand"))
        mw, mh = (statistics.median(res[k][1]) for k in ("weifen", "hand"))
        print(f"rows {a.rows}: weifen {tw:.2f} s / hand {th:.2f} s = {tw / th:.2f}x time "
              f"(target <= 1.2x); peak worker memory {mw / 1e9:.2f} / {mh / 1e9:.2f} GB = "
              f"{mw / mh:.2f}x (target <= 1.2x); max |difference| {err:.1e}")


if __name__ == "__main__":
    main()
