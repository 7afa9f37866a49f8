"""Batch rules shared by families of primitives (the vmap column of the rule table).

Convention: a batched value carries its batch axis first. A rule receives the unboxed
arguments, a flag per argument saying whether it is batched, the batch size ``B`` and the
primitive's params, and returns the output batched along axis 0.
"""
from __future__ import annotations

from typing import Any, Callable

from weifen.prims.shape import broadcast_to_p, reshape_p, shape_of


def example_ndim(v: Any, batched: bool) -> int:
    return len(shape_of(v)) - (1 if batched else 0)


def lift_rank(v: Any, r: int) -> Any:
    """A batched ``v`` with ones inserted after the batch axis up to per-example rank ``r``."""
    s = shape_of(v)
    k = len(s) - 1
    if k >= r:
        return v
    return reshape_p(v, shape=(s[0],) + (1,) * (r - k) + s[1:])


def materialize(v: Any, batched: bool, B: int) -> Any:
    """``v`` with a real batch axis (an unbatched value is broadcast along a new one)."""
    if batched:
        return v
    s = shape_of(v)
    return broadcast_to_p(reshape_p(v, shape=(1,) + s), shape=(B,) + s)


def elementwise(prim: Any) -> Callable:
    """Batch rule of an elementwise (broadcasting) primitive: align ranks, then apply."""

    def rule(vals: list, bd: list, B: int, **params: Any) -> Any:
        r = max(example_ndim(v, b) for v, b in zip(vals, bd))
        return prim.bind(*[lift_rank(v, r) if b else v for v, b in zip(vals, bd)], **params)

    return rule


def shift_axis(axis: Any, nd: int) -> Any:
    """A per-example ``axis`` argument as an axis of the batched array."""
    if axis is None:
        return tuple(range(1, nd + 1))
    if isinstance(axis, int):
        return axis + 1 if axis >= 0 else axis
    return tuple(a + 1 if a >= 0 else a for a in axis)


def axis_param(prim: Any, name: str = "axis") -> Callable:
    """Batch rule of a one-input primitive whose only batch concern is an axis param."""

    def rule(vals: list, bd: list, B: int, **params: Any) -> Any:
        (v,) = vals
        params[name] = shift_axis(params.get(name), example_ndim(v, True))
        return prim.bind(v, **params)

    return rule
