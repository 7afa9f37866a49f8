"""User-facing decompositions of ``wf.linalg``: ``svd svdvals eig eigvals qr pinv
matrix_power lstsq``, with NumPy 2's names, signatures and result types; and NumPy 2's
other ``linalg`` names, as composites: ``matrix_transpose vector_norm matrix_norm cond
matrix_rank multi_dot diagonal trace vecdot``.

``svd``, ``eig`` and ``qr`` slice their factors out of one primitive each (see
:mod:`weifen.prims.decomp`); ``matrix_power`` is a composite of products (and ``inv`` for
negative powers), as NumPy computes it; ``lstsq``'s residuals and rank are computed from
its solution and the singular values, so the residuals are differentiable too.

Singular vectors and eigenvectors carry NumPy's signs (phases); differentiate losses that do
not depend on them (``U * S @ Vh``, ``U @ U.T``, ``abs(v)``), as with torch and JAX.

>>> import weifen as wf
>>> a = wf.tensor([[3.0, 0.0], [0.0, -2.0]], requires_grad=True)
>>> U, S, Vh = wf.linalg.svd(a)
>>> S
tensor([3., 2.], grad_fn=<SvdvalsBackward>)
>>> S.sum().backward()
>>> a.grad
tensor([[ 1.,  0.],
        [ 0., -1.]])
"""
from __future__ import annotations

import operator
from typing import Any, NamedTuple

import numpy as np

from weifen.errors import ShapeError, WeifenTypeError, WeifenValueError
from weifen.numpy._util import _raw, _t
from weifen.prims import decomp as D
from weifen.prims import elementwise as E
from weifen.prims import linalg as LA
from weifen.prims import reduce as R
from weifen.prims.shape import reshape_p, shape_of

__all__ = ["svd", "svdvals", "eig", "eigvals", "qr", "pinv", "matrix_power", "lstsq",
           "matrix_transpose", "vector_norm", "matrix_norm", "cond", "matrix_rank", "multi_dot",
           "diagonal", "trace", "vecdot", "SVDResult", "EigResult", "QRResult"]


class SVDResult(NamedTuple):
    U: Any
    S: Any
    Vh: Any


class EigResult(NamedTuple):
    eigenvalues: Any
    eigenvectors: Any


class QRResult(NamedTuple):
    Q: Any
    R: Any


class _NoValue:
    """The marker of an argument not given (NumPy's ``np._NoValue``)."""

    def __repr__(self) -> str:
        return "<no value>"


_NOVALUE = _NoValue()


def _matrices(name: str, a: Any, square: bool = False) -> Any:
    a = _raw(a)
    s = shape_of(a)
    if len(s) < 2:
        raise ShapeError(f"linalg.{name}: {len(s)}-dimensional array given; needs matrices in "
                         f"the last two axes (..., m, n)")
    if square and s[-1] != s[-2]:
        raise ShapeError(f"linalg.{name}: needs square matrices in the last two axes "
                         f"(..., n, n), got shape {s}")
    return a


def _dtype(a: Any) -> np.dtype:
    return np.dtype(E._dtype_of(a))


def _hermitian_from_lower(a: Any) -> Any:
    """The Hermitian matrix that ``a``'s lower triangle stands for (LAPACK's ``eigh`` reads
    only that triangle, and the real part of the diagonal), built with weifen ops: its
    derivative is that of the function NumPy computes."""
    low = LA.tril_p.bind(a, k=-1)
    d = LA.diagonal_p.bind(a, offset=0, axis1=-2, axis2=-1)
    return low + D._H(low) + D._diag_embed(D._real(d))


# ---------------------------------------------------------------- singular values
def svd(a: Any, full_matrices: bool = True, compute_uv: bool = True,
        hermitian: bool = False) -> Any:
    """Singular value decomposition ``a = U @ diag(S) @ Vh``, as ``np.linalg.svd``: stacks of
    matrices in the last two axes, ``full_matrices`` (square U and Vh) or the thin factors,
    ``compute_uv=False`` for ``S`` alone, ``hermitian=True`` for NumPy's eigenvalue-based
    path (reading the lower triangle). Returns ``SVDResult(U, S, Vh)``.

    Where U or Vh is used, derivatives need distinct singular values (nonzero ones for a
    rectangular matrix); ``S`` alone is differentiable wherever its entries are nonzero. The
    columns that ``full_matrices`` adds to a rectangular factor are differentiated as a
    basis of the complement, so only losses that do not depend on that basis are meaningful.

    >>> import weifen as wf
    >>> U, S, Vh = wf.linalg.svd(wf.tensor([[1.0, 2.0], [2.0, 1.0], [0.0, 0.0]]),
    ...                          full_matrices=False)
    >>> U.shape, S, Vh.shape
    ((3, 2), tensor([3., 1.]), (2, 2))
    """
    a = _matrices("svd", a, square=bool(hermitian))
    if hermitian:
        a = _hermitian_from_lower(a)
    if not compute_uv:
        return _t(D.svdvals_p.bind(a, hermitian=bool(hermitian)))
    full, herm = bool(full_matrices), bool(hermitian)
    pack = D.svd_p.bind(a, full_matrices=full, hermitian=herm)
    u, _, vh = D._unpack(pack, D.svd_shapes(shape_of(a), full, herm))
    return SVDResult(_t(u), _t(D.svdvals_p.bind(a, hermitian=herm)), _t(vh))


def svdvals(x: Any) -> Any:
    """The singular values of each matrix, in descending order, as ``np.linalg.svdvals``
    (NumPy 2). The gradient of ``sum(svdvals(a) * w)`` is ``U @ diag(w) @ Vh``.

    >>> import weifen as wf
    >>> wf.linalg.svdvals(wf.tensor([[0.0, 2.0], [-3.0, 0.0]]))
    tensor([3., 2.])
    """
    return _t(D.svdvals_p.bind(_matrices("svdvals", x), hermitian=False))


# ---------------------------------------------------------------- eigenvalues
def eig(a: Any) -> EigResult:
    """Eigenvalues and right eigenvectors (unit-norm columns) of square matrices, as
    ``np.linalg.eig``: ``EigResult(eigenvalues, eigenvectors)``, complex unless every
    eigenvalue is real (NumPy's rule, over the whole stack). Derivatives need distinct
    eigenvalues where the eigenvectors are used, and follow JAX's convention for complex
    values (real inputs get real gradients).

    >>> import weifen as wf
    >>> w, v = wf.linalg.eig(wf.tensor([[2.0, 1.0], [0.0, 3.0]]))
    >>> w
    tensor([2., 3.])
    """
    a = _matrices("eig", a, square=True)
    _, v = D.eig_parts(D.eig_p.bind(a, source="eig"))
    return EigResult(_t(D.eigvals_p.bind(a, source="eig")), _t(v))


def eigvals(a: Any) -> Any:
    """The eigenvalues of square matrices, as ``np.linalg.eigvals`` (same order and dtype).
    The gradient of a real loss of them is ``V^-T diag(g) V^T`` (real for real inputs).

    >>> import weifen as wf
    >>> a = wf.tensor([[0.0, 1.0], [-2.0, -3.0]], requires_grad=True)
    >>> w = wf.linalg.eigvals(a)
    >>> w
    tensor([-1., -2.], grad_fn=<EigvalsBackward>)
    >>> (w * w).sum().backward()  # the trace of a @ a: its gradient is 2 a.T
    >>> wf.round(a.grad, 8)
    tensor([[ 0., -4.],
            [ 2., -6.]])
    """
    return _t(D.eigvals_p.bind(_matrices("eigvals", a, square=True), source="eigvals"))


# ---------------------------------------------------------------- QR
def qr(a: Any, mode: str = "reduced") -> Any:
    """QR decomposition of stacks of matrices, as ``np.linalg.qr``: ``mode="reduced"``
    (Q is m x k, R is k x n with k = min(m, n)), ``"complete"`` (Q is m x m) give
    ``QRResult(Q, R)``; ``"r"`` gives R alone. Derivatives need R's diagonal nonzero (full
    column rank in the first k columns); the columns ``"complete"`` adds are differentiated
    as a basis of the complement (see :func:`svd`).

    >>> import weifen as wf
    >>> Q, R = wf.linalg.qr(wf.tensor([[3.0, 1.0], [4.0, 2.0]]))
    >>> R
    tensor([[-5. , -2.2],
            [ 0. ,  0.4]])
    """
    if mode not in ("reduced", "complete", "r"):
        if mode == "raw":
            raise WeifenValueError("linalg.qr: mode='raw' (LAPACK's Householder reflectors) "
                                   "is not supported; use 'reduced', 'complete' or 'r'")
        raise WeifenValueError(f"linalg.qr: unrecognized mode {mode!r}; use 'reduced', "
                               "'complete' or 'r'")
    a = _matrices("qr", a)
    m2 = "complete" if mode == "complete" else "reduced"
    q, r = D._unpack(D.qr_p.bind(a, mode=m2), D.qr_shapes(shape_of(a), m2))
    return _t(r) if mode == "r" else QRResult(_t(q), _t(r))


# ---------------------------------------------------------------- pseudo-inverse, powers
def _static(x: Any, what: str) -> Any:
    """A cutoff given as data: refused if traced (np.asarray raises on traced values)."""
    v = np.asarray(x)
    return float(v) if v.ndim == 0 else v


def pinv(a: Any, rcond: Any = None, hermitian: bool = False, *, rtol: Any = _NOVALUE) -> Any:
    """The Moore-Penrose pseudo-inverse of stacks of matrices, as ``np.linalg.pinv`` (NumPy 2:
    ``rcond`` defaults to 1e-15, ``rtol=None`` means ``max(m, n) * eps``; singular values
    at most ``rcond * max(S)`` count as zero). Differentiable where the rank is constant
    (Golub and Pereyra's formula; no singular vectors involved).

    >>> import weifen as wf
    >>> wf.linalg.pinv(wf.tensor([[2.0, 0.0], [0.0, 0.0]]))
    tensor([[0.5, 0. ],
            [0. , 0. ]])
    """
    a = _matrices("pinv", a, square=bool(hermitian))
    m, n = shape_of(a)[-2:]
    if rcond is None:
        if rtol is _NOVALUE:
            rcond = 1e-15
        elif rtol is None:
            rcond = max(m, n) * float(np.finfo(np.result_type(_dtype(a), np.float16)).eps)
        else:
            rcond = rtol
    elif rtol is not _NOVALUE:
        raise WeifenValueError("linalg.pinv: `rtol` and `rcond` can't be both set")
    rcond = _static(rcond, "rcond")
    if hermitian:
        a = _hermitian_from_lower(a)
    return _t(D.pinv_p.bind(a, rcond=rcond, hermitian=bool(hermitian)))


def matrix_power(a: Any, n: int) -> Any:
    """``a`` to the integer power ``n`` (``n = 0``: the identity; ``n < 0``: powers of the
    inverse), as ``np.linalg.matrix_power``, by NumPy's binary decomposition; stacks of
    square matrices too.

    >>> import weifen as wf
    >>> a = wf.tensor([[1.0, 1.0], [0.0, 1.0]], requires_grad=True)
    >>> wf.linalg.matrix_power(a, 3)
    tensor([[1., 3.],
            [0., 1.]], grad_fn=<MatmulBackward>)
    >>> wf.linalg.matrix_power(a, -1)
    tensor([[ 1., -1.],
            [ 0.,  1.]], grad_fn=<InvBackward>)
    """
    a = _matrices("matrix_power", a, square=True)
    try:
        n = operator.index(n)
    except TypeError:
        raise WeifenTypeError(f"linalg.matrix_power: exponent must be an integer, got "
                              f"{type(n).__name__}") from None
    if n == 0:  # the identity in a's dtype, with a's (zero) derivative recorded, as torch
        s = shape_of(a)
        from weifen.core.backend import asarray_like

        eye = asarray_like(np.broadcast_to(np.eye(s[-1], dtype=_dtype(a)), s), a)
        return _t(E.where_p.bind(asarray_like(np.ones(s, dtype=bool), a), eye, a))
    if n < 0:
        a = LA.inv_p.bind(a)
        n = -n
    if n == 1:
        return _t(a)
    if n == 2:
        return _t(LA.matmul_p.bind(a, a))
    if n == 3:
        return _t(LA.matmul_p.bind(LA.matmul_p.bind(a, a), a))
    z = result = None
    while n > 0:
        z = a if z is None else LA.matmul_p.bind(z, z)
        n, bit = divmod(n, 2)
        if bit:
            result = z if result is None else LA.matmul_p.bind(result, z)
    return _t(result)


# ---------------------------------------------------------------- least squares
def _values(x: Any) -> np.ndarray:
    """The numbers under every box (a piecewise-constant decision reads them)."""
    while hasattr(x, "_primal_data"):
        x = x._primal_data()
    from weifen.core.backend import to_numpy

    return to_numpy(x)  # an explicit host copy: a decision reads the numbers


def _abs2(x: Any) -> Any:
    return D._real(x * D._conj(x)) if D._is_complex(x) else x * x


def lstsq(a: Any, b: Any, rcond: Any = None) -> tuple:
    """The least-squares solution of ``a @ x = b`` (the minimum-norm one where ``a`` is rank
    deficient), as ``np.linalg.lstsq``: ``(x, residuals, rank, s)`` for a matrix ``a`` and
    ``b`` of shape (m,) or (m, k). ``x``, the residuals (squared norms of ``b - a @ x``,
    present when the rank is n < m) and the singular values ``s`` are differentiable in
    ``a`` and ``b``; the solution's derivative is that of ``pinv(a) @ b`` at constant rank.

    >>> import weifen as wf
    >>> x, res, rank, s = wf.linalg.lstsq(wf.tensor([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]),
    ...                                   wf.tensor([1.0, 2.0, 3.0]))
    >>> x, res, rank
    (tensor([1., 2.]), tensor([9.]), tensor(2, dtype=int32))
    """
    a, b = _raw(a), _raw(b)
    sa, sb = shape_of(a), shape_of(b)
    if len(sa) != 2:
        raise ShapeError(f"linalg.lstsq: {len(sa)}-dimensional array given; a must be a "
                         f"matrix (m, n)")
    m, n = sa
    vector = len(sb) == 1
    if len(sb) not in (1, 2) or sb[0] != m:
        raise ShapeError(f"linalg.lstsq: a has shape {sa} but b has shape {sb}; b must be "
                         f"({m},) or ({m}, k)")
    if rcond is not None:
        rcond = _static(rcond, "rcond")
    b2 = reshape_p.bind(b, shape=(m, 1)) if vector else b
    x = D.lstsq_p.bind(a, b2, rcond=rcond)
    s = D.svdvals_p.bind(a, hermitian=False)
    cut = D._lstsq_cut(rcond, a)
    big = R.max_p.bind(s, axis=-1, keepdims=True) if n and m else 0.0
    above = E.gt_p.bind(s, E.mul_p.bind(big, cut) if n and m else 0.0)
    rank = E.astype_p.bind(R.sum_p.bind(above, axis=-1), dtype=np.dtype(np.int32))
    res = R.sum_p.bind(_abs2(b2 - LA.matmul_p.bind(a, x)), axis=0)
    if not (m > n and bool(np.all(_values(rank) == n))):  # NumPy: no residuals then
        from weifen.prims.indexing import getitem_p

        res = getitem_p.bind(res, index=(slice(0, 0),), shape=shape_of(res))
    if vector:
        x = reshape_p.bind(x, shape=(n,))
    return _t(x), _t(res), _t(rank), _t(s)


# ---------------------------------------------------------------- NumPy 2's other names
def matrix_transpose(x: Any, /) -> Any:
    """The transpose of each matrix in the last two axes, as ``np.linalg.matrix_transpose``.

    >>> import weifen as wf
    >>> wf.linalg.matrix_transpose(wf.ones((2, 3, 4))).shape
    (2, 4, 3)
    """
    return _t(LA._swap_last(_matrices("matrix_transpose", x)))


def vector_norm(x: Any, /, *, axis: Any = None, keepdims: bool = False, ord: Any = 2) -> Any:
    """Vector norms over ``axis`` (None: every axis; a tuple: those axes as one vector), as
    ``np.linalg.vector_norm``; ``ord`` as for vectors in :func:`wf.linalg.norm`.

    >>> import weifen as wf
    >>> wf.linalg.vector_norm(wf.tensor([[3.0, 0.0], [0.0, 4.0]]))
    tensor(5.)
    """
    from weifen.numpy.linalg import norm
    from weifen.prims.shape import transpose_p

    x = _raw(x)
    shape = shape_of(x)
    nd = len(shape)
    axes = tuple(range(nd)) if axis is None else (axis,) if isinstance(axis, int) else \
        tuple(axis)
    if len(axes) == 1:
        return norm(x, ord=ord, axis=axes[0], keepdims=keepdims)
    axes = tuple(a % nd for a in axes)
    rest = tuple(i for i in range(nd) if i not in axes)
    y = transpose_p.bind(x, axes=rest + axes) if rest + axes != tuple(range(nd)) else x
    size = int(np.prod([shape[i] for i in axes], dtype=np.int64))
    y = reshape_p.bind(y, shape=tuple(shape[i] for i in rest) + (size,))
    r = norm(y, ord=ord, axis=-1)
    if keepdims:
        r = reshape_p.bind(r, shape=tuple(1 if i in axes else shape[i] for i in range(nd)))
    return _t(r)


def matrix_norm(x: Any, /, *, keepdims: bool = False, ord: Any = "fro") -> Any:
    """Matrix norms of the last two axes, as ``np.linalg.matrix_norm`` (``ord`` as for
    matrices in :func:`wf.linalg.norm`).

    >>> import weifen as wf
    >>> wf.linalg.matrix_norm(wf.tensor([[3.0, 0.0], [0.0, -4.0]]), ord="nuc")
    tensor(7.)
    """
    from weifen.numpy.linalg import norm

    return norm(_matrices("matrix_norm", x), ord=ord, axis=(-2, -1), keepdims=keepdims)


def cond(x: Any, p: Any = None) -> Any:
    """The condition number of each matrix, as ``np.linalg.cond``: ``p`` None, 2 or -2 from
    the singular values, otherwise ``norm(x, p) * norm(inv(x), p)`` (square matrices).

    >>> import weifen as wf
    >>> wf.linalg.cond(wf.tensor([[2.0, 0.0], [0.0, 0.5]]))
    tensor(4.)
    """
    from weifen.numpy.linalg import norm

    x = _matrices("cond", x)
    if p is None or (not isinstance(p, str) and p in (2, -2)):
        s = D.svdvals_p.bind(x, hermitian=False)
        k = shape_of(s)[-1]
        big = D._cut(s, 0, 1)
        small = D._cut(s, k - 1, k)
        r = E.div_p.bind(small, big) if p == -2 else E.div_p.bind(big, small)
        return _t(reshape_p.bind(r, shape=tuple(shape_of(r)[:-1])))
    x = _matrices("cond", x, square=True)
    try:
        inv = LA.inv_p.bind(x)
    except WeifenValueError:  # singular: NumPy says inf, where no derivative exists
        return _t(np.linalg.cond(_values(x), p))
    return norm(x, ord=p, axis=(-2, -1)) * norm(inv, ord=p, axis=(-2, -1))


def matrix_rank(A: Any, tol: Any = None, hermitian: bool = False, *, rtol: Any = None) -> Any:
    """The number of singular values above ``tol`` (default ``max(S) * rtol``, ``rtol``
    defaulting to ``max(m, n) * eps``), as ``np.linalg.matrix_rank``: an integer, with no
    derivative.

    >>> import weifen as wf
    >>> wf.linalg.matrix_rank(wf.tensor([[1.0, 2.0], [2.0, 4.0]]))
    tensor(1)
    """
    if rtol is not None and tol is not None:
        raise WeifenValueError("linalg.matrix_rank: `tol` and `rtol` can't be both set")
    a = _raw(A)
    if len(shape_of(a)) < 2:
        return int(not np.all(_values(a) == 0))
    if hermitian:
        a = _hermitian_from_lower(_matrices("matrix_rank", a, square=True))
    s = D.svdvals_p.bind(a, hermitian=bool(hermitian))
    if tol is None:
        if rtol is None:
            m, n = shape_of(a)[-2:]
            rtol = max(m, n) * float(np.finfo(np.dtype(E._dtype_of(s))).eps)
        else:
            rtol = np.asarray(_static(rtol, "rtol"))[..., None]
        big = R.max_p.bind(s, axis=-1, keepdims=True) if shape_of(s)[-1] else 0.0
        tol = E.mul_p.bind(big, rtol)
    else:
        tol = np.asarray(_static(tol, "tol"))[..., None]
    above = E.gt_p.bind(s, tol)
    return _t(E.astype_p.bind(R.sum_p.bind(above, axis=-1), dtype=np.dtype(np.intp)))


def _chain_order(dims: list) -> dict:
    """NumPy's optimal parenthesisation of a matrix chain (Cormen 15.2): the split points."""
    n = len(dims) - 1
    cost = {(i, i): 0 for i in range(n)}
    split = {}
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i, j] = np.inf
            for k in range(i, j):
                q = cost[i, k] + cost[k + 1, j] + dims[i] * dims[k + 1] * dims[j + 1]
                if q < cost[i, j]:
                    cost[i, j], split[i, j] = q, k
    return split


def multi_dot(arrays: Any, *, out: Any = None) -> Any:
    """The product of two or more matrices in the cheapest order, as
    ``np.linalg.multi_dot`` (a 1-D first or last array is a row or column vector).

    >>> import weifen as wf
    >>> wf.linalg.multi_dot([wf.ones((2, 3)), wf.ones((3, 4)), wf.ones(4)])
    tensor([12., 12.])
    """
    from weifen.numpy.linalg import dot

    if out is not None:
        raise WeifenValueError("linalg.multi_dot: out= is not supported; assign the result")
    xs = [_raw(a) for a in arrays]
    n = len(xs)
    if n < 2:
        raise WeifenValueError("linalg.multi_dot: expecting at least two arrays")
    if n == 2:
        return dot(xs[0], xs[1])
    first, last = len(shape_of(xs[0])), len(shape_of(xs[-1]))
    if first == 1:
        xs[0] = reshape_p.bind(xs[0], shape=(1,) + tuple(shape_of(xs[0])))
    if last == 1:
        xs[-1] = reshape_p.bind(xs[-1], shape=tuple(shape_of(xs[-1])) + (1,))
    if any(len(shape_of(a)) != 2 for a in xs):
        raise ShapeError("linalg.multi_dot: the arrays must be 2-d (the first and last may "
                         f"be 1-d), got shapes {[shape_of(a) for a in arrays]}")
    dims = [shape_of(a)[0] for a in xs] + [shape_of(xs[-1])[1]]
    if n == 3:
        a0, a1b0, b1c0, c1 = dims
        left = a0 * b1c0 * (a1b0 + c1) < a1b0 * c1 * (a0 + b1c0)
        split = {(0, 2): 1 if left else 0, (0, 1): 0, (1, 2): 1}
    else:
        split = _chain_order(dims)

    def prod(i: int, j: int) -> Any:
        if i == j:
            return xs[i]
        k = split[i, j]
        return LA.matmul_p.bind(prod(i, k), prod(k + 1, j))

    r = prod(0, n - 1)
    if first == 1 and last == 1:
        return _t(reshape_p.bind(r, shape=()))
    if first == 1 or last == 1:
        return _t(reshape_p.bind(r, shape=(int(np.prod(shape_of(r), dtype=np.int64)),)))
    return _t(r)


def diagonal(x: Any, /, *, offset: int = 0) -> Any:
    """The diagonals of the matrices in the last two axes, as ``np.linalg.diagonal``.

    >>> import weifen as wf
    >>> wf.linalg.diagonal(wf.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tensor([1., 4.])
    """
    return _t(LA.diagonal_p.bind(_matrices("diagonal", x), offset=offset, axis1=-2, axis2=-1))


def trace(x: Any, /, *, offset: int = 0, dtype: Any = None) -> Any:
    """The traces of the matrices in the last two axes, as ``np.linalg.trace``.

    >>> import weifen as wf
    >>> wf.linalg.trace(wf.ones((2, 3, 3)))
    tensor([3., 3.])
    """
    d = LA.diagonal_p.bind(_matrices("trace", x), offset=offset, axis1=-2, axis2=-1)
    if dtype is not None:
        d = E.astype_p.bind(d, dtype=np.dtype(dtype))
    return _t(R.sum_p.bind(d, axis=-1))


def vecdot(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    """The dot products ``sum(conj(x1) * x2)`` along ``axis`` (other axes broadcast), as
    ``np.linalg.vecdot``.

    >>> import weifen as wf
    >>> wf.linalg.vecdot(wf.tensor([[1.0, 2.0], [3.0, 4.0]]), wf.tensor([1.0, 1.0]))
    tensor([3., 7.])
    """
    a, b = _raw(x1), _raw(x2)
    sa, sb = shape_of(a), shape_of(b)
    if not sa or not sb or sa[axis] != sb[axis]:
        raise ShapeError(f"linalg.vecdot: shapes {sa} and {sb} differ along axis {axis}")
    return _t(R.sum_p.bind(D._conj(a) * b, axis=axis))
