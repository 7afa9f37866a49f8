"""Graph nodes as text: the readable expression of a node (classic CSE599G1 style, ``(x1+x2)``)
and, where subexpressions are shared, a let form that names each once (as a jaxpr names its
values), linear in the graph's size. Both walk the graph with explicit stacks.
"""
from __future__ import annotations

from typing import Any


def expression(root: Any, names: dict | None = None, limit: int | None = None) -> str:
    """The readable expression of ``root``, written with an explicit stack (no recursion);
    nodes in ``names`` (by id) print as those names; with ``limit``, rendering stops once
    that many characters are out."""
    out: list[str] = []
    stack: list[Any] = [root]
    first = True
    size = 0
    while stack:
        if limit is not None and size >= limit:
            break
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            size += len(item)
            continue
        if names and not first and id(item) in names:
            out.append(names[id(item)])
            size += len(out[-1])
            continue
        first = False
        if item._name is not None or item.op is None:
            out.append(item._name if item._name is not None else "?")
            size += len(out[-1])
            continue
        stack.extend(reversed(item.op.pieces(item)))
    return "".join(out)


def let_expression(root: Any) -> str:
    """``root`` written with each shared subexpression named once, in the order it is
    computed (``let t1 = sin(x) ... in ...``), as a jaxpr names its values; a tree with no
    sharing is the plain expression. Linear in the size of the graph, with explicit stacks.

    >>> import weifen as wf
    >>> from weifen.graph import Variable
    >>> x = Variable("x")
    >>> s = wf.sin(x)
    >>> print(let_expression(s * s + s))
    let t1 = sin(x)
    in ((t1*t1)+t1)
    """
    uses: dict[int, int] = {}
    order: list = []
    seen: set[int] = set()
    stack: list = [(root, False)]
    while stack:
        n, done = stack.pop()
        if done:
            order.append(n)
            continue
        if id(n) in seen:
            continue
        seen.add(id(n))
        stack.append((n, True))
        if n._name is None and n.op is not None:
            for i in reversed(n.inputs):
                uses[id(i)] = uses.get(id(i), 0) + 1
                stack.append((i, False))
    shared = [n for n in order if n is not root and uses.get(id(n), 0) > 1
              and n._name is None and n.op is not None and n.inputs]
    if not shared:
        return expression(root)
    taken = {n._name for n in order if n._name is not None}
    names: dict[int, str] = {}
    k = 0
    for n in shared:
        k += 1
        while f"t{k}" in taken:
            k += 1
        names[id(n)] = f"t{k}"
    lines = [f"{'let' if i == 0 else '   '} {names[id(n)]} = {expression(n, names)}"
             for i, n in enumerate(shared)]
    return "\n".join(lines + [f"in {expression(root, names)}"])
