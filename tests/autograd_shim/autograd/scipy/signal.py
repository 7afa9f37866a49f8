"""autograd.scipy.signal -> weifen.scipy.signal (names only)."""
from .._names import export

export(globals(), "weifen.scipy.signal")
