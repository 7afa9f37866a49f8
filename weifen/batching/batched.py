"""``Batched``: the box ``vmap`` hands to a function; every op applies to all examples at once.

The batch axis always comes first in ``val``; the function sees the per-example shape.
``_process`` calls the primitive's batch rule, or, where a primitive has none, loops over
the examples and stacks (correct, slower; tests list which primitives still do this).
"""
from __future__ import annotations

from typing import Any

from weifen.array import ArrayMethods
from weifen.core.primitive import Box
from weifen.errors import WeifenValueError

_new = object.__new__


def make_batched(val: Any, level: int, size: int, live: list | None = None) -> "Batched":
    """A batched value; ``live`` is its vmap call's flag (``[True]`` while the call runs)."""
    b = _new(Batched)
    b.val = val
    b._level = level
    b.size_ = size
    b.live = live
    return b


class Batched(ArrayMethods, Box):
    """A value with a leading batch axis of ``size_`` examples, at a vmap ``level``."""

    __slots__ = ("val", "_level", "size_", "live")

    def _primal_data(self) -> Any:
        return self.val

    @property
    def shape(self) -> tuple:
        return tuple(self.val.shape[1:]) if hasattr(self.val, "shape") else ()

    def _concrete(self) -> Any:
        raise TypeError(
            "a value inside vmap has no single concrete value (it is a batch of them): "
            "Python control flow and float()/bool() on it are not possible; use wf.where")

    def _process(self, prim, args, params):
        L = self._level
        B = self.size_
        live = self.live
        if live is not None and not live[0]:
            _escaped(prim)
        vals = []
        bd = []
        for a in args:
            if isinstance(a, Batched) and a._level == L:
                if a.live is not live and a.live is not None and live is not None:
                    _escaped(prim)  # the same level number, from a vmap that has returned
                vals.append(a.val)
                bd.append(True)
            else:
                vals.append(a)
                bd.append(False)
        rule = prim.batch
        if rule is None:
            if prim.impl_traceable:
                return prim.impl(*args, **params)
            out = _loop(prim, vals, bd, B, params)
        else:
            out = rule(vals, bd, B, **dict(params))
        return make_batched(out, L, B, live)

    def __repr__(self) -> str:
        return f"Batched(size={self.size_}, level={self._level}, {self.val!r})"


def _escaped(prim):
    # its vmap has returned (the value was kept in a closure or a global): the level number
    # may belong to another transform now, and the batch means nothing there
    raise WeifenValueError(
        f"{prim.name}: a value batched inside wf.vmap is used after that vmap returned; "
        "return it from the vmapped function instead of storing it")


def _loop(prim, vals, bd, B, params):
    """Fallback: apply ``prim`` example by example and stack the results."""
    from weifen.numpy.shape import getitem, stack

    from weifen.tape.tensor import Tensor

    outs = []
    for i in range(B):
        outs.append(prim.bind(*[getitem(v, i) if b else v for v, b in zip(vals, bd)], **params))
    out = stack(outs)
    if isinstance(out, Tensor) and out._level == 0 and out._node is None:
        out = out._data
    return out


def map_examples(fn: Any, *args: Any) -> Any:
    """``fn(*args)`` example by example, for arguments a batch rule cannot take as data.

    Indices are static parameters of the indexing primitives; when vmap batches an index
    (``take(x, i)`` with a batched ``i``), this loops over the examples of the highest vmap
    level present and stacks the results, recursing for nested vmaps.
    """
    from weifen.core.pytree import tree_flatten, tree_unflatten
    from weifen.numpy.shape import getitem, stack

    leaves, tree = tree_flatten(args)
    top = max((a for a in leaves if isinstance(a, Batched)), key=lambda a: a._level)
    L, B = top._level, top.size_
    from weifen.core.primitive import Box

    if any(isinstance(a, Box) and a._level > L for a in leaves):
        # the examples of level L sit inside a box of an inner transform (vmap(grad(f))
        # indexing with a per-example index): slicing them out is not possible from here
        raise NotImplementedError(
            "an index that varies across vmap examples, used under a transform opened "
            "inside the vmap (e.g. vmap(grad(f)) with f indexing by a mapped index), is not "
            "supported yet; move the transform outside (grad(vmap(f))) or index with a "
            "one-hot product (x * wf.where(...)) instead")
    outs = []
    for i in range(B):
        sl = [getitem(a.val, i) if isinstance(a, Batched) and a._level == L else a
              for a in leaves]
        outs.append(fn(*tree_unflatten(tree, sl)))
    out = stack(outs)
    from weifen.tape.tensor import Tensor

    if isinstance(out, Tensor) and out._level == 0 and out._node is None:
        out = out._data
    return make_batched(out, L, B, top.live)
