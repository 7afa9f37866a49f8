"""``wf.nn.functional``: the layers as functions, with ``torch.nn.functional``'s names and
arguments (``dim`` for the axis, as torch). Everything is a composite of weifen ops, so
every function differentiates to any order, under every transform.

>>> import weifen as wf
>>> F = wf.nn.functional
>>> F.relu(wf.tensor([-1.0, 2.0])), F.softmax(wf.tensor([0.0, 0.0]), dim=0)
(tensor([0., 2.]), tensor([0.5, 0.5]))
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from weifen.core.state import no_grad
from weifen.errors import ShapeError, WeifenTypeError, WeifenValueError
from weifen.nn._conv import avg_pool2d, conv2d, fold, max_pool2d, unfold
from weifen.nn._loss import (binary_cross_entropy, binary_cross_entropy_with_logits,
                             cross_entropy, huber_loss, l1_loss, mse_loss, nll_loss,
                             smooth_l1_loss)
from weifen.numpy import elementwise as E
from weifen.numpy import nn as N
from weifen.numpy import reduce as R
from weifen.numpy import shape as S
from weifen.numpy._util import _raw, _t
from weifen.prims.shape import shape_of
from weifen.tape.tensor import Tensor, _bump

__all__ = [
    "relu", "leaky_relu", "elu", "gelu", "silu", "sigmoid", "tanh", "softplus", "softmax",
    "log_softmax", "dropout", "linear", "embedding", "one_hot", "layer_norm", "batch_norm",
    "normalize", "pad", "conv2d", "max_pool2d", "avg_pool2d", "unfold", "fold", "mse_loss",
    "l1_loss", "huber_loss", "smooth_l1_loss", "cross_entropy", "nll_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits",
]


# ---------------------------------------------------------------- activations
def relu(input: Any, inplace: bool = False) -> Any:
    """``max(x, 0)``; the derivative at 0 is 0, as torch's.

    >>> import weifen as wf
    >>> wf.nn.functional.relu(wf.tensor([-1.0, 0.5]))
    tensor([0. , 0.5])
    """
    return E.relu(input)


def leaky_relu(input: Any, negative_slope: float = 0.01, inplace: bool = False) -> Any:
    """``x`` where ``x > 0``, else ``negative_slope * x``.

    >>> import weifen as wf
    >>> wf.nn.functional.leaky_relu(wf.tensor([-1.0, 2.0]), 0.1)
    tensor([-0.1,  2. ])
    """
    x = _raw(input)
    return E.where(x > 0, x, x * negative_slope)


def elu(input: Any, alpha: float = 1.0, inplace: bool = False) -> Any:
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``.

    >>> import weifen as wf
    >>> wf.nn.functional.elu(wf.tensor([0.0, 2.0]))
    tensor([0., 2.])
    """
    x = _raw(input)
    pos = x > 0
    return E.where(pos, x, alpha * E.expm1(E.where(pos, 0.0, x)))


_SQRT_HALF = 1.0 / math.sqrt(2.0)
_SQRT_2_PI = math.sqrt(2.0 / math.pi)


def gelu(input: Any, approximate: str = "none") -> Any:
    """``x * Phi(x)`` with the normal CDF ``Phi`` exact (erf), or with
    ``approximate="tanh"`` torch's ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x**3)))``.

    >>> import weifen as wf
    >>> wf.nn.functional.gelu(wf.tensor([0.0, 1.0]))
    tensor([0.        , 0.84134475])
    """
    x = _raw(input)
    if approximate == "none":
        return 0.5 * x * (1.0 + E.erf(x * _SQRT_HALF))
    if approximate == "tanh":
        return 0.5 * x * (1.0 + E.tanh(_SQRT_2_PI * (x + 0.044715 * x * x * x)))
    raise WeifenValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(input: Any, inplace: bool = False) -> Any:
    """``x * sigmoid(x)`` (swish).

    >>> import weifen as wf
    >>> wf.nn.functional.silu(wf.tensor([0.0, 1.0]))
    tensor([0.        , 0.73105858])
    """
    x = _raw(input)
    return x * E.sigmoid(x)


def sigmoid(input: Any) -> Any:
    """``1 / (1 + exp(-x))``, computed stably.

    >>> import weifen as wf
    >>> wf.nn.functional.sigmoid(wf.tensor([0.0]))
    tensor([0.5])
    """
    return E.sigmoid(input)


def tanh(input: Any) -> Any:
    """``tanh(x)``.

    >>> import weifen as wf
    >>> wf.nn.functional.tanh(wf.tensor([0.0]))
    tensor([0.])
    """
    return E.tanh(input)


def softplus(input: Any, beta: float = 1.0, threshold: float = 20.0) -> Any:
    """``log(1 + exp(beta x)) / beta``, and ``x`` itself where ``beta x > threshold``.

    >>> import weifen as wf
    >>> wf.nn.functional.softplus(wf.tensor([0.0, 30.0]))
    tensor([ 0.69314718, 30.        ])
    """
    x = _raw(input)
    bx = x * beta if beta != 1 else x
    sp = E.softplus(bx) if beta == 1 else E.softplus(bx) / beta
    return E.where(bx > threshold, x, sp)


def _softmax_dim(ndim: int) -> int:
    # torch's implicit choice (deprecated there): 0 for 0-, 1- and 3-D input, else 1
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Any, dim: int | None = None, dtype: Any = None) -> Any:
    """``exp(x) / sum(exp(x))`` along ``dim``, computed stably.

    >>> import weifen as wf
    >>> wf.nn.functional.softmax(wf.tensor([[1.0, 1.0]]), dim=1)
    tensor([[0.5, 0.5]])
    """
    x = _raw(input)
    if dtype is not None:
        x = E.astype(x, dtype)
    return N.softmax(x, axis=_softmax_dim(len(shape_of(x))) if dim is None else dim)


def log_softmax(input: Any, dim: int | None = None, dtype: Any = None) -> Any:
    """``x - logsumexp(x)`` along ``dim``, computed stably.

    >>> import weifen as wf
    >>> wf.nn.functional.log_softmax(wf.tensor([0.0, 0.0]), dim=0)
    tensor([-0.69314718, -0.69314718])
    """
    x = _raw(input)
    if dtype is not None:
        x = E.astype(x, dtype)
    return N.log_softmax(x, axis=_softmax_dim(len(shape_of(x))) if dim is None else dim)


# ---------------------------------------------------------------- dropout, linear, embedding
def dropout(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Any:
    """In training, zero each element with probability ``p`` and scale the rest by
    ``1 / (1 - p)``; otherwise the input itself. The mask comes from NumPy's global
    generator (``wf.manual_seed``).

    >>> import weifen as wf
    >>> x = wf.ones(1000)
    >>> wf.nn.functional.dropout(x, 0.5, training=False) is x
    True
    >>> y = wf.nn.functional.dropout(x, 0.5)
    >>> sorted(set(y.tolist()))
    [0.0, 2.0]
    """
    if not 0.0 <= p <= 1.0:
        raise WeifenValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    x = _raw(input)
    dt = np.result_type(getattr(x, "dtype", np.float64))
    if p == 1.0:
        return x * np.zeros((), dt)
    keep = np.random.random_sample(tuple(shape_of(x))) < 1.0 - p
    return x * (keep.astype(dt) * dt.type(1.0 / (1.0 - p)))


def linear(input: Any, weight: Any, bias: Any = None) -> Any:
    """``input @ weight.T + bias``, with ``weight`` of shape (out_features, in_features).

    >>> import weifen as wf
    >>> wf.nn.functional.linear(wf.ones(2, 3), wf.ones(4, 3), wf.zeros(4)).shape
    (2, 4)
    """
    x = _raw(input)
    if len(shape_of(x)) == 2 and len(shape_of(weight)) == 2:
        # (weight @ x.T).T, the same product: its weight cotangent is g.T @ x, laid out as
        # the weight. Through x @ weight.T it would arrive as a transposed view, which the
        # gradient's copy reads with strides (6x slower than a contiguous copy at 256x256)
        y = S.transpose(weight @ S.transpose(x))
    else:
        y = x @ S.transpose(weight)
    return y if bias is None else y + bias


def embedding(input: Any, weight: Any, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Any:
    """Rows of ``weight`` at the integer indices ``input`` (any shape), as
    ``torch.nn.functional.embedding``: ``padding_idx``'s row gets no gradient,
    ``max_norm`` renormalises the rows used (in place, as torch), ``scale_grad_by_freq``
    divides each row's gradient by its count in the batch. Gradients are dense.

    >>> import weifen as wf, numpy as np
    >>> wf.nn.functional.embedding(np.array([2, 0]), wf.eye(3))
    tensor([[0., 0., 1.],
            [1., 0., 0.]])
    """
    idx = input
    dt = getattr(idx, "dtype", None)
    idx = np.asarray(idx)
    if not np.issubdtype(idx.dtype if dt is None else dt, np.integer):
        raise WeifenTypeError(f"embedding: indices must be integers, got dtype {idx.dtype}; "
                              "convert with x.astype(int)")
    ws = tuple(shape_of(weight))
    if len(ws) != 2:
        raise ShapeError(f"embedding: weight must have shape (num_embeddings, embedding_dim), "
                         f"got {ws}")
    if idx.size and (idx.min() < -ws[0] or idx.max() >= ws[0]):
        raise WeifenValueError(f"embedding: index out of range for {ws[0]} embeddings "
                               f"(got {int(idx.min())}..{int(idx.max())})")
    if max_norm is not None:
        _renorm_rows(weight, np.unique(idx % ws[0]), max_norm, norm_type)
    out = S.getitem(weight, idx)
    from weifen.transforms import stop_gradient

    if padding_idx is not None:
        pi = padding_idx % ws[0]
        mask = np.expand_dims(idx % ws[0] == pi, -1)
        if mask.any():
            out = E.where(mask, stop_gradient(out), out)
    if scale_grad_by_freq:
        u, inv, counts = np.unique(idx % ws[0], return_inverse=True, return_counts=True)
        freq = counts[inv].reshape(idx.shape + (1,)).astype(out.dtype)
        still = stop_gradient(out)
        out = still + (out - still) / freq  # same values; gradient divided by the count
    return out


def _renorm_rows(weight: Any, rows: np.ndarray, max_norm: float, norm_type: float) -> None:
    if not isinstance(weight, Tensor) or not isinstance(weight._data, np.ndarray):
        raise WeifenTypeError("embedding: max_norm renormalises the weight in place, which "
                              "needs an eager NumPy-backed Tensor")
    with no_grad():
        w = weight._data
        sub = w[rows]
        norms = np.linalg.norm(sub, ord=norm_type, axis=1)
        big = norms > max_norm
        if big.any():
            scale = (max_norm / (norms[big] + 1e-7)).astype(w.dtype)
            w[rows[big]] = sub[big] * scale[:, None]
            _bump(weight)


def one_hot(tensor: Any, num_classes: int = -1) -> Any:
    """Integer class indices as one-hot rows (int64), ``num_classes`` wide (by default one
    more than the largest index), as ``torch.nn.functional.one_hot``.

    >>> import weifen as wf, numpy as np
    >>> wf.nn.functional.one_hot(np.array([0, 2]))
    tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    t = np.asarray(tensor)
    if not np.issubdtype(t.dtype, np.integer):
        raise WeifenTypeError(f"one_hot: expects integer class indices, got dtype {t.dtype}")
    n = int(t.max()) + 1 if num_classes < 0 else num_classes
    if t.size and (t.min() < 0 or t.max() >= n):
        raise WeifenValueError(f"one_hot: class values must be in [0, {n})")
    return _t((t[..., None] == np.arange(n)).astype(np.int64))


# ---------------------------------------------------------------- normalisation
def layer_norm(input: Any, normalized_shape: Any, weight: Any = None, bias: Any = None,
               eps: float = 1e-5) -> Any:
    """Normalise over the last ``len(normalized_shape)`` axes (mean 0, biased variance 1),
    then scale by ``weight`` and shift by ``bias`` (both of ``normalized_shape``).

    >>> import weifen as wf
    >>> wf.nn.functional.layer_norm(wf.tensor([[1.0, 3.0]]), (2,))
    tensor([[-0.999995,  0.999995]])
    """
    x = _raw(input)
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    s = tuple(shape_of(x))
    k = len(ns)
    if k == 0 or s[len(s) - k:] != ns or len(s) < k:
        raise ShapeError(f"layer_norm: normalized_shape {ns} must match the last axes of the "
                         f"input, got input of shape {s} (expected (*, {', '.join(map(str, ns))}))")
    axes = tuple(range(len(s) - k, len(s)))
    mean = R.mean(x, axis=axes, keepdims=True)
    xc = x - mean
    var = R.mean(xc * xc, axis=axes, keepdims=True)
    y = xc / E.sqrt(var + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


def _concrete(v: Any) -> np.ndarray:
    d = v
    while hasattr(d, "_primal_data"):
        d = d._primal_data()
    return np.asarray(d)


def batch_norm(input: Any, running_mean: Any, running_var: Any, weight: Any = None,
               bias: Any = None, training: bool = False, momentum: float = 0.1,
               eps: float = 1e-5) -> Any:
    """Normalise each channel (axis 1 of (N, C, ...)) as ``torch.nn.functional.batch_norm``.

    In training the batch's mean and biased variance normalise, and ``running_mean`` /
    ``running_var`` (if given) move toward the batch's mean and unbiased variance by
    ``momentum``, in place; otherwise the running statistics normalise.

    >>> import weifen as wf
    >>> x = wf.tensor([[1.0], [3.0]])
    >>> rm, rv = wf.zeros(1), wf.ones(1)
    >>> wf.nn.functional.batch_norm(x, rm, rv, training=True)
    tensor([[-0.999995],
            [ 0.999995]])
    >>> rm, rv
    (tensor([0.2]), tensor([1.1]))
    """
    x = _raw(input)
    s = tuple(shape_of(x))
    if len(s) < 2:
        raise ShapeError(f"batch_norm: expected an input of shape (N, C, ...), got {s}")
    C = s[1]
    shape = (1, C) + (1,) * (len(s) - 2)
    axes = (0,) + tuple(range(2, len(s)))
    for name, v in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if v is not None and tuple(shape_of(v)) != (C,):
            raise ShapeError(f"batch_norm: {name} must have shape ({C},) for an input with {C} "
                             f"channels, got {tuple(shape_of(v))}")
    if training:
        n = int(np.prod([s[a] for a in axes]))
        if n <= 1:
            raise WeifenValueError(f"batch_norm: expected more than 1 value per channel when "
                                   f"training, got input of shape {s}")
        mean = R.mean(x, axis=axes, keepdims=True)
        xc = x - mean
        var = R.mean(xc * xc, axis=axes, keepdims=True)
        y = xc / E.sqrt(var + eps)
        if running_mean is not None or running_var is not None:
            m = _concrete(mean).reshape(-1)
            v = _concrete(var).reshape(-1)
            if m.shape != (C,):
                raise WeifenTypeError("batch_norm: running statistics cannot be updated on a "
                                      "batched (vmap) input; use eval mode or "
                                      "track_running_stats=False")
            with no_grad():
                if running_mean is not None:
                    _ema(running_mean, m, momentum)
                if running_var is not None:
                    _ema(running_var, v * (n / (n - 1)), momentum)
    else:
        if running_mean is None or running_var is None:
            raise WeifenValueError("batch_norm: running_mean and running_var are needed when "
                                   "not training")
        y = (x - S.reshape(running_mean, shape)) / E.sqrt(S.reshape(running_var, shape) + eps)
    if weight is not None:
        y = y * S.reshape(weight, shape)
    if bias is not None:
        y = y + S.reshape(bias, shape)
    return y


def _ema(buf: Any, new: np.ndarray, momentum: float) -> None:
    """``buf = (1 - momentum) * buf + momentum * new``, in place."""
    if not isinstance(buf, Tensor):
        raise WeifenTypeError("batch_norm: running statistics must be Tensors (updated in "
                              "place)")
    d = buf._data
    new = new.astype(d.dtype, copy=False)
    if isinstance(d, np.ndarray) and d.flags.writeable:
        d *= 1.0 - momentum
        d += momentum * new
    else:
        buf._data = d * (1.0 - momentum) + momentum * new
    _bump(buf)


def normalize(input: Any, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Any:
    """``x / max(||x||_p, eps)`` along ``dim``.

    >>> import weifen as wf
    >>> wf.nn.functional.normalize(wf.tensor([[3.0, 4.0]]))
    tensor([[0.6, 0.8]])
    """
    x = _raw(input)
    n = R.sum(E.abs(x) ** p, axis=dim, keepdims=True) ** (1.0 / p) if p != 2 else \
        E.sqrt(R.sum(x * x, axis=dim, keepdims=True))
    return x / E.maximum(n, eps)


def pad(input: Any, pad: Any, mode: str = "constant", value: float | None = None) -> Any:
    """Pad the last ``len(pad) // 2`` axes, ``pad`` listing (before, after) from the last
    axis backwards, as ``torch.nn.functional.pad``; modes ``constant``, ``reflect``,
    ``replicate`` and ``circular``.

    >>> import weifen as wf
    >>> wf.nn.functional.pad(wf.ones(1, 2), (1, 0))
    tensor([[0., 1., 1.]])
    """
    x = _raw(input)
    nd = len(shape_of(x))
    if len(pad) % 2 or len(pad) // 2 > nd:
        raise WeifenValueError(f"pad: pad must hold (before, after) pairs for at most {nd} "
                               f"axes, got {pad}")
    widths = [(0, 0)] * nd
    for i in range(len(pad) // 2):
        widths[nd - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))
    modes = {"constant": "constant", "reflect": "reflect", "replicate": "edge",
             "circular": "wrap"}
    if mode not in modes:
        raise WeifenValueError(f"pad: mode must be one of {sorted(modes)}, got {mode!r}")
    if mode == "constant":
        return S.pad(x, widths, constant_values=0.0 if value is None else value)
    return S.pad(x, widths, mode=modes[mode])
