"""``weifen.scipy.linalg``: SciPy's linear algebra under SciPy's names, signatures and
conventions (``cholesky`` gives the upper factor by default, ``qr`` the full one), every
function differentiable in its array arguments.

``sqrtm``, ``expm`` and ``solve_sylvester`` are primitives of their own
(:mod:`weifen.prims.scipy_linalg`: SciPy values where it is installed, NumPy fallbacks
otherwise, rules that solve Sylvester equations or take block exponentials); the rest are
composites of ``wf.linalg``. Functions that read one triangle of a matrix (``solve_triangular``,
``cholesky``, ``cho_factor``, ``eigh``, ``solve(assume_a="sym")``) have the derivative of that
same function: the other triangle gets a zero gradient. ``overwrite_*`` and ``check_finite``
are accepted and ignored.

>>> import weifen as wf
>>> from weifen.scipy import linalg
>>> a = wf.tensor([[4.0, 0.0], [0.0, 9.0]], requires_grad=True)
>>> linalg.sqrtm(a).trace().backward()
>>> a.grad
tensor([[0.25      , 0.        ],
        [0.        , 0.16666667]])
"""
from __future__ import annotations

from typing import Any

import numpy as np

import weifen as wf
from weifen.errors import ShapeError, WeifenValueError
from weifen.numpy._util import _raw, _t
from weifen.prims.scipy_linalg import _block_upper, expm_p, sqrtm_p, sylvester_p
from weifen.prims.shape import shape_of

__all__ = ["solve_triangular", "solve", "solve_banded", "solve_sylvester", "cholesky",
           "cho_factor", "cho_solve", "inv", "det", "sqrtm", "expm", "expm_frechet", "eigh",
           "eigvalsh", "eig", "eigvals", "svd", "svdvals", "qr", "pinv", "norm", "lstsq",
           "block_diag"]


def _square(name: str, a: Any) -> Any:
    a = _raw(a)
    s = shape_of(a)
    if len(s) < 2 or s[-1] != s[-2]:
        raise ShapeError(f"scipy.linalg.{name}: expected square matrix, got shape {tuple(s)}")
    return a


def _mT(x: Any) -> Any:
    return wf.swapaxes(x, -1, -2)


def _is_complex(x: Any) -> bool:
    return np.dtype(getattr(x, "dtype", np.float64)).kind == "c"


def _mH(x: Any) -> Any:
    """The conjugate transpose (the transpose of a real matrix)."""
    return _mT(wf.conj(x) if _is_complex(x) else x)


def _trans_code(trans: Any) -> int:
    codes = {0: 0, 1: 1, 2: 2, "N": 0, "T": 1, "C": 2, "n": 0, "t": 1, "c": 2}
    if trans not in codes:
        raise WeifenValueError(f"solve_triangular: trans must be 0, 1, 2, 'N', 'T' or 'C', "
                               f"got {trans!r}")
    return codes[trans]


def _unit_diagonal(a: Any) -> Any:
    """``a`` with its diagonal replaced by ones (the diagonal then has no derivative)."""
    n = shape_of(a)[-1]
    d = wf.diagonal(a, axis1=-2, axis2=-1)
    dt = np.dtype(getattr(a, "dtype", np.float64))
    return a - wf.make_diagonal(d, axis1=-2, axis2=-1) + np.eye(n, dtype=dt)


def solve_triangular(a: Any, b: Any, trans: Any = 0, lower: bool = False,
                     unit_diagonal: bool = False, overwrite_b: bool = False,
                     check_finite: bool = True) -> Any:
    """Solve ``a x = b`` (``trans=1``: ``a^T x = b``; ``2``: ``a^H x = b``) reading only the
    lower or upper triangle of ``a``, as ``scipy.linalg.solve_triangular``.

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import solve_triangular
    >>> a = wf.tensor([[2.0, 0.0], [1.0, 1.0]])
    >>> solve_triangular(a, wf.tensor([2.0, 3.0]), lower=True)
    tensor([1., 2.])
    >>> solve_triangular(a, wf.tensor([2.0, 3.0]), trans="T", lower=True)
    tensor([-0.5,  3. ])
    """
    a = _square("solve_triangular", a)
    code = _trans_code(trans)
    if unit_diagonal:
        a = _raw(_unit_diagonal(a))
    if code:
        a = _mT(wf.conj(a) if code == 2 and _is_complex(a) else a)
        lower = not lower
    return wf.linalg.solve_triangular(a, b, lower=bool(lower))


def _symmetric_from(a: Any, lower: bool, hermitian: bool) -> Any:
    """The symmetric (Hermitian) matrix that the ``lower`` (or upper) triangle of ``a``
    stands for."""
    t = wf.tril(a) if lower else wf.triu(a)
    strict = wf.tril(a, -1) if lower else wf.triu(a, 1)
    other = _mT(wf.conj(strict) if hermitian and _is_complex(a) else strict)
    if hermitian and _is_complex(a):
        d = wf.diagonal(t, axis1=-2, axis2=-1)
        t = t - wf.make_diagonal(d - wf.real(d), axis1=-2, axis2=-1)
    return t + other


_GENERAL = (None, "gen", "general")
_SYM = ("sym", "symmetric", "pos", "positive definite", "pd")
_HER = ("her", "hermitian")


def solve(a: Any, b: Any, lower: bool = False, overwrite_a: bool = False,
          overwrite_b: bool = False, check_finite: bool = True, assume_a: Any = None,
          transposed: bool = False) -> Any:
    """Solve ``a x = b``, as ``scipy.linalg.solve``. ``assume_a="sym"``, ``"her"`` or
    ``"pos"`` read one triangle of ``a`` (``lower``); ``"lower triangular"``, ``"upper
    triangular"`` and ``"diagonal"`` read those parts; ``transposed`` solves ``a^T x = b``.

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import solve
    >>> solve(wf.tensor([[2.0, 1.0], [7.0, 3.0]]), wf.tensor([3.0, 4.0]), assume_a="sym",
    ...       lower=False)
    tensor([1., 1.])
    """
    a = _square("solve", a)
    if assume_a in _SYM or assume_a in _HER:
        a = _raw(_symmetric_from(a, bool(lower), assume_a in _HER))
    elif assume_a in ("lower triangular", "upper triangular"):
        return solve_triangular(a, b, trans=1 if transposed else 0,
                                lower=assume_a == "lower triangular")
    elif assume_a == "diagonal":
        d = wf.diagonal(a, axis1=-2, axis2=-1)
        b = _raw(b)
        return _t(b / (d if len(shape_of(b)) == len(shape_of(d)) else wf.expand_dims(d, -1)))
    elif assume_a not in _GENERAL:
        raise NotImplementedError(f"scipy.linalg.solve: assume_a={assume_a!r} is not "
                                  "supported by weifen")
    if transposed:
        a = _mT(a)
    return wf.linalg.solve(a, b)


def solve_banded(l_and_u: Any, ab: Any, b: Any, overwrite_ab: bool = False,
                 overwrite_b: bool = False, check_finite: bool = True) -> Any:
    """Solve ``a x = b`` for a banded ``a`` in LAPACK's band storage (``a[i, j] =
    ab[u + i - j, j]``), as ``scipy.linalg.solve_banded``. Entries of ``ab`` outside the
    matrix are not read (zero gradient).

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import solve_banded
    >>> ab = wf.tensor([[0.0, 1.0, 1.0], [2.0, 2.0, 2.0], [1.0, 1.0, 0.0]])
    >>> solve_banded((1, 1), ab, wf.tensor([3.0, 4.0, 3.0]))
    tensor([1., 1., 1.])
    """
    nl, nu = (int(v) for v in l_and_u)
    ab = _raw(ab)
    s = shape_of(ab)
    if len(s) != 2 or s[0] != nl + nu + 1:
        raise ShapeError(f"solve_banded: ab must have shape ({nl + nu + 1}, n) for "
                         f"(l, u) = ({nl}, {nu}), got {tuple(s)}")
    n = s[1]
    full = None
    for r in range(nl + nu + 1):
        k = nu - r  # a[i, i + k] = ab[r, i + k]
        if abs(k) >= n:
            continue
        v = ab[r, k:] if k >= 0 else ab[r, :n + k]
        m = wf.make_diagonal(v, offset=k)
        full = m if full is None else full + m
    return wf.linalg.solve(full, b)


def solve_sylvester(a: Any, b: Any, q: Any) -> Any:
    """The ``x`` with ``a x + x b = q``, as ``scipy.linalg.solve_sylvester``.

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import solve_sylvester
    >>> solve_sylvester(wf.tensor([[1.0, 0.0], [0.0, 2.0]]), wf.tensor([[3.0]]),
    ...                 wf.tensor([[4.0], [10.0]]))
    tensor([[1.],
            [2.]])
    """
    return _t(sylvester_p.bind(_square("solve_sylvester", a), _square("solve_sylvester", b),
                               _raw(q)))


def cholesky(a: Any, lower: bool = False, overwrite_a: bool = False,
             check_finite: bool = True) -> Any:
    """The Cholesky factor of ``a``, as ``scipy.linalg.cholesky``: upper ``U`` with
    ``a = U^H U`` by default, lower ``L`` with ``a = L L^H`` for ``lower=True``. Reads the
    named triangle of ``a``.

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import cholesky
    >>> cholesky(wf.tensor([[4.0, 2.0], [2.0, 5.0]]))
    tensor([[2., 1.],
            [0., 2.]])
    """
    a = _square("cholesky", a)
    if lower:
        return wf.linalg.cholesky(a)
    # the upper triangle of a is the lower one of a^H; U = L^H
    at = _mT(wf.conj(a) if _is_complex(a) else a)
    low = wf.linalg.cholesky(at)
    return _mT(wf.conj(low) if _is_complex(low) else low)


def cho_factor(a: Any, lower: bool = False, overwrite_a: bool = False,
               check_finite: bool = True) -> tuple:
    """``(c, lower)`` for :func:`cho_solve`, as ``scipy.linalg.cho_factor``: ``c`` holds the
    Cholesky factor in its ``lower`` (or upper) triangle; here the other triangle is zero
    (SciPy leaves arbitrary values there, which ``cho_solve`` never reads).

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import cho_factor
    >>> cho_factor(wf.tensor([[4.0, 2.0], [2.0, 5.0]]), lower=True)
    (tensor([[2., 0.],
            [1., 2.]]), True)
    """
    return cholesky(a, lower=lower), bool(lower)


def cho_solve(c_and_lower: tuple, b: Any, overwrite_b: bool = False,
              check_finite: bool = True) -> Any:
    """Solve ``a x = b`` given ``cho_factor(a)``, as ``scipy.linalg.cho_solve`` (reads only
    the factor's triangle; differentiable in the factor and in ``b``).

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import cho_factor, cho_solve
    >>> cho_solve(cho_factor(wf.tensor([[4.0, 2.0], [2.0, 5.0]])), wf.tensor([6.0, 7.0]))
    tensor([1., 1.])
    """
    c, lower = c_and_lower
    c = _raw(c)
    if lower:  # a = L L^H: L y = b, then L^H x = y
        y = solve_triangular(c, b, lower=True)
        return solve_triangular(c, y, trans=2, lower=True)
    y = solve_triangular(c, b, trans=2, lower=False)  # a = U^H U
    return solve_triangular(c, y, lower=False)


def inv(a: Any, overwrite_a: bool = False, check_finite: bool = True) -> Any:
    """The inverse of a square matrix, as ``scipy.linalg.inv``.

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import inv
    >>> inv(wf.tensor([[2.0, 0.0], [0.0, 4.0]]))
    tensor([[0.5 , 0.  ],
            [0.  , 0.25]])
    """
    return wf.linalg.inv(_square("inv", a))


def det(a: Any, overwrite_a: bool = False, check_finite: bool = True) -> Any:
    """The determinant, as ``scipy.linalg.det``.

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import det
    >>> det(wf.tensor([[2.0, 1.0], [1.0, 3.0]]))
    tensor(5.)
    """
    return wf.linalg.det(_square("det", a))


def sqrtm(A: Any, disp: bool = True, blocksize: int = 64) -> Any:
    """The principal matrix square root, as ``scipy.linalg.sqrtm`` (complex where ``A`` has
    negative eigenvalues). The derivative solves ``X dX + dX X = dA``. ``disp=False``
    returns ``(X, errest)`` with ``errest = ||X X - A||_F / ||A||_F``.

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import sqrtm
    >>> sqrtm(wf.tensor([[5.0, 4.0], [4.0, 5.0]]))
    tensor([[2., 1.],
            [1., 2.]])
    """
    a = _square("sqrtm", A)
    x = _t(sqrtm_p.bind(a))
    if disp:
        return x
    return x, wf.linalg.norm(x @ x - a) / wf.linalg.norm(a)


def expm(A: Any) -> Any:
    """The matrix exponential, as ``scipy.linalg.expm`` (stacks of matrices too). The
    derivative along ``E`` is the top-right block of ``expm([[A, E], [0, A]])``.

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import expm
    >>> a = wf.tensor([[0.0, 1.0], [0.0, 0.0]], requires_grad=True)
    >>> expm(a)
    tensor([[1., 1.],
            [0., 1.]], grad_fn=<ExpmBackward>)
    """
    return _t(expm_p.bind(_square("expm", A)))


def expm_frechet(A: Any, E: Any, method: Any = None, compute_expm: bool = True,
                 check_finite: bool = True) -> Any:
    """``(expm(A), L)`` with ``L`` the derivative of ``expm`` at ``A`` along ``E`` (or ``L``
    alone with ``compute_expm=False``), as ``scipy.linalg.expm_frechet``.

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import expm_frechet
    >>> expm_frechet(wf.zeros((2, 2)), wf.eye(2), compute_expm=False)
    tensor([[1., 0.],
            [0., 1.]])
    """
    a, e = _square("expm_frechet", A), _raw(E)
    if tuple(shape_of(e)) != tuple(shape_of(a)):
        raise ShapeError(f"expm_frechet: A and E must have the same shape, got "
                         f"{tuple(shape_of(a))} and {tuple(shape_of(e))}")
    big = _t(expm_p.bind(_block_upper(a, e)))
    n = shape_of(a)[-1]
    lfr = big[..., :n, n:]
    return (big[..., :n, :n], lfr) if compute_expm else lfr


def _scipy_only(name: str, **opts: Any) -> None:
    for k, v in opts.items():
        if v:
            raise NotImplementedError(f"scipy.linalg.{name}: {k}={v!r} is not supported by "
                                      "weifen")


def eigh(a: Any, b: Any = None, *, lower: bool = True, eigvals_only: bool = False,
         overwrite_a: bool = False, overwrite_b: bool = False, type: int = 1,
         check_finite: bool = True, subset_by_index: Any = None,
         subset_by_value: Any = None, driver: Any = None) -> Any:
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix, or of the pencil
    ``a v = w b v`` (``b`` positive definite, ``type=1``), as ``scipy.linalg.eigh``; reads
    the ``lower`` (or upper) triangle. ``subset_by_index=(lo, hi)`` keeps those eigenpairs.

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import eigh
    >>> eigh(wf.tensor([[2.0, 0.0], [0.0, 1.0]]), eigvals_only=True)
    tensor([1., 2.])
    """
    _scipy_only("eigh", subset_by_value=subset_by_value, type=type != 1)
    a = _square("eigh", a)
    if not lower:
        a = _mH(a)
    if b is None:
        w, v = wf.linalg.eigh(a)
    else:  # C = L^-1 A L^-H with B = L L^H; then v = L^-H u
        low = cholesky(b, lower=lower)
        if not lower:  # b = U^H U from b's upper triangle: L = U^H
            low = _mH(low)
        sym = _symmetric_from(a, True, _is_complex(a))
        y = solve_triangular(low, sym, lower=True)  # L^-1 A
        c = _mH(solve_triangular(low, _mH(y), lower=True))  # (L^-1 (L^-1 A)^H)^H = L^-1 A L^-H
        w, u = wf.linalg.eigh(0.5 * (c + _mH(c)))
        v = solve_triangular(low, u, trans=2, lower=True)
    if subset_by_index is not None:
        lo, hi = (int(i) for i in subset_by_index)
        w, v = w[..., lo:hi + 1], v[..., lo:hi + 1]
    return w if eigvals_only else (w, v)


def eigvalsh(a: Any, b: Any = None, *, lower: bool = True, overwrite_a: bool = False,
             overwrite_b: bool = False, type: int = 1, check_finite: bool = True,
             subset_by_index: Any = None, subset_by_value: Any = None,
             driver: Any = None) -> Any:
    """The eigenvalues of a symmetric matrix (or pencil), as ``scipy.linalg.eigvalsh``.

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import eigvalsh
    >>> eigvalsh(wf.tensor([[2.0, 1.0], [1.0, 2.0]]))
    tensor([1., 3.])
    """
    return eigh(a, b, lower=lower, eigvals_only=True, type=type,
                subset_by_index=subset_by_index, subset_by_value=subset_by_value)


def _as_complex(x: Any) -> Any:
    if _is_complex(x):
        return x
    dt = np.complex64 if np.dtype(getattr(x, "dtype", np.float64)) == np.float32 \
        else np.complex128
    return wf.astype(x, dt)


def eig(a: Any, b: Any = None, left: bool = False, right: bool = True,
        overwrite_a: bool = False, overwrite_b: bool = False, check_finite: bool = True,
        homogeneous_eigvals: bool = False) -> Any:
    """Eigenvalues (always complex, as SciPy gives them) and right eigenvectors of a general
    matrix, as ``scipy.linalg.eig`` (``b``, ``left`` and ``homogeneous_eigvals`` are not
    supported).

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import eig
    >>> eig(wf.tensor([[2.0, 0.0], [0.0, 3.0]]))[0]
    tensor([2.+0.j, 3.+0.j], dtype=complex128)
    """
    _scipy_only("eig", b=b is not None, left=left, homogeneous_eigvals=homogeneous_eigvals)
    w, v = wf.linalg.eig(_square("eig", a))
    return _as_complex(w) if not right else (_as_complex(w), v)


def eigvals(a: Any, b: Any = None, overwrite_a: bool = False, check_finite: bool = True,
            homogeneous_eigvals: bool = False) -> Any:
    """The eigenvalues of a general matrix (complex), as ``scipy.linalg.eigvals``.

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import eigvals
    >>> eigvals(wf.tensor([[0.0, 1.0], [-1.0, 0.0]]))
    tensor([0.+1.j, 0.-1.j], dtype=complex128)
    """
    _scipy_only("eigvals", b=b is not None, homogeneous_eigvals=homogeneous_eigvals)
    return _as_complex(wf.linalg.eigvals(_square("eigvals", a)))


def svd(a: Any, full_matrices: bool = True, compute_uv: bool = True,
        overwrite_a: bool = False, check_finite: bool = True,
        lapack_driver: str = "gesdd") -> Any:
    """``(U, s, Vh)`` (or ``s`` alone), as ``scipy.linalg.svd``.

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import svd
    >>> svd(wf.tensor([[3.0, 0.0], [0.0, 4.0]]), compute_uv=False)
    tensor([4., 3.])
    """
    r = wf.linalg.svd(a, full_matrices=full_matrices, compute_uv=compute_uv)
    return tuple(r) if compute_uv else r


def svdvals(a: Any, overwrite_a: bool = False, check_finite: bool = True) -> Any:
    """The singular values, descending, as ``scipy.linalg.svdvals``.

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import svdvals
    >>> svdvals(wf.tensor([[3.0, 0.0], [0.0, 4.0]]))
    tensor([4., 3.])
    """
    return wf.linalg.svdvals(a)


def qr(a: Any, overwrite_a: bool = False, lwork: Any = None, mode: str = "full",
       pivoting: bool = False, check_finite: bool = True) -> Any:
    """``(Q, R)`` as ``scipy.linalg.qr``: ``mode="full"`` (square Q), ``"economic"``, or
    ``"r"`` (returns ``(R,)``). Pivoting is not supported.

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import qr
    >>> [t.shape for t in qr(wf.ones((3, 2)))]
    [(3, 3), (3, 2)]
    """
    _scipy_only("qr", pivoting=pivoting)
    modes = {"full": "complete", "economic": "reduced", "r": "complete"}
    if mode not in modes:
        raise WeifenValueError(f"scipy.linalg.qr: mode must be 'full', 'economic' or 'r', "
                               f"got {mode!r}")
    q, r = wf.linalg.qr(a, mode=modes[mode])
    return (r,) if mode == "r" else (q, r)


def pinv(a: Any, *, atol: Any = None, rtol: Any = None, return_rank: bool = False,
         check_finite: bool = True) -> Any:
    """The pseudo-inverse, as ``scipy.linalg.pinv``: singular values at most
    ``rtol * max(s)`` are dropped (default ``rtol = max(M, N) * eps``; a nonzero ``atol`` is
    not supported).

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import pinv
    >>> pinv(wf.tensor([[2.0, 0.0], [0.0, 0.0]]))
    tensor([[0.5, 0. ],
            [0. , 0. ]])
    """
    _scipy_only("pinv", atol=atol is not None and np.any(np.asarray(atol) != 0))
    a = _raw(a)
    m, n = shape_of(a)[-2:]
    dt = np.dtype(getattr(a, "dtype", np.float64))
    eps = float(np.finfo(dt if dt.kind in "fc" else np.float64).eps)
    cut = max(m, n) * eps if rtol is None else rtol
    p = wf.linalg.pinv(a, rcond=cut)
    if not return_rank:
        return p
    s = np.asarray(wf.linalg.svdvals(wf.stop_gradient(a)))
    return p, int(np.sum(s > cut * s.max(initial=0.0)))


def norm(a: Any, ord: Any = None, axis: Any = None, keepdims: bool = False,
         check_finite: bool = True) -> Any:
    """Vector or matrix norm, as ``scipy.linalg.norm``.

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import norm
    >>> norm(wf.tensor([3.0, 4.0]))
    tensor(5.)
    """
    return wf.linalg.norm(a, ord=ord, axis=axis, keepdims=keepdims)


def lstsq(a: Any, b: Any, cond: Any = None, overwrite_a: bool = False,
          overwrite_b: bool = False, check_finite: bool = True, lapack_driver: Any = None
          ) -> tuple:
    """``(x, residues, rank, s)`` minimising ``||b - a x||``, as ``scipy.linalg.lstsq``.

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import lstsq
    >>> lstsq(wf.tensor([[1.0], [1.0]]), wf.tensor([1.0, 3.0]))[0]
    tensor([2.])
    """
    return tuple(wf.linalg.lstsq(a, b, rcond=cond))


def block_diag(*arrs: Any) -> Any:
    """The block-diagonal matrix of the given blocks (1-d ones are rows, scalars 1 x 1), as
    ``scipy.linalg.block_diag``.

    >>> import weifen as wf
    >>> from weifen.scipy.linalg import block_diag
    >>> block_diag(wf.tensor([[1.0]]), wf.tensor([[2.0, 3.0]]))
    tensor([[1., 0., 0.],
            [0., 2., 3.]])
    """
    if not arrs:
        return wf.zeros((1, 0))
    blocks = []
    for x in arrs:
        x = _raw(x)
        nd = len(shape_of(x))
        if nd > 2:
            raise ShapeError(f"block_diag: blocks must have at most 2 dimensions, got {nd}")
        blocks.append(wf.reshape(x, (1, -1)) if nd < 2 else x)
    total = sum(shape_of(x)[1] for x in blocks)
    rows, left = [], 0
    for x in blocks:
        w = shape_of(x)[1]
        rows.append(wf.pad(x, ((0, 0), (left, total - left - w))))
        left += w
    return wf.concatenate(rows, axis=0)
