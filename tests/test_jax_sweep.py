"""Every public name of weifen.numpy, weifen.linalg, weifen.fft and weifen.scipy that JAX
also has is checked against JAX (issue 12, item 6).

The names are enumerated from the modules themselves, so a new public function that JAX
also offers fails here until it has a spec row with a JAX oracle (tests/spec*.py); the rows
then drive ``test_spec_ops.py::test_jvp_jax`` (values and JVPs) and ``test_vjp_jax`` (values
and VJPs) on random inputs in each function's domain. Names that cannot carry a derivative,
or whose JAX namesake means something else, sit on the commented skip-list below.
"""
from __future__ import annotations

import importlib
import types

import pytest

from spec import SPECS
from spec_extra import SPECS_EXTRA

jax = pytest.importorskip("jax")

ROWS = SPECS + SPECS_EXTRA
WITH_JAX = {r.name.split("[")[0] for r in ROWS if r.jax_ref is not None}

# (weifen module, JAX module, spec-row prefix)
PAIRS = [
    ("weifen.numpy", "jax.numpy", ""),
    ("weifen.linalg", "jax.numpy.linalg", "linalg."),
    ("weifen.fft", "jax.numpy.fft", "fft."),
    ("weifen.scipy.special", "jax.scipy.special", "special."),
    ("weifen.scipy.linalg", "jax.scipy.linalg", "scipy.linalg."),
    ("weifen.scipy.signal", "jax.scipy.signal", "scipy.signal."),
] + [(f"weifen.scipy.stats.{d}", f"jax.scipy.stats.{d}", f"stats.{d}.")
     for d in ("norm", "t", "gamma", "beta", "poisson", "chi2", "multivariate_normal",
               "dirichlet")]

# name -> why it has no JAX-checked row
SKIP = {
    # no derivative: integer, boolean or index results (their rows check values and the
    # zero gradient against NumPy)
    **{n: "integer/bool/index result" for n in (
        "argmax", "argmin", "argsort", "argpartition", "nonzero", "isfinite", "equal",
        "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and",
        "logical_or", "logical_not", "all", "any", "count_nonzero", "sign", "floor", "ceil",
        "trunc", "round", "around", "floor_divide", "linalg.matrix_rank",
        "fft.fftfreq", "fft.rfftfreq")},
    # aliases checked through the name they alias (same function object or one line)
    "absolute": "alias of abs", "amax": "alias of max", "amin": "alias of min",
    "true_divide": "alias of divide", "remainder": "alias of mod",
    "atleast_1d": "reshape only, row checks against NumPy", "atleast_2d": "as atleast_1d",
    "row_stack": "alias of vstack (removed from NumPy 2; jax keeps it)",
    "linalg.matmul": "wf.matmul", "linalg.outer": "wf.outer",
    "linalg.tensordot": "wf.tensordot",
    # JAX's namesake means something else, or JAX's cannot run the sample
    "astype": "jnp.astype takes no copy= and refuses NumPy dtypes objects in our samples",
    "partition": "jnp.partition returns a different (unspecified) order in the unsorted part",
    "real_if_close": "jax has no real_if_close derivative (it returns its input)",
    "linalg.eig": "jax's eig has no derivative for eigenvectors (CPU only, values only)",
    "special.rgamma": "jax.scipy.special has no rgamma gradient rule at this version",
    "special.gammasgn": "piecewise constant (the sign of gamma): no derivative to check",
    # jax has the name but no derivative: its Schur decomposition has no differentiation
    # rule (jax.jvp raises NotImplementedError); their rows check values against SciPy and
    # derivatives by finite differences
    "scipy.linalg.sqrtm": "jax differentiates no sqrtm (no rule for schur)",
    "scipy.linalg.solve_sylvester": "jax differentiates no solve_sylvester (no rule for schur)",
    # jax has the name, but its function differs from SciPy's at our samples
    "special.logsumexp": "checked by its own row (jax's return_sign form differs)",
}


def _public(modname: str) -> list[str]:
    m = importlib.import_module(modname)
    names = getattr(m, "__all__", None) or [n for n in dir(m) if not n.startswith("_")]
    return sorted(n for n in names
                  if callable(getattr(m, n, None))
                  and not isinstance(getattr(m, n), (type, types.ModuleType)))


def _jax_has(modname: str, name: str) -> bool:
    try:
        return hasattr(importlib.import_module(modname), name)
    except ImportError:
        return False


@pytest.mark.parametrize("wmod,jmod,prefix", PAIRS, ids=[p[0] for p in PAIRS])
def test_every_name_jax_has_is_checked_against_jax(wmod, jmod, prefix) -> None:
    missing = [prefix + n for n in _public(wmod)
               if _jax_has(jmod, n) and prefix + n not in WITH_JAX
               and (prefix + n) not in SKIP and n not in SKIP]
    assert not missing, (f"{wmod}: these names exist in {jmod} but have no spec row with a "
                         f"jax oracle (add one to tests/spec*.py, or a commented entry to "
                         f"SKIP): {missing}")


def test_skip_list_is_not_stale() -> None:
    """Every skipped name still exists somewhere in weifen's public modules."""
    known = set()
    for wmod, _, prefix in PAIRS:
        known |= {prefix + n for n in _public(wmod)} | set(_public(wmod))
    stale = sorted(n for n in SKIP if n not in known)
    assert not stale, f"SKIP names no public function: {stale}"
