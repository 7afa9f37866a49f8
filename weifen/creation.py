"""Making tensors: ``tensor`` and the NumPy/PyTorch-style factories.

``wf.tensor`` copies what it is given (nothing the user holds is later mutated through
it); arrays of other NumPy-protocol backends (CuPy, Dask) keep their type.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from weifen.core.primitive import Box
from weifen.errors import WeifenTypeError, WeifenValueError

if TYPE_CHECKING:
    from weifen.tape.tensor import Tensor

float32 = np.float32
float64 = np.float64
float16 = np.float16
int32 = np.int32
int64 = np.int64
bool_ = np.bool_
complex64 = np.complex64
complex128 = np.complex128


def _foreign(x: Any) -> bool:
    """A NumPy-protocol array of another library (CuPy, Dask, ...)."""
    return (not isinstance(x, (np.ndarray, np.generic)) and hasattr(x, "__array_function__")
            and hasattr(x, "shape") and hasattr(x, "dtype"))


def as_array(data: Any, dtype: Any = None, copy: bool = True) -> Any:
    """Convert user data to a raw array, with a clear error for ragged or non-numeric data."""
    from weifen.tape.tensor import Tensor

    if isinstance(data, Tensor):
        data = data._data
        if isinstance(data, Box):
            return data
    if _foreign(data):
        if dtype is not None:
            data = data.astype(dtype)
        return data.copy() if copy and hasattr(data, "copy") else data
    try:
        arr = np.array(data, dtype=dtype, copy=copy) if copy else np.asarray(data, dtype=dtype)
    except ValueError as e:
        raise WeifenValueError(
            f"tensor: could not make an array from the data ({e}); nested lists must be "
            "rectangular (every row the same length)") from None
    except TypeError as e:
        raise WeifenTypeError(f"tensor: data of type {type(data).__name__} is not numeric "
                              f"({e})") from None
    if arr.dtype.kind not in "biufc":
        raise WeifenTypeError(
            f"tensor: data must be numeric, got dtype {arr.dtype} from "
            f"{type(data).__name__}; pass numbers, lists of numbers or arrays")
    return arr


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False) -> "Tensor":
    """A new Tensor holding a copy of ``data`` (numbers, nested lists, arrays).

    >>> import weifen as wf
    >>> wf.tensor([1.0, 2.0])
    tensor([1., 2.])
    >>> wf.tensor([1, 2], dtype=wf.float32, requires_grad=True)
    tensor([1., 2.], dtype=float32, requires_grad=True)
    """
    from weifen.tape.tensor import _wrap

    t = _wrap(as_array(data, dtype))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _shape_args(shape: tuple) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(int(s) for s in shape)


def _make(arr: Any, requires_grad: bool) -> "Tensor":
    from weifen.tape.tensor import _wrap

    t = _wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def zeros(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> "Tensor":
    """Zeros of ``shape`` (``zeros(2, 3)`` or ``zeros((2, 3))``); float64 by default.

    >>> import weifen as wf
    >>> wf.zeros(2, 3).shape
    (2, 3)
    """
    return _make(np.zeros(_shape_args(shape), dtype=dtype or np.float64), requires_grad)


def ones(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> "Tensor":
    """Ones of ``shape``.

    >>> import weifen as wf
    >>> wf.ones(2)
    tensor([1., 1.])
    """
    return _make(np.ones(_shape_args(shape), dtype=dtype or np.float64), requires_grad)


def full(shape: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False):
    """An array of ``shape`` filled with ``fill_value``.

    >>> import weifen as wf
    >>> wf.full((2,), 7.0)
    tensor([7., 7.])
    """
    if isinstance(shape, int):
        shape = (shape,)
    return _make(np.full(tuple(shape), fill_value, dtype=dtype), requires_grad)


def eye(n: int, m: int | None = None, k: int = 0, dtype: Any = None,
        requires_grad: bool = False) -> "Tensor":
    """The identity matrix (NumPy's ``eye``).

    >>> import weifen as wf
    >>> wf.eye(2)
    tensor([[1., 0.],
            [0., 1.]])
    """
    return _make(np.eye(n, m, k, dtype=dtype or np.float64), requires_grad)


def arange(*args: Any, dtype: Any = None, requires_grad: bool = False) -> "Tensor":
    """Evenly spaced values, as ``np.arange`` (``arange(4.0)`` is float64).

    >>> import weifen as wf
    >>> wf.arange(4.0, requires_grad=True)
    tensor([0., 1., 2., 3.], requires_grad=True)
    """
    return _make(np.arange(*args, dtype=dtype), requires_grad)


def linspace(start: float, stop: float, num: int = 50, endpoint: bool = True,
             dtype: Any = None, requires_grad: bool = False) -> "Tensor":
    """``num`` evenly spaced values from ``start`` to ``stop``.

    >>> import weifen as wf
    >>> wf.linspace(0, 1, 3)
    tensor([0. , 0.5, 1. ])
    """
    return _make(np.linspace(start, stop, num, endpoint=endpoint, dtype=dtype), requires_grad)


def _like(x: Any) -> tuple[Any, dict]:
    """The raw array under ``x`` and the ``shape=`` to ask of a ``*_like`` function.

    Inside vmap a value's shape is one example's; the raw array underneath holds the batch.
    """
    d = x
    while isinstance(d, Box):
        d = d._primal_data()
    if isinstance(x, Box) and tuple(x.shape) != tuple(getattr(d, "shape", ())):
        return d, {"shape": tuple(x.shape)}
    return d, {}


def zeros_like(x: Any, dtype: Any = None, requires_grad: bool = False) -> "Tensor":
    """Zeros with the shape, dtype and array type of ``x``.

    >>> import weifen as wf
    >>> wf.zeros_like(wf.ones(2))
    tensor([0., 0.])
    """
    d, kw = _like(x)
    return _make(np.zeros_like(d, dtype=dtype, **kw), requires_grad)


def ones_like(x: Any, dtype: Any = None, requires_grad: bool = False) -> "Tensor":
    """Ones with the shape, dtype and array type of ``x``.

    >>> import weifen as wf
    >>> wf.ones_like(wf.zeros(2))
    tensor([1., 1.])
    """
    d, kw = _like(x)
    return _make(np.ones_like(d, dtype=dtype, **kw), requires_grad)


def full_like(x: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False):
    """An array like ``x`` filled with ``fill_value``.

    >>> import weifen as wf
    >>> wf.full_like(wf.zeros(2), 3.0)
    tensor([3., 3.])
    """
    d, kw = _like(x)
    return _make(np.full_like(d, fill_value, dtype=dtype, **kw), requires_grad)


def rand(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> "Tensor":
    """Uniform samples in [0, 1) from NumPy's global generator (seed it with ``np.random.seed``).

    >>> import weifen as wf
    >>> wf.rand(2, 3).shape
    (2, 3)
    """
    a = np.random.random_sample(_shape_args(shape))
    return _make(a.astype(dtype) if dtype else a, requires_grad)


def randn(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> "Tensor":
    """Standard normal samples from NumPy's global generator.

    >>> import weifen as wf
    >>> wf.randn(3).shape
    (3,)
    """
    a = np.random.standard_normal(_shape_args(shape))
    return _make(a.astype(dtype) if dtype else a, requires_grad)
