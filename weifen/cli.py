"""The ``weifen`` command line (also ``python -m weifen``): each subcommand calls one library
function, and only prints.

Expressions are read by ``sym.parse`` (never ``eval``): ``ln(x1) + x1*x2 - sin(x2)``, with
``^`` or ``**`` for powers. A bad expression exits with status 2 and one error line,
followed by the expression with a caret under the column it names.

>>> main(["jacobian", "x*y, x + y", "--at", "x=1", "y=2", "--mode", "rev"])
Jacobian at x = 1, y = 2 (reverse mode)
          d/dx  d/dy
x*y       2     1
x + y     1     1
0
"""
from __future__ import annotations

import argparse
import os
import runpy
import sys

from weifen.errors import WeifenError

EPILOG = """examples:
  weifen trace "ln(x1) + x1*x2 - sin(x2)" --at x1=2 x2=5
  weifen diff "x^3 * sin(x)" x --order 2
  weifen jacobian "x*y, x + sin(y)" --at x=1 y=2 --mode rev
  weifen graph "ln(x1) + x1*x2 - sin(x2)" --at x1=2 x2=5 --values --adjoints -o seed.svg
  weifen tour --out tour-out
  weifen bench --quick --only a,b"""


def _trace(args: argparse.Namespace) -> int:
    from weifen.viz.expressions import parse_point, trace_report

    print(trace_report(args.expr, parse_point(args.at), args.wrt, args.format))
    return 0


def _diff(args: argparse.Namespace) -> int:
    from weifen.viz.expressions import diff_expr

    d = diff_expr(args.expr, args.var, args.order, expand=args.expand, simplify=not args.raw)
    print(d.to_latex() if args.latex else d)
    return 0


def _jacobian(args: argparse.Namespace) -> int:
    from weifen.viz.expressions import jacobian_expr, parse_point

    print(jacobian_expr(args.exprs, parse_point(args.at), args.mode))
    return 0


def _graph(args: argparse.Namespace) -> int:
    from weifen.viz.expressions import draw_expr, parse_point

    ext = os.path.splitext(args.output)[1].lower()
    if ext not in (".svg", ".png", ".dot", ".gv"):
        raise WeifenError(f"graph: -o must name a .svg, .png or .dot file, got {args.output!r}")
    d = draw_expr(args.expr, parse_point(args.at) if args.at else None, args.values,
                  args.adjoints)
    d.save(args.output)
    nb, ne = len(d.picture.ids), len(d.picture.edges)
    print(f"wrote {args.output} ({nb} box{'es' * (nb != 1)}, {ne} edge{'s' * (ne != 1)})")
    return 0


def _tour(args: argparse.Namespace) -> int:
    from weifen.tour import run

    run(args.out)
    return 0


def _bench(args: argparse.Namespace) -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    script = os.path.join(os.path.dirname(here), "benchmarks", f"bench_{args.suite}.py")
    if not os.path.exists(script):
        raise WeifenError(f"bench: {script} is not there; benchmarks run from a checkout of the "
                          "repository (benchmarks/bench_<suite>.py)")
    argv = list(args.rest) + (["--help"] if args.bench_help else [])
    ns = runpy.run_path(script, run_name="weifen_bench")
    saved, sys.argv = sys.argv, ["weifen bench"] + argv  # the script's usage line names us
    try:
        if callable(ns.get("main")):
            return int(ns["main"](argv) or 0)
        runpy.run_path(script, run_name="__main__")
    except SystemExit as e:  # the script's own argparse (--help, a bad option)
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    finally:
        sys.argv = saved
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="weifen", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="weifen: automatic differentiation over NumPy, shown step by step")
    sub = p.add_subparsers(dest="cmd", required=True, metavar="COMMAND")
    at_help = ("the point: NAME=VALUE for each variable, in the order that numbers the inputs "
               "(values may be constant expressions such as pi/4)")

    t = sub.add_parser("trace", help="the evaluation, tangent and adjoint traces of EXPR",
                       description="The forward (evaluation), tangent (forward-mode) and "
                       "adjoint (reverse-mode) trace tables of EXPR at a point, in Griewank "
                       "and Walther's numbering.")
    t.add_argument("expr", metavar="EXPR", help='an expression, e.g. "ln(x1) + x1*x2 - sin(x2)"')
    t.add_argument("--at", nargs="+", required=True, metavar="NAME=VALUE", help=at_help)
    t.add_argument("--wrt", help="the input the tangent trace is seeded on (default: the first)")
    t.add_argument("--format", choices=("text", "markdown", "html"), default="text")
    t.set_defaults(fn=_trace)

    d = sub.add_parser("diff", help="the symbolic derivative of EXPR in VAR",
                       description="The symbolic derivative of EXPR in VAR, simplified.")
    d.add_argument("expr", metavar="EXPR", help='an expression, e.g. "x^3 * sin(x)"')
    d.add_argument("var", metavar="VAR", help="the variable to differentiate in")
    d.add_argument("--order", type=int, default=1, metavar="N", help="the N-th derivative")
    d.add_argument("--expand", action="store_true",
                   help="expand to a canonical polynomial (sums of products of powers)")
    d.add_argument("--raw", action="store_true",
                   help="as differentiation builds it, not simplified (expression swell)")
    d.add_argument("--latex", action="store_true", help="print LaTeX")
    d.set_defaults(fn=_diff)

    j = sub.add_parser("jacobian", help="the Jacobian of several expressions at a point",
                       description="The Jacobian of the expressions at a point by wf.jacobian, "
                       "one row per expression, one column per variable of --at.")
    j.add_argument("exprs", nargs="+", metavar="EXPRS",
                   help='expressions: separate arguments, or one argument with commas '
                        '("x*y, x + y")')
    j.add_argument("--at", nargs="+", required=True, metavar="NAME=VALUE", help=at_help)
    j.add_argument("--mode", choices=("fwd", "rev", "auto"), default="auto",
                   help="forward mode (one pass per variable), reverse mode (one per "
                        "expression), or the cheaper (default)")
    j.set_defaults(fn=_jacobian)

    g = sub.add_parser("graph", help="draw the computational graph of EXPR",
                       description="Draw EXPR: its evaluation trace at --at (boxes numbered as "
                       "the trace tables), else the expression's shared DAG. SVG and DOT need "
                       "nothing; PNG needs the cairosvg package.")
    g.add_argument("expr", metavar="EXPR", help="an expression")
    g.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="FILE.svg, FILE.png or FILE.dot")
    g.add_argument("--at", nargs="+", metavar="NAME=VALUE", help=at_help)
    g.add_argument("--values", action="store_true", help="show each box's value (needs --at)")
    g.add_argument("--adjoints", action="store_true",
                   help="show each box's adjoint dy/dv (needs --at)")
    g.set_defaults(fn=_graph)

    tr = sub.add_parser("tour", help="a guided run of every face of weifen",
                        description="A guided run of every face of weifen, in the terminal.")
    tr.add_argument("--out", default="tour-out", help="folder for the tour's pictures")
    tr.set_defaults(fn=_tour)

    b = sub.add_parser("bench", help="run the benchmarks beside torch / jax / autograd",
                       description="Run benchmarks/bench_SUITE.py; every option not listed "
                       "here is passed on to it (e.g. --quick, --only a,b, --rounds 3).")
    b.add_argument("--suite", default="core", help="which benchmark script (default: core)")
    b.add_argument("--bench-help", action="store_true", help="show the script's own options")
    b.set_defaults(fn=_bench, rest=[])
    return p


def _caret(text: str, pos: int | None) -> list:
    """The expression (a window of it, when long) with a caret under ``pos``."""
    if pos is None or "\n" in text:
        return []
    lo = max(0, pos - 60)
    hi = min(len(text), lo + 100)
    shown = ("..." if lo else "") + text[lo:hi] + ("..." if hi < len(text) else "")
    return ["  " + shown, "  " + " " * (pos - lo + (3 if lo else 0)) + "^"]


def main(argv: list[str] | None = None) -> int:
    p = _parser()
    args, rest = p.parse_known_args(argv)
    if rest:
        if args.cmd != "bench":
            p.error(f"unrecognized arguments: {' '.join(rest)}")
        args.rest = rest
    try:
        return args.fn(args)
    except BrokenPipeError:  # `weifen trace ... | head`: the reader left; stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (WeifenError, ValueError, TypeError, ArithmeticError) as err:
        msg = " ".join(str(err).split()) or type(err).__name__
        if msg.startswith(f"{args.cmd}: "):  # the library names the command already
            msg = msg[len(args.cmd) + 2:]
        lines = [f"weifen {args.cmd}: error: {msg}"]
        lines += _caret(getattr(err, "text", ""), getattr(err, "pos", None))
        print("\n".join(lines), file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
