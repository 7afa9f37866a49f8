"""The ``weifen`` command line: every subcommand, run in-process through ``main(argv)`` and
as ``python -m weifen``, with its real output checked (numbers against wf.grad and
wf.jacobian, derivatives by evaluating them), and bad input giving one error line."""
import io
import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pytest

import weifen as wf
from weifen import sym
from weifen.cli import main
from weifen.viz.expressions import jacobian_expr

SEED = "ln(x1) + x1*x2 - sin(x2)"


def run(*argv):
    """``main(argv)`` in this process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            rc = main(list(argv))
        except SystemExit as e:  # argparse: --help, usage errors
            rc = e.code
    return rc, out.getvalue(), err.getvalue()


def shell(*argv):
    p = subprocess.run([sys.executable, "-m", "weifen", *argv], capture_output=True, text=True,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def value_of(text, name):
    """The number at the end of the table row for ``name`` (the last such row)."""
    rows = [ln for ln in text.splitlines() if ln.split() and ln.split()[:2] in
            ([name, "="], [name, "+="])]
    return float(rows[-1].rsplit("= ", 1)[1])


# ---------------------------------------------------------------------------- help
@pytest.mark.parametrize("cmd", ["trace", "diff", "jacobian", "graph", "tour", "bench"])
def test_every_subcommand_has_help(cmd):
    rc, out, _ = run(cmd, "--help")
    assert rc == 0 and out.startswith(f"usage: weifen {cmd}")


def test_top_level_help_lists_every_subcommand_and_runs_as_a_module():
    rc, out, _ = shell("--help")
    assert rc == 0
    for cmd in ("trace", "diff", "jacobian", "graph", "tour", "bench"):
        assert re.search(rf"^\s+{cmd}\s", out, re.M), cmd


# ---------------------------------------------------------------------------- trace
def test_trace_gives_the_seed_tables():
    rc, out, err = run("trace", SEED, "--at", "x1=2", "x2=5")
    assert rc == 0 and err == ""
    fwd, tan, adj = out.split("\n\n")
    assert fwd.startswith("Forward") and tan.startswith("Tangent") and adj.startswith("Adjoint")
    exact = math.log(2) + 10 - math.sin(5)
    assert value_of(fwd, "y") == pytest.approx(exact, rel=1e-5)
    assert value_of(fwd, "v_1") == pytest.approx(math.log(2), rel=1e-5)
    assert "v_1    = ln(v_{-1})" in fwd
    assert tan.splitlines()[-1].startswith("dot y")
    assert float(tan.splitlines()[-1].rsplit("= ", 1)[1]) == 5.5  # seeded on x1
    bars = dict(re.findall(r"^bar (x\d)\s+=\s+bar v_\S+\s+= (\S+)$", adj, re.M))
    assert float(bars["x1"]) == 5.5
    assert float(bars["x2"]) == pytest.approx(2 - math.cos(5), rel=1e-5)  # 1.716...


def test_trace_seeded_on_another_input_and_other_formats():
    rc, out, _ = run("trace", SEED, "--at", "x1=2", "x2=5", "--wrt", "x2")
    dy = float(out.split("\n\n")[1].splitlines()[-1].rsplit("= ", 1)[1])
    assert rc == 0 and dy == pytest.approx(2 - math.cos(5), rel=1e-5)
    rc, md, _ = run("trace", SEED, "--at", "x1=2", "x2=5", "--format", "markdown")
    assert rc == 0 and md.count("| variable | operation | value |") == 1
    assert md.count("### ") == 3 and "`ln(v_{-1})`" in md
    rc, page, _ = run("trace", SEED, "--at", "x1=2", "x2=5", "--format", "html")
    assert rc == 0 and page.count("<table>") == 3
    tables = ET.fromstring(f"<div>{page}</div>")  # well-formed
    assert len(tables) == 3


def test_trace_at_values_are_constant_expressions():
    rc, out, _ = run("trace", "sin(x)", "--at", "x=pi/6")
    assert rc == 0 and value_of(out.split("\n\n")[0], "y") == pytest.approx(0.5)


# ---------------------------------------------------------------------------- diff


def _evaluates_to(text, fn, var="x"):
    e = sym.parse(text.strip())
    for v in (-1.3, 0.4, 2.0):
        assert float(e.subs({var: v})) == pytest.approx(fn(v), rel=1e-9, abs=1e-12), text


def test_diff_of_a_cube():
    rc, out, err = run("diff", "x^3", "x")
    assert rc == 0 and err == "" and len(out.splitlines()) == 1
    _evaluates_to(out, lambda x: 3 * x ** 2)


def test_diff_orders_and_expand():
    rc, out, _ = run("diff", "x^3*sin(x)", "x", "--order", "2")
    assert rc == 0
    _evaluates_to(out, lambda x: 6 * x * math.sin(x) + 6 * x ** 2 * math.cos(x)
                  - x ** 3 * math.sin(x))
    rc, out, _ = run("diff", "(x + 1)^3", "x", "--expand")
    assert rc == 0
    _evaluates_to(out, lambda x: 3 * (x + 1) ** 2)


def test_diff_raw_latex_and_orders_without_powers():
    rc, out, _ = run("diff", "sin(x)*x", "x")
    assert rc == 0
    _evaluates_to(out, lambda x: math.cos(x) * x + math.sin(x))
    rc, out, _ = run("diff", "exp(x)*sin(x)", "x", "--order", "2")
    assert rc == 0
    _evaluates_to(out, lambda x: 2 * math.exp(x) * math.cos(x))
    rc, out, _ = run("diff", "ln(x)*y", "x", "--raw")
    assert rc == 0
    e = sym.parse(out.strip())
    assert float(e.subs({"x": 2.0, "y": 3.0})) == pytest.approx(1.5)
    rc, out, _ = run("diff", "sin(x)", "x", "--latex")
    assert rc == 0 and "\\cos" in out
    rc, out, _ = run("diff", "x*y", "z")  # a variable the expression does not use
    assert rc == 0 and out.strip() == "0"


# ---------------------------------------------------------------------------- jacobian
def _reference(x):
    return wf.stack([x[0] * x[1], x[0] + wf.sin(x[1]), wf.exp(x[0]) * x[1] ** 2])


@pytest.mark.parametrize("mode", ["fwd", "rev", "auto"])
def test_jacobian_equals_wf_jacobian(mode):
    at = {"x": 0.7, "y": -1.2}
    ref = np.asarray(wf.jacobian(_reference, np.array([0.7, -1.2])))
    res = jacobian_expr(["x*y, x + sin(y)", "exp(x)*y^2"], at, mode)
    np.testing.assert_allclose(res.matrix, ref, rtol=1e-13)
    rc, out, _ = run("jacobian", "x*y, x + sin(y)", "exp(x)*y^2", "--at", "x=0.7", "y=-1.2",
                     "--mode", mode)
    assert rc == 0
    lines = out.splitlines()
    assert lines[0].startswith("Jacobian at x = 0.7, y = -1.2 (")
    assert lines[1].split() == ["d/dx", "d/dy"]
    got = np.array([[float(v) for v in ln.split()[-2:]] for ln in lines[2:]])
    np.testing.assert_allclose(got, ref, rtol=1e-5)
    assert [ln.split("  ")[0] for ln in lines[2:]] == ["x*y", "x + sin(y)", "exp(x)*y^2"]


def test_jacobian_mode_names_the_passes():
    assert "(forward mode)" in run("jacobian", "x*y", "--at", "x=1", "y=2", "--mode", "fwd")[1]
    assert "(reverse mode)" in run("jacobian", "x*y", "--at", "x=1", "y=2")[1]  # 1 row: rev


# ---------------------------------------------------------------------------- graph
def test_graph_writes_svg_dot_and_png(tmp_path):
    svg = tmp_path / "seed.svg"
    rc, out, _ = run("graph", SEED, "--at", "x1=2", "x2=5", "--values", "--adjoints",
                     "-o", str(svg))
    assert rc == 0 and out.startswith(f"wrote {svg} (7 boxes, 8 edges)")
    text = svg.read_text()
    root = ET.fromstring(text)
    assert root.tag.endswith("svg") and "adjoint = 5.5" in text and "value = 11.6521" in text
    dot = tmp_path / "seed.dot"
    assert run("graph", SEED, "-o", str(dot))[0] == 0
    d = dot.read_text()
    assert d.startswith("digraph") and d.count("->") == 8  # the DAG: x1, x2, 5 ops, no consts
    png = tmp_path / "seed.png"
    rc, out, err = run("graph", SEED, "--at", "x1=2", "x2=5", "-o", str(png))
    try:
        import cairosvg  # noqa: F401
    except ImportError:
        assert rc == 2 and "pip install cairosvg" in err
    else:
        assert rc == 0 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_graph_png_without_cairosvg_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "cairosvg", None)  # import fails
    rc, out, err = run("graph", "x*y", "-o", str(tmp_path / "g.png"))
    assert rc == 2 and "pip install cairosvg" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "g.png").exists()


def test_graph_refusals(tmp_path):
    rc, _, err = run("graph", "x*y", "-o", str(tmp_path / "g.jpg"))
    assert rc == 2 and ".svg" in err
    rc, _, err = run("graph", "x*y", "--values", "-o", str(tmp_path / "g.svg"))
    assert rc == 2 and "--at" in err


# ---------------------------------------------------------------------------- errors
@pytest.mark.parametrize("argv, bad", [
    (["diff", "(x + 1) * * y", "x"], "*"),
    (["trace", "x + $y", "--at", "x=1"], "$"),
    (["jacobian", "x*y, sin(x", "--at", "x=1", "y=2"], None),
    (["graph", "2 x", "-o", "never.svg"], "x"),
    (["trace", "x", "--at", "x=2*"], None),
])
def test_a_bad_expression_is_one_error_line_with_a_caret(argv, bad):
    rc, out, err = shell(*argv)
    assert rc == 2 and out == ""
    lines = err.splitlines()
    assert "Traceback" not in err
    assert lines[0].startswith(f"weifen {argv[0]}: error: parse:") and "position" in lines[0]
    assert len(lines) == 3  # the error, then the expression with a caret under the column
    col = lines[2].index("^")
    assert lines[2].strip() == "^"
    if bad is not None:
        assert lines[1][col] == bad


def test_unknown_and_missing_variables_are_named():
    rc, _, err = run("trace", SEED, "--at", "x1=2", "x2=5", "x3=1")
    assert rc == 2 and "x3" in err and len(err.splitlines()) == 1
    rc, _, err = run("trace", SEED, "--at", "x1=2")
    assert rc == 2 and "no value given for x2" in err
    rc, _, err = run("jacobian", "x*y", "--at", "x=1", "z=2")
    assert rc == 2 and "z" in err and "y" in err
    rc, _, err = run("trace", "x", "--at", "x=y")
    assert rc == 2 and "must be a number" in err
    rc, _, err = run("trace", "x", "--at", "x=1", "--wrt", "q")
    assert rc == 2 and "q" in err and "Traceback" not in err
    rc, _, err = run("diff", "x", "2x")
    assert rc == 2 and "not a variable name" in err


# ---------------------------------------------------------------------------- tour, bench
def test_tour_runs(tmp_path):
    # in a process of its own: the tour sets NumPy's print options for its whole process
    rc, out, _ = shell("tour", "--out", str(tmp_path))
    assert rc == 0 and "The tour is done" in out and (tmp_path / "trace.svg").exists()


def test_bench_passes_its_options_on():
    rc, out, err = shell("bench", "--only", "z")
    assert rc == 2 and "unknown case(s) ['z']" in err  # bench_core.py's own check
    rc, out, _ = shell("bench", "--bench-help")
    assert rc == 0 and "--rounds" in out and "--clock" in out
    rc, _, err = shell("bench", "--suite", "nosuch")
    assert rc == 2 and "bench_nosuch.py" in err and "Traceback" not in err


def test_output_piped_into_a_reader_that_leaves_early_is_not_a_traceback():
    import subprocess
    import sys

    cmd = (f"{sys.executable} -m weifen trace 'ln(x1) + x1*x2 - sin(x2)' --at x1=2 x2=5 "
           "--format markdown | head -1")
    r = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True)
    assert "Traceback" not in r.stderr and r.stdout.strip()
