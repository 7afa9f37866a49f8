"""The user-facing array functions (``wf.sin``, ``wf.sum``, ``wf.concatenate``, ...).

Each is either a primitive bound to its arguments or a composite written with them
(softmax, var, norm, ...), which needs no rule of its own. Raw inputs give Tensors, so
every result converts with ``np.asarray``. Names and arguments follow NumPy.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from weifen.core.primitive import Box
from weifen.prims import elementwise as E
from weifen.prims import linalg as LA
from weifen.prims import reduce as R
from weifen.prims import shape as S
from weifen.tape.tensor import Tensor, _wrap


def _t(r: Any) -> Any:
    """Wrap a raw result in a level-0 Tensor; boxes pass through."""
    return r if isinstance(r, Box) else _wrap(r)


def _raw(x: Any) -> Any:
    """Lists become arrays; everything else passes."""
    return np.asarray(x) if isinstance(x, (list, tuple)) else x


def _example(name: str, arg: str, value: str) -> str:
    return f"\n\n>>> import weifen as wf\n>>> wf.{name}({arg})\n{value}\n"


def _unary(prim, name, example_in="wf.tensor([0.5])"):
    def fn(x):
        return _t(prim.bind(_raw(x)))

    fn.__name__ = fn.__qualname__ = name
    val = repr(_t(prim.impl(np.array([1.5 if "1.5" in example_in else 0.5]))))
    fn.__doc__ = (f"Elementwise ``{name}``, as ``np.{name}``; differentiable"
                  + ("" if not prim.nondiff else " (zero gradient)") + "."
                  + _example(name, example_in, val))
    return fn


def _binary(prim, name):
    def fn(x, y):
        return _t(prim.bind(_raw(x), _raw(y)))

    fn.__name__ = fn.__qualname__ = name
    val = repr(_t(prim.impl(np.array([0.5, 2.0]), np.array([1.5, 0.25]))))
    fn.__doc__ = (f"Elementwise ``{name}`` with NumPy broadcasting, as ``np.{name}``."
                  + _example(name, "wf.tensor([0.5, 2.0]), wf.tensor([1.5, 0.25])", val))
    return fn


negative = _unary(E.neg_p, "negative")
abs = _unary(E.abs_p, "abs")  # noqa: A001 - NumPy's name
absolute = abs
sign = _unary(E.sign_p, "sign")
exp = _unary(E.exp_p, "exp")
exp2 = _unary(E.exp2_p, "exp2")
expm1 = _unary(E.expm1_p, "expm1")
log = _unary(E.log_p, "log")
log2 = _unary(E.log2_p, "log2")
log10 = _unary(E.log10_p, "log10")
log1p = _unary(E.log1p_p, "log1p")
sqrt = _unary(E.sqrt_p, "sqrt")
square = _unary(E.square_p, "square")
reciprocal = _unary(E.reciprocal_p, "reciprocal")
sin = _unary(E.sin_p, "sin")
cos = _unary(E.cos_p, "cos")
tan = _unary(E.tan_p, "tan")
arcsin = _unary(E.arcsin_p, "arcsin")
arccos = _unary(E.arccos_p, "arccos")
arctan = _unary(E.arctan_p, "arctan")
sinh = _unary(E.sinh_p, "sinh")
cosh = _unary(E.cosh_p, "cosh")
tanh = _unary(E.tanh_p, "tanh")
arcsinh = _unary(E.arcsinh_p, "arcsinh")
arccosh = _unary(E.arccosh_p, "arccosh", "wf.tensor([1.5])")
arctanh = _unary(E.arctanh_p, "arctanh")
sigmoid = _unary(E.sigmoid_p, "sigmoid")
relu = _unary(E.relu_p, "relu")
softplus = _unary(E.softplus_p, "softplus")
erf = _unary(E.erf_p, "erf")
floor = _unary(E.floor_p, "floor")
ceil = _unary(E.ceil_p, "ceil")
trunc = _unary(E.trunc_p, "trunc")
isfinite = _unary(E.isfinite_p, "isfinite")
logical_not = _unary(E.logical_not_p, "logical_not")

add = _binary(E.add_p, "add")
subtract = _binary(E.sub_p, "subtract")
multiply = _binary(E.mul_p, "multiply")
divide = _binary(E.div_p, "divide")
true_divide = divide
power = _binary(E.pow_p, "power")
maximum = _binary(E.maximum_p, "maximum")
minimum = _binary(E.minimum_p, "minimum")
arctan2 = _binary(E.arctan2_p, "arctan2")
mod = _binary(E.mod_p, "mod")
remainder = mod
floor_divide = _binary(E.floordiv_p, "floor_divide")
equal = _binary(E.eq_p, "equal")
not_equal = _binary(E.ne_p, "not_equal")
less = _binary(E.lt_p, "less")
less_equal = _binary(E.le_p, "less_equal")
greater = _binary(E.gt_p, "greater")
greater_equal = _binary(E.ge_p, "greater_equal")
logical_and = _binary(E.logical_and_p, "logical_and")
logical_or = _binary(E.logical_or_p, "logical_or")


def round(x: Any, decimals: int = 0) -> Any:  # noqa: A001 - NumPy's name
    """Round to ``decimals`` places (zero gradient), as ``np.round``.

    >>> import weifen as wf
    >>> wf.round(wf.tensor([0.4, 1.6]))
    tensor([0., 2.])
    """
    if decimals:
        s = 10.0 ** decimals
        return _t(E.round_p.bind(multiply(x, s))) / s
    return _t(E.round_p.bind(_raw(x)))


around = round


def where(condition: Any, x: Any, y: Any) -> Any:
    """``x`` where ``condition`` holds, else ``y`` (broadcasting); differentiable in x and y.

    >>> import weifen as wf
    >>> wf.where(wf.tensor([True, False]), 1.0, wf.tensor([5.0, 6.0]))
    tensor([1., 6.])
    """
    return _t(E.where_p.bind(_raw(condition), _raw(x), _raw(y)))


def clip(x: Any, a_min: Any = None, a_max: Any = None) -> Any:
    """Limit values to ``[a_min, a_max]``; the gradient passes where the bounds hold.

    >>> import weifen as wf
    >>> wf.clip(wf.tensor([-1.0, 0.5, 3.0]), 0.0, 1.0)
    tensor([0. , 0.5, 1. ])
    """
    lo = a_min._concrete() if isinstance(a_min, Box) else a_min
    hi = a_max._concrete() if isinstance(a_max, Box) else a_max
    return _t(E.clip_p.bind(_raw(x), lo=lo, hi=hi))


def astype(x: Any, dtype: Any) -> Any:
    """Cast to ``dtype``; the gradient is cast back.

    >>> import weifen as wf
    >>> wf.astype(wf.tensor([1.5]), wf.float32)
    tensor([1.5], dtype=float32)
    """
    return _t(E.astype_p.bind(_raw(x), dtype=np.dtype(dtype)))


# ----------------------------------------------------------------------------- reductions
def sum(x: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None) -> Any:  # noqa: A001
    """Sum over ``axis`` (all axes by default), as ``np.sum``.

    >>> import weifen as wf
    >>> wf.sum(wf.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=0)
    tensor([4., 6.])
    """
    if dtype is not None:
        x = astype(x, dtype)
    return _t(R.sum_p.bind(_raw(x), axis=_axis(axis), keepdims=keepdims))


def _axis(axis: Any) -> Any:
    if isinstance(axis, list):
        return tuple(axis)
    return axis


def _count(x: Any, axis: Any) -> int:
    shape = S.shape_of(x)
    if axis is None:
        return int(np.prod(shape, dtype=np.int64))
    axes = (axis,) if isinstance(axis, int) else axis
    n = 1
    for a in axes:
        n *= shape[a]
    return n


def mean(x: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None) -> Any:
    """Arithmetic mean over ``axis``, as ``np.mean``.

    >>> import weifen as wf
    >>> wf.mean(wf.tensor([1.0, 2.0, 6.0]))
    tensor(3.)
    """
    x = _raw(x)
    return sum(x, axis=axis, keepdims=keepdims, dtype=dtype) / _count(x, _axis(axis))


# ----------------------------------------------------------------------------- shapes
def reshape(x: Any, shape: Any, order: str = "C") -> Any:
    """Give ``x`` a new shape (``-1`` infers one axis), as ``np.reshape``.

    >>> import weifen as wf
    >>> wf.reshape(wf.arange(4.0), (2, 2)).shape
    (2, 2)
    """
    if order != "C":
        raise NotImplementedError("reshape: only order='C' is supported")
    if isinstance(shape, int):
        shape = (shape,)
    x = _raw(x)
    shape = tuple(shape)
    if -1 in shape:
        shape = np.empty(S.shape_of(x), dtype=np.bool_).reshape(shape).shape if \
            _count(x, None) else tuple(0 if s == -1 else s for s in shape)
    return _t(S.reshape_p.bind(x, shape=shape))


def transpose(x: Any, axes: Any = None) -> Any:
    """Permute axes (reverse them by default), as ``np.transpose``.

    >>> import weifen as wf
    >>> wf.transpose(wf.zeros((2, 3))).shape
    (3, 2)
    """
    if axes is not None:
        axes = tuple(int(a) for a in axes)
    return _t(S.transpose_p.bind(_raw(x), axes=axes))


def broadcast_to(x: Any, shape: Any) -> Any:
    """A broadcast view of ``x`` with ``shape``; the gradient sums back.

    >>> import weifen as wf
    >>> wf.broadcast_to(wf.tensor([1.0, 2.0]), (2, 2)).shape
    (2, 2)
    """
    if isinstance(shape, int):
        shape = (shape,)
    return _t(S.broadcast_to_p.bind(_raw(x), shape=tuple(shape)))


# ----------------------------------------------------------------------------- linear algebra
def matmul(a: Any, b: Any) -> Any:
    """Matrix product with NumPy's rules (1-D operands, batched stacks), as ``np.matmul``.

    >>> import weifen as wf
    >>> wf.matmul(wf.eye(2), wf.tensor([1.0, 2.0]))
    tensor([1., 2.])
    """
    return _t(LA.matmul_p.bind(_raw(a), _raw(b)))


# NumPy ufunc name -> weifen function, for ``np.sin(tensor)`` and ``ndarray - tensor``
UFUNCS = {
    "add": add, "subtract": subtract, "multiply": multiply, "divide": divide,
    "true_divide": divide, "power": power, "negative": negative, "absolute": abs,
    "sign": sign, "exp": exp, "exp2": exp2, "expm1": expm1, "log": log, "log2": log2,
    "log10": log10, "log1p": log1p, "sqrt": sqrt, "square": square,
    "reciprocal": reciprocal, "sin": sin, "cos": cos, "tan": tan, "arcsin": arcsin,
    "arccos": arccos, "arctan": arctan, "sinh": sinh, "cosh": cosh, "tanh": tanh,
    "arcsinh": arcsinh, "arccosh": arccosh, "arctanh": arctanh, "maximum": maximum,
    "minimum": minimum, "arctan2": arctan2, "remainder": mod, "floor_divide": floor_divide,
    "equal": equal, "not_equal": not_equal, "less": less, "less_equal": less_equal,
    "greater": greater, "greater_equal": greater_equal, "matmul": matmul, "floor": floor,
    "ceil": ceil, "trunc": trunc, "rint": round, "isfinite": isfinite,
    "logical_and": logical_and, "logical_or": logical_or, "logical_not": logical_not,
}

__all__ = [n for n in dir() if not n.startswith("_")]
Tensor = Tensor
