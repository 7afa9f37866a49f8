"""``wf.save`` / ``wf.load``: tensors, arrays, numbers and strings in nested dicts, lists
and tuples (a ``state_dict``, a checkpoint), in a file that never runs code on load.

The file is a NumPy ``.npz`` archive: each array is one ``.npy`` member, and the nesting
is a JSON document in one more member. Loading uses ``allow_pickle=False`` and parses the
JSON, so nothing in the file is ever executed or unpickled.

>>> import weifen as wf, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "ckpt.npz")
>>> wf.save({"w": wf.tensor([1.0, 2.0]), "step": 3, "name": "mlp"}, path)
>>> wf.load(path)
{'w': tensor([1., 2.]), 'step': 3, 'name': 'mlp'}
"""
from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

from weifen.errors import WeifenTypeError, WeifenValueError
from weifen.tape.tensor import Tensor

_HEADER = "__weifen__"
_FORMAT = "weifen-save-1"


def save(obj: Any, path: str | os.PathLike) -> None:
    """Write ``obj`` to ``path`` (a module's ``state_dict()``, or any nesting of dicts with
    string keys, lists and tuples around tensors, arrays, numbers, strings and None)."""
    arrays: dict[str, np.ndarray] = {}

    def enc(x: Any) -> Any:
        if isinstance(x, Tensor):
            key = f"a{len(arrays)}"
            arrays[key] = x.numpy()
            return {"tensor": key}
        if isinstance(x, np.ndarray):
            if x.dtype.kind not in "biufc":
                raise WeifenTypeError(f"save: arrays of dtype {x.dtype} are not supported")
            key = f"a{len(arrays)}"
            arrays[key] = x
            return {"array": key}
        if isinstance(x, dict):
            for k in x:
                if not isinstance(k, str):
                    raise WeifenTypeError(f"save: dict keys must be strings, got {k!r}")
            return {"dict": [[k, enc(v)] for k, v in x.items()]}
        if isinstance(x, (list, tuple)):
            return {"tuple" if isinstance(x, tuple) else "list": [enc(v) for v in x]}
        if x is None or isinstance(x, (bool, int, float, str)):
            return {"value": x}
        if isinstance(x, np.generic):
            return {"value": x.item()}
        raise WeifenTypeError(f"save: cannot store a {type(x).__name__}; store tensors, arrays, "
                              "numbers, strings, and dicts/lists/tuples of them")

    doc = {"format": _FORMAT, "root": enc(obj)}
    header = np.frombuffer(json.dumps(doc).encode("utf-8"), dtype=np.uint8)
    with open(os.fspath(path), "wb") as f:  # an exact path: savez would append ".npz"
        np.savez(f, **{_HEADER: header}, **arrays)


def load(path: str | os.PathLike) -> Any:
    """Read what :func:`save` wrote; tensors come back as Tensors (not requiring grad)."""
    with np.load(os.fspath(path), allow_pickle=False) as z:
        if _HEADER not in z.files:
            raise WeifenValueError(f"load: {os.fspath(path)!r} is not a file written by wf.save")
        doc = json.loads(bytes(z[_HEADER]).decode("utf-8"))
        if doc.get("format") != _FORMAT:
            raise WeifenValueError(f"load: unknown format {doc.get('format')!r}")
        members = {k: z[k] for k in z.files if k != _HEADER}

    def dec(node: Any) -> Any:
        if not isinstance(node, dict) or len(node) != 1:
            raise WeifenValueError("load: the file's structure is damaged")
        (kind, v), = node.items()
        if kind == "tensor":
            return Tensor(members[v])
        if kind == "array":
            return members[v]
        if kind == "dict":
            return {k: dec(x) for k, x in v}
        if kind == "list":
            return [dec(x) for x in v]
        if kind == "tuple":
            return tuple(dec(x) for x in v)
        if kind == "value":
            return v
        raise WeifenValueError(f"load: unknown entry {kind!r} in the file")

    return dec(doc["root"])
