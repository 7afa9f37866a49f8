"""User-facing linear algebra: ``matmul dot vdot outer inner tensordot einsum trace diagonal
tril triu norm`` here, and the ``wf.linalg`` functions (``inv solve det slogdet cholesky eigh
...``), which :mod:`weifen.linalg` re-exports and which stay out of the top-level namespace.

``dot``, ``vdot``, ``outer``, ``inner`` and ``tensordot`` are composites of reshape,
transpose and matmul (BLAS products, and rules that already exist); ``einsum`` is a
primitive whose user-facing forms (implicit output, ellipsis, interleaved operand lists)
are normalised here to one explicit subscript string.
"""
from __future__ import annotations

import string
from typing import Any, NamedTuple

import numpy as np

from weifen.errors import ShapeError, WeifenTypeError, WeifenValueError
from weifen.numpy._util import _raw, _t
from weifen.prims import elementwise as E
from weifen.prims import linalg as LA
from weifen.prims import reduce as R
from weifen.prims.reduce import _keep_shape
from weifen.prims.shape import broadcast_to_p, reshape_p, shape_of, transpose_p
from weifen.prims.complex import conj_p, real_p

__all__ = ["matmul", "dot", "vdot", "outer", "inner", "tensordot", "einsum", "trace",
           "diagonal", "tril", "triu", "norm"]


def matmul(a: Any, b: Any) -> Any:
    """Matrix product with NumPy's rules (1-D operands, batched stacks), as ``np.matmul``.

    >>> import weifen as wf
    >>> wf.matmul(wf.eye(2), wf.tensor([1.0, 2.0]))
    tensor([1., 2.])
    """
    return _t(LA.matmul_p.bind(_raw(a), _raw(b)))


def _prod(shape: tuple) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


def tensordot(a: Any, b: Any, axes: Any = 2) -> Any:
    """Sum products over ``axes`` of ``a`` and ``b`` (an int N: a's last N, b's first N).

    >>> import weifen as wf
    >>> wf.tensordot(wf.ones((2, 3, 4)), wf.ones((3, 4, 5)), axes=2).shape
    (2, 5)
    >>> wf.tensordot(wf.ones((3, 2)), wf.ones((3, 4)), axes=([0], [0])).shape
    (2, 4)
    """
    a, b = _raw(a), _raw(b)
    sa, sb = shape_of(a), shape_of(b)
    if isinstance(axes, int):
        if axes < 0 or axes > min(len(sa), len(sb)):
            raise ShapeError(f"tensordot: axes={axes} does not fit shapes {sa} and {sb}")
        ax_a, ax_b = list(range(len(sa) - axes, len(sa))), list(range(axes))
    else:
        ax_a, ax_b = axes
        ax_a = [ax_a] if isinstance(ax_a, int) else list(ax_a)
        ax_b = [ax_b] if isinstance(ax_b, int) else list(ax_b)
    try:
        ax_a = [i % len(sa) if sa else i for i in ax_a]
        ax_b = [i % len(sb) if sb else i for i in ax_b]
        ok = len(ax_a) == len(ax_b) and all(sa[i] == sb[j] for i, j in zip(ax_a, ax_b, strict=True))
    except (IndexError, ZeroDivisionError):
        ok = False
    if not ok:
        raise ShapeError(f"tensordot: shape-mismatch for sum over axes {ax_a} of {sa} and "
                         f"{ax_b} of {sb}")
    free_a = [i for i in range(len(sa)) if i not in ax_a]
    free_b = [i for i in range(len(sb)) if i not in ax_b]
    k = _prod([sa[i] for i in ax_a])
    fa = [sa[i] for i in free_a]
    fb = [sb[i] for i in free_b]
    a2 = _arrange(a, free_a + ax_a, (_prod(fa), k))
    b2 = _arrange(b, ax_b + free_b, (k, _prod(fb)))
    return _t(reshape_p.bind(LA.matmul_p.bind(a2, b2), shape=tuple(fa + fb)))


def _arrange(x: Any, perm: list, shape: tuple) -> Any:
    """``x`` transposed by ``perm`` and reshaped to ``shape`` (skipping what is a no-op)."""
    if perm != sorted(perm):
        x = transpose_p.bind(x, axes=tuple(perm))
    return x if shape_of(x) == shape else reshape_p.bind(x, shape=shape)


def dot(a: Any, b: Any) -> Any:
    """Dot product with NumPy's rules: scalars multiply, 1-D and 2-D as matmul, N-D sums
    over the last axis of ``a`` and the second-to-last of ``b``, as ``np.dot``.

    >>> import weifen as wf
    >>> x = wf.tensor([1.0, 2.0], requires_grad=True)
    >>> y = wf.dot(x, x)
    >>> y.backward()
    >>> y, x.grad
    (tensor(5., grad_fn=<MatmulBackward>), tensor([2., 4.]))
    """
    a, b = _raw(a), _raw(b)
    sa, sb = shape_of(a), shape_of(b)
    if not sa or not sb:
        return _t(a * b)
    j = -1 if len(sb) == 1 else -2
    if sa[-1] != sb[j]:
        raise ShapeError(f"dot: shapes {sa} and {sb} not aligned: {sa[-1]} (dim "
                         f"{len(sa) - 1}) != {sb[j]} (dim {len(sb) + j})")
    if len(sb) == 1 or (len(sa) <= 2 and len(sb) == 2):
        return _t(LA.matmul_p.bind(a, b))
    return tensordot(a, b, axes=([len(sa) - 1], [len(sb) - 2]))


def vdot(a: Any, b: Any) -> Any:
    """Dot product of the flattened arrays, as ``np.vdot`` (real inputs).

    >>> import weifen as wf
    >>> wf.vdot(wf.tensor([[1.0, 2.0], [3.0, 4.0]]), wf.ones((2, 2)))
    tensor(10.)
    """
    a, b = _raw(a), _raw(b)
    if np.dtype(E._dtype_of(a)).kind == "c":
        raise NotImplementedError("vdot: complex inputs (which vdot conjugates) are not "
                                  "supported yet; use wf.dot on real arrays")
    na, nb = _prod(shape_of(a)), _prod(shape_of(b))
    if na != nb:
        raise ShapeError(f"vdot: inputs of shapes {shape_of(a)} and {shape_of(b)} have "
                         f"different sizes ({na} and {nb})")
    return _t(LA.matmul_p.bind(reshape_p.bind(a, shape=(na,)), reshape_p.bind(b, shape=(nb,))))


def outer(a: Any, b: Any) -> Any:
    """Outer product of the flattened inputs, as ``np.outer``.

    >>> import weifen as wf
    >>> wf.outer(wf.tensor([1.0, 2.0]), wf.tensor([1.0, 10.0, 100.0]))
    tensor([[  1.,  10., 100.],
            [  2.,  20., 200.]])
    """
    a, b = _raw(a), _raw(b)
    return _t(reshape_p.bind(a, shape=(_prod(shape_of(a)), 1))
              * reshape_p.bind(b, shape=(1, _prod(shape_of(b)))))


def inner(a: Any, b: Any) -> Any:
    """Sum of products over the last axes, as ``np.inner`` (scalars multiply).

    >>> import weifen as wf
    >>> wf.inner(wf.ones((2, 3)), wf.ones((4, 3))).shape
    (2, 4)
    """
    a, b = _raw(a), _raw(b)
    sa, sb = shape_of(a), shape_of(b)
    if not sa or not sb:
        return _t(a * b)
    return tensordot(a, b, axes=([len(sa) - 1], [len(sb) - 1]))


# ---------------------------------------------------------------- einsum
_LETTERS = set(string.ascii_letters)


def _sublist(sub: Any) -> str:
    """An interleaved-form label list as subscripts: 0-25 -> A-Z, 26-51 -> a-z."""
    out = []
    for s in sub:
        if s is Ellipsis:
            out.append("...")
        elif isinstance(s, (int, np.integer)) and 0 <= s < 52:
            out.append(chr(ord("A") + s) if s < 26 else chr(ord("a") + s - 26))
        else:
            raise WeifenValueError(f"einsum: subscript labels must be integers in [0, 52) or "
                                   f"Ellipsis, got {s!r}")
    return "".join(out)


def _einsum_subscripts(subscripts: str, shapes: list) -> str:
    """Normalise to explicit "ij,jk->ik": ellipses become letters, the output is spelled out."""
    s = subscripts.replace(" ", "")
    ins, arrow, out = s.partition("->")
    ins = ins.split(",")
    if len(ins) != len(shapes):
        raise WeifenValueError(f"einsum: subscripts {subscripts!r} name {len(ins)} operands "
                               f"but {len(shapes)} were given")
    used = set(s) - set(".,->")
    bad = used - _LETTERS
    if bad:
        raise WeifenValueError(f"einsum: invalid subscript character(s) {sorted(bad)} in "
                               f"{subscripts!r}: use letters a-z, A-Z and '...'")
    pool = [c for c in string.ascii_letters if c not in used]
    nell = []
    for i, (sub, shp) in enumerate(zip(ins, shapes, strict=True)):
        named = len(sub.replace("...", ""))
        n = len(shp) - named if "..." in sub else 0
        if n < 0 or ("..." not in sub and named != len(shp)) or sub.count("...") > 1:
            raise ShapeError(f"einsum: operand {i} has shape {shp} ({len(shp)} axes) but "
                             f"its subscripts {sub!r} do not name that many")
        nell.append(n)
    ne = max(nell, default=0)
    ell = "".join(pool[:ne])
    ins = [sub.replace("...", ell[ne - n:]) for sub, n in zip(ins, nell, strict=True)]
    sizes: dict = {}
    for i, (sub, shp) in enumerate(zip(ins, shapes, strict=True)):
        mine: dict = {}
        for c, n in zip(sub, shp, strict=True):
            if mine.setdefault(c, n) != n:  # a diagonal needs equal sizes
                raise ShapeError(f"einsum {subscripts!r}: operand {i} of shape {shp} repeats "
                                 f"index {c!r} over axes of different sizes")
            m = sizes.setdefault(c, n)
            if m != n and 1 not in (m, n):  # size-1 axes broadcast, as in NumPy
                raise ShapeError(f"einsum {subscripts!r}: index {c!r} has size {m} in one "
                                 f"operand and {n} in operand {i} (shapes {list(shapes)})")
            sizes[c] = max(m, n)
    if arrow:
        if "..." in out:
            out = out.replace("...", ell)
        elif ne:
            raise WeifenValueError(
                f"einsum {subscripts!r}: output has more dimensions than subscripts given, "
                "but no '...' ellipsis provided to broadcast the extra dimensions")
        counts = "".join(ins)
        for c in out:
            if c not in counts or out.count(c) > 1:
                raise WeifenValueError(f"einsum {subscripts!r}: output subscript {c!r} "
                                       "appears more than once or in no input")
    else:
        joined = "".join(ins)
        out = ell + "".join(sorted(c for c in set(joined) - set(ell) if joined.count(c) == 1))
    return ",".join(ins) + "->" + out


def einsum(*operands: Any, optimize: Any = None) -> Any:
    """Einstein summation, as ``np.einsum`` (implicit output, ``...``, repeated indices
    and the interleaved ``einsum(op0, sublist0, op1, sublist1, ...)`` form). Every form is
    differentiable; each operand's gradient is another einsum.

    >>> import weifen as wf
    >>> a = wf.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> wf.einsum("ij,jk", a, a)
    tensor([[ 7., 10.],
            [15., 22.]], grad_fn=<EinsumBackward>)
    >>> t = wf.einsum("ii", a)
    >>> t.backward()
    >>> a.grad
    tensor([[1., 0.],
            [0., 1.]])
    """
    if not operands:
        raise WeifenTypeError("einsum: no subscripts and operands given")
    if isinstance(operands[0], str):
        subscripts, ops = operands[0], list(operands[1:])
    else:  # interleaved: op0, sub0, op1, sub1, ..., [subout]
        ops = list(operands[0::2])
        subs = [_sublist(s) for s in operands[1::2]]
        if len(operands) % 2:
            subscripts = ",".join(subs) + "->" + _sublist(ops.pop())
        else:
            subscripts = ",".join(subs)
    if len(ops) > LA.MAX_OPERANDS:
        raise WeifenValueError(f"einsum: at most {LA.MAX_OPERANDS} operands, got {len(ops)}")
    ops = [_raw(o) for o in ops]
    subs = _einsum_subscripts(subscripts, [shape_of(o) for o in ops])
    return _t(LA.einsum_p.bind(*ops, subscripts=subs))


# ---------------------------------------------------------------- diagonals, triangles
def diagonal(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """The diagonal over ``axis1`` and ``axis2`` (appended as the last axis), as ``np.diagonal``.

    >>> import weifen as wf
    >>> wf.diagonal(wf.tensor([[1.0, 2.0], [3.0, 4.0]]), offset=1)
    tensor([2.])
    """
    return _t(LA.diagonal_p.bind(_raw(x), offset=offset, axis1=axis1, axis2=axis2))


def trace(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None,
          out: Any = None) -> Any:
    """Sum along a diagonal, as ``np.trace``.

    >>> import weifen as wf
    >>> wf.trace(wf.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tensor(5.)
    """
    if out is not None:
        raise WeifenValueError("trace: out= is not supported; assign the result instead")
    d = LA.diagonal_p.bind(_raw(x), offset=offset, axis1=axis1, axis2=axis2)
    if dtype is not None:
        d = E.astype_p.bind(d, dtype=np.dtype(dtype))
    return _t(R.sum_p.bind(d, axis=len(shape_of(d)) - 1))


def _tri(prim: Any, x: Any, k: int) -> Any:
    x = _raw(x)
    s = shape_of(x)
    if len(s) == 1:  # NumPy repeats a vector into the rows of a square matrix first
        x = broadcast_to_p.bind(x, shape=(s[0], s[0]))
    return _t(prim.bind(x, k=k))


def tril(x: Any, k: int = 0) -> Any:
    """Lower triangle (zero above the ``k``-th diagonal) of the last two axes, as ``np.tril``.

    >>> import weifen as wf
    >>> wf.tril(wf.ones((2, 2)))
    tensor([[1., 0.],
            [1., 1.]])
    """
    return _tri(LA.tril_p, x, k)


def triu(x: Any, k: int = 0) -> Any:
    """Upper triangle (zero below the ``k``-th diagonal) of the last two axes, as ``np.triu``.

    >>> import weifen as wf
    >>> wf.triu(wf.ones((2, 2)))
    tensor([[1., 1.],
            [0., 1.]])
    """
    return _tri(LA.triu_p, x, k)


# ---------------------------------------------------------------- norms
def _safe_root(s: Any, p: float = 2.0) -> Any:
    """``s ** (1/p)`` with derivative 0 (not nan) where ``s == 0``: the double-where trick
    keeps the unused branch finite, so the gradient of ``norm`` at 0 is 0 as in torch."""
    z = E.eq_p.bind(s, 0)
    safe = E.where_p.bind(z, 1.0, s)
    r = E.sqrt_p.bind(safe) if p == 2 else E.pow_p.bind(safe, 1.0 / p)
    return E.where_p.bind(z, 0.0, r)


def _as_float(x: Any) -> Any:
    dt = getattr(x, "dtype", None)
    if dt is None:
        dt = np.result_type(x)
    if not np.issubdtype(dt, np.inexact):
        return E.astype_p.bind(x, dtype=np.dtype(np.float64))
    return x


def _vector_norm(x: Any, ord: Any, axis: Any) -> Any:
    if ord is None or ord == 2:
        return _safe_root(R.sum_p.bind(_abs2(x), axis=axis))
    if isinstance(ord, str):
        raise WeifenValueError(f"norm: invalid norm order {ord!r} for vectors")
    a = E.abs_p.bind(x)
    if ord == np.inf:
        return R.max_p.bind(a, axis=axis)
    if ord == -np.inf:
        return R.min_p.bind(a, axis=axis)
    if ord == 0:
        real = np.empty((), np.dtype(E._dtype_of(x))).real.dtype  # NumPy counts in it
        nz = E.astype_p.bind(E.ne_p.bind(x, 0), dtype=real)
        return R.sum_p.bind(nz, axis=axis)
    if ord == 1:
        return R.sum_p.bind(a, axis=axis)
    return _safe_root(R.sum_p.bind(E.pow_p.bind(a, float(ord)), axis=axis), float(ord))


def _singular_values(x: Any, r: int, c: int) -> Any:
    """The singular values of the (r, c) matrices of ``x`` (descending, along a last axis
    that replaces r and c), as NumPy's ``norm`` computes them."""
    from weifen.prims.decomp import svdvals_p

    nd = len(shape_of(x))
    m = transpose_p.bind(x, axes=tuple(i for i in range(nd) if i not in (r, c)) + (r, c))
    return svdvals_p.bind(m, hermitian=False)


def _abs2(x: Any) -> Any:
    """``|x|**2`` (real), for complex entries too."""
    if np.dtype(E._dtype_of(x)).kind != "c":
        return x * x
    from weifen.prims.decomp import _conj, _real

    return _real(x * _conj(x))


def _matrix_norm(x: Any, ord: Any, r: int, c: int) -> Any:
    if ord is None or ord == "fro":
        return _safe_root(R.sum_p.bind(_abs2(x), axis=(r, c)))
    if ord in (2, -2, "nuc"):
        sv = _singular_values(x, r, c)
        last = len(shape_of(sv)) - 1
        if ord == "nuc":
            return R.sum_p.bind(sv, axis=last)
        return (R.max_p if ord == 2 else R.min_p).bind(sv, axis=last)
    if ord in (1, -1, np.inf, -np.inf):
        # 1: largest column sum (sum over rows r, then max over columns); inf: the transpose
        inner, outer_ = (r, c) if ord in (1, -1) else (c, r)
        s = R.sum_p.bind(E.abs_p.bind(x), axis=inner)
        if outer_ > inner:
            outer_ -= 1
        return (R.max_p if ord > 0 else R.min_p).bind(s, axis=outer_)
    raise WeifenValueError(f"norm: invalid norm order {ord!r} for matrices")


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:
    """Vector or matrix norm, as ``np.linalg.norm``: ``ord`` None/2, 1, inf, -inf, 0 and any
    p for vectors; None/'fro', 1, -1, inf, -inf, 2, -2, 'nuc' for matrices (``axis`` a
    2-tuple, or ``x`` 2-D). The gradient at a zero vector is 0.

    Orders 2, -2 and 'nuc' of matrices are the largest, smallest and summed singular values
    (``wf.linalg.svdvals``); their derivatives need those values distinct and nonzero.

    >>> import weifen as wf
    >>> wf.norm(wf.tensor([3.0, 4.0])), wf.norm(wf.tensor([3.0, -4.0]), ord=1)
    (tensor(5.), tensor(7.))
    >>> wf.norm(wf.tensor([[3.0, 0.0], [0.0, 4.0]]), ord="fro", axis=(0, 1), keepdims=True)
    tensor([[5.]])
    """
    x = _as_float(_raw(x))
    shape = shape_of(x)
    nd = len(shape)
    if isinstance(axis, list):
        axis = tuple(axis)
    if axis is None:
        if ord is None:  # the 2-norm of the flattened array, for any ndim
            r = _safe_root(R.sum_p.bind(_abs2(x)))
            return _t(reshape_p.bind(r, shape=(1,) * nd) if keepdims else r)
        if nd == 1:
            axis = (0,)
        elif nd == 2:
            axis = (0, 1)
        else:
            raise ShapeError(f"norm: improper number of dimensions to norm: shape {shape} "
                             f"with ord={ord!r} needs axis=")
    elif isinstance(axis, (int, np.integer)):
        axis = (int(axis),)
    try:
        axis = tuple(a % nd if nd else a for a in axis)
        if not all(0 <= a < nd for a in axis):
            raise IndexError
    except (TypeError, IndexError, ZeroDivisionError):
        raise ShapeError(f"norm: axis {axis!r} is out of bounds for shape {shape}") from None
    if len(axis) == 1:
        r = _vector_norm(x, ord, axis[0])
    elif len(axis) == 2:
        if axis[0] == axis[1]:
            raise WeifenValueError(f"norm: duplicate axes given: {axis}")
        r = _matrix_norm(x, ord, axis[0], axis[1])
    else:
        raise WeifenValueError(f"norm: axis must be an int or a 2-tuple, got {axis!r}")
    if keepdims:
        r = reshape_p.bind(r, shape=_keep_shape(shape, axis))
    return _t(r)


# ---------------------------------------------------------------- wf.linalg
def _square(name: str, a: Any) -> Any:
    a = _raw(a)
    s = shape_of(a)
    if len(s) < 2 or s[-1] != s[-2]:
        raise ShapeError(f"linalg.{name}: needs square matrices in the last two axes "
                         f"(..., n, n), got shape {s}")
    return a


def inv(a: Any) -> Any:
    """The inverse of each square matrix in the last two axes, as ``np.linalg.inv``.

    >>> import weifen as wf
    >>> wf.linalg.inv(wf.tensor([[2.0, 0.0], [0.0, 4.0]]))
    tensor([[0.5 , 0.  ],
            [0.  , 0.25]])
    """
    return _t(LA.inv_p.bind(_square("inv", a)))


def _solve_with(prim: Any, name: str, a: Any, b: Any, **params: Any) -> Any:
    a = _square(name, a)
    b = _raw(b)
    sa, sb = shape_of(a), shape_of(b)
    vector = len(sb) == 1  # NumPy 2: b is a vector only when it is 1-D
    if not sb or sb[-1 if vector else -2] != sa[-1]:
        raise ShapeError(f"linalg.{name}: a has shape {sa} but b has shape {sb}; b must be "
                         f"(n,) or (..., n, k) with n = {sa[-1] if sa else '?'}")
    if vector:
        x = prim.bind(a, reshape_p.bind(b, shape=sb + (1,)), **params)
        return _t(reshape_p.bind(x, shape=shape_of(x)[:-1]))
    return _t(prim.bind(a, b, **params))


def solve(a: Any, b: Any) -> Any:
    """Solve ``a @ x = b`` for ``x``, as ``np.linalg.solve`` (NumPy 2: ``b`` of shape (n,)
    is a vector, otherwise a stack of (n, k) matrices; batch axes broadcast).

    >>> import weifen as wf
    >>> wf.linalg.solve(wf.tensor([[2.0, 0.0], [0.0, 4.0]]), wf.tensor([1.0, 1.0]))
    tensor([0.5 , 0.25])
    """
    return _solve_with(LA.solve_p, "solve", a, b)


def solve_triangular(a: Any, b: Any, lower: bool = False) -> Any:
    """Solve ``a @ x = b`` reading only the lower (or upper) triangle of ``a``, as
    ``scipy.linalg.solve_triangular`` (batched; ``b`` as in :func:`solve`).

    >>> import weifen as wf
    >>> wf.linalg.solve_triangular(wf.tensor([[2.0, 0.0], [1.0, 1.0]]),
    ...                            wf.tensor([2.0, 3.0]), lower=True)
    tensor([1., 2.])
    """
    return _solve_with(LA.solve_triangular_p, "solve_triangular", a, b, lower=bool(lower))


def det(a: Any) -> Any:
    """The determinant of each square matrix, as ``np.linalg.det``.

    >>> import weifen as wf
    >>> wf.linalg.det(wf.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tensor(-2.)
    """
    return _t(LA.det_p.bind(_square("det", a)))


class SlogdetResult(NamedTuple):
    sign: Any
    logabsdet: Any


def slogdet(a: Any) -> SlogdetResult:
    """``(sign, logabsdet)`` of each determinant, as ``np.linalg.slogdet``; ``sign`` has no
    gradient, ``logabsdet`` is differentiable (the gradient is ``inv(a).T``).

    >>> import weifen as wf
    >>> sign, logabsdet = wf.linalg.slogdet(wf.tensor([[1.0, 2.0], [3.0, 4.0]]))
    >>> sign, round(float(logabsdet), 4)
    (tensor(-1.), 0.6931)
    """
    a = _real_only(_square("slogdet", a), "slogdet")  # a complex sign has a derivative
    return SlogdetResult(_t(LA.slogdet_sign_p.bind(a)), _t(LA.logabsdet_p.bind(a)))


def cholesky(a: Any, upper: bool = False) -> Any:
    """The Cholesky factor ``L`` (``a = L @ L.T``; ``L.T`` if ``upper``) of symmetric
    positive-definite matrices, as ``np.linalg.cholesky``. The gradient is symmetric.

    >>> import weifen as wf
    >>> wf.linalg.cholesky(wf.tensor([[4.0, 2.0], [2.0, 5.0]]))
    tensor([[2., 0.],
            [1., 2.]])
    """
    lo = LA.cholesky_p.bind(_from_lower(_real_only(_square("cholesky", a), "cholesky")))
    return _t(LA._swap_last(lo) if upper else lo)


class EighResult(NamedTuple):
    eigenvalues: Any
    eigenvectors: Any


def _uplo(a: Any, UPLO: str) -> Any:
    a = _square("eigh", a)
    if UPLO not in ("L", "U"):
        raise WeifenValueError(f"linalg.eigh: UPLO must be 'L' or 'U', got {UPLO!r}")
    # reading a's upper triangle is reading the lower triangle of its (conjugate) transpose
    if UPLO == "U":
        a = LA._swap_last(a)
        if _complex(a):
            a = conj_p.bind(a)
    return _from_lower(a)


def _real_only(a: Any, name: str) -> Any:
    """Refuse a traced complex input: the Hermitian rules (conjugate transposes) are not
    written yet, and the real-symmetric ones would give a wrong derivative silently."""
    from weifen.core.lift import traced

    dt = getattr(a, "dtype", None)
    if dt is not None and np.issubdtype(dt, np.complexfloating) and traced(a):
        raise NotImplementedError(
            f"linalg.{name}: the derivative for complex (Hermitian) input is not implemented "
            "yet; its values work on constants (wf.stop_gradient(a)), and real input "
            "differentiates")
    return a


def _from_lower(a: Any) -> Any:
    """The symmetric matrix that ``a``'s lower triangle stands for, built with weifen ops.

    LAPACK (so NumPy's ``eigh``, ``eigvalsh``, ``cholesky``) reads only that triangle. The
    eigen and Cholesky rules take a symmetric input; composing them with this map gives
    the derivative of the function NumPy computes (what finite differences see): entries
    above the diagonal get zero, those below it count twice.
    """
    below = LA.tril_p.bind(a, k=-1)
    if _complex(a):  # Hermitian: conjugate above, and LAPACK ignores the diagonal's imaginary part
        diag = real_p.bind(LA.tril_p.bind(a) - below)
        return diag + below + conj_p.bind(LA._swap_last(below))
    return LA.tril_p.bind(a) + LA._swap_last(below)


def _complex(a: Any) -> bool:
    dt = getattr(a, "dtype", None)
    return dt is not None and np.issubdtype(dt, np.complexfloating)


def eigh(a: Any, UPLO: str = "L") -> EighResult:
    """Eigenvalues (ascending) and eigenvectors of symmetric matrices, as ``np.linalg.eigh``.
    Gradients assume distinct eigenvalues and, as in torch, a symmetric input.

    >>> import weifen as wf
    >>> w, v = wf.linalg.eigh(wf.tensor([[2.0, 0.0], [0.0, 1.0]]))
    >>> w
    tensor([1., 2.])
    """
    a = _uplo(a, UPLO)
    return EighResult(_t(LA.eigvalsh_p.bind(a)), _t(LA.eigh_vectors_p.bind(a)))


def eigvalsh(a: Any, UPLO: str = "L") -> Any:
    """Eigenvalues (ascending) of symmetric matrices, as ``np.linalg.eigvalsh``.

    >>> import weifen as wf
    >>> wf.linalg.eigvalsh(wf.tensor([[2.0, 1.0], [1.0, 2.0]]))
    tensor([1., 3.])
    """
    return _t(LA.eigvalsh_p.bind(_uplo(a, UPLO)))
