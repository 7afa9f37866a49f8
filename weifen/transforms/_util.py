"""Argument handling shared by every transform: argnums, pytrees, leaves, unboxing."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from weifen.core.primitive import Box
from weifen.core.pytree import tree_flatten, tree_unflatten
from weifen.errors import WeifenTypeError
from weifen.tape.node import LeafNode
from weifen.tape.tensor import Tensor, _wrap

_new = object.__new__


def as_value(x: Any) -> Any:
    """What a transform works on: boxes and arrays pass, lists/ints become float arrays."""
    if isinstance(x, Tensor) and x._level == 0 and x._node is None:
        return x._data  # a plain constant Tensor: skip the level-0 tape entirely
    if isinstance(x, Box):
        return x
    if isinstance(x, bool):
        raise WeifenTypeError("cannot differentiate with respect to a bool")
    if isinstance(x, int):
        return float(x)
    if isinstance(x, (list, tuple)):
        x = np.asarray(x, dtype=float)
    return x


def check_outputs(leaves: list, name: str) -> None:
    """Each output leaf of a differentiated function must be a number, an array or a weifen
    value: anything else (a str, None, an object) has no derivative to give."""
    for o in leaves:
        if isinstance(o, (Box, np.ndarray, np.generic, float, int, complex)) or (
                hasattr(o, "__array_function__") and hasattr(o, "dtype")):
            if isinstance(o, (bool, np.bool_)):
                raise WeifenTypeError(f"{name}: the function returned a bool, which has no "
                                      "derivative; return a float value")
            continue
        raise WeifenTypeError(
            f"{name}: the function returned a value of type {type(o).__name__} ({o!r:.40}), "
            "which has no derivative; return a float number, array or weifen Tensor "
            "(put other results in has_aux=True's aux)")


def check_float(x: Any, what: str) -> None:
    dt = getattr(x, "dtype", None)
    if dt is not None and not (np.issubdtype(dt, np.floating) or
                               np.issubdtype(dt, np.complexfloating)):
        raise WeifenTypeError(
            f"{what} requires floating-point inputs, got dtype {dt}; convert with "
            "x.astype(float) (integer inputs have no derivative)")


def leaf(x: Any, level: int) -> Tensor:
    """A Tensor at ``level`` that requires grad, wrapping ``x``."""
    t = _wrap(x, level)
    n = _new(LeafNode)
    n.ref = None  # a transform's leaf: its gradient is returned, never stored in .grad
    t._node = n
    return t


def unbox(x: Any, level: int) -> Any:
    """Strip one level: a Tensor at ``level`` gives what it wraps; anything else passes."""
    return x._data if isinstance(x, Tensor) and x._level == level else x


def out(x: Any) -> Any:
    """What a transform hands back: raw values become Tensors, boxes pass through."""
    return x if isinstance(x, Box) else _wrap(x)


def norm_argnums(argnums: int | tuple, nargs: int, name: str) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for a in nums:
        if not -nargs <= a < nargs:
            raise WeifenTypeError(
                f"{name}: argnums {argnums!r} out of range for a function called with "
                f"{nargs} positional argument(s)")
    return tuple(a % nargs for a in nums)


def split_args(args: tuple, nums: tuple[int, ...]) -> tuple[list, list]:
    """Flatten the differentiated arguments: (leaves, treedefs per argnum)."""
    flat: list = []
    defs = []
    for a in nums:
        leaves, tree = tree_flatten(args[a])
        flat.extend(leaves)
        defs.append((tree, len(leaves)))
    return flat, defs


def rebuild(args: tuple, nums: tuple[int, ...], defs: list, flat: list) -> list:
    new = list(args)
    i = 0
    for a, (tree, n) in zip(nums, defs):
        new[a] = tree_unflatten(tree, flat[i:i + n])
        i += n
    return new


def per_argnum(defs: list, flat: list) -> list:
    res = []
    i = 0
    for tree, n in defs:
        res.append(tree_unflatten(tree, flat[i:i + n]))
        i += n
    return res


def check_callable(fn: Any, name: str) -> None:
    if not callable(fn):
        raise WeifenTypeError(
            f"{name} expects a function to transform as its first argument, got "
            f"{type(fn).__name__} {fn!r:.40}; pass the function first (wf.grad(f)(x), "
            "wf.vjp(f, x), wf.jvp(f, (x,), (v,)))")


def wraps(fn: Callable, name: str) -> Callable[[Callable], Callable]:
    check_callable(fn, name)

    def deco(g: Callable) -> Callable:
        g.__name__ = f"{name}({getattr(fn, '__name__', 'f')})"
        g.__qualname__ = g.__name__
        g.__doc__ = f"The {name} of {getattr(fn, '__name__', 'f')}."
        g.__wrapped__ = fn
        return g

    return deco


def concrete(x: Any) -> Any:
    """The raw array underneath every level of boxes."""
    while isinstance(x, Box):
        x = x._primal_data()
    return x


def zeros_like_value(x: Any) -> Any:
    """Raw zeros with the shape, dtype and array type of ``x`` (a box, array or number)."""
    d = concrete(x)
    if isinstance(d, (float, int)):
        return 0.0
    s = getattr(x, "shape", None)
    return np.zeros_like(d, shape=s) if s is not None and s != d.shape else np.zeros_like(d)


def identity_like(x: Any) -> Any:
    """The rows of the identity over ``x``'s entries: shape ``(x.size,) + x.shape``."""
    d = concrete(x)
    s = tuple(getattr(x, "shape", ()))
    n = int(np.prod(s, dtype=np.int64))
    dt = getattr(d, "dtype", np.float64)
    if isinstance(d, np.ndarray) or not hasattr(d, "__array_function__"):
        e = np.eye(n, dtype=dt)
    else:  # another backend: build the identity with its own array type
        e = np.zeros_like(d, shape=(n, n))
        e[np.arange(n), np.arange(n)] = 1
    return e.reshape((n,) + s)
