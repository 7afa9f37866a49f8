"""The user-facing array functions, one module per family (mirroring ``weifen.prims``).

Each function is a primitive bound to its arguments or a composite written with them
(softmax, var, norm, ...), which needs no rule of its own. Raw inputs give Tensors, so
every result converts with ``np.asarray``. Names and arguments follow NumPy.

So that ``import weifen.numpy as np`` works in place of NumPy, the module also offers
``np.linalg`` (:mod:`weifen.linalg`), ``np.fft`` (:mod:`weifen.fft`), ``np.random``
(NumPy's: random numbers carry no derivative), weifen's array creation functions
(``np.array``, ``np.zeros``, ``np.linspace``, ...: Tensors), NumPy's constants, dtypes and
classes (``np.pi``, ``np.float32``, ``np.newaxis``, ``np.ndarray``), and NumPy's helpers
whose results carry no derivative (``np.allclose``, ``np.isnan``, ``np.shape``,
``np.searchsorted``, ...). Any other NumPy function is missing here, with a message that
says so, rather than silently computing without derivatives.

>>> import weifen as wf
>>> import weifen.numpy as np
>>> wf.grad(lambda x: np.sum(np.sin(x) * np.linspace(0.0, 1.0, 3)))(np.zeros(3))
tensor([0. , 0.5, 1. ])
>>> np.linalg.svd(np.eye(2)).S, np.pi > 3, np.float32
(tensor([1., 1.]), True, <class 'numpy.float32'>)
"""
from weifen.numpy.elementwise import *  # noqa: F401,F403
from weifen.numpy.reduce import *  # noqa: F401,F403
from weifen.numpy.shape import *  # noqa: F401,F403
from weifen.numpy.linalg import *  # noqa: F401,F403
from weifen.numpy.nn import *  # noqa: F401,F403
from weifen.numpy.more_math import *  # noqa: F401,F403
from weifen.numpy.more_shape import *  # noqa: F401,F403 - after elementwise: where(cond)
from weifen.numpy import elementwise as _elementwise
from weifen.numpy import linalg as _linalg
from weifen.numpy import nn as _nn
from weifen.numpy import reduce as _reduce
from weifen.numpy import shape as _shape
from weifen.numpy import more_math as _more_math
from weifen.numpy import more_shape as _more_shape

# the functions only: the family modules are not part of ``from weifen.numpy import *``
__all__ = sorted({n for m in (_elementwise, _reduce, _shape, _linalg, _nn, _more_math,
                               _more_shape) for n in m.__all__})

# NumPy ufunc name -> weifen function, for ``np.sin(tensor)`` and ``ndarray - tensor``
UFUNCS = {name: globals()[fn] for name, fn in {
    "add": "add",
    "subtract": "subtract",
    "multiply": "multiply",
    "divide": "divide",
    "true_divide": "divide",
    "power": "power",
    "negative": "negative",
    "absolute": "abs",
    "sign": "sign",
    "exp": "exp",
    "exp2": "exp2",
    "expm1": "expm1",
    "log": "log",
    "log2": "log2",
    "log10": "log10",
    "log1p": "log1p",
    "sqrt": "sqrt",
    "square": "square",
    "reciprocal": "reciprocal",
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "arcsin": "arcsin",
    "arccos": "arccos",
    "arctan": "arctan",
    "sinh": "sinh",
    "cosh": "cosh",
    "tanh": "tanh",
    "arcsinh": "arcsinh",
    "arccosh": "arccosh",
    "arctanh": "arctanh",
    "maximum": "maximum",
    "minimum": "minimum",
    "arctan2": "arctan2",
    "remainder": "mod",
    "floor_divide": "floor_divide",
    "equal": "equal",
    "not_equal": "not_equal",
    "less": "less",
    "less_equal": "less_equal",
    "greater": "greater",
    "greater_equal": "greater_equal",
    "matmul": "matmul",
    "floor": "floor",
    "ceil": "ceil",
    "trunc": "trunc",
    "rint": "round",
    "isfinite": "isfinite",
    "logical_and": "logical_and",
    "logical_or": "logical_or",
    "logical_not": "logical_not",
    "hypot": "hypot", "fmax": "fmax", "fmin": "fmin", "logaddexp": "logaddexp",
    "logaddexp2": "logaddexp2", "radians": "radians", "degrees": "degrees",
    "deg2rad": "deg2rad", "rad2deg": "rad2deg", "cbrt": "cbrt", "fabs": "fabs",
    "conjugate": "conjugate",
}.items()}

__all__ += ["UFUNCS"]


# ---------------------------------------------------------------- the rest of NumPy's namespace
import numpy as _onp  # noqa: E402

import weifen.fft as fft  # noqa: E402
import weifen.linalg as linalg  # noqa: E402  (the whole of wf.linalg, not the family module)

random = _onp.random
__version__ = _onp.__version__

_CREATION = frozenset("""array asarray tensor zeros ones full empty eye identity arange
    linspace zeros_like ones_like full_like empty_like""".split())

# NumPy functions whose results carry no derivative (bools, indices, shapes, dtypes, or
# arrays made from no differentiable input), taken from NumPy as they are
_HELPERS = frozenset("""
    allclose isclose array_equal array_equiv isnan isinf isposinf isneginf signbit
    iscomplex isreal iscomplexobj isrealobj isscalar ndim size result_type
    promote_types can_cast issubdtype finfo iinfo argwhere flatnonzero searchsorted ndindex
    unravel_index ravel_multi_index indices broadcast_shapes digitize bincount
    diag_indices tril_indices triu_indices tri geomspace logspace ndenumerate
    nonzero_count iterable mgrid ogrid meshgrid_indices
""".split())


def __getattr__(name: str):
    if name.startswith("_"):
        raise AttributeError(name)
    if name in _CREATION:
        import weifen as _wf

        fn = getattr(_wf, name, None)
        if fn is not None:
            return fn
    if hasattr(_onp, name):
        value = getattr(_onp, name)
        if not callable(value) or isinstance(value, type) or name in _HELPERS:
            return value
        raise AttributeError(
            f"weifen.numpy has no {name!r}: NumPy's {name} has no derivative rule in weifen. "
            f"Call numpy.{name} on plain arrays (no derivative flows through it), or write "
            "it with weifen.numpy functions, or give it a rule with wf.custom_vjp")
    raise AttributeError(f"module 'weifen.numpy' has no attribute {name!r}")
