"""autograd.misc.flatten -> weifen (names only)."""
from weifen.transforms.autograd_extend import flatten  # noqa: F401
