"""An outside client: HIPS autograd 1.9.1's own test suite, run unchanged against weifen.

The suite comes from autograd's source distribution on the package index (fetched by ``pip
download`` into ``~/.cache/weifen-autograd``, or ``$WEIFEN_AUTOGRAD_CACHE``), and runs in a
subprocess through ``tests/autograd_shim``, a package named ``autograd`` whose modules only
map autograd's names to weifen's; autograd's ``check_grads`` oracle is its own file. The same
tests run against autograd itself, and the fraction of those that pass there which also pass
on weifen must not fall below the ratchet. ``python tests/autograd_suite_report.py`` prints
the per-file counts and every failure with its first error line.
"""
from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest

import autograd_suite_report as R

# The pass fraction measured on the day this was last raised (weifen / autograd's own passes):
# issue 12 first measured 343 / 618; with autograd's operators, the complex convention and the
# NumPy names 520 / 618; with weifen.scipy, complex Hermitian eigh and weifen.numpy standing
# in for NumPy 612 / 618 (99.0%; the six others are conventions, listed in the README).
# autograd's tests draw random inputs unseeded, so a test or two near a kink or a tolerance
# can go either way from run to run: the ratchet is issue 12's floor, 2% below the measure.
RATCHET = 0.97


def test_autograd_suite_passes_on_weifen():
    try:
        res = R.measure(budget=300.0)
    except RuntimeError as e:
        pytest.skip(f"autograd {R.VERSION}'s source distribution is neither cached in "
                    f"{R.cache_dir()} nor downloadable: {e}")
    # the denominator is autograd's own run: it must have run (618 pass here, 13 need xarray)
    assert res["total"] >= 600, f"only {res['total']} tests passed on autograd itself"
    out = io.StringIO()
    R.report(res, out)
    assert res["fraction"] >= RATCHET, (
        f"{res['passed']} / {res['total']} = {res['fraction']:.3f} of autograd's passing tests "
        f"pass on weifen, below the ratchet {RATCHET}\n{out.getvalue()}")


def test_the_shim_only_maps_names():
    # no differentiation logic in the shim: no classes, no lambdas, and no functions but the
    # module-level __getattr__ lookups and the one export helper
    allowed = {"__getattr__", "export"}
    for path in sorted((R.SHIM / "autograd").rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            assert not isinstance(node, (ast.ClassDef, ast.Lambda)), path
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert node.name in allowed, f"{path}: def {node.name}"


def test_compare_counts_failures_of_missing_and_uncollected_tests():
    ref = {"a.py::t1": {"outcome": "passed", "message": ""},
           "a.py::t2": {"outcome": "passed", "message": ""},
           "b.py::t3": {"outcome": "passed", "message": ""},
           "b.py::t4": {"outcome": "skipped", "message": "needs xarray"}}
    ours = {"a.py::t1": {"outcome": "passed", "message": ""},
            "a.py::t2": {"outcome": "failed", "message": "[call] boom"},
            "b.py::<collection>": {"outcome": "failed", "message": "ImportError: x"}}
    res = R.compare(ref, ours)
    assert (res["passed"], res["total"]) == (1, 3)
    assert res["per_file"] == {"a.py": (1, 2), "b.py": (0, 1)}
    assert res["failures"] == [("a.py::t2", "[call] boom"),
                               ("b.py::t3", "[collection] ImportError: x")]
    assert Path(R.__file__).parent == R.HERE
