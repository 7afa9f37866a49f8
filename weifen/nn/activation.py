"""Activation modules, each a thin Module over the function of the same name in
``wf.nn.functional``; ``repr`` prints as torch's.

>>> import weifen as wf
>>> wf.nn.GELU(approximate="tanh"), wf.nn.Softmax(dim=1)
(GELU(approximate='tanh'), Softmax(dim=1))
"""
from __future__ import annotations

from typing import Any

from weifen.errors import WeifenValueError
from weifen.nn import functional as F
from weifen.nn.module import Module

__all__ = ["ReLU", "Tanh", "Sigmoid", "GELU", "SiLU", "Softmax", "LogSoftmax", "LeakyReLU",
           "ELU", "Softplus"]


class _Inplace(Module):
    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace  # accepted as torch does; weifen computes out of place

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class ReLU(_Inplace):
    """``max(x, 0)`` elementwise.

    >>> import weifen as wf
    >>> wf.nn.ReLU()(wf.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """

    def forward(self, x: Any) -> Any:
        return F.relu(x)


class Tanh(Module):
    """``tanh(x)`` elementwise.

    >>> import weifen as wf
    >>> wf.nn.Tanh()(wf.tensor([0.0]))
    tensor([0.])
    """

    def forward(self, x: Any) -> Any:
        return F.tanh(x)


class Sigmoid(Module):
    """``1 / (1 + exp(-x))`` elementwise.

    >>> import weifen as wf
    >>> wf.nn.Sigmoid()(wf.tensor([0.0]))
    tensor([0.5])
    """

    def forward(self, x: Any) -> Any:
        return F.sigmoid(x)


class GELU(Module):
    """``x * Phi(x)``: exact (erf) by default, or torch's tanh approximation.

    >>> import weifen as wf
    >>> wf.nn.GELU()(wf.tensor([1.0]))
    tensor([0.84134475])
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise WeifenValueError(f"GELU: approximate must be 'none' or 'tanh', got "
                                   f"{approximate!r}")
        self.approximate = approximate

    def forward(self, x: Any) -> Any:
        return F.gelu(x, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(_Inplace):
    """``x * sigmoid(x)`` elementwise.

    >>> import weifen as wf
    >>> wf.nn.SiLU()(wf.tensor([0.0]))
    tensor([0.])
    """

    def forward(self, x: Any) -> Any:
        return F.silu(x)


class Softmax(Module):
    """Softmax along ``dim`` (torch's implicit choice when ``None``).

    >>> import weifen as wf
    >>> wf.nn.Softmax(dim=-1)(wf.tensor([0.0, 0.0]))
    tensor([0.5, 0.5])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Any) -> Any:
        return F.softmax(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """Log-softmax along ``dim``.

    >>> import weifen as wf
    >>> wf.nn.LogSoftmax(dim=0)(wf.tensor([0.0, 0.0]))
    tensor([-0.69314718, -0.69314718])
    """

    def forward(self, x: Any) -> Any:
        return F.log_softmax(x, self.dim)


class LeakyReLU(Module):
    """``x`` where positive, else ``negative_slope * x``.

    >>> import weifen as wf
    >>> wf.nn.LeakyReLU(0.5)(wf.tensor([-2.0]))
    tensor([-1.])
    """

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, x: Any) -> Any:
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace
                                                          else "")


class ELU(Module):
    """``x`` where positive, else ``alpha * (exp(x) - 1)``.

    >>> import weifen as wf
    >>> wf.nn.ELU()(wf.tensor([0.0]))
    tensor([0.])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, x: Any) -> Any:
        return F.elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class Softplus(Module):
    """``log(1 + exp(beta x)) / beta``, linear above ``threshold``.

    >>> import weifen as wf
    >>> wf.nn.Softplus()(wf.tensor([0.0]))
    tensor([0.69314718])
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, x: Any) -> Any:
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"
