"""Spec rows for the decompositions of wf.linalg (issue 12): svd, svdvals, eig, eigvals, qr,
pinv, matrix_power, lstsq. Read by tests/test_spec_ops.py and tests/test_spec_batching.py
through tests/spec_extra.py.

The checks compare real arrays, so every row is a real function of real inputs. Singular
vectors and eigenvectors carry a sign (for complex ones a phase) that NumPy, torch and jax
may pick differently, so rows return what does not depend on it: ``U * U``, ``U @ U.T``,
``(U * w) @ Vh`` for fixed weights ``w``, ``|v|**2``. The columns that ``full_matrices`` and
QR's ``"complete"`` add to a rectangular factor are a basis of a complement that LAPACK
picks: rows return its projector ``U2 @ U2.T``, whose torch/jax reference is
``I - U1 @ U1.T`` from the thin factors (neither library differentiates the full ones).
Complex inputs are built inside from two real arrays (their parts), and complex outputs are
returned as their real and imaginary parts, so every convention for complex derivatives
agrees and NumPy, central differences, torch and jax all apply.

Samples keep away from where the functions are not differentiable: singular values and
eigenvalues at least 0.3 apart and away from 0, triangular factors with nonzero diagonals,
constant rank (``rcond`` far from every singular value) for ``pinv`` and ``lstsq``.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

import weifen as wf
from spec import OpSpec, Sample, wellcond


# ============================================================================ helpers
def _torch(xp) -> bool:
    return hasattr(xp, "torch")


def _orth(rng, n, complex_=False):
    z = rng.standard_normal((n, n))
    if complex_:
        z = z + 1j * rng.standard_normal((n, n))
    return np.linalg.qr(z)[0]


def _spread(rng, k, lo=0.5, gap=0.35):
    """k values in [lo, lo + gap k], at least 0.3 apart, in random order."""
    return lo + gap * rng.permutation(k) + rng.uniform(0.0, 0.04, k)


def sv_matrix(rng, shape, complex_=False):
    """Matrices U diag(s) V^H with singular values in [0.5, 2] at least 0.3 apart."""
    *lead, m, n = shape
    k = min(m, n)
    out = np.zeros(shape, np.complex128 if complex_ else np.float64)
    for idx in np.ndindex(*lead):
        u, v = _orth(rng, m, complex_)[:, :k], _orth(rng, n, complex_)[:, :k]
        out[idx] = (u * _spread(rng, k)) @ v.conj().T
    return out


def real_spectrum(rng, shape):
    """Real matrices P D P^-1 with real eigenvalues at least 0.5 apart."""
    *lead, n, _ = shape
    out = np.zeros(shape)
    for idx in np.ndindex(*lead):
        p = np.eye(n) + rng.uniform(-0.3, 0.3, (n, n))
        d = rng.permutation(n) * 0.6 - 0.3 * n + rng.uniform(0, 0.05, n)
        out[idx] = p @ np.diag(d) @ np.linalg.inv(p)
    return out


def complex_spectrum(rng, shape):
    """Real matrices with complex-conjugate eigenvalue pairs (and one real eigenvalue when
    n is odd), every eigenvalue at least 0.4 from the others."""
    *lead, n, _ = shape
    out = np.zeros(shape)
    for idx in np.ndindex(*lead):
        b = np.zeros((n, n))
        for j in range(n // 2):
            al, be = -1.0 + 0.9 * j + rng.uniform(0, 0.1), 0.6 + 0.3 * j + rng.uniform(0, 0.1)
            b[2 * j:2 * j + 2, 2 * j:2 * j + 2] = [[al, -be], [be, al]]
        if n % 2:
            b[-1, -1] = 1.7 + rng.uniform(0, 0.1)
        p = np.eye(n) + rng.uniform(-0.3, 0.3, (n, n))
        out[idx] = p @ b @ np.linalg.inv(p)
    return out


def sym_lower(rng, shape):
    """Matrices whose lower triangle stands for a symmetric matrix with distinct, nonzero
    |eigenvalues| (some negative); the strict upper triangle is noise, which NumPy's
    hermitian paths never read."""
    *lead, n, _ = shape
    out = np.zeros(shape)
    for idx in np.ndindex(*lead):
        q = _orth(rng, n)
        lam = _spread(rng, n) * rng.choice([-1.0, 1.0], n)
        s = (q * lam) @ q.T
        out[idx] = np.tril(s) + np.triu(rng.uniform(-1, 1, (n, n)), 1)
    return out


def _parts_of(rng, z):
    return np.ascontiguousarray(z.real), np.ascontiguousarray(z.imag)


def _sw(xp, x):
    return xp.swapaxes(x, -1, -2)


def _weights(xp, a, k):
    """Fixed weights 1..2 in a's dtype (so float32 stays float32)."""
    w = np.linspace(1.0, 2.0, k)
    if _torch(xp):
        return xp.torch.tensor(w, dtype=a.dtype)
    return w.astype(np.dtype(str(a.dtype)))


def _eye(xp, n, a):
    if _torch(xp):
        return xp.torch.eye(n, dtype=a.dtype)
    return xp.eye(n, dtype=np.dtype(str(a.dtype)))


def _from_lower(xp, a):
    return xp.tril(a) + _sw(xp, xp.tril(a, -1))


def _cz(xp, x, y):
    if xp is wf:
        from spec_more import cz

        return cz(x, y)
    return x + 1j * y


def _parts(xp, z):
    return xp.real(z), xp.imag(z)


def _abs2(xp, z):
    return xp.real(z) ** 2 + xp.imag(z) ** 2


def _gen(*cases) -> Callable:
    """Samples from ``(desc, maker, shapes, kwargs)``; a complex maker gives two parts."""
    def gen(rng):
        out = []
        for desc, make, shapes, kw in cases:
            shapes = shapes if isinstance(shapes[0], tuple) else (shapes,)
            args = []
            for s in shapes:
                v = make(rng, s)
                args.extend(_parts_of(rng, v) if np.iscomplexobj(v) else [v])
            out.append(Sample(desc, tuple(args), dict(kw)))
        return out
    return gen


def _cplx(rng, shape):
    return sv_matrix(rng, shape, complex_=True)


# ============================================================================ singular values
def _svdvals(xp, a):
    if xp is wf or _torch(xp):
        return xp.linalg.svdvals(a)
    return xp.linalg.svd(a, compute_uv=False)


def _thin(xp, a):
    u, s, vh = xp.linalg.svd(a, full_matrices=False)
    k = s.shape[-1]
    w = _weights(xp, a, k)
    return s, u * u, vh * vh, (u * w) @ vh, u @ _sw(xp, u)


def _full_wf(xp, a):
    """The full factors, split at k: S, U1**2, U2 U2^T, Vh1**2, V2 V2^T, U1 diag(w) Vh1."""
    u, s, vh = xp.linalg.svd(a, full_matrices=True)
    k = s.shape[-1]
    u1, u2, vh1, vh2 = u[..., :, :k], u[..., :, k:], vh[..., :k, :], vh[..., k:, :]
    w = _weights(xp, a, k)
    return s, u1 * u1, u2 @ _sw(xp, u2), vh1 * vh1, _sw(xp, vh2) @ vh2, (u1 * w) @ vh1


def _full_ref(xp, a):
    """The same from the thin factors: the complement's projector is I - U1 U1^T."""
    u, s, vh = xp.linalg.svd(a, full_matrices=False)
    m, n = a.shape[-2:]
    w = _weights(xp, a, s.shape[-1])
    return (s, u * u, _eye(xp, m, a) - u @ _sw(xp, u), vh * vh,
            _eye(xp, n, a) - _sw(xp, vh) @ vh, (u * w) @ vh)


def _herm_wf(xp, a):
    u, s, vh = xp.linalg.svd(a, hermitian=True)
    w = _weights(xp, a, s.shape[-1])
    return s, (u * w) @ vh, u * u


def _herm_ref(xp, a):
    u, s, vh = xp.linalg.svd(_from_lower(xp, a), full_matrices=False)
    w = _weights(xp, a, s.shape[-1])
    return s, (u * w) @ vh, u * u


def _svd_complex(xp, x, y):
    u, s, vh = xp.linalg.svd(_cz(xp, x, y), full_matrices=False)
    uwv = (u * _weights(xp, x, s.shape[-1])) @ vh
    return (s, _abs2(xp, u), _abs2(xp, vh)) + _parts(xp, uwv)


SV_SHAPES = (("(3,3)", (3, 3)), ("(4,3)", (4, 3)), ("(3,5)", (3, 5)), ("(2,4,3)", (2, 4, 3)))
_SV = _gen(*[(d, sv_matrix, s, {}) for d, s in SV_SHAPES])
TOL = dict(grad_rtol=1e-4, f32_rtol=2e-3, f32_atol=2e-4)

SVD = [
    OpSpec("linalg.svdvals", lambda a: wf.linalg.svdvals(a), lambda xp, a: _svdvals(xp, a),
           _SV, "singular values in [0.5, 2], 0.3 apart", **TOL),
    OpSpec("linalg.svd[compute_uv=False]", lambda a: wf.linalg.svd(a, compute_uv=False),
           lambda xp, a: xp.linalg.svd(a, compute_uv=False), _SV, "as svdvals",
           torch_ref=lambda xp, a: xp.linalg.svdvals(a), **TOL),
    OpSpec("linalg.svd[thin]", lambda a: _thin(wf, a), _thin, _SV,
           "as svdvals; sign-free functions of U and Vh", **TOL),
    OpSpec("linalg.svd[full]", lambda a: _full_wf(wf, a), _full_wf,
           _gen(("(4,2)", sv_matrix, (4, 2), {}), ("(2,5)", sv_matrix, (2, 5), {}),
                ("(2,4,3)", sv_matrix, (2, 4, 3), {}), ("(3,3)", sv_matrix, (3, 3), {})),
           "as svdvals; the complement columns as their projector",
           torch_ref=_full_ref, jax_ref=_full_ref, **TOL),
    OpSpec("linalg.svd[hermitian]", lambda a: _herm_wf(wf, a), _herm_wf,
           _gen(("(3,3)", sym_lower, (3, 3), {}), ("(2,4,4)", sym_lower, (2, 4, 4), {})),
           "lower triangle of a symmetric matrix, distinct nonzero |eigenvalues|; the upper "
           "triangle is never read (zero gradient there)",
           torch_ref=_herm_ref, jax_ref=_herm_ref, **TOL),
    OpSpec("linalg.svd[complex]", lambda x, y: _svd_complex(wf, x, y), _svd_complex,
           _gen(("(3,3)", _cplx, (3, 3), {}), ("(4,2)", _cplx, (4, 2), {}),
                ("(2,3)", _cplx, (2, 3), {}), ("(2,3,3)", _cplx, (2, 3, 3), {})),
           "complex x + iy, singular values 0.3 apart; phase-free functions", **TOL),
]


# ============================================================================ eigenvalues
def _jax(xp) -> bool:
    return getattr(getattr(xp, "_base", None), "__name__", "") == "jax.numpy"


def _real_w(xp, w):
    """Real eigenvalues: NumPy and weifen give a real array, torch and jax a complex one."""
    return w if xp is wf or not (_torch(xp) or _jax(xp)) else xp.real(w)


def _eig_values(xp, a):
    return _real_w(xp, xp.linalg.eig(a)[0])


def _eig_vec2(xp, a):
    w, v = xp.linalg.eig(a)
    return _real_w(xp, w), _real_w(xp, v) ** 2


def _eigvals_c(xp, a):
    return _parts(xp, xp.linalg.eigvals(a))


def _eig_c(xp, a):
    w, v = xp.linalg.eig(a)
    return _parts(xp, w) + (_abs2(xp, v),)


def _eigvals_cin(xp, x, y):
    return _parts(xp, xp.linalg.eigvals(_cz(xp, x, y)))


def _cmat(rng, shape):
    return rng.standard_normal(shape) + 1j * rng.standard_normal(shape) + 2.0 * np.eye(
        shape[-1]) * np.arange(1, shape[-1] + 1)


_RS = _gen(("(3,3)", real_spectrum, (3, 3), {}), ("(2,4,4)", real_spectrum, (2, 4, 4), {}),
           ("(1,1)", real_spectrum, (1, 1), {}))
_CS = _gen(("(3,3)", complex_spectrum, (3, 3), {}), ("(4,4)", complex_spectrum, (4, 4), {}),
           ("(2,3,3)", complex_spectrum, (2, 3, 3), {}))

EIG = [
    OpSpec("linalg.eigvals", lambda a: wf.linalg.eigvals(a),
           lambda xp, a: _real_w(xp, xp.linalg.eigvals(a)), _RS,
           "real eigenvalues 0.5 apart (NumPy returns them real)", **TOL),
    OpSpec("linalg.eig[values]", lambda a: _eig_values(wf, a), _eig_values, _RS,
           "real eigenvalues 0.5 apart", jax_ref=lambda xp, a: xp.real(xp.linalg.eigvals(a)),
           **TOL),
    # jax differentiates eigenvalues only
    OpSpec("linalg.eig[vectors**2]", lambda a: _eig_vec2(wf, a), _eig_vec2, _RS,
           "real eigenvalues 0.5 apart; eigenvectors up to sign", jax_ref=None,
           grad_rtol=1e-4, f32_rtol=5e-3, f32_atol=5e-4),
    OpSpec("linalg.eigvals[complex spectrum]", lambda a: _eigvals_c(wf, a), _eigvals_c, _CS,
           "real matrices with complex-conjugate eigenvalue pairs, 0.4 apart", **TOL),
    OpSpec("linalg.eig[complex spectrum]", lambda a: _eig_c(wf, a), _eig_c, _CS,
           "as eigvals[complex spectrum]; |v|**2 (free of the phase)", jax_ref=None,
           grad_rtol=1e-4, f32_rtol=5e-3, f32_atol=5e-4),
    OpSpec("linalg.eigvals[complex]", lambda x, y: _eigvals_cin(wf, x, y), _eigvals_cin,
           _gen(("(3,3)", _cmat, (3, 3), {}), ("(2,2,2)", _cmat, (2, 2, 2), {})),
           "complex x + iy with well separated eigenvalues", **TOL),
]


# ============================================================================ QR
def _qr(xp, a, mode="reduced"):
    q, r = xp.linalg.qr(a, mode=mode)
    return q, r


def _qr_complete(xp, a):
    q, r = xp.linalg.qr(a, mode="complete")
    k = min(a.shape[-2:])
    q1, q2 = q[..., :, :k], q[..., :, k:]
    return q1, q2 @ _sw(xp, q2), r


def _qr_complete_ref(xp, a):
    q, r = xp.linalg.qr(a, mode="reduced")
    m, n = a.shape[-2:]
    if m > n:  # R's rows below n are zero
        r = xp.concatenate([r, 0.0 * r[..., :m - n, :]], axis=-2)
    return q, _eye(xp, m, a) - q @ _sw(xp, q), r


def _qr_r(xp, a):
    return xp.linalg.qr(a, mode="r")


def _qr_r_ref(xp, a):
    return xp.linalg.qr(a, mode="reduced")[1]


def _qr_complex(xp, x, y):
    q, r = xp.linalg.qr(_cz(xp, x, y))
    return _parts(xp, q) + _parts(xp, r)


def _wide(desc, shape):
    # jax differentiates QR of tall and square matrices only
    def make(rng):
        return Sample(desc, (sv_matrix(rng, shape),), oracles=("torch",))
    return make


def _qr_gen(*shapes, wide=()):
    base = _gen(*[(str(s).replace(" ", ""), sv_matrix, s, {}) for s in shapes])

    def gen(rng):
        return base(rng) + [_wide(str(s).replace(" ", ""), s)(rng) for s in wide]
    return gen


QR = [
    OpSpec("linalg.qr", lambda a: _qr(wf, a), _qr,
           _qr_gen((3, 3), (5, 3), (2, 4, 3), wide=((3, 5), (2, 2, 3))),
           "full rank (singular values 0.3 apart); Q and R as LAPACK signs them", **TOL),
    OpSpec("linalg.qr[complete]", lambda a: _qr_complete(wf, a), _qr_complete,
           _qr_gen((5, 3), (2, 4, 2), (3, 3)),
           "full rank; the complement columns as their projector",
           torch_ref=_qr_complete_ref, jax_ref=_qr_complete_ref, **TOL),
    OpSpec("linalg.qr[r]", lambda a: _qr_r(wf, a), _qr_r, _qr_gen((3, 3), (5, 3), wide=((3, 5),)),
           "full rank", torch_ref=_qr_r_ref, jax_ref=_qr_r_ref, **TOL),
    OpSpec("linalg.qr[complex]", lambda x, y: _qr_complex(wf, x, y), _qr_complex,
           _gen(("(3,3)", _cplx, (3, 3), {}), ("(4,2)", _cplx, (4, 2), {}),
                ("(2,3,2)", _cplx, (2, 3, 2), {})),
           "complex x + iy, full rank", **TOL),
]


# ============================================================================ pinv, powers
def _pinv(xp, a, rcond=1e-15, hermitian=False):
    if xp is wf or not (_torch(xp) or _jax(xp)):
        return xp.linalg.pinv(a, rcond=rcond, hermitian=hermitian)
    if hermitian:  # torch and jax symmetrise differently: give them the matrix NumPy reads
        a = _from_lower(xp, a)
    return xp.linalg.pinv(a, rtol=rcond, hermitian=hermitian)


def _low_rank(rng, shape, r=2):
    *lead, m, n = shape
    out = np.zeros(shape)
    for idx in np.ndindex(*lead):
        u, v = _orth(rng, m)[:, :r], _orth(rng, n)[:, :r]
        out[idx] = (u * _spread(rng, r)) @ v.T
    return out


def _pinv_complex(xp, x, y):
    return _parts(xp, _pinv(xp, _cz(xp, x, y)))


PINV = [
    OpSpec("linalg.pinv", lambda a, **k: _pinv(wf, a, **k), _pinv,
           _gen(("(3,3)", sv_matrix, (3, 3), {}), ("(5,3)", sv_matrix, (5, 3), {}),
                ("(3,5)", sv_matrix, (3, 5), {}), ("(2,4,3)", sv_matrix, (2, 4, 3), {}),
                ("rank2(5,4)rcond1e-3", _low_rank, (5, 4), {"rcond": 1e-3}),
                ("rank2(2,3,4)rcond1e-3", _low_rank, (2, 3, 4), {"rcond": 1e-3}),
                ("hermitian(3,3)", sym_lower, (3, 3), {"hermitian": True})),
           "constant rank: singular values in [0.5, 2] or exactly 0 (rcond between)", **TOL),
    OpSpec("linalg.pinv[complex]", lambda x, y: _pinv_complex(wf, x, y), _pinv_complex,
           _gen(("(3,3)", _cplx, (3, 3), {}), ("(4,2)", _cplx, (4, 2), {})),
           "complex x + iy, full rank", **TOL),
    OpSpec("linalg.matrix_power", lambda a, n: wf.linalg.matrix_power(a, n),
           lambda xp, a, n: xp.linalg.matrix_power(a, n),
           lambda rng: [Sample(f"(3,3)n{n}", (wellcond(rng, 3),), {"n": n})
                        for n in (0, 1, 2, 3, 5, -1, -3)]
           + [Sample("(2,3,3)n4", (wellcond(rng, 3, (2,)),), {"n": 4}),
              Sample("(2,2,2)n-2", (wellcond(rng, 2, (2,)),), {"n": -2})],
           "well-conditioned (singular values in about [0.5, 2])", **TOL),
]


# ============================================================================ least squares
def _lstsq(xp, a, b, rcond=None, with_s=True):
    """(x, residuals, s); ``with_s=False`` where a is rank deficient (its zero singular
    values have no derivative)."""
    if xp is wf or not (_torch(xp) or _jax(xp)):
        x, res, _, s = xp.linalg.lstsq(a, b, rcond=rcond)
        return (x, res, s) if with_s else (x, res)
    m, n = a.shape
    eps = float(np.finfo(np.float64).eps)
    cut = eps * max(m, n) if rcond is None else rcond
    x = xp.linalg.pinv(a, rtol=cut) @ b  # the function lstsq computes
    r = ((b - a @ x) ** 2).sum(0)
    if b.ndim == 1:
        r = r.reshape(1)
    s = xp.linalg.svdvals(a) if _torch(xp) else xp.linalg.svd(a, compute_uv=False)
    full = m > n and int((np.asarray(_np(s)) > cut * float(_np(s).max())).sum()) == n
    return (x, (r if full else r[..., :0])) + ((s,) if with_s else ())


def _np(t):
    """Values of a torch tensor or jax array (or a jax tracer's primal)."""
    while hasattr(t, "primal"):
        t = t.primal
    if hasattr(t, "detach"):
        return t.detach().numpy()
    return np.asarray(t)


def _lstsq_rank(xp, a, b, rcond=None, with_s=True):
    return xp.linalg.lstsq(a, b, rcond=rcond)[2]


def _ab(desc, sa, sb, kw=None, make=sv_matrix):
    def build(rng):
        return Sample(desc, (make(rng, sa), rng.uniform(-2, 2, sb)), dict(kw or {}))
    return build


_LSTSQ = [_ab("(5,3)(5,)", (5, 3), (5,)), _ab("(5,3)(5,2)", (5, 3), (5, 2)),
          _ab("(3,3)(3,)", (3, 3), (3,)), _ab("wide(3,5)(3,2)", (3, 5), (3, 2)),
          _ab("rank2(5,4)(5,)rcond1e-3", (5, 4), (5,), {"rcond": 1e-3, "with_s": False},
              _low_rank)]

LSTSQ = [
    OpSpec("linalg.lstsq", lambda a, b, **k: _lstsq(wf, a, b, **k), _lstsq,
           lambda rng: [m(rng) for m in _LSTSQ],
           "a of constant rank (singular values in [0.5, 2] or 0); (x, residuals, s)", **TOL),
    OpSpec("linalg.lstsq[rank]", lambda a, b, **k: _lstsq_rank(wf, a, b, **k), _lstsq_rank,
           lambda rng: [m(rng) for m in _LSTSQ], "as lstsq", differentiable=False,
           smooth2=False, float32=False),
]

# ============================================================================ NumPy 2's names
def _vnorm(xp, x, **k):
    if _torch(xp):
        return xp.torch.linalg.vector_norm(x, ord=k.get("ord", 2), dim=k.get("axis"),
                                           keepdim=k.get("keepdims", False))
    return xp.linalg.vector_norm(x, **k)


def _mnorm(xp, x, **k):
    if _torch(xp):
        return xp.torch.linalg.matrix_norm(x, ord=k.get("ord", "fro"),
                                           keepdim=k.get("keepdims", False))
    return xp.linalg.matrix_norm(x, **k)


def _diag2(xp, x, offset=0):
    if _torch(xp):
        return xp.torch.diagonal(x, offset, -2, -1)
    return xp.linalg.diagonal(x, offset=offset)


def _trace2(xp, x, offset=0):
    return _diag2(xp, x, offset).sum(-1) if _torch(xp) else xp.linalg.trace(x, offset=offset)


def _vecdot(xp, a, b, axis=-1):
    if _torch(xp):
        return xp.torch.linalg.vecdot(a, b, dim=axis)
    return xp.linalg.vecdot(a, b, axis=axis)


def _x(desc, shape, kw=None, make=None, oracles=("torch", "jax")):
    def build(rng):
        v = (make or (lambda r, s: r.uniform(-2, 2, s)))(rng, shape)
        return Sample(desc, (v,), dict(kw or {}), oracles=oracles)
    return build


def _samples(*builders):
    return lambda rng: [b(rng) for b in builders]


def _nz(rng, shape):
    """Nonzero entries with distinct magnitudes (max/min norms never tie)."""
    n = int(np.prod(shape))
    return ((0.3 + 0.2 * rng.permutation(n)) * rng.choice([-1.0, 1.0], n)).reshape(shape)


NUMPY2 = [
    OpSpec("linalg.matrix_transpose", lambda x: wf.linalg.matrix_transpose(x),
           lambda xp, x: xp.linalg.matrix_transpose(x) if not _torch(xp) else _sw(xp, x),
           _samples(_x("(2,3)", (2, 3)), _x("(2,3,4)", (2, 3, 4))), "real"),
    OpSpec("linalg.vector_norm", lambda x, **k: wf.linalg.vector_norm(x, **k), _vnorm,
           _samples(_x("(2,3,4)", (2, 3, 4), {}, _nz), _x("axis1", (2, 3), {"axis": 1}, _nz),
                    _x("axis(0,2)keep", (2, 3, 2), {"axis": (0, 2), "keepdims": True}, _nz),
                    _x("ord3", (4,), {"ord": 3}, _nz), _x("ord-1", (4,), {"ord": -1}, _nz),
                    _x("ordinf", (2, 3), {"ord": np.inf, "axis": -1}, _nz)),
           "nonzero entries, distinct magnitudes", grad_rtol=1e-4),
    OpSpec("linalg.matrix_norm", lambda x, **k: wf.linalg.matrix_norm(x, **k), _mnorm,
           _samples(_x("fro", (2, 3, 4), {}, _nz),
                    _x("nuc", (3, 4), {"ord": "nuc"}, sv_matrix),
                    _x("2keep", (2, 3, 3), {"ord": 2, "keepdims": True}, sv_matrix),
                    _x("-2", (4, 3), {"ord": -2}, sv_matrix), _x("1", (3, 3), {"ord": 1}, _nz),
                    _x("-inf", (2, 3, 3), {"ord": -np.inf}, _nz)),
           "distinct singular values / distinct magnitudes (no ties in max/min)", **TOL),
    OpSpec("linalg.cond", lambda x, **k: wf.linalg.cond(x, **k),
           lambda xp, x, **k: xp.linalg.cond(x, **k),
           _samples(_x("(3,3)", (3, 3), {}, sv_matrix), _x("(4,2)", (4, 2), {}, sv_matrix),
                    _x("(2,3,3)p-2", (2, 3, 3), {"p": -2}, sv_matrix),
                    # torch 2.13's backward of cond(p != 2) fails (an in-place write)
                    _x("(3,3)pfro", (3, 3), {"p": "fro"}, sv_matrix, ("jax",)),
                    _x("(3,3)p1", (3, 3), {"p": 1}, sv_matrix, ("jax",))),
           "singular values 0.3 apart", **TOL),
    OpSpec("linalg.matrix_rank", lambda x, **k: wf.linalg.matrix_rank(x, **k),
           lambda xp, x, **k: xp.linalg.matrix_rank(x, **k),
           _samples(_x("(3,3)", (3, 3), {}, sv_matrix), _x("rank2(5,4)", (5, 4), {}, _low_rank),
                    _x("(2,3,4)", (2, 3, 4), {}, sv_matrix),
                    _x("rank2tol", (5, 4), {"tol": 0.1}, _low_rank)),
           "full or low rank", differentiable=False, smooth2=False, float32=False),
    OpSpec("linalg.multi_dot", lambda *xs: wf.linalg.multi_dot(list(xs)),
           lambda xp, *xs: xp.linalg.multi_dot(list(xs)),
           _gen(("(3,)(3,5)(5,2)(2,)", (lambda r, s: r.uniform(-1, 1, s)),
                 ((3,), (3, 5), (5, 2), (2,)), {}),
                ("(2,3)(3,4)(4,5)", (lambda r, s: r.uniform(-1, 1, s)),
                 ((2, 3), (3, 4), (4, 5)), {}),
                ("(4,2)(2,3)", (lambda r, s: r.uniform(-1, 1, s)), ((4, 2), (2, 3)), {})),
           "real"),
    OpSpec("linalg.diagonal", lambda x, **k: wf.linalg.diagonal(x, **k), _diag2,
           _samples(_x("(3,3)", (3, 3)), _x("(2,3,4)offset1", (2, 3, 4), {"offset": 1})),
           "real"),
    OpSpec("linalg.trace", lambda x, **k: wf.linalg.trace(x, **k), _trace2,
           _samples(_x("(3,3)", (3, 3)), _x("(2,3,4)offset-1", (2, 3, 4), {"offset": -1})),
           "real"),
    OpSpec("linalg.vecdot", lambda a, b, **k: wf.linalg.vecdot(a, b, **k), _vecdot,
           _gen(("(2,3).(3,)", (lambda r, s: r.uniform(-1, 1, s)), ((2, 3), (3,)), {}),
                ("(2,3).(2,3)axis0", (lambda r, s: r.uniform(-1, 1, s)), ((2, 3), (2, 3)),
                 {"axis": 0})),
           "real"),
]

# ============================================================================ Hermitian eigh
def herm_lower(rng, shape):
    """Complex matrices whose lower triangle stands for a Hermitian matrix with distinct
    eigenvalues 0.3 apart; the strict upper triangle and the diagonal's imaginary parts are
    noise that LAPACK never reads."""
    *lead, n, _ = shape
    out = np.zeros(shape, np.complex128)
    for idx in np.ndindex(*lead):
        q = _orth(rng, n, complex_=True)
        h = (q * (_spread(rng, n) * rng.choice([-1.0, 1.0], n))) @ q.conj().T
        noise = rng.uniform(-1, 1, (n, n)) + 1j * rng.uniform(-1, 1, (n, n))
        out[idx] = np.tril(h, -1) + np.triu(noise, 1) + np.diag(h.diagonal().real
                                                                 + 1j * noise.diagonal())
    return out


def _hermitian_of(xp, a, upper):
    """The Hermitian matrix LAPACK reads from one triangle of ``a`` (written out, so the
    references see the same function; jax's eigh would symmetrise both triangles)."""
    if upper:
        a = xp.conj(_sw(xp, a))
    low = xp.tril(a, -1)
    return low + xp.conj(_sw(xp, low)) + xp.real(xp.tril(a) - low)


def _eigh_c(xp, x, y, UPLO="L", direct=False):
    a = _cz(xp, x, y)
    w, v = (xp.linalg.eigh(a, UPLO=UPLO) if direct
            else xp.linalg.eigh(_hermitian_of(xp, a, UPLO == "U")))
    # V tanh(W) V^H: a matrix function, phase-free, built with no constant (so it runs on
    # any backend)
    vwv = (v * xp.tanh(w)[..., None, :]) @ xp.conj(_sw(xp, v))
    return (w, _abs2(xp, v)) + _parts(xp, vwv)


def _eigvalsh_c(xp, x, y, UPLO="L", direct=False):
    a = _cz(xp, x, y)
    return (xp.linalg.eigvalsh(a, UPLO=UPLO) if direct
            else xp.linalg.eigvalsh(_hermitian_of(xp, a, UPLO == "U")))


_HL = _gen(("(3,3)", herm_lower, (3, 3), {}), ("(4,4) U", herm_lower, (4, 4), {"UPLO": "U"}),
           ("(2,3,3)", herm_lower, (2, 3, 3), {}))
HERM = [
    OpSpec("linalg.eigh[complex]", lambda x, y, **k: _eigh_c(wf, x, y, direct=True, **k),
           _eigh_c, _HL, "complex Hermitian read from one triangle, eigenvalues 0.3 apart; "
           "phase-free functions of V", **TOL),
    OpSpec("linalg.eigvalsh[complex]",
           lambda x, y, **k: _eigvalsh_c(wf, x, y, direct=True, **k), _eigvalsh_c, _HL,
           "as eigh[complex]", **TOL),
]

SPECS_DECOMP: list[OpSpec] = SVD + EIG + QR + PINV + LSTSQ + NUMPY2 + HERM
