"""autograd.builtins -> weifen (names only): weifen differentiates through Python's own
containers, so autograd's container constructors are Python's."""
from builtins import dict, list, tuple  # noqa: F401

from weifen.transforms.autograd_extend import isinstance, type  # noqa: F401
