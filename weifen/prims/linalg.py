"""Linear-algebra primitives: matmul, einsum, diagonal, triangles, inv, solve, det, cholesky, eigh.

Every rule is written with weifen ops (these primitives and the elementwise/shape ones), so
each derivative differentiates again: the vjp of einsum is einsum, of diagonal an embedding
whose vjp is diagonal, of inv/solve/det more solves and inverses. Matrix primitives follow
NumPy's stacking: the last two axes hold the matrices and leading axes broadcast.
"""
from __future__ import annotations

import numpy as np

from weifen.core.primitive import Primitive
from weifen.prims.elementwise import _dtype_of, where_p
from weifen.prims.reduce import sum_p, sum_to_shape
from weifen.prims.shape import broadcast_to_p, reshape_p, shape_of, transpose_p


def _swap_last(x):
    nd = len(shape_of(x))
    axes = tuple(range(nd - 2)) + (nd - 1, nd - 2)
    return transpose_p(x, axes=axes)


def _mm_vjp(g, out, a, b, which):
    sa, sb = shape_of(a), shape_of(b)
    if len(sa) == 1 and len(sb) == 1:  # inner product
        return g * b if which == 0 else g * a
    gs = shape_of(g)
    a2 = reshape_p(a, shape=(1,) + sa) if len(sa) == 1 else a
    b2 = reshape_p(b, shape=sb + (1,)) if len(sb) == 1 else b
    g2 = g
    if len(sa) == 1:
        g2 = reshape_p(g2, shape=gs[:-1] + (1,) + gs[-1:]) if len(sb) > 1 else \
            reshape_p(g2, shape=gs + (1,))
    if len(sb) == 1:
        g2 = reshape_p(g2, shape=shape_of(g2) + (1,)) if len(sa) > 1 else g2
    if which == 0:
        r = matmul_p(g2, _swap_last(b2))
        return reshape_p(sum_to_shape(r, shape_of(a2)), shape=sa)
    r = matmul_p(_swap_last(a2), g2)
    return reshape_p(sum_to_shape(r, shape_of(b2)), shape=sb)


matmul_p = Primitive(
    "matmul", np.matmul,  # the rules read both shapes, so both inputs are kept
    vjp=(lambda g, out, a, b: _mm_vjp(g, out, a, b, 0),
         lambda g, out, a, b: _mm_vjp(g, out, a, b, 1)),
    jvp=(lambda da, out, a, b: matmul_p(da, b),
         lambda db, out, a, b: matmul_p(a, db)))


# ---------------------------------------------------------------- einsum
# ``subscripts`` is always explicit here ("ij,jk->ik": no ellipsis, no implicit output);
# weifen.numpy.linalg.einsum normalises the user's form. The cotangent of operand k is the
# einsum of g with the other operands onto k's letters; letters k repeats (diagonals) are
# put back with embed_diagonal, letters only k has (summed away) are broadcast back, and
# size-1 (broadcast) axes of k are summed.
MAX_OPERANDS = 64  # NumPy's limit on einsum operands


def _einsum(*ops, subscripts):
    big = len(ops) > 2 or sum(getattr(o, "size", 1) for o in ops) > 4096
    r = np.einsum(subscripts, *ops, optimize="greedy" if big else False)
    # one operand ("ii->i", "ij->ji") can give a writable view of it: copy, so that no
    # in-place change of the result reaches the input behind the tape's back
    return r.copy() if len(ops) == 1 and getattr(r, "base", None) is not None else r


def _split(subscripts):
    ins, out = subscripts.split("->")
    return ins.split(","), out


def _fit(r, shape):
    """Sum axes of ``r`` that are 1 in ``shape``, broadcast axes that are 1 in ``r``."""
    rs = shape_of(r)
    axes = tuple(i for i, (a, b) in enumerate(zip(rs, shape, strict=True)) if b == 1 and a != 1)
    if axes:
        r = sum_p(r, axis=axes, keepdims=True)
    return r if shape_of(r) == tuple(shape) else broadcast_to_p(r, shape=tuple(shape))


def _undiagonal_steps(letters, shape):
    """Take diagonals until no letter repeats; the steps, the final letters and shape."""
    cur, shp, steps = list(letters), list(shape), []
    while True:
        dup = next(((p, cur.index(c, p + 1)) for p, c in enumerate(cur) if c in cur[p + 1:]),
                   None)
        if dup is None:
            return steps, cur, shp
        p, q = dup
        steps.append((p, q, tuple(shp)))
        c, n = cur[p], shp[p]
        cur = cur[:p] + cur[p + 1:q] + cur[q + 1:] + [c]
        shp = shp[:p] + shp[p + 1:q] + shp[q + 1:] + [n]


def _einsum_vjp(k):
    def rule(g, out, *ops, subscripts):
        ins, o = _split(subscripts)
        others = ops[:k] + ops[k + 1:]
        steps, uniq, ushape = _undiagonal_steps(ins[k], shape_of(ops[k]))
        avail = set(o).union(*(ins[:k] + ins[k + 1:]))
        have = "".join(c for c in uniq if c in avail)
        r = einsum_p(g, *others, subscripts=",".join([o] + ins[:k] + ins[k + 1:]) + "->" + have)
        if len(have) < len(uniq):  # letters summed away inside operand k alone
            it = iter(shape_of(r))
            r = reshape_p(r, shape=tuple(next(it) if c in avail else 1 for c in uniq))
        r = _fit(r, ushape)
        for p, q, before in reversed(steps):
            r = embed_diagonal_p(r, shape=before, offset=0, axis1=p, axis2=q)
        return r

    return rule


def _einsum_jvp(k):
    def rule(dx, out, *ops, subscripts):
        return einsum_p(*ops[:k], dx, *ops[k + 1:], subscripts=subscripts)

    return rule


einsum_p = Primitive("einsum", _einsum,
                     vjp=tuple(_einsum_vjp(k) for k in range(MAX_OPERANDS)),
                     jvp=tuple(_einsum_jvp(k) for k in range(MAX_OPERANDS)))


# ---------------------------------------------------------------- diagonals, triangles
def _diagonal(x, offset=0, axis1=0, axis2=1):
    return np.diagonal(x, offset, axis1, axis2)


def _embed_diagonal(y, shape, offset=0, axis1=0, axis2=1):
    """The array of ``shape``, zero except ``diagonal(x, offset, axis1, axis2) == y``."""
    x = np.zeros_like(y, shape=shape)
    nd = len(shape)
    v = np.moveaxis(x, (axis1 % nd, axis2 % nd), (-2, -1))  # a writable view of x
    i = np.arange(np.shape(y)[-1])
    v[..., i + max(-offset, 0), i + max(offset, 0)] = y
    return x


diagonal_p = Primitive(
    "diagonal", _diagonal, keep=((0,),), view=True,
    vjp=(lambda g, out, x, offset=0, axis1=0, axis2=1:
         embed_diagonal_p(g, shape=shape_of(x), offset=offset, axis1=axis1, axis2=axis2),),
    jvp=(lambda dx, out, x, offset=0, axis1=0, axis2=1:
         diagonal_p(dx, offset=offset, axis1=axis1, axis2=axis2),))

embed_diagonal_p = Primitive(
    "embed_diagonal", _embed_diagonal, keep=((),),
    vjp=(lambda g, out, y, shape, offset=0, axis1=0, axis2=1:
         diagonal_p(g, offset=offset, axis1=axis1, axis2=axis2),),
    jvp=(lambda dy, out, y, shape, offset=0, axis1=0, axis2=1:
         embed_diagonal_p(dy, shape=shape, offset=offset, axis1=axis1, axis2=axis2),))


def _tril(x, k=0):
    return np.tril(x, k)


def _triu(x, k=0):
    return np.triu(x, k)


tril_p = Primitive("tril", _tril, keep=((),),
                   vjp=(lambda g, out, x, k=0: tril_p(g, k=k),),
                   jvp=(lambda dx, out, x, k=0: tril_p(dx, k=k),))
triu_p = Primitive("triu", _triu, keep=((),),
                   vjp=(lambda g, out, x, k=0: triu_p(g, k=k),),
                   jvp=(lambda dx, out, x, k=0: triu_p(dx, k=k),))


def _matrix_diag(x):
    """The diagonal of each matrix as a matrix (zero off the diagonal)."""
    return embed_diagonal_p(diagonal_p(x, offset=0, axis1=-2, axis2=-1), shape=shape_of(x),
                            offset=0, axis1=-2, axis2=-1)


def _phi(x):
    """The lower triangle with the diagonal halved (the Cholesky derivative's projection)."""
    return tril_p(x) - 0.5 * _matrix_diag(x)


def _det_shape(x):
    """The shape of one scalar per matrix, with the matrix axes kept as 1s."""
    return shape_of(x)[:-2] + (1, 1)


def _last2(x):
    nd = len(shape_of(x))
    return (nd - 2, nd - 1)


# ---------------------------------------------------------------- inverse and solves
def _inv(a):
    return np.linalg.inv(a)


inv_p = Primitive(
    "inv", _inv, keep=((),), save_out=True,
    vjp=(lambda g, out, a: -matmul_p(matmul_p(_swap_last(out), g), _swap_last(out)),),
    jvp=(lambda da, out, a: -matmul_p(matmul_p(out, da), out),))


def _solve(a, b):
    return np.linalg.solve(a, b)


# b is a stack of matrices (..., n, k) here; weifen.numpy.linalg.solve turns NumPy 2's
# vector case into that. Batch axes broadcast, so cotangents are summed back to each shape.
def _solve_ga(g, out, a, b):
    gb = solve_p(_swap_last(a), g)
    return sum_to_shape(-matmul_p(gb, _swap_last(out)), shape_of(a))


solve_p = Primitive(
    "solve", _solve, keep=((0,), (0, 1)), save_out=True,
    vjp=(_solve_ga,
         lambda g, out, a, b: sum_to_shape(solve_p(_swap_last(a), g), shape_of(b))),
    jvp=(lambda da, out, a, b: solve_p(a, -matmul_p(da, out)),
         lambda db, out, a, b: solve_p(a, db)))


def _solve_triangular(a, b, lower=True):
    if isinstance(a, np.ndarray) and a.ndim == 2 and np.ndim(b) == 2:
        try:  # SciPy's triangular solve (exact back substitution) when available
            from scipy.linalg import solve_triangular
        except ImportError:  # pragma: no cover - depends on the environment
            pass
        else:
            return solve_triangular(a, b, lower=lower, check_finite=False)
    return np.linalg.solve(np.tril(a) if lower else np.triu(a), b)


def _tri(x, lower):
    return tril_p(x) if lower else triu_p(x)


def _trisolve_ga(g, out, a, b, lower=True):
    gb = solve_triangular_p(_swap_last(a), g, lower=not lower)
    return sum_to_shape(_tri(-matmul_p(gb, _swap_last(out)), lower), shape_of(a))


# Only the triangle named by ``lower`` of ``a`` is read, so its cotangent lives there too.
solve_triangular_p = Primitive(
    "solve_triangular", _solve_triangular, keep=((0,), (0, 1)), save_out=True,
    vjp=(_trisolve_ga,
         lambda g, out, a, b, lower=True:
         sum_to_shape(solve_triangular_p(_swap_last(a), g, lower=not lower), shape_of(b))),
    jvp=(lambda da, out, a, b, lower=True:
         solve_triangular_p(a, -matmul_p(_tri(da, lower), out), lower=lower),
         lambda db, out, a, b, lower=True: solve_triangular_p(a, db, lower=lower)))


# ---------------------------------------------------------------- determinants
def _det(a):
    return np.linalg.det(a)


def _logabsdet(a):
    return np.linalg.slogdet(a)[1]


def _slogdet_sign(a):
    return np.linalg.slogdet(a)[0]


def _singular(a) -> bool:
    """Whether some matrix in ``a`` is (numerically) singular, judged on its values."""
    while hasattr(a, "_primal_data"):
        a = a._primal_data()
    if not hasattr(a, "shape"):
        a = np.asarray(a)  # a Python number or list; arrays stay on their backend
    if a.shape[-1] == 0:
        return False
    s = np.linalg.svd(a, compute_uv=False)
    return bool(np.any(s[..., -1] <= s[..., :1].max(axis=-1) * a.shape[-1] * 1e-13))


def _cofactors(a):
    """The cofactor matrix C (C[i, j] = (-1)^(i+j) det of a without row i and column j),
    so ``d det(A) = sum(C * dA)`` at every A, singular or not (C = adj(A)^T). Built from
    the n^2 minors with weifen ops, so it differentiates again; used only at singular A,
    where ``det(A) A^-T`` is 0 * inf."""
    from weifen.prims.indexing import index_p

    s = shape_of(a)
    n = s[-1]
    keep = np.array([[j for j in range(n) if j != i] for i in range(n)], dtype=np.intp)
    rows = keep.reshape(n, 1, n - 1, 1)
    cols = keep.reshape(1, n, 1, n - 1)
    minors = index_p(a, index=(Ellipsis, rows, cols), shape=s)  # (..., n, n, n-1, n-1)
    sign = (-1.0) ** np.add.outer(np.arange(n), np.arange(n))
    return det_p(minors) * sign


def _det_grad(out, a):
    """d det / dA: det(A) A^-T where A is invertible, the cofactor matrix where it is not."""
    if _singular(a):
        return _cofactors(a)
    return reshape_p(out, shape=_det_shape(a)) * _swap_last(inv_p(a))


# d det(A) = tr(adj(A) dA) = det(A) tr(A^-1 dA) for invertible A
det_p = Primitive(
    "det", _det, keep=((0,),), save_out=True,
    vjp=(lambda g, out, a: reshape_p(g, shape=_det_shape(a)) * _det_grad(out, a),),
    jvp=(lambda da, out, a: sum_p(_det_grad(out, a) * da, axis=_last2(a)),))
logabsdet_p = Primitive(
    "logabsdet", _logabsdet, keep=((0,),),
    vjp=(lambda g, out, a: reshape_p(g, shape=_det_shape(a)) * _swap_last(inv_p(a)),),
    jvp=(lambda da, out, a: sum_p(_swap_last(inv_p(a)) * da, axis=_last2(a)),))
slogdet_sign_p = Primitive("slogdet_sign", _slogdet_sign, nondiff=True)


# ---------------------------------------------------------------- cholesky
def _cholesky(a):
    return np.linalg.cholesky(a)


def _cholesky_vjp(g, out, a):
    # Murray (2016): Abar = L^-T Phi(L^T Lbar) L^-1, symmetrised since A is symmetric.
    # Phi(L^T Lbar) reads only the lower triangle of Lbar, so no mask is needed first.
    lt = _swap_last(out)
    p = _phi(matmul_p(lt, g))
    y = solve_triangular_p(lt, p, lower=False)  # L^-T P
    s = _swap_last(solve_triangular_p(lt, _swap_last(y), lower=False))  # L^-T P L^-1
    return 0.5 * (s + _swap_last(s))


def _cholesky_jvp(da, out, a):
    # dL = L Phi(L^-1 dA_sym L^-T), with dA symmetrised to match the vjp (its adjoint)
    ds = 0.5 * (da + _swap_last(da))
    x = solve_triangular_p(out, ds, lower=True)  # L^-1 dA
    z = _swap_last(solve_triangular_p(out, _swap_last(x), lower=True))  # L^-1 dA L^-T
    return matmul_p(out, _phi(z))


cholesky_p = Primitive("cholesky", _cholesky, keep=((),), save_out=True,
                       vjp=(_cholesky_vjp,), jvp=(_cholesky_jvp,))


# ---------------------------------------------------------------- symmetric eigenproblem
def _eigvalsh(a):
    return np.linalg.eigvalsh(a)


def _eigh_vectors(a):
    return np.linalg.eigh(a)[1]


def _eig_gaps(w):
    """F[i, j] = 1 / (w[j] - w[i]) off the diagonal, 0 on it (inf for repeated eigenvalues)."""
    s = shape_of(w)
    d = reshape_p(w, shape=s[:-1] + (1, s[-1])) - reshape_p(w, shape=s + (1,))
    from weifen.core.backend import asarray_like

    eye = asarray_like(np.eye(s[-1], dtype=bool), w)  # a constant mask on w's backend
    return where_p(eye, 0.0, 1.0 / where_p(eye, 1.0, d))


def _is_complex(x) -> bool:
    return np.issubdtype(_dtype_of(x), np.complexfloating)


def _conj(x):
    from weifen.prims.complex import conj_p

    return conj_p(x)


def _re(x):
    from weifen.prims.complex import real_p

    return real_p(x)


# Complex Hermitian input follows JAX's convention (a cotangent pairs with a tangent as
# Re(sum(ct * d)), no conjugate): with X = V^H dA V, dw = Re(diag X) and dV = V (F o X); the
# VJPs are their transposes, conj(V) (...) V^T. On real input these are the symmetric rules.
def _eigvalsh_vjp(g, out, a):
    v = eigh_vectors_p(a)
    gs = shape_of(g)
    left = _conj(v) if _is_complex(v) else v
    return matmul_p(left * reshape_p(g, shape=gs[:-1] + (1, gs[-1])), _swap_last(v))


def _eigh_vectors_vjp(g, out, a):
    f = _eig_gaps(eigvalsh_p(a))
    vt = _swap_last(out)
    left = _conj(out) if _is_complex(out) else out
    r = matmul_p(matmul_p(left, f * matmul_p(vt, g)), vt)
    return 0.5 * (r + (_conj(_swap_last(r)) if _is_complex(r) else _swap_last(r)))


def _herm(da):
    """The Hermitian (symmetric, for real input) part of a tangent."""
    t = _swap_last(da)
    return 0.5 * (da + (_conj(t) if _is_complex(da) else t))


def _eigh_vectors_jvp(da, out, a):
    ds = _herm(da)
    f = _eig_gaps(eigvalsh_p(a))
    vh = _conj(_swap_last(out)) if _is_complex(out) else _swap_last(out)
    return matmul_p(out, f * matmul_p(vh, matmul_p(ds, out)))


# As in torch.linalg.eigh, a is taken as symmetric (Hermitian) (NumPy reads only its lower
# triangle): cotangents are symmetric, and tangents are symmetrised to stay their adjoint.
def _eigvalsh_jvp(da, out, a):
    v = eigh_vectors_p(a)
    if _is_complex(v):
        return _re(sum_p(_conj(v) * matmul_p(da, v), axis=len(shape_of(a)) - 2))
    return sum_p(v * matmul_p(da, v), axis=len(shape_of(a)) - 2)


eigvalsh_p = Primitive("eigvalsh", _eigvalsh, keep=((0,),), vjp=(_eigvalsh_vjp,),
                       jvp=(_eigvalsh_jvp,))
eigh_vectors_p = Primitive("eigh_vectors", _eigh_vectors, keep=((0,),), save_out=True,
                           vjp=(_eigh_vectors_vjp,), jvp=(_eigh_vectors_jvp,))


def _diagonal_of(v):
    """The diagonal of ``v`` if it is a constant (raw), square, diagonal matrix, else None.

    Jacobians seed vmap with the identity; a batch of one-hot rows times a matrix is a row
    scaling, not a matrix product. Only raw arrays qualify: no derivative flows into them,
    so replacing the product by the scaling changes no gradient. Small matrices skip the
    check (it costs a pass over the entries).
    """
    if type(v) is not np.ndarray or v.ndim != 2 or v.shape[0] != v.shape[1] or v.size < 1024:
        return None
    n = v.shape[0]
    if v[0, 1] != 0 or v[1, 0] != 0 or v[n - 1, 0] != 0:  # dense: rejected in O(1)
        return None
    # the off-diagonal entries of a square matrix, as a view of the flat buffer: rows of
    # n + 1 entries that start just after each diagonal element
    off = v.ravel()[1:].reshape(n - 1, n + 1)[:, :n]
    if off.any():
        return None
    return np.diagonal(v).copy()


def _matmul_batch(vals, bd, B):
    from weifen.prims._batch import example_ndim, lift_rank

    a, b = vals
    ra, rb = example_ndim(a, bd[0]), example_ndim(b, bd[1])
    # one batch against one plain matrix: fold the batch into a single matrix product
    # (B separate matrix-vector products would leave BLAS idle)
    if bd[0] and not bd[1] and rb == 2 and ra in (1, 2):
        sa = shape_of(a)
        if ra == 1:
            d = _diagonal_of(a)
            if d is not None:  # the rows of an identity-like seed: scale rows instead
                return reshape_p(d, shape=(sa[0], 1)) * b
            return matmul_p(a, b)  # (B, k) @ (k, m)
        if sa[1] == 1:  # a batch of row vectors: the vector-matrix case, reshaped
            out = _matmul_batch([reshape_p(a, shape=(sa[0], sa[2])), b], [True, False], B)
            so = shape_of(out)
            return reshape_p(out, shape=(so[0], 1, so[1]))
        out = matmul_p(reshape_p(a, shape=(sa[0] * sa[1], sa[2])), b)
        return reshape_p(out, shape=(sa[0], sa[1], shape_of(b)[-1]))
    if bd[1] and not bd[0] and ra == 2 and rb in (1, 2):
        sb = shape_of(b)
        if rb == 1:
            d = _diagonal_of(b)
            if d is not None:  # an identity-like batch of tangents: scale rows of a^T
                return reshape_p(d, shape=(sb[0], 1)) * _swap_last(a)
            return matmul_p(b, _swap_last(a))  # rows of (B, k) @ a^T
        if sb[2] == 1:  # a batch of column vectors: the matrix-vector case, reshaped
            out = _matmul_batch([a, reshape_p(b, shape=sb[:2])], [False, True], B)
            return reshape_p(out, shape=shape_of(out) + (1,))
        # a @ b[i] for every i: (n, k) @ (k, B*m), then put the batch axis first
        bk = reshape_p(transpose_p(b, axes=(1, 0, 2)), shape=(sb[1], sb[0] * sb[2]))
        out = reshape_p(matmul_p(a, bk), shape=(shape_of(a)[0], sb[0], sb[2]))
        return transpose_p(out, axes=(1, 0, 2))
    if ra == 1:  # promote 1-D operands to matrices so the batch axis cannot be mistaken
        a = reshape_p(a, shape=shape_of(a)[:-1] + (1,) + shape_of(a)[-1:])
    if rb == 1:
        b = reshape_p(b, shape=shape_of(b) + (1,))
    r = max(max(ra, 2), max(rb, 2))
    a = lift_rank(a, r) if bd[0] else a
    b = lift_rank(b, r) if bd[1] else b
    out = matmul_p(a, b)
    s = shape_of(out)
    if ra == 1 and rb == 1:
        return reshape_p(out, shape=s[:-2])
    if ra == 1:
        return reshape_p(out, shape=s[:-2] + s[-1:])
    if rb == 1:
        return reshape_p(out, shape=s[:-1])
    return out


matmul_p.batch = _matmul_batch


def _einsum_batch(vals, bd, B, subscripts):
    ins, out = _split(subscripts)
    free = [c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
            if c not in subscripts]
    if not free:  # pragma: no cover - all 52 letters in use
        raise NotImplementedError("vmap of an einsum that uses all 52 index letters")
    z = free[0]
    ins = [z + s if b else s for s, b in zip(ins, bd, strict=True)]
    return einsum_p(*vals, subscripts=",".join(ins) + "->" + z + out)


def _diagonal_batch(vals, bd, B, offset=0, axis1=0, axis2=1):
    (v,) = vals
    nd = len(shape_of(v)) - 1
    return diagonal_p(v, offset=offset, axis1=axis1 % nd + 1, axis2=axis2 % nd + 1)


def _embed_batch(vals, bd, B, shape, offset=0, axis1=0, axis2=1):
    (y,) = vals
    nd = len(shape)
    return embed_diagonal_p(y, shape=(B,) + tuple(shape), offset=offset,
                            axis1=axis1 % nd + 1, axis2=axis2 % nd + 1)


def _same(prim):
    """Batch rule of a primitive acting on the last axes only (a leading batch axis is free)."""

    def rule(vals, bd, B, **params):
        return prim(*vals, **params)

    return rule


def _attach_batch_rules() -> None:
    from weifen.prims._batch import elementwise

    einsum_p.batch = _einsum_batch
    diagonal_p.batch = _diagonal_batch
    embed_diagonal_p.batch = _embed_batch
    for p in (tril_p, triu_p, inv_p, det_p, logabsdet_p, slogdet_sign_p, cholesky_p,
              eigvalsh_p, eigh_vectors_p):
        p.batch = _same(p)
    # batch axes of a and b broadcast like elementwise operands (ranks aligned first)
    solve_p.batch = elementwise(solve_p)
    solve_triangular_p.batch = elementwise(solve_triangular_p)


_attach_batch_rules()
