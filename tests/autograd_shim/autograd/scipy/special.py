"""autograd.scipy.special -> weifen.scipy.special (names only)."""
from .._names import export

export(globals(), "weifen.scipy.special")
