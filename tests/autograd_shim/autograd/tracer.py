"""autograd.tracer -> weifen (names only)."""
from weifen.core.primitive import Box  # noqa: F401
from weifen.transforms.autograd_extend import isbox, notrace_primitive, primitive  # noqa: F401
