"""``vmap``: vectorise a function over a batch axis, one pass through each batch rule."""
from __future__ import annotations

from typing import Any, Callable

from weifen.batching.batched import Batched, make_batched
from weifen.core.pytree import tree_flatten, tree_unflatten
from weifen.core.state import new_level
from weifen.errors import ShapeError, WeifenValueError
from weifen.prims.shape import shape_of, transpose_p
from weifen.transforms import _util as U


def _move(x: Any, src: int, dst: int) -> Any:
    nd = len(shape_of(x))
    src, dst = src % nd, dst % nd
    if src == dst:
        return x
    order = [i for i in range(nd) if i != src]
    order.insert(dst, src)
    return transpose_p(x, axes=tuple(order))


def _broadcast_axes(axes: Any, args: tuple, what: str) -> list:
    """Expand an in_axes spec (int/None, or a tuple per argument / pytree prefix) to leaves."""
    if axes is None or isinstance(axes, int):
        return [axes] * len(tree_flatten(args)[0])
    if isinstance(axes, (tuple, list)) and len(axes) == len(args):
        out = []
        for a, x in zip(axes, args):
            out.extend(_broadcast_axes(a, (x,), what) if not isinstance(a, (tuple, list, dict))
                       else _prefix(a, x, what))
        return out
    raise WeifenValueError(f"vmap: {what}={axes!r} must be an int, None, or a tuple with one "
                           f"entry per argument ({len(args)})")


def _prefix(spec: Any, x: Any, what: str) -> list:
    if isinstance(spec, dict):
        return [a for k in sorted(spec) for a in _prefix(spec[k], x[k], what)]
    if isinstance(spec, (tuple, list)):
        return [a for s, xi in zip(spec, x) for a in _prefix(s, xi, what)]
    return [spec] * len(tree_flatten(x)[0])


def vmap(f: Callable, in_axes: Any = 0, out_axes: Any = 0) -> Callable:
    """Map ``f`` over axis ``in_axes`` of its arguments, stacking results along ``out_axes``.

    ``in_axes`` is an int, ``None`` (not mapped) or a tuple with one entry per argument;
    per-example gradients are ``vmap(grad(loss), in_axes=(None, 0, 0))``.

    >>> import weifen as wf
    >>> wf.vmap(lambda row: wf.dot(row, row))(wf.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tensor([ 5., 25.])
    """

    @U.wraps(f, "vmap")
    def vf(*args: Any) -> Any:
        leaves, tree = tree_flatten(args)
        axes = _broadcast_axes(in_axes, args, "in_axes")
        for x, a in zip(leaves, axes):
            nd = len(shape_of(x))
            if a is not None and not -nd <= a < nd:
                raise WeifenValueError(
                    f"vmap: in_axes={a} is out of range for an argument of shape "
                    f"{shape_of(x)} (valid: {-nd}..{nd - 1}, or None)")
        sizes = {shape_of(x)[a] for x, a in zip(leaves, axes) if a is not None}
        if not sizes:
            raise WeifenValueError("vmap: no argument is mapped (every in_axes is None)")
        if len(sizes) > 1:
            raise ShapeError(f"vmap: mapped axes have different sizes {sorted(sizes)}")
        B = sizes.pop()
        live = [True]  # cleared on return: a batched value that escapes refuses to be used
        try:
            with new_level() as L:
                boxed = [x if a is None else make_batched(_move(U.as_value(x), a, 0), L, B,
                                                          live)
                         for x, a in zip(leaves, axes)]
                res = f(*tree_unflatten(tree, boxed))
        finally:
            live[0] = False
        outs, otree = tree_flatten(res)
        oaxes = _broadcast_axes(out_axes, (res,), "out_axes") if not isinstance(
            out_axes, (tuple, list)) else _prefix(out_axes, res, "out_axes")
        result = []
        for o, a in zip(outs, oaxes):
            if a is not None:
                nd = len(shape_of(o)) + 1
                if not -nd <= a < nd:
                    raise WeifenValueError(
                        f"vmap: out_axes={a} is out of range for an output of shape "
                        f"{shape_of(o)} with the batch axis added (valid: {-nd}..{nd - 1})")
            if isinstance(o, Batched) and o._level == L:
                if a is None:
                    raise WeifenValueError(
                        "vmap: out_axes=None for an output that varies across the batch; "
                        "give the axis to stack it along (e.g. out_axes=0)")
                v = o.val
                result.append(U.out(v if a == 0 else _move(v, 0, a)))
            elif a is None:
                result.append(U.out(o))
            else:  # not batched: every example has the same value
                from weifen.prims._batch import materialize

                result.append(U.out(_move(materialize(o, False, B), 0, a)))
        return tree_unflatten(otree, result)

    return vf
