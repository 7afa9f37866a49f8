"""autograd.wrap_util -> weifen (names only)."""
from weifen.transforms.autograd_api import get_name, unary_to_nary  # noqa: F401
