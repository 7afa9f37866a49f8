"""weifen on CuPy (API.md section 10): the spec rows, the transforms and an MLP on a GPU.

Marked ``gpu``; skipped with the reason where CuPy or a CUDA device is missing. NumPy is
the oracle (tests/_backend_checks.py), exactly as for the strict backend.
"""
from __future__ import annotations

import numpy as np
import pytest

import weifen as wf


def _cupy_or_reason():
    try:
        import cupy
    except ImportError as e:
        return None, f"CuPy is not installed ({e}); pip install weifen[gpu]"
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None, "no CUDA device"
    except Exception as e:  # noqa: BLE001 - any CUDA runtime error means: no device
        return None, f"no CUDA device ({type(e).__name__}: {e})"
    return cupy, ""


cp, _WHY = _cupy_or_reason()
pytestmark = [pytest.mark.gpu, pytest.mark.skipif(cp is None, reason=_WHY or "no GPU")]

if cp is not None:  # pragma: no cover - needs a GPU
    from _backend_checks import UNSUPPORTED, check_sample, diff_cases
    from test_backends import HOST_CONSTANTS
    CASES = [(r, s) for r, s in diff_cases() if r.name not in UNSUPPORTED
             and r.name.split("[")[0] not in HOST_CONSTANTS]
else:
    CASES = []


def put(a):
    return cp.asarray(a) if isinstance(a, np.ndarray) else a


def get(a):
    return cp.asnumpy(a) if type(a).__module__.startswith("cupy") else np.asarray(a)


def is_cupy(a) -> bool:
    return type(a).__module__.startswith("cupy")


@pytest.mark.parametrize("row,s", [pytest.param(r, s, id=f"{r.name}[{s.desc}]")
                                   for r, s in CASES] or [pytest.param(None, None, id="none")])
def test_spec_op_on_cupy(row, s) -> None:  # pragma: no cover - needs a GPU
    check_sample(row, s, put, get, is_cupy)


def test_transforms_on_cupy() -> None:  # pragma: no cover - needs a GPU
    rng = np.random.default_rng(0)
    X, w = rng.standard_normal((6, 3)), rng.standard_normal(3)
    GX, Gw = cp.asarray(X), cp.asarray(w)
    f = lambda w: wf.tanh(GX @ w)  # noqa: E731
    want = (1 - np.tanh(X @ w) ** 2)[:, None] * X
    for j in (wf.jacrev(f)(Gw), wf.jacfwd(f)(Gw)):
        r = getattr(j, "_data", j)
        assert is_cupy(r)
        np.testing.assert_allclose(get(r), want, rtol=1e-12)
    g = wf.grad(lambda w: wf.sum(f(w) ** 2))(Gw)
    np.testing.assert_allclose(get(getattr(g, "_data", g)),
                               2 * want.T @ np.tanh(X @ w), rtol=1e-12)
    vm = wf.vmap(lambda r: wf.sum(wf.sin(r) * Gw))(GX)
    np.testing.assert_allclose(get(vm._data), np.sin(X) @ w, rtol=1e-12)


def test_mlp_training_on_cupy() -> None:  # pragma: no cover - needs a GPU
    rng = np.random.default_rng(1)
    X = rng.standard_normal((64, 4))
    y = (X[:, :1] > 0).astype(np.float64)
    model = wf.nn.Sequential(wf.nn.Linear(4, 16), wf.nn.Tanh(), wf.nn.Linear(16, 1))
    for p in model.parameters():
        p.data = cp.asarray(p.numpy())
    opt = wf.optim.Adam(model.parameters(), lr=0.05)
    GX, Gy = wf.tensor(cp.asarray(X)), wf.tensor(cp.asarray(y))
    losses = []
    for _ in range(60):
        opt.zero_grad()
        loss = wf.mean((model(GX) - Gy) ** 2)
        loss.backward()
        opt.step()
        losses.append(float(loss.numpy()))
    assert all(is_cupy(p._data) for p in model.parameters())
    assert losses[-1] < 0.3 * losses[0]
