"""Helpers shared by the example scripts: a progress bar, PNG output, common options.

``progress(iterable, desc)`` is a tqdm bar when tqdm is installed, else a plain text bar;
``save_plot(fig_fn, path)`` calls ``fig_fn(plt)`` to draw a figure and writes it as PNG when
matplotlib is installed, else prints that matplotlib is missing and skips the picture.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

# One BLAS thread, set before NumPy loads (import this module first): the examples' arrays
# are small, and on a busy machine a multithreaded BLAS spins and waits for cores, which
# measured 30x slower here (24 s against 0.7 s for the digits MLP). Set the variables
# yourself to override.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
if "numpy" in sys.modules:  # too late for the variables: limit the loaded BLAS instead
    try:
        from threadpoolctl import threadpool_limits

        _limits = threadpool_limits(int(os.environ["OPENBLAS_NUM_THREADS"]))
    except ImportError:
        pass

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout, installed or not
    sys.path.insert(0, str(ROOT))

QUICK_ENV = "WEIFEN_EXAMPLES_QUICK"  # set to 1: the same as --quick


def parse_args(doc: str, argv: list | None = None,
               extra: Callable[[argparse.ArgumentParser], None] | None = None
               ) -> argparse.Namespace:
    """``--out DIR`` (default ``examples-out``) and ``--quick`` (or $WEIFEN_EXAMPLES_QUICK=1);
    ``extra(parser)`` adds a script's own options. Creates the output directory."""
    ap = argparse.ArgumentParser(description=doc.strip().splitlines()[0])
    ap.add_argument("--out", default="examples-out", help="directory for the PNG files")
    ap.add_argument("--quick", action="store_true",
                    help=f"a few seconds' smoke run (also: {QUICK_ENV}=1)")
    if extra is not None:
        extra(ap)
    args = ap.parse_args(argv)
    args.quick = args.quick or os.environ.get(QUICK_ENV, "") not in ("", "0")
    os.makedirs(args.out, exist_ok=True)
    return args


class _PlainBar:
    """What ``progress`` gives without tqdm: one line redrawn about 20 times."""

    def __init__(self, iterable: Iterable, desc: str, total: int | None) -> None:
        self.iterable, self.desc, self.post = iterable, desc, ""
        self.total = total
        self.n = 0

    def __iter__(self) -> Iterator:
        for item in self.iterable:
            yield item
            self.n += 1
            if self.total and (self.n % max(1, self.total // 20) == 0 or self.n == self.total):
                self._draw()
        if not self.total:
            self._draw()
        print(flush=True)

    def _draw(self) -> None:
        if self.total:
            done = 30 * self.n // self.total
            bar = f"[{'#' * done}{'.' * (30 - done)}] {self.n}/{self.total}"
        else:
            bar = f"{self.n} it"
        print(f"\r{self.desc}: {bar} {self.post}", end="", flush=True)

    def set_postfix_str(self, s: str, refresh: bool = True) -> None:
        self.post = s


def progress(iterable: Iterable, desc: str = "", total: int | None = None) -> Any:
    """Iterate ``iterable`` under a progress bar (tqdm if installed, else plain text).

    The result has ``set_postfix_str(text)`` in both cases, for a running loss."""
    if total is None:
        try:
            total = len(iterable)  # type: ignore[arg-type]
        except TypeError:
            total = None
    try:
        from tqdm import tqdm
    except ImportError:
        return _PlainBar(iterable, desc, total)
    return tqdm(iterable, desc=desc, total=total, ncols=88, leave=True, mininterval=0.2)


def have_matplotlib() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def save_plot(fig_fn: Callable[[Any], Any], path: str | os.PathLike) -> bool:
    """``fig = fig_fn(plt)`` draws a figure; it is written to ``path`` as PNG. Without
    matplotlib: prints so and returns False."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"matplotlib is missing: skipped {path} (pip install matplotlib)")
        return False
    fig = fig_fn(plt)
    fig.tight_layout()
    fig.savefig(path, dpi=100, facecolor="white")
    plt.close(fig)
    print(f"wrote {path}")
    return True
