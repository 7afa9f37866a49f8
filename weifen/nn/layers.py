"""Layers: ``Linear`` and the activation modules, each a thin Module over weifen ops."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from weifen.nn.module import Module, Parameter
from weifen.numpy import elementwise as E


class Linear(Module):
    """``y = x @ W.T + b``, with ``W`` of shape ``(out_features, in_features)`` as in PyTorch.

    Both are drawn uniformly from ``[-1/sqrt(in_features), 1/sqrt(in_features)]`` with
    NumPy's global generator (seed it with ``np.random.seed``); ``dtype`` defaults to
    float64, weifen's default float.

    >>> import weifen as wf
    >>> lin = wf.nn.Linear(3, 2)
    >>> lin.weight.shape, lin.bias.shape, lin(wf.ones(5, 3)).shape
    ((2, 3), (2,), (5, 2))
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 dtype: Any = None) -> None:
        super().__init__()
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        dtype = np.float64 if dtype is None else dtype
        bound = 1.0 / math.sqrt(in_features) if in_features > 0 else 0.0
        w = np.random.uniform(-bound, bound, (out_features, in_features)).astype(dtype)
        self.weight = Parameter(w)
        if bias:
            self.bias = Parameter(np.random.uniform(-bound, bound, out_features).astype(dtype))
        else:
            self.bias = None

    def forward(self, x: Any) -> Any:
        y = x @ self.weight.T
        return y if self.bias is None else y + self.bias

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class ReLU(Module):
    """``max(x, 0)`` elementwise."""

    def forward(self, x: Any) -> Any:
        return E.relu(x)


class Tanh(Module):
    """``tanh(x)`` elementwise."""

    def forward(self, x: Any) -> Any:
        return E.tanh(x)


class Sigmoid(Module):
    """``1 / (1 + exp(-x))`` elementwise."""

    def forward(self, x: Any) -> Any:
        return E.sigmoid(x)
