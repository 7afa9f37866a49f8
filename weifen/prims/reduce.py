"""Reductions and scans, and ``sum_to_shape`` (the engine's unbroadcast).

``prod``'s cotangent is ``g`` times the product of the *other* elements, computed with
exclusive cumulative products from both ends. No rule divides by ``x``: ``cumprod``'s rules
solve their recurrences with doubling scans of products and sums, so derivatives of every
order are exact where ``x`` has zeros. ``max`` and ``min`` split ``g`` evenly among ties,
as JAX does. ``cumsum`` takes ``exclusive``/``reverse`` flags so its vjp is itself reversed.
"""
from __future__ import annotations

import numpy as np

from weifen.core.backend import chunked, raw
from weifen.core.primitive import Primitive
from weifen.prims import elementwise as E
from weifen.prims.elementwise import _dtype_of, astype_p, eq_p
from weifen.prims.shape import broadcast_to_p, reshape_p, shape_of, transpose_p


def _norm_axis(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    return tuple(sorted(a % ndim if ndim else a for a in axis))


def _keep_shape(shape, axis):
    """``shape`` with the reduced axes set to 1 (what ``keepdims=True`` would give)."""
    axes = _norm_axis(axis, len(shape))
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def _sum(x, axis=None, keepdims=False):
    return np.sum(x, axis=axis, keepdims=keepdims)


def _sum_vjp(g, out, x, axis=None, keepdims=False):
    shape = shape_of(x)
    if not keepdims:
        g = reshape_p(g, shape=_keep_shape(shape, axis))
    if chunked(x):  # Dask: chunked like x, never one chunk of the whole length
        return E.mul_p(g, np.ones_like(raw(x)))
    return broadcast_to_p(g, shape=shape)


sum_p = Primitive("sum", _sum, vjp=(_sum_vjp,),
                  jvp=(lambda dx, out, x, axis=None, keepdims=False:
                       sum_p(dx, axis=axis, keepdims=keepdims),))


def sum_to_shape(g, shape):
    """Sum ``g`` over broadcast axes so that it has ``shape`` (the inverse of broadcasting)."""
    gs = shape_of(g)
    if gs == shape:
        return g
    lead = len(gs) - len(shape)
    if lead < 0:
        return broadcast_to_p(g, shape=shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape) if s == 1 and gs[i + lead] != 1)
    if axes:
        g = sum_p(g, axis=axes, keepdims=True)
    return reshape_p(g, shape=shape)


def _keep(g, shape, axis, keepdims):
    """``g`` (a reduction's output or cotangent) reshaped to the keepdims shape."""
    return g if keepdims else reshape_p(g, shape=_keep_shape(shape, axis))


# ---------------------------------------------------------------- scans
def _shift(c, axis, fill_like, reverse):
    """Shift ``c`` one step along ``axis`` (towards the end, or the start if ``reverse``),
    filling the vacated slot with ``fill_like`` of the right shape (0 or 1)."""
    nd = c.ndim
    axis = axis % nd
    lo = (slice(None),) * axis
    if reverse:
        edge = fill_like(c[lo + (slice(-1, None),)]) if c.shape[axis] else c
        return np.concatenate([c[lo + (slice(1, None),)], edge], axis=axis)
    edge = fill_like(c[lo + (slice(0, 1),)]) if c.shape[axis] else c
    return np.concatenate([edge, c[lo + (slice(None, -1),)]], axis=axis)


def _scan(fn, fill_like):
    def impl(x, axis=0, exclusive=False, reverse=False):
        if not hasattr(x, "ndim"):
            x = np.asarray(x)  # a Python number: scans need an axis, as in NumPy
        if reverse:
            x = np.flip(x, axis)
        c = fn(x, axis=axis)
        if exclusive:
            c = _shift(c, axis, fill_like, False)
        return np.flip(c, axis) if reverse else c

    return impl


cumsum_p = Primitive(
    "cumsum", _scan(np.cumsum, np.zeros_like), keep=((),),
    vjp=(lambda g, out, x, axis=0, exclusive=False, reverse=False:
         cumsum_p(g, axis=axis, exclusive=exclusive, reverse=not reverse),),
    jvp=(lambda dx, out, x, axis=0, exclusive=False, reverse=False:
         cumsum_p(dx, axis=axis, exclusive=exclusive, reverse=reverse),))

# out_i = prod of x_j over j <= i (j < i if exclusive; j >= i / j > i if reverse). Its rules
# contain no division: products of the others come from linear recurrences solved by
# doubling scans of multiplications and additions, so every derivative order is exact at
# zeros (torch's cumprod is exact at zeros too).
def _shift_by(v, s, axis, fwd, fill):
    """``v`` moved ``s`` places along ``axis`` (towards the end if ``fwd``), ``fill`` behind."""
    from weifen.prims.indexing import getitem_p
    from weifen.prims.shape import pad_p

    shp = shape_of(v)
    nd, n = len(shp), shp[axis]
    pw = tuple(((s, 0) if fwd else (0, s)) if i == axis else (0, 0) for i in range(nd))
    p = pad_p(v, pad_width=pw, constant_values=fill)
    idx = tuple((slice(0, n) if fwd else slice(s, s + n)) if i == axis else slice(None)
                for i in range(nd))
    return getitem_p(p, index=idx, shape=shape_of(p))


def _affine_scan(a, b, axis, fwd):
    """h with h_i = a_i h_(i-1) + b_i (h_(i+1) if not ``fwd``), h = 0 before the start:
    a Hillis-Steele scan composing the affine maps h -> a h + b in log2(n) rounds."""
    n = shape_of(b)[axis]
    s = 1
    while s < n:
        b = a * _shift_by(b, s, axis, fwd, 0) + b
        if 2 * s < n:
            a = a * _shift_by(a, s, axis, fwd, 1)
        s *= 2
    return b


def _cumprod_vjp(g, out, x, axis=0, exclusive=False, reverse=False):
    ax = axis % len(shape_of(x))
    fwd = not reverse
    before = out if exclusive else _shift_by(out, 1, ax, fwd, 1)  # prod of x_k, k before i
    if exclusive:  # out_i is the inclusive product one place back: move g one place on
        g = _shift_by(g, 1, ax, not fwd, 0)
    # g_x[j] = before_j * r_j with r_j = g_j + x_(j+1) r_(j+1), scanned against the order
    return before * _affine_scan(_shift_by(x, 1, ax, not fwd, 1), g, ax, not fwd)


def _cumprod_jvp(dx, out, x, axis=0, exclusive=False, reverse=False):
    ax = axis % len(shape_of(x))
    fwd = not reverse
    before = out if exclusive else _shift_by(out, 1, ax, fwd, 1)
    d = _affine_scan(x, dx * before, ax, fwd)  # d_i = x_i d_(i-1) + dx_i before_i
    return _shift_by(d, 1, ax, fwd, 0) if exclusive else d


cumprod_p = Primitive("cumprod", _scan(np.cumprod, np.ones_like), keep=((0,),), save_out=True,
                      vjp=(_cumprod_vjp,), jvp=(_cumprod_jvp,))


# ---------------------------------------------------------------- prod
def _prod(x, axis=None, keepdims=False):
    return np.prod(x, axis=axis, keepdims=keepdims)


def _prod_others(x, axis):
    """For every element of ``x``, the product of the other elements it is reduced with."""
    shape = shape_of(x)
    nd = len(shape)
    axes = _norm_axis(axis, nd)
    n = 1
    for a in axes:
        n *= shape[a]
    if n == 1:  # one element per product (or nothing reduced): no others, product 1
        return 1
    kept = tuple(i for i in range(nd) if i not in axes)
    perm = kept + axes
    xt = x if perm == tuple(range(nd)) else transpose_p(x, axes=perm)
    mid = tuple(shape[i] for i in kept) + tuple(shape[i] for i in axes)
    flat = tuple(shape[i] for i in kept) + (n,)
    xf = xt if len(axes) == 1 else reshape_p(xt, shape=flat)
    # products before and after each element: exact at zeros, to every order (see cumprod)
    o = (cumprod_p(xf, axis=-1, exclusive=True) *
         cumprod_p(xf, axis=-1, exclusive=True, reverse=True))
    if len(axes) > 1:
        o = reshape_p(o, shape=mid)
    if perm != tuple(range(nd)):
        inv = [0] * nd
        for i, p in enumerate(perm):
            inv[p] = i
        o = transpose_p(o, axes=tuple(inv))
    return o


prod_p = Primitive(
    "prod", _prod, keep=((0,),),
    vjp=(lambda g, out, x, axis=None, keepdims=False:
         _keep(g, shape_of(x), axis, keepdims) * _prod_others(x, axis),),
    jvp=(lambda dx, out, x, axis=None, keepdims=False:
         sum_p(dx * _prod_others(x, axis), axis=axis, keepdims=keepdims),))


# ---------------------------------------------------------------- max / min
def _chooser(npf):
    def impl(x, axis=None, keepdims=False):
        return npf(x, axis=axis, keepdims=keepdims)

    impl.__name__ = npf.__name__
    return impl


def _winners(out, x, axis, keepdims):
    """Where ``x`` attains the extreme, as ``x``'s dtype, and how many do per reduction."""
    m = astype_p(eq_p(x, _keep(out, shape_of(x), axis, keepdims)), dtype=_dtype_of(x))
    return m, sum_p(m, axis=axis, keepdims=True)


def _choose_vjp(g, out, x, axis=None, keepdims=False):
    m, cnt = _winners(out, x, axis, keepdims)
    return _keep(g, shape_of(x), axis, keepdims) * (m / cnt)


def _choose_jvp(dx, out, x, axis=None, keepdims=False):
    m, cnt = _winners(out, x, axis, keepdims)
    t = sum_p(dx * m, axis=axis, keepdims=True) / cnt
    return t if keepdims else reshape_p(t, shape=shape_of(out))


max_p = Primitive("max", _chooser(np.max), keep=((0,),), save_out=True,
                  vjp=(_choose_vjp,), jvp=(_choose_jvp,))
min_p = Primitive("min", _chooser(np.min), keep=((0,),), save_out=True,
                  vjp=(_choose_vjp,), jvp=(_choose_jvp,))
# The same maximum with no derivative: the shift that keeps logsumexp/softmax stable
# (its derivative would cancel anyway; stopping it saves the work and the rounding).
max_stopped_p = Primitive("max_stopped", _chooser(np.max), nondiff=True)


# ---------------------------------------------------------------- no derivative
argmax_p = Primitive("argmax", _chooser(np.argmax), nondiff=True)
argmin_p = Primitive("argmin", _chooser(np.argmin), nondiff=True)
all_p = Primitive("all", _chooser(np.all), nondiff=True)
any_p = Primitive("any", _chooser(np.any), nondiff=True)
count_nonzero_p = Primitive("count_nonzero", _chooser(np.count_nonzero), nondiff=True)


def _arg_batch(prim):
    def rule(vals, bd, B, axis=None, keepdims=False):
        (v,) = vals
        s = shape_of(v)
        if axis is not None:
            return prim(v, axis=axis + 1 if axis >= 0 else axis, keepdims=keepdims)
        n = 1
        for d in s[1:]:
            n *= d
        r = prim(reshape_p(v, shape=(s[0], n)), axis=1)  # NumPy's axis=None: the flat index
        return reshape_p(r, shape=(s[0],) + (1,) * (len(s) - 1)) if keepdims else r

    return rule


def _attach_batch_rules() -> None:
    from weifen.prims._batch import axis_param

    for p in (sum_p, prod_p, max_p, min_p, max_stopped_p, all_p, any_p, count_nonzero_p,
              cumsum_p, cumprod_p):
        p.batch = axis_param(p)
    argmax_p.batch = _arg_batch(argmax_p)
    argmin_p.batch = _arg_batch(argmin_p)


_attach_batch_rules()
