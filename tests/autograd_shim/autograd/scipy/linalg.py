"""autograd.scipy.linalg -> weifen.scipy.linalg (names only)."""
from .._names import export

export(globals(), "weifen.scipy.linalg")
