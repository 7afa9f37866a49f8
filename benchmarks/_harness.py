"""Timing and reporting helpers shared by the benchmark scripts.

Measurement protocol (chosen for a small, noisy machine):

* every contender is warmed up, then calibrated: its inner loop count is the number of
  calls that fill about ``target_s`` seconds, so timer resolution and per-measurement
  noise are negligible;
* the contenders are measured *interleaved*: each round times every contender once, and
  the order rotates from round to round, so a burst of machine noise or a slow drift of
  the clock (thermal, other tenants) hits all contenders alike instead of one;
* the reported figure is the median over rounds of the per-call time (robust to the odd
  round that a noisy neighbour spoiled); the spread (min .. max) is printed beside it.

A contender whose warm-up raises is reported as failed with the exception, never crashes
the run; a contender whose import failed is reported as skipped.
"""
from __future__ import annotations

import gc
import statistics
import time
import traceback
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

perf = time.perf_counter
_clock = time.perf_counter  # what measurements read; set_clock("cpu") for process CPU time


def set_clock(kind: str) -> None:
    """``"wall"`` (default) or ``"cpu"``: this process's CPU time, which other processes on
    a busy machine do not inflate (use it with one thread per library: CPU time adds up
    every thread of the process, idle spinning included)."""
    global _clock
    _clock = {"wall": time.perf_counter, "cpu": time.process_time}[kind]


@dataclass
class Result:
    """What happened to one contender in one case."""

    name: str
    times: list[float] = field(default_factory=list)  # seconds per call, one per round
    inner: int = 0  # calls per measurement
    error: str | None = None  # failure message (import, warm-up or check)
    skipped: bool = False  # an optional contender that is not installed
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def short_exc(e: BaseException) -> str:
    """A one-line description of an exception, with the innermost frame's location."""
    tb = traceback.extract_tb(e.__traceback__)
    where = f" [{tb[-1].filename.split('/')[-1]}:{tb[-1].lineno}]" if tb else ""
    msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
    return f"{type(e).__name__}: {msg[:140]}{where}"


def _time_calls(fn: Callable[[], object], n: int) -> float:
    clock = _clock
    t0 = clock()
    for _ in range(n):
        fn()
    return clock() - t0


def calibrate(fn: Callable[[], object], target_s: float) -> int:
    """The number of calls of ``fn`` that take about ``target_s`` seconds (at least 1)."""
    n = 1
    while True:
        dt = _time_calls(fn, n)
        if dt >= target_s / 4 or n >= 1 << 20:
            break
        n *= 4 if dt < target_s / 40 else 2
    return max(1, round(n * target_s / max(dt, 1e-9)))


def run_interleaved(
    fns: dict[str, Callable[[], object]],
    *,
    rounds: int,
    target_s: float,
    warmup: int = 3,
    results: dict[str, Result] | None = None,
) -> dict[str, Result]:
    """Time every callable in ``fns`` round-robin; returns a :class:`Result` per name.

    ``results`` may already hold entries (skipped or failed contenders); they are kept
    and not timed.
    """
    results = dict(results or {})
    live: dict[str, Callable[[], object]] = {}
    for name, fn in fns.items():
        res = results.setdefault(name, Result(name))
        if res.error is not None or res.skipped:
            continue
        try:
            for _ in range(warmup):
                fn()
            res.inner = calibrate(fn, target_s)
        except Exception as e:  # a contender that breaks is reported, not fatal
            res.error = short_exc(e)
            continue
        live[name] = fn
    names = list(live)
    for r in range(rounds):
        k = r % len(names) if names else 0
        for name in names[k:] + names[:k]:
            res = results[name]
            gc.collect()  # start each measurement from the same garbage state
            res.times.append(_time_calls(live[name], res.inner) / res.inner)
    return results


def fmt_time(s: float) -> str:
    if s < 1e-6:
        return f"{s * 1e9:.0f} ns"
    if s < 1e-3:
        return f"{s * 1e6:.1f} us"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.2f} s"


def fmt_bytes(b: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(b) < 1024 or unit == "GiB":
            return f"{b:.0f} {unit}" if unit == "B" else f"{b:.1f} {unit}"
        b /= 1024
    return f"{b:.1f} GiB"


def print_time_table(results: dict[str, Result], ref: str | tuple[str, ...] = "weifen",
                     width: int = 22) -> None:
    """One row per contender: median, spread over rounds, and ``ref``'s time over its time.

    The ratio column reads "weifen takes this fraction of the other's time" (< 1 means
    weifen is faster). ``ref`` may name several rows (e.g. two weifen transforms): one
    ratio column each. ``width`` is the width of the contender column.
    """
    refs = (ref,) if isinstance(ref, str) else tuple(ref)
    bases = [results.get(r) for r in refs]
    cols = [max(11, len(r) + 5) for r in refs]  # room for "<ref>/this"
    head = "".join(f"  {r + '/this':>{c}}" for r, c in zip(refs, cols))
    print(f"  {'contender':<{width}}{'median':>11}{'min .. max over rounds':>27}"
          f"{'calls':>7}{head}")
    for res in results.values():
        if res.skipped:
            print(f"  {res.name:<{width}}{'skipped':>11}  ({res.error})")
            continue
        if not res.ok:
            print(f"  {res.name:<{width}}{'FAILED':>11}  {res.error}")
            continue
        spread = f"{fmt_time(min(res.times))} .. {fmt_time(max(res.times))}"
        ratios = ""
        for base, c in zip(bases, cols):
            ratio = ""
            if base is not None and base.ok:
                ratio = "1 (ref)" if res is base else f"{base.median / res.median:.3g}x"
            ratios += f"  {ratio:>{c}}"
        note = f"  {res.note}" if res.note else ""
        print(f"  {res.name:<{width}}{fmt_time(res.median):>11}{spread:>27}{res.inner:>7}"
              f"{ratios}{note}")


@dataclass
class Target:
    """One line of the final summary."""

    case: str
    text: str  # what was measured, e.g. "weifen/torch time"
    value: float | None  # the measured ratio (None: could not be measured)
    limit: float
    why_not: str = ""

    def line(self) -> str:
        if self.value is None:
            return f"({self.case}) {self.text} <= {self.limit:g}: NOT RUN ({self.why_not})"
        verdict = "PASS" if self.value <= self.limit else "MISS"
        return f"({self.case}) {self.text} = {self.value:.3f} (target <= {self.limit:g}): {verdict}"


def ratio_target(case: str, results: dict[str, Result], num: str, den: str, limit: float,
                 text: str) -> Target:
    """A :class:`Target` for ``median(num) / median(den) <= limit``."""
    a, b = results.get(num), results.get(den)
    for r, label in ((a, num), (b, den)):
        if r is None or not r.ok:
            why = "missing" if r is None else ("skipped" if r.skipped else "failed")
            return Target(case, text, None, limit, f"{label} {why}")
    return Target(case, text, a.median / b.median, limit)


def profile(fn: Callable[[], object], seconds: float = 2.0, top: int = 18) -> None:
    """Run ``fn`` repeatedly for about ``seconds`` under cProfile; print the top functions.

    Sorted by own time (``tottime``), which points at the Python that costs, not at the
    callers that merely contain it.
    """
    import cProfile
    import pstats

    n = max(1, calibrate(fn, seconds / 4) * 4)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(n):
        fn()
    prof.disable()
    print(f"  cProfile of weifen, {n} calls (times inflated by profiling), by own time:")
    st = pstats.Stats(prof)
    st.sort_stats("tottime")
    width = 0
    rows = []
    for (path, line, func), (_cc, nc, tt, ct, _) in st.stats.items():
        where = f"{'/'.join(path.split('/')[-3:])}:{line}({func})"
        rows.append((tt, ct, nc, where))
        width = max(width, len(where))
    rows.sort(reverse=True)
    print(f"    {'own s':>7} {'cum s':>7} {'calls/run':>9}  function")
    for tt, ct, nc, where in rows[:top]:
        print(f"    {tt:7.3f} {ct:7.3f} {nc / n:9.1f}  {where}")


# ---------------------------------------------------------------------------- shared setup
def flat(obj: object) -> np.ndarray:
    """Every number in a result (nested tuples/lists of weifen, torch, JAX or NumPy arrays,
    Python floats) as one float64 vector, for checking contenders against a reference."""
    if isinstance(obj, (tuple, list)):
        parts = [flat(o) for o in obj]
        return np.concatenate(parts) if parts else np.zeros(0)
    if type(obj).__module__.startswith("torch"):
        obj = obj.detach().cpu().numpy()
    return np.ravel(np.asarray(obj, dtype=np.float64))


def check_results(results: dict[str, Result], fns: dict[str, Callable[[], object]],
                  expected: object, rtol: float, atol: float) -> None:
    """Run each contender once; mark it failed if it raises or disagrees with ``expected``
    (``np.allclose(got, expected, rtol, atol)`` over all numbers); the max error is shown."""
    ref = flat(expected)
    for name, fn in fns.items():
        res = results.setdefault(name, Result(name))
        if res.skipped or res.error:
            continue
        try:
            got = flat(fn())
        except Exception as e:
            res.error = short_exc(e)
            continue
        if got.shape != ref.shape or not np.allclose(got, ref, rtol=rtol, atol=atol):
            err = (f"{np.max(np.abs(got - ref)):.2e}" if got.shape == ref.shape
                   else f"shape {got.shape} vs {ref.shape}")
            res.error = f"WRONG RESULT (max abs error {err} vs reference)"


def set_threads(threads: int, torch: object = None, keep: list | None = None) -> str:
    """Give NumPy's BLAS and torch the same thread count (``threads``, or BLAS's default
    when 0); return a one-line description. ``keep`` receives the threadpoolctl limiter,
    which must stay alive for the limit to hold."""
    blas = "?"
    try:
        from threadpoolctl import threadpool_info, threadpool_limits

        if threads:
            lim = threadpool_limits(threads)
            if keep is not None:
                keep.append(lim)
        info = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        blas = ", ".join(f"{i['prefix']} {i['num_threads']}" for i in info) or "none"
        nblas = info[0]["num_threads"] if info else None
    except ImportError:
        nblas = threads
        blas = f"{threads} (threadpoolctl missing: not verified)" if threads else "?"
    torch_part = ""
    if torch is not None:
        want = threads or nblas
        if want:
            torch.set_num_threads(want)
        torch_part = f"; torch intra-op {torch.get_num_threads()}"
    return f"BLAS threads: {blas}{torch_part}; XLA: its default"


def dist_version(dist: str) -> str:
    """The installed version of a distribution, or "?"."""
    try:
        from importlib.metadata import version

        return version(dist)
    except Exception:
        return "?"


def pin_malloc(mmap_threshold: int = 32 << 20, trim_threshold: int = 512 << 20) -> str:
    """Fix glibc malloc's mmap and trim thresholds; return a one-line description.

    By default glibc serves blocks above a *moving* threshold (128 KiB at start, raised
    each time a larger mmapped block is freed) with fresh ``mmap`` pages and trims the heap
    whenever its free top passes twice that. Arrays of 10^5 float64 (800 KB) then cost page
    faults or not depending on what the process freed earlier: measured on one machine, a
    gradient took 0.7 ms or 4-7 ms for the same code. Fixing both thresholds makes every
    contender reuse heap memory, whatever ran before; call this before timing anything.
    """
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        ok = libc.mallopt(-3, mmap_threshold) == 1 and libc.mallopt(-1, trim_threshold) == 1
    except (OSError, AttributeError) as e:  # not glibc (macOS, musl): nothing to pin
        return f"malloc: default (not pinned: {type(e).__name__})"
    if not ok:
        return "malloc: default (mallopt refused)"
    return (f"malloc: glibc mmap threshold {mmap_threshold >> 20} MiB, trim threshold "
            f"{trim_threshold >> 20} MiB (pinned)")


def run_cases(cases, runners, opts, L) -> int:
    """Run the selected cases (a crash in one is reported, not fatal), then the summary."""
    targets: list = []
    for c in cases:
        try:
            targets += runners[c](opts, L)
        except Exception as e:  # one broken case must not hide the others
            print(f"  case ({c}) crashed: {short_exc(e)}")
            targets.append(Target(c, "case", None, 0, short_exc(e)))
    print("\nSummary")
    for t in targets:
        print("  " + t.line())
    return 0


def add_common_args(ap, cases: str) -> None:
    """The options every benchmark script takes."""
    ap.add_argument("--quick", action="store_true", help="few short rounds (a smoke run)")
    ap.add_argument("--only", default=",".join(cases), help="comma-separated cases, e.g. a,b")
    ap.add_argument("--rounds", type=int, help="timing rounds per case (default 7; quick 3)")
    ap.add_argument("--target-ms", type=float,
                    help="length of one measurement in ms (default 50; quick 10)")
    ap.add_argument("--threads", type=int, default=0,
                    help="pin BLAS and torch to this many threads (default: BLAS's own "
                         "default, with torch set to match)")


def finish_args(ap, opts, cases: str) -> list:
    """Fill the defaults that depend on --quick; return the selected cases."""
    opts.rounds = opts.rounds or (3 if opts.quick else 7)
    opts.target_ms = opts.target_ms or (10.0 if opts.quick else 50.0)
    opts.warmup = 1 if opts.quick else 3
    chosen = [c.strip() for c in opts.only.split(",") if c.strip()]
    unknown = set(chosen) - set(cases)
    if unknown:
        ap.error(f"--only: unknown case(s) {sorted(unknown)}; choose from {','.join(cases)}")
    return chosen


def print_header(title: str, versions: list) -> None:
    """The machine, the versions and the load, so a reader can judge the numbers."""
    import os
    import platform

    print(f"{title}  |  Python {platform.python_version()} on {platform.machine()}, "
          f"{os.cpu_count()} CPUs  |  {', '.join(versions)}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    print(f"load average {load:.2f} at start"
          + ("  (WARNING: the machine is busy; timings are noisy, and multithreaded BLAS "
             "suffers most: consider --threads 1)" if load > 0.5 * (os.cpu_count() or 1)
             else ""))
