"""Layers: ``Linear``, ``Embedding``, ``Dropout``, ``Flatten``, ``Identity`` (the
activations live in :mod:`weifen.nn.activation`, convolution and pooling in
:mod:`weifen.nn.conv`, normalisation in :mod:`weifen.nn.norm`).

Parameters take the default dtype (``wf.get_default_dtype()``, float64 unless set) unless
``dtype=`` is given, and are drawn from NumPy's global generator (``wf.manual_seed``) with
torch's initialisation. An input of another float dtype raises a ``TypeError`` naming both
and the fix; an input of the wrong shape names the layer and the shape it expects.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from weifen.errors import ShapeError, WeifenTypeError, WeifenValueError
from weifen.nn import functional as F
from weifen.nn import init
from weifen.nn.activation import ReLU, Sigmoid, Tanh  # noqa: F401 - their old home
from weifen.nn.module import Module, Parameter, check_input, param_dtype
from weifen.numpy import shape as S


def _device(device: Any) -> None:
    if device is not None and str(device).split(":")[0] != "cpu":
        raise WeifenTypeError(f"device {device!r} is not available: weifen computes with "
                              "NumPy on the CPU")


class Linear(Module):
    """``y = x @ W.T + b``, with ``W`` of shape ``(out_features, in_features)`` as in PyTorch.

    Both are drawn uniformly from ``[-1/sqrt(in_features), 1/sqrt(in_features)]`` (torch's
    ``kaiming_uniform_(a=sqrt(5))``), weight first, from NumPy's global generator.

    >>> import weifen as wf
    >>> lin = wf.nn.Linear(3, 2)
    >>> lin.weight.shape, lin.bias.shape, lin(wf.ones(5, 3)).shape
    ((2, 3), (2,), (5, 2))
    >>> lin
    Linear(in_features=3, out_features=2, bias=True)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        _device(device)
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        dt = param_dtype(dtype)
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dt))
        if bias:
            self.bias = Parameter(np.empty(self.out_features, dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.in_features
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Any) -> Any:
        w = self.weight
        if getattr(x, "dtype", None) != w.dtype:
            x = check_input(self, x, w.dtype)
        s = x.shape
        if not s or s[-1] != self.in_features:
            raise ShapeError(f"{self!r} expects input of shape (..., {self.in_features}), got "
                             f"{tuple(s)}")
        return F.linear(x, w, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Identity(Module):
    """Returns its input (any constructor arguments are ignored, as torch).

    >>> import weifen as wf
    >>> x = wf.ones(2); wf.nn.Identity(54, unused="x")(x) is x
    True
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Any) -> Any:
        return x


def _flatten(x: Any, start: int, end: int) -> Any:
    from weifen.creation import asarray

    return (x if hasattr(x, "_process") else asarray(x)).flatten(start, end)


class Flatten(Module):
    """Merge axes ``start_dim..end_dim`` (default: all but the batch axis).

    >>> import weifen as wf
    >>> wf.nn.Flatten()(wf.ones(2, 3, 4)).shape
    (2, 12)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x: Any) -> Any:
        try:
            return _flatten(x, self.start_dim, self.end_dim)
        except (TypeError, ValueError):
            raise ShapeError(f"{self!r} cannot flatten an input of shape "
                             f"{tuple(np.shape(x))}") from None

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split axis ``dim`` into ``unflattened_size``.

    >>> import weifen as wf
    >>> wf.nn.Unflatten(1, (2, 3))(wf.ones(4, 6)).shape
    (4, 2, 3)
    """

    def __init__(self, dim: int, unflattened_size: Any) -> None:
        super().__init__()
        self.dim = dim
        self.unflattened_size = tuple(unflattened_size)

    def forward(self, x: Any) -> Any:
        s = tuple(np.shape(x)) if not hasattr(x, "shape") else tuple(x.shape)
        d = self.dim % len(s)
        return S.reshape(x, s[:d] + self.unflattened_size + s[d + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Dropout(Module):
    """In training mode, zero each element with probability ``p`` and scale the rest by
    ``1 / (1 - p)``; in evaluation mode (``model.eval()``), the identity.

    >>> import weifen as wf
    >>> drop = wf.nn.Dropout(0.25)
    >>> y = drop(wf.ones(4000))
    >>> sorted(set(y.tolist()))[1] == 1 / 0.75, drop.eval()(wf.ones(2)).tolist()
    (True, [1.0, 1.0])
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise WeifenValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, x: Any) -> Any:
        return F.dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Embedding(Module):
    """A lookup table: integer indices of any shape -> rows of ``weight``
    (``num_embeddings``, ``embedding_dim``), drawn from N(0, 1); ``padding_idx``'s row
    starts at zero and gets no gradient, as torch.

    >>> import weifen as wf, numpy as np
    >>> emb = wf.nn.Embedding(10, 3, padding_idx=0)
    >>> emb(np.array([[1, 2], [0, 9]])).shape, emb
    ((2, 2, 3), Embedding(10, 3, padding_idx=0))
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0,
                 scale_grad_by_freq: bool = False, sparse: bool = False, _weight: Any = None,
                 _freeze: bool = False, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        _device(device)
        self.num_embeddings = int(num_embeddings)
        self.embedding_dim = int(embedding_dim)
        if padding_idx is not None:
            if not -self.num_embeddings <= padding_idx < self.num_embeddings:
                raise WeifenValueError("Padding_idx must be within num_embeddings")
            padding_idx = padding_idx % self.num_embeddings
        self.padding_idx = padding_idx
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.sparse = sparse
        dt = param_dtype(dtype)
        if _weight is None:
            self.weight = Parameter(np.empty((self.num_embeddings, self.embedding_dim), dt),
                                    requires_grad=not _freeze)
            self.reset_parameters()
        else:
            w = np.asarray(_weight)
            if w.shape != (self.num_embeddings, self.embedding_dim):
                raise ShapeError("Shape of weight does not match num_embeddings and "
                                 "embedding_dim")
            self.weight = Parameter(w, requires_grad=not _freeze)

    def reset_parameters(self) -> None:
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight._data[self.padding_idx] = 0

    @classmethod
    def from_pretrained(cls, embeddings: Any, freeze: bool = True,
                        padding_idx: int | None = None, max_norm: float | None = None,
                        norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                        sparse: bool = False) -> "Embedding":
        """An Embedding holding a copy of ``embeddings`` (frozen unless ``freeze=False``).

        >>> import weifen as wf
        >>> wf.nn.Embedding.from_pretrained(wf.eye(2)).weight.requires_grad
        False
        """
        e = np.asarray(embeddings)
        if e.ndim != 2:
            raise ShapeError("Embeddings parameter is expected to be 2-dimensional")
        return cls(e.shape[0], e.shape[1], padding_idx, max_norm, norm_type,
                   scale_grad_by_freq, sparse, _weight=e, _freeze=freeze, dtype=e.dtype)

    def forward(self, x: Any) -> Any:
        return F.embedding(x, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                           self.scale_grad_by_freq, self.sparse)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq is not False:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        if self.sparse is not False:
            s += ", sparse=True"
        return s


__all__ = ["Linear", "Identity", "Flatten", "Unflatten", "Dropout", "Embedding"]
