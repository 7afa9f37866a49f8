"""PyTorch-like ``repr``: ``tensor([ 5., 18.])``, ``tensor(28., grad_fn=<MulBackward>)``;
and the HTML Jupyter shows for Tensors (a table of the values under a one-line summary) and
Modules (their layers, parameter shapes and counts).
"""
from __future__ import annotations

import html

import numpy as np

from weifen.core.primitive import Box


def tensor_repr(t) -> str:
    d = t._data
    if isinstance(d, Box):
        return f"Tensor(level={t._level}, {d!r})"
    prefix = "tensor("
    extras = []
    if isinstance(d, np.ndarray) or np.isscalar(d):
        a = np.asarray(d)
        body = np.array2string(a, separator=", ", prefix=prefix)
        if a.dtype not in (np.float64, np.int64, np.bool_):
            extras.append(f"dtype={a.dtype}")
    else:  # another backend: name it, do not move data to print it
        body = f"<{type(d).__module__}.{type(d).__name__} shape={tuple(d.shape)}>"
        extras.append(f"dtype={d.dtype}")
    n = t._node
    if n is not None:
        if t.is_leaf:
            extras.append("requires_grad=True")
        else:
            extras.append(f"grad_fn=<{n.prim.backward_name}>")
    if t._level:
        extras.append(f"level={t._level}")
    return prefix + body + "".join(", " + e for e in extras) + ")"


_CELLS = 400  # tables up to this many values; bigger arrays show NumPy's abbreviated text


def _summary(t) -> str:
    d = t._data
    bits = [f"shape {tuple(d.shape)}", str(d.dtype)]
    if type(d).__module__.partition(".")[0] != "numpy":
        bits.append(f"on {type(d).__module__.partition('.')[0]}")
    n = t._node
    if n is not None:
        bits.append("requires_grad" if t.is_leaf else f"grad_fn={n.prim.backward_name}")
    return "Tensor: " + ", ".join(bits)


def tensor_html(t) -> str | None:
    """A Tensor as HTML: a summary line and its values as a table (1-d and 2-d, up to 400
    values), else NumPy's text. None inside a transform (no values to show).

    >>> import weifen as wf
    >>> print(tensor_html(wf.tensor([[1.0, 2.0]])))  # doctest: +ELLIPSIS
    <div><small>Tensor: shape (1, 2), float64</small><table>...<td>1.</td><td>2.</td>...
    """
    d = t._data
    if isinstance(d, Box) or not isinstance(d, np.ndarray):
        return None if isinstance(d, Box) else f"<pre>{html.escape(tensor_repr(t))}</pre>"
    head = f"<div><small>{html.escape(_summary(t))}</small>"
    if d.ndim in (1, 2) and 0 < d.size <= _CELLS:
        rows = d.reshape(1, -1) if d.ndim == 1 else d
        strs = np.array2string(rows, separator="\x00").replace("[", "").replace("]", "")
        cells = [[c.strip() for c in line.split("\x00")] for line in strs.splitlines()]
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r if c)
                       + "</tr>" for r in cells)
        return head + f"<table>{body}</table></div>"
    return head + f"<pre>{html.escape(np.array2string(d))}</pre></div>"


def module_html(m) -> str:
    """A Module as HTML: one row per submodule (name, class, its own parameters' shapes and
    count) and the total, as a summary table.

    >>> import weifen as wf
    >>> print(module_html(wf.nn.Linear(2, 3)))  # doctest: +ELLIPSIS
    <table><tr><th>module</th>...<td>Linear</td><td>weight (3, 2), bias (3,)</td><td>9</td>...
    """
    rows = ["<tr><th>module</th><th>type</th><th>parameters</th><th>count</th></tr>"]
    total = 0
    for name, sub in m.named_modules():
        own = list(sub.named_parameters(recurse=False))
        count = sum(int(np.prod(p.shape)) for _, p in own)
        total += count
        shapes = ", ".join(f"{k} {tuple(p.shape)}" for k, p in own)
        rows.append(f"<tr><td>{html.escape(name or '(top)')}</td>"
                    f"<td>{type(sub).__name__}</td><td>{html.escape(shapes)}</td>"
                    f"<td>{count}</td></tr>")
    rows.append(f"<tr><td colspan=3><b>total</b></td><td><b>{total}</b></td></tr>")
    return "<table>" + "".join(rows) + "</table>"
