"""autograd.scipy.stats.gamma -> weifen.scipy.stats.gamma (names only)."""
from ..._names import export

export(globals(), "weifen.scipy.stats", "gamma")
