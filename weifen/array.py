"""``ArrayMethods``: the operators and NumPy-named methods every box type shares.

Tensor, Dual and the values a transform hands to a function all inherit this, so user
code such as ``(x @ W).sum(axis=0)`` works whatever face is running it. Operators bind
primitives directly (the hot path); methods defer to the functions of ``weifen.numpy``.
"""
from __future__ import annotations

import inspect
import numbers
from typing import Any

import numpy as np

import weifen.numpy as wnp
from weifen.core.lift import as_data, refuse, traced
from weifen.errors import WeifenTypeError
from weifen.prims import elementwise as E
from weifen.prims.linalg import matmul_p

_SCALARS = (int, float, bool, np.ndarray, np.generic)


def _ok(o):
    """Coerce an operand: numbers/arrays/boxes pass, lists become arrays, others refuse."""
    if isinstance(o, _SCALARS) or hasattr(o, "_process"):
        return o
    if isinstance(o, (list, tuple)):
        return as_data(o)
    if isinstance(o, numbers.Number) or hasattr(o, "__array_function__"):
        return o
    return NotImplemented


def _binary(prim, swap=False):
    if swap:
        def op(self, o):
            o = _ok(o)
            return NotImplemented if o is NotImplemented else prim.bind(o, self)
    else:
        def op(self, o):
            o = _ok(o)
            return NotImplemented if o is NotImplemented else prim.bind(self, o)
    return op


def _signature(fn):
    """``fn``'s signature, memoised on the function itself (derived data, not state)."""
    sig = getattr(fn, "_weifen_signature", None)
    if sig is None:
        sig = fn._weifen_signature = inspect.signature(fn)
    return sig


def _plain(x):
    """``x`` with every weifen value replaced by its NumPy array (containers one level deep)."""
    if isinstance(x, ArrayMethods):
        return np.asarray(x._concrete())
    if isinstance(x, tuple):
        return tuple(_plain(a) for a in x)
    if isinstance(x, list):
        return [_plain(a) for a in x]
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    return x


_REDUCE = {"add": "sum", "multiply": "prod", "maximum": "max", "minimum": "min"}


def _on_values(func, name, args, kwargs):
    """Run a NumPy function weifen has no rule for on the plain values of its arguments.

    Its result is a constant. That is the right derivative only when the result is
    piecewise constant (bool or integer: ``np.isnan``, ``np.argsort``, ``np.allclose``);
    a floating result of traced arguments would be a silently wrong derivative, so it
    raises instead.
    """
    res = func(*_plain(args), **_plain(kwargs))
    if _inexact(res) and any(traced(a) for a in _leaves((args, kwargs))):
        raise WeifenTypeError(
            f"{name} has no derivative rule in weifen, and its result depends on a traced "
            "value (one being differentiated); use the weifen function of that name if "
            "there is one (wf.<name>), write it with weifen ops, or cut the derivative on "
            "purpose with wf.stop_gradient(x) / x.detach()")
    return res


def _inexact(res) -> bool:
    for r in res if isinstance(res, (tuple, list)) else (res,):
        dt = getattr(r, "dtype", None)
        if dt is None:
            if isinstance(r, (float, complex)):
                return True
        elif np.issubdtype(dt, np.inexact):
            return True
    return False


def _leaves(tree):
    """The items of nested tuples, lists and dicts, without recursion."""
    stack = [tree]
    while stack:
        x = stack.pop()
        if isinstance(x, (tuple, list)):
            stack.extend(x)
        elif isinstance(x, dict):
            stack.extend(x.values())
        else:
            yield x


def to_dtype(what: str, args: tuple, kwargs: dict) -> Any:
    """The dtype asked of ``.to(...)`` (torch's forms: a dtype, a tensor to match, a device
    string, ``dtype=``/``device=``/``non_blocking=``), or None; a device other than the CPU
    raises, since weifen computes with the array library a tensor holds."""
    kwargs = dict(kwargs)
    dtype = kwargs.pop("dtype", None)
    device = kwargs.pop("device", None)
    kwargs.pop("non_blocking", None)
    if kwargs:
        raise WeifenTypeError(f"{what}: unexpected keyword arguments {sorted(kwargs)}")
    for a in args:
        if isinstance(a, ArrayMethods):
            dtype = a.dtype
        elif isinstance(a, str) and a.split(":")[0] in ("cpu", "cuda", "mps", "meta"):
            device = a
        elif a is not None:
            dtype = a
    if device is not None and str(device).split(":")[0] != "cpu":
        raise WeifenTypeError(
            f"{what}: device {device!r} is not available: weifen computes with the array "
            "library the tensor holds (NumPy on the CPU; wrap a CuPy array for a GPU)")
    return dtype


class ArrayMethods:
    __slots__ = ()

    __add__ = _binary(E.add_p)
    __radd__ = _binary(E.add_p, True)
    __sub__ = _binary(E.sub_p)
    __rsub__ = _binary(E.sub_p, True)
    __mul__ = _binary(E.mul_p)
    __rmul__ = _binary(E.mul_p, True)
    __truediv__ = _binary(E.div_p)
    __rtruediv__ = _binary(E.div_p, True)
    __floordiv__ = _binary(E.floordiv_p)
    __rfloordiv__ = _binary(E.floordiv_p, True)
    __mod__ = _binary(E.mod_p)
    __rmod__ = _binary(E.mod_p, True)
    __pow__ = _binary(E.pow_p)
    __rpow__ = _binary(E.pow_p, True)
    __matmul__ = _binary(matmul_p)
    __rmatmul__ = _binary(matmul_p, True)
    __lt__ = _binary(E.lt_p)
    __le__ = _binary(E.le_p)
    __gt__ = _binary(E.gt_p)
    __ge__ = _binary(E.ge_p)
    __eq__ = _binary(E.eq_p)
    __ne__ = _binary(E.ne_p)
    __and__ = _binary(E.logical_and_p)
    __rand__ = _binary(E.logical_and_p, True)
    __or__ = _binary(E.logical_or_p)
    __ror__ = _binary(E.logical_or_p, True)
    __hash__ = object.__hash__

    def __neg__(self):
        return E.neg_p.bind(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return E.abs_p.bind(self)

    def __invert__(self):
        return E.logical_not_p.bind(self)

    def __getitem__(self, index):
        return wnp.getitem(self, index)

    # -------------------------------------------------------------- NumPy-style attributes
    @property
    def shape(self) -> tuple:
        s = getattr(self._primal_data(), "shape", None)
        return s if s is not None else ()

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def dtype(self):
        d = self._primal_data()
        dt = getattr(d, "dtype", None)
        return dt if dt is not None else np.result_type(d)

    def _primal_data(self):
        raise NotImplementedError

    def __len__(self) -> int:
        s = self.shape
        if not s:
            raise TypeError("len() of a 0-d tensor")
        return s[0]

    def __iter__(self):
        n = len(self)
        return (self[i] for i in range(n))

    def __bool__(self) -> bool:
        return bool(self._concrete())

    def __float__(self) -> float:
        if traced(self):
            raise refuse(self, "float()")
        return float(self._concrete())

    def __int__(self) -> int:
        return int(self._concrete())

    def __index__(self) -> int:
        return int(self._concrete())

    def __complex__(self) -> complex:
        if traced(self):
            raise refuse(self, "complex()")
        return complex(self._concrete())

    def __format__(self, spec: str) -> str:
        if spec:
            return format(self._concrete(), spec)
        return repr(self)

    def _concrete(self):
        d = self._primal_data()
        while hasattr(d, "_primal_data"):
            d = d._primal_data()
        return d

    def numpy(self):
        """The values as a NumPy array; refused for a traced value (it would drop the
        derivative: take ``.primal`` of a Dual)."""
        if traced(self):
            raise refuse(self, "numpy()")
        return np.asarray(self._concrete())

    def item(self):
        if traced(self):
            raise refuse(self, "item()")
        return np.asarray(self._concrete()).item()

    def tolist(self):
        if traced(self):
            raise refuse(self, "tolist()")
        return np.asarray(self._concrete()).tolist()

    def __array__(self, dtype=None, copy=None):
        # an integer or bool conversion (np.int64(x), np.asarray(x, dtype=int)) is piecewise
        # constant: it carries no derivative to lose, as int(x) and comparisons
        if traced(self) and (dtype is None or np.dtype(dtype).kind not in "biu"):
            raise refuse(self, "np.asarray")
        a = np.asarray(self._concrete())
        return a if dtype is None else a.astype(dtype, copy=False)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        fn = wnp.UFUNCS.get(ufunc.__name__) if method == "__call__" and not kwargs else None
        if method == "reduce" and len(inputs) == 1 and set(kwargs) <= {"axis", "keepdims"}:
            red = _REDUCE.get(ufunc.__name__)  # np.add.reduce(x, axis) is wf.sum(x, axis)
            if red is not None:
                return getattr(wnp, red)(inputs[0], axis=kwargs.get("axis", 0),
                                         keepdims=kwargs.get("keepdims", False))
        if fn is None:  # a ufunc weifen does not differentiate: NumPy on the values
            return _on_values(getattr(ufunc, method), f"np.{ufunc.__name__}", inputs, kwargs)
        return fn(*inputs)

    def __array_function__(self, func, types, args, kwargs):
        if (getattr(func, "__module__", None) or "").startswith("numpy.fft"):
            from weifen import fft  # np.fft.fft(tensor) is wf.fft.fft(tensor)

            fn = getattr(fft, func.__name__, None)
        else:
            fn = getattr(wnp, func.__name__, None)
        if fn is None and func.__name__ in ("zeros_like", "ones_like", "full_like"):
            from weifen import creation

            fn = getattr(creation, func.__name__)
        # fn is func: NumPy helpers weifen.numpy re-exports (np.ndim): calling it again
        # would come straight back here
        if fn is None or fn is func or not callable(fn) or isinstance(fn, type(np)):
            name = func.__name__
            if name in ("shape", "ndim", "size") and len(args) == 1 and not kwargs:
                return getattr(args[0], name)  # per-example answers, also inside vmap
            if name in ("result_type", "iscomplexobj", "isrealobj"):
                return func(*[np.empty((), a.dtype) if isinstance(a, ArrayMethods) else a
                              for a in args], **kwargs)
            # a NumPy function weifen does not differentiate (np.allclose, np.isnan, ...):
            # it runs on the values and returns what NumPy returns, as for torch tensors
            return _on_values(func, f"np.{name}", args, kwargs)
        try:
            _signature(fn).bind(*args, **kwargs)
        except TypeError:  # a NumPy form weifen's function does not take (np.where(c))
            return _on_values(func, f"np.{func.__name__}", args, kwargs)
        return fn(*args, **kwargs)

    # -------------------------------------------------------------- NumPy-named methods
    @property
    def T(self):
        return wnp.transpose(self)

    @property
    def mT(self):
        return wnp.swapaxes(self, -1, -2)

    def sum(self, axis=None, keepdims=False, **kw):
        return wnp.sum(self, axis=axis, keepdims=keepdims, **kw)

    def mean(self, axis=None, keepdims=False, **kw):
        return wnp.mean(self, axis=axis, keepdims=keepdims, **kw)

    def prod(self, axis=None, keepdims=False):
        return wnp.prod(self, axis=axis, keepdims=keepdims)

    def max(self, axis=None, keepdims=False):
        return wnp.max(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        return wnp.min(self, axis=axis, keepdims=keepdims)

    def var(self, axis=None, ddof=0, keepdims=False):
        return wnp.var(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def std(self, axis=None, ddof=0, keepdims=False):
        return wnp.std(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def argmax(self, axis=None, keepdims=False):
        return wnp.argmax(self, axis=axis, keepdims=keepdims)

    def argmin(self, axis=None, keepdims=False):
        return wnp.argmin(self, axis=axis, keepdims=keepdims)

    def cumsum(self, axis=None):
        return wnp.cumsum(self, axis=axis)

    def reshape(self, *shape, **kw):
        if "shape" in kw:
            shape = kw.pop("shape")
        elif len(shape) == 1 and not isinstance(shape[0], int):
            shape = shape[0]
        return wnp.reshape(self, shape, **kw)

    def transpose(self, *axes):
        if len(axes) == 1 and not isinstance(axes[0], int):
            axes = axes[0]
        return wnp.transpose(self, axes or None)

    def swapaxes(self, axis1, axis2):
        return wnp.swapaxes(self, axis1, axis2)

    def ravel(self):
        return wnp.reshape(self, (-1,))

    def flatten(self, start_dim=0, end_dim=-1):
        """Merge axes ``start_dim..end_dim`` into one (torch's ``flatten``); with no
        arguments (or NumPy's ``order="C"``) the whole array becomes 1-D.

        >>> import weifen as wf
        >>> wf.ones(2, 3, 4).flatten(1).shape, wf.ones(2, 3).flatten().shape
        ((2, 12), (6,))
        """
        if isinstance(start_dim, str):  # NumPy's flatten(order)
            if start_dim != "C":
                raise WeifenTypeError(f"flatten: only order='C' is supported, got {start_dim!r}")
            start_dim = 0
        s = self.shape
        nd = max(len(s), 1)
        a, b = start_dim + nd if start_dim < 0 else start_dim, end_dim + nd if end_dim < 0 \
            else end_dim
        if not 0 <= a <= b < nd:
            raise WeifenTypeError(f"flatten: start_dim={start_dim}, end_dim={end_dim} do not "
                                  f"fit a tensor of shape {s}")
        if not s:
            return wnp.reshape(self, (1,))
        return wnp.reshape(self, s[:a] + (-1,) + s[b + 1:])

    def view(self, *shape):
        """The same values in a new shape (torch's ``view``: ``reshape``, sharing memory
        where NumPy can).

        >>> import weifen as wf
        >>> wf.arange(6.0).view(2, -1).shape
        (2, 3)
        """
        if len(shape) == 1 and not isinstance(shape[0], int):
            shape = shape[0]
        if not isinstance(shape, (tuple, list)):
            raise WeifenTypeError(f"view takes a shape (ints), got {shape!r}; use "
                                  ".astype(dtype) to change the dtype")
        return wnp.reshape(self, tuple(shape))

    def unsqueeze(self, dim):
        """A new axis of length 1 at ``dim`` (torch's ``unsqueeze``; ``dim`` may be negative,
        counted in the result).

        >>> import weifen as wf
        >>> wf.ones(3).unsqueeze(0).shape, wf.ones(3).unsqueeze(-1).shape
        ((1, 3), (3, 1))
        """
        return wnp.expand_dims(self, dim)

    def permute(self, *dims):
        """Reorder the axes (torch's ``permute``, NumPy's ``transpose(axes)``).

        >>> import weifen as wf
        >>> wf.ones(2, 3, 4).permute(2, 0, 1).shape
        (4, 2, 3)
        """
        if len(dims) == 1 and not isinstance(dims[0], int):
            dims = dims[0]
        return wnp.transpose(self, tuple(dims))

    def float(self):
        """This tensor in float32 (itself if it is float32 already), differentiably.

        >>> import weifen as wf
        >>> wf.ones(2).float().dtype
        dtype('float32')
        """
        return self.to(np.float32)

    def double(self):
        """This tensor in float64 (itself if it is float64 already), differentiably.

        >>> import weifen as wf
        >>> wf.ones(2, dtype=wf.float32).double().dtype
        dtype('float64')
        """
        return self.to(np.float64)

    def to(self, *args, **kwargs):
        """``to(dtype)``, ``to(other)`` (other's dtype) or ``to("cpu")``, as torch: the
        same tensor when nothing changes, else a differentiable cast.

        >>> import weifen as wf
        >>> x = wf.ones(2); x.to(wf.float64) is x, x.to(wf.float32).dtype
        (True, dtype('float32'))
        """
        kwargs.pop("copy", None)
        dtype = to_dtype("to", args, kwargs)
        if dtype is None or np.dtype(dtype) == self.dtype:
            return self
        return wnp.astype(self, dtype)

    def squeeze(self, axis=None):
        return wnp.squeeze(self, axis)

    def astype(self, dtype):
        return wnp.astype(self, dtype)

    def clip(self, min=None, max=None):
        return wnp.clip(self, min, max)

    def dot(self, other):
        return wnp.dot(self, other)

    def trace(self, offset=0, axis1=0, axis2=1):
        return wnp.trace(self, offset, axis1, axis2)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        return wnp.diagonal(self, offset, axis1, axis2)

    def repeat(self, repeats, axis=None):
        return wnp.repeat(self, repeats, axis)

    def copy(self):
        return wnp.copy(self)

    clone = copy

    def exp(self):
        return E.exp_p.bind(self)

    def log(self):
        return E.log_p.bind(self)

    def sqrt(self):
        return E.sqrt_p.bind(self)

    def tanh(self):
        return E.tanh_p.bind(self)

    def sigmoid(self):
        return E.sigmoid_p.bind(self)

    def relu(self):
        return E.relu_p.bind(self)

    def abs(self):
        return E.abs_p.bind(self)

    def sin(self):
        return E.sin_p.bind(self)

    def cos(self):
        return E.cos_p.bind(self)

    def pow(self, y):
        return E.pow_p.bind(self, y)

    def norm(self, ord=None, axis=None, keepdims=False):
        return wnp.norm(self, ord=ord, axis=axis, keepdims=keepdims)

    def softmax(self, axis=-1):
        return wnp.softmax(self, axis)

    def log_softmax(self, axis=-1):
        return wnp.log_softmax(self, axis)

    # -------------------------------------------------------------- complex parts, ordering
    @property
    def real(self):
        """The real part (``np.real``): the value itself when it is real."""
        return wnp.real(self)

    @property
    def imag(self):
        """The imaginary part (``np.imag``): zeros when the value is real."""
        return wnp.imag(self)

    def conj(self):
        return wnp.conj(self)

    conjugate = conj

    def cumprod(self, axis=None):
        return wnp.cumprod(self, axis=axis)

    def argsort(self, axis=-1, kind=None, order=None):
        return wnp.argsort(self, axis, kind, order)

    def argpartition(self, kth, axis=-1, kind="introselect", order=None):
        return wnp.argpartition(self, kth, axis, kind, order)

    def nonzero(self):
        return wnp.nonzero(self)

    def sort(self, axis=-1, kind=None, order=None):
        """Sort in place along ``axis`` and return None, as ``ndarray.sort`` (``wf.sort``
        returns a sorted copy); the derivative follows the elements, as for ``x[i] = v``."""
        _in_place(self, wnp.sort(wnp.copy(self), axis, kind, order), "sort")

    def partition(self, kth, axis=-1, kind="introselect", order=None):
        """Partition in place around ``kth`` and return None, as ``ndarray.partition``."""
        _in_place(self, wnp.partition(wnp.copy(self), kth, axis, kind, order), "partition")


def _in_place(x, new, name):
    # ``new`` was computed from a copy of ``x``, so the graph saved nothing the write changes
    assign = getattr(x, "_assign", None)
    if assign is None:
        raise WeifenTypeError(f"{name}: an in-place {name} works on Tensors only; use "
                              f"wf.{name}(x), which returns a new value")
    assign(new)
