"""The user-facing array functions, one module per family (mirroring ``weifen.prims``).

Each function is a primitive bound to its arguments or a composite written with them
(softmax, var, norm, ...), which needs no rule of its own. Raw inputs give Tensors, so
every result converts with ``np.asarray``. Names and arguments follow NumPy.
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
