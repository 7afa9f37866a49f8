"""Spec-driven checks of one op sample on another array backend (strict, Dask, CuPy).

The rows of tests/spec.py run with every array argument moved to the backend by ``put``
(constants too: a backend refuses NumPy arrays, as CuPy does). NumPy is the oracle: values
against the row's NumPy reference, reverse mode through <J^T u, v> == <u, J v> with J v by
central differences of the reference, forward mode against the same differences; every
output and derivative must stay on the backend (``is_backend``), and ``get`` is the
explicit copy back.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

import weifen as wf
from _oracles import central_dir
from spec import Sample
from test_spec_ops import CASES, _dargs, close, outs, pack, ref, rng_case

# rows that cannot run on another backend as written, with the reason
UNSUPPORTED: dict[str, str] = {
    "op.C*x": "the row's lambda captures a NumPy constant C: mixing backends is refused",
    "op.C/x": "the row's lambda captures a NumPy constant C: mixing backends is refused",
    "op.C-x": "the row's lambda captures a NumPy constant C: mixing backends is refused",
    "op.C@x": "the row's lambda captures a NumPy constant C: mixing backends is refused",
    "r_": "wf.r_ builds NumPy ranges (0:2) next to the arrays: mixing is refused",
    "nn.functional.unfold": "im2col uses stride tricks (as_strided) only NumPy offers",
    "nn.functional.fold": "im2col uses stride tricks (as_strided) only NumPy offers",
    "nn.functional.conv2d": "im2col uses stride tricks (as_strided) only NumPy offers",
    "nn.functional.conv1d": "im2col uses stride tricks (as_strided) only NumPy offers",
    "nn.functional.conv_transpose2d": "im2col uses stride tricks only NumPy offers",
    "nn.functional.max_pool2d": "pooling windows use NumPy strides",
    "nn.functional.avg_pool2d": "pooling windows use NumPy strides",
}
# SciPy computes these values on NumPy arrays only; on another backend they refuse clearly
# (WeifenTypeError naming the backend), checked by test_scipy_values_refuse_other_backends
SCIPY_HOST = ("special.digamma", "special.psi", "special.polygamma", "special.multigammaln",
              "scipy.linalg.sqrtm", "scipy.linalg.expm", "scipy.linalg.solve_sylvester",
              "scipy.linalg.expm_frechet", "scipy.signal.convolve", "scipy.signal.correlate")
UNSUPPORTED.update({n: "SciPy computes its values on NumPy arrays only" for n in SCIPY_HOST})


def diff_cases(limit_per_row: int = 2) -> list:
    """(row, sample) pairs with differentiable inputs, at most ``limit_per_row`` per row."""
    seen: dict[str, int] = {}
    out = []
    for row, s in CASES:
        if not (row.differentiable and s.diff and s.numeric):
            continue
        if seen.get(row.name, 0) >= limit_per_row:
            continue
        seen[row.name] = seen.get(row.name, 0) + 1
        out.append((row, s))
    return out


def _raw(o):
    return o._data if isinstance(o, wf.Tensor) else o


def _moved(s: Sample, put) -> Sample:
    return replace(s, args=tuple(put(a) if isinstance(a, np.ndarray) else a for a in s.args))


def check_sample(row, s: Sample, put, get, is_backend, vjp=True, jvp=True) -> None:
    """Value, VJP and JVP of ``row`` on ``s`` with arrays moved by ``put``."""
    xs = _dargs(s)                                 # NumPy inputs (the oracle's)
    bs = _moved(s, put)
    bxs = _dargs(bs)

    def f(*d):
        a = list(bs.args)
        for i, v in zip(bs.diff, d):
            a[i] = v
        return row.fn(*a, **bs.kwargs)

    want = outs(ref(row, s, xs))
    out, f_vjp = wf.vjp(f, *bxs)
    got = outs(out)
    for g, w in zip(got, want):
        r = _raw(g)
        if np.ndim(w) > 0:
            assert is_backend(r), f"{row.name}: output is {type(r).__name__}, left the backend"
        close(get(r), w, row.rtol, row.atol, f"{row.name} value")
    rng = rng_case(row, s, "backend")
    us = [rng.standard_normal(np.shape(w)) for w in want]
    vs = [rng.standard_normal(np.shape(x)) for x in xs]
    jv = central_dir(lambda d: [np.asarray(o, np.float64) for o in outs(ref(row, s, d))],
                     xs, vs, s.eps)
    if vjp:
        cts = f_vjp(pack(out, [put(np.asarray(u)) for u in us]))
        lhs = 0.0
        for c, v, x in zip(cts, vs, xs):
            r = _raw(c)
            if np.ndim(x) > 0:
                assert is_backend(r), f"{row.name}: gradient is {type(r).__name__}"
            lhs += float(np.sum(np.real(np.asarray(get(r))) * v))
        rhs = sum(float(np.sum(np.real(u * np.conj(j)))) for u, j in zip(us, jv))
        scale = max(1.0, abs(rhs))
        assert abs(lhs - rhs) <= 1e-4 * scale, f"{row.name} VJP: {lhs} vs {rhs}"
    if jvp:
        _, tans = wf.jvp(f, tuple(bxs), tuple(put(np.asarray(v)) for v in vs))
        for t, n in zip(outs(tans), jv):
            r = _raw(t)
            if np.ndim(n) > 0:
                assert is_backend(r), f"{row.name}: tangent is {type(r).__name__}"
            close(get(r), n, row.grad_rtol, row.grad_atol, f"{row.name} JVP")
