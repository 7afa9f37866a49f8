"""A strict duck array for CI: NumPy underneath, but no implicit conversion to NumPy.

``StrictArray`` speaks NumPy's dispatch protocols (``__array_ufunc__``,
``__array_function__``) by unwrapping its arguments, calling NumPy and wrapping the results
again, so ``np.tanh(s)`` or ``np.sum(s, axis=0)`` return ``StrictArray``. What it refuses is
what a GPU array refuses: ``np.asarray(s)``, ``np.array(s)``, ``float(s)`` and mixing with
plain NumPy arrays (0-d NumPy values and Python scalars are allowed, as CuPy allows them).
Any hidden host round trip in weifen therefore fails a test. ``s.to_numpy()`` is the explicit
copy (what ``cupy.ndarray.get()`` is for CuPy).

>>> import numpy as np
>>> s = StrictArray(np.arange(3.0))
>>> type(np.exp(s)).__name__
'StrictArray'
>>> np.asarray(s)
Traceback (most recent call last):
    ...
strict_array.HostRoundTrip: StrictArray refuses implicit conversion to NumPy; call .to_numpy()
"""
from __future__ import annotations


import numpy as np

_MSG = "StrictArray refuses implicit conversion to NumPy; call .to_numpy()"


class HostRoundTrip(TypeError):
    """Raised where code converts a StrictArray to NumPy implicitly."""


def _unwrap(x, where: str):
    if type(x) is StrictArray:
        return x._a
    if isinstance(x, np.ndarray) and x.ndim > 0:
        raise TypeError(f"StrictArray: {where} mixes a StrictArray with a numpy.ndarray "
                        f"of shape {x.shape}")
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrap(v, where) for v in x)
    if isinstance(x, dict):
        return {k: _unwrap(v, where) for k, v in x.items()}
    return x


def _key(k):
    """An index: StrictArray unwrapped; NumPy index arrays allowed (CuPy accepts them)."""
    if type(k) is StrictArray:
        return k._a
    if isinstance(k, tuple):
        return tuple(_key(v) for v in k)
    return k


def _wrap(x):
    if isinstance(x, np.ndarray):
        return StrictArray(x)
    if isinstance(x, np.generic) and x.dtype.kind in "biufc":
        return StrictArray(np.asarray(x))
    if isinstance(x, tuple):
        return tuple(_wrap(v) for v in x)
    if isinstance(x, list):
        return [_wrap(v) for v in x]
    return x


class StrictArray(np.lib.mixins.NDArrayOperatorsMixin):
    """A NumPy array behind the dispatch protocols only (see the module docstring).

    >>> s = StrictArray(np.ones((2, 3)))
    >>> s.shape, s.dtype, (s + 1).sum(axis=0).to_numpy()
    ((2, 3), dtype('float64'), array([4., 4., 4.]))
    """

    __slots__ = ("_a",)
    __array_priority__ = 100

    def __init__(self, a):
        if type(a) is StrictArray:
            a = a._a
        self._a = np.asarray(a)

    # ---- refused conversions
    def __array__(self, dtype=None, copy=None):
        raise HostRoundTrip(_MSG)

    def __float__(self):
        raise HostRoundTrip(_MSG)

    def __int__(self):
        raise HostRoundTrip(_MSG)

    def __complex__(self):
        raise HostRoundTrip(_MSG)

    def __bool__(self):
        # a Python ``if`` on a 0-d value is an explicit sync, as CuPy and Dask allow it
        if self._a.ndim == 0:
            return bool(self._a)
        raise HostRoundTrip(_MSG)

    def __index__(self):
        raise HostRoundTrip(_MSG)

    def tolist(self):
        raise HostRoundTrip(_MSG)

    def item(self):
        raise HostRoundTrip(_MSG)

    def __iter__(self):
        return (StrictArray(v) for v in self._a)

    # ---- explicit copy
    def to_numpy(self) -> np.ndarray:
        """The data as a fresh NumPy array (the explicit host copy)."""
        return self._a.copy()

    # ---- dispatch
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        where = f"np.{ufunc.__name__}.{method}" if method != "__call__" else f"np.{ufunc.__name__}"
        out = kwargs.get("out")
        for a in inputs + (out or ()):
            t = type(a)
            if (t is not StrictArray and hasattr(t, "__array_ufunc__")
                    and not issubclass(t, (np.ndarray, np.generic))):
                return NotImplemented  # e.g. a weifen Tensor: let it handle the op
        args = _unwrap(inputs, where)
        if out is not None:
            kwargs["out"] = _unwrap(out, where)
        res = getattr(ufunc, method)(*args, **kwargs)
        if method == "at":
            return None
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _wrap(res)

    def __array_function__(self, func, types, args, kwargs):
        where = f"np.{func.__name__}"
        for t in types:
            if t is not StrictArray and not issubclass(t, np.ndarray):
                return NotImplemented
        if func in (np.asarray, np.array, np.asanyarray):
            # np.asarray(a, like=s): the explicit move onto this backend (cupy.asarray)
            return StrictArray(func(*(_key(a) for a in args), **kwargs))
        res = func(*_unwrap(args, where), **_unwrap(kwargs, where))
        return _wrap(res)

    # ---- the ndarray surface weifen uses
    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    T = property(lambda self: StrictArray(self._a.T))
    mT = property(lambda self: StrictArray(np.swapaxes(self._a, -1, -2)))
    real = property(lambda self: StrictArray(self._a.real))
    imag = property(lambda self: StrictArray(self._a.imag))
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    flags = property(lambda self: self._a.flags)

    def __len__(self):
        return len(self._a)

    def __getitem__(self, key):
        return _wrap(self._a[_key(key)])

    def __setitem__(self, key, value):
        self._a[_key(key)] = _unwrap(value, "indexing")

    def __repr__(self):
        return f"StrictArray({self._a!r})"

    def __copy__(self):
        return StrictArray(self._a.copy())

    def __deepcopy__(self, memo):
        return StrictArray(self._a.copy())

    def copy(self, order="C"):
        return StrictArray(self._a.copy(order))

    def astype(self, dtype, copy=True, **kw):
        return StrictArray(self._a.astype(dtype, copy=copy, **kw))

    def reshape(self, *shape, **kw):
        return StrictArray(self._a.reshape(*shape, **kw))

    def transpose(self, *axes):
        return StrictArray(self._a.transpose(*axes))

    def conj(self):
        return StrictArray(self._a.conj())

    conjugate = conj

    def ravel(self, order="C"):
        return StrictArray(self._a.ravel(order))

    def view(self, *a, **kw):
        return StrictArray(self._a.view(*a, **kw))

    def fill(self, v):
        self._a.fill(v)

    def swapaxes(self, a, b):
        return StrictArray(self._a.swapaxes(a, b))

    def squeeze(self, axis=None):
        return StrictArray(self._a.squeeze(axis))


def _reduction(name):
    def method(self, *args, **kwargs):
        return _wrap(getattr(self._a, name)(*_unwrap(args, name), **_unwrap(kwargs, name)))
    method.__name__ = name
    return method


for _n in ("sum", "mean", "prod", "max", "min", "std", "var", "any", "all", "argmax", "argmin",
           "cumsum", "cumprod", "dot", "nonzero", "round", "clip", "repeat", "take",
           "diagonal", "trace", "flatten", "sort", "argsort"):
    setattr(StrictArray, _n, _reduction(_n))



def strict(x):
    """Wrap NumPy float/complex arrays (recursively in tuples, lists and dicts) in StrictArray.

    >>> strict((np.ones(2), 3, np.arange(2)))[0].shape
    (2,)
    """
    if isinstance(x, np.ndarray):
        return StrictArray(x) if x.dtype.kind in "biufc" else x
    if isinstance(x, tuple):
        return tuple(strict(v) for v in x)
    if isinstance(x, list):
        return [strict(v) for v in x]
    if isinstance(x, dict):
        return {k: strict(v) for k, v in x.items()}
    return x


def to_numpy(x):
    """The NumPy array behind ``x`` (StrictArray, Tensor or nested), anything else as is."""
    if type(x) is StrictArray:
        return x.to_numpy()
    if isinstance(x, (tuple, list)):
        return type(x)(to_numpy(v) for v in x)
    return x
