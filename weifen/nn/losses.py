"""Loss modules, PyTorch-shaped: ``loss_fn(input, target)`` with ``reduction`` ``"mean"``
(the default), ``"sum"`` or ``"none"``; each calls the function of ``wf.nn.functional``.
``repr`` prints as torch's (``MSELoss()``, whatever the options).

>>> import weifen as wf
>>> wf.nn.MSELoss()(wf.tensor([1.0, 3.0]), wf.tensor([0.0, 0.0]))
tensor(5.)
"""
from __future__ import annotations

from typing import Any

from weifen.nn import _loss as L
from weifen.nn.module import Module

__all__ = ["MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss", "CrossEntropyLoss", "NLLLoss",
           "BCELoss", "BCEWithLogitsLoss"]


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        L._check_reduction(type(self).__name__, reduction)
        self.reduction = reduction


class _WeightedLoss(_Loss):
    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.weight = weight  # a constant per class (torch keeps it as a buffer)


class MSELoss(_Loss):
    """Mean squared error: ``(input - target)**2``, reduced.

    >>> import weifen as wf
    >>> wf.nn.MSELoss(reduction="sum")(wf.tensor([1.0, 3.0]), wf.tensor([0.0, 0.0]))
    tensor(10.)
    """

    def forward(self, input: Any, target: Any) -> Any:
        return L.mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    """Mean absolute error: ``|input - target|``, reduced.

    >>> import weifen as wf
    >>> wf.nn.L1Loss()(wf.tensor([1.0, -3.0]), wf.zeros(2))
    tensor(2.)
    """

    def forward(self, input: Any, target: Any) -> Any:
        return L.l1_loss(input, target, self.reduction)


class HuberLoss(_Loss):
    """Quadratic for errors below ``delta``, linear beyond (``delta * (|d| - delta / 2)``).

    >>> import weifen as wf
    >>> wf.nn.HuberLoss(delta=2.0)(wf.tensor([1.0, 4.0]), wf.zeros(2))
    tensor(3.25)
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input: Any, target: Any) -> Any:
        return L.huber_loss(input, target, self.reduction, self.delta)


class SmoothL1Loss(_Loss):
    """Huber loss divided by ``beta``: ``0.5 d**2 / beta`` below ``beta``, else
    ``|d| - beta / 2``.

    >>> import weifen as wf
    >>> wf.nn.SmoothL1Loss()(wf.tensor([0.5, 3.0]), wf.zeros(2))
    tensor(1.3125)
    """

    def __init__(self, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction)
        self.beta = beta

    def forward(self, input: Any, target: Any) -> Any:
        return L.smooth_l1_loss(input, target, self.reduction, self.beta)


class CrossEntropyLoss(_WeightedLoss):
    """Softmax cross-entropy of logits (N, C, ...) or (C,) against integer class indices
    (N, ...) or float class probabilities (the input's shape), as ``torch.nn``, with
    ``weight``, ``ignore_index`` and ``label_smoothing``.

    >>> import weifen as wf, numpy as np
    >>> loss = wf.nn.CrossEntropyLoss()(wf.tensor([[0.0, 0.0]]), np.array([1]))
    >>> round(float(loss), 6) == round(float(np.log(2)), 6)
    True
    """

    def __init__(self, weight: Any = None, ignore_index: int = -100, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Any, target: Any) -> Any:
        return L.cross_entropy(input, target, self.weight, self.ignore_index, self.reduction,
                               self.label_smoothing)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities (N, C, ...) at integer class indices
    (N, ...), with ``weight`` and ``ignore_index`` (pair it with ``LogSoftmax(dim=1)``).

    >>> import weifen as wf, numpy as np
    >>> logp = wf.log(wf.tensor([[0.5, 0.5]]))
    >>> round(float(wf.nn.NLLLoss()(logp, np.array([0]))), 6)
    0.693147
    """

    def __init__(self, weight: Any = None, ignore_index: int = -100,
                 reduction: str = "mean") -> None:
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Any, target: Any) -> Any:
        return L.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities: ``-(y log p + (1 - y) log(1 - p))``; each log
    is clamped at -100, as torch does, so p = 0 or 1 gives a finite loss.

    >>> import weifen as wf
    >>> round(float(wf.nn.BCELoss()(wf.tensor([0.5]), wf.tensor([1.0]))), 6)
    0.693147
    """

    def forward(self, input: Any, target: Any) -> Any:
        return L.binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_WeightedLoss):
    """Binary cross-entropy of logits, computed stably: ``softplus(x) - x * y``
    (``pos_weight`` scales the positive term).

    >>> import weifen as wf
    >>> round(float(wf.nn.BCEWithLogitsLoss()(wf.tensor([0.0]), wf.tensor([1.0]))), 6)
    0.693147
    """

    def __init__(self, weight: Any = None, reduction: str = "mean",
                 pos_weight: Any = None) -> None:
        super().__init__(weight, reduction)
        self.pos_weight = pos_weight

    def forward(self, input: Any, target: Any) -> Any:
        return L.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction,
                                                  self.pos_weight)
