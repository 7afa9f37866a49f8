"""Matrix decompositions: singular values and vectors, eigenvalues and eigenvectors of general
matrices, QR, and the pseudo-inverse and least squares.

A primitive has one output, but ``svd``, ``eig`` and ``qr`` return several arrays. Their
primitives return the factors *packed* into one array (``svd_p``, ``qr_p``: each factor
flattened, concatenated along the last axis; ``eig_p``: the eigenvalues as a first row over
the eigenvectors), which :mod:`weifen.numpy.decomp` slices apart; one LAPACK call gives
all of them, and the cotangent of the pack holds every factor's. The singular values and
eigenvalues users see come from primitives of their own (``svdvals_p``, ``eigvals_p``),
whose rules need no ``1 / (s_j^2 - s_i^2)`` factors: a loss of the values alone then stays
finite at repeated values, where the pack's rule would multiply the zero cotangent of the
vectors by infinite factors.

Conventions, as in torch and JAX: singular vectors and eigenvectors are defined up to a sign
(a phase for complex ones); NumPy's values fix one, and the rules differentiate losses that
do not depend on it (``U * S @ Vh``, ``U @ U.T``, ``abs(v)``). The extra columns that
``full_matrices=True`` (or QR's ``mode="complete"``) adds to a rectangular factor are one
orthonormal basis of a complement, which LAPACK picks; their tangent is taken with no
rotation inside the complement (``U2^H dU2 = 0``), which gives the derivative of every loss
that depends only on the complement (``U2 @ U2.T``), not on the basis LAPACK picked.
Complex values follow JAX's convention (see :mod:`weifen.prims.complex`): the rules compute
the conjugate-transpose form of the literature (torch's) and conjugate at the boundary.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from weifen.core.primitive import REGISTRY, Primitive
from weifen.prims.elementwise import _dtype_of, astype_p
from weifen.prims.indexing import getitem_p
from weifen.prims.linalg import (_eig_gaps, _swap_last, diagonal_p, embed_diagonal_p, matmul_p,
                                 solve_p, solve_triangular_p, tril_p)
from weifen.prims.reduce import sum_p, sum_to_shape
from weifen.prims.shape import concatenate_p, reshape_p, shape_of


# ---------------------------------------------------------------- helpers (weifen ops)
def _is_complex(x: Any) -> bool:
    dt = getattr(x, "dtype", None)
    if dt is None:
        dt = _dtype_of(x)
    return np.dtype(dt).kind == "c"


def _complex_prim(name: str) -> Primitive:
    p = REGISTRY.get(name)
    if p is None:
        try:
            import weifen.prims.complex  # noqa: F401 - registers real, imag, conj
        except ImportError:  # pragma: no cover - depends on the checkout
            pass
        p = REGISTRY.get(name)
    if p is None:  # pragma: no cover - depends on the checkout
        raise NotImplementedError(f"derivatives of complex decompositions need weifen's "
                                  f"{name!r} primitive, which this installation lacks")
    return p


def _conj(x: Any) -> Any:
    return _complex_prim("conj")(x) if _is_complex(x) else x


def _real(x: Any) -> Any:
    return _complex_prim("real")(x) if _is_complex(x) else x


def _mT(x: Any) -> Any:
    return _swap_last(x)


def _H(x: Any) -> Any:
    """The conjugate transpose of the last two axes."""
    return _conj(_swap_last(x))


def _mm(*xs: Any) -> Any:
    out = xs[0]
    for x in xs[1:]:
        out = matmul_p(out, x)
    return out


def _diag(x: Any) -> Any:
    return diagonal_p(x, offset=0, axis1=-2, axis2=-1)


def _diag_embed(v: Any) -> Any:
    s = shape_of(v)
    return embed_diagonal_p(v, shape=tuple(s) + (s[-1],), offset=0, axis1=-2, axis2=-1)


def _cols(x: Any, s: Any) -> Any:
    """``x @ diag(s)``: column j of ``x`` times ``s[..., j]``."""
    ss = shape_of(s)
    return x * reshape_p(s, shape=tuple(ss[:-1]) + (1, ss[-1]))


def _rows(s: Any, x: Any) -> Any:
    """``diag(s) @ x``: row i of ``x`` times ``s[..., i]``."""
    ss = shape_of(s)
    return reshape_p(s, shape=tuple(ss) + (1,)) * x


def _cut(x: Any, lo: int, hi: int, axis: int = -1) -> Any:
    """``x[..., lo:hi]`` (``axis=-1``) or ``x[..., lo:hi, :]`` (``axis=-2``)."""
    index = (Ellipsis, slice(lo, hi)) if axis == -1 else (Ellipsis, slice(lo, hi), slice(None))
    return getitem_p(x, index=index, shape=shape_of(x))


def _imag_diag(m: Any) -> Any:
    """``i * imag(diag(m))`` as a diagonal matrix (zero for real ``m``)."""
    d = _diag(m)
    return _diag_embed(0.5 * (d - _conj(d)))


def _ct(g: Any, out: Any) -> Any:
    """The cotangent of a real output is real. One can arrive complex (a real output times a
    complex value, as in ``U * S``): its real part is the cotangent (the transpose of the
    promotion to complex), which rules that conjugate must take before they do."""
    return _real(g) if _is_complex(g) and not _is_complex(out) else g


def _as_input(g: Any, a: Any) -> Any:
    """A cotangent for a real ``a`` is real: the transpose of promoting a real to complex."""
    return _real(g) if _is_complex(g) and not _is_complex(a) else g


def _same(prim: Primitive):
    """Batch rule of a primitive on the last two axes (NumPy's linalg stacks them)."""

    def rule(vals, bd, B, **params):
        return prim(*vals, **params)

    return rule


# ---------------------------------------------------------------- packing (NumPy side)
def _flat(x: np.ndarray) -> np.ndarray:
    return x.reshape(x.shape[:-2] + (-1,))


def _pack(*parts: np.ndarray) -> np.ndarray:
    """Arrays with the same leading axes, each flattened after them and concatenated."""
    return np.concatenate(parts, axis=-1)


def _unpack(p: Any, shapes: list) -> list:
    """The factors of a pack (weifen ops): ``shapes`` are their trailing shapes."""
    lead = tuple(shape_of(p)[:-1])
    out, lo = [], 0
    for s in shapes:
        n = int(np.prod(s, dtype=np.int64))
        part = _cut(p, lo, lo + n)
        out.append(part if len(s) == 1 else reshape_p(part, shape=lead + tuple(s)))
        lo += n
    return out


def _repack(*parts: Any) -> Any:
    """The pack of factors given as weifen values (the inverse of :func:`_unpack`); the
    first part is a matrix, whose leading axes every part shares."""
    nlead = len(shape_of(parts[0])) - 2
    flat = []
    for x in parts:
        s = tuple(shape_of(x))
        if len(s) - nlead == 2:
            x = reshape_p(x, shape=s[:nlead] + (s[-2] * s[-1],))
        flat.append(x)
    return concatenate_p(*flat, axis=-1)


# ---------------------------------------------------------------- singular values
def _svd_dims(shape: tuple, full_matrices: bool, hermitian: bool) -> tuple:
    m, n = shape[-2:]
    k = min(m, n)
    full = full_matrices or hermitian  # NumPy's hermitian path always gives square factors
    return m, n, k, (m if full else k), (n if full else k)


def svd_shapes(shape: tuple, full_matrices: bool, hermitian: bool = False) -> list:
    """The trailing shapes of U, S and Vh in ``svd_p``'s pack for an input of ``shape``."""
    m, n, k, ku, kv = _svd_dims(shape, full_matrices, hermitian)
    return [(m, ku), (k,), (kv, n)]


def _svdvals(a, hermitian=False):
    return np.linalg.svd(a, compute_uv=False, hermitian=hermitian)


def _svd(a, full_matrices=False, hermitian=False):
    u, s, vh = np.linalg.svd(a, full_matrices=full_matrices, hermitian=hermitian)
    return _pack(_flat(u), s.astype(u.dtype, copy=False), _flat(vh))


def _factors(pack: Any, a: Any, full_matrices: bool, hermitian: bool) -> tuple:
    u, s, vh = _unpack(pack, svd_shapes(shape_of(a), full_matrices, hermitian))
    return u, _real(s), vh


def _svdvals_vjp(g, out, a, hermitian=False):
    g = _real(g)  # singular values are real
    u, _, vh = _factors(svd_p(a, full_matrices=False, hermitian=hermitian), a, False, hermitian)
    return _conj(_mm(_cols(u, g), vh))  # U diag(g) V^H, in JAX's convention


def _svdvals_jvp(da, out, a, hermitian=False):
    u, _, vh = _factors(svd_p(a, full_matrices=False, hermitian=hermitian), a, False, hermitian)
    # real(diag(U^H dA V)), summed without forming the k x k product
    return _real(sum_p(_conj(u) * _mm(da, _H(vh)), axis=-2))


svdvals_p = Primitive("svdvals", _svdvals, keep=((0,),),
                      vjp=(_svdvals_vjp,), jvp=(_svdvals_jvp,))


def _thin_svd_jvp(da, u, s, v, m, n):
    """Tangents (dU, ds, dV) of the thin SVD A = U diag(s) V^H (JAX's rule)."""
    ds_mat = _mm(_H(u), da, v)  # U^H dA V
    ds = _real(_diag(ds_mat))
    f = _eig_gaps(s * s)  # F[i, j] = 1 / (s_j^2 - s_i^2), 0 on the diagonal
    dss = _cols(ds_mat, s)
    sds = _rows(s, ds_mat)
    inner_u = f * (dss + _H(dss))
    if _is_complex(ds_mat):  # the phase of each pair (u_j, v_j): i imag(dS_jj) / s_j
        inner_u = inner_u + _cols(_imag_diag(ds_mat), 1.0 / s)
    du = _mm(u, inner_u)
    dv = _mm(v, f * (sds + _H(sds)))
    if m > n:  # the part of dA V outside the column space of U
        dav = _mm(da, v)
        du = du + _cols(dav - _mm(u, _mm(_H(u), dav)), 1.0 / s)
    if n > m:
        dahu = _mm(_H(da), u)
        dv = dv + _cols(dahu - _mm(v, _mm(_H(v), dahu)), 1.0 / s)
    return du, ds, dv


def _thin_svd_vjp(gu, gs, gv, u, s, vh, m, n):
    """The cotangent of A (torch's convention: conjugate-transpose form) from those of the
    thin factors U, s and V = Vh^H (Townsend 2016; torch's svd_backward)."""
    k = shape_of(s)[-1]
    f = _eig_gaps(s * s)
    mu = _mm(_H(u), gu)
    mv = _mm(vh, gv)  # V^H gV
    inner = _diag_embed(gs) + _cols(f * (mu - _H(mu)), s) + _rows(s, f * (mv - _H(mv)))
    if _is_complex(mu):  # the phase of each pair (u_j, v_j)
        inner = inner + _cols(_imag_diag(mu), 1.0 / s)
    if m > k:  # (I - U U^H) gU S^-1 V^H
        return _mm(_mm(u, inner) + _cols(gu - _mm(u, mu), 1.0 / s), vh)
    if n > k:  # U S^-1 gV^H (I - V V^H)
        gvh = _H(gv)
        return _mm(u, _mm(inner, vh) + _rows(1.0 / s, gvh - _mm(_mm(gvh, _H(vh)), vh)))
    return _mm(u, inner, vh)


def _svd_vjp(g, out, a, full_matrices=False, hermitian=False):
    g = _ct(g, out)
    m, n, k, ku, kv = _svd_dims(shape_of(a), full_matrices, hermitian)
    u, s, vh = _factors(out, a, full_matrices, hermitian)
    cu, cs, cvh = _unpack(g, svd_shapes(shape_of(a), full_matrices, hermitian))
    gu, gs, gv = _conj(cu), _real(cs), _mT(cvh)  # torch's convention; gV = gVh^H
    if ku > k:  # the complement columns U2 move with U1: dU2 = -U1 dU1^H U2
        u1, u2 = _cut(u, 0, k), _cut(u, k, ku)
        gu1, gu2 = _cut(gu, 0, k), _cut(gu, k, ku)
        gu, u = gu1 - _mm(u2, _H(gu2), u1), u1
    if kv > k:
        v = _H(vh)
        v1, v2 = _cut(v, 0, k), _cut(v, k, kv)
        gv1, gv2 = _cut(gv, 0, k), _cut(gv, k, kv)
        gv, vh = gv1 - _mm(v2, _H(gv2), v1), _H(v1)
    return _as_input(_conj(_thin_svd_vjp(gu, gs, gv, u, s, vh, m, n)), a)


def _svd_jvp(da, out, a, full_matrices=False, hermitian=False):
    m, n, k, ku, kv = _svd_dims(shape_of(a), full_matrices, hermitian)
    u, s, vh = _factors(out, a, full_matrices, hermitian)
    v = _H(vh)
    u1, v1 = (_cut(u, 0, k) if ku > k else u), (_cut(v, 0, k) if kv > k else v)
    du, ds, dv = _thin_svd_jvp(da, u1, s, v1, m, n)
    if ku > k:
        u2 = _cut(u, k, ku)
        du = concatenate_p(du, -_mm(u1, _H(du), u2), axis=-1)
    if kv > k:
        v2 = _cut(v, k, kv)
        dv = concatenate_p(dv, -_mm(v1, _H(dv), v2), axis=-1)
    if _is_complex(du):
        ds = astype_p(ds, dtype=np.dtype(_dtype_of(du)))
    return _repack(du, ds, _H(dv))


svd_p = Primitive("svd", _svd, keep=((0,),), save_out=True, vjp=(_svd_vjp,), jvp=(_svd_jvp,))


# ---------------------------------------------------------------- eigenvalues (general)
def _match_columns(w_to: np.ndarray, w_from: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The columns of ``v`` (eigenvectors for ``w_from``) reordered to follow ``w_to``.

    NumPy's ``eigvals`` and ``eig`` run LAPACK with and without vectors, which can order the
    eigenvalues differently (above about 75 x 75); the rules need each eigenvector beside
    its own eigenvalue."""
    if np.array_equal(w_to, w_from):
        return v
    v = v.copy()
    lead = w_to.shape[:-1]
    for idx in np.ndindex(*lead):
        a, b = w_to[idx], w_from[idx]
        free = list(range(b.shape[-1]))
        perm = []
        for x in a:
            j = min(free, key=lambda t: abs(b[t] - x))
            free.remove(j)
            perm.append(j)
        v[idx] = v[idx][:, perm]
    return v


def _eig(a, source="eig"):
    w, v = np.linalg.eig(a)
    if source == "eigvals":
        w2 = np.linalg.eigvals(a)
        v = _match_columns(w2, w, v)
        w = w2
    dt = np.result_type(w, v)
    return np.concatenate([w[..., None, :].astype(dt, copy=False), v.astype(dt, copy=False)],
                          axis=-2)


def _eigvals(a, source="eig"):
    return np.linalg.eigvals(a) if source == "eigvals" else np.linalg.eig(a)[0]


def eig_parts(pack: Any) -> tuple:
    """``(w, v)`` of ``eig_p``'s pack: the first row, and the rows below it."""
    n = shape_of(pack)[-1]
    w = reshape_p(_cut(pack, 0, 1, axis=-2), shape=tuple(shape_of(pack)[:-2]) + (n,))
    return w, _cut(pack, 1, n + 1, axis=-2)


def _eigvals_vjp(g, out, a, source="eig"):
    _, v = eig_parts(eig_p(a, source=source))
    g = _ct(g, v)  # real eigenvalues come with real eigenvectors (out is not saved)
    vt = _mT(v)  # dw = diag(V^-1 dA V) is complex-linear: its transpose is V^-T diag(g) V^T
    return _as_input(solve_p(vt, _rows(g, vt)), a)


def _eigvals_jvp(da, out, a, source="eig"):
    _, v = eig_parts(eig_p(a, source=source))
    return _diag(solve_p(v, _mm(da, v)))


eigvals_p = Primitive("eigvals", _eigvals, keep=((0,),), vjp=(_eigvals_vjp,),
                      jvp=(_eigvals_jvp,))


def _re_diag(m: Any) -> Any:
    """``real(diag(m))`` kept in ``m``'s dtype, as a row to scale columns by."""
    d = _diag(m)
    return 0.5 * (d + _conj(d)) if _is_complex(d) else d


def _eig_vjp(g, out, a, source="eig"):
    g = _ct(g, out)
    # Eigenvectors have unit norm (NumPy's normalisation), so real(v_j^H dv_j) = 0; the
    # rest of the tangent is V (F o V^-1 dA V) (Magnus 1985; torch's and autograd's rule).
    # JAX's convention throughout: the transpose of the tangent map, with no conjugate
    # beyond the normalisation's.
    w, v = eig_parts(out)
    gw, gv = eig_parts(g)
    vt = _mT(v)
    vtgv = _mm(vt, gv)
    inner = _diag_embed(gw) + _eig_gaps(w) * (vtgv - _cols(_mm(vt, _conj(v)), _re_diag(vtgv)))
    return _as_input(solve_p(vt, _mm(inner, vt)), a)


def _eig_jvp(da, out, a, source="eig"):
    w, v = eig_parts(out)
    x = solve_p(v, _mm(da, v))  # V^-1 dA V
    dv = _mm(v, _eig_gaps(w) * x)
    dv = dv - _cols(v, _re_diag(_mm(_H(v), dv)))
    dw = _diag(x)
    n = shape_of(dw)[-1]
    return concatenate_p(reshape_p(dw, shape=tuple(shape_of(dw)[:-1]) + (1, n)), dv, axis=-2)


eig_p = Primitive("eig", _eig, keep=((0,),), save_out=True, vjp=(_eig_vjp,), jvp=(_eig_jvp,))


# ---------------------------------------------------------------- QR
def qr_shapes(shape: tuple, mode: str) -> list:
    """The trailing shapes of Q and R in ``qr_p``'s pack (mode "reduced" or "complete")."""
    m, n = shape[-2:]
    k = m if mode == "complete" else min(m, n)
    return [(m, k), (k, n)]


def _qr(a, mode="reduced"):
    q, r = np.linalg.qr(a, mode=mode)
    return _pack(_flat(q), _flat(r))


def _rinv_right(x, r):
    """``x R^-1`` for upper-triangular R (a triangular solve on the transposes)."""
    return _mT(solve_triangular_p(_mT(r), _mT(x), lower=True))


def _square_qr_jvp(da, q, r):
    """Tangents of A = QR with R square (n x n) and A m x n, m >= n (JAX's rule)."""
    x = _rinv_right(da, r)  # dA R^-1
    c = _mm(_H(q), x)
    low = tril_p(c, k=-1)
    om = low - _H(low)
    if _is_complex(c):  # keeps R's diagonal real
        om = om + _imag_diag(c)
    return _mm(q, om - c) + x, _mm(c - om, r)


def _square_qr_vjp(gq, gr, q, r):
    """The cotangent of A (torch's convention) from those of Q and a square R."""
    nmat = _mm(gr, _H(r)) - _mm(_H(q), gq)
    gc = nmat + tril_p(_H(nmat) - nmat, k=-1)
    if _is_complex(gc):
        gc = gc - _imag_diag(nmat)
    z = gq + _mm(q, gc)  # then gA = Z R^-H
    return _H(solve_triangular_p(r, _H(z), lower=False))


def _qr_vjp(g, out, a, mode="reduced"):
    g = _ct(g, out)
    m, n = shape_of(a)[-2:]
    k = min(m, n)
    q, r = _unpack(out, qr_shapes(shape_of(a), mode))
    cq, cr = _unpack(g, qr_shapes(shape_of(a), mode))
    gq, gr = _conj(cq), _conj(cr)
    if mode == "complete" and m > n:
        q1, q2 = _cut(q, 0, n), _cut(q, n, m)
        gq = _cut(gq, 0, n) - _mm(q2, _H(_cut(gq, n, m)), q1)
        q, r, gr = q1, _cut(r, 0, n, axis=-2), _cut(gr, 0, n, axis=-2)
    if m >= n:
        return _as_input(_conj(_square_qr_vjp(gq, gr, q, r)), a)
    # wide: A = [X | Y] with X = Q R1 square and R2 = Q^H Y
    y = _cut(a, k, n)
    gr2 = _cut(gr, k, n)
    gx = _square_qr_vjp(gq + _mm(y, _H(gr2)), _cut(gr, 0, k), q, _cut(r, 0, k))
    return _as_input(_conj(concatenate_p(gx, _mm(q, gr2), axis=-1)), a)


def _qr_jvp(da, out, a, mode="reduced"):
    m, n = shape_of(a)[-2:]
    k = min(m, n)
    q, r = _unpack(out, qr_shapes(shape_of(a), mode))
    if m >= n:
        if mode == "complete" and m > n:
            q1, q2 = _cut(q, 0, n), _cut(q, n, m)
            dq1, dr1 = _square_qr_jvp(da, q1, _cut(r, 0, n, axis=-2))
            dq = concatenate_p(dq1, -_mm(q1, _H(dq1), q2), axis=-1)
            dr = concatenate_p(dr1, 0.0 * _cut(r, n, m, axis=-2), axis=-2)
            return _repack(dq, dr)
        return _repack(*_square_qr_jvp(da, q, r))
    dq, dr1 = _square_qr_jvp(_cut(da, 0, k), q, _cut(r, 0, k))
    dr2 = _mm(_H(dq), _cut(a, k, n)) + _mm(_H(q), _cut(da, k, n))
    return _repack(dq, concatenate_p(dr1, dr2, axis=-1))


qr_p = Primitive("qr", _qr, keep=((0,),), save_out=True, vjp=(_qr_vjp,), jvp=(_qr_jvp,))


# ---------------------------------------------------------------- pseudo-inverse
def _pinv(a, rcond=1e-15, hermitian=False):
    return np.linalg.pinv(a, rcond=rcond, hermitian=hermitian)


# Golub and Pereyra (1973): where the rank is constant,
#   dA+ = -A+ dA A+ + A+ A+^H dA^H (I - A A+) + (I - A+ A) dA^H A+^H A+.
def _pinv_jvp(da, out, a, rcond=1e-15, hermitian=False):
    p, dah = out, _H(da)
    t1 = -_mm(p, da, p)
    t2 = _mm(p, _H(p), dah - _mm(_mm(dah, a), p))
    t3 = _mm(dah, _H(p), p)
    return t1 + t2 + t3 - _mm(p, a, t3)


def _pinv_vjp(g, out, a, rcond=1e-15, hermitian=False):
    g = _ct(g, out)
    p, gh = out, _mT(g)  # gh is (conj g)^H: the torch-convention cotangent, transposed
    ph = _H(p)
    t1 = -_mm(ph, _conj(g), ph)
    t2 = _mm(gh - _mm(a, _mm(p, gh)), _mm(p, ph))
    t3 = _mm(_mm(ph, p), gh - _mm(_mm(gh, p), a))
    return _as_input(_conj(t1 + t2 + t3), a)


pinv_p = Primitive("pinv", _pinv, keep=((0,),), save_out=True, vjp=(_pinv_vjp,),
                   jvp=(_pinv_jvp,))


# ---------------------------------------------------------------- least squares
def _lstsq_cut(rcond: Any, a: Any) -> Any:
    """``lstsq``'s rcond as ``pinv``'s (both zero the singular values <= rcond * max)."""
    m, n = shape_of(a)[-2:]
    eps = float(np.finfo(np.dtype(_dtype_of(a))).eps)
    if rcond is None:
        return eps * max(m, n)
    return eps if np.all(np.asarray(rcond) < 0) else rcond


def _lstsq(a, b, rcond=None):
    """``np.linalg.lstsq(a, b, rcond)[0]`` for b of shape (m, k), over stacks too (NumPy's
    own takes single matrices; vmap gives stacks)."""
    if np.ndim(a) == 2 and np.ndim(b) == 2:
        return np.linalg.lstsq(a, b, rcond=rcond)[0]
    lead = np.broadcast_shapes(np.shape(a)[:-2], np.shape(b)[:-2])
    a = np.broadcast_to(a, lead + np.shape(a)[-2:])
    b = np.broadcast_to(b, lead + np.shape(b)[-2:])
    parts = [np.linalg.lstsq(a[i], b[i], rcond=rcond)[0] for i in np.ndindex(*lead)]
    if not parts:
        dt = np.result_type(a, b, np.float64 if np.result_type(a, b).kind in "biu" else a)
        return np.zeros(lead + (a.shape[-1], b.shape[-1]), dtype=dt)
    return np.stack(parts).reshape(lead + parts[0].shape)


# x = A+ b, so dx = dA+ b + A+ db with dA+ as in pinv; r = b - A x is the residual.
def _lstsq_parts(out, a, b, rcond):
    p = pinv_p(a, rcond=_lstsq_cut(rcond, a), hermitian=False)
    return p, b - _mm(a, out)


def _lstsq_ga(g, out, a, b, rcond=None):
    g = _ct(g, out)
    p, r = _lstsq_parts(out, a, b, rcond)
    gt = _conj(g)  # torch's convention
    ph = _H(p)
    z = _mm(ph, gt)
    ga = (-_mm(z, _H(out)) + _mm(r, _H(_mm(p, z)))
          + _mm(_mm(ph, out), _H(gt - _mm(p, _mm(a, gt)))))
    return _as_input(sum_to_shape(_conj(ga), shape_of(a)), a)


def _lstsq_gb(g, out, a, b, rcond=None):
    g = _ct(g, out)
    p = pinv_p(a, rcond=_lstsq_cut(rcond, a), hermitian=False)
    return _as_input(sum_to_shape(_mm(_mT(p), g), shape_of(b)), b)


def _lstsq_jva(da, out, a, b, rcond=None):
    p, r = _lstsq_parts(out, a, b, rcond)
    dah = _H(da)
    w = _mm(dah, _mm(_H(p), out))
    return -_mm(p, _mm(da, out)) + _mm(p, _mm(_H(p), _mm(dah, r))) + w - _mm(p, _mm(a, w))


lstsq_p = Primitive(
    "lstsq", _lstsq, keep=((0, 1), (0, 1)), save_out=True,
    vjp=(_lstsq_ga, _lstsq_gb),
    jvp=(_lstsq_jva,
         lambda db, out, a, b, rcond=None:
         _mm(pinv_p(a, rcond=_lstsq_cut(rcond, a), hermitian=False), db)))


def _attach_batch_rules() -> None:
    from weifen.prims._batch import elementwise

    for p in (svdvals_p, svd_p, eigvals_p, eig_p, qr_p, pinv_p):
        p.batch = _same(p)
    # a's and b's stacks broadcast (as in solve)
    lstsq_p.batch = elementwise(lstsq_p)


_attach_batch_rules()
