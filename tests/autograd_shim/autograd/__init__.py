"""autograd -> weifen (names only; see tests/autograd_shim/__init__.py)."""
from weifen.transforms.autograd_api import (  # noqa: F401
    checkpoint,
    deriv,
    elementwise_grad,
    grad,
    grad_and_aux,
    grad_named,
    hessian,
    hessian_tensor_product,
    hessian_vector_product,
    holomorphic_grad,
    jacobian,
    make_ggnvp,
    make_hvp,
    make_jvp,
    make_vjp,
    tensor_jacobian_product,
    value_and_grad,
    vector_jacobian_product,
)
from weifen.transforms.autograd_extend import primitive  # noqa: F401

from .builtins import dict, isinstance, list, tuple, type  # noqa: F401
