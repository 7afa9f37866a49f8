"""Training benchmarks: one epoch of the digits examples, weifen beside PyTorch (CPU).

Run from the repository root::

    python benchmarks/bench_train.py              # full run, about a minute
    python benchmarks/bench_train.py --quick      # smoke run
    python benchmarks/bench_train.py --clock wall # wall time instead of CPU time
    python benchmarks/bench_train.py --only mlp --profile mlp

Cases and targets (issue 16, item 7):

(mlp) one epoch (1347 images, 22 batches of 64) of the MLP 64-256-256-10 of
      ``examples/digits_mlp.py``: ReLU, softmax cross-entropy, Adam (lr 1e-3), float32.
      Target: weifen <= 1.0x torch's time.
(cnn) one epoch of the CNN of ``examples/digits_cnn.py`` (Conv2d 1->32 3x3 pad 1, ReLU,
      MaxPool 2, Conv2d 32->64, ReLU, MaxPool 2, Flatten, Linear 256-128, ReLU,
      Linear 128-10) on the 1x8x8 images, same loss and optimizer.
      Target: weifen <= 1.5x torch's time.

Same architecture, same initial weights (weifen's, copied into torch), same data (the
examples' split and standardisation), same batch order (one fixed permutation: weifen
reads it through ``wf.data.DataLoader``, torch by slicing its tensors, torch's fastest
idiom), same loss and optimizer. Before timing, one epoch of each from the same start is
checked to give the same weights (float32: 1e-4). Every library runs on ONE thread: the
BLAS thread variables are set before NumPy and torch load, threadpoolctl limits the BLAS
again, and ``torch.set_num_threads(1)``; the header shows what is in force. With one
thread each, the default clock is this process's CPU time, which other processes on a busy
machine do not inflate (``--clock wall`` for wall time); 7 interleaved rounds of about
300 ms each per contender, the median per epoch reported.
"""
from __future__ import annotations

import os

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"  # before NumPy and torch load: one thread for every contender

import argparse  # noqa: E402
import importlib  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Callable  # noqa: E402

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # measure the checkout's weifen, installed or not
sys.path.insert(0, str(HERE.parent / "examples"))

from _harness import (Result, Target, add_common_args, dist_version,  # noqa: E402
                      finish_args, pin_malloc, print_header, print_time_table, profile,
                      ratio_target, run_cases, run_interleaved, set_clock, set_threads,
                      short_exc)

import weifen as wf  # noqa: E402
from digits_cnn import make_cnn  # noqa: E402
from digits_mlp import load_digits_split, make_mlp  # noqa: E402

BATCH = 64
LR = 1e-3


# ---------------------------------------------------------------------------- data
def data(conv: bool) -> tuple[np.ndarray, np.ndarray]:
    """The examples' training set, in one fixed shuffled order (the same for both)."""
    X, _, y, _ = load_digits_split()
    perm = np.random.default_rng(0).permutation(len(y))
    X, y = X[perm], y[perm]
    return (X.reshape(-1, 1, 8, 8) if conv else X), y


# ---------------------------------------------------------------------------- weifen
def make_weifen_epoch(model: Any, X: np.ndarray, y: np.ndarray) -> Callable[[], Any]:
    loader = wf.data.DataLoader(wf.data.TensorDataset(X, y), batch_size=BATCH)
    opt = wf.optim.Adam(model.parameters(), lr=LR)
    loss_fn = wf.nn.CrossEntropyLoss()

    def epoch() -> Any:
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        return loss
    return epoch


# ---------------------------------------------------------------------------- torch
def torch_model(torch: Any, wmodel: Any) -> Any:
    """The torch twin of a weifen Sequential, with a copy of its current weights."""
    nn = torch.nn
    layers = []
    for m in wmodel:
        kind = type(m).__name__
        if kind == "Linear":
            layers.append(nn.Linear(m.in_features, m.out_features))
        elif kind == "Conv2d":
            layers.append(nn.Conv2d(m.in_channels, m.out_channels, m.kernel_size,
                                    padding=m.padding))
        elif kind == "MaxPool2d":
            layers.append(nn.MaxPool2d(m.kernel_size))
        else:  # ReLU, Flatten
            layers.append(getattr(nn, kind)())
    tm = nn.Sequential(*layers)
    state = {k: torch.from_numpy(np.array(v.numpy(), dtype=np.float32))
             for k, v in wmodel.state_dict().items()}
    tm.load_state_dict(state)
    return tm


def make_torch_epoch(torch: Any, model: Any, X: np.ndarray, y: np.ndarray
                     ) -> Callable[[], Any]:
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = len(yt)

    def epoch() -> Any:
        for s in range(0, n, BATCH):
            opt.zero_grad()
            loss = loss_fn(model(Xt[s:s + BATCH]), yt[s:s + BATCH])
            loss.backward()
            opt.step()
        return loss
    return epoch


# ---------------------------------------------------------------------------- cases
def _case(case: str, title: str, make: Callable[[], Any], conv: bool, limit: float,
          opts: argparse.Namespace, torch: Any) -> list[Target]:
    print(f"\n({case}) {title}")
    X, y = data(conv)
    wf.manual_seed(0)
    wmodel = make()
    nparams = sum(p.size for p in wmodel.parameters())
    print(f"  {len(y)} images, {-(-len(y) // BATCH)} batches of {BATCH}, {nparams} "
          f"parameters, Adam lr {LR:g}, float32")
    results: dict[str, Result] = {"weifen": Result("weifen")}
    fns: dict[str, Callable] = {}
    if torch is None:
        results["torch"] = Result("torch", skipped=True, error="torch not importable")
    else:
        try:
            tmodel = torch_model(torch, wmodel)
            fns["torch"] = make_torch_epoch(torch, tmodel, X, y)
            results["torch"] = Result("torch")
        except Exception as e:
            results["torch"] = Result("torch", error=short_exc(e))
    fns["weifen"] = make_weifen_epoch(wmodel, X, y)
    # the check: one epoch from the same start gives the same weights
    try:
        fns["weifen"]()
        if "torch" in fns:
            fns["torch"]()
            wsd = wmodel.state_dict()
            tsd = tmodel.state_dict()
            err = max(float(np.max(np.abs(wsd[k].numpy() - tsd[k].numpy()))) for k in tsd)
            print(f"  after one epoch from the same weights: max |weifen - torch| over all "
                  f"weights = {err:.1e}")
            if not err < 1e-4:
                results["torch"].error = f"WRONG RESULT (weights differ by {err:.1e})"
    except Exception as e:
        results["weifen"].error = short_exc(e)
    results = run_interleaved({k: v for k, v in fns.items()}, rounds=opts.rounds,
                              target_s=opts.target_ms / 1e3, warmup=opts.warmup,
                              results=results)
    print_time_table(results)
    if case in opts.profile and results["weifen"].ok:
        profile(fns["weifen"], seconds=opts.profile_s)
    return [ratio_target(case, results, "weifen", "torch", limit, "weifen/torch time")]


def case_mlp(opts: argparse.Namespace, torch: Any) -> list[Target]:
    return _case("mlp", "one epoch of the digits MLP 64-256-256-10, batch 64, Adam",
                 make_mlp, False, 1.0, opts, torch)


def case_cnn(opts: argparse.Namespace, torch: Any) -> list[Target]:
    return _case("cnn", "one epoch of the digits CNN (2 x Conv2d 3x3 + MaxPool, 2 x Linear), "
                 "batch 64, Adam", make_cnn, True, 1.5, opts, torch)


CASES = {"mlp": case_mlp, "cnn": case_cnn}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_args(ap, list(CASES))
    ap.set_defaults(threads=1)
    ap.add_argument("--clock", choices=("wall", "cpu"), default="cpu",
                    help="this process's CPU time (default: every contender runs on one "
                         "thread, and other processes on a busy machine do not inflate it), "
                         "or wall time")
    ap.add_argument("--profile", default="",
                    help="after timing, cProfile weifen in these cases (e.g. mlp,cnn)")
    ap.add_argument("--profile-s", type=float, default=3.0, help="seconds to profile")
    opts = ap.parse_args(argv)
    target_given = opts.target_ms is not None
    cases = finish_args(ap, opts, list(CASES))
    if not target_given:  # an epoch takes 20-100 ms: measure several per round
        opts.target_ms = 60.0 if opts.quick else 300.0
    if opts.threads != 1:
        ap.error("--threads: this benchmark runs every library on one thread")
    set_clock(opts.clock)
    wf.set_default_dtype(wf.float32)
    try:
        torch = importlib.import_module("torch")
    except Exception as e:
        print(f"torch not importable: {short_exc(e)}")
        torch = None
    vers = [f"weifen {getattr(wf, '__version__', '?')}", f"numpy {np.__version__}",
            f"torch {dist_version('torch')}" if torch else "torch MISSING"]
    print_header("weifen training benchmarks", vers)
    opts.keep = []  # holds the thread limiter alive for the run
    threads = set_threads(1, torch, opts.keep).replace("; XLA: its default", "")
    print(f"ONE thread each: OPENBLAS/OMP/MKL_NUM_THREADS=1 set before import; {threads}  |  "
          f"{pin_malloc()}")
    print(f"{opts.rounds} interleaved rounds x ~{opts.target_ms:g} ms of {opts.clock} time "
          f"per measurement, median reported{'  |  QUICK' if opts.quick else ''}")
    return run_cases(cases, CASES, opts, torch)


if __name__ == "__main__":
    sys.exit(main())
