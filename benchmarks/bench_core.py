"""Core-engine benchmarks: weifen beside torch, HIPS autograd, JAX and hand-written NumPy.

Run from the repository root::

    python benchmarks/bench_core.py            # full run (about a minute)
    python benchmarks/bench_core.py --quick    # smoke run
    python benchmarks/bench_core.py --only a,c

Cases and targets (issue 2, item 9):

(a) 100 x ``h = tanh(h*0.9 + 0.1)`` on a (16,) float64 array, sum, forward + backward.
    Target: weifen <= 0.5x torch's time. NumPy written out by hand is the floor.
(b) value and gradient of ``ln x1 + x1*x2 - sin x2`` at (2.0, 5.0) on Python floats.
    Target: weifen no slower than a micrograd-style pure-Python scalar engine.
(c) one SGD step of a 784-512-512-10 ReLU MLP, softmax cross-entropy, batch 256, float32.
    Target: weifen <= 1.15x a hand-written NumPy forward/backward/update.
(d) peak traced memory of backprop through 50 x ``tanh(h*0.9)`` on 10^6 float64 values.
    Target: weifen's peak <= HIPS autograd's.

All contenders run in this one process, interleaved round by round (see _harness.py).
JAX runs op by op: ``jax.grad`` without ``jit``. Optional contenders that do not import
are reported as skipped. Every contender's result is checked against the NumPy reference
before it is timed; a wrong answer is reported as a failure, not timed.
"""
from __future__ import annotations

import argparse
import gc
import importlib
import math
import os
import sys
import tracemalloc
from pathlib import Path
from typing import Any, Callable

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # measure the checkout's weifen, installed or not

import _micrograd as mg  # noqa: E402
from _harness import (Result, Target, add_common_args, check_results,  # noqa: E402
                      dist_version, finish_args, flat, print_header,
                      fmt_bytes, fmt_time, perf, print_time_table, profile, ratio_target,
                      run_cases, run_interleaved, set_clock, set_threads, short_exc)

os.environ.setdefault("JAX_PLATFORMS", "cpu")  # no accelerator probing noise
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import weifen as wf  # noqa: E402


# ---------------------------------------------------------------------------- contenders
class Libs:
    """The optional contenders, imported once; a missing one keeps its import error."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self.torch = self._imp("torch")
        self.ag = self._imp("autograd")
        self.anp = self._imp("autograd.numpy") if self.ag else None
        self.jax = self._imp("jax")
        self.jnp = None
        if self.jax is not None:
            try:
                self.jax.config.update("jax_enable_x64", True)  # cases a, b, d are float64
                self.jnp = importlib.import_module("jax.numpy")
            except Exception as e:
                self.errors["jax"] = short_exc(e)
                self.jax = None

    def _imp(self, name: str) -> Any:
        try:
            return importlib.import_module(name)
        except Exception as e:  # ImportError, or a broken install raising anything
            self.errors[name.split(".")[0]] = short_exc(e)
            return None

    def skipped(self, label: str, lib: str) -> Result:
        return Result(label, skipped=True, error=f"not importable: {self.errors.get(lib, '?')}")


def _optional(results: dict, fns: dict, label: str, L: "Libs", libname: str,
              make: Callable[[], Callable]) -> None:
    """Add contender ``label`` built by ``make()`` when ``libname`` imported, else skip it."""
    if getattr(L, {"autograd": "ag"}.get(libname, libname)) is None:
        results[label] = L.skipped(label, libname)
        return
    try:
        fns[label] = make()
        results[label] = Result(label)
    except Exception as e:
        results[label] = Result(label, error=short_exc(e))


def _timed_case(case: str, fns: dict, results: dict, expected: Any, opts: argparse.Namespace,
                rtol: float = 1e-9, atol: float = 1e-12) -> dict[str, Result]:
    check_results(results, fns, expected, rtol, atol)
    return _run(case, fns, results, opts)


def _run(case: str, fns: dict, results: dict, opts: argparse.Namespace) -> dict[str, Result]:
    """Time the contenders that passed their check; profile weifen when asked."""
    results = run_interleaved({k: v for k, v in fns.items() if k in results},
                              rounds=opts.rounds, target_s=opts.target_ms / 1e3,
                              warmup=opts.warmup, results=results)
    print_time_table(results)
    if case in opts.profile and results["weifen"].ok:
        profile(fns["weifen"])
    return results


# ---------------------------------------------------------------------------- (a)
def case_a(opts: argparse.Namespace, L: Libs) -> list[Target]:
    n_rep = 100
    x0 = np.random.default_rng(0).standard_normal(16)
    print(f"\n(a) {n_rep} x h = tanh(h*0.9 + 0.1) on a (16,) float64 array, sum, "
          "forward + backward")

    def numpy_by_hand():
        h, outs = x0, []
        for _ in range(n_rep):
            h = np.tanh(h * 0.9 + 0.1)
            outs.append(h)
        y = h.sum()
        g = np.ones_like(h)
        for o in reversed(outs):
            g = g * (1.0 - o * o) * 0.9
        return y, g

    def weifen():
        x = wf.tensor(x0, requires_grad=True)
        h = x
        for _ in range(n_rep):
            h = wf.tanh(h * 0.9 + 0.1)
        h.sum().backward()
        return x.grad

    fns: dict[str, Callable] = {"weifen": weifen, "NumPy by hand": lambda: numpy_by_hand()[1]}
    results: dict[str, Result] = {"weifen": Result("weifen"),
                                  "NumPy by hand": Result("NumPy by hand", note="(floor)")}

    def make_torch():
        torch = L.torch

        def run():
            x = torch.tensor(x0, requires_grad=True)
            h = x
            for _ in range(n_rep):
                h = torch.tanh(h * 0.9 + 0.1)
            h.sum().backward()
            return x.grad
        return run

    def make_autograd():
        anp = L.anp

        def f(x):
            h = x
            for _ in range(n_rep):
                h = anp.tanh(h * 0.9 + 0.1)
            return anp.sum(h)
        g = L.ag.grad(f)
        return lambda: g(x0)

    def make_jax():
        jnp, jax = L.jnp, L.jax

        def f(x):
            h = x
            for _ in range(n_rep):
                h = jnp.tanh(h * 0.9 + 0.1)
            return jnp.sum(h)
        g = jax.grad(f)
        xj = jnp.asarray(x0)
        return lambda: g(xj).block_until_ready()

    _optional(results, fns, "torch", L, "torch", make_torch)
    _optional(results, fns, "autograd (HIPS)", L, "autograd", make_autograd)
    _optional(results, fns, "jax (no jit)", L, "jax", make_jax)
    results = _timed_case("a", fns, results, numpy_by_hand()[1], opts)
    w, f = results["weifen"], results["NumPy by hand"]
    if w.ok and f.ok:
        per_op = (w.median - f.median) / (3 * n_rep + 1) * 1e6
        print(f"  weifen's cost beyond the NumPy floor: {per_op:.2f} us per op, forward + "
              f"backward ({3 * n_rep + 1} ops; DESIGN.md budget about 1.5 us)")
    return [ratio_target("a", results, "weifen", "torch", 0.5, "weifen/torch time")]


# ---------------------------------------------------------------------------- (b)
def case_b(opts: argparse.Namespace, L: Libs) -> list[Target]:
    x1, x2 = 2.0, 5.0
    print(f"\n(b) value and gradient of ln x1 + x1*x2 - sin x2 at ({x1}, {x2}), Python floats")
    expected = (math.log(x1) + x1 * x2 - math.sin(x2), (1 / x1 + x2, x1 - math.cos(x2)))

    def f_mg(a, b):
        return a.log() + a * b - b.sin()

    fns: dict[str, Callable] = {}
    results: dict[str, Result] = {}
    try:
        vg = wf.value_and_grad(lambda a, b: wf.log(a) + a * b - wf.sin(b), argnums=(0, 1))
        fns["weifen"] = lambda: vg(x1, x2)
        results["weifen"] = Result("weifen")
    except Exception as e:
        results["weifen"] = Result("weifen", error=short_exc(e))
    fns["micrograd-style"] = lambda: mg.value_and_grad(f_mg, x1, x2)
    results["micrograd-style"] = Result("micrograd-style", note="(baseline, _micrograd.py)")

    def make_torch():
        torch = L.torch

        def run():
            a = torch.tensor(x1, dtype=torch.float64, requires_grad=True)
            b = torch.tensor(x2, dtype=torch.float64, requires_grad=True)
            y = torch.log(a) + a * b - torch.sin(b)
            return y, torch.autograd.grad(y, (a, b))
        return run

    def make_autograd():
        anp = L.anp
        vg = L.ag.value_and_grad(lambda p: anp.log(p[0]) + p[0] * p[1] - anp.sin(p[1]))
        return lambda: vg((x1, x2))

    def make_jax():
        jnp, jax = L.jnp, L.jax
        vg = jax.value_and_grad(lambda a, b: jnp.log(a) + a * b - jnp.sin(b), argnums=(0, 1))
        return lambda: jax.block_until_ready(vg(x1, x2))

    _optional(results, fns, "torch", L, "torch", make_torch)
    _optional(results, fns, "autograd (HIPS)", L, "autograd", make_autograd)
    _optional(results, fns, "jax (no jit)", L, "jax", make_jax)
    results = _timed_case("b", fns, results, expected, opts)
    return [ratio_target("b", results, "weifen", "micrograd-style", 1.0,
                         "weifen/micrograd-style time")]


# ---------------------------------------------------------------------------- (c)
SIZES = (784, 512, 512, 10)
BATCH = 256
LR = 0.01


def _mlp_init() -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:], strict=True):
        params.append((rng.standard_normal((fan_in, fan_out)) * math.sqrt(2 / fan_in))
                      .astype(np.float32))
        params.append((rng.standard_normal(fan_out) * 0.01).astype(np.float32))
    X = rng.standard_normal((BATCH, SIZES[0])).astype(np.float32)
    y = rng.integers(0, SIZES[-1], BATCH)
    return params, X, y


def numpy_sgd_step(P: list[np.ndarray], X: np.ndarray, y: np.ndarray) -> np.float32:
    """One SGD step written out in NumPy, float32 throughout; updates ``P`` in place."""
    W1, b1, W2, b2, W3, b3 = P
    rows = np.arange(len(y))
    z1 = X @ W1 + b1
    a1 = np.maximum(z1, 0)
    z2 = a1 @ W2 + b2
    a2 = np.maximum(z2, 0)
    z3 = a2 @ W3 + b3
    z3 = z3 - z3.max(axis=1, keepdims=True)  # stable log-softmax
    e = np.exp(z3)
    s = e.sum(axis=1, keepdims=True)
    loss = -(z3[rows, y] - np.log(s[:, 0])).mean()
    dz3 = e / s  # d loss / d logits = (softmax - onehot) / batch
    dz3[rows, y] -= 1
    dz3 /= len(y)
    da2 = dz3 @ W3.T
    dz2 = da2 * (z2 > 0)
    da1 = dz2 @ W2.T
    dz1 = da1 * (z1 > 0)
    grads = (X.T @ dz1, dz1.sum(axis=0), a1.T @ dz2, dz2.sum(axis=0),
             a2.T @ dz3, dz3.sum(axis=0))
    for p, g in zip(P, grads, strict=True):
        p -= LR * g
    return loss


def _wf_loss_variants():
    """(name, loss function) pairs for weifen, the preferred spelling first.

    The later ones stand in while ``log_softmax`` or array indexing are being written, so
    the rest of the step can still be timed; the table says which one ran.
    """
    def logp_of(z3):
        return wf.log_softmax(z3, axis=-1)

    def logp_composite(z3):
        z = z3 - z3.max(axis=-1, keepdims=True)
        return z - wf.log(wf.exp(z).sum(axis=-1, keepdims=True))

    def by_index(logp, y, rows, onehot):
        return -logp[rows, y].mean()

    def by_onehot(logp, y, rows, onehot):
        return -(logp * onehot).sum() / len(y)

    return [("", logp_of, by_index),
            ("one-hot product", logp_of, by_onehot),
            ("log_softmax composite", logp_composite, by_index),
            ("log_softmax composite, one-hot", logp_composite, by_onehot)]


def make_wf_step(logp_fn, pick_fn, X: np.ndarray, y: np.ndarray):
    Xt = wf.tensor(X)
    rows = np.arange(len(y))
    onehot = np.eye(SIZES[-1], dtype=np.float32)[y]

    def step(P):
        W1, b1, W2, b2, W3, b3 = P
        a1 = wf.relu(Xt @ W1 + b1)
        a2 = wf.relu(a1 @ W2 + b2)
        z3 = a2 @ W3 + b3
        loss = pick_fn(logp_fn(z3), y, rows, onehot)
        loss.backward()
        with wf.no_grad():
            for p in P:
                p -= LR * p.grad
                p.grad.zero_()
        return loss
    return step


def make_torch_step(torch, X: np.ndarray, y: np.ndarray):
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    rows = torch.arange(len(y))

    def step(P):
        W1, b1, W2, b2, W3, b3 = P
        a1 = torch.relu(Xt @ W1 + b1)
        a2 = torch.relu(a1 @ W2 + b2)
        logp = torch.log_softmax(a2 @ W3 + b3, dim=-1)
        loss = -logp[rows, yt].mean()
        loss.backward()
        with torch.no_grad():
            for p in P:
                p -= LR * p.grad
                p.grad.zero_()
        return loss
    return step


def case_c(opts: argparse.Namespace, L: Libs) -> list[Target]:
    print(f"\n(c) one SGD step, {'-'.join(map(str, SIZES))} ReLU MLP, softmax cross-entropy, "
          f"batch {BATCH}, float32")
    params0, X, y = _mlp_init()
    ref_P = [p.copy() for p in params0]
    ref_loss = numpy_sgd_step(ref_P, X, y)
    assert ref_loss.dtype == np.float32 and all(p.dtype == np.float32 for p in ref_P)
    results: dict[str, Result] = {}
    fns: dict[str, Callable] = {}

    def agrees(loss: Any, P: list) -> str | None:
        """None when ``loss`` and ``P`` match the NumPy step to 1e-4, else what differs."""
        got = [np.asarray(flat(loss))] + [flat(p) for p in P]
        want = [np.asarray([ref_loss], dtype=np.float64)] + [flat(p) for p in ref_P]
        errs = [float(np.max(np.abs(a - b))) for a, b in zip(got, want, strict=True)]
        if max(errs) > 1e-4:
            return f"WRONG RESULT (max abs differences loss/params {['%.1e' % e for e in errs]})"
        return None

    # weifen: the first loss spelling that runs and agrees
    failures = []
    for label, logp_fn, pick_fn in _wf_loss_variants():
        try:
            step = make_wf_step(logp_fn, pick_fn, X, y)
            P = [wf.tensor(p, requires_grad=True) for p in params0]
            loss = step(P)
            bad = agrees(loss, P)
            if bad is None and P[0].dtype != np.float32:
                bad = f"parameters became {P[0].dtype}"
            if bad is None and loss.dtype != np.float32:
                bad = f"loss is {loss.dtype}, not float32"
        except Exception as e:
            bad = short_exc(e)
        if bad is None:
            fns["weifen"] = lambda P=P, step=step: step(P)
            results["weifen"] = Result("weifen", note=f"(using {label})" if label else "")
            break
        failures.append(f"{label or 'log_softmax + indexing'}: {bad}")
    else:
        results["weifen"] = Result("weifen", error="no spelling of the step ran (notes above)")
    for f in failures:
        print(f"  note: weifen variant failed, {f}")

    P_np = [p.copy() for p in params0]
    fns["NumPy by hand"] = lambda: numpy_sgd_step(P_np, X, y)
    results["NumPy by hand"] = Result("NumPy by hand")

    if L.torch is None:
        results["torch"] = L.skipped("torch", "torch")
    else:
        torch = L.torch
        try:
            tstep = make_torch_step(torch, X, y)
            P_t = [torch.tensor(p, requires_grad=True) for p in params0]
            bad = agrees(tstep(P_t), P_t)
            results["torch"] = Result("torch", error=bad)
            fns["torch"] = lambda: tstep(P_t)
        except Exception as e:
            results["torch"] = Result("torch", error=short_exc(e))
    print("  (weifen and torch agree with the NumPy step to 1e-4 in loss and updated "
          "weights; otherwise they show as failed)")
    results = _run("c", fns, results, opts)
    return [ratio_target("c", results, "weifen", "NumPy by hand", 1.15,
                         "weifen/NumPy-by-hand time")]


# ---------------------------------------------------------------------------- (d)
def _peak(fn: Callable[[], Any]) -> tuple[int, float, Any]:
    """Peak traced bytes allocated while ``fn`` runs (above what was live before), its time."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        t0 = perf()
        out = fn()
        dt = perf() - t0
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak - base, dt, out


def case_d(opts: argparse.Namespace, L: Libs) -> list[Target]:
    n, layers = 10**6, 50
    x0 = np.random.default_rng(0).standard_normal(n)
    print(f"\n(d) peak memory, backprop through {layers} x h = tanh(h*0.9) on {n:.0e} float64 "
          f"(one array = {fmt_bytes(8 * n)}); tracemalloc around forward + backward")

    # Each contender is a setup returning the call to measure: inputs are made before the
    # measured window (autograd and NumPy get x0 as it is; weifen's wf.tensor copies it, and
    # that copy is the input, not backprop memory).
    def numpy_by_hand():
        h, outs = x0, []
        for _ in range(layers):
            h = np.tanh(h * 0.9)
            outs.append(h)
        g = np.ones_like(h)
        while outs:  # release each saved output once it has been used
            o = outs.pop()
            g = g * (1.0 - o * o) * 0.9
        return g

    def weifen_setup():
        x = wf.tensor(x0, requires_grad=True)

        def run():
            h = x
            for _ in range(layers):
                h = wf.tanh(h * 0.9)
            h.sum().backward()
            return x.grad
        return run

    setups: dict[str, Callable[[], Callable]] = {"weifen": weifen_setup,
                                                 "NumPy by hand": lambda: numpy_by_hand}
    skipped: dict[str, Result] = {}
    if L.ag is None:
        skipped["autograd (HIPS)"] = L.skipped("autograd (HIPS)", "autograd")
    else:
        anp = L.anp

        def f(x):
            h = x
            for _ in range(layers):
                h = anp.tanh(h * 0.9)
            return anp.sum(h)
        g = L.ag.grad(f)
        setups["autograd (HIPS)"] = lambda: (lambda: g(x0))

    expected = numpy_by_hand()
    peaks: dict[str, list[int]] = {k: [] for k in setups}
    times: dict[str, list[float]] = {k: [] for k in setups}
    errors: dict[str, str] = {}
    for _ in range(opts.mem_reps):
        for name, setup in setups.items():
            if name in errors:
                continue
            try:
                fn = setup()
                p, dt, out = _peak(fn)
                if not np.allclose(flat(out), expected, rtol=1e-9, atol=1e-12):
                    errors[name] = "WRONG RESULT"
                del out, fn
            except Exception as e:
                errors[name] = short_exc(e)
                continue
            peaks[name].append(p)
            times[name].append(dt)
    floor = 8 * n * layers
    print(f"  the saved activations alone: {layers} x {fmt_bytes(8 * n)} = {fmt_bytes(floor)}")
    print(f"  {'contender':<22}{'peak':>12}{'/ activations':>15}{'time':>15}")
    med: dict[str, float] = {}
    for name in setups:
        if name in errors:
            print(f"  {name:<22}{'FAILED':>12}  {errors[name]}")
            continue
        med[name] = float(np.median(peaks[name]))
        print(f"  {name:<22}{fmt_bytes(med[name]):>12}{med[name] / floor:>14.2f}x"
              f"{fmt_time(float(np.median(times[name]))):>15}")
    for name, res in skipped.items():
        print(f"  {name:<22}{'skipped':>12}  ({res.error})")
    print("  (torch and JAX allocate outside tracemalloc's view, so they are not compared)")
    text = "weifen/autograd peak memory"
    if "weifen" not in med or "autograd (HIPS)" not in med:
        who = "weifen" if "weifen" not in med else "autograd"
        return [Target("d", text, None, 1.0, f"{who} did not run")]
    diff = med["weifen"] - med["autograd (HIPS)"]
    print(f"  weifen - autograd: {diff / 2**10:+.1f} KiB")
    return [Target("d", text, med["weifen"] / med["autograd (HIPS)"], 1.0)]


# ---------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_args(ap, "abcd")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="wall time (default), or this process's CPU time, steadier on a busy "
                         "machine (use with --threads 1)")
    ap.add_argument("--profile", default="",
                    help="after timing, cProfile weifen in these cases (e.g. a,b)")
    opts = ap.parse_args(argv)
    cases = finish_args(ap, opts, "abcd")
    opts.mem_reps = 1 if opts.quick else 3
    set_clock(opts.clock)

    L = Libs()
    vers = [f"weifen {getattr(wf, '__version__', '?')}", f"numpy {np.__version__}"]
    for name, mod in (("torch", L.torch), ("autograd", L.ag), ("jax", L.jax)):
        vers.append(f"{name} {dist_version(name)}" if mod else f"{name} MISSING")
    print_header("weifen core benchmarks", vers)
    opts.keep = []  # holds the thread limiter alive for the run
    threads = set_threads(opts.threads, L.torch, opts.keep)
    print(f"{threads}  |  {opts.rounds} interleaved rounds x ~{opts.target_ms:g} ms "
          f"of {opts.clock} time per measurement, median reported"
          f"{'  |  QUICK' if opts.quick else ''}")

    return run_cases(cases, {"a": case_a, "b": case_b, "c": case_c, "d": case_d}, opts, L)


if __name__ == "__main__":
    sys.exit(main())
