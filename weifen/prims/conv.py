"""Sliding windows: ``im2col`` (every kernel-sized window of an image, as columns) and its
adjoint ``col2im`` (columns summed back into the image). Convolution and pooling
(``wf.nn.functional.conv2d``, ``max_pool2d``, ...) are composites of these with matmul,
reshape and reductions, so they differentiate to any order like everything else.

Both act on the last two axes (H, W) and keep any leading axes, which makes their batch
rules trivial. Params: ``size`` (H, W) of the image, ``kernel`` (kh, kw), ``stride``
(sh, sw), ``padding`` ((top, bottom), (left, right)) and ``dilation`` (dh, dw);
``im2col`` also takes ``pad_value`` (0 for convolution, -inf for max pooling).

``im2col(x)`` has shape ``(..., kh, kw, Ho, Wo)``; entry ``[..., i, j, h, w]`` is the padded
image at row ``h * sh + i * dh`` and column ``w * sw + j * dw``. Both are linear (the pad
value is a constant), so each one's vjp is the other and each one's jvp is itself.
"""
from __future__ import annotations

import numpy as np

from weifen.core.primitive import Primitive


def out_size(n: int, k: int, s: int, pad: int, d: int) -> int:
    """Windows along an axis of length ``n`` padded by ``pad`` in all."""
    return (n + pad - d * (k - 1) - 1) // s + 1


def _im2col(x, size=(0, 0), kernel=(1, 1), stride=(1, 1), padding=((0, 0), (0, 0)),
            dilation=(1, 1), pad_value=0.0):
    (kh, kw), (sh, sw), ((pt, pb), (pl, pr)), (dh, dw) = kernel, stride, padding, dilation
    H, W = x.shape[-2:]
    lead = x.shape[:-2]
    Ho = out_size(H, kh, sh, pt + pb, dh)
    Wo = out_size(W, kw, sw, pl + pr, dw)
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
    return np.ascontiguousarray(win)


def _col2im(cols, size=(0, 0), kernel=(1, 1), stride=(1, 1), padding=((0, 0), (0, 0)),
            dilation=(1, 1)):
    (kh, kw), (sh, sw), ((pt, pb), (pl, pr)), (dh, dw) = kernel, stride, padding, dilation
    H, W = size
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
    return {k: params[k] for k in ("size", "kernel", "stride", "padding", "dilation")}


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
