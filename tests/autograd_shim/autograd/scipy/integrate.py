"""autograd.scipy.integrate -> weifen.scipy.integrate (names only)."""
from .._names import export

export(globals(), "weifen.scipy.integrate")
