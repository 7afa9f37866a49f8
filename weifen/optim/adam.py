"""``Adam`` and ``AdamW`` (with ``amsgrad`` and ``maximize``), step for step as
``torch.optim.Adam`` and ``torch.optim.AdamW``."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from weifen.errors import WeifenValueError
from weifen.optim.optimizer import Optimizer, _with_grads
from weifen.tape.tensor import _bump

__all__ = ["Adam", "AdamW"]


def _lerp_(m: Any, g: Any, w: float, t: Any) -> None:
    """``m += w * (g - m)`` in place, in the form torch's ``lerp_`` uses for the weight
    (``t`` is scratch)."""
    np.subtract(g, m, out=t)
    if abs(w) < 0.5:
        t *= w
        m += t
    else:
        t *= 1 - w
        np.subtract(g, t, out=m)


class Adam(Optimizer):
    """Adam, as ``torch.optim.Adam``: moving averages ``m`` of the gradient and ``v`` of its
    square, ``p -= lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)``.

    ``weight_decay`` adds ``weight_decay * p`` to the gradient (L2), unless
    ``decoupled_weight_decay`` (AdamW) shrinks ``p *= 1 - lr * weight_decay`` instead;
    ``amsgrad`` divides by the running maximum of ``v``. The state holds ``step`` (an
    int), ``exp_avg``, ``exp_avg_sq`` and with amsgrad ``max_exp_avg_sq``.

    >>> import weifen as wf
    >>> w = wf.nn.Parameter(wf.tensor([1.0, -2.0]))
    >>> opt = wf.optim.Adam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w
    Parameter containing:
    tensor([ 0.9, -1.9], requires_grad=True)
    >>> sorted(opt.state[w])
    ['exp_avg', 'exp_avg_sq', 'step']
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, maximize: bool = False,
                 decoupled_weight_decay: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        name = type(self).__name__
        betas = group["betas"]
        if len(betas) != 2:
            raise WeifenValueError(f"{name}: betas must be a pair, got {betas!r}")
        for i, b in enumerate(betas):
            if not 0.0 <= b < 1.0:
                raise WeifenValueError(f"{name}: invalid beta parameter at index {i}: {b}; "
                                       "betas must be in [0, 1)")
        if not group["eps"] >= 0:
            raise WeifenValueError(f"{name}: invalid epsilon value {group['eps']}")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = group["lr"]
        b1, b2 = group["betas"]
        eps = group["eps"]
        wd = group["weight_decay"]
        decoupled = group["decoupled_weight_decay"]
        amsgrad = group["amsgrad"]
        maximize = group["maximize"]
        w1, w2 = 1 - b1, 1 - b2
        state = self.state
        for p, d, g in _with_grads(group["params"]):
            st = state[p]
            if not st:
                st["step"] = 0
                st["exp_avg"] = np.zeros_like(d)
                st["exp_avg_sq"] = np.zeros_like(d)
                if amsgrad:
                    st["max_exp_avg_sq"] = np.zeros_like(d)
            step = st["step"] = st["step"] + 1
            if maximize:
                g = -g
            if wd:
                if decoupled:
                    d *= 1 - lr * wd
                else:
                    g = g + wd * d
            m = st["exp_avg"]
            v = st["exp_avg_sq"]
            t = self._tmp(d)
            _lerp_(m, g, w1, t)
            v *= b2
            np.multiply(g, w2, out=t)
            t *= g
            v += t
            step_size = lr / (1 - b1 ** step)
            bc2_sqrt = (1 - b2 ** step) ** 0.5
            if amsgrad:
                mx = st.get("max_exp_avg_sq")
                if mx is None:
                    mx = st["max_exp_avg_sq"] = np.zeros_like(d)
                np.maximum(mx, v, out=mx)
                v = mx
            np.sqrt(v, out=t)
            t /= bc2_sqrt
            t += eps
            np.divide(m, t, out=t)
            t *= step_size
            d -= t
            _bump(p)


class AdamW(Adam):
    """AdamW, as ``torch.optim.AdamW``: Adam with decoupled weight decay, the parameter
    shrunk by ``p *= 1 - lr * weight_decay`` before the Adam step (default 1e-2).

    >>> import weifen as wf
    >>> w = wf.nn.Parameter(wf.tensor([1.0, -2.0]))
    >>> opt = wf.optim.AdamW([w], lr=0.1, weight_decay=0.5)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w
    Parameter containing:
    tensor([ 0.85, -1.8 ], requires_grad=True)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize, decoupled_weight_decay=True)
