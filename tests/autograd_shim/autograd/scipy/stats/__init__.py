"""autograd.scipy.stats -> weifen.scipy.stats (names only)."""
from . import beta, chi2, dirichlet, gamma, multivariate_normal, norm, poisson, t  # noqa: F401
