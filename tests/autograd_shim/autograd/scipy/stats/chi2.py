"""autograd.scipy.stats.chi2 -> weifen.scipy.stats.chi2 (names only)."""
from ..._names import export

export(globals(), "weifen.scipy.stats", "chi2")
