"""``SGD``: stochastic gradient descent with momentum, dampening, Nesterov momentum,
weight decay and ``maximize``, step for step as ``torch.optim.SGD``."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from weifen.errors import WeifenValueError
from weifen.optim.optimizer import Optimizer, _with_grads
from weifen.tape.tensor import _bump

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent, as ``torch.optim.SGD``.

    With ``g`` the gradient (negated if ``maximize``), ``weight_decay`` makes it
    ``g + weight_decay * p``; with ``momentum`` the buffer ``b = momentum * b + (1 -
    dampening) * g`` (the first step takes ``b = g``) replaces ``g``, or with ``nesterov``
    ``g + momentum * b`` does; then ``p -= lr * g``. The state holds ``momentum_buffer``
    (only when momentum is nonzero).

    >>> import weifen as wf
    >>> w = wf.nn.Parameter(wf.tensor([1.0, -2.0]))
    >>> opt = wf.optim.SGD([w], lr=0.1, momentum=0.9, nesterov=True)
    >>> for _ in range(2):
    ...     opt.zero_grad()
    ...     (w * w).sum().backward()
    ...     opt.step()
    >>> w
    Parameter containing:
    tensor([ 0.2224, -0.4448], requires_grad=True)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0, nesterov: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize))

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        if not group["momentum"] >= 0:
            raise WeifenValueError(f"SGD: invalid momentum {group['momentum']}; it must be "
                                   ">= 0")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise WeifenValueError("SGD: Nesterov momentum requires a momentum and zero "
                                   "dampening")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = group["lr"]
        momentum = group["momentum"]
        damp = 1 - group["dampening"]
        wd = group["weight_decay"]
        nesterov = group["nesterov"]
        maximize = group["maximize"]
        state = self.state
        for p, d, g in _with_grads(group["params"]):
            if maximize:
                g = -g
            if wd:
                g = g + wd * d
            if momentum:
                st = state[p]
                b = st.get("momentum_buffer")
                if b is None:
                    b = st["momentum_buffer"] = np.empty_like(d)
                    b[...] = g
                else:
                    b *= momentum
                    if damp == 1:
                        b += g
                    else:
                        b += damp * g
                g = g + momentum * b if nesterov else b
            t = self._tmp(d)
            np.multiply(g, lr, out=t)
            d -= t
            _bump(p)
