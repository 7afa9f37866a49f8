"""autograd.scipy.stats.poisson -> weifen.scipy.stats.poisson (names only)."""
from ..._names import export

export(globals(), "weifen.scipy.stats", "poisson")
