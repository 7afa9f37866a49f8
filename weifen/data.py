"""``wf.data``: datasets and mini-batches, as ``torch.utils.data``.

``TensorDataset`` pairs arrays along their first axis; ``DataLoader`` cuts a dataset into
batches of Tensors, optionally shuffled each epoch. Shuffling draws from NumPy's global
generator (``wf.manual_seed`` seeds it) unless ``generator=`` is given, so runs repeat.

>>> import weifen as wf, numpy as np
>>> ds = wf.data.TensorDataset(np.arange(10.0).reshape(5, 2), np.arange(5))
>>> loader = wf.data.DataLoader(ds, batch_size=2)
>>> len(loader), [tuple(x.shape) for x, y in loader]
(3, [(2, 2), (2, 2), (1, 2)])
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from weifen.creation import asarray
from weifen.errors import ShapeError, WeifenTypeError, WeifenValueError
from weifen.tape.tensor import Tensor, _wrap

__all__ = ["Dataset", "TensorDataset", "Subset", "random_split", "DataLoader",
           "default_collate"]


class Dataset:
    """Base class of map-style datasets: define ``__getitem__(i)`` and ``__len__()``.

    >>> import weifen as wf
    >>> class Squares(wf.data.Dataset):
    ...     def __len__(self): return 4
    ...     def __getitem__(self, i): return float(i * i)
    >>> [b.tolist() for b in wf.data.DataLoader(Squares(), batch_size=2)]
    [[0.0, 1.0], [4.0, 9.0]]
    """

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define __getitem__")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} does not define __len__")


class TensorDataset(Dataset):
    """Arrays indexed together along their first axis: item ``i`` is
    ``(t[i] for t in tensors)``. The arrays are kept as they are (no copy).

    >>> import weifen as wf, numpy as np
    >>> ds = wf.data.TensorDataset(wf.ones(3, 2), np.array([0, 1, 0]))
    >>> len(ds), ds[1]
    (3, (tensor([1., 1.]), tensor(1)))
    """

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise WeifenValueError("TensorDataset needs at least one array")
        ts = tuple(asarray(t) for t in tensors)
        n = [t.shape[0] if t.ndim else None for t in ts]
        if None in n or len(set(n)) != 1:
            raise ShapeError("TensorDataset: every array needs the same first axis (one row "
                             f"per example), got shapes {[t.shape for t in ts]}")
        self.tensors = ts

    def __getitem__(self, index: Any) -> tuple:
        return tuple(_take(t, index) for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


def _take(t: Tensor, index: Any) -> Tensor:
    """``t[index]``: raw NumPy indexing for data that records nothing (the common case)."""
    if type(t) is Tensor and t._node is None and t._level == 0:
        return _wrap(t._data[index])
    return t[index]


class Subset(Dataset):
    """The examples of ``dataset`` at ``indices``, in that order.

    >>> import weifen as wf, numpy as np
    >>> s = wf.data.Subset(wf.data.TensorDataset(np.arange(5.0)), [4, 0])
    >>> len(s), s[0]
    (2, (tensor(4.),))
    """

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = [int(i) for i in indices]

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, (list, np.ndarray)):
            return self.dataset[[self.indices[i] for i in np.asarray(index).tolist()]]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


def _rng(generator: Any) -> Any:
    """The generator to shuffle with: NumPy's global one (``wf.manual_seed``) by default."""
    if generator is None:
        return np.random
    if isinstance(generator, (int, np.integer)) and not isinstance(generator, bool):
        return np.random.default_rng(int(generator))
    if hasattr(generator, "permutation"):
        return generator
    raise WeifenTypeError(
        f"generator must be a np.random.Generator, np.random.RandomState or an int seed, "
        f"got {type(generator).__name__}")


def random_split(dataset: Any, lengths: Sequence[float], generator: Any = None) -> list:
    """Split ``dataset`` at random into ``Subset``s of the given lengths (or fractions that
    sum to 1, with the remainder dealt out one by one from the first), as torch.

    >>> import weifen as wf, numpy as np
    >>> wf.manual_seed(0)
    >>> a, b = wf.data.random_split(wf.data.TensorDataset(np.arange(10.0)), [0.8, 0.2])
    >>> len(a), len(b), sorted(a.indices + b.indices) == list(range(10))
    (8, 2, True)
    """
    n = len(dataset)
    lengths = list(lengths)
    if lengths and all(0 <= f <= 1 for f in lengths) and math.isclose(sum(lengths), 1) \
            and sum(lengths) <= 1 + 1e-12 and n != 1 and not all(
                isinstance(f, numbers.Integral) for f in lengths):
        sizes = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        lengths = sizes
    if any(int(k) != k or k < 0 for k in lengths) or sum(lengths) != n:
        raise WeifenValueError(f"random_split: lengths {lengths} must be non-negative ints "
                               f"summing to the dataset's length {n}, or fractions summing "
                               "to 1")
    perm = np.asarray(_rng(generator).permutation(n)).tolist()
    out, start = [], 0
    for k in lengths:
        out.append(Subset(dataset, perm[start:start + int(k)]))
        start += int(k)
    return out


def default_collate(batch: list) -> Any:
    """Stack a list of examples into a batch, as torch's ``default_collate``: Tensors and
    arrays are stacked along a new first axis, numbers become a 1-D Tensor (ints int64,
    floats float64), and tuples, lists and dicts (nested) are collated field by field.

    >>> import weifen as wf
    >>> wf.data.default_collate([(wf.ones(2), 1), (wf.zeros(2), 0)])
    (tensor([[1., 1.],
            [0., 0.]]), tensor([1, 0]))
    """
    leaves = [_leaves(b) for b in batch]
    paths = [p for p, _ in leaves[0]]
    for lv in leaves[1:]:
        if [p for p, _ in lv] != paths:
            raise WeifenValueError("default_collate: the examples have different structures")
    stacked = {p: _stack([lv[i][1] for lv in leaves]) for i, p in enumerate(paths)}
    return _rebuild(batch[0], stacked)


def _leaves(x: Any) -> list:
    """``(path, leaf)`` pairs of nested dicts, tuples and lists, in order, without recursion."""
    out, stack = [], [((), x)]
    while stack:
        p, v = stack.pop()
        if isinstance(v, dict):
            stack.extend((p + (k,), v[k]) for k in reversed(list(v)))
        elif isinstance(v, (tuple, list)):
            stack.extend((p + (i,), e) for i, e in reversed(list(enumerate(v))))
        else:
            out.append((p, v))
    return out


def _rebuild(skeleton: Any, values: dict) -> Any:
    """``skeleton``'s nesting with the leaf at each path replaced by ``values[path]``."""
    if not isinstance(skeleton, (dict, tuple, list)):
        return values[()]
    built: dict = {}
    stack = [((), skeleton, False)]
    while stack:  # post-order: a container after its children
        p, v, ready = stack.pop()
        if not isinstance(v, (dict, tuple, list)):
            built[p] = values[p]
        elif not ready:
            stack.append((p, v, True))
            keys = list(v) if isinstance(v, dict) else range(len(v))
            stack.extend((p + (k,), v[k], False) for k in keys)
        elif isinstance(v, dict):
            built[p] = {k: built[p + (k,)] for k in v}
        else:
            items = [built[p + (i,)] for i in range(len(v))]
            built[p] = tuple(items) if isinstance(v, tuple) else items
    return built[()]


def _stack(items: list) -> Any:
    from weifen.numpy import stack

    x = items[0]
    if isinstance(x, Tensor):
        if all(type(t) is Tensor and t._node is None and t._level == 0 for t in items):
            return _wrap(np.stack([t._data for t in items]))
        return stack(items)
    if isinstance(x, (np.ndarray, np.generic)):
        return _wrap(np.stack(items))
    if isinstance(x, bool):
        return _wrap(np.array(items, dtype=bool))
    if isinstance(x, numbers.Integral):
        return _wrap(np.array(items, dtype=np.int64))
    if isinstance(x, numbers.Real):
        return _wrap(np.array(items, dtype=np.float64))
    if isinstance(x, str):
        return list(items)
    raise WeifenTypeError(f"default_collate: cannot batch examples of type "
                          f"{type(x).__name__}; pass collate_fn=")


class DataLoader:
    """Batches of a dataset, as ``torch.utils.data.DataLoader``.

    Each epoch (each ``iter``) visits every example once, in order or, with
    ``shuffle=True``, in a fresh random order drawn from ``generator`` (by default NumPy's
    global generator, which ``wf.manual_seed`` seeds). A ``TensorDataset`` yields tuples of
    Tensors, cut with one NumPy index per array; other datasets go through ``collate_fn``
    (``default_collate``). ``drop_last`` drops a short final batch. Batches are loaded in
    this process (``num_workers`` is accepted and ignored).

    >>> import weifen as wf, numpy as np
    >>> wf.manual_seed(0)
    >>> loader = wf.data.DataLoader(wf.data.TensorDataset(np.arange(5.0)), batch_size=2,
    ...                             shuffle=True, drop_last=True)
    >>> [x.shape for (x,) in loader], len(loader)
    ([(2,), (2,)], 2)
    """

    def __init__(self, dataset: Any, batch_size: int | None = 1, shuffle: bool = False,
                 drop_last: bool = False, generator: Any = None,
                 collate_fn: Callable | None = None, num_workers: int = 0,
                 **ignored: Any) -> None:
        if batch_size is not None and (isinstance(batch_size, bool) or
                                       not isinstance(batch_size, (int, np.integer)) or
                                       batch_size < 1):
            raise WeifenValueError(f"DataLoader: batch_size must be a positive int or None, "
                                   f"got {batch_size!r}")
        unknown = set(ignored) - {"pin_memory", "timeout", "worker_init_fn",
                                  "persistent_workers", "prefetch_factor"}
        if unknown:
            raise WeifenTypeError(f"DataLoader: unexpected keyword arguments {sorted(unknown)}")
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.generator = _rng(generator) if generator is not None else None
        self.collate_fn = collate_fn
        self.num_workers = num_workers

    def __len__(self) -> int:
        n = len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        if self.shuffle:
            order = np.asarray(_rng(self.generator).permutation(n))
        else:
            order = np.arange(n)
        bs = self.batch_size
        ds = self.dataset
        if bs is None:  # no batching: the examples one by one
            for i in order.tolist():
                yield ds[i]
            return
        stop = n - n % bs if self.drop_last else n
        fast = isinstance(ds, TensorDataset) and self.collate_fn is None
        collate = self.collate_fn or default_collate
        for s in range(0, stop, bs):
            idx = order[s:s + bs]
            if fast:
                yield tuple(_take(t, idx) for t in ds.tensors)
            else:
                yield collate([ds[i] for i in idx.tolist()])
