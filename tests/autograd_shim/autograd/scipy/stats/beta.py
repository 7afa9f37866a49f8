"""autograd.scipy.stats.beta -> weifen.scipy.stats.beta (names only)."""
from ..._names import export

export(globals(), "weifen.scipy.stats", "beta")
