"""``RMSprop`` and ``Adagrad``, step for step as ``torch.optim.RMSprop`` and
``torch.optim.Adagrad``."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from weifen.errors import WeifenValueError
from weifen.optim.adam import _lerp_
from weifen.optim.optimizer import Optimizer, _with_grads
from weifen.tape.tensor import _bump

__all__ = ["RMSprop", "Adagrad"]


class RMSprop(Optimizer):
    """RMSprop, as ``torch.optim.RMSprop``: ``v = alpha * v + (1 - alpha) * g**2`` and
    ``p -= lr * g / (sqrt(v) + eps)``.

    ``centered`` subtracts the square of the moving average of ``g`` from ``v`` first;
    ``momentum`` keeps a buffer ``b = momentum * b + g / (sqrt(v) + eps)`` and steps
    ``p -= lr * b``; ``weight_decay`` adds ``weight_decay * p`` to the gradient. The state
    holds ``step``, ``square_avg``, and ``momentum_buffer`` / ``grad_avg`` when used.

    >>> import weifen as wf
    >>> w = wf.nn.Parameter(wf.tensor([1.0, -2.0]))
    >>> opt = wf.optim.RMSprop([w], lr=0.01, alpha=0.75)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w
    Parameter containing:
    tensor([ 0.98, -1.98], requires_grad=True)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0, momentum: float = 0,
                 centered: bool = False, *, maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered,
                                      maximize=maximize))

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        for k in ("eps", "momentum", "alpha"):
            if not group[k] >= 0:
                raise WeifenValueError(f"RMSprop: invalid {k} value {group[k]}; it must be "
                                       ">= 0")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = group["lr"]
        alpha = group["alpha"]
        eps = group["eps"]
        wd = group["weight_decay"]
        momentum = group["momentum"]
        centered = group["centered"]
        maximize = group["maximize"]
        state = self.state
        for p, d, g in _with_grads(group["params"]):
            st = state[p]
            if not st:
                st["step"] = 0
                st["square_avg"] = np.zeros_like(d)
            if momentum > 0 and "momentum_buffer" not in st:
                st["momentum_buffer"] = np.zeros_like(d)
            if centered and "grad_avg" not in st:
                st["grad_avg"] = np.zeros_like(d)
            st["step"] += 1
            if maximize:
                g = -g
            if wd:
                g = g + wd * d
            sq = st["square_avg"]
            t = self._tmp(d)
            sq *= alpha
            np.multiply(g, 1 - alpha, out=t)
            t *= g
            sq += t
            avg = self._tmp(d, 1)
            if centered:
                ga = st["grad_avg"]
                _lerp_(ga, g, 1 - alpha, t)
                np.multiply(ga, ga, out=avg)
                np.subtract(sq, avg, out=avg)
                np.sqrt(avg, out=avg)
            else:
                np.sqrt(sq, out=avg)
            avg += eps
            np.divide(g, avg, out=avg)
            if momentum > 0:
                b = st["momentum_buffer"]
                b *= momentum
                b += avg
                np.multiply(b, lr, out=avg)
            else:
                avg *= lr
            d -= avg
            _bump(p)


class Adagrad(Optimizer):
    """Adagrad, as ``torch.optim.Adagrad``: the running sum ``s += g**2`` (starting at
    ``initial_accumulator_value``) and ``p -= lr_t * g / (sqrt(s) + eps)`` with
    ``lr_t = lr / (1 + (t - 1) * lr_decay)`` at step ``t``; ``weight_decay`` adds
    ``weight_decay * p`` to the gradient. The state (``step``, ``sum``) exists for every
    parameter from the start, as torch's does.

    >>> import weifen as wf
    >>> w = wf.nn.Parameter(wf.tensor([1.0, -2.0]))
    >>> opt = wf.optim.Adagrad([w], lr=0.5)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w
    Parameter containing:
    tensor([ 0.5, -1.5], requires_grad=True)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, *, maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      eps=eps, maximize=maximize))
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, group)

    def _init_state(self, p: Any, group: dict[str, Any]) -> dict[str, Any]:
        st = self.state[p]
        st["step"] = 0
        s = st["sum"] = np.empty_like(p._data)
        s[...] = group["initial_accumulator_value"]
        return st

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        for k in ("lr_decay", "initial_accumulator_value", "eps"):
            if not group[k] >= 0:
                raise WeifenValueError(f"Adagrad: invalid {k} value {group[k]}; it must be "
                                       ">= 0")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = group["lr"]
        lr_decay = group["lr_decay"]
        eps = group["eps"]
        wd = group["weight_decay"]
        maximize = group["maximize"]
        state = self.state
        for p, d, g in _with_grads(group["params"]):
            st = state[p]
            if "sum" not in st:  # added by add_param_group, or absent from a loaded state
                st = self._init_state(p, group)
            step = st["step"] = st["step"] + 1
            if maximize:
                g = -g
            if wd:
                g = g + wd * d
            clr = lr / (1 + (step - 1) * lr_decay)
            s = st["sum"]
            t = self._tmp(d)
            np.multiply(g, g, out=t)
            s += t
            np.sqrt(s, out=t)
            t += eps
            np.divide(g, t, out=t)
            t *= clr
            d -= t
            _bump(p)
