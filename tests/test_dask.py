"""weifen on Dask arrays: chunked values, lazy gradients, any scheduler runs the graph.

NumPy is the oracle (tests/_backend_checks.py); the gradient of a loss over a Dask array is
itself a Dask array, built without computing anything (a dask callback counts computes).
"""
from __future__ import annotations

import numpy as np
import pytest

import weifen as wf

da = pytest.importorskip("dask.array")
import dask  # noqa: E402
from dask.callbacks import Callback  # noqa: E402

from _backend_checks import UNSUPPORTED, check_sample, diff_cases  # noqa: E402

# a few rows per family (the whole spec on Dask is slow on a small CI machine)
_FAMILIES = ("add", "mul", "div", "sub", "exp", "log", "tanh", "sin", "sqrt", "abs", "maximum",
             "sum", "mean", "max", "matmul", "dot", "transpose", "reshape", "broadcast_to",
             "where", "concatenate", "stack", "logsumexp", "softmax", "clip", "power", "pow",
             "square", "var", "std", "einsum", "expand_dims", "squeeze", "sigmoid", "tensordot")
CASES = [(r, s) for r, s in diff_cases(1) if r.name.split("[")[0] in _FAMILIES
         and r.name not in UNSUPPORTED]


def put(a):
    if isinstance(a, np.ndarray) and a.ndim > 0:
        return da.from_array(a, chunks=tuple(max(1, (n + 1) // 2) for n in a.shape))
    return da.from_array(np.asarray(a)) if isinstance(a, np.ndarray) else a


def get(a):
    return np.asarray(a.compute(scheduler="sync")) if hasattr(a, "compute") else np.asarray(a)


def is_dask(a) -> bool:
    return isinstance(a, da.Array)


# Dask's own limits, not weifen's
DASK_LIMITS = {"reshape": "Dask cannot reshape (2, 3) chunked (1, 2) into (3, 2)"}


@pytest.mark.parametrize("row,s", [
    pytest.param(r, s, id=f"{r.name}[{s.desc}]",
                 marks=[pytest.mark.xfail(reason=DASK_LIMITS[r.name])]
                 if r.name in DASK_LIMITS else []) for r, s in CASES])
def test_spec_op_on_dask(row, s) -> None:
    with dask.config.set(scheduler="sync"):
        check_sample(row, s, put, get, is_dask)


class _Counter(Callback):
    def __init__(self):
        super().__init__()
        self.n = 0

    def _start(self, dsk):
        self.n += 1


def _loss(w, X, y):
    p = wf.sigmoid(X @ w)
    return -wf.mean(y * wf.log(p) + (1 - y) * wf.log(1 - p))


def _problem():
    X = da.random.RandomState(0).standard_normal((4000, 5), chunks=(1000, 5))
    y = (X[:, 0] > 0).astype(np.float64)
    return X, y, da.from_array(np.full(5, 0.1), chunks=5)


def _by_hand(w, X, y):
    p = 1 / (1 + np.exp(-(X @ w)))
    return X.T @ (p - y) / X.shape[0]


def test_grad_is_lazy_dask() -> None:
    X, y, w = _problem()
    with _Counter() as c:
        g = wf.grad(_loss)(w, X, y)
        gd = g._data if isinstance(g, wf.Tensor) else g
        assert is_dask(gd), type(gd)
        assert c.n == 0, "the gradient computed eagerly"
    got = gd.compute(scheduler="sync")
    want = _by_hand(*(a.compute() for a in (w, X, y)))
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-14)
    assert len(dict(gd.__dask_graph__())) > 4  # a real chunked graph


def test_grad_on_local_cluster() -> None:
    distributed = pytest.importorskip("distributed")
    X, y, w = _problem()
    g = wf.grad(_loss)(w, X, y)
    gd = g._data if isinstance(g, wf.Tensor) else g
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        got = client.compute(gd).result()
    want = _by_hand(*(a.compute() for a in (w, X, y)))
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-14)


def test_tensor_numpy_computes_explicitly() -> None:
    x = wf.tensor(da.ones((4, 3), chunks=(2, 3)))
    y = wf.exp(x).sum(axis=0)
    assert is_dask(y._data)
    np.testing.assert_allclose(y.numpy(), np.full(3, 4 * np.e))
