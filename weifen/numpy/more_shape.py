"""More of NumPy's array manipulation: rolling and rotating, diagonals, joining and
splitting, sorting and partitioning, ``kron``, ``cross``, ``select``, one-argument ``where``,
and the index expressions ``r_`` and ``c_``.

All are composites of existing primitives and need no rules: ``roll`` concatenates two
slices, ``rot90`` flips and transposes, ``diag`` embeds or takes a diagonal, ``kron`` is a
broadcast product reshaped. ``sort`` and ``partition`` gather the input with the indices
of ``argsort`` / ``argpartition`` (primitives with an integer result and no derivative), so
each output element takes the derivative of the input element it came from, as in JAX;
under ``vmap`` each example is ordered on its own.

>>> import weifen as wf
>>> x = wf.tensor([3.0, 1.0, 2.0], requires_grad=True)
>>> y = wf.sort(x)
>>> (y * wf.tensor([1.0, 10.0, 100.0])).sum().backward()
>>> y.detach(), x.grad
(tensor([1., 2., 3.]), tensor([100.,   1.,  10.]))
"""
from __future__ import annotations

import operator
from typing import Any, Sequence

import numpy as np

from weifen.core.primitive import Box
from weifen.errors import ShapeError, WeifenTypeError, WeifenValueError
from weifen.numpy._util import _raw, _t
from weifen.numpy.elementwise import astype, where as _where3
from weifen.numpy.linalg import diagonal
from weifen.numpy.shape import (AxisError, _axis_index, _concrete, _norm_axis, _prod,
                                broadcast_to, concatenate, flip, getitem, moveaxis, ravel,
                                reshape, split, stack, transpose, vstack)
from weifen.prims import indexing as I
from weifen.prims import linalg as LA
from weifen.prims import more as M
from weifen.prims.shape import shape_of

__all__ = ["roll", "rollaxis", "rot90", "flipud", "fliplr", "diag", "diagflat", "make_diagonal",
           "append", "vsplit", "hsplit", "dsplit", "row_stack", "column_stack", "dstack",
           "atleast_3d", "sort", "argsort", "partition", "argpartition", "take_along_axis",
           "kron", "cross", "select", "where", "nonzero", "r_", "c_"]


def _dtype(x: Any) -> np.dtype:
    d = getattr(x, "dtype", None)
    return np.dtype(d) if d is not None else np.result_type(x)


def _slice(x: Any, ax: int, lo: Any, hi: Any) -> Any:
    return getitem(x, _axis_index(ax, slice(lo, hi)))


# ---------------------------------------------------------------- rolling, rotating, flipping
def roll(a: Any, shift: Any, axis: Any = None) -> Any:
    """Shift elements cyclically by ``shift`` along ``axis`` (of the flattened array if None),
    as ``np.roll``; ``shift`` and ``axis`` may be tuples.

    >>> import weifen as wf
    >>> wf.roll(wf.tensor([1.0, 2.0, 3.0, 4.0]), 1)
    tensor([4., 1., 2., 3.])
    """
    x = _raw(a)
    if axis is None:
        return reshape(roll(ravel(x), shift, 0), shape_of(x))
    shape = shape_of(x)
    total: dict = {}
    for s, ax in np.broadcast(np.asarray(_concrete(shift)), np.asarray(_concrete(axis))):
        ax = _norm_axis(int(ax), len(shape), "roll")
        total[ax] = total.get(ax, 0) + int(s)
    for ax, s in total.items():
        n = shape[ax]
        s = s % n if n else 0
        if s:
            x = concatenate([_slice(x, ax, n - s, None), _slice(x, ax, None, n - s)], axis=ax)
    return _t(x)


def rollaxis(a: Any, axis: int, start: int = 0) -> Any:
    """Move ``axis`` to just before position ``start``, as ``np.rollaxis``.

    >>> import weifen as wf
    >>> wf.rollaxis(wf.zeros((2, 3, 4)), 2).shape
    (4, 2, 3)
    """
    x = _raw(a)
    n = len(shape_of(x))
    axis = _norm_axis(axis, n, "rollaxis")
    start = operator.index(start)
    if start < 0:
        start += n
    if not 0 <= start < n + 1:
        raise AxisError(f"rollaxis: 'start' arg requires {-n} <= start < {n + 1}")
    if axis < start:
        start -= 1
    axes = [i for i in range(n) if i != axis]
    axes.insert(start, axis)
    return transpose(x, axes)


def rot90(m: Any, k: int = 1, axes: Sequence[int] = (0, 1)) -> Any:
    """Rotate by 90 degrees ``k`` times in the plane of ``axes`` (from the first axis towards
    the second), as ``np.rot90``.

    >>> import weifen as wf
    >>> wf.rot90(wf.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tensor([[2., 4.],
            [1., 3.]])
    """
    x = _raw(m)
    nd = len(shape_of(x))
    axes = tuple(axes)
    if len(axes) != 2:
        raise WeifenValueError("rot90: len(axes) must be 2")
    if axes[0] == axes[1] or abs(axes[0] - axes[1]) == nd:
        raise WeifenValueError("rot90: axes must be different")
    a0, a1 = (_norm_axis(a, nd, "rot90") for a in axes)
    k = operator.index(k) % 4
    if k == 0:
        return _t(x)
    if k == 2:
        return flip(flip(x, a0), a1)
    perm = list(range(nd))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return transpose(flip(x, a1), perm)
    return flip(transpose(x, perm), a1)


def flipud(m: Any) -> Any:
    """Reverse the order of rows (axis 0), as ``np.flipud``.

    >>> import weifen as wf
    >>> wf.flipud(wf.tensor([1.0, 2.0, 3.0]))
    tensor([3., 2., 1.])
    """
    x = _raw(m)
    if len(shape_of(x)) < 1:
        raise WeifenValueError("flipud: input must be >= 1-d")
    return flip(x, 0)


def fliplr(m: Any) -> Any:
    """Reverse the order of columns (axis 1), as ``np.fliplr``.

    >>> import weifen as wf
    >>> wf.fliplr(wf.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tensor([[2., 1.],
            [4., 3.]])
    """
    x = _raw(m)
    if len(shape_of(x)) < 2:
        raise WeifenValueError("fliplr: input must be >= 2-d")
    return flip(x, 1)


# ---------------------------------------------------------------- diagonals
def diag(v: Any, k: int = 0) -> Any:
    """A 1-D ``v`` as the ``k``-th diagonal of a square matrix, or the ``k``-th diagonal of a
    2-D ``v``, as ``np.diag``; each direction's gradient is the other direction.

    >>> import weifen as wf
    >>> wf.diag(wf.tensor([1.0, 2.0]))
    tensor([[1., 0.],
            [0., 2.]])
    >>> wf.diag(wf.tensor([[1.0, 2.0], [3.0, 4.0]]), 1)
    tensor([2.])
    """
    x = _raw(v)
    s = shape_of(x)
    k = operator.index(k)
    if len(s) == 1:
        n = s[0] + abs(k)
        return _t(LA.embed_diagonal_p.bind(x, shape=(n, n), offset=k, axis1=0, axis2=1))
    if len(s) == 2:
        return diagonal(x, k)
    raise WeifenValueError(f"diag: input must be 1-d or 2-d, got shape {s}")


def diagflat(v: Any, k: int = 0) -> Any:
    """A 2-D array with the flattened ``v`` on its ``k``-th diagonal, as ``np.diagflat``.

    >>> import weifen as wf
    >>> wf.diagflat(wf.tensor([[1.0], [2.0]])).shape
    (2, 2)
    """
    return diag(ravel(_raw(v)), k)


def make_diagonal(D: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """The array whose ``diagonal(offset, axis1, axis2)`` is ``D`` (zero elsewhere): the
    inverse of ``np.diagonal``, HIPS autograd's ``make_diagonal`` (torch's ``diag_embed``).

    >>> import weifen as wf
    >>> wf.make_diagonal(wf.tensor([[1.0, 2.0]]), axis1=-1, axis2=-2)
    tensor([[[1., 0.],
             [0., 2.]]])
    """
    x = _raw(D)
    s = tuple(shape_of(x))
    if not s:
        raise WeifenValueError("make_diagonal: D must be at least 1-d")
    nd = len(s) + 1
    a1, a2 = _norm_axis(axis1, nd, "make_diagonal"), _norm_axis(axis2, nd, "make_diagonal")
    if a1 == a2:
        raise WeifenValueError("make_diagonal: axis1 and axis2 cannot be the same")
    n = s[-1] + abs(operator.index(offset))
    rest = iter(s[:-1])
    shape = tuple(n if i in (a1, a2) else next(rest) for i in range(nd))
    return _t(LA.embed_diagonal_p.bind(x, shape=shape, offset=operator.index(offset),
                                       axis1=a1, axis2=a2))


# ---------------------------------------------------------------- joining and splitting
def append(arr: Any, values: Any, axis: Any = None) -> Any:
    """``arr`` with ``values`` joined at the end (both flattened if ``axis`` is None), as
    ``np.append``.

    >>> import weifen as wf
    >>> wf.append(wf.tensor([1.0, 2.0]), [[3.0], [4.0]])
    tensor([1., 2., 3., 4.])
    """
    if axis is None:
        return concatenate([ravel(_raw(arr)), ravel(_raw(values))], axis=0)
    return concatenate([_raw(arr), _raw(values)], axis=axis)


def _split_axis(name: str, x: Any, ios: Any, axis: int, least: int) -> list:
    x = _raw(x)
    if len(shape_of(x)) < least:
        raise WeifenValueError(f"{name} only works on arrays of {least} or more dimensions")
    return split(x, ios, axis=axis)


def vsplit(ary: Any, indices_or_sections: Any) -> list:
    """Split along axis 0, as ``np.vsplit``.

    >>> import weifen as wf
    >>> [p.shape for p in wf.vsplit(wf.zeros((4, 2)), 2)]
    [(2, 2), (2, 2)]
    """
    return _split_axis("vsplit", ary, indices_or_sections, 0, 2)


def hsplit(ary: Any, indices_or_sections: Any) -> list:
    """Split along axis 1 (axis 0 of a 1-D array), as ``np.hsplit``.

    >>> import weifen as wf
    >>> [p.shape for p in wf.hsplit(wf.zeros((2, 4)), [1])]
    [(2, 1), (2, 3)]
    """
    x = _raw(ary)
    return _split_axis("hsplit", x, indices_or_sections, 1 if len(shape_of(x)) > 1 else 0, 1)


def dsplit(ary: Any, indices_or_sections: Any) -> list:
    """Split along axis 2, as ``np.dsplit``.

    >>> import weifen as wf
    >>> [p.shape for p in wf.dsplit(wf.zeros((1, 2, 4)), 2)]
    [(1, 2, 2), (1, 2, 2)]
    """
    return _split_axis("dsplit", ary, indices_or_sections, 2, 3)


def row_stack(tup: Sequence[Any]) -> Any:
    """Stack arrays as rows: NumPy's (deprecated) alias of ``vstack``.

    >>> import weifen as wf
    >>> wf.row_stack([wf.tensor([1.0]), wf.tensor([2.0])]).shape
    (2, 1)
    """
    return vstack(tup)


def column_stack(tup: Sequence[Any]) -> Any:
    """Stack 1-D arrays as columns (2-D ones as they are), as ``np.column_stack``.

    >>> import weifen as wf
    >>> wf.column_stack([wf.tensor([1.0, 2.0]), wf.tensor([3.0, 4.0])])
    tensor([[1., 3.],
            [2., 4.]])
    """
    cols = []
    for a in tup:
        a = _raw(a)
        s = shape_of(a)
        cols.append(reshape(a, (s[0] if s else 1, 1)) if len(s) < 2 else a)
    return concatenate(cols, axis=1)


def atleast_3d(*arys: Any) -> Any:
    """Views with at least three axes ((N,) becomes (1, N, 1), (M, N) becomes (M, N, 1)), as
    ``np.atleast_3d``; several arrays give a tuple.

    >>> import weifen as wf
    >>> wf.atleast_3d(wf.tensor([1.0, 2.0])).shape
    (1, 2, 1)
    """
    res = []
    for a in arys:
        a = _raw(a)
        s = tuple(shape_of(a))
        new = {0: (1, 1, 1), 1: (1,) + s + (1,), 2: s + (1,)}.get(len(s))
        res.append(_t(a) if new is None else reshape(a, new))
    return res[0] if len(res) == 1 else tuple(res)


def dstack(tup: Sequence[Any]) -> Any:
    """Join arrays along the third axis (after ``atleast_3d``), as ``np.dstack``.

    >>> import weifen as wf
    >>> wf.dstack([wf.tensor([1.0, 2.0]), wf.tensor([3.0, 4.0])]).shape
    (1, 2, 2)
    """
    parts = [atleast_3d(a) for a in tup]
    return concatenate(parts, axis=2)


# ---------------------------------------------------------------- sorting
def _flat_axis(x: Any, axis: Any) -> tuple[Any, int]:
    """``x`` (flattened when ``axis`` is None) and the axis as a negative number."""
    if axis is None:
        return ravel(x), -1
    nd = len(shape_of(x))
    return x, _norm_axis(axis, nd, "sort") - nd


def argsort(a: Any, axis: Any = -1, kind: Any = None, order: Any = None, *,
            stable: Any = None) -> Any:
    """Indices that sort ``a`` along ``axis`` (flattened if None), as ``np.argsort``; an
    integer result, with no derivative.

    >>> import weifen as wf
    >>> wf.argsort(wf.tensor([3.0, 1.0, 2.0]))
    tensor([1, 2, 0])
    """
    if order is not None:
        raise NotImplementedError("argsort: order= (structured arrays) is not supported")
    x, ax = _flat_axis(_raw(a), axis)
    return _t(M.argsort_p.bind(x, axis=ax, kind=kind, stable=stable))


def argpartition(a: Any, kth: Any, axis: Any = -1, kind: str = "introselect",
                 order: Any = None) -> Any:
    """Indices that partition ``a`` around its ``kth`` element(s), as ``np.argpartition``;
    an integer result, with no derivative.

    >>> import weifen as wf
    >>> int(wf.argpartition(wf.tensor([3.0, 1.0, 2.0]), 0)[0])
    1
    """
    if order is not None:
        raise NotImplementedError("argpartition: order= is not supported")
    x, ax = _flat_axis(_raw(a), axis)
    k = np.asarray(_concrete(kth))
    kth = int(k) if k.ndim == 0 else tuple(int(i) for i in k.ravel())
    return _t(M.argpartition_p.bind(x, kth=kth, axis=ax))


def take_along_axis(arr: Any, indices: Any, axis: Any = -1) -> Any:
    """Pick values along ``axis`` at ``indices`` (same rank as ``arr``, the other axes
    broadcasting), as ``np.take_along_axis``; repeated indices accumulate in the gradient.

    >>> import weifen as wf
    >>> wf.take_along_axis(wf.tensor([[10.0, 20.0], [30.0, 40.0]]), [[1], [0]], axis=1)
    tensor([[20.],
            [30.]])
    """
    x = _raw(arr)
    idx = indices if isinstance(indices, Box) or hasattr(indices, "shape") else np.asarray(indices)
    if axis is None:
        x, idx, axis = ravel(x), reshape(idx, (-1,)), 0
    xs, js = tuple(shape_of(x)), tuple(shape_of(idx))
    if len(xs) != len(js):
        raise ShapeError(f"take_along_axis: `indices` and `arr` must have the same number of "
                         f"dimensions, got shapes {js} and {xs}")
    if _dtype(idx).kind not in "iu":
        raise WeifenTypeError(f"take_along_axis: indices must be integers, got {_dtype(idx)}")
    ax = _norm_axis(axis, len(xs), "take_along_axis")
    n, k = xs[ax], js[ax]
    rest = np.broadcast_shapes(xs[:ax] + xs[ax + 1:], js[:ax] + js[ax + 1:])
    # rows along the last axis, every row's indices offset into the flattened array, so one
    # gather (whose batch rule keeps examples apart under vmap) picks them all
    last = ax == len(xs) - 1
    xt = _bcast(x, rest[:ax] + (n,) + rest[ax:])
    it = _bcast(idx, rest[:ax] + (k,) + rest[ax:])
    if not last:
        xt, it = moveaxis(xt, ax, -1), moveaxis(it, ax, -1)
    rows = _prod(rest)
    from weifen.core.backend import asarray_like

    off = asarray_like((np.arange(rows) * n).reshape(rest + (1,)), it)
    flat = reshape(it % n + off if n else it, (rows * k,))
    xf = reshape(xt, (rows * n,))
    out = reshape(I.gather_p.bind(xf, flat, axis=0, shape=(rows * n,)), rest + (k,))
    return out if last else moveaxis(out, -1, ax)


def _bcast(x: Any, shape: tuple) -> Any:
    return x if tuple(shape_of(x)) == tuple(shape) else broadcast_to(x, shape)


def sort(a: Any, axis: Any = -1, kind: Any = None, order: Any = None, *,
         stable: Any = None) -> Any:
    """A sorted copy along ``axis`` (flattened if None), as ``np.sort``; each output element
    has the derivative of the input element it came from.

    >>> import weifen as wf
    >>> wf.sort(wf.tensor([[3.0, 1.0], [0.0, 2.0]]), axis=0)
    tensor([[0., 1.],
            [3., 2.]])
    """
    x, ax = _flat_axis(_raw(a), axis)
    if kind is None and stable is None:
        stable = True  # equal values: each output takes its input in order (as jax.numpy)
    return take_along_axis(x, argsort(x, ax, kind, order, stable=stable), ax)


def partition(a: Any, kth: Any, axis: Any = -1, kind: str = "introselect",
              order: Any = None) -> Any:
    """A copy with the ``kth`` element in its sorted place, smaller ones before it and
    larger ones after, as ``np.partition``; differentiable like ``sort``.

    >>> import weifen as wf
    >>> float(wf.partition(wf.tensor([3.0, 1.0, 2.0]), 1)[1])
    2.0
    """
    x, ax = _flat_axis(_raw(a), axis)
    return take_along_axis(x, argpartition(x, kth, ax, kind, order), ax)


# ---------------------------------------------------------------- products
def kron(a: Any, b: Any) -> Any:
    """The Kronecker product (blocks ``a[i, j] * b``), as ``np.kron``.

    >>> import weifen as wf
    >>> wf.kron(wf.tensor([1.0, 2.0]), wf.tensor([1.0, 10.0]))
    tensor([ 1., 10.,  2., 20.])
    """
    a, b = _raw(a), _raw(b)
    sa, sb = tuple(shape_of(a)), tuple(shape_of(b))
    nd = max(len(sa), len(sb))
    sa, sb = (1,) * (nd - len(sa)) + sa, (1,) * (nd - len(sb)) + sb
    big = reshape(a, tuple(v for s in sa for v in (s, 1))) * \
        reshape(b, tuple(v for s in sb for v in (1, s)))
    return reshape(big, tuple(p * q for p, q in zip(sa, sb)))


def cross(a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1,
          axis: Any = None) -> Any:
    """The cross product of 3-vectors (or 2-vectors, with z = 0) along the given axes,
    broadcasting the others, as ``np.cross``.

    >>> import weifen as wf
    >>> wf.cross(wf.tensor([1.0, 0.0, 0.0]), wf.tensor([0.0, 1.0, 0.0]))
    tensor([0., 0., 1.])
    """
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _raw(a), _raw(b)
    a = moveaxis(a, axisa, -1)
    b = moveaxis(b, axisb, -1)
    na, nb = shape_of(a)[-1], shape_of(b)[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ShapeError(f"cross: incompatible dimensions for cross product (dimension must "
                         f"be 2 or 3), got {na} and {nb}")
    shape = np.broadcast_shapes(shape_of(a)[:-1], shape_of(b)[:-1])

    def parts(v, n):
        ps = [broadcast_to(getitem(v, (Ellipsis, i)), shape) for i in range(n)]
        return ps + [None] * (3 - n)

    a0, a1, a2 = parts(a, na)
    b0, b1, b2 = parts(b, nb)
    z = a0 * b1 - a1 * b0
    if na == 2 and nb == 2:
        return z

    def term(p, q, r, s):  # p q - r s, with missing (zero) components left out
        left = None if p is None or q is None else p * q
        right = None if r is None or s is None else r * s
        if right is None:
            return left
        return -right if left is None else left - right

    c = stack([term(a1, b2, a2, b1), term(a2, b0, a0, b2), z], axis=-1)
    return moveaxis(c, -1, axisc)


def select(condlist: Sequence[Any], choicelist: Sequence[Any], default: Any = 0) -> Any:
    """Per element, the choice of the first condition that holds, else ``default``, as
    ``np.select``; differentiable in the choices and the default.

    >>> import weifen as wf
    >>> x = wf.tensor([-1.0, 0.5, 3.0])
    >>> wf.select([x < 0, x > 1], [-x, x * 10], default=x)
    tensor([ 1. ,  0.5, 30. ])
    """
    if len(condlist) != len(choicelist):
        raise WeifenValueError("select: list of cases must be same length as list of "
                               "conditions")
    if not condlist:
        raise WeifenValueError("select with an empty condition list is not possible")
    for c in condlist:
        if _dtype(_raw(c)) != np.bool_:
            raise WeifenTypeError(f"select: invalid entry in condlist: should be boolean "
                                  f"ndarray, got dtype {_dtype(_raw(c))}")
    out = _raw(default)
    dt = np.result_type(*[_dtype(_raw(v)) if not isinstance(v, (int, float, complex))
                          else v for v in list(choicelist) + [default]])
    for c, v in zip(reversed(condlist), reversed(choicelist)):
        out = _where3(_raw(c), _raw(v), out)
    return astype(out, dt) if _dtype(out) != dt else _t(out)


# ---------------------------------------------------------------- where(cond), nonzero
_NOT_GIVEN: Any = object()


def nonzero(a: Any) -> tuple:
    """The indices of the non-zero elements, one integer array per axis, as ``np.nonzero``
    (no derivative: the result is integer).

    >>> import weifen as wf
    >>> wf.nonzero(wf.tensor([0.0, 2.0, 3.0]))
    (tensor([1, 2]),)
    """
    x = _raw(a)
    try:
        v = x._concrete() if isinstance(x, Box) else x
    except TypeError:  # a batch inside vmap: each example would give another count
        raise WeifenTypeError("nonzero (and where with the condition alone): the number of "
                              "indices depends on the values, so it cannot be batched by "
                              "vmap; use the three-argument wf.where instead") from None
    return tuple(_t(i) for i in np.nonzero(v))


def where(condition: Any, x: Any = _NOT_GIVEN, y: Any = _NOT_GIVEN) -> Any:
    """``x`` where ``condition`` holds, else ``y`` (broadcasting), differentiable in x and y;
    with the condition alone, the indices where it holds (``nonzero``), as ``np.where``.

    >>> import weifen as wf
    >>> wf.where(wf.tensor([True, False]), 1.0, wf.tensor([5.0, 6.0]))
    tensor([1., 6.])
    >>> wf.where(wf.tensor([0.0, 1.0, 1.0]) > 0)
    (tensor([1, 2]),)
    """
    if x is _NOT_GIVEN and y is _NOT_GIVEN:
        return nonzero(condition)
    if x is _NOT_GIVEN or y is _NOT_GIVEN:
        raise WeifenValueError("where: either both or neither of x and y should be given")
    return _where3(condition, x, y)


# ---------------------------------------------------------------- r_ and c_
_SCALARS = (int, float, complex, bool, np.generic)


class _Concatenator:
    """NumPy's ``r_`` / ``c_``: ``wf.r_[a, 1:3, 0.5]`` joins arrays, ranges and numbers;
    weifen values among them keep their derivatives."""

    def __init__(self, name: str, axis: int, ndmin: int, trans1d: int) -> None:
        self.name, self.axis, self.ndmin, self.trans1d = name, axis, ndmin, trans1d

    def __getitem__(self, key: Any) -> Any:
        from weifen import creation

        if isinstance(key, str):
            raise NotImplementedError(f"{self.name}: matrix strings are not supported")
        key = key if isinstance(key, tuple) else (key,)
        axis, ndmin, trans1d = self.axis, self.ndmin, self.trans1d
        objs, kinds = [], []
        for k, item in enumerate(key):
            if isinstance(item, str):
                if k:
                    raise WeifenValueError(f"{self.name}: special directives must be the "
                                           "first entry")
                try:
                    vec = [int(v) for v in item.split(",")]
                except ValueError:
                    raise WeifenValueError(f"{self.name}: unknown special directive "
                                           f"{item!r} (matrix directives 'r' and 'c' are not "
                                           "supported)") from None
                axis = vec[0]
                if len(vec) > 1:
                    ndmin = vec[1]
                if len(vec) > 2:
                    trans1d = vec[2]
                continue
            if isinstance(item, slice):
                start = 0 if item.start is None else item.start
                step = 1 if item.step is None else item.step
                if isinstance(step, (complex, np.complexfloating)):
                    obj = creation.linspace(start, item.stop, int(abs(step)))
                else:
                    obj = creation.arange(start, item.stop, step)
                obj = self._ndmin(obj, 1, ndmin, trans1d, swap=True)
                kinds.append(_dtype(obj))
            elif isinstance(item, _SCALARS):
                obj = item
                kinds.append(item)
            else:
                obj = _raw(item) if isinstance(item, (list, tuple, Box)) else np.asarray(item)
                obj = self._ndmin(obj, len(shape_of(obj)), ndmin, trans1d)
                kinds.append(_dtype(obj))
            objs.append(obj)
        if not objs:
            raise WeifenValueError(f"{self.name}: nothing to concatenate")
        dt = np.result_type(*kinds)
        parts = []
        for o in objs:
            if isinstance(o, _SCALARS):
                o = reshape(np.asarray(o, dt), (1,) * max(ndmin, 1))
            elif _dtype(o) != dt:
                o = astype(o, dt)
            parts.append(o)
        return concatenate(parts, axis=axis)

    @staticmethod
    def _ndmin(obj: Any, nd: int, ndmin: int, trans1d: int, swap: bool = False) -> Any:
        """``obj`` with leading length-1 axes up to ``ndmin``, then NumPy's ``trans1d`` move."""
        if nd >= ndmin:
            return obj
        obj = reshape(obj, (1,) * (ndmin - nd) + tuple(shape_of(obj)))
        if trans1d == -1:
            return obj
        if swap:
            perm = list(range(ndmin))
            perm[-1], perm[trans1d] = perm[trans1d], perm[-1]
            return transpose(obj, perm)
        k2, k1 = ndmin - nd, trans1d
        if k1 < 0:
            k1 += k2 + 1
        d = list(range(ndmin))
        return transpose(obj, d[:k1] + d[k2:] + d[k1:k2])

    def __len__(self) -> int:
        return 0


r_ = _Concatenator("r_", 0, 1, -1)
r_.__doc__ = """Join arrays, slices and numbers along the first axis, as ``np.r_``.

>>> import weifen as wf
>>> wf.r_[wf.tensor([1.0, 2.0]), 0:2, 7.0]
tensor([1., 2., 0., 1., 7.])
"""
c_ = _Concatenator("c_", -1, 2, 0)
c_.__doc__ = """Join arrays as columns along the last axis (1-D arrays become columns), as
``np.c_``.

>>> import weifen as wf
>>> wf.c_[wf.tensor([1.0, 2.0]), wf.tensor([3.0, 4.0])]
tensor([[1., 3.],
        [2., 4.]])
"""

__test__ = {"r_": r_.__doc__, "c_": c_.__doc__}
