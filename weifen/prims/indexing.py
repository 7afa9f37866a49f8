"""Indexing primitives: ``x[index]``, its adjoint (scatter-add), and out-of-place ``x[index] = v``.

Indices reaching these primitives are normalised by :func:`normalize_index`: a tuple of
ints, slices, ``None``, ``Ellipsis`` and integer arrays (boolean masks already turned into
the integer arrays of their ``nonzero()``, which NumPy defines them to be). The public
``weifen.numpy.getitem`` does that, then binds

* ``getitem_p(x, index=, shape=)`` for basic indices: a view of ``x`` (``view=True``);
* ``index_p(x, index=, shape=)`` for advanced indices (integer arrays): a copy.

``shape`` is the shape of ``x``; the vjp reads it instead of ``x``, so the tape does not
keep ``x`` alive. Both are adjoint to ``index_add_p(g, shape=, index=)``: zeros of ``shape``
with ``g`` added at ``index``, repeated indices accumulating as in ``np.add.at``. Its own
vjp is indexing again, so derivatives of any order go through.

>>> import numpy as np
>>> idx, basic = normalize_index(([0, 0, 1],))
>>> index_add_p(np.ones(3), shape=(2,), index=idx)
array([2., 1.])
"""
from __future__ import annotations

import operator
from typing import Any

import numpy as np

from weifen.core.backend import scatter_add
from weifen.core.primitive import Box, Primitive
from weifen.prims.shape import reshape_p, shape_of, transpose_p

_NONE = type(None)
_ELLIPSIS = type(Ellipsis)
_BASIC = (int, slice, _NONE, _ELLIPSIS)


def _concrete(i: Any) -> Any:
    """The raw array under a box (an index is data, never differentiated)."""
    return i._concrete() if isinstance(i, Box) else i


def _norm_slice(s: slice) -> slice:
    a, b, c = s.start, s.stop, s.step
    if (type(a) is int or a is None) and (type(b) is int or b is None) and \
            (type(c) is int or c is None):
        return s
    return slice(*(None if v is None else operator.index(_concrete(v)) for v in (a, b, c)))


def _norm_item(i: Any, out: list) -> bool:
    """Append the normal form of one index item to ``out``; return whether it is basic."""
    t = type(i)
    if t is int or i is None or i is Ellipsis:
        out.append(i)
        return True
    if t is slice:
        out.append(_norm_slice(i))
        return True
    if t is bool or t is np.bool_:  # NumPy: a scalar bool is a 0-d mask, not an integer
        out.append(np.asarray(i))
        return False
    i = _concrete(i)
    if isinstance(i, (list, tuple)):
        i = np.asarray(i)
        if i.size == 0 and i.dtype.kind == "f":  # [] means "no elements", not a float index
            i = i.astype(np.intp)
    elif isinstance(i, np.integer):
        out.append(int(i))
        return True
    dtype = getattr(i, "dtype", None)
    if dtype is None:
        try:
            out.append(operator.index(i))
        except TypeError:
            raise IndexError(
                "only integers, slices (`:`), ellipsis (`...`), None (`np.newaxis`) and "
                f"integer or boolean arrays are valid indices, got {type(i).__name__}"
            ) from None
        return True
    kind = np.dtype(dtype).kind
    if kind == "b":
        if i.ndim == 0:
            out.append(i)
        else:
            out.extend(i.nonzero())
        return False
    if kind not in "iu":
        raise IndexError(
            f"arrays used as indices must be of integer (or boolean) type, got dtype {dtype}")
    if i.ndim == 0 and isinstance(i, np.ndarray):  # NumPy treats it as an integer
        out.append(int(i))
        return True
    out.append(i)
    return False


def normalize_index(index: Any) -> tuple[tuple, bool]:
    """``(index_tuple, basic)``: the normal form of a NumPy index, and whether it is basic.

    Boxes (Tensors) and lists become raw arrays, boolean masks their ``nonzero()`` arrays,
    NumPy integers Python ints. A basic index (ints, slices, None, Ellipsis) gives a view.

    >>> normalize_index(1)
    ((1,), True)
    >>> normalize_index((Ellipsis, None, [True, False, True]))
    ((Ellipsis, None, array([0, 2])), False)
    """
    t = type(index)
    if t is int:
        return (index,), True
    if t is not tuple:
        index = (index,)
    out: list = []
    basic = True
    for i in index:
        if not _norm_item(i, out):
            basic = False
    return tuple(out), basic


def is_basic(index: tuple) -> bool:
    """Whether a normalised index holds no array (so indexing gives a view)."""
    for i in index:
        if not isinstance(i, _BASIC):
            return False
    return True


def _indexable(x: Any) -> Any:
    # Python numbers and NumPy scalars cannot be indexed or written into; 0-d arrays can
    if isinstance(x, (int, float, complex, np.generic)):
        return np.asarray(x)
    return x


def take(x: Any, index: tuple) -> Any:
    """``x[index]`` for a normalised ``index``, through the right primitive (view or copy)."""
    prim = getitem_p if is_basic(index) else index_p
    return prim.bind(x, index=index, shape=shape_of(x))


# ---------------------------------------------------------------- getitem (basic and advanced)
def _getitem(x, index=(), shape=None):
    return _indexable(x)[index]


def _getitem_vjp(g, out, x, index=(), shape=None):
    return index_add_p(g, shape=shape, index=index)


getitem_p = Primitive(
    "getitem", _getitem, view=True, keep=((),),
    vjp=(_getitem_vjp,),
    jvp=(lambda dx, out, x, index=(), shape=None: getitem_p(dx, index=index, shape=shape),))

index_p = Primitive(
    "index", _getitem, keep=((),),
    vjp=(_getitem_vjp,),
    jvp=(lambda dx, out, x, index=(), shape=None: index_p(dx, index=index, shape=shape),))


# ---------------------------------------------------------------- the adjoint: scatter-add
def _index_add(g, shape=(), index=()):
    out = np.zeros_like(g, shape=shape)
    if is_basic(index):
        out[index] = g  # a basic index never repeats an element
    else:
        scatter_add(out, index, g)
    return out


index_add_p = Primitive(
    "index_add", _index_add, keep=((),),
    vjp=(lambda g, out, x, shape=(), index=(): take(g, index),),
    jvp=(lambda dx, out, x, shape=(), index=(): index_add_p(dx, shape=shape, index=index),))


# ---------------------------------------------------------------- x[index] = v, out of place
def _index_update(x, v, index=()):
    out = _indexable(x).copy()
    out[index] = v
    return out


# ``v`` has exactly the shape of ``x[index]`` (the public function broadcasts it first).
# With repeated indices NumPy keeps one of the written values; like torch, the gradient
# then goes to every copy of ``v`` that aimed at the element.
index_update_p = Primitive(
    "index_update", _index_update, keep=((), ()),
    vjp=(lambda g, out, x, v, index=(): index_update_p(g, 0, index=index),
         lambda g, out, x, v, index=(): take(g, index)),
    jvp=(lambda dx, out, x, v, index=(): index_update_p(dx, 0, index=index),
         lambda dv, out, x, v, index=(): index_add_p(dv, shape=shape_of(out), index=index)))


# ---------------------------------------------------------------- gather: an index that is data
# ``x[idx]`` along one axis with the integer array ``idx`` as an argument, not a param:
# what vmap needs when the index varies per example (per-example labels in a loss).
def _gather(x, idx, axis=0, shape=()):
    return np.take(_indexable(x), idx, axis=axis)


def _gather_add(g, idx, axis=0, shape=()):
    out = np.zeros_like(g, shape=shape)
    scatter_add(out, (slice(None),) * axis + (idx,), g)
    return out


gather_p = Primitive(
    "gather", _gather, keep=((1,), ()),
    vjp=(lambda g, out, x, idx, axis=0, shape=():
         gather_add_p(g, idx, axis=axis, shape=shape), None),
    jvp=(lambda dx, out, x, idx, axis=0, shape=(): gather_p(dx, idx, axis=axis, shape=shape),
         None))

gather_add_p = Primitive(
    "gather_add", _gather_add, keep=((1,), ()),
    vjp=(lambda g, out, x, idx, axis=0, shape=(): gather_p(g, idx, axis=axis, shape=shape),
         None),
    jvp=(lambda dx, out, x, idx, axis=0, shape=():
         gather_add_p(dx, idx, axis=axis, shape=shape), None))


def _flat_index(idx, B, n):
    """Per-example indices into axis ``n`` as indices into the flattened (B * n) axis."""
    k = len(shape_of(idx)) - 1
    off = np.arange(B).reshape((B,) + (1,) * k) * n
    return idx % n + off


def _gather_batch(vals, bd, B, axis=0, shape=()):
    x, idx = vals
    shape = tuple(shape)
    if not bd[1]:  # one index for every example
        return gather_p(x, idx, axis=axis + 1, shape=(B,) + shape)
    if not bd[0]:  # one array, indexed per example: the batch axis lands at ``axis``
        return _move(gather_p(x, idx, axis=axis, shape=shape), axis, 0)
    n = shape[axis]
    rest = shape[:axis] + shape[axis + 1:]
    xf = reshape_p(_move(x, axis + 1, 1), shape=(B * n,) + rest)
    k = len(shape_of(idx)) - 1
    out = gather_p(xf, _flat_index(idx, B, n), axis=0, shape=(B * n,) + rest)
    # (B, *idx, *before, *after) -> (B, *before, *idx, *after)
    perm = ((0,) + tuple(range(1 + k, 1 + k + axis)) + tuple(range(1, 1 + k))
            + tuple(range(1 + k + axis, 1 + k + len(rest))))
    return transpose_p(out, axes=perm)


def _gather_add_batch(vals, bd, B, axis=0, shape=()):
    from weifen.prims._batch import materialize

    g, idx = vals
    shape = tuple(shape)
    if not bd[1]:
        return gather_add_p(g, idx, axis=axis + 1, shape=(B,) + shape)
    g = materialize(g, bd[0], B)
    n = shape[axis]
    rest = shape[:axis] + shape[axis + 1:]
    k = len(shape_of(idx)) - 1
    # (B, *before, *idx, *after) -> (B, *idx, *before, *after), the layout of the flat gather
    perm = ((0,) + tuple(range(1 + axis, 1 + axis + k)) + tuple(range(1, 1 + axis))
            + tuple(range(1 + axis + k, 1 + k + len(rest))))
    flat = gather_add_p(transpose_p(g, axes=perm), _flat_index(idx, B, n), axis=0,
                        shape=(B * n,) + rest)
    return _move(reshape_p(flat, shape=(B, n) + rest), 1, axis + 1)


gather_p.batch = _gather_batch
gather_add_p.batch = _gather_add_batch


# ---------------------------------------------------------------- batch rules (vmap)
# The batched index is ``(slice(None),) + index``. Where NumPy moves the advanced-index
# axes to the front (int/array items not adjacent) they land before the batch axis, so
# values are moved between that layout and batch-first.
def _adv_layout(index: tuple) -> int:
    """How many leading axes NumPy puts before the batch axis of ``X[(:,) + index]``."""
    if is_basic(index):
        return 0
    pos = [k for k, i in enumerate(index) if not isinstance(i, (slice, _NONE, _ELLIPSIS))]
    if pos[-1] - pos[0] + 1 == len(pos):
        return 0
    shapes = [(int(bool(i)),) if getattr(i, "dtype", None) == np.bool_ and shape_of(i) == ()
              else shape_of(i) for i in index if not isinstance(i, _BASIC)]
    return len(np.broadcast_shapes(*shapes))


def _move(v: Any, src: int, dst: int) -> Any:
    if src == dst:
        return v
    order = [a for a in range(len(shape_of(v))) if a != src]
    order.insert(dst, src)
    return transpose_p(v, axes=tuple(order))


def _getitem_batch(prim):
    def rule(vals, bd, B, index=(), shape=()):
        out = prim(vals[0], index=(slice(None),) + index, shape=(B,) + tuple(shape))
        return _move(out, _adv_layout(index), 0)

    return rule


def _index_add_batch(vals, bd, B, shape=(), index=()):
    g = _move(vals[0], 0, _adv_layout(index))
    return index_add_p(g, shape=(B,) + tuple(shape), index=(slice(None),) + index)


def _index_update_batch(vals, bd, B, index=()):
    from weifen.prims._batch import materialize

    (x, v), (bx, bv) = vals, bd
    x = materialize(x, bx, B)
    k = _adv_layout(index)
    if bv:
        v = _move(v, 0, k)
    elif k and shape_of(v) != ():  # an unbatched value broadcasts unless axes moved
        v = _move(materialize(v, False, B), 0, k)
    return index_update_p(x, v, index=(slice(None),) + index)


getitem_p.batch = _getitem_batch(getitem_p)
index_p.batch = _getitem_batch(index_p)
index_add_p.batch = _index_add_batch
index_update_p.batch = _index_update_batch


__all__ = ["normalize_index", "is_basic", "take", "getitem_p", "index_p", "index_add_p",
           "index_update_p", "gather_p", "gather_add_p"]
