"""autograd.scipy -> weifen.scipy (names only)."""
from . import integrate, signal, special, stats  # noqa: F401
