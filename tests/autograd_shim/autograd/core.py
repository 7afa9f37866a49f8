"""autograd.core -> weifen (names only)."""
from weifen.core.primitive import REGISTRY as primitive_vjps  # noqa: F401 - the rule table
from weifen.core.primitive import REGISTRY as primitive_jvps  # noqa: F401
from weifen.transforms.autograd_api import make_jvp_unary as make_jvp  # noqa: F401
from weifen.transforms.autograd_api import make_vjp_unary as make_vjp  # noqa: F401
from weifen.transforms.autograd_extend import (  # noqa: F401
    VSpace,
    def_linear,
    defjvp,
    defjvp_argnum,
    defjvp_argnums,
    defvjp,
    defvjp_argnum,
    defvjp_argnums,
    primitive,
    vspace,
)
