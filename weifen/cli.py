"""The ``weifen`` command line: each subcommand calls one library function."""
from __future__ import annotations

import argparse
import os
import runpy
import sys


def _tour(args: argparse.Namespace) -> int:
    from weifen.tour import run

    run(args.out)
    return 0


def _bench(args: argparse.Namespace) -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    script = os.path.join(os.path.dirname(here), "benchmarks", "bench_core.py")
    if not os.path.exists(script):
        print("benchmarks/bench_core.py is not next to this installation; run it from a "
              "checkout of the repository", file=sys.stderr)
        return 2
    sys.argv = [script] + (["--quick"] if args.quick else [])
    runpy.run_path(script, run_name="__main__")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="weifen", description="weifen: automatic differentiation "
                                "over NumPy, shown step by step")
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("tour", help="a guided run of every face of weifen")
    t.add_argument("--out", default="tour-out", help="folder for the tour's pictures")
    t.set_defaults(fn=_tour)
    b = sub.add_parser("bench", help="run the benchmarks beside torch / jax / autograd")
    b.add_argument("--quick", action="store_true", help="fewer repetitions")
    b.set_defaults(fn=_bench)
    args = p.parse_args(argv)
    return args.fn(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
