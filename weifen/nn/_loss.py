"""Loss functions, as ``torch.nn.functional``: ``reduction`` is ``"mean"`` (the default),
``"sum"`` or ``"none"``. Each is a composite of weifen ops (no rules of its own).

Class-index losses (``cross_entropy``, ``nll_loss``) take the classes along axis 1 of an
``(N, C, d1, ...)`` input (axis 0 of a ``(C,)`` one), integer targets of the other axes'
shape, ``weight`` per class and ``ignore_index``, with torch's weighted mean.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from weifen.errors import ShapeError, WeifenTypeError, WeifenValueError
from weifen.numpy import elementwise as E
from weifen.numpy import nn as N
from weifen.numpy import reduce as R
from weifen.numpy._util import _raw, _t
from weifen.prims.shape import shape_of


class TargetError(WeifenTypeError, WeifenValueError):
    """A target of the wrong kind for the loss (float labels where class indices go): both
    a ``TypeError`` and a ``ValueError``, so either ``except`` catches it."""


_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(name: str, reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise WeifenValueError(f"{name}: reduction must be 'mean', 'sum' or 'none', got "
                               f"{reduction!r}")


def _reduce(loss: Any, reduction: str) -> Any:
    if reduction == "mean":
        return R.mean(loss)
    if reduction == "sum":
        return R.sum(loss)
    return _t(loss)


def _same_shape(name: str, a: Any, b: Any) -> None:
    if tuple(shape_of(a)) != tuple(shape_of(b)):
        raise ShapeError(f"{name}: input shape {tuple(shape_of(a))} and target shape "
                         f"{tuple(shape_of(b))} differ; they must match (reshape one, e.g. "
                         "y.reshape(-1, 1) or out.flatten())")


def _pointwise(name: str, input: Any, target: Any, reduction: str, weight: Any) -> tuple:
    _check_reduction(name, reduction)
    input, target = _raw(input), _raw(target)
    _same_shape(name, input, target)
    return input, target


def _weighted(loss: Any, weight: Any) -> Any:
    return loss if weight is None else loss * _raw(weight)


def mse_loss(input: Any, target: Any, reduction: str = "mean", weight: Any = None) -> Any:
    """Mean squared error ``(input - target)**2``, reduced.

    >>> import weifen as wf
    >>> wf.nn.functional.mse_loss(wf.tensor([1.0, 3.0]), wf.tensor([0.0, 0.0]))
    tensor(5.)
    """
    x, y = _pointwise("mse_loss", input, target, reduction, weight)
    d = x - y
    return _reduce(_weighted(d * d, weight), reduction)


def l1_loss(input: Any, target: Any, reduction: str = "mean", weight: Any = None) -> Any:
    """Mean absolute error ``|input - target|``, reduced.

    >>> import weifen as wf
    >>> wf.nn.functional.l1_loss(wf.tensor([1.0, -3.0]), wf.tensor([0.0, 0.0]))
    tensor(2.)
    """
    x, y = _pointwise("l1_loss", input, target, reduction, weight)
    return _reduce(_weighted(E.abs(x - y), weight), reduction)


def huber_loss(input: Any, target: Any, reduction: str = "mean", delta: float = 1.0,
               weight: Any = None) -> Any:
    """``0.5 d**2`` where ``|d| < delta``, else ``delta * (|d| - delta / 2)``, with
    ``d = input - target``, as ``torch.nn.functional.huber_loss``.

    >>> import weifen as wf
    >>> wf.nn.functional.huber_loss(wf.tensor([0.5, 3.0]), wf.zeros(2), reduction="none")
    tensor([0.125, 2.5  ])
    """
    x, y = _pointwise("huber_loss", input, target, reduction, weight)
    if delta <= 0:
        raise WeifenValueError(f"huber_loss: delta must be positive, got {delta}")
    d = x - y
    a = E.abs(d)
    loss = E.where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta))
    return _reduce(_weighted(loss, weight), reduction)


def smooth_l1_loss(input: Any, target: Any, reduction: str = "mean", beta: float = 1.0) -> Any:
    """``0.5 d**2 / beta`` where ``|d| < beta``, else ``|d| - beta / 2`` (huber / beta).

    >>> import weifen as wf
    >>> wf.nn.functional.smooth_l1_loss(wf.tensor([0.5, 3.0]), wf.zeros(2), reduction="sum")
    tensor(2.625)
    """
    x, y = _pointwise("smooth_l1_loss", input, target, reduction, None)
    a = E.abs(x - y)
    if beta == 0:
        return _reduce(a, reduction)
    d = x - y
    return _reduce(E.where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta), reduction)


def binary_cross_entropy(input: Any, target: Any, weight: Any = None,
                         reduction: str = "mean") -> Any:
    """``-(y log p + (1 - y) log(1 - p))`` of probabilities ``p``; each log is clamped at
    -100, as torch does, so p = 0 or 1 gives a finite loss.

    >>> import weifen as wf
    >>> round(float(wf.nn.functional.binary_cross_entropy(wf.tensor([0.5]),
    ...                                                   wf.tensor([1.0]))), 6)
    0.693147
    """
    p, y = _pointwise("binary_cross_entropy", input, target, reduction, weight)
    with np.errstate(divide="ignore"):
        log_p = E.maximum(E.log(p), -100.0)
        log_q = E.maximum(E.log(1.0 - p), -100.0)
    return _reduce(_weighted(-(y * log_p + (1.0 - y) * log_q), weight), reduction)


def binary_cross_entropy_with_logits(input: Any, target: Any, weight: Any = None,
                                     reduction: str = "mean", pos_weight: Any = None) -> Any:
    """Binary cross-entropy of logits, computed stably: ``softplus(x) - x * y``
    (``pos_weight`` scales the positive term, broadcast along the last axis).

    >>> import weifen as wf
    >>> round(float(wf.nn.functional.binary_cross_entropy_with_logits(
    ...     wf.tensor([0.0]), wf.tensor([1.0]))), 6)
    0.693147
    """
    x, y = _pointwise("binary_cross_entropy_with_logits", input, target, reduction, weight)
    if pos_weight is None:
        loss = E.softplus(x) - x * y
    else:
        lw = (_raw(pos_weight) - 1.0) * y + 1.0
        loss = (1.0 - y) * x + lw * E.softplus(-x)
    return _reduce(_weighted(loss, weight), reduction)


# ---------------------------------------------------------------- class-index losses
def _is_index_target(t: Any) -> bool:
    dt = getattr(t, "dtype", None)
    if dt is None:
        t = np.asarray(t)
        dt = t.dtype
    return np.issubdtype(dt, np.integer)


def _class_axis(name: str, s: tuple) -> int:
    if len(s) == 0:
        raise ShapeError(f"{name}: input must have shape (C,), (N, C) or (N, C, d1, ...), got ()")
    return 0 if len(s) == 1 else 1


def _index_target(name: str, target: Any, s: tuple, cdim: int) -> np.ndarray:
    """The class indices as a NumPy int array of the input's shape without the class axis."""
    want = s[:cdim] + s[cdim + 1:]
    if not _is_index_target(target):
        t = np.asarray(target)
        raise TargetError(
            f"{name}: class-index targets must be integers, got dtype {t.dtype} and shape "
            f"{t.shape} for an input of shape {s} (classes on axis {cdim}); pass integer "
            f"labels of shape {want} (y.astype(int), wf.tensor(y, dtype=wf.int64)), or "
            f"float class probabilities of the input's shape {s}")
    t = np.asarray(target)
    if t.shape != want:
        raise ShapeError(f"{name}: class indices of shape {t.shape} for an input of shape "
                         f"{s}; expected {want} (one class index per example)")
    return t


def _weight_vector(name: str, weight: Any, C: int, dtype: Any) -> np.ndarray:
    """The class weights as a NumPy constant (torch gives them no gradient either)."""
    w = np.asarray(weight, dtype=dtype)
    if w.shape != (C,):
        raise ShapeError(f"{name}: weight must have one entry per class, shape ({C},), got "
                         f"{w.shape}")
    return w


def _per_weight(total: Any, denom: np.ndarray) -> Any:
    """``total / denom`` for the weighted mean; with nothing counted (every target ignored)
    the value is nan and the gradient zero, as torch's."""
    if denom == 0:
        return total * 0.0 + np.nan
    return total / denom


def _nll(name: str, logp: Any, target: Any, weight: Any, ignore_index: int,
         reduction: str, label_smoothing: float = 0.0) -> Any:
    s = tuple(shape_of(logp))
    cdim = _class_axis(name, s)
    C = s[cdim]
    t = _index_target(name, target, s, cdim)
    valid = t != ignore_index
    tc = np.where(valid, t, 0)
    if tc.size and (tc.min() < 0 or tc.max() >= C):
        bad = t[valid & ((t < 0) | (t >= C))]
        raise WeifenValueError(f"{name}: class index {bad.flat[0]} out of range [0, {C}) "
                               f"(ignore_index={ignore_index})")
    classes = np.arange(C).reshape((C,) + (1,) * (len(s) - cdim - 1))
    onehot = np.expand_dims(tc, cdim) == classes
    dt = np.result_type(getattr(logp, "dtype", np.float64))
    all_valid = bool(valid.all())
    if weight is None:
        wt = valid.astype(dt)
    else:
        w = _weight_vector(name, weight, C, dt)
        wt = w[tc] * valid
    denom = wt.sum()
    if reduction != "none" and (reduction == "sum" or denom != 0):
        # the reduced loss as one masked sum, scaled: where -> [* weights] -> sum -> scale
        # (three recorded ops where the per-example losses below take five)
        if not all_valid:
            onehot = onehot & np.expand_dims(valid, cdim)
        picked = E.where(onehot, logp, 0.0)
        if weight is not None:
            picked = picked * np.expand_dims(wt, cdim)
        total = R.sum(picked)
        out = total * (-1.0 / denom) if reduction == "mean" else -total
    else:
        picked = R.sum(E.where(onehot, logp, 0.0), axis=cdim)
        loss = -picked * wt if weight is not None or not all_valid else -picked
        out = _per_weight(R.sum(loss), denom) if reduction == "mean" else _t(loss)
    if not label_smoothing:
        return out
    if weight is None:
        smooth = -R.sum(logp, axis=cdim)
    else:
        wb = _weight_vector(name, weight, C, dt).reshape((C,) + (1,) * (len(s) - cdim - 1))
        smooth = -R.sum(logp * wb, axis=cdim)
    smooth = E.where(valid, smooth, 0.0)
    if reduction == "mean":
        ret = _per_weight(R.sum(smooth), denom)
    elif reduction == "sum":
        ret = R.sum(smooth)
    else:
        ret = smooth
    return (1.0 - label_smoothing) * out + ret * (label_smoothing / C)


def nll_loss(input: Any, target: Any, weight: Any = None, ignore_index: int = -100,
             reduction: str = "mean") -> Any:
    """Negative log-likelihood of log-probabilities ``input`` (N, C, ...) at the integer
    class indices ``target`` (N, ...), as ``torch.nn.functional.nll_loss``; ``weight``
    scales each class, ``ignore_index`` drops targets, and ``"mean"`` divides by the total
    weight of the targets kept.

    >>> import weifen as wf, numpy as np
    >>> logp = wf.log(wf.tensor([[0.25, 0.75], [0.5, 0.5]]))
    >>> round(float(wf.nn.functional.nll_loss(logp, np.array([1, 0]))), 6)
    0.490415
    """
    _check_reduction("nll_loss", reduction)
    return _nll("nll_loss", _raw(input), target, weight, ignore_index, reduction)


def cross_entropy(input: Any, target: Any, weight: Any = None, ignore_index: int = -100,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Any:
    """Softmax cross-entropy of logits ``input`` (N, C, ...) or (C,) against integer class
    indices (N, ...) or float class probabilities of the input's shape, as
    ``torch.nn.functional.cross_entropy`` (``weight``, ``ignore_index``,
    ``label_smoothing``). Float labels of the indices' shape raise an error saying that
    class-index targets must be integers.

    >>> import weifen as wf, numpy as np
    >>> loss = wf.nn.functional.cross_entropy(wf.tensor([[0.0, 0.0]]), np.array([1]))
    >>> round(float(loss), 6) == round(float(np.log(2)), 6)
    True
    """
    name = "cross_entropy"
    _check_reduction(name, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise WeifenValueError(f"{name}: label_smoothing must be in [0, 1], got "
                               f"{label_smoothing}")
    x = _raw(input)
    s = tuple(shape_of(x))
    cdim = _class_axis(name, s)
    logp = N.log_softmax(x, axis=cdim)
    if _is_index_target(target):
        return _nll(name, logp, target, weight, ignore_index, reduction, label_smoothing)
    t = _raw(target)
    if tuple(shape_of(t)) != s:
        _index_target(name, target, s, cdim)  # raises: float labels where indices go
    C = s[cdim]
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + label_smoothing / C
    prod = logp * t
    if weight is not None:
        w = _weight_vector(name, weight, C, np.result_type(getattr(x, "dtype", np.float64)))
        prod = prod * w.reshape((C,) + (1,) * (len(s) - cdim - 1))
    loss = -R.sum(prod, axis=cdim)
    return _reduce(loss, reduction)
