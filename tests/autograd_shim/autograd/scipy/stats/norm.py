"""autograd.scipy.stats.norm -> weifen.scipy.stats.norm (names only)."""
from ..._names import export

export(globals(), "weifen.scipy.stats", "norm")
