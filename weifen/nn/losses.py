"""Loss modules, PyTorch-shaped: ``loss_fn(input, target)`` with ``reduction`` ``"mean"``
(the default), ``"sum"`` or ``"none"``. Each is a composite of weifen ops (no rules)."""
from __future__ import annotations

from typing import Any

import numpy as np

from weifen.errors import ShapeError, WeifenTypeError, WeifenValueError
from weifen.nn.module import Module
from weifen.numpy import elementwise as E
from weifen.numpy import nn as F
from weifen.prims.shape import shape_of


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        if reduction not in ("mean", "sum", "none"):
            raise WeifenValueError(f"{type(self).__name__}: reduction must be 'mean', 'sum' or "
                                   f"'none', got {reduction!r}")
        self.reduction = reduction

    def _reduce(self, loss: Any) -> Any:
        if self.reduction == "mean":
            return loss.mean()
        if self.reduction == "sum":
            return loss.sum()
        return loss

    def extra_repr(self) -> str:
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


def _same_shape(name: str, a: Any, b: Any) -> None:
    if shape_of(a) != shape_of(b):
        raise ShapeError(f"{name}: input shape {shape_of(a)} and target shape {shape_of(b)} "
                         "differ; they must match")


class MSELoss(_Loss):
    """Mean squared error: ``(input - target)**2``, reduced.

    >>> import weifen as wf
    >>> wf.nn.MSELoss()(wf.tensor([1.0, 3.0]), wf.tensor([0.0, 0.0]))
    tensor(5.)
    """

    def forward(self, input: Any, target: Any) -> Any:
        _same_shape("MSELoss", input, target)
        d = input - target
        return self._reduce(d * d)


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy of logits ``(N, C)`` (or ``(C,)``) against class indices
    ``(N,)`` (integers) or class probabilities ``(N, C)`` (floats), as ``torch.nn``.

    >>> import weifen as wf, numpy as np
    >>> loss = wf.nn.CrossEntropyLoss()(wf.tensor([[0.0, 0.0]]), np.array([1]))
    >>> round(float(loss), 6) == round(float(np.log(2)), 6)
    True
    """

    def forward(self, input: Any, target: Any) -> Any:
        s = shape_of(input)
        if len(s) not in (1, 2):
            raise ShapeError(f"CrossEntropyLoss: logits must have shape (N, C) or (C,), got {s}")
        logp = F.log_softmax(input, axis=-1)
        t = np.asarray(target) if isinstance(target, (list, tuple)) else target
        dt = getattr(t, "dtype", None)
        if (dt is not None and np.issubdtype(dt, np.integer)) or isinstance(t, int):
            ts = tuple(np.shape(t))
            if ts != s[:-1]:
                raise ShapeError(f"CrossEntropyLoss: class indices of shape {ts} for logits of "
                                 f"shape {s}; expected {s[:-1]}")
            idx = np.asarray(t)
            if idx.size and (idx.min() < 0 or idx.max() >= s[-1]):
                raise WeifenValueError(f"CrossEntropyLoss: class index out of range [0, {s[-1]})")
            picked = logp[idx] if len(s) == 1 else logp[np.arange(s[0]), idx]
            return self._reduce(-picked)
        if dt is None or not np.issubdtype(dt, np.floating):
            raise WeifenTypeError("CrossEntropyLoss: target must be integer class indices or "
                                  "float class probabilities")
        _same_shape("CrossEntropyLoss", input, t)
        return self._reduce(-(t * logp).sum(axis=-1))


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities: ``-(y log p + (1 - y) log(1 - p))``; each log
    is clamped at -100, as torch does, so p = 0 or 1 gives a finite loss.

    >>> import weifen as wf
    >>> round(float(wf.nn.BCELoss()(wf.tensor([0.5]), wf.tensor([1.0]))), 6)
    0.693147
    """

    def forward(self, input: Any, target: Any) -> Any:
        _same_shape("BCELoss", input, target)
        log_p = E.maximum(E.log(input), -100.0)
        log_q = E.maximum(E.log(1.0 - input), -100.0)
        return self._reduce(-(target * log_p + (1.0 - target) * log_q))


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of logits, computed stably: ``softplus(x) - x * y``.

    >>> import weifen as wf
    >>> round(float(wf.nn.BCEWithLogitsLoss()(wf.tensor([0.0]), wf.tensor([1.0]))), 6)
    0.693147
    """

    def forward(self, input: Any, target: Any) -> Any:
        _same_shape("BCEWithLogitsLoss", input, target)
        return self._reduce(E.softplus(input) - input * target)
