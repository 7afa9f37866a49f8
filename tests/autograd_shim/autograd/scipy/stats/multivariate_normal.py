"""autograd.scipy.stats.multivariate_normal -> weifen.scipy.stats.multivariate_normal."""
from ..._names import export

export(globals(), "weifen.scipy.stats", "multivariate_normal")
