"""``wf.nn.utils``: gradient clipping and flat parameter vectors, as ``torch.nn.utils``.

>>> import weifen as wf
>>> w = wf.nn.Parameter(wf.tensor([3.0, 4.0]))
>>> (w * w).sum().backward()                      # grad = (6, 8), norm 10
>>> wf.nn.utils.clip_grad_norm_([w], max_norm=1.0)
tensor(10.)
>>> w.grad.numpy().round(6)
array([0.6, 0.8])
"""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from weifen.errors import GraphError, ShapeError, WeifenTypeError
from weifen.tape.tensor import Tensor, _bump, _wrap

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector",
           "vector_to_parameters"]


def _params(parameters: Any) -> list:
    if isinstance(parameters, Tensor):
        return [parameters]
    return list(parameters)


def _scale_in_place(g: Tensor, factor: Any) -> None:
    d = g._data
    if isinstance(d, np.ndarray) and d.flags.writeable:
        d *= d.dtype.type(factor)
    else:
        g._data = d * factor
    _bump(g)


def clip_grad_norm_(parameters: Any, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: Any = None) -> Tensor:
    """Scale the gradients in place so their joint ``norm_type`` norm is at most
    ``max_norm``; returns that norm (before clipping) as a 0-d Tensor, as torch.

    As torch, the factor is ``max_norm / (norm + 1e-6)`` clamped at 1 and applied to every
    gradient; ``norm_type`` may be ``inf``.
    """
    grads = [p.grad for p in _params(parameters) if p.grad is not None]
    max_norm, norm_type = float(max_norm), float(norm_type)
    if not grads:
        return _wrap(np.array(0.0))
    arrs = [np.asarray(g._data) for g in grads]
    dt = np.result_type(*[a.dtype for a in arrs])
    if norm_type == np.inf:
        norms = [np.max(np.abs(a)) if a.size else dt.type(0) for a in arrs]
        total = np.max(np.array(norms, dtype=dt))
    else:
        norms = [np.linalg.norm(a.ravel(), norm_type) for a in arrs]
        total = np.linalg.norm(np.array(norms, dtype=dt), norm_type)
    total = np.asarray(total, dtype=dt)
    if error_if_nonfinite and not np.isfinite(total):
        raise GraphError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the "
            "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
    coef = min(max_norm / (float(total) + 1e-6), 1.0)
    for g in grads:
        _scale_in_place(g, coef)
    return _wrap(total)


def clip_grad_value_(parameters: Any, clip_value: float, foreach: Any = None) -> None:
    """Clamp every gradient entry into ``[-clip_value, clip_value]``, in place.

    >>> import weifen as wf
    >>> w = wf.nn.Parameter(wf.tensor([3.0, -4.0]))
    >>> (w * w).sum().backward()
    >>> wf.nn.utils.clip_grad_value_([w], 1.0); w.grad
    tensor([ 1., -1.])
    """
    c = float(clip_value)
    for p in _params(parameters):
        g = p.grad
        if g is None:
            continue
        d = g._data
        if isinstance(d, np.ndarray) and d.flags.writeable:
            np.clip(d, -c, c, out=d)
        else:
            g._data = np.clip(d, -c, c)
        _bump(g)


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """The parameters' values, flattened and joined (a new Tensor, differentiable).

    >>> import weifen as wf
    >>> wf.nn.utils.parameters_to_vector(wf.nn.Linear(2, 1).parameters()).shape
    (3,)
    """
    from weifen.numpy import concatenate, reshape

    ps = list(parameters)
    if not ps:
        raise WeifenTypeError("parameters_to_vector: no parameters")
    return concatenate([reshape(p, (-1,)) for p in ps])


def vector_to_parameters(vec: Any, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of ``vec`` into the parameters, in place.

    >>> import weifen as wf
    >>> lin = wf.nn.Linear(2, 1)
    >>> wf.nn.utils.vector_to_parameters(wf.tensor([1.0, 2.0, 3.0]), lin.parameters())
    >>> lin.weight, lin.bias
    (Parameter containing:
    tensor([[1., 2.]], requires_grad=True), Parameter containing:
    tensor([3.], requires_grad=True))
    """
    v = np.asarray(vec)
    ps = list(parameters)
    n = sum(p.size for p in ps)
    if v.ndim != 1 or v.size != n:
        raise ShapeError(f"vector_to_parameters: expected a vector of {n} values, got shape "
                         f"{v.shape}")
    i = 0
    for p in ps:
        k = p.size
        p._data[...] = v[i:i + k].reshape(p.shape)
        _bump(p)
        i += k
