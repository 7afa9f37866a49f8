"""``wf.nn.init``: fill parameters in place, with ``torch.nn.init``'s names, gains and fans.

Each function writes into the tensor's values (no graph is recorded, the version counter
is bumped) and returns the tensor. Random draws come from NumPy's global generator
(``wf.manual_seed``) unless ``generator=`` (a ``np.random.Generator``) is given.

>>> import weifen as wf
>>> w = wf.nn.Parameter(wf.zeros(3, 4))
>>> wf.nn.init.xavier_uniform_(w) is w, float(abs(w).max()) <= (6 / 7) ** 0.5
(True, True)
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from weifen.errors import WeifenTypeError, WeifenValueError
from weifen.tape.tensor import Tensor, _bump

__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_",
           "zeros_", "eye_", "orthogonal_", "xavier_uniform_", "xavier_normal_",
           "kaiming_uniform_", "kaiming_normal_"]

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity, as torch: 1 for linear layers and sigmoid,
    5/3 for tanh, sqrt(2) for relu, sqrt(2 / (1 + slope**2)) for leaky_relu (slope
    ``param``, default 0.01), 3/4 for selu.

    >>> import weifen as wf
    >>> wf.nn.init.calculate_gain("relu") == 2 ** 0.5, wf.nn.init.calculate_gain("tanh")
    (True, 1.6666666666666667)
    """
    if nonlinearity in _LINEAR or nonlinearity == "sigmoid":
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise WeifenValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise WeifenValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor: Any) -> tuple[int, int]:
    s = tuple(tensor.shape)
    if len(s) < 2:
        raise WeifenValueError("Fan in and fan out can not be computed for tensor with fewer "
                               f"than 2 dimensions (got shape {s})")
    receptive = int(np.prod(s[2:])) if len(s) > 2 else 1
    return s[1] * receptive, s[0] * receptive


def _fan(tensor: Any, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise WeifenValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _gen(generator: Any) -> Any:
    if generator is None:
        return np.random
    if hasattr(generator, "normal") and hasattr(generator, "uniform"):
        return generator
    raise WeifenTypeError(f"generator must be a np.random.Generator or RandomState, got "
                          f"{type(generator).__name__}")


def _write(tensor: Any, values: Any) -> Any:
    """Put ``values`` into ``tensor`` in place (cast to its dtype); returns ``tensor``."""
    if not isinstance(tensor, Tensor):
        raise WeifenTypeError(f"nn.init works in place on a Tensor, got "
                              f"{type(tensor).__name__}")
    d = tensor._data
    if isinstance(d, np.ndarray) and d.flags.writeable and d.shape:
        d[...] = values
    else:
        tensor._data = np.asarray(np.broadcast_to(values, np.shape(d)), dtype=d.dtype).copy()
    _bump(tensor)
    return tensor


def uniform_(tensor: Any, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Any:
    """Fill with draws from U(a, b).

    >>> import weifen as wf
    >>> x = wf.nn.init.uniform_(wf.zeros(1000), -2, 2)
    >>> bool(x.min() >= -2 and x.max() < 2)
    True
    """
    return _write(tensor, _gen(generator).uniform(a, b, tuple(tensor.shape)))


def normal_(tensor: Any, mean: float = 0.0, std: float = 1.0, generator: Any = None) -> Any:
    """Fill with draws from N(mean, std**2).

    >>> import weifen as wf
    >>> abs(float(wf.nn.init.normal_(wf.zeros(10000), 3.0, 0.1).mean()) - 3.0) < 0.01
    True
    """
    return _write(tensor, _gen(generator).normal(mean, std, tuple(tensor.shape)))


def trunc_normal_(tensor: Any, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, generator: Any = None) -> Any:
    """Fill with draws from N(mean, std**2) truncated to [a, b] (redrawn until inside).

    >>> import weifen as wf
    >>> x = wf.nn.init.trunc_normal_(wf.zeros(1000), std=3.0)
    >>> bool(x.min() >= -2 and x.max() <= 2)
    True
    """
    if not a < b:
        raise WeifenValueError(f"trunc_normal_: need a < b, got a={a}, b={b}")
    g = _gen(generator)
    shape = tuple(tensor.shape)
    v = np.asarray(g.normal(mean, std, shape), dtype=np.float64)
    out = (v < a) | (v > b)
    for _ in range(10000):
        n = int(out.sum())
        if not n:
            break
        v[out] = g.normal(mean, std, n)
        out = (v < a) | (v > b)
    else:  # [a, b] far out in a tail: fall back to uniform draws inside it
        v[out] = g.uniform(a, b, int(out.sum()))
    return _write(tensor, v)


def constant_(tensor: Any, val: float) -> Any:
    """Fill with ``val``.

    >>> import weifen as wf
    >>> wf.nn.init.constant_(wf.zeros(2), 0.5)
    tensor([0.5, 0.5])
    """
    return _write(tensor, val)


def ones_(tensor: Any) -> Any:
    """Fill with ones.

    >>> import weifen as wf
    >>> wf.nn.init.ones_(wf.zeros(2))
    tensor([1., 1.])
    """
    return _write(tensor, 1)


def zeros_(tensor: Any) -> Any:
    """Fill with zeros.

    >>> import weifen as wf
    >>> wf.nn.init.zeros_(wf.ones(2))
    tensor([0., 0.])
    """
    return _write(tensor, 0)


def eye_(tensor: Any) -> Any:
    """Fill a 2-D tensor with the identity.

    >>> import weifen as wf
    >>> wf.nn.init.eye_(wf.zeros(2, 3))
    tensor([[1., 0., 0.],
            [0., 1., 0.]])
    """
    if len(tensor.shape) != 2:
        raise WeifenValueError("Only tensors with 2 dimensions are supported")
    return _write(tensor, np.eye(*tensor.shape))


def orthogonal_(tensor: Any, gain: float = 1.0, generator: Any = None) -> Any:
    """Fill with a (semi-)orthogonal matrix, as torch: the Q of the QR decomposition of a
    normal matrix (signs fixed by R's diagonal), scaled by ``gain``; trailing axes are
    flattened.

    >>> import weifen as wf, numpy as np
    >>> q = wf.nn.init.orthogonal_(wf.zeros(3, 3)).numpy()
    >>> bool(np.allclose(q @ q.T, np.eye(3)))
    True
    """
    s = tuple(tensor.shape)
    if len(s) < 2:
        raise WeifenValueError("Only tensors with 2 or more dimensions are supported")
    rows = s[0]
    cols = int(np.prod(s[1:]))
    if rows * cols == 0:
        return tensor
    flat = np.asarray(_gen(generator).normal(0.0, 1.0, (rows, cols)))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _write(tensor, (gain * q).reshape(s))


def xavier_uniform_(tensor: Any, gain: float = 1.0, generator: Any = None) -> Any:
    """U(-a, a) with ``a = gain * sqrt(6 / (fan_in + fan_out))`` (Glorot).

    >>> import weifen as wf
    >>> wf.nn.init.xavier_uniform_(wf.zeros(3, 5)).shape
    (3, 5)
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor: Any, gain: float = 1.0, generator: Any = None) -> Any:
    """N(0, std**2) with ``std = gain * sqrt(2 / (fan_in + fan_out))`` (Glorot).

    >>> import weifen as wf
    >>> wf.nn.init.xavier_normal_(wf.zeros(3, 5)).shape
    (3, 5)
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(tensor: Any, a: float = 0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator: Any = None) -> Any:
    """U(-b, b) with ``b = gain * sqrt(3 / fan)`` (He), ``gain = calculate_gain(
    nonlinearity, a)`` and ``fan`` the fan_in or fan_out of ``mode``. ``a=sqrt(5)`` gives
    the default init of ``Linear`` and ``Conv2d`` weights, ``b = 1 / sqrt(fan_in)``.

    >>> import weifen as wf
    >>> w = wf.nn.init.kaiming_uniform_(wf.zeros(50, 100), nonlinearity="relu")
    >>> bool(abs(w).max() <= (6 / 100) ** 0.5)
    True
    """
    if 0 in tuple(tensor.shape):
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Any, a: float = 0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator: Any = None) -> Any:
    """N(0, std**2) with ``std = gain / sqrt(fan)`` (He).

    >>> import weifen as wf
    >>> wf.nn.init.kaiming_normal_(wf.zeros(4, 3), mode="fan_out").shape
    (4, 3)
    """
    if 0 in tuple(tensor.shape):
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return normal_(tensor, 0.0, std, generator)
