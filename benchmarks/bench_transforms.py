"""Transform benchmarks: weifen's jacrev/jacfwd/hessian/hvp beside torch.func, JAX and NumPy.

Run from the repository root::

    python benchmarks/bench_transforms.py            # full run (about a minute or two)
    python benchmarks/bench_transforms.py --quick    # smoke run
    python benchmarks/bench_transforms.py --only a,c

Cases and targets (issue 3, item 7):

(a) the full 256x256 Jacobian of ``x -> tanh(W2 tanh(W1 x))``, float64, by ``wf.jacrev`` and
    by ``wf.jacfwd``. Targets: each <= 1.0x the time of the same mode in JAX under ``jit``
    (``jax.jit(jax.jacrev(f))``, ``jax.jit(jax.jacfwd(f))``; compile time excluded) and
    <= 2x a hand-written NumPy Jacobian ``diag(1-h2^2) W2 diag(1-h1^2) W1``.
(b) the full Hessian of the 100-dimensional Rosenbrock function by ``wf.hessian``.
    Target: <= 0.5x the time of ``torch.func.hessian``.
(c) a Hessian-vector product on 10^5 dimensions, ``wf.hvp(f, (x,), (v,))``, for two
    functions: Rosenbrock and ``sum(tanh(x) * x**2)``. Target: hvp <= 4x ``wf.grad(f)(x)``.

All contenders run in this one process, interleaved round by round (see _harness.py);
optional ones that do not import are reported as skipped. Before timing, every contender's
result is checked against a closed-form NumPy reference (and weifen's hvp also against a
central difference of its gradients); a wrong answer is reported as a failure, not timed.
JAX runs with x64 enabled; its inputs are device arrays made beforehand and every call
waits for the result (``block_until_ready``).
"""
from __future__ import annotations

import argparse
import importlib
import math
import os
import sys
from pathlib import Path
from typing import Any, Callable

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # measure the checkout's weifen, installed or not

from _harness import (Result, Target, add_common_args, check_results,  # noqa: E402
                      dist_version, finish_args, print_header,
                      pin_malloc, print_time_table, profile, ratio_target, run_interleaved,
                      run_cases, set_threads, short_exc)

os.environ.setdefault("JAX_PLATFORMS", "cpu")  # no accelerator probing noise
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import weifen as wf  # noqa: E402

WIDTH = 30  # contender column


# ---------------------------------------------------------------------------- contenders
class Libs:
    """The optional contenders, imported once; a missing one keeps its import error."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self.torch = self._imp("torch")
        self.tfunc = self._imp("torch.func", "torch") if self.torch else None
        self.jax = self._imp("jax")
        self.jnp = None
        if self.jax is not None:
            try:
                self.jax.config.update("jax_enable_x64", True)  # every case is float64
                self.jnp = importlib.import_module("jax.numpy")
            except Exception as e:
                self.errors["jax"] = short_exc(e)
                self.jax = None

    def _imp(self, name: str, key: str | None = None) -> Any:
        try:
            return importlib.import_module(name)
        except Exception as e:  # ImportError, or a broken install raising anything
            self.errors[key or name] = short_exc(e)
            return None

    def add(self, results: dict[str, Result], fns: dict[str, Callable], label: str, lib: str,
            make: Callable[[], Callable], note: str = "") -> None:
        """Add contender ``label`` built by ``make()`` when ``lib`` imported, else skip it."""
        mod = {"torch": self.tfunc, "jax": self.jax}[lib]
        if mod is None:
            err = self.errors.get("torch.func") or self.errors.get(lib, "?")
            results[label] = Result(label, skipped=True, error=f"not importable: {err}")
            return
        try:
            fns[label] = make()
            results[label] = Result(label, note=note)
        except Exception as e:
            results[label] = Result(label, error=short_exc(e))


def _expect_array(fn: Callable[[], Any], shape: tuple, what: str) -> Callable[[], Any]:
    """``fn`` checked once to return a float64 array of ``shape`` (the value check ravels)."""
    def checked():
        out = fn()
        got_shape, got_dt = tuple(np.shape(out)), getattr(out, "dtype", None)
        if got_shape != shape or got_dt != np.float64:
            raise AssertionError(f"{what} returned shape {got_shape} dtype {got_dt}, "
                                 f"expected {shape} float64")
        return out
    return checked


def _check_and_run(case: str, fns: dict, results: dict, expected: Any,
                   opts: argparse.Namespace, rtol: float, atol: float,
                   refs: tuple[str, ...], shapes: dict[str, Callable] | None = None
                   ) -> dict[str, Result]:
    """Check every contender against ``expected`` (``shapes`` replaces some contenders'
    check with a version that also checks shape and dtype), then time and print."""
    check_fns = dict(fns)
    check_fns.update(shapes or {})
    check_results(results, check_fns, expected, rtol, atol)
    return _time_and_print(case, fns, results, opts, refs)


def _time_and_print(case: str, fns: dict, results: dict, opts: argparse.Namespace,
                    refs: tuple[str, ...]) -> dict[str, Result]:
    """Time the contenders that passed their check, interleaved; print the table with a
    ratio column per row in ``refs`` (weifen's); cProfile those rows if asked."""
    results = run_interleaved({k: v for k, v in fns.items() if k in results},
                              rounds=opts.rounds, target_s=opts.target_ms / 1e3,
                              warmup=opts.warmup, results=results)
    print_time_table(results, ref=refs, width=WIDTH)
    if case[0] in opts.profile:
        for r in refs:
            if results[r].ok:
                print(f"  -- {r}")
                profile(fns[r])
    return results


# ---------------------------------------------------------------------------- (a)
N_A = 256


def case_a(opts: argparse.Namespace, L: Libs) -> list[Target]:
    rng = np.random.default_rng(0)
    # scaled by 1/sqrt(n) so that tanh stays away from saturation and every entry matters
    W1 = rng.standard_normal((N_A, N_A)) / math.sqrt(N_A)
    W2 = rng.standard_normal((N_A, N_A)) / math.sqrt(N_A)
    x0 = rng.standard_normal(N_A)
    print(f"\n(a) full {N_A}x{N_A} Jacobian of x -> tanh(W2 tanh(W1 x)), float64, "
          f"W1 and W2 {N_A}x{N_A}")

    def numpy_by_hand(x: np.ndarray) -> np.ndarray:
        # J = diag(1-h2^2) W2 diag(1-h1^2) W1, the diagonals applied by broadcasting
        h1 = np.tanh(W1 @ x)
        h2 = np.tanh(W2 @ h1)
        return ((1.0 - h2 * h2)[:, None] * W2) @ ((1.0 - h1 * h1)[:, None] * W1)

    expected = numpy_by_hand(x0)

    def f_wf(x):
        return wf.tanh(W2 @ wf.tanh(W1 @ x))

    jr, jf = wf.jacrev(f_wf), wf.jacfwd(f_wf)
    fns: dict[str, Callable] = {"weifen jacrev": lambda: jr(x0), "weifen jacfwd": lambda: jf(x0),
                                "NumPy by hand": lambda: numpy_by_hand(x0)}
    results = {k: Result(k) for k in fns}
    results["NumPy by hand"].note = "(floor)"
    shapes = {k: _expect_array(fns[k], (N_A, N_A), k) for k in ("weifen jacrev", "weifen jacfwd")}

    def make_jax(mode: str) -> Callable[[], Callable]:
        def make():
            jax, jnp = L.jax, L.jnp
            A1, A2, xj = jnp.asarray(W1), jnp.asarray(W2), jnp.asarray(x0)

            def f(x):
                return jnp.tanh(A2 @ jnp.tanh(A1 @ x))
            jac = jax.jit(getattr(jax, mode)(f))
            jac(xj).block_until_ready()  # compile now: not part of any measurement
            return lambda: jac(xj).block_until_ready()
        return make

    def make_torch(mode: str) -> Callable[[], Callable]:
        def make():
            torch = L.torch
            T1, T2, xt = torch.from_numpy(W1), torch.from_numpy(W2), torch.from_numpy(x0)

            def f(x):
                return torch.tanh(T2 @ torch.tanh(T1 @ x))
            jac = getattr(L.tfunc, mode)(f)
            return lambda: jac(xt)
        return make

    L.add(results, fns, "jax.jit(jax.jacrev)", "jax", make_jax("jacrev"))
    L.add(results, fns, "jax.jit(jax.jacfwd)", "jax", make_jax("jacfwd"))
    L.add(results, fns, "torch.func.jacrev", "torch", make_torch("jacrev"), "(information)")
    L.add(results, fns, "torch.func.jacfwd", "torch", make_torch("jacfwd"), "(information)")
    print("  (every contender agrees with the NumPy Jacobian to 1e-10, or shows as failed)")
    refs = ("weifen jacrev", "weifen jacfwd")
    results = _check_and_run("a", fns, results, expected, opts, 1e-10, 1e-10, refs, shapes)
    return [
        ratio_target("a", results, "weifen jacrev", "jax.jit(jax.jacrev)", 1.0,
                     "weifen jacrev / jax.jit(jacrev) time"),
        ratio_target("a", results, "weifen jacfwd", "jax.jit(jax.jacfwd)", 1.0,
                     "weifen jacfwd / jax.jit(jacfwd) time"),
        ratio_target("a", results, "weifen jacrev", "NumPy by hand", 2.0,
                     "weifen jacrev / NumPy-by-hand time"),
        ratio_target("a", results, "weifen jacfwd", "NumPy by hand", 2.0,
                     "weifen jacfwd / NumPy-by-hand time"),
    ]


# ---------------------------------------------------------------------------- (b)
def rosenbrock(x: Any) -> Any:
    """Written once for every library: slicing, ``**`` and ``.sum()`` are common to all."""
    return (100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2).sum()


def rosen_grad_np(x: np.ndarray) -> np.ndarray:
    d = x[1:] - x[:-1] ** 2
    g = np.zeros_like(x)
    g[:-1] = -400.0 * x[:-1] * d - 2.0 * (1.0 - x[:-1])
    g[1:] += 200.0 * d
    return g


def rosen_hess_bands(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The closed-form Hessian of :func:`rosenbrock`: (diagonal, off-diagonal); it is
    tridiagonal and symmetric."""
    diag = np.zeros_like(x)
    diag[:-1] = 1200.0 * x[:-1] ** 2 - 400.0 * x[1:] + 2.0
    diag[1:] += 200.0
    return diag, -400.0 * x[:-1]


def rosen_hess_np(x: np.ndarray) -> np.ndarray:
    diag, off = rosen_hess_bands(x)
    return np.diag(diag) + np.diag(off, 1) + np.diag(off, -1)


def rosen_hvp_np(x: np.ndarray, v: np.ndarray) -> np.ndarray:
    diag, off = rosen_hess_bands(x)
    hv = diag * v
    hv[:-1] += off * v[1:]
    hv[1:] += off * v[:-1]
    return hv


N_B = 100


def case_b(opts: argparse.Namespace, L: Libs) -> list[Target]:
    x0 = np.random.default_rng(1).standard_normal(N_B)
    print(f"\n(b) full Hessian of the {N_B}-dimensional Rosenbrock function "
          "sum(100 (x[1:]-x[:-1]^2)^2 + (1-x[:-1])^2), float64")
    expected = rosen_hess_np(x0)
    hess = wf.hessian(rosenbrock)
    fns: dict[str, Callable] = {"weifen hessian": lambda: hess(x0),
                                "NumPy closed form": lambda: rosen_hess_np(x0)}
    results = {k: Result(k) for k in fns}
    results["NumPy closed form"].note = "(floor: the tridiagonal formula)"
    shapes = {"weifen hessian": _expect_array(fns["weifen hessian"], (N_B, N_B), "hessian")}

    def make_torch():
        h = L.tfunc.hessian(rosenbrock)
        xt = L.torch.from_numpy(x0)
        return lambda: h(xt)

    def make_jax(jit: bool) -> Callable[[], Callable]:
        def make():
            h = L.jax.hessian(rosenbrock)
            if jit:
                h = L.jax.jit(h)
            xj = L.jnp.asarray(x0)
            h(xj).block_until_ready()  # compile (or trace caches) before any measurement
            return lambda: h(xj).block_until_ready()
        return make

    L.add(results, fns, "torch.func.hessian", "torch", make_torch)
    L.add(results, fns, "jax.jit(jax.hessian)", "jax", make_jax(True), "(information)")
    L.add(results, fns, "jax.hessian (no jit)", "jax", make_jax(False), "(information)")
    print("  (every contender agrees with the closed-form tridiagonal Hessian to 1e-10 "
          "relative, or shows as failed)")
    results = _check_and_run("b", fns, results, expected, opts, 1e-10, 1e-8,
                             ("weifen hessian",), shapes)
    return [ratio_target("b", results, "weifen hessian", "torch.func.hessian", 0.5,
                         "weifen hessian / torch.func.hessian time")]


# ---------------------------------------------------------------------------- (c)
N_C = 10**5


def tanh_sq(tanh: Callable) -> Callable:
    """``x -> sum(tanh(x) * x**2)`` with the given library's tanh."""
    return lambda x: (tanh(x) * x ** 2).sum()


def tanh_sq_grad_np(x: np.ndarray) -> np.ndarray:
    t = np.tanh(x)
    return (1.0 - t * t) * x * x + 2.0 * x * t


def tanh_sq_hvp_np(x: np.ndarray, v: np.ndarray) -> np.ndarray:
    t = np.tanh(x)
    s = 1.0 - t * t  # the Hessian is diagonal: d/dx of the gradient above
    return (2.0 * t + 4.0 * x * s - 2.0 * x * x * s * t) * v


def _hvp_case(tag: str, title: str, f_of: Callable[[Any], Callable], grad_np: Callable,
              hvp_np: Callable, opts: argparse.Namespace, L: Libs) -> Target:
    """Time grad and hvp of one function in every library; the target is weifen's ratio."""
    rng = np.random.default_rng(2)
    x0, v0 = rng.standard_normal(N_C), rng.standard_normal(N_C)
    print(f"\n({tag}) {title} on {N_C:.0e} float64 values: gradient and Hessian-vector product")
    g_ref, hv_ref = grad_np(x0), hvp_np(x0, v0)
    scale = float(np.max(np.abs(hv_ref)))

    f = f_of(wf)
    g_wf = wf.grad(f)
    fns: dict[str, Callable] = {
        "weifen grad": lambda: g_wf(x0),
        "weifen hvp": lambda: wf.hvp(f, (x0,), (v0,))[1],
        "NumPy closed-form grad": lambda: grad_np(x0),
        "NumPy closed-form hvp": lambda: hvp_np(x0, v0),
    }
    results = {k: Result(k) for k in fns}
    results["NumPy closed-form grad"].note = "(floor)"
    results["NumPy closed-form hvp"].note = "(floor)"

    # weifen's hvp against a central difference of weifen's own gradient along v
    try:
        eps = 1e-6
        fd = (np.asarray(g_wf(x0 + eps * v0)) - np.asarray(g_wf(x0 - eps * v0))) / (2 * eps)
        hv = np.asarray(wf.hvp(f, (x0,), (v0,))[1])
        err = float(np.max(np.abs(hv - fd))) / scale
        ok = err < 1e-6
        print(f"  weifen hvp vs central difference of weifen grad (eps {eps:g}): max error "
              f"{err:.1e} of max |Hv| {'(ok)' if ok else '(TOO LARGE)'}")
        if not ok:
            results["weifen hvp"].error = f"WRONG RESULT (finite-difference error {err:.1e})"
    except Exception as e:
        results["weifen hvp"].error = short_exc(e)

    def make_torch(what: str) -> Callable[[], Callable]:
        def make():
            torch, tf = L.torch, L.tfunc
            ft = f_of(torch)
            xt, vt = torch.from_numpy(x0), torch.from_numpy(v0)
            if what == "grad":
                g = tf.grad(ft)
                return lambda: g(xt)
            if what == "jvp":
                g = tf.grad(ft)
                return lambda: tf.jvp(g, (xt,), (vt,))[1]

            def double_backward():
                x = xt.detach().requires_grad_()
                (g,) = torch.autograd.grad(ft(x), x, create_graph=True)
                (hv,) = torch.autograd.grad(g, x, vt)
                return hv
            return double_backward
        return make

    def make_jax(what: str, jit: bool) -> Callable[[], Callable]:
        def make():
            jax, jnp = L.jax, L.jnp
            fj = f_of(jnp)
            xj, vj = jnp.asarray(x0), jnp.asarray(v0)
            if what == "grad":
                fn = jax.grad(fj)
                call = (lambda fn: lambda: fn(xj).block_until_ready())
            else:
                def hvp(x, v):
                    return jax.jvp(jax.grad(fj), (x,), (v,))[1]
                fn = hvp
                call = (lambda fn: lambda: fn(xj, vj).block_until_ready())
            run = call(jax.jit(fn) if jit else fn)
            run()  # compile before any measurement
            return run
        return make

    L.add(results, fns, "torch.func.grad", "torch", make_torch("grad"))
    L.add(results, fns, "torch.func jvp(grad)", "torch", make_torch("jvp"))
    L.add(results, fns, "torch double backward", "torch", make_torch("double"))
    L.add(results, fns, "jax.grad (no jit)", "jax", make_jax("grad", False))
    L.add(results, fns, "jax jvp(grad) (no jit)", "jax", make_jax("hvp", False))
    L.add(results, fns, "jax.jit(jax.grad)", "jax", make_jax("grad", True))
    L.add(results, fns, "jax.jit(jvp(grad))", "jax", make_jax("hvp", True))

    # two references: gradients and Hessian-vector products
    grads = [k for k in fns if "grad" in k and "jvp" not in k and "double" not in k]
    hvps = [k for k in fns if k not in grads]
    check_results(results, {k: fns[k] for k in grads}, g_ref, 1e-10, 1e-10 * scale)
    check_results(results, {k: fns[k] for k in hvps}, hv_ref, 1e-9, 1e-10 * scale)
    print("  (gradients and products agree with the closed forms to 1e-9 relative, "
          "or show as failed)")
    refs = ("weifen hvp", "weifen grad")
    results = _time_and_print(tag, fns, results, opts, refs)

    # the hvp / grad cost in each library, the figure the target is about
    pairs = [("weifen", "weifen hvp", "weifen grad"),
             ("torch.func", "torch.func jvp(grad)", "torch.func.grad"),
             ("torch double backward", "torch double backward", "torch.func.grad"),
             ("jax no jit", "jax jvp(grad) (no jit)", "jax.grad (no jit)"),
             ("jax jit", "jax.jit(jvp(grad))", "jax.jit(jax.grad)"),
             ("NumPy closed form", "NumPy closed-form hvp", "NumPy closed-form grad")]
    parts = [f"{lab} {results[a].median / results[b].median:.2f}x" for lab, a, b in pairs
             if results[a].ok and results[b].ok]
    print("  hvp time / grad time: " + ", ".join(parts))
    return ratio_target(tag, results, "weifen hvp", "weifen grad", 4.0,
                        f"{title}: weifen hvp / weifen grad time")


def case_c(opts: argparse.Namespace, L: Libs) -> list[Target]:
    return [
        _hvp_case("c1", "Rosenbrock", lambda lib: rosenbrock, rosen_grad_np, rosen_hvp_np,
                  opts, L),
        _hvp_case("c2", "sum(tanh(x) * x**2)", lambda lib: tanh_sq(lib.tanh), tanh_sq_grad_np,
                  tanh_sq_hvp_np, opts, L),
    ]


# ---------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_args(ap, "abc")
    ap.add_argument("--profile", default="",
                    help="after timing, cProfile weifen's rows in these cases (e.g. a,c)")
    ap.add_argument("--malloc", choices=("pinned", "glibc"), default="pinned",
                    help="pinned (default): fix glibc's mmap/trim thresholds so large "
                         "temporaries reuse heap memory in every case (see _harness.pin_malloc); "
                         "glibc: leave its moving thresholds")
    opts = ap.parse_args(argv)
    cases = finish_args(ap, opts, "abc")

    alloc = pin_malloc() if opts.malloc == "pinned" else "malloc: glibc default (moving)"
    L = Libs()
    vers = [f"weifen {getattr(wf, '__version__', '?')}", f"numpy {np.__version__}"]
    for name, mod in (("torch", L.tfunc), ("jax", L.jax)):
        vers.append(f"{name} {dist_version(name)}" if mod else f"{name} MISSING")
    print_header("weifen transform benchmarks", vers)
    keep: list = []
    print(f"{set_threads(opts.threads, L.torch, keep)}  |  {opts.rounds} interleaved rounds x "
          f"~{opts.target_ms:g} ms per measurement, median reported"
          f"{'  |  QUICK' if opts.quick else ''}")
    print(alloc)

    return run_cases(cases, {"a": case_a, "b": case_b, "c": case_c}, opts, L)


if __name__ == "__main__":
    sys.exit(main())
