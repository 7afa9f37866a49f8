"""User-facing decompositions of ``wf.linalg``: ``svd svdvals eig eigvals qr pinv
matrix_power lstsq``, with NumPy 2's names, signatures and result types.

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
           "SVDResult", "EigResult", "QRResult"]


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
        eye = np.broadcast_to(np.eye(s[-1], dtype=_dtype(a)), s)
        return _t(E.where_p.bind(np.ones(s, dtype=bool), eye, a))
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
    return np.asarray(x)


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
