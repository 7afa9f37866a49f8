"""autograd.scipy.stats.t -> weifen.scipy.stats.t (names only)."""
from ..._names import export

export(globals(), "weifen.scipy.stats", "t")
