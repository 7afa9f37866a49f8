"""Compiled weifen (``wf.jit``) beside jax.jit, torch.compile, PyTensor and numba by hand.

Run from the repository root::

    python benchmarks/bench_jit.py                 # full run (several minutes)
    python benchmarks/bench_jit.py --quick         # smoke run
    python benchmarks/bench_jit.py --only a,b --threads 1

Cases and targets (issue 13, item 5):

(a) 100 x ``h = tanh(h*0.9 + 0.1)`` on a (16,) float64 array (300 ops), sum, value and
    gradient. Targets: weifen jit <= 0.8x jax.jit and <= 2x numba written by hand.
(b) value and gradient of ``ln x1 + x1*x2 - sin x2`` on Python floats. Target: at most
    PyTensor's time (about 0.35x jax.jit's; with PyTensor missing, 0.35x jax.jit).
(c) one SGD step of a 784-512-512-10 ReLU MLP, softmax cross-entropy, batch 256,
    float32, returning the new parameters. Targets: <= 1.05x NumPy by hand, <= jax.jit.
(d) the 256x256 Jacobian of ``tanh(W2 tanh(W1 x))`` under ``jit(jacrev)`` and
    ``jit(jacfwd)``. Target: each <= jax.jit of the same mode.
(e) a 1000-op function with its gradient: the first call (staging + optimising +
    compiling: a fresh jitted function each time) and steady calls. Targets: first call
    <= 0.5x jax.jit's first call, steady calls <= jax.jit's.

All contenders run in this one process; timed cases are interleaved round by round and
report medians (see _harness.py); BLAS (and torch) are pinned to ``--threads`` threads (1
by default) for every contender. Every contender's result is checked against a NumPy
reference before it is timed. A contender that does not import is reported as skipped,
one that fails (torch.compile without a C++ toolchain) as failed.
"""
from __future__ import annotations

import argparse
import importlib
import math
import os
import statistics
import sys
from pathlib import Path
from typing import Any, Callable

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # measure the checkout's weifen, installed or not

from _harness import (Result, Target, add_common_args, check_results,  # noqa: E402
                      dist_version, finish_args, fmt_time, perf, pin_malloc, print_header,
                      print_time_table, ratio_target, run_cases, run_interleaved, set_clock,
                      set_threads, short_exc)

os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
if "--threads" not in " ".join(sys.argv) or "--threads 1" in " ".join(sys.argv):
    # one thread for XLA too (before jax is imported), as for BLAS and torch
    os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false "
                                       "intra_op_parallelism_threads=1")

import weifen as wf  # noqa: E402

WIDTH = 30


class Libs:
    """The optional contenders, imported once; a missing one keeps its import error."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self.torch = self._imp("torch")
        self.numba = self._imp("numba")
        self.pytensor = self._imp("pytensor")
        self.jax = self._imp("jax")
        self.jnp = None
        if self.jax is not None:
            self.jax.config.update("jax_enable_x64", True)
            self.jnp = importlib.import_module("jax.numpy")

    def _imp(self, name: str) -> Any:
        try:
            return importlib.import_module(name)
        except Exception as e:
            self.errors[name] = short_exc(e)
            return None

    def add(self, results: dict, fns: dict, label: str, lib: str, make: Callable,
            note: str = "") -> None:
        if getattr(self, lib) is None:
            results[label] = Result(label, skipped=True,
                                    error=f"not importable: {self.errors.get(lib, '?')}")
            return
        try:
            fns[label] = make()
            results[label] = Result(label, note=note)
        except Exception as e:
            results[label] = Result(label, error=short_exc(e))


def _timed(case: str, fns: dict, results: dict, expected: Any, opts: Any, rtol: float,
           atol: float, ref: str = "weifen jit") -> dict:
    check_results(results, fns, expected, rtol, atol)
    results = run_interleaved({k: v for k, v in fns.items() if k in results},
                              rounds=opts.rounds, target_s=opts.target_ms / 1e3,
                              warmup=opts.warmup, results=results)
    print_time_table(results, ref=ref, width=WIDTH)
    return results


def _jitted(f: Callable, *args: Any, backend: str = "auto") -> Callable:
    """A weifen jitted function, called once with ``args`` and made ready (numba kernels
    compiled), so that timing sees the steady state."""
    j = wf.jit(f, backend=backend)
    j(*args)
    return j.ready()


def _torch_compile(L: Libs, fn: Callable, *args: Any) -> Callable:
    c = L.torch.compile(fn)
    c(*args)  # compile now (slow); a failure shows as FAILED
    return c


# ---------------------------------------------------------------------------- (a)
def case_a(opts: Any, L: Libs) -> list[Target]:
    n_rep = 100
    x0 = np.random.default_rng(0).standard_normal(16)
    print(f"\n(a) {n_rep} x h = tanh(h*0.9 + 0.1) on a (16,) float64 array ({3 * n_rep} ops), "
          "sum, value and gradient")

    def f(x):
        h = x
        for _ in range(n_rep):
            h = wf.tanh(h * 0.9 + 0.1)
        return h.sum()

    def numpy_by_hand():
        h, outs = x0, []
        for _ in range(n_rep):
            h = np.tanh(h * 0.9 + 0.1)
            outs.append(h)
        g = np.ones_like(h)
        for o in reversed(outs):
            g = g * (1.0 - o * o) * 0.9
        return h.sum(), g

    expected = numpy_by_hand()
    results: dict = {}
    fns: dict = {}
    L_ = L
    vg = wf.value_and_grad(f)
    results["weifen jit"] = Result("weifen jit")
    fns["weifen jit"] = lambda j=_jitted(vg, x0): j(x0)
    results["weifen jit (numpy)"] = Result("weifen jit (numpy)", note="(information)")
    fns["weifen jit (numpy)"] = lambda j=_jitted(vg, x0, backend="numpy"): j(x0)
    results["weifen eager"] = Result("weifen eager", note="(information)")
    fns["weifen eager"] = lambda: vg(x0)
    results["NumPy by hand"] = Result("NumPy by hand", note="(information)")
    fns["NumPy by hand"] = numpy_by_hand

    def make_jax():
        jax, jnp = L_.jax, L_.jnp

        def fj(x):
            h = x
            for _ in range(n_rep):
                h = jnp.tanh(h * 0.9 + 0.1)
            return jnp.sum(h)
        g = jax.jit(jax.value_and_grad(fj))
        xj = jnp.asarray(x0)
        g(xj)[1].block_until_ready()
        return lambda: jax.block_until_ready(g(xj))

    def make_numba():
        nb = L_.numba

        @nb.njit(cache=False)
        def vg_nb(x):
            n = x.shape[0]
            g = np.empty(n)
            total = 0.0
            hs = np.empty(n_rep)
            for i in range(n):
                h = x[i]
                for k in range(n_rep):
                    h = math.tanh(h * 0.9 + 0.1)
                    hs[k] = h
                total += h
                d = 1.0
                for k in range(n_rep - 1, -1, -1):
                    d = d * (1.0 - hs[k] * hs[k]) * 0.9
                g[i] = d
            return total, g
        vg_nb(x0)
        return lambda: vg_nb(x0)

    def make_torch():
        torch = L_.torch

        def ft(x):
            h = x
            for _ in range(n_rep):
                h = torch.tanh(h * 0.9 + 0.1)
            return h.sum()

        def vgt(x):
            x = x.detach().requires_grad_(True)
            y = ft(x)
            (g,) = torch.autograd.grad(y, x)
            return y.detach(), g
        xt = torch.from_numpy(x0)
        c = _torch_compile(L_, vgt, xt)
        return lambda: c(xt)

    L.add(results, fns, "jax.jit", "jax", make_jax)
    L.add(results, fns, "numba by hand", "numba", make_numba, "(the limit here)")
    L.add(results, fns, "torch.compile", "torch", make_torch)
    def make_pytensor():
        pytensor, pt = L_.pytensor, importlib.import_module("pytensor.tensor")
        x = pt.dvector("x")
        h = x
        for _ in range(n_rep):
            h = pt.tanh(h * 0.9 + 0.1)
        y = h.sum()
        fn = pytensor.function([x], [y, pytensor.grad(y, x)])
        fn(x0)
        return lambda: fn(x0)

    L.add(results, fns, "PyTensor", "pytensor", make_pytensor, "(C backend)")
    results = _timed("a", fns, results, expected, opts, 1e-9, 1e-12)
    return [ratio_target("a", results, "weifen jit", "jax.jit", 0.8, "weifen jit / jax.jit"),
            ratio_target("a", results, "weifen jit", "numba by hand", 2.0,
                         "weifen jit / numba by hand")]


# ---------------------------------------------------------------------------- (b)
def case_b(opts: Any, L: Libs) -> list[Target]:
    x1, x2 = 2.0, 5.0
    print(f"\n(b) value and gradient of ln x1 + x1*x2 - sin x2 at ({x1}, {x2}), Python floats")
    expected = (math.log(x1) + x1 * x2 - math.sin(x2), (1 / x1 + x2, x1 - math.cos(x2)))

    def f(a, b):
        return wf.log(a) + a * b - wf.sin(b)

    vg = wf.value_and_grad(f, argnums=(0, 1))
    results = {"weifen jit": Result("weifen jit"),
               "weifen eager": Result("weifen eager", note="(information)"),
               "Python by hand": Result("Python by hand", note="(information)")}
    fns = {"weifen jit": lambda j=_jitted(vg, x1, x2): j(x1, x2),
           "weifen eager": lambda: vg(x1, x2),
           "Python by hand": lambda: (math.log(x1) + x1 * x2 - math.sin(x2),
                                      (1 / x1 + x2, x1 - math.cos(x2)))}

    def make_jax():
        jax, jnp = L.jax, L.jnp
        g = jax.jit(jax.value_and_grad(lambda a, b: jnp.log(a) + a * b - jnp.sin(b),
                                       argnums=(0, 1)))
        g(x1, x2)
        return lambda: jax.block_until_ready(g(x1, x2))

    def make_numba():
        nb = L.numba

        @nb.njit(cache=False)
        def vg_nb(a, b):
            return math.log(a) + a * b - math.sin(b), (1.0 / a + b, a - math.cos(b))
        vg_nb(x1, x2)
        return lambda: vg_nb(x1, x2)

    def make_torch():
        torch = L.torch

        def vgt(a, b):
            a = a.detach().requires_grad_(True)
            b = b.detach().requires_grad_(True)
            y = torch.log(a) + a * b - torch.sin(b)
            ga, gb = torch.autograd.grad(y, (a, b))
            return y.detach(), (ga, gb)
        ta, tb = torch.tensor(x1, dtype=torch.float64), torch.tensor(x2, dtype=torch.float64)
        c = _torch_compile(L, vgt, ta, tb)
        return lambda: c(ta, tb)

    L.add(results, fns, "jax.jit", "jax", make_jax)
    L.add(results, fns, "numba by hand", "numba", make_numba, "(information)")
    L.add(results, fns, "torch.compile", "torch", make_torch)
    def make_pytensor():
        pytensor, pt = L.pytensor, importlib.import_module("pytensor.tensor")
        a, b = pt.dscalar("a"), pt.dscalar("b")
        y = pt.log(a) + a * b - pt.sin(b)
        fn = pytensor.function([a, b], [y, *pytensor.grad(y, [a, b])])
        fn(x1, x2)
        return lambda: (lambda o: (o[0], (o[1], o[2])))(fn(x1, x2))

    L.add(results, fns, "PyTensor", "pytensor", make_pytensor, "(C backend)")
    results = _timed("b", fns, results, expected, opts, 1e-12, 1e-12)
    if L.pytensor is not None and results.get("PyTensor") and results["PyTensor"].ok:
        return [ratio_target("b", results, "weifen jit", "PyTensor", 1.0,
                             "weifen jit / PyTensor")]
    t = ratio_target("b", results, "weifen jit", "jax.jit", 0.35,
                     "weifen jit / jax.jit (PyTensor missing: its 0.35x jax.jit)")
    return [t]


# ---------------------------------------------------------------------------- (c)
SIZES = (784, 512, 512, 10)
BATCH = 256
LR = 0.01


def case_c(opts: Any, L: Libs) -> list[Target]:
    print(f"\n(c) one SGD step, {'-'.join(map(str, SIZES))} ReLU MLP, softmax cross-entropy, "
          f"batch {BATCH}, float32, new parameters returned")
    rng = np.random.default_rng(0)
    P0 = []
    for fi, fo in zip(SIZES[:-1], SIZES[1:]):
        P0 += [(rng.standard_normal((fi, fo)) * math.sqrt(2 / fi)).astype(np.float32),
               (rng.standard_normal(fo) * 0.01).astype(np.float32)]
    X = rng.standard_normal((BATCH, SIZES[0])).astype(np.float32)
    y = rng.integers(0, SIZES[-1], BATCH)
    Y = np.eye(SIZES[-1], dtype=np.float32)[y]
    rows = np.arange(BATCH)

    def numpy_step(P):
        W1, b1, W2, b2, W3, b3 = P
        z1 = X @ W1 + b1
        a1 = np.maximum(z1, 0)
        z2 = a1 @ W2 + b2
        a2 = np.maximum(z2, 0)
        z3 = a2 @ W3 + b3
        z3 = z3 - z3.max(axis=1, keepdims=True)
        e = np.exp(z3)
        s = e.sum(axis=1, keepdims=True)
        loss = -(z3[rows, y] - np.log(s[:, 0])).mean()
        dz3 = e / s
        dz3[rows, y] -= 1
        dz3 /= BATCH
        da2 = dz3 @ W3.T
        dz2 = da2 * (z2 > 0)
        da1 = dz2 @ W2.T
        dz1 = da1 * (z1 > 0)
        grads = (X.T @ dz1, dz1.sum(axis=0), a1.T @ dz2, dz2.sum(axis=0), a2.T @ dz3,
                 dz3.sum(axis=0))
        return [p - LR * g for p, g in zip(P, grads)], loss

    def loss_wf(P, X, Y):
        W1, b1, W2, b2, W3, b3 = P
        a1 = wf.relu(X @ W1 + b1)
        a2 = wf.relu(a1 @ W2 + b2)
        z3 = a2 @ W3 + b3
        return -wf.sum(Y * wf.log_softmax(z3, axis=1)) / BATCH

    def step_wf(P, X, Y):
        loss, g = wf.value_and_grad(loss_wf)(P, X, Y)
        return [p - LR * gp for p, gp in zip(P, g)], loss

    newP, loss = numpy_step(P0)
    expected = (newP, loss)
    results = {"weifen jit": Result("weifen jit"),
               "NumPy by hand": Result("NumPy by hand")}
    fns = {"weifen jit": lambda j=_jitted(step_wf, P0, X, Y): j(P0, X, Y),
           "NumPy by hand": lambda: numpy_step(P0)}

    def make_jax():
        jax, jnp = L.jax, L.jnp

        def loss_j(P, X, Y):
            W1, b1, W2, b2, W3, b3 = P
            a1 = jnp.maximum(X @ W1 + b1, 0)
            a2 = jnp.maximum(a1 @ W2 + b2, 0)
            z3 = a2 @ W3 + b3
            return -jnp.sum(Y * jax.nn.log_softmax(z3, axis=1)) / BATCH

        @jax.jit
        def step(P, X, Y):
            loss, g = jax.value_and_grad(loss_j)(P, X, Y)
            return [p - LR * gp for p, gp in zip(P, g)], loss
        Pj = [jnp.asarray(p) for p in P0]
        Xj, Yj = jnp.asarray(X), jnp.asarray(Y)
        jax.block_until_ready(step(Pj, Xj, Yj))
        return lambda: jax.block_until_ready(step(Pj, Xj, Yj))

    def make_torch():
        torch = L.torch
        Pt = [torch.from_numpy(p) for p in P0]
        Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)

        def step(P, X, Y):
            P = [p.detach().requires_grad_(True) for p in P]
            W1, b1, W2, b2, W3, b3 = P
            a1 = torch.relu(X @ W1 + b1)
            a2 = torch.relu(a1 @ W2 + b2)
            z3 = a2 @ W3 + b3
            loss = -(Y * torch.log_softmax(z3, dim=1)).sum() / BATCH
            g = torch.autograd.grad(loss, P)
            return [p.detach() - LR * gp for p, gp in zip(P, g)], loss.detach()
        c = _torch_compile(L, step, Pt, Xt, Yt)
        return lambda: c(Pt, Xt, Yt)

    L.add(results, fns, "jax.jit", "jax", make_jax)
    L.add(results, fns, "torch.compile", "torch", make_torch, "(information)")
    results = _timed("c", fns, results, expected, opts, 1e-3, 1e-4)
    return [ratio_target("c", results, "weifen jit", "NumPy by hand", 1.05,
                         "weifen jit / NumPy by hand"),
            ratio_target("c", results, "weifen jit", "jax.jit", 1.0, "weifen jit / jax.jit")]


# ---------------------------------------------------------------------------- (d)
N_D = 256


def case_d(opts: Any, L: Libs) -> list[Target]:
    rng = np.random.default_rng(0)
    W1 = rng.standard_normal((N_D, N_D)) / math.sqrt(N_D)
    W2 = rng.standard_normal((N_D, N_D)) / math.sqrt(N_D)
    x0 = rng.standard_normal(N_D)
    print(f"\n(d) full {N_D}x{N_D} Jacobian of x -> tanh(W2 tanh(W1 x)), float64, "
          "under jit(jacrev) and jit(jacfwd)")

    def f(x):
        return wf.tanh(W2 @ wf.tanh(W1 @ x))

    h1 = np.tanh(W1 @ x0)
    h2 = np.tanh(W2 @ h1)
    expected = ((1 - h2 * h2)[:, None] * W2) @ ((1 - h1 * h1)[:, None] * W1)
    results = {"weifen jit(jacrev)": Result("weifen jit(jacrev)"),
               "weifen jit(jacfwd)": Result("weifen jit(jacfwd)"),
               "weifen jacrev (eager)": Result("weifen jacrev (eager)", note="(information)")}
    fns = {"weifen jit(jacrev)": lambda j=_jitted(wf.jacrev(f), x0): j(x0),
           "weifen jit(jacfwd)": lambda j=_jitted(wf.jacfwd(f), x0): j(x0),
           "weifen jacrev (eager)": lambda jr=wf.jacrev(f): jr(x0)}

    def make_jax(mode: str) -> Callable:
        def make():
            jax, jnp = L.jax, L.jnp
            A1, A2, xj = jnp.asarray(W1), jnp.asarray(W2), jnp.asarray(x0)
            jac = jax.jit(getattr(jax, mode)(lambda x: jnp.tanh(A2 @ jnp.tanh(A1 @ x))))
            jac(xj).block_until_ready()
            return lambda: jac(xj).block_until_ready()
        return make

    L.add(results, fns, "jax.jit(jax.jacrev)", "jax", make_jax("jacrev"))
    L.add(results, fns, "jax.jit(jax.jacfwd)", "jax", make_jax("jacfwd"))
    results = _timed("d", fns, results, expected, opts, 1e-10, 1e-10,
                     ref=("weifen jit(jacrev)", "weifen jit(jacfwd)"))
    return [ratio_target("d", results, "weifen jit(jacrev)", "jax.jit(jax.jacrev)", 1.0,
                         "weifen jit(jacrev) / jax.jit(jacrev)"),
            ratio_target("d", results, "weifen jit(jacfwd)", "jax.jit(jax.jacfwd)", 1.0,
                         "weifen jit(jacfwd) / jax.jit(jacfwd)")]


# ---------------------------------------------------------------------------- (e)
N_E, REP_E = 64, 200  # 200 x (mul, sin, mul, add, tanh) + sum: 1001 ops


def _f1000(lib: Any, salt: float) -> Callable:
    cs = [0.5 + 0.001 * i + salt for i in range(REP_E)]

    def f(x):
        h = x
        for c in cs:
            h = lib.tanh(h * c + lib.sin(h) * 0.5)
        return lib.sum(h)
    return f


def _f1000_np(x: np.ndarray) -> tuple:
    cs = [0.5 + 0.001 * i for i in range(REP_E)]
    h, saved = x, []
    for c in cs:
        s = np.sin(h)
        t = np.tanh(h * c + s * 0.5)
        saved.append((h, t))
        h = t
    g = np.ones_like(x)
    for (hp, t), c in zip(reversed(saved), reversed(cs)):
        g = g * (1 - t * t) * (c + 0.5 * np.cos(hp))
    return h.sum(), g


def case_e(opts: Any, L: Libs) -> list[Target]:
    x0 = np.random.default_rng(0).standard_normal(N_E) * 0.5
    print(f"\n(e) a {5 * REP_E + 1}-op function of a ({N_E},) float64 array with its gradient: "
          "first call (a fresh jitted function: staging + optimising + compiling) and steady "
          "calls")
    reps = 1 if opts.quick else 3
    firsts: dict[str, list] = {}
    errors: dict[str, str] = {}
    salt = [0.0]

    def first(label: str, make: Callable) -> None:
        # torch.compile and PyTensor compile for tens of seconds and keep gigabytes per graph:
        # one first call each
        for _ in range(reps if label not in ("torch.compile", "PyTensor") else 1):
            salt[0] += 1e-9  # a new function each time: no compilation cache applies
            try:
                t0 = perf()
                fn, arg = make(salt[0])
                fn(arg)
                firsts.setdefault(label, []).append(perf() - t0)
            except Exception as e:
                errors[label] = short_exc(e)
                return

    first("weifen jit", lambda s: (wf.jit(wf.value_and_grad(_f1000(wf, s))), x0))
    first("weifen jit (numpy)", lambda s: (wf.jit(wf.value_and_grad(_f1000(wf, s)),
                                                  backend="numpy"), x0))
    if L.jax is not None:
        jax, jnp = L.jax, L.jnp
        xj = jnp.asarray(x0)
        def make_j(s):
            g = jax.jit(jax.value_and_grad(_f1000(jnp, s)))
            return (lambda x: jax.block_until_ready(g(x))), xj
        first("jax.jit", make_j)
    if L.pytensor is not None:
        pytensor, pt = L.pytensor, importlib.import_module("pytensor.tensor")

        def make_p(s):
            x = pt.dvector("x")
            y = _f1000(pt, s)(x)
            return pytensor.function([x], [y, pytensor.grad(y, x)]), x0
        first("PyTensor", make_p)
    if L.torch is not None and not opts.no_torch_compile:
        torch = L.torch
        xt = torch.from_numpy(x0)

        def make_t(s):
            ft = _f1000(torch, s)

            def vgt(x):
                x = x.detach().requires_grad_(True)
                y = ft(x)
                return y.detach(), torch.autograd.grad(y, x)[0]
            return torch.compile(vgt), xt
        first("torch.compile", make_t)
    print("  first call (median of %d; torch.compile and PyTensor once):" % reps)
    for label in ("weifen jit", "weifen jit (numpy)", "jax.jit", "PyTensor", "torch.compile"):
        if label in firsts:
            ts = firsts[label]
            print(f"    {label:<28}{fmt_time(statistics.median(ts)):>11}   "
                  f"({', '.join(fmt_time(t) for t in ts)})")
        elif label in errors:
            print(f"    {label:<28}{'FAILED':>11}   {errors[label]}")
        else:
            print(f"    {label:<28}{'skipped':>11}")

    expected = _f1000_np(x0)
    results = {"weifen jit": Result("weifen jit"),
               "weifen jit (numpy)": Result("weifen jit (numpy)", note="(information)"),
               "weifen eager": Result("weifen eager", note="(information)")}
    vg = wf.value_and_grad(_f1000(wf, 0.0))
    fns = {"weifen jit": lambda j=_jitted(vg, x0): j(x0),
           "weifen jit (numpy)": lambda j=_jitted(vg, x0, backend="numpy"): j(x0),
           "weifen eager": lambda: vg(x0)}

    def make_jax():
        jax, jnp = L.jax, L.jnp
        g = jax.jit(jax.value_and_grad(_f1000(jnp, 0.0)))
        xj = jnp.asarray(x0)
        jax.block_until_ready(g(xj))
        return lambda: jax.block_until_ready(g(xj))

    def make_pytensor():
        pytensor, pt = L.pytensor, importlib.import_module("pytensor.tensor")
        x = pt.dvector("x")
        y = _f1000(pt, 0.0)(x)
        fn = pytensor.function([x], [y, pytensor.grad(y, x)])
        fn(x0)
        return lambda: fn(x0)

    L.add(results, fns, "jax.jit", "jax", make_jax)
    L.add(results, fns, "PyTensor", "pytensor", make_pytensor, "(C backend)")
    print("  steady calls:")
    results = _timed("e", fns, results, expected, opts, 1e-9, 1e-11)
    out = []
    if "weifen jit" in firsts and "jax.jit" in firsts:
        r = statistics.median(firsts["weifen jit"]) / statistics.median(firsts["jax.jit"])
        out.append(Target("e", "weifen jit / jax.jit first call", r, 0.5))
    else:
        out.append(Target("e", "weifen jit / jax.jit first call", None, 0.5,
                          errors.get("weifen jit") or errors.get("jax.jit") or "missing"))
    out.append(ratio_target("e", results, "weifen jit", "jax.jit", 1.0,
                            "weifen jit / jax.jit steady call"))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_args(ap, "abcde")
    ap.set_defaults(threads=1)
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="wall time (default), or this process's CPU time, steadier on a busy "
                         "machine (first calls are always wall time)")
    ap.add_argument("--no-torch-compile", action="store_true",
                    help="leave torch.compile out (its compiles take tens of seconds)")
    opts = ap.parse_args(argv)
    cases = finish_args(ap, opts, "abcde")
    set_clock(opts.clock)
    L = Libs()
    if opts.no_torch_compile:
        L.torch = None
        L.errors["torch"] = "left out (--no-torch-compile)"
    vers = [f"weifen {wf.__version__}", f"numpy {np.__version__}"]
    for name, mod in (("jax", L.jax), ("torch", L.torch), ("numba", L.numba),
                      ("pytensor", L.pytensor)):
        vers.append(f"{name} {dist_version(name)}" if mod else f"{name} MISSING")
    print_header("weifen jit benchmarks", vers)
    opts.keep = []
    print(f"{set_threads(opts.threads, L.torch, opts.keep)}  |  {pin_malloc()}")
    if opts.threads == 1 and hasattr(os, "sched_setaffinity"):
        # XLA's CPU client starts threads of its own whatever XLA_FLAGS say (jax.jit's CPU
        # time measured 1.7x its wall time): one core for the whole process makes every
        # contender single-threaded alike
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        print(f"process pinned to CPU core {core}: every contender's threads share it")
    print(f"XLA_FLAGS={os.environ.get('XLA_FLAGS', '')!r} (what 'XLA: its default' above means)")
    print(f"{opts.rounds} interleaved rounds x ~{opts.target_ms:g} ms of {opts.clock} time per "
          f"measurement, median reported{'  |  QUICK' if opts.quick else ''}")
    return run_cases(cases, {"a": case_a, "b": case_b, "c": case_c, "d": case_d,
                             "e": case_e}, opts, L)


if __name__ == "__main__":
    sys.exit(main())
