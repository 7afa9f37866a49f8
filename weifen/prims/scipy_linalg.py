"""Primitives behind :mod:`weifen.scipy.linalg` and :mod:`weifen.scipy.signal`: the Sylvester
solve, the matrix square root, the matrix exponential and N-d convolution.

SciPy computes values where it is installed (imported on first use, never at module import);
each primitive has a NumPy fallback. Every rule is written with weifen ops, so derivatives of
any order, forward mode and vmap come from the same table:

* ``sylvester``: ``X`` solves ``A X + X B = Q``; then ``A dX + dX B = dQ - dA X - X dB`` and
  the transpose solves ``A^T Y + Y B^T = G``.
* ``sqrtm``: ``X^2 = A`` gives ``X dX + dX X = dA``: a Sylvester solve with ``A = B = X``.
* ``expm``: the Frechet derivative ``L(A, E)`` is the top-right block of
  ``expm([[A, E], [0, A]])``; its transpose is ``L(A^T, G)``.
* ``convolve``: ``out[n] = sum_k a[k] b[start + n - k]`` (zero outside the arrays), a window
  ``start, size`` of the full convolution along each convolved axis. Its cotangents are
  convolutions of ``g`` with the other input reversed, so the rule is the primitive itself.

Complex values follow JAX's convention (:mod:`weifen.prims.complex`): each rule is the plain
transpose of a complex-linear tangent map.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from weifen.core.primitive import Primitive
from weifen.prims.decomp import _as_input, _ct, _mm, _mT
from weifen.prims.indexing import getitem_p
from weifen.prims.shape import concatenate_p, reshape_p, shape_of, transpose_p


def _scipy_linalg():
    """``scipy.linalg``, or None where SciPy is not installed (the NumPy fallbacks run)."""
    try:
        import scipy.linalg
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    return scipy.linalg


def _each_matrix(fn, *xs: np.ndarray) -> np.ndarray:
    """``fn`` on each matrix of stacks that broadcast together (leading axes)."""
    lead = np.broadcast_shapes(*(np.shape(x)[:-2] for x in xs))
    if not lead:
        return fn(*xs)
    xs = [np.broadcast_to(x, lead + np.shape(x)[-2:]) for x in xs]
    parts = [fn(*(x[i] for x in xs)) for i in np.ndindex(*lead)]
    dt = np.result_type(*parts)
    return np.stack([p.astype(dt, copy=False) for p in parts]).reshape(lead + parts[0].shape)


def _float_type(*xs: Any) -> np.dtype:
    dt = np.result_type(*xs)
    return dt if dt.kind in "fc" else np.dtype(np.float64)


# ---------------------------------------------------------------- Sylvester equation
def _sylvester_np(a, b, q):
    """``A X + X B = Q`` by eigendecompositions (the NumPy fallback)."""
    la, u = np.linalg.eig(a)
    lb, v = np.linalg.eig(b)
    f = np.linalg.solve(u, q) @ v
    y = f / (la[:, None] + lb[None, :])
    x = u @ np.linalg.solve(v.T, y.T).T
    if not (np.iscomplexobj(a) or np.iscomplexobj(b) or np.iscomplexobj(q)):
        x = x.real
    return x


def _sylvester(a, b, q):
    dt = _float_type(a, b, q)
    sl = _scipy_linalg()
    one = sl.solve_sylvester if sl is not None else _sylvester_np
    # one dtype for all three: SciPy's solve_sylvester solves a real A, B with a complex Q
    # wrongly (its real Schur path drops the coupling of Q's imaginary part)
    a, b, q = (np.asarray(v).astype(np.result_type(dt, np.float64), copy=False)
               for v in (a, b, q))
    return _each_matrix(lambda x, y, z: one(x, y, z), a, b, q).astype(dt, copy=False)


def _syl_ga(g, out, a, b, q):
    y = sylvester_p(_mT(a), _mT(b), _ct(g, out))
    return _as_input(-_mm(y, _mT(out)), a)


def _syl_gb(g, out, a, b, q):
    y = sylvester_p(_mT(a), _mT(b), _ct(g, out))
    return _as_input(-_mm(_mT(out), y), b)


def _syl_gq(g, out, a, b, q):
    return _as_input(sylvester_p(_mT(a), _mT(b), _ct(g, out)), q)


sylvester_p = Primitive(
    "sylvester", _sylvester, keep=((0, 1), (0, 1), (0, 1, 2)), save_out=True,
    vjp=(_syl_ga, _syl_gb, _syl_gq),
    jvp=(lambda da, out, a, b, q: sylvester_p(a, b, -_mm(da, out)),
         lambda db, out, a, b, q: sylvester_p(a, b, -_mm(out, db)),
         lambda dq, out, a, b, q: sylvester_p(a, b, dq)))


# ---------------------------------------------------------------- matrix square root
def _sqrtm_np(a):
    """The principal square root by an eigendecomposition (the NumPy fallback)."""
    w, v = np.linalg.eig(a)
    x = (v * np.sqrt(w.astype(complex))) @ np.linalg.inv(v)
    if not np.iscomplexobj(a) and np.all(np.abs(x.imag) <= 1e-12 * max(1.0, np.abs(x).max())):
        x = x.real
    return x


def _sqrtm(a):
    a = np.asarray(a)
    dt = _float_type(a)
    sl = _scipy_linalg()
    one = sl.sqrtm if sl is not None else _sqrtm_np
    x = _each_matrix(one, a)
    if x.dtype.kind == "c":
        return x.astype(np.result_type(dt, np.complex64), copy=False)
    return x.astype(dt, copy=False)


# X dX + dX X = dA: the tangent is a Sylvester solve, the cotangent its transpose
sqrtm_p = Primitive(
    "sqrtm", _sqrtm, keep=((0,),), save_out=True,
    vjp=(lambda g, out, a: _as_input(sylvester_p(_mT(out), _mT(out), _ct(g, out)), a),),
    jvp=(lambda da, out, a: sylvester_p(out, out, da),))


# ---------------------------------------------------------------- matrix exponential
# Pade [13/13] with scaling and squaring (Higham 2005), the NumPy fallback
_B13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
        129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
        40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_THETA13 = 5.371920351148152


def _expm_np(a):
    a = np.asarray(a)
    n = a.shape[-1]
    norm = np.abs(a).sum(axis=-2).max() if a.size else 0.0
    s = max(0, int(np.ceil(np.log2(norm / _THETA13)))) if norm > _THETA13 else 0
    a = a / (2.0 ** s)
    eye = np.broadcast_to(np.eye(n, dtype=a.dtype), a.shape)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    b = _B13
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2)
             + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 \
        + b[0] * eye
    r = np.linalg.solve(v - u, v + u)
    for _ in range(s):
        r = r @ r
    return r


def _expm(a):
    a = np.asarray(a)
    dt = _float_type(a)
    sl = _scipy_linalg()
    if sl is not None:
        r = sl.expm(a)
    else:
        r = _expm_np(a.astype(np.result_type(dt, np.float64)))
    return np.asarray(r).astype(dt, copy=False)


def _block_upper(a, e):
    """``[[A, E], [0, A]]`` over the last two axes (weifen ops)."""
    zero = e * 0.0
    top = concatenate_p(a, e, axis=-1)
    bottom = concatenate_p(zero, a, axis=-1)
    return concatenate_p(top, bottom, axis=-2)


def frechet_expm(a, e):
    """``L(A, E)``, the derivative of ``expm`` at ``A`` along ``E`` (weifen ops)."""
    n = shape_of(a)[-1]
    big = expm_p(_block_upper(a, e))
    return getitem_p(big, index=(Ellipsis, slice(0, n), slice(n, 2 * n)), shape=shape_of(big))


expm_p = Primitive(
    "expm", _expm, keep=((0,),),
    vjp=(lambda g, out, a: _as_input(frechet_expm(_mT(a), _ct(g, out)), a),),
    jvp=(lambda da, out, a: frechet_expm(a, da),))


# ---------------------------------------------------------------- convolution
# a has axes (ignore_a..., dot..., conv...), b has (ignore_b..., dot..., conv...); the output
# has (ignore_a..., ignore_b..., conv...): out[ia, ib, n] = sum_{d,k} a[ia,d,k] b[ib,d,s+n-k]
def _conv_core(x, w, nx, nw, nd, start, size):
    """``out[ix, iw, n] = sum_{d,k} w[iw,d,k] x[ix,d,s+n-k]``: windows of ``x`` against ``w``
    reversed (x is the longer signal)."""
    nc = len(start)
    cx = x.shape[nx + nd:]
    cw = w.shape[nw + nd:]
    pads, cuts = [(0, 0)] * (nx + nd), [slice(None)] * (nx + nd)
    for s, n, lx, lw in zip(start, size, cx, cw):
        lo, hi = s - (lw - 1), s + n - 1  # x indices the windows read (inclusive)
        pl, pr = max(0, -lo), max(0, hi - (lx - 1))
        pads.append((pl, pr))
        cuts.append(slice(lo + pl, hi + pl + 1))
    if any(p != (0, 0) for p in pads):
        x = np.pad(x, pads)
    x = x[tuple(cuts)]
    conv_axes = tuple(range(nx + nd, nx + nd + nc))
    win = np.lib.stride_tricks.sliding_window_view(x, cw, axis=conv_axes) if nc else x
    wf = w[(Ellipsis,) + (slice(None, None, -1),) * nc] if nc else w
    # win: ix + d + n + k, wf: iw + d + k
    wax = tuple(range(nx, nx + nd)) + tuple(range(nx + nd + nc, nx + nd + 2 * nc))
    fax = tuple(range(nw, nw + nd)) + tuple(range(nw + nd, nw + nd + nc))
    r = np.tensordot(win, wf, axes=(wax, fax))  # ix + n + iw
    order = tuple(range(nx)) + tuple(range(nx + nc, nx + nc + nw)) + tuple(range(nx, nx + nc))
    return np.ascontiguousarray(np.transpose(r, order))


def _convolve(a, b, na=0, nb=0, nd=0, start=(), size=()):
    a, b = np.asarray(a), np.asarray(b)
    dt = np.result_type(a, b)
    ca, cb = a.shape[na + nd:], b.shape[nb + nd:]
    if int(np.prod(ca)) >= int(np.prod(cb)):
        r = _conv_core(a, b, na, nb, nd, start, size)
    else:  # the same sum with the roles swapped: windows over the longer b
        r = _conv_core(b, a, nb, na, nd, start, size)
        nc = len(start)
        order = tuple(range(nb, nb + na)) + tuple(range(nb)) + tuple(
            range(na + nb, na + nb + nc))
        r = np.transpose(r, order)
    return np.ascontiguousarray(r).astype(dt, copy=False)


def _reverse_conv(x, lead, nd):
    """``x`` (axes lead, dot, conv) reversed along its convolved axes and laid out as
    (dot, lead, conv): the other operand of a cotangent convolution."""
    s = shape_of(x)
    nc = len(s) - lead - nd
    rev = getitem_p(x, index=(Ellipsis,) + (slice(None, None, -1),) * nc, shape=s) if nc else x
    axes = tuple(range(lead, lead + nd)) + tuple(range(lead)) + tuple(range(lead + nd, len(s)))
    return transpose_p(rev, axes=axes)


def _conv_ga(g, out, a, b, na=0, nb=0, nd=0, start=(), size=()):
    # ga[ia,d,k] = sum_{ib,n} g[ia,ib,n] b[ib,d,s+n-k]: g against b reversed
    cb = shape_of(b)[nb + nd:]
    ca = shape_of(a)[na + nd:]
    y = _reverse_conv(b, nb, nd)  # (d, ib, conv)
    return convolve_p(g, y, na=na, nb=nd, nd=nb,
                      start=tuple(lb - 1 - s for lb, s in zip(cb, start)), size=tuple(ca))


def _conv_gb(g, out, a, b, na=0, nb=0, nd=0, start=(), size=()):
    ca = shape_of(a)[na + nd:]
    cb = shape_of(b)[nb + nd:]
    nc = len(start)
    gt = transpose_p(g, axes=tuple(range(na, na + nb)) + tuple(range(na)) + tuple(
        range(na + nb, na + nb + nc)))  # (ib, ia, conv)
    y = _reverse_conv(a, na, nd)  # (d, ia, conv)
    return convolve_p(gt, y, na=nb, nb=nd, nd=na,
                      start=tuple(la - 1 - s for la, s in zip(ca, start)), size=tuple(cb))


def _conv_batch(vals, bd, B, na=0, nb=0, nd=0, start=(), size=()):
    a, b = vals
    params = dict(nd=nd, start=start, size=size)
    if bd[0] and not bd[1]:
        return convolve_p(a, b, na=na + 1, nb=nb, **params)
    if bd[1] and not bd[0]:
        r = convolve_p(a, b, na=na, nb=nb + 1, **params)
        nr = len(shape_of(r))
        return transpose_p(r, axes=(na,) + tuple(range(na)) + tuple(range(na + 1, nr)))
    parts = []  # both batched: one convolution per example (no axis kind pairs them)
    for i in range(B):
        ai = getitem_p(a, index=(i,), shape=shape_of(a))
        bi = getitem_p(b, index=(i,), shape=shape_of(b))
        r = convolve_p(ai, bi, na=na, nb=nb, **params)
        parts.append(reshape_p(r, shape=(1,) + tuple(shape_of(r))))
    return concatenate_p(*parts, axis=0)


convolve_p = Primitive(
    "convolve", _convolve, keep=((0, 1), (0, 1)),
    vjp=(_conv_ga, _conv_gb),
    jvp=(lambda da, out, a, b, **p: convolve_p(da, b, **p),
         lambda db, out, a, b, **p: convolve_p(a, db, **p)),
    batch=_conv_batch)


def _same(prim):
    def rule(vals, bd, B, **params):
        return prim(*vals, **params)

    return rule


def _attach_batch_rules() -> None:
    from weifen.prims._batch import elementwise

    sqrtm_p.batch = _same(sqrtm_p)
    expm_p.batch = _same(expm_p)
    sylvester_p.batch = elementwise(sylvester_p)


_attach_batch_rules()
