"""Normalisation modules: ``LayerNorm``, ``BatchNorm1d``, ``BatchNorm2d``, as torch (running
statistics are buffers: in ``state_dict``, moved by ``to()``, used in ``eval()`` mode).

>>> import weifen as wf
>>> bn = wf.nn.BatchNorm1d(3)
>>> _ = bn(wf.randn(8, 3)); int(bn.num_batches_tracked)
1
"""
from __future__ import annotations

from typing import Any

import numpy as np

from weifen.errors import ShapeError
from weifen.nn import functional as F
from weifen.nn.layers import _device
from weifen.nn.module import Module, Parameter, check_input, param_dtype
from weifen.tape.tensor import Tensor, _bump

__all__ = ["LayerNorm", "BatchNorm1d", "BatchNorm2d"]


class LayerNorm(Module):
    """Normalise the last axes (``normalized_shape``) of each example to mean 0 and
    variance 1, then scale and shift elementwise (``weight`` ones, ``bias`` zeros).

    >>> import weifen as wf
    >>> ln = wf.nn.LayerNorm(4)
    >>> ln(wf.randn(2, 4)).shape, ln
    ((2, 4), LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True))
    """

    def __init__(self, normalized_shape: Any, eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        _device(device)
        ns = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) \
            else normalized_shape
        self.normalized_shape = tuple(int(n) for n in ns)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        dt = param_dtype(dtype)
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dt))
            if bias:
                self.bias = Parameter(np.zeros(self.normalized_shape, dt))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x: Any) -> Any:
        dt = self.weight.dtype if self.weight is not None else None
        if dt is not None and getattr(x, "dtype", None) != dt:
            x = check_input(self, x, dt)
        ns = self.normalized_shape
        s = tuple(np.shape(x)) if not hasattr(x, "shape") else tuple(x.shape)
        if s[len(s) - len(ns):] != ns or len(s) < len(ns):
            raise ShapeError(f"{self!r} expects input of shape (*, {', '.join(map(str, ns))}), "
                             f"got {s}")
        return F.layer_norm(x, ns, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine="
                f"{self.elementwise_affine}, bias={self.bias is not None}")


class _BatchNorm(Module):
    _dims: tuple = ()
    _shape: str = ""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device: Any = None,
                 dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        _device(device)
        self.num_features = int(num_features)
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        dt = param_dtype(dtype)
        C = self.num_features
        if affine:
            self.weight = Parameter(np.ones(C, dt))
            if bias:
                self.bias = Parameter(np.zeros(C, dt))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(C, dt)))
            self.register_buffer("running_var", Tensor(np.ones(C, dt)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        """Running mean 0, variance 1, no batches seen."""
        if self.track_running_stats:
            for name, v in (("running_mean", 0), ("running_var", 1),
                            ("num_batches_tracked", 0)):
                b = getattr(self, name)
                b._data[...] = v
                _bump(b)

    def _float_dtype(self) -> Any:
        for t in (self.weight, self.running_mean):
            if t is not None:
                return t.dtype
        return None

    def forward(self, x: Any) -> Any:
        dt = self._float_dtype()
        if dt is not None and getattr(x, "dtype", None) != dt:
            x = check_input(self, x, dt)
        s = tuple(np.shape(x)) if not hasattr(x, "shape") else tuple(x.shape)
        if len(s) not in self._dims or s[1] != self.num_features:
            raise ShapeError(f"{self!r} expects input of shape "
                             f"{self._shape.format(C=self.num_features)}, got {s}")
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            nbt = self.num_batches_tracked
            nbt._data = nbt._data + 1
            _bump(nbt)
            factor = 1.0 / float(nbt._data) if self.momentum is None else self.momentum
        train = self.training or (self.running_mean is None and self.running_var is None)
        use = not self.training or self.track_running_stats
        return F.batch_norm(x, self.running_mean if use else None,
                            self.running_var if use else None, self.weight, self.bias,
                            train, factor, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs over the batch (and length) axes.

    In training mode the batch's statistics normalise and the running mean and (unbiased)
    variance move by ``momentum`` (a cumulative average when ``momentum=None``); in
    ``eval()`` mode the running statistics normalise.

    >>> import weifen as wf
    >>> wf.nn.BatchNorm1d(4)
    BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    _dims = (2, 3)
    _shape = "(N, {C}) or (N, {C}, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) images per channel, as ``BatchNorm1d``.

    >>> import weifen as wf
    >>> wf.nn.BatchNorm2d(3)(wf.randn(2, 3, 4, 4)).shape
    (2, 3, 4, 4)
    """

    _dims = (4,)
    _shape = "(N, {C}, H, W)"
