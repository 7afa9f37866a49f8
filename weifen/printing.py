"""PyTorch-like ``repr``: ``tensor([ 5., 18.])``, ``tensor(28., grad_fn=<MulBackward>)``."""
from __future__ import annotations

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
