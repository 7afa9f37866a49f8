"""User-facing shape functions (``reshape transpose concatenate stack split pad ...``) and indexing.

Primitives do the work where it matters (reshape, transpose, broadcast_to, getitem and its
adjoint scatter-add, concatenate, pad, repeat); the rest are cheap composites of them that
need no rule: ``stack`` is ``expand_dims`` + ``concatenate``, ``split`` and ``flip`` are
slices, ``squeeze``/``expand_dims`` are reshapes, ``tile`` is reshape + broadcast_to.
Arguments and errors follow NumPy; bad axes raise an error that is both a ``wf.ShapeError``
and NumPy's ``AxisError``.
"""
from __future__ import annotations

import operator
from typing import Any, Sequence

import numpy as np

from weifen.core.primitive import Box
from weifen.errors import ShapeError, WeifenError, WeifenTypeError, WeifenValueError
from weifen.numpy._util import _raw, _t
from weifen.prims import indexing as I
from weifen.prims import shape as S

shape_of = S.shape_of


class AxisError(ShapeError, np.exceptions.AxisError):
    """An axis out of range for the array (also NumPy's ``AxisError``, an ``IndexError``)."""


class IndexingError(WeifenError, IndexError):
    """An index the array cannot take (out of bounds, too many indices, wrong type)."""


def _concrete(v: Any) -> Any:
    """The raw value under a box, for arguments that are data, not differentiated inputs."""
    return v._concrete() if isinstance(v, Box) else v


def _prod(shape: Sequence[int]) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


def _norm_axis(axis: Any, ndim: int, op: str) -> int:
    a = operator.index(_concrete(axis))
    if not -ndim <= a < ndim:
        raise AxisError(f"{op}: axis {a} is out of bounds for array of dimension {ndim}")
    return a % ndim


def _axis_list(axis: Any) -> tuple:
    """An int or a sequence of ints (list, tuple, array) as a tuple."""
    if isinstance(axis, (tuple, list)):
        return tuple(axis)
    axis = _concrete(axis)
    return (axis,) if np.ndim(axis) == 0 else tuple(np.asarray(axis).tolist())


def _norm_axes(axis: Any, ndim: int, op: str) -> tuple:
    """A tuple of distinct non-negative axes from an int or a sequence of ints."""
    axes = _axis_list(axis)
    out = tuple(_norm_axis(a, ndim, op) for a in axes)
    if len(set(out)) != len(out):
        raise WeifenValueError(f"{op}: repeated axis in {tuple(axes)}")
    return out


def _axis_index(axis: int, item: Any) -> tuple:
    return (slice(None),) * axis + (item,)


# ---------------------------------------------------------------- reshaping views
def reshape(x: Any, shape: Any, order: str = "C") -> Any:
    """Give ``x`` a new shape (``-1`` infers one axis), as ``np.reshape``.

    >>> import weifen as wf
    >>> wf.reshape(wf.arange(6.0), (2, -1)).shape
    (2, 3)
    """
    if order != "C":
        raise NotImplementedError("reshape: only order='C' is supported")
    x = _raw(x)
    xs = shape_of(x)
    if not isinstance(shape, (tuple, list)):
        shape = (shape,)
    shape = tuple(operator.index(_concrete(s)) for s in shape)
    size = _prod(xs)
    unknown = [i for i, s in enumerate(shape) if s < 0]
    if len(unknown) > 1 or (unknown and shape[unknown[0]] != -1):
        raise WeifenValueError(f"reshape: can only specify one unknown dimension (-1), "
                               f"got shape {shape}")
    if unknown:
        known = _prod(s for s in shape if s != -1)
        if known == 0 or size % known:
            raise ShapeError(f"reshape: cannot reshape array of shape {xs} (size {size}) "
                             f"into shape {shape}")
        shape = tuple(size // known if s == -1 else s for s in shape)
    elif _prod(shape) != size:
        raise ShapeError(f"reshape: cannot reshape array of shape {xs} (size {size}) "
                         f"into shape {shape}")
    return _t(S.reshape_p.bind(x, shape=shape))


def ravel(x: Any) -> Any:
    """The elements of ``x`` as a 1-D array, as ``np.ravel``.

    >>> import weifen as wf
    >>> wf.ravel(wf.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tensor([1., 2., 3., 4.])
    """
    return reshape(x, (-1,))


def transpose(x: Any, axes: Any = None) -> Any:
    """Permute axes (reverse them by default), as ``np.transpose``.

    >>> import weifen as wf
    >>> wf.transpose(wf.zeros((2, 3, 4)), (1, 2, 0)).shape
    (3, 4, 2)
    """
    x = _raw(x)
    if axes is not None:
        nd = len(shape_of(x))
        axes = _axis_list(axes)
        if len(axes) != nd:
            raise WeifenValueError(f"transpose: axes {tuple(axes)} don't match an array "
                                   f"of shape {shape_of(x)}")
        axes = _norm_axes(axes, nd, "transpose")
    return _t(S.transpose_p.bind(x, axes=axes))


def broadcast_to(x: Any, shape: Any) -> Any:
    """A broadcast view of ``x`` with ``shape``; the gradient sums back.

    >>> import weifen as wf
    >>> wf.broadcast_to(wf.tensor([1.0, 2.0]), (2, 2))
    tensor([[1., 2.],
            [1., 2.]])
    """
    if not isinstance(shape, (tuple, list)):
        shape = (shape,)
    shape = tuple(operator.index(_concrete(s)) for s in shape)
    x = _raw(x)
    xs = shape_of(x)
    lead = len(shape) - len(xs)
    if lead < 0 or any(a != 1 and a != b for a, b in zip(xs, shape[lead:], strict=True)):
        raise ShapeError(f"broadcast_to: cannot broadcast an array of shape {xs} to "
                         f"shape {shape}")
    return _t(S.broadcast_to_p.bind(x, shape=shape))


def swapaxes(x: Any, axis1: int, axis2: int) -> Any:
    """Exchange two axes, as ``np.swapaxes``.

    >>> import weifen as wf
    >>> wf.swapaxes(wf.zeros((2, 3, 4)), 0, -1).shape
    (4, 3, 2)
    """
    x = _raw(x)
    nd = len(shape_of(x))
    a, b = _norm_axis(axis1, nd, "swapaxes"), _norm_axis(axis2, nd, "swapaxes")
    perm = list(range(nd))
    perm[a], perm[b] = b, a
    return _t(S.transpose_p.bind(x, axes=tuple(perm)))


def moveaxis(x: Any, source: Any, destination: Any) -> Any:
    """Move axes to new positions, the others keeping their order, as ``np.moveaxis``.

    >>> import weifen as wf
    >>> wf.moveaxis(wf.zeros((2, 3, 4)), 0, -1).shape
    (3, 4, 2)
    """
    x = _raw(x)
    nd = len(shape_of(x))
    src = _norm_axes(source, nd, "moveaxis")
    dst = _norm_axes(destination, nd, "moveaxis")
    if len(src) != len(dst):
        raise WeifenValueError("moveaxis: `source` and `destination` arguments must have "
                               f"the same number of elements, got {source} and {destination}")
    order = [i for i in range(nd) if i not in src]
    for d, s in sorted(zip(dst, src, strict=True)):
        order.insert(d, s)
    return _t(S.transpose_p.bind(x, axes=tuple(order)))


def expand_dims(x: Any, axis: Any) -> Any:
    """Insert length-1 axes at the positions ``axis`` (an int or a tuple), as ``np.expand_dims``.

    >>> import weifen as wf
    >>> wf.expand_dims(wf.zeros((2, 3)), (0, -1)).shape
    (1, 2, 3, 1)
    """
    x = _raw(x)
    xs = shape_of(x)
    raw = _axis_list(axis)
    axes = _norm_axes(raw, len(xs) + len(raw), "expand_dims")
    n = len(raw)
    rest = iter(xs)
    shape = tuple(1 if i in axes else next(rest) for i in range(len(xs) + n))
    return _t(S.reshape_p.bind(x, shape=shape))


def squeeze(x: Any, axis: Any = None) -> Any:
    """Remove length-1 axes (all of them, or those in ``axis``), as ``np.squeeze``.

    >>> import weifen as wf
    >>> wf.squeeze(wf.zeros((1, 2, 1)), axis=0).shape
    (2, 1)
    """
    x = _raw(x)
    xs = shape_of(x)
    if axis is None:
        axes = tuple(i for i, s in enumerate(xs) if s == 1)
    else:
        axes = _norm_axes(axis, len(xs), "squeeze")
        bad = [a for a in axes if xs[a] != 1]
        if bad:
            raise ShapeError(f"squeeze: cannot select an axis to squeeze out which has size "
                             f"not equal to one (axis {bad[0]} of shape {xs})")
    shape = tuple(s for i, s in enumerate(xs) if i not in axes)
    return _t(S.reshape_p.bind(x, shape=shape))


def atleast_1d(x: Any) -> Any:
    """``x`` with at least one axis, as ``np.atleast_1d`` (one array).

    >>> import weifen as wf
    >>> wf.atleast_1d(2.0)
    tensor([2.])
    """
    x = _raw(x)
    return reshape(x, (1,)) if len(shape_of(x)) == 0 else _t(x)


def atleast_2d(x: Any) -> Any:
    """``x`` with at least two axes (a row for 1-D input), as ``np.atleast_2d``.

    >>> import weifen as wf
    >>> wf.atleast_2d(wf.tensor([1.0, 2.0])).shape
    (1, 2)
    """
    x = _raw(x)
    xs = shape_of(x)
    return reshape(x, (1,) * (2 - len(xs)) + tuple(xs)) if len(xs) < 2 else _t(x)


def copy(x: Any) -> Any:
    """A copy with its own memory; the gradient passes through, as ``np.copy``.

    >>> import weifen as wf
    >>> wf.copy(wf.tensor([1.0, 2.0]))
    tensor([1., 2.])
    """
    return _t(S.copy_p.bind(_raw(x)))


# ---------------------------------------------------------------- indexing
def _has_batched(index: Any) -> bool:
    from weifen.batching.batched import Batched

    if isinstance(index, tuple):
        return any(isinstance(i, Batched) for i in index)
    return isinstance(index, Batched)


def _gather_form(index: Any) -> tuple[int, Any]:
    """``(axis, idx)`` when ``index`` is full slices then one integer array, else ``(0, None)``."""
    items = index if isinstance(index, tuple) else (index,)
    *lead, last = items
    full = slice(None)
    if all(isinstance(i, slice) and i == full for i in lead) and \
            getattr(last, "dtype", np.dtype(float)).kind in "iu" and hasattr(last, "_level"):
        return len(lead), last
    return 0, None


def getitem(x: Any, index: Any) -> Any:
    """``x[index]`` with NumPy's basic and advanced indexing; repeated indices accumulate in
    the gradient (``Tensor.__getitem__`` calls this).

    >>> import weifen as wf
    >>> x = wf.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = wf.getitem(x, [0, 0, 2])
    >>> y.sum().backward()
    >>> x.grad
    tensor([2., 0., 1.])
    """
    if _has_batched(index):  # an index that varies per example of a vmap
        k, idx = _gather_form(index)
        if idx is not None:  # x[i] or x[:, ..., :, i]: a gather along one axis
            return _t(I.gather_p.bind(_raw(x), idx, axis=k, shape=shape_of(x)))
        from weifen.batching.batched import map_examples

        return map_examples(getitem, x, index)
    x = _raw(x)
    idx, basic = I.normalize_index(index)
    shape = shape_of(x)
    prim = I.getitem_p if basic else I.index_p
    try:
        return _t(prim.bind(x, index=idx, shape=shape))
    except IndexError as e:
        raise IndexingError(f"getitem: {e} (array of shape {shape})") from None


def _indexed_shape(shape: tuple, index: tuple) -> tuple:
    """The shape of ``x[index]`` for an ``x`` of ``shape``, computed without ``x``."""
    dummy = np.broadcast_to(np.False_, shape)
    probe = tuple(i if isinstance(i, I._BASIC) or shape_of(i) == ()
                  else np.zeros(shape_of(i), dtype=np.intp) for i in index)
    try:
        return dummy[probe].shape
    except IndexError as e:
        raise IndexingError(f"index_update: {e} (array of shape {shape})") from None


def index_update(x: Any, index: Any, value: Any) -> Any:
    """A copy of ``x`` with ``x[index] = value`` (``value`` broadcast), differentiable in both;
    ``Tensor.__setitem__`` calls this.

    >>> import weifen as wf
    >>> wf.index_update(wf.zeros(4), slice(1, 3), 5.0)
    tensor([0., 5., 5., 0.])
    """
    if _has_batched(index):
        from weifen.batching.batched import map_examples

        return map_examples(index_update, x, index, value)
    x = _raw(x)
    value = _raw(value)
    idx, _ = I.normalize_index(index)
    xs = shape_of(x)
    target = _indexed_shape(xs, idx)
    vs = shape_of(value)
    if vs != target:
        lead = len(target) - len(vs)
        if lead < 0 or any(a != 1 and a != b for a, b in zip(vs, target[lead:], strict=True)):
            # NumPy drops leading length-1 axes of the value before broadcasting
            k = 0
            while k < len(vs) and vs[k] == 1 and len(vs) - k > len(target):
                k += 1
            if k == 0:
                raise ShapeError(f"index_update: could not broadcast a value of shape {vs} "
                                 f"into the indexed shape {target} of an array of shape {xs}")
            value = reshape(value, vs[k:])
        value = broadcast_to(value, target)
    return _t(I.index_update_p.bind(x, value, index=idx))


def take(a: Any, indices: Any, axis: Any = None) -> Any:
    """Elements of ``a`` at ``indices`` along ``axis`` (of the flattened array without one),
    as ``np.take``; repeated indices accumulate in the gradient.

    >>> import weifen as wf
    >>> wf.take(wf.tensor([[1.0, 2.0], [3.0, 4.0]]), [1, 1], axis=1)
    tensor([[2., 2.],
            [4., 4.]])
    """
    a = _raw(a)
    if axis is None:
        return getitem(ravel(a), indices)
    ax = _norm_axis(axis, len(shape_of(a)), "take")
    if _has_batched(indices):
        return _t(I.gather_p.bind(a, indices, axis=ax, shape=shape_of(a)))
    return getitem(a, _axis_index(ax, _raw(_concrete(indices))))


def flip(x: Any, axis: Any = None) -> Any:
    """Reverse the order of elements along ``axis`` (all axes by default), as ``np.flip``.

    >>> import weifen as wf
    >>> wf.flip(wf.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=1)
    tensor([[2., 1.],
            [4., 3.]])
    """
    x = _raw(x)
    nd = len(shape_of(x))
    axes = range(nd) if axis is None else _norm_axes(axis, nd, "flip")
    rev = slice(None, None, -1)
    return getitem(x, tuple(rev if i in axes else slice(None) for i in range(nd)))


# ---------------------------------------------------------------- joining and splitting
def concatenate(arrays: Sequence[Any], axis: Any = 0, dtype: Any = None) -> Any:
    """Join arrays along an existing axis (``axis=None`` flattens them first), as
    ``np.concatenate``; each input gets its slice of the gradient.

    >>> import weifen as wf
    >>> wf.concatenate([wf.tensor([1.0, 2.0]), wf.tensor([3.0])])
    tensor([1., 2., 3.])
    """
    xs = [_raw(a) for a in arrays]
    if not xs:
        raise WeifenValueError("concatenate: need at least one array to concatenate")
    if axis is None:
        xs = [ravel(a) for a in xs]
        axis = 0
    shapes = [shape_of(a) for a in xs]
    nd = len(shapes[0])
    if nd == 0:
        raise ShapeError("concatenate: zero-dimensional arrays cannot be concatenated; "
                         "use wf.stack")
    ax = _norm_axis(axis, nd, "concatenate")
    for s in shapes[1:]:
        if len(s) != nd or any(a != b for i, (a, b) in enumerate(zip(s, shapes[0], strict=True))
                               if i != ax):
            raise ShapeError(f"concatenate: all the input array dimensions except for the "
                             f"concatenation axis {ax} must match exactly, got shapes "
                             f"{shapes[0]} and {s}")
    if dtype is not None:
        from weifen.numpy.elementwise import astype

        xs = [astype(a, dtype) for a in xs]
    return _t(S.concatenate_p.bind(*xs, axis=ax))


def stack(arrays: Sequence[Any], axis: int = 0) -> Any:
    """Join same-shaped arrays along a new axis, as ``np.stack``.

    >>> import weifen as wf
    >>> wf.stack([wf.tensor([1.0, 2.0]), wf.tensor([3.0, 4.0])], axis=1)
    tensor([[1., 3.],
            [2., 4.]])
    """
    xs = [_raw(a) for a in arrays]
    if not xs:
        raise WeifenValueError("stack: need at least one array to stack")
    s0 = shape_of(xs[0])
    for a in xs[1:]:
        if shape_of(a) != s0:
            raise ShapeError(f"stack: all input arrays must have the same shape, got "
                             f"{s0} and {shape_of(a)}")
    ax = _norm_axis(axis, len(s0) + 1, "stack")
    shape = s0[:ax] + (1,) + s0[ax:]
    return _t(S.concatenate_p.bind(*[S.reshape_p.bind(a, shape=shape) for a in xs], axis=ax))


def vstack(arrays: Sequence[Any]) -> Any:
    """Stack arrays as rows (1-D inputs become rows), as ``np.vstack``.

    >>> import weifen as wf
    >>> wf.vstack([wf.tensor([1.0, 2.0]), wf.tensor([3.0, 4.0])]).shape
    (2, 2)
    """
    return concatenate([atleast_2d(a) for a in arrays], axis=0)


def hstack(arrays: Sequence[Any]) -> Any:
    """Join arrays column-wise (1-D inputs end to end), as ``np.hstack``.

    >>> import weifen as wf
    >>> wf.hstack([wf.tensor([1.0]), wf.tensor([2.0, 3.0])])
    tensor([1., 2., 3.])
    """
    xs = [atleast_1d(a) for a in arrays]
    return concatenate(xs, axis=0 if xs and len(shape_of(xs[0])) == 1 else 1)


def _split_at(x: Any, bounds: list, ax: int) -> list:
    shape = shape_of(x)
    return [_t(I.getitem_p.bind(x, index=_axis_index(ax, slice(lo, hi)), shape=shape))
            for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]


def split(x: Any, indices_or_sections: Any, axis: int = 0) -> list:
    """Split into a list of views: ``n`` equal parts, or at the given indices, as ``np.split``.

    >>> import weifen as wf
    >>> [p.tolist() for p in wf.split(wf.arange(5.0), [2, 3])]
    [[0.0, 1.0], [2.0], [3.0, 4.0]]
    """
    x = _raw(x)
    xs = shape_of(x)
    ax = _norm_axis(axis, len(xs), "split")
    n = xs[ax]
    ios = _concrete(indices_or_sections)
    if np.ndim(ios) == 0:
        k = operator.index(ios)
        if k <= 0:
            raise WeifenValueError("split: number sections must be larger than 0")
        if n % k:
            raise WeifenValueError(f"split: array split does not result in an equal division "
                                   f"({n} elements along axis {ax} into {k} sections)")
        return array_split(x, k, axis=ax)
    bounds = [0] + [operator.index(i) for i in np.asarray(ios).tolist()] + [n]
    return _split_at(x, bounds, ax)


def array_split(x: Any, indices_or_sections: Any, axis: int = 0) -> list:
    """Like ``split``, but ``n`` sections need not divide the axis, as ``np.array_split``.

    >>> import weifen as wf
    >>> [p.shape for p in wf.array_split(wf.arange(5.0), 3)]
    [(2,), (2,), (1,)]
    """
    x = _raw(x)
    xs = shape_of(x)
    ax = _norm_axis(axis, len(xs), "array_split")
    ios = _concrete(indices_or_sections)
    if np.ndim(ios) != 0:
        return split(x, ios, axis=ax)
    k = operator.index(ios)
    if k <= 0:
        raise WeifenValueError("array_split: number sections must be larger than 0")
    each, extra = divmod(xs[ax], k)
    bounds = [0]
    for i in range(k):
        bounds.append(bounds[-1] + each + (i < extra))
    return _split_at(x, bounds, ax)


# ---------------------------------------------------------------- padding and repetition
_INDEX_MODES = ("edge", "reflect", "symmetric", "wrap")


def pad(x: Any, pad_width: Any, mode: str = "constant", **kwargs: Any) -> Any:
    """Pad each axis with ``(before, after)`` elements, as ``np.pad``.

    ``mode="constant"`` (with ``constant_values``, default 0) is a primitive; ``"edge"``,
    ``"reflect"``, ``"symmetric"`` and ``"wrap"`` copy elements of ``x``, so they are
    gathers whose gradient accumulates.

    >>> import weifen as wf
    >>> wf.pad(wf.tensor([1.0, 2.0]), (1, 2), constant_values=9.0)
    tensor([9., 1., 2., 9., 9.])
    """
    x = _raw(x)
    xs = shape_of(x)
    nd = len(xs)
    pw = np.asarray(_concrete(pad_width))
    if pw.dtype.kind not in "iu":
        raise WeifenTypeError(f"pad: `pad_width` must be of integral type, got {pw.dtype}")
    try:
        pw = np.broadcast_to(pw, (nd, 2))
    except ValueError:
        raise ShapeError(f"pad: pad_width of shape {pw.shape} does not fit an array of "
                         f"shape {xs}; give (before, after) or one pair per axis") from None
    if (pw < 0).any():
        raise WeifenValueError("pad: pad_width can't contain negative values")
    widths = tuple((int(b), int(a)) for b, a in pw.tolist())
    if mode == "constant":
        cv = kwargs.pop("constant_values", 0)
        if kwargs:
            raise WeifenTypeError(f"pad: unsupported keyword arguments {sorted(kwargs)} "
                                  "for mode 'constant'")
        cv = np.asarray(_concrete(cv))
        cv = cv.item() if cv.ndim == 0 else tuple(
            tuple(p) for p in np.broadcast_to(cv, (nd, 2)).tolist())
        return _t(S.pad_p.bind(x, pad_width=widths, constant_values=cv))
    if mode in _INDEX_MODES and not kwargs:
        # these modes only copy elements: pad the positions, then gather along each axis
        for ax, (b, a) in enumerate(widths):
            if b or a:
                where = np.pad(np.arange(xs[ax]), (b, a), mode=mode)
                x = getitem(x, _axis_index(ax, where))
        return _t(x)
    raise NotImplementedError(
        f"pad: mode={mode!r}" + (f" with {sorted(kwargs)}" if kwargs else "") + " is not "
        f"supported; use 'constant' or one of {_INDEX_MODES} (default options)")


def tile(x: Any, reps: Any) -> Any:
    """Repeat the whole array ``reps`` times along each axis, as ``np.tile``.

    >>> import weifen as wf
    >>> wf.tile(wf.tensor([1.0, 2.0]), (2, 2))
    tensor([[1., 2., 1., 2.],
            [1., 2., 1., 2.]])
    """
    x = _raw(x)
    reps = _concrete(reps)
    reps = (reps,) if np.ndim(reps) == 0 else tuple(np.asarray(reps).tolist())
    reps = tuple(operator.index(r) for r in reps)
    if any(r < 0 for r in reps):
        raise WeifenValueError(f"tile: negative repetitions {reps}")
    xs = tuple(shape_of(x))
    nd = max(len(xs), len(reps))
    xs = (1,) * (nd - len(xs)) + xs
    reps = (1,) * (nd - len(reps)) + reps
    # (s0, s1) -> (1, s0, 1, s1) -> broadcast (r0, s0, r1, s1) -> (r0*s0, r1*s1)
    inter = tuple(v for s in xs for v in (1, s))
    big = tuple(v for r, s in zip(reps, xs, strict=True) for v in (r, s))
    y = S.broadcast_to_p.bind(S.reshape_p.bind(x, shape=inter), shape=big)
    return _t(S.reshape_p.bind(y, shape=tuple(r * s for r, s in zip(reps, xs, strict=True))))


def repeat(x: Any, repeats: Any, axis: Any = None) -> Any:
    """Repeat each element ``repeats`` times (an int, or one count per element) along
    ``axis``; with no axis the array is flattened first, as ``np.repeat``.

    >>> import weifen as wf
    >>> wf.repeat(wf.tensor([[1.0, 2.0], [3.0, 4.0]]), [1, 2], axis=0)
    tensor([[1., 2.],
            [3., 4.],
            [3., 4.]])
    """
    x = _raw(x)
    if axis is None:
        x = ravel(x)
        ax = 0
    else:
        ax = _norm_axis(axis, len(shape_of(x)), "repeat")
    n = shape_of(x)[ax]
    r = np.asarray(_concrete(repeats))
    if r.size and r.dtype.kind not in "iu":
        raise WeifenTypeError(f"repeat: repeats must be integers, got dtype {r.dtype}")
    if r.ndim > 1 or (r.ndim == 1 and r.size not in (1, n)):
        raise ShapeError(f"repeat: repeats of shape {r.shape} do not fit {n} elements "
                         f"along axis {ax}")
    if (r < 0).any():
        raise WeifenValueError("repeat: negative dimensions are not allowed")
    if r.size == 1 and int(r.reshape(())) > 0:
        reps: Any = int(r.reshape(()))
    else:  # one count per element (0 as a count tells the gradient the input's length)
        reps = tuple(int(v) for v in np.broadcast_to(r.reshape(-1), (n,)))
    return _t(S.repeat_p.bind(x, repeats=reps, axis=ax))


__all__ = ["reshape", "ravel", "transpose", "broadcast_to", "swapaxes", "moveaxis",
           "expand_dims", "squeeze", "atleast_1d", "atleast_2d", "copy", "getitem",
           "index_update", "take", "flip", "concatenate", "stack", "vstack", "hstack",
           "split", "array_split", "pad", "tile", "repeat"]
