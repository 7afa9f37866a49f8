"""Spec rows for weifen.scipy (issue 12), read through tests/spec_extra.py: the primitives
of weifen.scipy.linalg and weifen.scipy.signal (solve_triangular with SciPy's options,
sqrtm, expm, solve_sylvester, cho_solve, cholesky, solve_banded, convolve), and the SciPy
faces of the wf.linalg functions that jax.scipy also has (inv, det, solve, cho_factor, eigh,
svd, qr, block_diag, expm_frechet, correlate).

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
    def ab(nl, u, n):
        x = rng.uniform(-0.3, 0.3, (nl + u + 1, n))
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

# ================================================================ SciPy faces of wf.linalg
# (the names jax.scipy.linalg also has; the NumPy reference calls SciPy, the jax oracle
# jax.scipy.linalg and the torch oracle torch.linalg, fed the symmetric matrix one triangle
# stands for wherever SciPy reads one triangle: jax's eigh symmetrises both, and its
# Cholesky rule symmetrises the tangent)
def _sl(xp):
    """scipy.linalg as weifen, SciPy or jax spell it (torch rows go through xp.linalg)."""
    if xp is wf:
        import weifen.scipy.linalg as m
    elif _kind(xp) == "numpy":
        import scipy.linalg as m
    else:
        import jax.scipy.linalg as m
    return m


def _host(xp) -> bool:
    """weifen or SciPy: the functions under test themselves, not an autodiff oracle."""
    return xp is wf or _kind(xp) == "numpy"


def _sw(xp, x):
    return xp.swapaxes(x, -1, -2)


def _eye(xp, n, a):
    if _kind(xp) == "torch" and xp is not wf:
        return xp.torch.eye(n, dtype=a.dtype)
    return xp.eye(n, dtype=np.dtype(str(a.dtype)))


def _matgen(*cases):
    """Samples from ``(desc, maker, shape-or-shapes, kwargs)``."""
    def gen(rng):
        out = []
        for desc, make, shapes, kw in cases:
            shapes = shapes if isinstance(shapes[0], tuple) else (shapes,)
            out.append(Sample(desc, tuple(make(rng, sh) for sh in shapes), dict(kw)))
        return out
    return gen


def _wc(rng, shape):
    return wellcond(rng, shape[-1], tuple(shape[:-2]))


def _real(rng, shape):
    return REAL(rng, shape)


TOL = dict(grad_rtol=1e-4, f32_rtol=2e-3, f32_atol=2e-4)


# ---------------------------------------------------------------- inv, det
def _inv(xp, a):
    return _sl(xp).inv(a) if _kind(xp) != "torch" or xp is wf else xp.linalg.inv(a)


def _det(xp, a):
    if _kind(xp) == "numpy":
        # SciPy gives float64 for float32 input; weifen (as NumPy and jax) keeps float32
        return _sl(xp).det(a).astype(a.dtype)
    return _sl(xp).det(a) if _kind(xp) != "torch" or xp is wf else xp.linalg.det(a)


_WC = _matgen(("(3,3)", _wc, (3, 3), {}), ("(2,3,3)", _wc, (2, 3, 3), {}),
              ("(2,2)", _wc, (2, 2), {}))

SPECS_SCIPY_LINALG += [
    OpSpec("scipy.linalg.inv", lambda a: _inv(wf, a), _inv, _WC, "well-conditioned",
           rtol=1e-9, atol=1e-11, **TOL),
    OpSpec("scipy.linalg.det", lambda a: _det(wf, a), _det, _WC, "well-conditioned",
           rtol=1e-9, atol=1e-11, **TOL),
]


# ---------------------------------------------------------------- solve
def _solve_fn(a, b, **kw):
    from weifen.scipy.linalg import solve

    return solve(a, b, **kw)


def _solve_ref(xp, a, b, assume_a=None, lower=False, transposed=False):
    if _kind(xp) == "numpy":
        import scipy.linalg

        return scipy.linalg.solve(a, b, assume_a=assume_a, lower=lower, transposed=transposed)
    if assume_a in ("sym", "pos"):
        a = _sym_from(xp, a, lower)
    elif assume_a in ("lower triangular", "upper triangular"):
        a = _tri(xp, a, assume_a == "lower triangular")
    elif assume_a == "diagonal":
        a = xp.tril(xp.triu(a))
    if transposed:
        a = _sw(xp, a)
    if _kind(xp) == "jax":
        return _sl(xp).solve(a, b, assume_a="pos" if assume_a == "pos" else "gen")
    return xp.linalg.solve(a, b)


def _sym_noisy(rng, shape, lower=True):
    """A symmetric matrix with eigenvalues of both signs (|w| in [0.5, 1.5]) in the named
    triangle, noise in the other."""
    n = shape[-1]
    q = np.linalg.qr(rng.standard_normal((n, n)))[0]
    w = (0.5 + rng.permutation(n) * 1.0 / n) * rng.choice([-1.0, 1.0], n)
    s = (q * w) @ q.T
    noise = rng.uniform(-1.0, 1.0, (n, n))
    out = np.tril(s) + np.triu(noise, 1) if lower else np.triu(s) + np.tril(noise, -1)
    return np.ascontiguousarray(out)


def _spd_noisy(rng, shape, lower=False):
    """SPD in the named triangle, noise in the other."""
    s = _noisy_spd(rng, shape[-1])
    return np.ascontiguousarray(s.T) if lower else s


SPECS_SCIPY_LINALG += [
    OpSpec("scipy.linalg.solve", _solve_fn, _solve_ref,
           lambda rng: [Sample("(3,3)(3,)", (wellcond(rng, 3), REAL(rng, (3,)))),
                        Sample("(3,3)(3,2)", (wellcond(rng, 3), REAL(rng, (3, 2)))),
                        Sample("transposed(3,3)(3,2)", (wellcond(rng, 3), REAL(rng, (3, 2))),
                               {"transposed": True})],
           "well-conditioned", **TOL),
    OpSpec("scipy.linalg.solve[sym]", _solve_fn, _solve_ref,
           lambda rng: [Sample("lower(3,3)(3,)", (_sym_noisy(rng, (3, 3)), REAL(rng, (3,))),
                               {"assume_a": "sym", "lower": True}),
                        Sample("upper(4,4)(4,2)", (_sym_noisy(rng, (4, 4), lower=False),
                                                   REAL(rng, (4, 2))), {"assume_a": "sym"})],
           "symmetric, eigenvalues away from 0, in the named triangle; noise in the other "
           "(never read: zero gradient)", **TOL),
    OpSpec("scipy.linalg.solve[structured]", _solve_fn, _solve_ref,
           lambda rng: [Sample("pos_upper(3,3)(3,)", (_spd_noisy(rng, (3, 3)), REAL(rng, (3,))),
                               {"assume_a": "pos"}),
                        Sample("pos_lower(3,3)(3,2)", (_spd_noisy(rng, (3, 3), lower=True),
                                                       REAL(rng, (3, 2))),
                               {"assume_a": "pos", "lower": True}),
                        Sample("lower_triangular(3,3)(3,)", (wellcond(rng, 3), REAL(rng, (3,))),
                               {"assume_a": "lower triangular"}),
                        Sample("upper_triangular(3,3)(3,2)", (wellcond(rng, 3),
                                                              REAL(rng, (3, 2))),
                               {"assume_a": "upper triangular"}),
                        Sample("diagonal(3,3)(3,2)", (wellcond(rng, 3), REAL(rng, (3, 2))),
                               {"assume_a": "diagonal"})],
           "SPD, triangular or diagonal in the parts read; noise elsewhere (zero gradient)",
           **TOL),
]


# ---------------------------------------------------------------- cho_factor
def _cf_fn(a, lower=False):
    from weifen.scipy.linalg import cho_factor

    c, low = cho_factor(a, lower=lower)
    assert low is bool(lower)
    return c


def _cf_ref(xp, a, lower=False):
    """The factor's triangle (SciPy leaves arbitrary values in the other one)."""
    k = _kind(xp)
    if k == "numpy":
        import scipy.linalg

        return _tri(xp, scipy.linalg.cho_factor(a, lower=lower)[0], lower)
    s = _sym_from(xp, a, lower)
    if k == "jax":
        return _tri(xp, _sl(xp).cho_factor(s, lower=lower)[0], lower)
    low = xp.linalg.cholesky(s)
    return low if lower else _sw(xp, low)


SPECS_SCIPY_LINALG.append(OpSpec(
    "scipy.linalg.cho_factor", _cf_fn, _cf_ref,
    _matgen(("upper(3,3)", _spd_noisy, (3, 3), {}),
            ("lower(4,4)", lambda r, s: _spd_noisy(r, s, lower=True), (4, 4), {"lower": True})),
    "SPD in the named triangle, noise in the other; the factor's other triangle is zero "
    "(SciPy's is arbitrary, so both sides compare the triangle)", **TOL))


# ---------------------------------------------------------------- eigh
def _eigh_ref(xp, a, b=None, lower=True, eigvals_only=False, subset_by_index=None):
    """(w, V**2, V tanh(W) V^T): free of the eigenvectors' signs."""
    if _host(xp):
        r = _sl(xp).eigh(a, b, lower=lower, eigvals_only=eigvals_only,
                         subset_by_index=subset_by_index)
        if eigvals_only:
            return r
        w, v = r
    else:
        eigh = _sl(xp).eigh if _kind(xp) == "jax" else xp.linalg.eigh
        s = _sym_from(xp, a, lower)
        if b is None:
            w, v = eigh(s)
        else:  # B = L L^T, C = L^-1 A L^-T, v = L^-T u
            li = xp.linalg.inv(xp.linalg.cholesky(_sym_from(xp, b, lower)))
            w, u = eigh(li @ s @ _sw(xp, li))
            v = _sw(xp, li) @ u
        if subset_by_index is not None:
            lo, hi = subset_by_index
            w, v = w[..., lo:hi + 1], v[..., :, lo:hi + 1]
        if eigvals_only:
            return w
    return w, v * v, (v * xp.tanh(w)[..., None, :]) @ _sw(xp, v)


def _eigh_fn(*args, **kw):
    return _eigh_ref(wf, *args, **kw)


def _up(make):
    return lambda r, s: np.ascontiguousarray(_sw(np, make(r, s)))


SPECS_SCIPY_LINALG += [
    OpSpec("scipy.linalg.eigh", _eigh_fn, _eigh_ref,
           _matgen(("(3,3)", _sym_noisy, (3, 3), {}),
                   ("upper(4,4)", _up(_sym_noisy), (4, 4), {"lower": False}),
                   ("subset(4,4)", _sym_noisy, (4, 4), {"subset_by_index": (1, 2)})),
           "symmetric in the named triangle (noise in the other), eigenvalues 0.25 apart; "
           "sign-free functions of V", **TOL),
    OpSpec("scipy.linalg.eigh[eigvals_only]", _eigh_fn, _eigh_ref,
           _matgen(("(3,3)", _sym_noisy, (3, 3), {"eigvals_only": True}),
                   ("upper(4,4)", _up(_sym_noisy), (4, 4),
                    {"eigvals_only": True, "lower": False})),
           "as eigh", **TOL),
    OpSpec("scipy.linalg.eigh[generalized]", _eigh_fn, _eigh_ref,
           lambda rng: [Sample("(3,3)(3,3)", (_sym_noisy(rng, (3, 3)),
                                              _spd_noisy(rng, (3, 3), lower=True))),
                        Sample("upper(3,3)(3,3)", (_sym_noisy(rng, (3, 3), lower=False),
                                                   _spd_noisy(rng, (3, 3))),
                               {"lower": False})],
           "a symmetric, b SPD, both in the named triangle (noise in the other); generalized "
           "eigenvalues apart; sign-free functions of V", **TOL),
]


# ---------------------------------------------------------------- svd
def _svd(xp, a, full_matrices=True, compute_uv=True):
    if _host(xp) or _kind(xp) == "jax":
        return _sl(xp).svd(a, full_matrices=full_matrices, compute_uv=compute_uv)
    if not compute_uv:
        return xp.linalg.svdvals(a)
    return xp.linalg.svd(a, full_matrices=full_matrices)


def _svd_full(xp, a):
    """SciPy's default full factors, split at k: S, U1**2, U2 U2^T, Vh1**2, V2 V2^T,
    U1 tanh(S) Vh1 (sign-free, and built from no constant, so it runs on any backend)."""
    u, s, vh = _svd(xp, a)
    k = s.shape[-1]
    u1, u2, vh1, vh2 = u[..., :, :k], u[..., :, k:], vh[..., :k, :], vh[..., k:, :]
    return (s, u1 * u1, u2 @ _sw(xp, u2), vh1 * vh1, _sw(xp, vh2) @ vh2,
            (u1 * xp.tanh(s)[..., None, :]) @ vh1)


def _svd_full_oracle(xp, a):
    """The same from the thin factors (neither jax nor torch differentiates full ones)."""
    u, s, vh = _svd(xp, a, full_matrices=False)
    m, n = a.shape[-2:]
    return (s, u * u, _eye(xp, m, a) - u @ _sw(xp, u), vh * vh,
            _eye(xp, n, a) - _sw(xp, vh) @ vh, (u * xp.tanh(s)[..., None, :]) @ vh)


def _svd_thin(xp, a):
    u, s, vh = _svd(xp, a, full_matrices=False)
    return s, u * u, vh * vh, (u * xp.tanh(s)[..., None, :]) @ vh, u @ _sw(xp, u)


def _sv(rng, shape):
    from spec_decomp import sv_matrix

    return sv_matrix(rng, shape)


_SVS = _matgen(("(3,3)", _sv, (3, 3), {}), ("(4,3)", _sv, (4, 3), {}),
               ("(3,5)", _sv, (3, 5), {}), ("(2,4,3)", _sv, (2, 4, 3), {}))

SPECS_SCIPY_LINALG += [
    OpSpec("scipy.linalg.svd", lambda a: _svd_full(wf, a), _svd_full, _SVS,
           "singular values in [0.5, 2], 0.3 apart; sign-free functions of U and Vh, the "
           "complement columns as their projector", torch_ref=_svd_full_oracle,
           jax_ref=_svd_full_oracle, **TOL),
    OpSpec("scipy.linalg.svd[thin]", lambda a: _svd_thin(wf, a), _svd_thin, _SVS,
           "as svd", **TOL),
    OpSpec("scipy.linalg.svd[compute_uv=False]",
           lambda a: _svd(wf, a, compute_uv=False),
           lambda xp, a: _svd(xp, a, compute_uv=False), _SVS, "as svd", **TOL),
]


# ---------------------------------------------------------------- qr
def _qr(xp, a, mode="full"):
    if _host(xp) or _kind(xp) == "jax":
        return _sl(xp).qr(a, mode=mode)
    if mode == "r":
        return (xp.linalg.qr(a, mode="r")[1],)
    return tuple(xp.linalg.qr(a, mode="complete" if mode == "full" else "reduced"))


def _qr_full(xp, a):
    """Q1, the complement's projector Q2 Q2^T, R (all as LAPACK signs them)."""
    q, r = _qr(xp, a)
    k = min(a.shape[-2:])
    return q[..., :, :k], q[..., :, k:] @ _sw(xp, q[..., :, k:]), r


def _pad_r(xp, r, a):
    m, n = a.shape[-2:]
    if m > n:  # R's rows below n are zero
        r = xp.concatenate([r, 0.0 * r[..., :m - n, :]], axis=-2)
    return r


def _qr_full_oracle(xp, a):
    """The same from the economic factors (jax differentiates no tall full Q)."""
    q, r = _qr(xp, a, mode="economic")
    return q, _eye(xp, a.shape[-2], a) - q @ _sw(xp, q), _pad_r(xp, r, a)


def _qr_r_oracle(xp, a):
    return (_pad_r(xp, _qr(xp, a, mode="economic")[1], a),)


def _qr_gen(*shapes, wide=()):
    # jax differentiates QR of tall and square matrices only
    def gen(rng):
        out = [Sample(str(s).replace(" ", ""), (_sv(rng, s),)) for s in shapes]
        return out + [Sample(str(s).replace(" ", ""), (_sv(rng, s),), oracles=("torch",))
                      for s in wide]
    return gen


SPECS_SCIPY_LINALG += [
    OpSpec("scipy.linalg.qr", lambda a: _qr_full(wf, a), _qr_full,
           _qr_gen((5, 3), (3, 3), (2, 4, 2)),
           "full rank (singular values 0.3 apart); the complement columns as their projector",
           torch_ref=_qr_full_oracle, jax_ref=_qr_full_oracle, **TOL),
    OpSpec("scipy.linalg.qr[economic]", lambda a: _qr(wf, a, mode="economic"),
           lambda xp, a: _qr(xp, a, mode="economic"),
           _qr_gen((3, 3), (5, 3), (2, 4, 3), wide=((3, 5),)),
           "full rank; Q and R as LAPACK signs them", **TOL),
    OpSpec("scipy.linalg.qr[r]", lambda a: _qr(wf, a, mode="r"),
           lambda xp, a: _qr(xp, a, mode="r"), _qr_gen((3, 3), (5, 3), wide=((3, 5),)),
           "full rank", torch_ref=_qr_r_oracle, jax_ref=_qr_r_oracle, **TOL),
]


# ---------------------------------------------------------------- block_diag
def _bd(xp, *arrs):
    if _host(xp) or _kind(xp) == "jax":
        return _sl(xp).block_diag(*arrs)
    return xp.torch.block_diag(*arrs)


def _bd_samples(rng):
    return [Sample("(2,2)(1,3)", (REAL(rng, (2, 2)), REAL(rng, (1, 3)))),
            Sample("(3,)()(2,1)", (REAL(rng, (3,)), REAL(rng, ()), REAL(rng, (2, 1)))),
            Sample("(2,3)", (REAL(rng, (2, 3)),))]


SPECS_SCIPY_LINALG.append(OpSpec(
    "scipy.linalg.block_diag", lambda *a: _bd(wf, *a), _bd, _bd_samples, "real"))


# ---------------------------------------------------------------- expm_frechet
def _ef(xp, a, e, compute_expm=True):
    if xp is wf:
        from weifen.scipy.linalg import expm_frechet
    elif _kind(xp) == "numpy":
        from scipy.linalg import expm_frechet
    else:
        from jax.scipy.linalg import expm_frechet
    r = expm_frechet(a, e, compute_expm=compute_expm)
    if _kind(xp) == "numpy":
        # SciPy gives float64 for float32 input; weifen (as jax, and as expm) keeps float32
        r = tuple(x.astype(a.dtype) for x in r) if compute_expm else r.astype(a.dtype)
    return r


def _ef_samples(rng):
    return [Sample("(3,3)(3,3)", (REAL(rng, (3, 3)) * 0.5, REAL(rng, (3, 3)))),
            Sample("L_only(3,3)(3,3)", (REAL(rng, (3, 3)) * 0.5, REAL(rng, (3, 3))),
                   {"compute_expm": False}),
            Sample("large_norm(2,2)(2,2)", (REAL(rng, (2, 2)) * 3.0, REAL(rng, (2, 2))))]


SPECS_SCIPY_LINALG.append(OpSpec(
    "scipy.linalg.expm_frechet", lambda a, e, **k: _ef(wf, a, e, **k), _ef, _ef_samples,
    "real", rtol=1e-9, atol=1e-10, grad_rtol=1e-4, grad_atol=1e-5, f32_rtol=1e-3,
    f32_atol=1e-3, torch_ref=None))


# ---------------------------------------------------------------- correlate
def _corr_fn(a, b, mode="full"):
    from weifen.scipy.signal import correlate

    return correlate(a, b, mode=mode)


def _corr_ref(xp, a, b, mode="full"):
    if _kind(xp) == "numpy":
        import scipy.signal

        return scipy.signal.correlate(a, b, mode=mode)
    import jax.scipy.signal as jss

    return jss.correlate(a, b, mode=mode)


SPECS_SCIPY_LINALG.append(OpSpec(
    "scipy.signal.correlate", _corr_fn, _corr_ref, _conv_samples,
    "real; 'valid' with the smaller input first reverses (SciPy swaps the inputs)",
    torch_ref=None))

# keep the name used by the rows' functions importable from the spec module
_ = wf
