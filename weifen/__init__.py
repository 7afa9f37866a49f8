"""weifen (微分): automatic differentiation over NumPy, with every face over one rule table.

>>> import weifen as wf
>>> x = wf.tensor([1.0, 2.0], requires_grad=True)
>>> y = 2 * wf.dot(x, x)
>>> y.backward()
>>> x.grad
tensor([4., 8.])
"""
from weifen.errors import (GradcheckError, GraphError, ShapeError, WeifenError,
                           WeifenTypeError, WeifenValueError)
from weifen.core.state import enable_grad, is_grad_enabled, no_grad
from weifen.core.primitive import Primitive
from weifen.core.pytree import tree_flatten, tree_map, tree_unflatten
from weifen import prims
from weifen.numpy import *  # noqa: F401,F403 - the NumPy-named functions
from weifen.tape.tensor import Tensor
from weifen.creation import (arange, array, asarray, bool_, complex64, complex128, eye,
                             float16, float32, float64, from_numpy, full, full_like, int32,
                             int64, linspace, ones, ones_like, rand, randn, tensor, zeros,
                             zeros_like)
from weifen.numpy import concatenate as cat
from weifen.creation import get_default_dtype, manual_seed, set_default_dtype

__version__ = "0.1.0"
from weifen import autograd, linalg
from weifen import fft
from weifen.transforms import (checkpoint, custom_jvp, custom_vjp, grad, hessian, hvp,
                               jacfwd, jacobian, jacrev, jvp, linearize, stop_gradient,
                               value_and_grad, vjp, vmap)
from weifen.forward import Dual
from weifen.transforms.autograd_api import (deriv, elementwise_grad, holomorphic_grad,
                                            make_ggnvp, make_hvp, make_jvp, make_vjp,
                                            tensor_jacobian_product)
from weifen.transforms.autograd_extend import defjvp, defvjp, primitive
# The larger faces load on first use (``wf.nn``, ``wf.sym``, ``wf.jit``, ...), so that
# ``import weifen`` stays light: each name below maps to (module, attribute or None).
_LAZY = {
    "numeric": ("weifen.numeric", None), "gradcheck": ("weifen.numeric", "gradcheck"),
    "graph": ("weifen.graph", None), "make_graph": ("weifen.graph", "make_graph"),
    "jit": ("weifen.transforms.jit", "jit"),
    "nn": ("weifen.nn", None), "optim": ("weifen.optim", None), "sym": ("weifen.sym", None),
    "viz": ("weifen.viz", None), "data": ("weifen.data", None),
    "scipy": ("weifen.scipy", None),
    "load": ("weifen.serialize", "load"), "save": ("weifen.serialize", "save"),
}


def __getattr__(name: str):
    spec = _LAZY.get(name)
    if spec is None:
        raise AttributeError(f"module 'weifen' has no attribute {name!r}")
    import importlib

    mod = importlib.import_module(spec[0])
    value = mod if spec[1] is None else getattr(mod, spec[1])
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
