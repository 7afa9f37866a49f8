"""Spec rows for weifen.scipy (issue 12), read through tests/spec_extra.py: the primitives
of weifen.scipy.linalg and weifen.scipy.signal (solve_triangular with SciPy's options,
sqrtm, expm, solve_sylvester, cho_solve, cholesky, solve_banded, convolve).

The NumPy reference calls SciPy; the jax oracle is ``jax.scipy`` where it has the function
(and differentiates it), the torch oracle torch's equivalent where one exists. Functions that
read one triangle get references that build the matrix from that triangle first, so every
oracle sees the same function. ``odeint`` (an integrator, not a row) is checked in
tests/test_scipy_linalg.py.
"""
from __future__ import annotations

import numpy as np

import weifen as wf
from spec import REAL, OpSpec, Sample, spd, wellcond

SPECS_SCIPY_LINALG: list[OpSpec] = []


def _kind(xp) -> str:
    if hasattr(xp, "torch"):
        return "torch"
    return "numpy" if getattr(xp, "_base", None) is np else "jax"


def _tri(xp, a, lower):
    return xp.tril(a) if lower else xp.triu(a)


def _sym_from(xp, a, lower):
    """The symmetric matrix one triangle of ``a`` stands for."""
    t = _tri(xp, a, lower)
    strict = xp.tril(a, -1) if lower else xp.triu(a, 1)
    return t + xp.swapaxes(strict, -1, -2)


# ---------------------------------------------------------------- solve_triangular
def _st_fn(a, b, trans=0, lower=False, unit_diagonal=False):
    from weifen.scipy.linalg import solve_triangular

    return solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal)


def _st_ref(xp, a, b, trans=0, lower=False, unit_diagonal=False):
    k = _kind(xp)
    if k == "numpy":
        import scipy.linalg

        return scipy.linalg.solve_triangular(a, b, trans=trans, lower=lower,
                                             unit_diagonal=unit_diagonal)
    if k == "jax":
        import jax.scipy.linalg as jsl

        return jsl.solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal)
    torch = xp.torch
    m = torch.tril(a) if lower else torch.triu(a)
    upper = not lower
    if trans in (1, 2, "T", "C"):
        m, upper = m.mT, lower
    vec = b.ndim == 1
    x = torch.linalg.solve_triangular(m, b[:, None] if vec else b, upper=upper,
                                      unitriangular=unit_diagonal)
    return x[:, 0] if vec else x


def _st_samples(rng):
    return [Sample("lower(3,3)(3,)", (wellcond(rng, 3), REAL(rng, (3,))), {"lower": True}),
            Sample("upper(3,3)(3,2)", (wellcond(rng, 3), REAL(rng, (3, 2)))),
            Sample("transT_lower(3,3)(3,2)", (wellcond(rng, 3), REAL(rng, (3, 2))),
                   {"trans": "T", "lower": True}),
            Sample("trans1_upper(3,3)(3,)", (wellcond(rng, 3), REAL(rng, (3,))), {"trans": 1}),
            Sample("unit_lower(3,3)(3,2)", (wellcond(rng, 3), REAL(rng, (3, 2))),
                   {"lower": True, "unit_diagonal": True})]


SPECS_SCIPY_LINALG.append(OpSpec(
    "scipy.linalg.solve_triangular", _st_fn, _st_ref, _st_samples,
    "well-conditioned; only the named triangle is read (the unit diagonal not at all)",
    grad_rtol=1e-4, f32_rtol=1e-3, f32_atol=1e-4))


# ---------------------------------------------------------------- sqrtm
def _sqrtm_fn(a):
    from weifen.scipy.linalg import sqrtm

    return sqrtm(a)


def _sqrtm_ref(xp, a):
    import scipy.linalg

    return scipy.linalg.sqrtm(a)


def _posdef_general(rng, n):
    """A non-symmetric matrix with eigenvalues near 2 (a real square root)."""
    return 2.0 * np.eye(n) + rng.uniform(-0.4, 0.4, (n, n))


def _sqrtm_samples(rng):
    return [Sample("spd(3,3)", (spd(rng, 3),)), Sample("general(3,3)", (_posdef_general(rng, 3),)),
            Sample("(2,2)", (_posdef_general(rng, 2),))]


SPECS_SCIPY_LINALG.append(OpSpec(
    "scipy.linalg.sqrtm", _sqrtm_fn, _sqrtm_ref, _sqrtm_samples,
    "eigenvalues in the right half-plane (a real principal root)", rtol=1e-8, atol=1e-10,
    grad_rtol=1e-4, f32_rtol=1e-3, f32_atol=1e-4, torch_ref=None, jax_ref=None))


# ---------------------------------------------------------------- expm
def _expm_fn(a):
    from weifen.scipy.linalg import expm

    return expm(a)


def _expm_ref(xp, a):
    k = _kind(xp)
    if k == "numpy":
        import scipy.linalg

        return scipy.linalg.expm(a)
    if k == "jax":
        import jax.scipy.linalg as jsl

        return jsl.expm(a)
    return xp.torch.linalg.matrix_exp(a)


def _expm_samples(rng):
    return [Sample("(3,3)", (REAL(rng, (3, 3)) * 0.5,)),
            Sample("(2,3,3)", (REAL(rng, (2, 3, 3)) * 0.5,)),
            Sample("large_norm(3,3)", (REAL(rng, (3, 3)) * 3.0,))]


SPECS_SCIPY_LINALG.append(OpSpec(
    "scipy.linalg.expm", _expm_fn, _expm_ref, _expm_samples, "real", rtol=1e-9,
    atol=1e-10, grad_rtol=1e-4, grad_atol=1e-5, f32_rtol=1e-3, f32_atol=1e-3))


# ---------------------------------------------------------------- solve_sylvester
def _syl_fn(a, b, q):
    from weifen.scipy.linalg import solve_sylvester

    return solve_sylvester(a, b, q)


def _syl_ref(xp, a, b, q):
    import scipy.linalg

    return scipy.linalg.solve_sylvester(a, b, q)


def _syl_samples(rng):
    return [Sample("(3,3)(3,3)(3,3)", (_posdef_general(rng, 3), _posdef_general(rng, 3) - 1.0
                                       * np.eye(3), REAL(rng, (3, 3)))),
            Sample("(3,3)(2,2)(3,2)", (_posdef_general(rng, 3), _posdef_general(rng, 2),
                                       REAL(rng, (3, 2))))]


SPECS_SCIPY_LINALG.append(OpSpec(
    "scipy.linalg.solve_sylvester", _syl_fn, _syl_ref, _syl_samples,
    "eigenvalue sums of a and b far from 0", rtol=1e-9, atol=1e-11, grad_rtol=1e-4,
    f32_rtol=1e-3, f32_atol=1e-4, torch_ref=None, jax_ref=None))


# ---------------------------------------------------------------- Cholesky
def _chol_fn(a, lower=False):
    from weifen.scipy.linalg import cholesky

    return cholesky(a, lower=lower)


def _chol_ref(xp, a, lower=False):
    if _kind(xp) == "numpy":
        import scipy.linalg

        return scipy.linalg.cholesky(a, lower=lower)
    low = xp.linalg.cholesky(_sym_from(xp, a, lower))
    return low if lower else xp.swapaxes(low, -1, -2)


def _cs_fn(a, b, lower=False):
    from weifen.scipy.linalg import cho_factor, cho_solve

    return cho_solve(cho_factor(a, lower=lower), b)


def _cs_ref(xp, a, b, lower=False):
    if _kind(xp) == "numpy":
        import scipy.linalg

        return scipy.linalg.cho_solve(scipy.linalg.cho_factor(a, lower=lower), b)
    return xp.linalg.solve(_sym_from(xp, a, lower), b)


def _noisy_spd(rng, n):
    """An SPD matrix with noise in its strict lower triangle (never read by lower=False)."""
    s = spd(rng, n)
    return s + np.tril(rng.uniform(-0.5, 0.5, (n, n)), -1)


def _chol_samples(rng):
    return [Sample("upper(3,3)", (_noisy_spd(rng, 3),)),
            Sample("lower(3,3)", (np.ascontiguousarray(_noisy_spd(rng, 3).T),),
                   {"lower": True})]


def _cs_samples(rng):
    return [Sample("upper(3,3)(3,)", (_noisy_spd(rng, 3), REAL(rng, (3,)))),
            Sample("lower(3,3)(3,2)", (np.ascontiguousarray(_noisy_spd(rng, 3).T),
                                       REAL(rng, (3, 2))),
                   {"lower": True})]


SPECS_SCIPY_LINALG += [
    OpSpec("scipy.linalg.cholesky", _chol_fn, _chol_ref, _chol_samples,
           "SPD in the named triangle, noise in the other", grad_rtol=1e-4, f32_rtol=1e-3,
           f32_atol=1e-4),
    OpSpec("scipy.linalg.cho_solve", _cs_fn, _cs_ref, _cs_samples,
           "SPD in the named triangle, noise in the other", grad_rtol=1e-4, f32_rtol=1e-3,
           f32_atol=1e-4),
]


# ---------------------------------------------------------------- solve_banded
def _band_fn(ab, b, lu=(1, 1)):
    from weifen.scipy.linalg import solve_banded

    return solve_banded(lu, ab, b)


def _band_ref(xp, ab, b, lu=(1, 1)):
    import scipy.linalg

    return scipy.linalg.solve_banded(lu, ab, b)


def _band_samples(rng):
    def ab(l, u, n):
        x = rng.uniform(-0.3, 0.3, (l + u + 1, n))
        x[u] = 2.0 + rng.uniform(0, 0.5, n)  # a dominant diagonal
        return x

    return [Sample("(1,1)(3,5)(5,)", (ab(1, 1, 5), REAL(rng, (5,))), {"lu": (1, 1)}),
            Sample("(2,0)(3,4)(4,2)", (ab(2, 0, 4), REAL(rng, (4, 2))), {"lu": (2, 0)})]


SPECS_SCIPY_LINALG.append(OpSpec(
    "scipy.linalg.solve_banded", _band_fn, _band_ref, _band_samples,
    "diagonally dominant; entries of ab outside the matrix are not read", grad_rtol=1e-4,
    f32_rtol=1e-3, f32_atol=1e-4, torch_ref=None, jax_ref=None))


# ---------------------------------------------------------------- convolve
def _conv_fn(a, b, mode="full"):
    from weifen.scipy.signal import convolve

    return convolve(a, b, mode=mode)


def _conv_ref(xp, a, b, mode="full"):
    if _kind(xp) == "numpy":
        import scipy.signal

        return scipy.signal.convolve(a, b, mode=mode)
    import jax.scipy.signal as jss

    return jss.convolve(a, b, mode=mode)


def _conv_samples(rng):
    out = []
    for mode in ("full", "valid", "same"):
        out += [Sample(f"(5,)(3,){mode}", (REAL(rng, (5,)), REAL(rng, (3,))), {"mode": mode}),
                Sample(f"(3,)(5,){mode}", (REAL(rng, (3,)), REAL(rng, (5,))), {"mode": mode}),
                Sample(f"(4,5)(2,3){mode}", (REAL(rng, (4, 5)), REAL(rng, (2, 3))),
                       {"mode": mode})]
    out.append(Sample("(3,4)(2,6)same", (REAL(rng, (3, 4)), REAL(rng, (2, 6))), {"mode": "same"}))
    return out


SPECS_SCIPY_LINALG.append(OpSpec(
    "scipy.signal.convolve", _conv_fn, _conv_ref, _conv_samples, "real", torch_ref=None))

# keep the name used by the rows' functions importable from the spec module
_ = wf
