"""``wf.optim``: ``SGD`` and ``Adam``, updating parameters in place as ``torch.optim`` does.

Updates run on the raw arrays (no graph is recorded) and bump each parameter's version
counter, so a backward through values saved before the step raises instead of using
stale ones.

>>> import weifen as wf
>>> w = wf.nn.Parameter(wf.tensor([1.0, -2.0]))
>>> opt = wf.optim.SGD([w], lr=0.1)
>>> (w * w).sum().backward()
>>> opt.step()
>>> w
Parameter containing:
tensor([ 0.8, -1.6], requires_grad=True)
"""
from __future__ import annotations

import math
from typing import Any, Iterable

from weifen.errors import WeifenTypeError, WeifenValueError
from weifen.tape.tensor import Tensor, _bump

__all__ = ["Optimizer", "SGD", "Adam"]


class Optimizer:
    """Holds the parameters and per-parameter state; subclasses define ``_update``."""

    def __init__(self, params: Iterable[Tensor], lr: float) -> None:
        self.params = list(params)
        if not self.params:
            raise WeifenValueError(f"{type(self).__name__}: got an empty parameter list")
        for i, p in enumerate(self.params):
            if not isinstance(p, Tensor) or not p.requires_grad or not p.is_leaf:
                raise WeifenTypeError(
                    f"{type(self).__name__}: parameter {i} is not a leaf Tensor that requires "
                    "grad (pass model.parameters(), or tensors made with requires_grad=True)")
        if lr < 0:
            raise WeifenValueError(f"{type(self).__name__}: lr must be >= 0, got {lr}")
        self.lr = lr
        self.state: dict[int, dict] = {}

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the parameters' ``.grad`` (to ``None``, or to zeros in place)."""
        for p in self.params:
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.zero_()

    def step(self) -> None:
        """Update every parameter that has a gradient; the rest are left as they are."""
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad._data
            d = p._data
            if getattr(g, "dtype", None) != getattr(d, "dtype", None):
                g = g.astype(d.dtype)
            self._update(self.state.setdefault(i, {}), d, g)
            _bump(p)

    def _update(self, state: dict, d: Any, g: Any) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, as ``torch.optim.SGD``: with ``weight_decay`` the
    gradient is ``g + weight_decay * p``; with ``momentum`` the step follows the buffer
    ``b = momentum * b + g`` (the first step takes ``b = g``); then ``p -= lr * b``.
    """

    def __init__(self, params: Iterable[Tensor], lr: float, momentum: float = 0.0,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        if momentum < 0 or weight_decay < 0:
            raise WeifenValueError("SGD: momentum and weight_decay must be >= 0")
        self.momentum = momentum
        self.weight_decay = weight_decay

    def _update(self, state: dict, d: Any, g: Any) -> None:
        if self.weight_decay:
            g = g + self.weight_decay * d
        if self.momentum:
            b = state.get("momentum_buffer")
            if b is None:
                b = state["momentum_buffer"] = g.copy()
            else:
                b *= self.momentum
                b += g
            g = b
        d -= self.lr * g


class Adam(Optimizer):
    """Adam, as ``torch.optim.Adam``: bias-corrected moving averages of the gradient and
    its square, ``p -= lr * m_hat / (sqrt(v_hat) + eps)``; ``weight_decay`` adds
    ``weight_decay * p`` to the gradient (L2, not AdamW's decoupled decay).
    """

    def __init__(self, params: Iterable[Tensor], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        b1, b2 = betas
        if not (0.0 <= b1 < 1.0 and 0.0 <= b2 < 1.0):
            raise WeifenValueError(f"Adam: betas must be in [0, 1), got {betas}")
        self.betas = (b1, b2)
        self.eps = eps
        self.weight_decay = weight_decay

    def _update(self, state: dict, d: Any, g: Any) -> None:
        b1, b2 = self.betas
        if self.weight_decay:
            g = g + self.weight_decay * d
        if not state:
            state["step"] = 0
            state["exp_avg"] = g * 0
            state["exp_avg_sq"] = g * 0
        state["step"] += 1
        t = state["step"]
        m = state["exp_avg"]
        v = state["exp_avg_sq"]
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * (g * g)
        step = self.lr / (1 - b1 ** t)
        denom = (v ** 0.5) / math.sqrt(1 - b2 ** t) + self.eps
        d -= step * (m / denom)
