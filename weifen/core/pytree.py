"""Pytrees: nested tuples, lists and dicts whose leaves are arrays, numbers or boxes.

Transforms flatten their arguments and results with these, so argument handling is
written once. ``None`` is an empty subtree (as in JAX); dict keys are kept in sorted order.

>>> leaves, tree = tree_flatten({"b": 1.0, "a": (2.0, [3.0])})
>>> leaves
[2.0, 3.0, 1.0]
>>> tree_unflatten(tree, [x * 10 for x in leaves])
{'a': (20.0, [30.0]), 'b': 10.0}
"""
from __future__ import annotations

from typing import Any, Callable

_LEAF = "*"


def tree_flatten(tree: Any) -> tuple[list, Any]:
    """Return ``(leaves, treedef)``; ``treedef`` rebuilds the structure in ``tree_unflatten``.

    >>> tree_flatten([1.0, (2.0, None)])[0]
    [1.0, 2.0]
    """
    leaves: list = []
    return leaves, _walk(tree, leaves)


def _walk(t: Any, leaves: list) -> Any:
    # module-level recursion (no closure), so flattening leaves no reference cycles behind
    tt = type(t)
    if tt is tuple or tt is list:
        return (tt, tuple(_walk(c, leaves) for c in t))
    if tt is dict:
        keys = sorted(t)
        return (dict, tuple(keys), tuple(_walk(t[k], leaves) for k in keys))
    if t is None:
        return None
    leaves.append(t)
    return _LEAF


def tree_unflatten(treedef: Any, leaves: list | tuple) -> Any:
    """Inverse of :func:`tree_flatten`.

    >>> leaves, tree = tree_flatten({"w": 1.0, "b": [2.0]})
    >>> tree_unflatten(tree, [10.0, 20.0])
    {'b': [10.0], 'w': 20.0}
    """
    return _build(treedef, iter(leaves))


def _build(d: Any, it: Any) -> Any:
    if d is _LEAF:
        return next(it)
    if d is None:
        return None
    if d[0] is dict:
        return {k: _build(c, it) for k, c in zip(d[1], d[2])}
    return d[0](_build(c, it) for c in d[1])


def tree_map(fn: Callable[..., Any], tree: Any, *rest: Any) -> Any:
    """Apply ``fn`` to every leaf (and the matching leaves of ``rest``), keeping the structure.

    >>> tree_map(lambda a, b: a + b, (1.0, [2.0]), (10.0, [20.0]))
    (11.0, [22.0])
    """
    leaves, treedef = tree_flatten(tree)
    others = [tree_flatten(r)[0] for r in rest]
    return tree_unflatten(treedef, [fn(*xs) for xs in zip(leaves, *others)])


def tree_leaves(tree: Any) -> list:
    """The leaves of ``tree`` in order."""
    return tree_flatten(tree)[0]
