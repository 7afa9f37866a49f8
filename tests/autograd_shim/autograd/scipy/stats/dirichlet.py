"""autograd.scipy.stats.dirichlet -> weifen.scipy.stats.dirichlet (names only)."""
from ..._names import export

export(globals(), "weifen.scipy.stats", "dirichlet")
