"""User-facing elementwise functions (``wf.sin``, ``wf.maximum``, ``wf.where``, ...).

Each is either a primitive bound to its arguments or a composite written with them
(softmax, var, norm, ...), which needs no rule of its own. Raw inputs give Tensors, so
every result converts with ``np.asarray``. Names and arguments follow NumPy.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from weifen.core.primitive import Box
from weifen.numpy._util import _raw, _t
from weifen.tape.tensor import unary_op
from weifen.prims import elementwise as E


def _example(name: str, arg: str, value: str) -> str:
    return f"\n\n>>> import weifen as wf\n>>> wf.{name}({arg})\n{value}\n"


# The printed result of each docstring example, written out rather than computed at import
# (computing them ran every impl, erf's pulling in SciPy: import weifen stays light). The
# doctests check every line against the real result.
_SHOWN = {
    "negative": "tensor([-0.5])", "abs": "tensor([0.5])", "sign": "tensor([1.])",
    "exp": "tensor([1.64872127])", "exp2": "tensor([1.41421356])",
    "expm1": "tensor([0.64872127])", "log": "tensor([-0.69314718])", "log2": "tensor([-1.])",
    "log10": "tensor([-0.30103])", "log1p": "tensor([0.40546511])",
    "sqrt": "tensor([0.70710678])", "square": "tensor([0.25])", "reciprocal": "tensor([2.])",
    "sin": "tensor([0.47942554])", "cos": "tensor([0.87758256])",
    "tan": "tensor([0.54630249])", "arcsin": "tensor([0.52359878])",
    "arccos": "tensor([1.04719755])", "arctan": "tensor([0.46364761])",
    "sinh": "tensor([0.52109531])", "cosh": "tensor([1.12762597])",
    "tanh": "tensor([0.46211716])", "arcsinh": "tensor([0.48121183])",
    "arccosh": "tensor([0.96242365])", "arctanh": "tensor([0.54930614])",
    "sigmoid": "tensor([0.62245933])", "relu": "tensor([0.5])",
    "softplus": "tensor([0.97407698])", "erf": "tensor([0.52049988])",
    "floor": "tensor([0.])", "ceil": "tensor([1.])", "trunc": "tensor([0.])",
    "isfinite": "tensor([ True])", "logical_not": "tensor([False])",
    "add": "tensor([2.  , 2.25])", "subtract": "tensor([-1.  ,  1.75])",
    "multiply": "tensor([0.75, 0.5 ])", "divide": "tensor([0.33333333, 8.        ])",
    "power": "tensor([0.35355339, 1.18920712])", "maximum": "tensor([1.5, 2. ])",
    "minimum": "tensor([0.5 , 0.25])", "arctan2": "tensor([0.32175055, 1.44644133])",
    "mod": "tensor([0.5, 0. ])", "floor_divide": "tensor([0., 8.])",
    "equal": "tensor([False, False])", "not_equal": "tensor([ True,  True])",
    "less": "tensor([ True, False])", "less_equal": "tensor([ True, False])",
    "greater": "tensor([False,  True])", "greater_equal": "tensor([False,  True])",
    "logical_and": "tensor([ True,  True])", "logical_or": "tensor([ True,  True])",
}


def _unary(prim, name, example_in="wf.tensor([0.5])"):
    # Tensors take the tape's inlined path; anything else binds
    fn = unary_op(prim, lambda x: _t(prim.bind(_raw(x))))
    fn.__name__ = fn.__qualname__ = name
    val = _SHOWN[name]
    fn.__doc__ = (f"Elementwise ``{name}``, as ``np.{name}``; differentiable"
                  + ("" if not prim.nondiff else " (zero gradient)") + "."
                  + _example(name, example_in, val))
    return fn


def _binary(prim, name):
    def fn(x, y):
        return _t(prim.bind(_raw(x), _raw(y)))

    fn.__name__ = fn.__qualname__ = name
    val = _SHOWN[name]
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
power.__doc__ = """Elementwise ``x ** y`` with NumPy broadcasting, as ``np.power``.

Derivatives at the edges are torch's (and autograd's), in every face (tape, ``grad``,
``jvp`` / ``Dual``, ``vmap``, hessians): d/dx of ``x ** 0`` is 0 everywhere, ``x = 0``
included, since ``x ** 0`` is the constant 1 (jax gives nan there); d/dx of ``x ** y`` at
0 is inf for ``0 < y < 1`` (``x ** 0.5``) and 0 for ``y > 1``; d/dy of ``0 ** y`` is 0 for
``y >= 0`` and -inf for ``y < 0``; a negative base has its usual derivative in x (an integer
exponent, ``(-2.) ** 3``) and nan in y (its log is not real).

>>> import weifen as wf
>>> wf.power(wf.tensor([0.5, 2.0]), wf.tensor([1.5, 0.25]))
tensor([0.35355339, 1.18920712])
>>> wf.grad(lambda x: wf.power(x, 0.0))(0.0), wf.grad(lambda y: wf.power(0.0, y))(2.0)
(tensor(0.), tensor(0.))
"""
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
    if isinstance(a_min, Box) or isinstance(a_max, Box):
        # bounds that may carry derivatives: the composite (torch.clamp's convention, the
        # gradient of x passes at the bounds, a bound gets it where it is the output)
        r = _raw(x)
        if a_min is not None:
            r = where(r < a_min, a_min, r)
        if a_max is not None:
            r = where(r > a_max, a_max, r)
        return _t(r)
    return _t(E.clip_p.bind(_raw(x), lo=a_min, hi=a_max))


def astype(x: Any, dtype: Any) -> Any:
    """Cast to ``dtype``; the gradient is cast back.

    >>> import weifen as wf
    >>> wf.astype(wf.tensor([1.5]), wf.float32)
    tensor([1.5], dtype=float32)
    """
    return _t(E.astype_p.bind(_raw(x), dtype=np.dtype(dtype)))



__all__ = [n for n in dir() if not n.startswith("_")
           and n not in ("Any", "np", "annotations", "Box", "E", "Tensor")]
