"""Oracles for the spec-driven tests: NumPy-named namespaces over NumPy, JAX and torch, and a
tiny central-difference helper.

Every spec row writes its reference once, as ``ref(xp, *args, **kwargs)`` with NumPy names and
NumPy semantics. ``xp`` is one of the namespaces below: :data:`NP` (NumPy plus SciPy's
``erf``/``logsumexp``), :func:`jnp_ns` (``jax.numpy``, which already follows NumPy) and
:func:`tnp_ns` (torch behind NumPy's names and argument conventions: ``axis``/``keepdims``,
``np.split`` sections, ``np.pad`` widths, ``np.dot`` on N-D arrays, ...). So one reference
gives the value oracle and both autodiff oracles, and the torch name differences live here.

The finite differences are deliberately independent of ``weifen.numeric``.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np


class _Namespace:
    """A module with a few names added or replaced (attribute lookup falls back to it)."""

    def __init__(self, base: Any, **extra: Any) -> None:
        self._base = base
        self.__dict__.update(extra)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)


def _np_erf(x):
    try:
        from scipy.special import erf
    except ImportError:  # pragma: no cover - SciPy is in the test extra
        return np.vectorize(math.erf, otypes=[np.result_type(x, 1.0)])(x)
    return erf(x)


def _np_solve_triangular(a, b, lower=False):
    from scipy.linalg import solve_triangular

    return solve_triangular(a, b, lower=lower)


def _np_index_update(x, index, v):
    y = x.copy()
    y[index] = v
    return y


def _np_logsumexp(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    r = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return r if keepdims else np.squeeze(r, axis=axis) if axis is not None else r.reshape(())


NP = _Namespace(
    np,
    erf=_np_erf,
    logsumexp=_np_logsumexp,
    sigmoid=lambda x: 0.5 * np.tanh(0.5 * x) + 0.5,  # never overflows
    softplus=lambda x: np.logaddexp(0, x),
    relu=lambda x: np.maximum(x, 0),
    solve_triangular=_np_solve_triangular,
    index_update=_np_index_update,
)

_JNP = None


def jnp_ns() -> _Namespace:
    """``jax.numpy`` plus the few names NumPy lacks; call only after importorskip("jax")."""
    global _JNP
    if _JNP is None:
        import jax
        import jax.numpy as jnp
        import jax.scipy.special as jsp

        _JNP = _Namespace(jnp, erf=jsp.erf, logsumexp=jsp.logsumexp, sigmoid=jax.nn.sigmoid,
                          softplus=lambda x: jnp.logaddexp(0.0, x),
                          relu=lambda x: jnp.maximum(x, 0.0),
                          solve_triangular=lambda a, b, lower=False:
                          jax.scipy.linalg.solve_triangular(a, b, lower=lower),
                          index_update=lambda x, index, v: x.at[index].set(v))
    return _JNP


# ---------------------------------------------------------------------------- torch
_TORCH_RENAME = {
    "power": "pow", "mod": "remainder", "absolute": "abs", "equal": "eq", "not_equal": "ne",
    "less": "lt", "less_equal": "le", "greater": "gt", "greater_equal": "ge",
}


class _TorchNumPy:
    """torch with NumPy's names and conventions (only what the spec rows use)."""

    def __init__(self) -> None:
        import torch
        import torch.nn.functional as F

        self.torch = torch
        self.F = F
        self.linalg = _Namespace(
            torch.linalg,
            norm=self._norm,
            slogdet=lambda a: tuple(torch.linalg.slogdet(a)),
        )

    def t(self, v: Any) -> Any:
        """Python floats and NumPy arrays as torch tensors (ints, axes, shapes pass)."""
        torch = self.torch
        if isinstance(v, np.ndarray):
            return torch.from_numpy(v)
        if isinstance(v, float):
            return torch.tensor(v, dtype=torch.float64)
        return v

    def __getattr__(self, name: str) -> Callable:
        f = getattr(self.torch, _TORCH_RENAME.get(name, name))

        def g(*args: Any, **kw: Any) -> Any:
            return f(*[self.t(a) for a in args], **kw)

        return g

    # ---------------------------------------------------------------- elementwise extras
    def erf(self, x):
        return self.torch.erf(x)

    def sigmoid(self, x):
        return self.torch.sigmoid(x)

    def softplus(self, x):
        return self.F.softplus(x)

    def relu(self, x):
        return self.torch.relu(x)

    def clip(self, x, lo=None, hi=None):
        return self.torch.clip(x, lo, hi)

    def where(self, c, x, y):
        return self.torch.where(self.t(c), self.t(x), self.t(y))

    # ---------------------------------------------------------------- reductions
    def _reduce(self, f: Callable, x, axis, keepdims: bool):
        """Reduce ``axis`` (NumPy style, tuples allowed) with ``f(y)`` over y's last dim."""
        nd = x.ndim
        if axis is None:
            axes = tuple(range(nd))
        else:
            axes = (axis,) if isinstance(axis, int) else tuple(axis)
            axes = tuple(sorted(a % nd for a in axes))
        rest = [i for i in range(nd) if i not in axes]
        y = x.permute(rest + list(axes)).reshape([x.shape[i] for i in rest] + [-1])
        r = f(y)
        if keepdims:
            r = r.reshape([1 if i in axes else x.shape[i] for i in range(nd)])
        return r

    def sum(self, x, axis=None, keepdims=False):
        return self._reduce(lambda y: y.sum(-1), x, axis, keepdims)

    def mean(self, x, axis=None, keepdims=False):
        return self._reduce(lambda y: y.mean(-1), x, axis, keepdims)

    def prod(self, x, axis=None, keepdims=False):
        return self._reduce(lambda y: y.prod(-1), x, axis, keepdims)

    def max(self, x, axis=None, keepdims=False):
        return self._reduce(lambda y: y.amax(-1), x, axis, keepdims)

    def min(self, x, axis=None, keepdims=False):
        return self._reduce(lambda y: y.amin(-1), x, axis, keepdims)

    def var(self, x, axis=None, ddof=0, keepdims=False):
        return self._reduce(lambda y: y.var(-1, correction=ddof), x, axis, keepdims)

    def std(self, x, axis=None, ddof=0, keepdims=False):
        return self._reduce(lambda y: y.std(-1, correction=ddof), x, axis, keepdims)

    def logsumexp(self, x, axis=None, keepdims=False):
        return self._reduce(lambda y: y.logsumexp(-1), x, axis, keepdims)

    def _norm(self, x, ord=None, axis=None, keepdims=False):
        return self.torch.linalg.norm(x, ord=ord, dim=axis, keepdim=keepdims)

    def cumsum(self, x, axis=None):
        return x.reshape(-1).cumsum(0) if axis is None else x.cumsum(axis)

    def cumprod(self, x, axis=None):
        return x.reshape(-1).cumprod(0) if axis is None else x.cumprod(axis)

    # ---------------------------------------------------------------- shapes
    def copy(self, x):
        return x.clone()

    def take(self, x, indices, axis=None):
        idx = self.torch.as_tensor(np.asarray(indices))
        if axis is None:
            return x.reshape(-1)[idx]
        return x[(slice(None),) * (axis % x.ndim) + (idx,)]

    def index_update(self, x, index, v):
        y = x.clone()
        y[index] = v
        return y

    def array_split(self, x, ios, axis=0):
        return self.split(x, ios, axis)

    def transpose(self, x, axes=None):
        return x.permute(tuple(reversed(range(x.ndim))) if axes is None else tuple(axes))

    def expand_dims(self, x, axis):
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        nd = x.ndim + len(axes)
        for a in sorted(a % nd for a in axes):
            x = x.unsqueeze(a)
        return x

    def squeeze(self, x, axis=None):
        return self.torch.squeeze(x) if axis is None else self.torch.squeeze(x, dim=axis)

    def concatenate(self, xs, axis=0):
        if axis is None:
            return self.torch.cat([x.reshape(-1) for x in xs])
        return self.torch.cat(list(xs), dim=axis)

    def stack(self, xs, axis=0):
        return self.torch.stack(list(xs), dim=axis)

    def split(self, x, ios, axis=0):
        ios = ios if isinstance(ios, int) else [int(i) for i in ios]
        return self.torch.tensor_split(x, ios, dim=axis)

    def flip(self, x, axis=None):
        if axis is None:
            axis = tuple(range(x.ndim))
        return self.torch.flip(x, (axis,) if isinstance(axis, int) else tuple(axis))

    def pad(self, x, pad_width, mode="constant", constant_values=0):
        assert mode == "constant"
        pw = np.broadcast_to(np.asarray(pad_width), (x.ndim, 2))
        flat = [int(v) for pair in pw[::-1] for v in pair]
        return self.F.pad(x, flat, mode="constant", value=float(constant_values))

    def tile(self, x, reps):
        return self.torch.tile(x, (reps,) if isinstance(reps, int) else tuple(reps))

    def repeat(self, x, repeats, axis=None):
        r = repeats if isinstance(repeats, int) else self.torch.as_tensor(np.asarray(repeats))
        if axis is None:
            return x.reshape(-1).repeat_interleave(r)
        return x.repeat_interleave(r, dim=axis)

    # ---------------------------------------------------------------- linear algebra
    def dot(self, a, b):
        if a.ndim == 0 or b.ndim == 0:
            return a * b
        db = 0 if b.ndim == 1 else b.ndim - 2
        return self.torch.tensordot(a, b, dims=([a.ndim - 1], [db]))

    def vdot(self, a, b):
        return self.torch.dot(a.reshape(-1), b.reshape(-1))

    def outer(self, a, b):
        return self.torch.outer(a.reshape(-1), b.reshape(-1))

    def tensordot(self, a, b, axes=2):
        return self.torch.tensordot(a, b, dims=axes)

    def solve_triangular(self, a, b, lower=False):
        vec = b.ndim == 1
        x = self.torch.linalg.solve_triangular(a, b[:, None] if vec else b, upper=not lower)
        return x[:, 0] if vec else x

    def einsum(self, subscripts, *ops):
        return self.torch.einsum(subscripts, *ops)

    def diagonal(self, x, offset=0, axis1=0, axis2=1):
        return self.torch.diagonal(x, offset, axis1, axis2)

    def trace(self, x, offset=0, axis1=0, axis2=1):
        return self.torch.diagonal(x, offset, axis1, axis2).sum(-1)


_TNP = None


def tnp_ns() -> _TorchNumPy:
    """torch behind NumPy's names; call only after importorskip("torch")."""
    global _TNP
    if _TNP is None:
        _TNP = _TorchNumPy()
    return _TNP


# ---------------------------------------------------------------------------- differences
def _plus(xs: Sequence[np.ndarray], i: int, flat_j: int, h: float) -> list:
    ys = [np.array(x, dtype=np.float64, copy=True) for x in xs]
    ys[i].reshape(-1)[flat_j] += h
    return ys


def central_grad(phi: Callable[[list], float], xs: Sequence[np.ndarray],
                 eps: float = 1e-6) -> list[np.ndarray]:
    """The gradient of scalar ``phi(list of arrays)`` by central differences, entry by entry.

    The step is relative (``eps * max(1, |x_j|)``) so large inputs are not swamped by rounding.
    """
    grads = []
    for i, x in enumerate(xs):
        x = np.asarray(x, dtype=np.float64)
        g = np.zeros(x.shape)
        for j, xj in enumerate(x.reshape(-1)):
            h = eps * max(1.0, abs(float(xj)))
            g.reshape(-1)[j] = (phi(_plus(xs, i, j, h)) - phi(_plus(xs, i, j, -h))) / (2 * h)
        grads.append(g)
    return grads


def central_dir(fun: Callable[[list], list], xs: Sequence[np.ndarray],
                vs: Sequence[np.ndarray], eps: float = 1e-6) -> list[np.ndarray]:
    """The directional derivative of ``fun`` (list of arrays -> list of arrays) along ``vs``."""
    scale = max([1.0] + [float(np.max(np.abs(x))) for x in xs if np.size(x)])
    h = eps * scale
    up = fun([np.asarray(x, np.float64) + h * np.asarray(v) for x, v in zip(xs, vs)])
    dn = fun([np.asarray(x, np.float64) - h * np.asarray(v) for x, v in zip(xs, vs)])
    return [(np.asarray(a, np.float64) - np.asarray(b, np.float64)) / (2 * h)
            for a, b in zip(up, dn)]
