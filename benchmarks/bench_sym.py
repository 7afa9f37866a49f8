"""Symbolic-engine benchmark (issue 15, item 6): d/dx of the logistic map's iterate
l_n (l_1 = x, l_{k+1} = 4 l_k (1 - l_k)), expanded to a canonical polynomial.

Run from the repository root::

    python benchmarks/bench_sym.py                   # n = 9 and n = 12
    python benchmarks/bench_sym.py --n 9 --sympy-timeout 300

All contenders run in this one process. Each is timed on diff + expand from the same
unexpanded iterate: weifen (``sym.diff`` + ``sym.expand``), SymEngine (``diff`` +
``expand``, when installed) and SymPy (``diff`` + ``expand``). SymPy's diff + expand
takes minutes at n = 9 and far longer at n = 12, so it runs under a time limit
(``--sympy-timeout``, seconds, 60 by default) and is reported as timed out past it.

A second section (``--simplify``, on by default) times ``sym.simplify`` against
``sympy.simplify`` on the derivatives of 30 typical functions (the list of
tests/test_sym_exact.py), and reports each result's operation count (``op_count`` for
weifen's, ``count_ops`` for SymPy's). Target: weifen at least 50x faster in total.

Exactness: weifen's polynomial is compared coefficient by coefficient, as exact Python
integers, with SymPy's reference polynomial built by ``sympy.Poly`` arithmetic (the same
iteration on dense integer polynomials, then ``Poly.diff``: seconds even at n = 12), and
with SymEngine's expansion where SymEngine ran. Target: weifen at least 20x faster than
SymEngine on both n.
"""
from __future__ import annotations

import argparse
import importlib
import signal
import statistics
import sys
import time
from fractions import Fraction
from typing import Any, Callable


def logistic(n: int, x: Any) -> Any:
    v = x
    for _ in range(n - 1):
        v = 4 * v * (1 - v)
    return v


def timed(fn: Callable[[], Any], repeat: int, budget: float = 5.0) -> tuple[Any, float, int]:
    """``fn()``, the median of up to ``repeat`` runs (fewer once ``budget`` s is spent)."""
    times = []
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
        if sum(times) > budget:
            break
    return out, statistics.median(times), len(times)


def weifen_coeffs(poly: Any, name: str = "x") -> dict:
    """``{degree: coefficient}`` of weifen's expanded polynomial, read from the expression
    (exact: ints, or Fractions; a float coefficient is kept as it is and flagged)."""
    from weifen.sym.poly import coefficients

    return coefficients(poly, name)


class Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise Timeout


def with_timeout(fn: Callable[[], Any], seconds: float) -> Any:
    """``fn()``, or ``Timeout`` raised after ``seconds`` (SymPy is pure Python, so the
    alarm's exception interrupts it)."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


SIMPLIFY_EXPRS = [
    "x**2*sin(x)", "sin(x)*cos(x)", "exp(x)*sin(x)", "x*exp(x)", "x**3*log(x)",
    "sin(x)/x", "x/(1 + x)", "(x**2 + 1)/(x - 1)", "exp(x)/(1 + exp(x))", "log(x)/x",
    "sin(x**2)", "exp(sin(x))", "log(cos(x))", "sqrt(1 + x**2)", "(2*x + 1)**5",
    "sin(x)**2 + cos(x)**2", "tan(x)", "1/(1 + exp(-x))", "exp(-x**2/2)", "log(1 + x**2)",
    "x**4 - 3*x**2 + 2*x - 7", "(x + 1)*(x - 1)*(x + 2)", "x**3/3 - x**2/2", "1/x + 1/x**2",
    "sin(2*x)*cos(3*x)", "exp(x)*cos(x) - exp(x)*sin(x)", "tanh(x)", "x*log(x) - x",
    "sqrt(x)*exp(x)", "atan(x)/x",
]


def bench_simplify(sp: Any, repeat: int) -> None:
    """``sym.simplify`` and ``sympy.simplify`` on the same 30 derivatives (each side's
    own diff, not timed); SymPy's cache is cleared before each of its runs."""
    from weifen import sym
    from weifen.sym.collect import op_count

    x, X = sym.Symbol("x"), sp.Symbol("x")
    mine = [sym.diff(sym.parse(t), x) for t in SIMPLIFY_EXPRS]
    theirs = [sp.diff(sp.sympify(t), X) for t in SIMPLIFY_EXPRS]
    out, t_wf, k = timed(lambda: [sym.simplify(d) for d in mine], repeat)
    t_sp = 0.0
    ref = []
    for d in theirs:
        sp.core.cache.clear_cache()
        t0 = time.perf_counter()
        ref.append(sp.simplify(d))
        t_sp += time.perf_counter() - t0
    shorter = sum(op_count(a) < sp.count_ops(b) for a, b in zip(out, ref))
    longer = [t for t, a, b in zip(SIMPLIFY_EXPRS, out, ref) if op_count(a) > sp.count_ops(b)]
    print(f"\nsimplify, derivatives of {len(mine)} functions")
    print(f"  weifen    sym.simplify    {t_wf:10.4f} s   (all {len(mine)}, median of {k})")
    print(f"  sympy     simplify        {t_sp:10.4f} s   (all {len(mine)}, once, cache "
          f"cleared);  weifen is {t_sp / t_wf:7.1f}x faster (target >= 50x)")
    print(f"  operation counts: weifen's {sum(map(op_count, out))}, SymPy's "
          f"{sum(sp.count_ops(r) for r in ref)} in all; weifen shorter on {shorter}, "
          f"longer on {len(longer)} ({', '.join(longer)})")


def main(argv: list | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", default="9,12", help="iterates to run, comma separated")
    ap.add_argument("--repeat", type=int, default=5, help="repeats where cheap (median)")
    ap.add_argument("--sympy-timeout", type=float, default=60.0,
                    help="seconds SymPy's diff + expand may take per n (0: skip it)")
    ap.add_argument("--simplify", default=True, action=argparse.BooleanOptionalAction,
                    help="also time simplify against sympy.simplify (default: on)")
    args = ap.parse_args(argv)
    ns = [int(k) for k in args.n.split(",")]

    from weifen import sym

    try:
        se = importlib.import_module("symengine")
    except ImportError:
        se = None
    try:
        sp = importlib.import_module("sympy")
    except ImportError:
        sp = None
    print(f"python {sys.version.split()[0]}; symengine "
          f"{se.__version__ if se else 'not installed'}; sympy "
          f"{sp.__version__ if sp else 'not installed'}")
    failures = 0
    for n in ns:
        print(f"\nn = {n}: d l_{n}/dx expanded (degree {2 ** (n - 1) - 1})")
        x = sym.Symbol("x")
        ln = logistic(n, x)
        poly, t_wf, k = timed(lambda: sym.expand(sym.diff(ln, x)), args.repeat)
        print(f"  weifen    diff + expand   {t_wf:10.4f} s   (median of {k})")
        mine = weifen_coeffs(poly)
        kinds = {type(c).__name__ for c in mine.values()}
        print(f"            {len(mine)} terms, coefficient types {sorted(kinds)}, largest "
              f"{max(abs(c) for c in mine.values()).bit_length()} bits")
        ref = None
        if sp is not None:
            X = sp.Symbol("x")
            P = sp.Poly(X, X, domain="ZZ")
            for _ in range(n - 1):
                P = 4 * P * (1 - P)
            dp = P.diff(X)
            ref = {m[0]: int(c) for m, c in zip(dp.monoms(), dp.coeffs())}
            same = ref == mine
            failures += not same
            print(f"  exact check against sympy.Poly: {'EQUAL' if same else 'DIFFERENT'} "
                  f"(coefficient by coefficient, {len(ref)} terms)")
        if se is not None:
            xs = se.Symbol("x")
            le = logistic(n, xs)
            pe, t_se, k = timed(lambda: se.expand(se.diff(le, xs)), args.repeat, budget=20.0)
            print(f"  symengine diff + expand   {t_se:10.4f} s   (median of {k});  "
                  f"weifen is {t_se / t_wf:7.1f}x faster (target >= 20x)")
            if ref is not None:
                pse = sp.Poly(sp.sympify(str(pe)), sp.Symbol("x"))
                got = {m[0]: int(c) for m, c in zip(pse.monoms(), pse.coeffs())}
                print(f"            SymEngine's polynomial equals the reference: {got == ref}")
        else:
            print("  symengine not installed (pip install symengine)")
        if sp is not None and args.sympy_timeout > 0:
            X = sp.Symbol("x")
            lsp = logistic(n, X)
            try:
                t0 = time.perf_counter()
                with_timeout(lambda: sp.expand(sp.diff(lsp, X)), args.sympy_timeout)
                t_sp = time.perf_counter() - t0
                print(f"  sympy     diff + expand   {t_sp:10.4f} s   (once);  weifen is "
                      f"{t_sp / t_wf:7.1f}x faster")
            except Timeout:
                print(f"  sympy     diff + expand   > {args.sympy_timeout:.0f} s (stopped at "
                      f"the time limit); weifen is > {args.sympy_timeout / t_wf:.0f}x faster")
    if args.simplify and sp is not None:
        bench_simplify(sp, args.repeat)
    _ = Fraction  # exact rationals are what weifen's coefficients may also be
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
