"""Spec rows (read by tests/test_spec_ops.py through tests/spec_extra.py) for the sliding-window
primitives behind ``wf.nn.functional``: ``unfold`` (im2col), ``fold`` (col2im), and the
``conv2d`` / ``max_pool2d`` composites. The references are written once with NumPy names
(padding, strided slices, stack), so NumPy gives the values and torch and jax the derivatives.
"""
from __future__ import annotations

import numpy as np

import weifen as wf
from spec import REAL, OpSpec, Sample, distinct

F = wf.nn.functional


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _out(n, k, s, p, d):
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def _unfold_ref(xp, x, kernel_size, dilation=1, padding=0, stride=1, pad_value=0.0):
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = map(_pair, (kernel_size, dilation, padding,
                                                          stride))
    N, C, H, W = x.shape
    Ho, Wo = _out(H, kh, sh, ph, dh), _out(W, kw, sw, pw, dw)
    xp_ = xp.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=pad_value)
    blocks = [xp_[:, :, i * dh:i * dh + sh * (Ho - 1) + 1:sh,
                  j * dw:j * dw + sw * (Wo - 1) + 1:sw] for i in range(kh) for j in range(kw)]
    return xp.stack(blocks, axis=2).reshape(N, C * kh * kw, Ho * Wo)


def _spread(xp, b, s, axis):
    """``b`` with ``s - 1`` zeros after each element along ``axis`` (2 or 3), trimmed."""
    if s == 1:
        return b
    n = b.shape[axis]
    st = xp.stack([b] + [xp.zeros_like(b)] * (s - 1), axis=axis + 1)
    shape = list(b.shape)
    shape[axis] = n * s
    st = st.reshape(*shape)
    return st[:, :, :(n - 1) * s + 1] if axis == 2 else st[:, :, :, :(n - 1) * s + 1]


def _fold_ref(xp, c, output_size, kernel_size, dilation=1, padding=0, stride=1):
    (H, W), (kh, kw), (dh, dw), (ph, pw), (sh, sw) = map(
        _pair, (output_size, kernel_size, dilation, padding, stride))
    N = c.shape[0]
    C = c.shape[1] // (kh * kw)
    Ho, Wo = _out(H, kh, sh, ph, dh), _out(W, kw, sw, pw, dw)
    cols = c.reshape(N, C, kh, kw, Ho, Wo)
    Hp, Wp = H + 2 * ph, W + 2 * pw
    total = None
    for i in range(kh):
        for j in range(kw):
            b = _spread(xp, _spread(xp, cols[:, :, i, j], sh, 2), sw, 3)
            r, q = i * dh, j * dw
            b = xp.pad(b, ((0, 0), (0, 0), (r, Hp - r - b.shape[2]), (q, Wp - q - b.shape[3])))
            total = b if total is None else total + b
    return total[:, :, ph:ph + H, pw:pw + W]


def _conv_ref(xp, x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    Co, Cg, kh, kw = w.shape
    N, C, H, W = x.shape
    cols = _unfold_ref(xp, x, (kh, kw), dilation, padding, stride)
    Ho = _out(H, kh, _pair(stride)[0], _pair(padding)[0], _pair(dilation)[0])
    L = cols.shape[-1]
    out = xp.matmul(w.reshape(groups, Co // groups, Cg * kh * kw),
                    cols.reshape(N, groups, Cg * kh * kw, L)).reshape(N, Co, Ho, L // Ho)
    return out if b is None else out + b.reshape(Co, 1, 1)


def _pool_ref(xp, x, kernel_size, stride=None, padding=0, dilation=1):
    k = _pair(kernel_size)
    s = k if stride is None else _pair(stride)
    N, C, H, W = x.shape
    Ho = _out(H, k[0], s[0], _pair(padding)[0], _pair(dilation)[0])
    cols = _unfold_ref(xp, x, k, dilation, padding, s, pad_value=-np.inf)
    return xp.max(cols.reshape(N, C, k[0] * k[1], -1), axis=2).reshape(N, C, Ho, -1)


def _unfold_samples(rng):
    return [Sample("(2,3,5,5)k3", (REAL(rng, (2, 3, 5, 5)),), {"kernel_size": 3}),
            Sample("(1,2,6,7)k(2,3)s2p1d(1,2)", (REAL(rng, (1, 2, 6, 7)),),
                   {"kernel_size": (2, 3), "stride": 2, "padding": 1, "dilation": (1, 2)}),
            Sample("(2,2,4,4)k2s2", (REAL(rng, (2, 2, 4, 4)),), {"kernel_size": 2, "stride": 2})]


def _fold_samples(rng):
    out = []
    for desc, shape, kw in [("(2,3,5,5)k3", (2, 3, 5, 5), {"kernel_size": 3}),
                            ("(1,2,6,7)k(2,3)s2p1d(1,2)", (1, 2, 6, 7),
                             {"kernel_size": (2, 3), "stride": 2, "padding": 1,
                              "dilation": (1, 2)}),
                            ("(2,2,4,4)k2s2", (2, 2, 4, 4), {"kernel_size": 2, "stride": 2})]:
        cols_shape = _unfold_ref(np, np.zeros(shape), **kw).shape
        out.append(Sample(desc, (REAL(rng, cols_shape),), {"output_size": shape[2:], **kw}))
    return out


def _conv_samples(rng):
    return [Sample("(2,3,5,5)*(4,3,3,3)+b", (REAL(rng, (2, 3, 5, 5)), REAL(rng, (4, 3, 3, 3)),
                                              REAL(rng, (4,)))),
            Sample("(1,4,6,5)*(2,2,2,3)g2s2p1d(2,1)", (REAL(rng, (1, 4, 6, 5)),
                                                       REAL(rng, (2, 2, 2, 3))),
                   {"stride": 2, "padding": 1, "dilation": (2, 1), "groups": 2})]


def _pool_samples(rng):
    return [Sample("(2,3,4,4)k2", (distinct(rng, (2, 3, 4, 4)),), {"kernel_size": 2}),
            Sample("(1,2,5,6)k3s2p1", (distinct(rng, (1, 2, 5, 6)),),
                   {"kernel_size": 3, "stride": 2, "padding": 1})]


SPECS_CONV: list[OpSpec] = [
    OpSpec("nn.functional.unfold", lambda x, **k: F.unfold(x, **k),
           lambda xp, x, **k: _unfold_ref(xp, x, **k), _unfold_samples),
    OpSpec("nn.functional.fold", lambda c, **k: F.fold(c, **k),
           lambda xp, c, **k: _fold_ref(xp, c, **k), _fold_samples),
    OpSpec("nn.functional.conv2d", lambda *a, **k: F.conv2d(*a, **k),
           lambda xp, *a, **k: _conv_ref(xp, *a, **k), _conv_samples),
    OpSpec("nn.functional.max_pool2d", lambda x, **k: F.max_pool2d(x, **k),
           lambda xp, x, **k: _pool_ref(xp, x, **k), _pool_samples),
]
