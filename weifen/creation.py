"""Making tensors: ``tensor`` and the NumPy/PyTorch-style factories.

``wf.tensor`` copies what it is given (nothing the user holds is later mutated through
it); arrays of other NumPy-protocol backends (CuPy, Dask) keep their type.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from weifen.core.lift import holds_boxes, lift, traced
from weifen.core.primitive import Box
from weifen.core.state import get_default_dtype, set_default_dtype  # noqa: F401 - re-exported
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


def _traced_copy(data: Any, dtype: Any, name: str, requires_grad: bool = False) -> Any:
    """A differentiable copy of traced ``data`` (a box, or a list holding boxes), else None.

    Inside a transform, ``wf.tensor(x)`` and ``wf.tensor([x, 2 * x])`` are ops like any
    other (as ``jnp.array`` is): the result depends on ``x`` differentiably.
    """
    from weifen.tape.tensor import Tensor, _wrap

    if isinstance(data, (list, tuple)):
        if not holds_boxes(data):
            return None
        data = lift(data)
    elif not isinstance(data, Box):
        return None
    if isinstance(data, Tensor) and data._level == 0:
        if requires_grad or not traced(data):
            return None  # a new leaf (torch's torch.tensor(t)), or a constant: plain copy
    elif requires_grad:
        raise WeifenTypeError(
            f"{name}: requires_grad=True would make a new leaf of a value a transform is "
            "tracing, cutting its derivative; drop requires_grad (the result is already "
            "differentiated) or pass wf.stop_gradient(x) if a constant is meant")
    from weifen.prims.elementwise import astype_p
    from weifen.prims.shape import copy_p

    out = copy_p.bind(data)
    if dtype is not None and np.dtype(dtype) != getattr(out, "dtype", None):
        out = astype_p.bind(out, dtype=np.dtype(dtype))
    return out if isinstance(out, Box) else _wrap(out)


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False) -> "Tensor":
    """A new Tensor holding a copy of ``data`` (numbers, nested lists, arrays).

    Lists holding traced values are stacked differentiably, and a traced value is copied
    differentiably (as ``jnp.array``), so ``wf.tensor([x, 2 * x])`` inside ``wf.grad``
    has the derivative it should. A Tensor of the eager tape gives a new leaf (as
    ``torch.tensor(t)`` does).

    >>> import weifen as wf
    >>> wf.tensor([1.0, 2.0])
    tensor([1., 2.])
    >>> wf.tensor([1, 2], dtype=wf.float32, requires_grad=True)
    tensor([1., 2.], dtype=float32, requires_grad=True)
    >>> wf.grad(lambda x: wf.sum(wf.tensor([x, 2 * x])))(3.0)
    tensor(3.)
    """
    from weifen.tape.tensor import _wrap

    t = _traced_copy(data, dtype, "tensor", requires_grad)
    if t is not None:
        return t
    a = as_array(data, dtype)
    if dtype is None and a.dtype.kind in "fc" and _python_data(data):
        a = _to_default(a)  # Python floats take the default dtype, as torch.tensor
    t = _wrap(a)
    if requires_grad:
        t.requires_grad_(True)
    return t


def array(obj: Any, dtype: Any = None, copy: bool = True) -> "Tensor":
    """An array from ``obj`` (NumPy's ``np.array``): a copy unless ``copy=False`` allows
    sharing. Lists of traced values stack differentiably; Tensors keep their history.

    >>> import weifen as wf
    >>> wf.array([[1, 2], [3, 4]], dtype=wf.float64)
    tensor([[1., 2.],
            [3., 4.]])
    >>> wf.grad(lambda x: wf.array([x, x * x]).sum())(3.0)   # 1 + 2x
    tensor(7.)
    """
    from weifen.tape.tensor import Tensor, _wrap

    if isinstance(obj, Tensor) and obj._level == 0 and not traced(obj):
        return _wrap(as_array(obj, dtype, copy=copy is not False))
    t = _traced_copy(obj, dtype, "array")
    if t is not None:
        return t
    return _wrap(as_array(obj, dtype, copy=copy is not False))


def asarray(a: Any, dtype: Any = None) -> "Tensor":
    """``a`` as a Tensor without copying where it can (NumPy's ``np.asarray``): a Tensor of
    the right dtype is returned as it is, an array is wrapped sharing its memory.

    >>> import weifen as wf, numpy as np
    >>> x = wf.tensor([1.0, 2.0]); wf.asarray(x) is x
    True
    >>> wf.asarray([1, 2], dtype=wf.float32)
    tensor([1., 2.], dtype=float32)
    """
    from weifen.prims.elementwise import astype_p
    from weifen.tape.tensor import _wrap

    if isinstance(a, Box):
        if dtype is None or np.dtype(dtype) == a.dtype:
            return a
        return astype_p.bind(a, dtype=np.dtype(dtype))
    t = _traced_copy(a, dtype, "asarray")
    if t is not None:
        return t
    return _wrap(as_array(a, dtype, copy=False))


def from_numpy(a: np.ndarray) -> "Tensor":
    """A Tensor sharing ``a``'s memory, as ``torch.from_numpy``: writes to ``a`` show in it.

    >>> import weifen as wf, numpy as np
    >>> a = np.zeros(2); t = wf.from_numpy(a); t.shape
    (2,)
    """
    from weifen.tape.tensor import _wrap

    if not isinstance(a, np.ndarray):
        raise WeifenTypeError(f"from_numpy expects a numpy.ndarray, got {type(a).__name__}; "
                              "use wf.tensor(data) for other data")
    if a.dtype.kind not in "biufc":
        raise WeifenTypeError(f"from_numpy: dtype {a.dtype} is not numeric")
    return _wrap(a)


def _result(out: Any, dtype: Any, name: str) -> Any:
    """A traced creation's result in ``dtype`` (a box stays a box, raw values wrap)."""
    from weifen.prims.elementwise import astype_p
    from weifen.tape.tensor import _wrap

    if dtype is not None and np.dtype(dtype) != out.dtype:
        out = astype_p.bind(out, dtype=np.dtype(dtype))
    return out if isinstance(out, Box) else _wrap(out)


def _concrete_int(v: Any, name: str, what: str) -> Any:
    """``v`` unless it is traced: sizes, counts and offsets have no derivative."""
    if traced(v) or (isinstance(v, (list, tuple)) and holds_boxes(v)):
        raise WeifenTypeError(
            f"{name}: {what} must be a concrete number, not a traced value (it sets a size "
            "or an offset, which has no derivative); pass a plain int")
    return v


def _shape_args(shape: tuple, name: str = "zeros") -> tuple:
    _concrete_int(shape, name, "the shape")
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(int(s) for s in shape[0])
    return tuple(int(s) for s in shape)


def _python_data(data: Any) -> bool:
    """Data with no dtype of its own: Python numbers, or lists and tuples of them."""
    return isinstance(data, (float, complex, list, tuple))


def _to_default(a: Any) -> Any:
    """A float64 (complex128) array made by a factory, in the default dtype."""
    d = get_default_dtype()
    if d == np.float64:
        return a
    if a.dtype == np.float64:
        return a.astype(d)
    if a.dtype == np.complex128:
        return a.astype(np.complex64)
    return a


def _fdt(dtype: Any) -> Any:
    """A factory's dtype: the one given, else the default float dtype."""
    return get_default_dtype() if dtype is None else dtype


def manual_seed(seed: int) -> None:
    """Seed every random draw weifen makes, as ``torch.manual_seed``: ``rand``, ``randn``,
    parameter initialisation (``wf.nn`` layers, ``wf.nn.init``), dropout masks and
    ``DataLoader`` shuffling.

    weifen keeps no generator of its own: every draw uses NumPy's global generator (the
    ``np.random`` functions), so this is ``np.random.seed(seed)``, and ``np.random.seed``
    works as well. Pass ``generator=`` (a ``np.random.Generator``) to the init functions
    and ``DataLoader`` for a stream of their own.

    >>> import weifen as wf
    >>> wf.manual_seed(0); a = wf.randn(3)
    >>> wf.manual_seed(0); b = wf.randn(3)
    >>> bool(wf.all(a == b))
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise WeifenTypeError(f"manual_seed expects an int, got {type(seed).__name__}")
    np.random.seed(int(seed) % 2**32)


def _make(arr: Any, requires_grad: bool) -> "Tensor":
    from weifen.tape.tensor import _wrap

    t = _wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def zeros(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> "Tensor":
    """Zeros of ``shape`` (``zeros(2, 3)`` or ``zeros((2, 3))``); the default float dtype
    (float64 unless ``wf.set_default_dtype``) unless ``dtype`` is given.

    >>> import weifen as wf
    >>> wf.zeros(2, 3).shape
    (2, 3)
    """
    return _make(np.zeros(_shape_args(shape, "zeros"), dtype=_fdt(dtype)), requires_grad)


def ones(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> "Tensor":
    """Ones of ``shape``.

    >>> import weifen as wf
    >>> wf.ones(2)
    tensor([1., 1.])
    """
    return _make(np.ones(_shape_args(shape, "ones"), dtype=_fdt(dtype)), requires_grad)


def _plain(x: Any) -> Any:
    """The raw array under an untraced weifen value (a Tensor recording nothing), so that
    NumPy's own function sees data and does not dispatch back to weifen."""
    while isinstance(x, Box) and not traced(x):
        x = x._data
    return x


def full(shape: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False):
    """An array of ``shape`` filled with ``fill_value``.

    >>> import weifen as wf
    >>> wf.full((2,), 7.0)
    tensor([7., 7.])
    """
    if isinstance(shape, int):
        shape = (shape,)
    shape = _shape_args((shape,), "full")
    if traced(fill_value) or (isinstance(fill_value, (list, tuple)) and
                              holds_boxes(fill_value)):
        return _fill(fill_value, shape, dtype, "full", requires_grad)
    a = np.full(shape, _plain(fill_value), dtype=dtype)
    return _make(_to_default(a) if dtype is None else a, requires_grad)


def _fill(value: Any, shape: tuple, dtype: Any, name: str, requires_grad: bool) -> Any:
    """``value`` broadcast to ``shape``, differentiably (a traced fill value)."""
    from weifen.prims.shape import broadcast_to_p

    if requires_grad:
        raise WeifenTypeError(f"{name}: requires_grad=True with a traced fill value would "
                              "cut its derivative; drop requires_grad")
    return _traced_copy(broadcast_to_p.bind(as_value(value), shape=shape), dtype, name)


def as_value(x: Any) -> Any:
    from weifen.core.lift import as_data

    return as_data(x)


def eye(n: int, m: int | None = None, k: int = 0, dtype: Any = None,
        requires_grad: bool = False) -> "Tensor":
    """The identity matrix (NumPy's ``eye``).

    >>> import weifen as wf
    >>> wf.eye(2)
    tensor([[1., 0.],
            [0., 1.]])
    """
    for v, what in ((n, "N"), (m, "M"), (k, "k")):
        _concrete_int(v, "eye", what)
    return _make(np.eye(n, m, k, dtype=_fdt(dtype)), requires_grad)


def arange(*args: Any, dtype: Any = None, requires_grad: bool = False) -> "Tensor":
    """Evenly spaced values, as ``np.arange`` (``arange(4.0)`` is float64).

    >>> import weifen as wf
    >>> wf.arange(4.0, requires_grad=True)
    tensor([0., 1., 2., 3.], requires_grad=True)
    """
    if any(traced(a) for a in args):
        # start + step * i: differentiable in start and step; stop only sets the count
        if requires_grad:
            raise WeifenTypeError("arange: requires_grad=True with traced bounds would cut "
                                  "their derivative; drop requires_grad")
        plain = [a._concrete() if isinstance(a, Box) else a for a in args]
        i = np.arange(len(np.arange(*plain)),
                      dtype=np.result_type(*plain, 0.0) if dtype is None else dtype)
        start = args[0] if len(args) > 1 else 0.0
        step = args[2] if len(args) > 2 else 1.0
        return _result(start + step * i, dtype, "arange")
    a = np.arange(*[_plain(v) for v in args], dtype=dtype)
    return _make(_to_default(a) if dtype is None else a, requires_grad)


def linspace(start: float, stop: float, num: int = 50, endpoint: bool = True,
             dtype: Any = None, requires_grad: bool = False) -> "Tensor":
    """``num`` evenly spaced values from ``start`` to ``stop``.

    >>> import weifen as wf
    >>> wf.linspace(0, 1, 3)
    tensor([0. , 0.5, 1. ])
    """
    _concrete_int(num, "linspace", "num")
    if traced(start) or traced(stop):
        # start + (stop - start) * t, with t the fractions 0 .. 1: differentiable in both
        t = np.linspace(0.0, 1.0, num, endpoint=endpoint)
        ts = np.shape(start) if not isinstance(start, Box) else tuple(start.shape)
        te = np.shape(stop) if not isinstance(stop, Box) else tuple(stop.shape)
        nd = len(np.broadcast_shapes(ts, te))
        t = t.reshape((num,) + (1,) * nd)
        if requires_grad:
            raise WeifenTypeError("linspace: requires_grad=True with traced bounds would "
                                  "cut their derivative; drop requires_grad")
        return _result(start + (stop - start) * t, dtype, "linspace")
    a = np.linspace(_plain(start), _plain(stop), num, endpoint=endpoint, dtype=dtype)
    return _make(_to_default(a) if dtype is None else a, requires_grad)


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
    if traced(fill_value) or (isinstance(fill_value, (list, tuple)) and
                              holds_boxes(fill_value)):
        dt = dtype if dtype is not None else d.dtype
        return _fill(fill_value, tuple(kw.get("shape", d.shape)), dt, "full_like",
                     requires_grad)
    return _make(np.full_like(d, _plain(fill_value), dtype=dtype, **kw), requires_grad)


def rand(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> "Tensor":
    """Uniform samples in [0, 1) from NumPy's global generator (seed it with
    ``wf.manual_seed`` or ``np.random.seed``), in the default float dtype.

    >>> import weifen as wf
    >>> wf.rand(2, 3).shape
    (2, 3)
    """
    a = np.random.random_sample(_shape_args(shape, "rand"))
    return _make(a.astype(_fdt(dtype), copy=False), requires_grad)


def randn(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> "Tensor":
    """Standard normal samples from NumPy's global generator (``wf.manual_seed``), in the
    default float dtype.

    >>> import weifen as wf
    >>> wf.randn(3).shape
    (3,)
    """
    a = np.random.standard_normal(_shape_args(shape, "randn"))
    return _make(a.astype(_fdt(dtype), copy=False), requires_grad)
