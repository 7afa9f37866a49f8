"""Sliding windows: ``im2col`` (every kernel-sized window of an image, as columns) and its
adjoint ``col2im`` (columns summed back into the image). Convolution and pooling
(``wf.nn.functional.conv2d``, ``max_pool2d``, ...) are composites of these with matmul,
reshape and reductions, so they differentiate to any order like everything else.

Both act on the last two axes (H, W) and keep any leading axes, which makes their batch
rules trivial. Params: ``size`` (H, W) of the image, ``kernel`` (kh, kw), ``stride``
(sh, sw), ``padding`` ((top, bottom), (left, right)) and ``dilation`` (dh, dw);
``im2col`` also takes ``pad_value`` (0 for convolution, -inf for max pooling).

``im2col(x)`` has shape ``(..., kh, kw, Ho, Wo)``; entry ``[..., i, j, h, w]`` is the padded
image at row ``h * sh + i * dh`` and column ``w * sw + j * dw``. With ``channels_last=True``
the last leading axis (the channels, C) moves to the end: ``(..., Ho, Wo, kh, kw, C)``, so the
columns of one output pixel are one contiguous row (a convolution is then a single matrix
product) and the copies run over contiguous channels, fast even for small images. Both are
linear (the pad value is a constant), so each one's vjp is the other and each one's jvp is
itself.
"""
from __future__ import annotations

import numpy as np

from weifen.core.primitive import Primitive


def out_size(n: int, k: int, s: int, pad: int, d: int) -> int:
    """Windows along an axis of length ``n`` padded by ``pad`` in all."""
    return (n + pad - d * (k - 1) - 1) // s + 1


def _im2col(x, size=(0, 0), kernel=(1, 1), stride=(1, 1), padding=((0, 0), (0, 0)),
            dilation=(1, 1), pad_value=0.0, channels_last=False):
    (kh, kw), (sh, sw), ((pt, pb), (pl, pr)), (dh, dw) = kernel, stride, padding, dilation
    H, W = x.shape[-2:]
    lead = x.shape[:-2]
    Ho = out_size(H, kh, sh, pt + pb, dh)
    Wo = out_size(W, kw, sw, pl + pr, dw)
    if channels_last and type(x) is np.ndarray:
        # pad into an (..., Hp, Wp, C) array, then windows with the channels innermost
        xp = np.full_like(x, pad_value, shape=lead[:-1] + (H + pt + pb, W + pl + pr, lead[-1]))
        xp[..., pt:pt + H, pl:pl + W, :] = np.moveaxis(x, -3, -1)
        s = xp.strides
        win = np.lib.stride_tricks.as_strided(
            xp, lead[:-1] + (Ho, Wo, kh, kw, lead[-1]),
            s[:-3] + (sh * s[-3], sw * s[-2], dh * s[-3], dw * s[-2], s[-1]), writeable=False)
        return np.ascontiguousarray(win)
    if pt or pb or pl or pr:
        xp = np.full_like(x, pad_value, shape=lead + (H + pt + pb, W + pl + pr))
        xp[..., pt:pt + H, pl:pl + W] = x
    else:
        xp = x
    if type(xp) is np.ndarray:
        s = xp.strides
        win = np.lib.stride_tricks.as_strided(
            xp, lead + (kh, kw, Ho, Wo), s[:-2] + (dh * s[-2], dw * s[-1], sh * s[-2],
                                                   sw * s[-1]), writeable=False)
    else:  # other array libraries: their sliding_window_view (NumPy's dispatches to it)
        win = np.lib.stride_tricks.sliding_window_view(
            xp, (dh * (kh - 1) + 1, dw * (kw - 1) + 1), axis=(-2, -1))
        win = np.moveaxis(win[..., ::sh, ::sw, ::dh, ::dw], (-4, -3), (-2, -1))
    if channels_last:
        win = np.moveaxis(win, (-5, -4, -3, -2, -1), (-1, -3, -2, -5, -4))
    return np.ascontiguousarray(win)


def _col2im(cols, size=(0, 0), kernel=(1, 1), stride=(1, 1), padding=((0, 0), (0, 0)),
            dilation=(1, 1), channels_last=False):
    (kh, kw), (sh, sw), ((pt, pb), (pl, pr)), (dh, dw) = kernel, stride, padding, dilation
    H, W = size
    if channels_last:  # (..., Ho, Wo, kh, kw, C): add into an (..., Hp, Wp, C) image
        Ho, Wo = cols.shape[-5:-3]
        lead = cols.shape[:-5]
        out = np.zeros_like(cols, shape=lead + (H + pt + pb, W + pl + pr, cols.shape[-1]))
        for i in range(kh):
            r = i * dh
            for j in range(kw):
                c = j * dw
                out[..., r:r + sh * (Ho - 1) + 1:sh, c:c + sw * (Wo - 1) + 1:sw, :] += \
                    cols[..., i, j, :]
        return np.moveaxis(out, -1, -3)[..., pt:pt + H, pl:pl + W]
    Ho, Wo = cols.shape[-2:]
    lead = cols.shape[:-4]
    Hp, Wp = H + pt + pb, W + pl + pr
    out = np.zeros_like(cols, shape=lead + (Hp, Wp))
    if (sh, sw) == (kh, kw) and (dh, dw) == (1, 1):
        # windows tile the image without overlap: one transposed copy
        blk = np.moveaxis(cols, (-4, -3), (-3, -1))  # (..., Ho, kh, Wo, kw)
        out[..., :Ho * kh, :Wo * kw] = blk.reshape(lead + (Ho * kh, Wo * kw))
    else:
        for i in range(kh):
            r = i * dh
            for j in range(kw):
                c = j * dw
                out[..., r:r + sh * (Ho - 1) + 1:sh, c:c + sw * (Wo - 1) + 1:sw] += \
                    cols[..., i, j, :, :]
    if pt or pb or pl or pr:
        out = out[..., pt:pt + H, pl:pl + W]
    return out


def _geometry(params):
    keys = ("size", "kernel", "stride", "padding", "dilation", "channels_last")
    return {k: params[k] for k in keys if k in params}


def _im2col_vjp(g, out, x, **params):
    return col2im_p(g, **_geometry(params))


def _im2col_jvp(dx, out, x, **params):
    return im2col_p(dx, pad_value=0.0, **_geometry(params))


def _col2im_vjp(g, out, cols, **params):
    return im2col_p(g, pad_value=0.0, **params)


def _col2im_jvp(dcols, out, cols, **params):
    return col2im_p(dcols, **params)


im2col_p = Primitive("im2col", _im2col, keep=((),), vjp=(_im2col_vjp,), jvp=(_im2col_jvp,))
col2im_p = Primitive("col2im", _col2im, keep=((),), vjp=(_col2im_vjp,), jvp=(_col2im_jvp,))

# the batch axis (first) is one more leading axis: nothing to do
im2col_p.batch = lambda vals, bd, B, **params: im2col_p(vals[0], **params)
col2im_p.batch = lambda vals, bd, B, **params: col2im_p(vals[0], **params)


# ---------------------------------------------------------------- max pooling's routing
# ``pool_gather(v, x)`` takes, in each window, the element of ``v`` where ``x``'s window has
# its first maximum (padding counts as -inf, a NaN wins, as torch); ``pool_gather(x, x)``
# is max pooling. ``pool_scatter(g, x)`` sends each window's ``g`` back to that element
# (adding where windows overlap). Both are linear in their first argument and piecewise
# constant in ``x`` (no derivative there), and each one's vjp is the other, so max pooling
# differentiates to any order with the gradient on one element per window, as torch's.
def _channels_last(x):
    """Whether ``x`` (..., C, H, W) lies in memory as (..., H, W, C) (a convolution's
    output does): the window copies then run over contiguous channels."""
    return (type(x) is np.ndarray and x.ndim >= 3 and not x.flags.c_contiguous
            and np.moveaxis(x, -3, -1).flags.c_contiguous)


def _window_major(x, kernel, stride, padding, dilation, pad_value, cl=False):
    """The windows of ``x`` window-position first: ``(kh * kw, ..., Ho, Wo)``, contiguous
    (``(kh * kw, ..., Ho, Wo, C)`` when ``cl``: ``x`` is taken as (..., H, W, C)).

    Each slice ``[k]`` is then one contiguous array, so the per-position work below runs at
    full speed even for small images (strided slices of them would not).
    """
    (kh, kw), (sh, sw), ((pt, pb), (pl, pr)), (dh, dw) = kernel, stride, padding, dilation
    t = 1 if cl else 0  # trailing axes after (H, W)
    H, W = x.shape[x.ndim - 2 - t:x.ndim - t]
    lead, tail = x.shape[:x.ndim - 2 - t], x.shape[x.ndim - t:]
    Ho = out_size(H, kh, sh, pt + pb, dh)
    Wo = out_size(W, kw, sw, pl + pr, dw)
    xp = _padded(x, padding, pad_value, t)
    s = xp.strides
    sH, sW = s[xp.ndim - 2 - t], s[xp.ndim - 1 - t]
    win = np.lib.stride_tricks.as_strided(
        xp, (kh, kw) + lead + (Ho, Wo) + tail,
        (dh * sH, dw * sW) + s[:len(lead)] + (sh * sH, sw * sW) + s[xp.ndim - t:],
        writeable=False)
    return np.ascontiguousarray(win).reshape((kh * kw,) + lead + (Ho, Wo) + tail)


def _padded(x, padding, value, t=0):
    ((pt, pb), (pl, pr)) = padding
    if not (pt or pb or pl or pr):
        return x
    n = x.ndim - t
    H, W = x.shape[n - 2:n]
    xp = np.full_like(x, value, shape=x.shape[:n - 2] + (H + pt + pb, W + pl + pr)
                      + x.shape[n:])
    xp[(..., slice(pt, pt + H), slice(pl, pl + W)) + (slice(None),) * t] = x
    return xp


def _first_max(T):
    """``(best, index)`` over axis 0: each window's maximum (NaN wins, as torch) and the
    position of its first occurrence."""
    best = T.max(axis=0)
    eq = T == best
    if T.dtype.kind in "fc":
        nan = np.isnan(best)
        if nan.any():
            eq |= np.isnan(T) & nan
    K = T.shape[0]
    dt = np.int8 if K < 128 else np.intp
    # the first k with eq[k]: min over k of (k - K where eq, else 0), plus K
    ar = (np.arange(K, dtype=dt) - dt(K)).reshape((K,) + (1,) * best.ndim)
    return best, (eq * ar).min(axis=0) + dt(K)


def _window_back(G, x_shape, kernel, stride, padding, dilation, cl=False):
    """The adjoint of ``_window_major``: ``G`` (kh * kw, ..., Ho, Wo[, C]) summed into the
    image (..., H, W[, C])."""
    (kh, kw), (sh, sw), ((pt, pb), (pl, pr)), (dh, dw) = kernel, stride, padding, dilation
    t = 1 if cl else 0
    tail = G.shape[G.ndim - t:]
    H, W = x_shape[len(x_shape) - 2 - t:len(x_shape) - t]
    lead = G.shape[1:G.ndim - 2 - t]
    Ho, Wo = G.shape[G.ndim - 2 - t:G.ndim - t]
    out = np.zeros_like(G, shape=lead + (H + pt + pb, W + pl + pr) + tail)
    T = (slice(None),) * t
    if (sh, sw) == (kh, kw) and (dh, dw) == (1, 1):  # windows tile: one transposed copy
        n = len(lead)
        blk = np.moveaxis(G.reshape((kh, kw) + G.shape[1:]), (0, 1), (n + 1, n + 3))
        out[(..., slice(0, Ho * kh), slice(0, Wo * kw)) + T] = \
            blk.reshape(lead + (Ho * kh, Wo * kw) + tail)
    else:
        for k in range(kh * kw):
            i, j = divmod(k, kw)
            r, c = i * dh, j * dw
            out[(..., slice(r, r + sh * (Ho - 1) + 1, sh),
                 slice(c, c + sw * (Wo - 1) + 1, sw)) + T] += G[k]
    if pt or pb or pl or pr:
        out = out[(..., slice(pt, pt + H), slice(pl, pl + W)) + T]
    return out


def _geom(kernel, stride, padding, dilation):
    return kernel, stride, padding, dilation


def _pool_gather(v, x, size=(0, 0), kernel=(1, 1), stride=(1, 1), padding=((0, 0), (0, 0)),
                 dilation=(1, 1)):
    g = _geom(kernel, stride, padding, dilation)
    cl = _channels_last(x)
    xl = np.moveaxis(x, -3, -1) if cl else x
    Tx = _window_major(xl, *g, -np.inf, cl)
    if v is x:
        out = Tx.max(axis=0)
    else:
        _, idx = _first_max(Tx)
        vb = np.broadcast_to(v, np.broadcast_shapes(v.shape, x.shape))
        Tv = _window_major(np.moveaxis(vb, -3, -1) if cl else vb, *g, 0, cl)
        out = Tv[-1]
        for k in range(Tv.shape[0] - 2, -1, -1):
            out = np.where(idx == k, Tv[k], out)
    return np.moveaxis(out, -1, -3) if cl else out


def _pool_scatter(g, x, size=(0, 0), kernel=(1, 1), stride=(1, 1), padding=((0, 0), (0, 0)),
                  dilation=(1, 1)):
    geom = _geom(kernel, stride, padding, dilation)
    cl = _channels_last(x)
    _, idx = _first_max(_window_major(np.moveaxis(x, -3, -1) if cl else x, *geom, -np.inf,
                                      cl))
    K = (kernel[0] * kernel[1],) + (1,) * idx.ndim
    mask = idx == np.arange(K[0], dtype=idx.dtype).reshape(K)
    gl = np.moveaxis(g, -3, -1) if cl else g
    if np.isfinite(gl).all():
        G = mask * gl  # the fast form; inf * 0 would make nan, hence the check
    else:
        G = np.where(mask, gl, np.zeros((), gl.dtype))
    xs = x.shape[:-3] + x.shape[-2:] + x.shape[-3:-2] if cl else x.shape
    out = _window_back(G.astype(np.result_type(g), copy=False), xs, *geom, cl)
    return np.moveaxis(out, -1, -3) if cl else out


pool_gather_p = Primitive(
    "pool_gather", _pool_gather, keep=((1,), ()),
    vjp=(lambda g, out, v, x, **p: pool_scatter_p(g, x, **p), None),
    jvp=(lambda dv, out, v, x, **p: pool_gather_p(dv, x, **p), None))
pool_scatter_p = Primitive(
    "pool_scatter", _pool_scatter, keep=((1,), ()),
    vjp=(lambda gg, out, g, x, **p: pool_gather_p(gg, x, **p), None),
    jvp=(lambda dg, out, g, x, **p: pool_scatter_p(dg, x, **p), None))


def _pool_batch(prim):
    def rule(vals, bd, B, **params):
        from weifen.prims._batch import materialize

        return prim(*[materialize(v, b, B) for v, b in zip(vals, bd)], **params)

    return rule


pool_gather_p.batch = _pool_batch(pool_gather_p)
pool_scatter_p.batch = _pool_batch(pool_scatter_p)
