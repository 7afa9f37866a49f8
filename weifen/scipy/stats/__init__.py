"""``scipy.stats`` distributions under SciPy's names and signatures, differentiable.

One module per distribution, each with SciPy's functions and arguments (``loc``,
``scale``, ``df``, ``a``, ``b``, ``mu``, ``mean``, ``cov``, ``alpha``): ``norm``, ``t``,
``gamma``, ``beta``, ``chi2``, ``poisson``, ``multivariate_normal`` and ``dirichlet``, the
distributions HIPS autograd's ``autograd.scipy.stats`` differentiates. Densities are
composites of weifen ops, so they differentiate to any order in every float argument.
The cdfs reach a primitive of :mod:`weifen.prims.special` (``gammainc``, ``betainc``,
``stdtr``) that is differentiated in ``x``, ``loc`` and ``scale`` only: asking for the
derivative in a shape parameter (``a``, ``b``, ``df``) raises
:class:`~weifen.prims.special.NoDerivativeError`, never a silent zero.

>>> import weifen as wf
>>> from weifen.scipy import stats
>>> round(float(wf.grad(stats.norm.logpdf)(1.5)), 6)  # -x
-1.5
>>> round(float(wf.grad(lambda s: stats.norm.logpdf(1.0, 0.0, s))(2.0)), 6)
-0.375
"""
from __future__ import annotations

from weifen.scipy.stats import (beta, chi2, dirichlet, gamma, multivariate_normal,  # noqa: F401
                                norm, poisson, t)

__all__ = ["norm", "t", "gamma", "beta", "chi2", "poisson", "multivariate_normal",
           "dirichlet"]
