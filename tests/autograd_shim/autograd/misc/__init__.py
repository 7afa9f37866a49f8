"""autograd.misc -> weifen (names only)."""
from weifen.transforms.autograd_extend import const_graph, flatten  # noqa: F401
