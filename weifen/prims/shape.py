"""Shape primitives: reshape, broadcast_to, transpose, concatenate, pad, repeat, copy.

Indexing lives in :mod:`weifen.prims.indexing`. Everything else of the shape family
(stack, split, flip, tile, squeeze, moveaxis, ...) is a composite of these, in
:mod:`weifen.numpy.shape`.
"""
from __future__ import annotations

import numpy as np

from weifen.core.primitive import Box, Primitive


def shape_of(x) -> tuple:
    """The shape of an array, a box or a Python number."""
    t = type(x)
    if t is float or t is int:
        return ()
    s = getattr(x, "shape", None)
    return s if s is not None else np.shape(x)


def _reshape(x, shape):
    return np.reshape(x, shape)


reshape_p = Primitive("reshape", _reshape, view=True,
                      vjp=(lambda g, out, x, shape: reshape_p(g, shape=shape_of(x)),),
                      jvp=(lambda dx, out, x, shape: reshape_p(dx, shape=shape),))


def _broadcast_to(x, shape):
    return np.broadcast_to(x, shape)


def _broadcast_vjp(g, out, x, shape):
    from weifen.prims.reduce import sum_to_shape

    return sum_to_shape(g, shape_of(x))


broadcast_to_p = Primitive("broadcast_to", _broadcast_to, view=True, vjp=(_broadcast_vjp,),
                           jvp=(lambda dx, out, x, shape: broadcast_to_p(dx, shape=shape),))


def _transpose(x, axes=None):
    return np.transpose(x, axes)


def _inverse_axes(axes, ndim):
    if axes is None:
        return None
    inv = [0] * ndim
    for i, a in enumerate(axes):
        inv[a % ndim] = i
    return tuple(inv)


transpose_p = Primitive(
    "transpose", _transpose, view=True, keep=((),),
    vjp=(lambda g, out, x, axes=None:
         transpose_p(g, axes=_inverse_axes(axes, len(shape_of(g)))),),
    jvp=(lambda dx, out, x, axes=None: transpose_p(dx, axes=axes),))



# ---------------------------------------------------------------- concatenate (variadic)
def _concatenate(*xs, axis=0):
    return np.concatenate(xs, axis=axis)


def _axis_slices(axis, lo, hi):
    return (slice(None),) * axis + (slice(lo, hi),)


def _concatenate_vjp(g, out, *xs, axis=0):
    from weifen.prims.indexing import getitem_p

    gs = shape_of(g)
    ax = axis % len(gs)
    gxs = []
    lo = 0
    for x in xs:
        hi = lo + shape_of(x)[ax]
        gxs.append(getitem_p(g, index=_axis_slices(ax, lo, hi), shape=gs))
        lo = hi
    return tuple(gxs)


def _concatenate_jvp(dxs, out, *xs, axis=0):
    """The tangent of the output from every input's tangent (``None``: no tangent)."""
    if all(d is not None for d in dxs):
        return concatenate_p(*dxs, axis=axis)
    ax = axis % len(shape_of(out))
    total = shape_of(out)[ax]
    t = None
    lo = 0
    for x, d in zip(xs, dxs, strict=True):
        hi = lo + shape_of(x)[ax]
        if d is not None:
            widths = tuple((lo, total - hi) if i == ax else (0, 0)
                           for i in range(len(shape_of(out))))
            p = pad_p(d, pad_width=widths, constant_values=0)
            t = p if t is None else t + p
        lo = hi
    return t


# A variadic primitive: one vjp computes every input's cotangent (slices of g), and one
# jvp callable takes the tuple of input tangents (None where an input has none).
concatenate_p = Primitive("concatenate", _concatenate, vjp=_concatenate_vjp,
                          jvp=_concatenate_jvp)


# ---------------------------------------------------------------- pad (constant mode)
def _pad(x, pad_width=(), constant_values=0):
    return np.pad(x, pad_width, mode="constant", constant_values=constant_values)


def _pad_inner(g, pad_width):
    """``g`` without the padding: the slice of the padded array that holds ``x``."""
    from weifen.prims.indexing import getitem_p

    gs = shape_of(g)
    index = tuple(slice(b, n - a) for (b, a), n in zip(pad_width, gs, strict=True))
    return getitem_p(g, index=index, shape=gs)


pad_p = Primitive(
    "pad", _pad, keep=((),),
    vjp=(lambda g, out, x, pad_width=(), constant_values=0: _pad_inner(g, pad_width),),
    jvp=(lambda dx, out, x, pad_width=(), constant_values=0:
         pad_p(dx, pad_width=pad_width, constant_values=0),))


# ---------------------------------------------------------------- repeat (along one axis)
# ``repeats`` is a positive int or a tuple of ints, one per element along ``axis`` (the
# public ``repeat`` turns 0 into a tuple, since an empty result does not tell the length).
def _repeat(x, repeats=1, axis=0):
    return np.repeat(x, repeats, axis=axis)


def _repeat_vjp(g, out, x, repeats=1, axis=0):
    from weifen.prims.reduce import sum_p

    gs = shape_of(g)
    if isinstance(repeats, int):
        # each input element became a run of ``repeats`` neighbours: fold them back
        n = gs[axis] // repeats
        split = gs[:axis] + (n, repeats) + gs[axis + 1:]
        return sum_p(reshape_p(g, shape=split), axis=axis + 1)
    # uneven runs: element i of the input went to positions owner == i (repeated indices)
    from weifen.prims.indexing import index_add_p

    owner = np.repeat(np.arange(len(repeats)), repeats)
    shape = gs[:axis] + (len(repeats),) + gs[axis + 1:]
    return index_add_p(g, shape=shape, index=(slice(None),) * axis + (owner,))


repeat_p = Primitive(
    "repeat", _repeat, keep=((),), vjp=(_repeat_vjp,),
    jvp=(lambda dx, out, x, repeats=1, axis=0: repeat_p(dx, repeats=repeats, axis=axis),))


# ---------------------------------------------------------------- copy
def _copy(x):
    return x.copy() if hasattr(x, "copy") else x


copy_p = Primitive("copy", _copy, keep=((),),
                   vjp=(lambda g, out, x: g,), jvp=(lambda dx, out, x: dx,))


# ---------------------------------------------------------------- batch rules (vmap)
# ``rule(vals, batched, B, **params)``: batched values carry the batch axis first, the
# params describe one example; the result is batched along axis 0.
def _example_nd(v, batched):
    return len(shape_of(v)) - (1 if batched else 0)


def _reshape_batch(vals, bd, B, shape=()):
    return reshape_p(vals[0], shape=(B,) + tuple(shape))


def _transpose_batch(vals, bd, B, axes=None):
    nd = _example_nd(vals[0], True)
    axes = range(nd - 1, -1, -1) if axes is None else (a % nd for a in axes)
    return transpose_p(vals[0], axes=(0,) + tuple(a + 1 for a in axes))


def _broadcast_batch(vals, bd, B, shape=()):
    from weifen.prims._batch import lift_rank

    return broadcast_to_p(lift_rank(vals[0], len(shape)), shape=(B,) + tuple(shape))


def _concatenate_batch(vals, bd, B, axis=0):
    from weifen.prims._batch import materialize

    nd = max(_example_nd(v, b) for v, b in zip(vals, bd, strict=True))
    xs = [materialize(v, b, B) for v, b in zip(vals, bd, strict=True)]
    return concatenate_p(*xs, axis=axis % nd + 1)


def _pad_batch(vals, bd, B, pad_width=(), constant_values=0):
    if isinstance(constant_values, tuple):
        constant_values = ((0, 0),) + constant_values
    return pad_p(vals[0], pad_width=((0, 0),) + tuple(pad_width),
                 constant_values=constant_values)


def _repeat_batch(vals, bd, B, repeats=1, axis=0):
    return repeat_p(vals[0], repeats=repeats, axis=axis % _example_nd(vals[0], True) + 1)


reshape_p.batch = _reshape_batch
transpose_p.batch = _transpose_batch
broadcast_to_p.batch = _broadcast_batch
concatenate_p.batch = _concatenate_batch
pad_p.batch = _pad_batch
repeat_p.batch = _repeat_batch
copy_p.batch = lambda vals, bd, B: copy_p(vals[0])

__all__ = ["Box", "shape_of", "reshape_p", "broadcast_to_p", "transpose_p", "concatenate_p",
           "pad_p", "repeat_p", "copy_p"]


def _reshape_batch(vals, bd, B, shape):
    return reshape_p(vals[0], shape=(B,) + tuple(shape))


def _broadcast_batch(vals, bd, B, shape):
    from weifen.prims._batch import lift_rank

    return broadcast_to_p(lift_rank(vals[0], len(shape)), shape=(B,) + tuple(shape))


def _transpose_batch(vals, bd, B, axes=None):
    nd = len(shape_of(vals[0])) - 1
    if axes is None:
        axes = tuple(range(nd - 1, -1, -1))
    return transpose_p(vals[0], axes=(0,) + tuple(a % nd + 1 for a in axes))


reshape_p.batch = _reshape_batch
broadcast_to_p.batch = _broadcast_batch
transpose_p.batch = _transpose_batch
