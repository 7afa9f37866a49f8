"""JAX-style function transforms; each is a small driver over one interpreter."""
from weifen.transforms.custom import checkpoint, custom_jvp, custom_vjp, stop_gradient
from weifen.transforms.forward import hvp, jacfwd, jacobian, jvp, linearize
from weifen.transforms.reverse import grad, hessian, jacrev, value_and_grad, vjp
from weifen.transforms.vmap import vmap

# wf.jit lives in weifen.transforms.jit and loads on first use (graphs, code generation)

__all__ = ["checkpoint", "custom_jvp", "custom_vjp", "stop_gradient", "grad", "hessian", "jacrev",
           "value_and_grad", "vjp", "hvp", "jacfwd", "jacobian", "jvp", "linearize", "vmap"]
