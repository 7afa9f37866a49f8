"""autograd.util -> weifen (names only)."""
from weifen.transforms.autograd_extend import quick_grad_check  # noqa: F401
