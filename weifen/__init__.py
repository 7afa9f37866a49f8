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
from weifen import numeric
from weifen.numeric import gradcheck
from weifen import graph, nn, optim, sym, viz
from weifen.graph import make_graph
from weifen.transforms.jit import jit
from weifen import data
from weifen.serialize import load, save
