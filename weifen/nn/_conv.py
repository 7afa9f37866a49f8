"""Convolution and pooling over NCHW images, as ``torch.nn.functional``: composites of the
sliding-window primitives (``weifen.prims.conv``) with matmul, reshape and reductions.

``conv2d`` is im2col + one batched matrix product per group; ``max_pool2d`` takes, in each
window, the first maximum (the gradient goes to that one element, as torch's does).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from weifen.errors import ShapeError, WeifenTypeError, WeifenValueError
from weifen.numpy._util import _raw, _t
from weifen.prims import elementwise as E
from weifen.prims import reduce as R
from weifen.prims.conv import col2im_p, im2col_p, out_size, pool_gather_p
from weifen.prims.linalg import matmul_p
from weifen.prims.shape import reshape_p, shape_of, transpose_p


def _pair(v: Any, name: str, what: str) -> tuple[int, int]:
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return int(v), int(v)
    if isinstance(v, (tuple, list)) and len(v) == 2 and all(
            isinstance(a, (int, np.integer)) for a in v):
        return int(v[0]), int(v[1])
    if isinstance(v, (tuple, list)) and len(v) == 1:
        return _pair(v[0], name, what)
    raise WeifenTypeError(f"{name}: {what} must be an int or a pair of ints, got {v!r}")


def _padding(padding: Any, name: str, kernel: tuple, dilation: tuple,
             stride: tuple) -> tuple:
    """``((top, bottom), (left, right))`` from an int, a pair, ``"valid"`` or ``"same"``."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding == "same":
            if stride != (1, 1):
                raise WeifenValueError(f"{name}: padding='same' is not supported for strided "
                                       "convolutions (as in torch)")
            out = []
            for k, d in zip(kernel, dilation):
                total = d * (k - 1)
                out.append((total // 2, total - total // 2))
            return tuple(out)
        raise WeifenValueError(f"{name}: padding must be an int, a pair, 'valid' or 'same', "
                               f"got {padding!r}")
    p = _pair(padding, name, "padding")
    if min(p) < 0:
        raise WeifenValueError(f"{name}: padding must be non-negative, got {padding!r}")
    return (p[0], p[0]), (p[1], p[1])


def _windows(x: Any, name: str, kernel: tuple, stride: tuple, pad: tuple, dilation: tuple,
             pad_value: float = 0.0, channels_last: bool = False) -> tuple:
    """im2col of ``x`` (..., H, W) -> ``(cols (..., kh, kw, Ho, Wo), Ho, Wo)``."""
    H, W = shape_of(x)[-2:]
    Ho = out_size(H, kernel[0], stride[0], pad[0][0] + pad[0][1], dilation[0])
    Wo = out_size(W, kernel[1], stride[1], pad[1][0] + pad[1][1], dilation[1])
    if Ho < 1 or Wo < 1:
        raise ShapeError(
            f"{name}: the kernel {kernel} (dilation {dilation}) does not fit the input of "
            f"spatial size {(H, W)} with padding {pad}; the output would be {(Ho, Wo)}")
    if min(stride) < 1 or min(dilation) < 1 or min(kernel) < 1:
        raise WeifenValueError(f"{name}: kernel, stride and dilation must be positive, got "
                               f"{kernel}, {stride}, {dilation}")
    extra = {"channels_last": True} if channels_last else {}
    cols = im2col_p.bind(x, size=(H, W), kernel=kernel, stride=stride, padding=pad,
                         dilation=dilation, pad_value=pad_value, **extra)
    return cols, Ho, Wo


def _image(x: Any, name: str) -> tuple[Any, bool]:
    """``x`` as (N, C, H, W); a (C, H, W) image gets a batch axis (``True`` if added)."""
    s = shape_of(x)
    if len(s) == 3:
        return reshape_p.bind(x, shape=(1,) + tuple(s)), True
    if len(s) != 4:
        raise ShapeError(f"{name}: expected an input of shape (N, C, H, W) or (C, H, W), "
                         f"got {tuple(s)}")
    return x, False


def conv2d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Any:
    """2-D cross-correlation of ``input`` (N, C, H, W) with ``weight`` (C_out, C / groups, kh,
    kw), plus ``bias`` (C_out,), as ``torch.nn.functional.conv2d``; ``padding`` is an int, a
    pair, ``"valid"`` or ``"same"``.

    >>> import weifen as wf
    >>> x = wf.ones(1, 1, 4, 4); w = wf.ones(2, 1, 3, 3)
    >>> wf.nn.functional.conv2d(x, w, padding=1)[0, 0]
    tensor([[4., 6., 6., 4.],
            [6., 9., 9., 6.],
            [6., 9., 9., 6.],
            [4., 6., 6., 4.]])
    """
    name = "conv2d"
    x, unbatched = _image(_raw(input), name)
    weight = _raw(weight)
    ws = shape_of(weight)
    if len(ws) != 4:
        raise ShapeError(f"{name}: weight must have shape (out_channels, in_channels / groups, "
                         f"kh, kw), got {tuple(ws)}")
    N, C, H, W = shape_of(x)
    Co, Cg, kh, kw = ws
    G = int(groups)
    if G < 1 or C % G or Co % G or Cg * G != C:
        raise ShapeError(
            f"{name}: input with {C} channels, weight of shape {tuple(ws)} and groups={G} do "
            f"not fit: expected in_channels = weight.shape[1] * groups = {Cg * G}, and "
            "in_channels and out_channels divisible by groups")
    st = _pair(stride, name, "stride")
    dl = _pair(dilation, name, "dilation")
    pad = _padding(padding, name, (kh, kw), dl, st)
    K = Cg * kh * kw
    if G == 1:
        # one row of columns per output pixel (N * Ho * Wo, K) times the weight: a single
        # matrix product forward and for each gradient
        cols, Ho, Wo = _windows(x, name, (kh, kw), st, pad, dl, channels_last=True)
        w2 = reshape_p.bind(transpose_p.bind(weight, axes=(2, 3, 1, 0)), shape=(K, Co))
        rows = matmul_p.bind(reshape_p.bind(cols, shape=(N * Ho * Wo, K)), w2)
        if bias is not None:  # (Co,) broadcasts along the rows
            rows = E.add_p.bind(rows, _bias(bias, Co, name))
            bias = None
        out = transpose_p.bind(reshape_p.bind(rows, shape=(N, Ho, Wo, Co)), axes=(0, 3, 1, 2))
    else:
        cols, Ho, Wo = _windows(x, name, (kh, kw), st, pad, dl)
        L = Ho * Wo
        out = matmul_p.bind(reshape_p.bind(weight, shape=(G, Co // G, K)),
                            reshape_p.bind(cols, shape=(N, G, K, L)))
        out = reshape_p.bind(out, shape=(N, Co, Ho, Wo))
    if bias is not None:
        out = E.add_p.bind(out, reshape_p.bind(_bias(bias, Co, name), shape=(Co, 1, 1)))
    if unbatched:
        out = reshape_p.bind(out, shape=(Co, Ho, Wo))
    return _t(out)


def _bias(bias: Any, Co: int, name: str) -> Any:
    bias = _raw(bias)
    if tuple(shape_of(bias)) != (Co,):
        raise ShapeError(f"{name}: bias must have shape ({Co},), got {tuple(shape_of(bias))}")
    return bias


def _pool_geometry(name: str, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                   ceil_mode: bool, H: int, W: int) -> tuple:
    k = _pair(kernel_size, name, "kernel_size")
    s = k if stride is None or (isinstance(stride, (list, tuple)) and not stride) \
        else _pair(stride, name, "stride")
    p = _pair(padding, name, "padding")
    d = _pair(dilation, name, "dilation")
    for pi, ki in zip(p, k):
        if pi * 2 > ki:
            raise WeifenValueError(f"{name}: padding {padding} should be at most half of the "
                                   f"kernel size {kernel_size} (as torch requires)")
    pads = []
    for n, ki, si, pi, di in zip((H, W), k, s, p, d):
        extra = 0
        if ceil_mode:
            span = n + 2 * pi - di * (ki - 1) - 1
            o = -(-span // si) + 1
            if (o - 1) * si >= n + pi:  # the last window would start in the padding
                o -= 1
            extra = max(0, (o - 1) * si + di * (ki - 1) + 1 - (n + 2 * pi))
        pads.append((pi, pi + extra))
    return k, s, tuple(pads), d


def max_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """The maximum of each window (``stride`` defaults to ``kernel_size``; padding counts
    as -inf), as ``torch.nn.functional.max_pool2d``. The gradient goes to the first maximum
    of each window, as torch's.

    >>> import weifen as wf
    >>> wf.nn.functional.max_pool2d(wf.arange(16.0).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    """
    name = "max_pool2d"
    if return_indices:
        raise NotImplementedError(f"{name}: return_indices=True is not supported")
    x = _raw(input)
    s = shape_of(x)
    if len(s) not in (3, 4):
        raise ShapeError(f"{name}: expected an input of shape (N, C, H, W) or (C, H, W), "
                         f"got {tuple(s)}")
    k, st, pad, d = _pool_geometry(name, kernel_size, stride, padding, dilation, ceil_mode,
                                   *s[-2:])
    H, W = s[-2:]
    Ho = out_size(H, k[0], st[0], pad[0][0] + pad[0][1], d[0])
    Wo = out_size(W, k[1], st[1], pad[1][0] + pad[1][1], d[1])
    if Ho < 1 or Wo < 1:
        raise ShapeError(f"{name}: the kernel {k} (dilation {d}) does not fit the input of "
                         f"spatial size {(H, W)} with padding {pad}")
    # each window's first maximum: the gradient goes to that one element, as torch's
    return _t(pool_gather_p.bind(x, x, size=(H, W), kernel=k, stride=st, padding=pad,
                                 dilation=d))


def avg_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Any:
    """The mean of each window (zero padding counted unless ``count_include_pad=False``),
    as ``torch.nn.functional.avg_pool2d`` (``ceil_mode`` is not supported).

    >>> import weifen as wf
    >>> wf.nn.functional.avg_pool2d(wf.arange(16.0).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 2.5,  4.5],
              [10.5, 12.5]]]])
    """
    name = "avg_pool2d"
    if ceil_mode:
        raise NotImplementedError(f"{name}: ceil_mode=True is not supported")
    x = _raw(input)
    s = shape_of(x)
    if len(s) not in (3, 4):
        raise ShapeError(f"{name}: expected an input of shape (N, C, H, W) or (C, H, W), "
                         f"got {tuple(s)}")
    k, st, pad, d = _pool_geometry(name, kernel_size, stride, padding, 1, False, *s[-2:])
    cols, Ho, Wo = _windows(x, name, k, st, pad, d)
    nd = len(s)
    total = R.sum_p.bind(cols, axis=(nd - 2, nd - 1), keepdims=False)
    if divisor_override:
        return _t(total / float(divisor_override))
    if count_include_pad or pad == ((0, 0), (0, 0)):
        return _t(total / float(k[0] * k[1]))
    ones = np.ones(s[-2:])
    count = _im2colnp(ones, k, st, pad).sum(axis=(0, 1))
    return _t(total / count.astype(np.result_type(getattr(x, "dtype", np.float64))))


def _im2colnp(a: np.ndarray, k: tuple, st: tuple, pad: tuple) -> np.ndarray:
    from weifen.prims.conv import _im2col

    return _im2col(a, a.shape[-2:], k, st, pad, (1, 1))


def unfold(input: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
           stride: Any = 1) -> Any:
    """Every sliding window as a column: (N, C, H, W) -> (N, C * kh * kw, L), as
    ``torch.nn.functional.unfold`` (im2col).

    >>> import weifen as wf
    >>> wf.nn.functional.unfold(wf.ones(2, 3, 4, 4), 2).shape
    (2, 12, 9)
    """
    name = "unfold"
    x = _raw(input)
    s = shape_of(x)
    if len(s) != 4:
        raise ShapeError(f"{name}: expected an input of shape (N, C, H, W), got {tuple(s)}")
    k = _pair(kernel_size, name, "kernel_size")
    p = _pair(padding, name, "padding")
    cols, Ho, Wo = _windows(x, name, k, _pair(stride, name, "stride"),
                            ((p[0], p[0]), (p[1], p[1])), _pair(dilation, name, "dilation"))
    return _t(reshape_p.bind(cols, shape=(s[0], s[1] * k[0] * k[1], Ho * Wo)))


def fold(input: Any, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
         stride: Any = 1) -> Any:
    """Columns (N, C * kh * kw, L) summed back into images (N, C, H, W), overlaps added, as
    ``torch.nn.functional.fold`` (col2im, the adjoint of ``unfold``).

    >>> import weifen as wf
    >>> F = wf.nn.functional
    >>> F.fold(F.unfold(wf.ones(1, 1, 3, 3), 2), (3, 3), 2)[0, 0]
    tensor([[1., 2., 1.],
            [2., 4., 2.],
            [1., 2., 1.]])
    """
    name = "fold"
    c = _raw(input)
    s = shape_of(c)
    H, W = _pair(output_size, name, "output_size")
    k = _pair(kernel_size, name, "kernel_size")
    p = _pair(padding, name, "padding")
    st = _pair(stride, name, "stride")
    d = _pair(dilation, name, "dilation")
    Ho, Wo = out_size(H, k[0], st[0], 2 * p[0], d[0]), out_size(W, k[1], st[1], 2 * p[1], d[1])
    if len(s) != 3 or s[1] % (k[0] * k[1]) or s[2] != Ho * Wo:
        raise ShapeError(f"{name}: expected input of shape (N, C * {k[0] * k[1]}, {Ho * Wo}) "
                         f"for output_size {(H, W)}, got {tuple(s)}")
    C = s[1] // (k[0] * k[1])
    cols = reshape_p.bind(c, shape=(s[0], C, k[0], k[1], Ho, Wo))
    return _t(col2im_p.bind(cols, size=(H, W), kernel=k, stride=st,
                            padding=((p[0], p[0]), (p[1], p[1])), dilation=d))
