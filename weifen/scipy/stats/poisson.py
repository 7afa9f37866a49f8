"""The Poisson distribution, as ``scipy.stats.poisson``: ``(k, mu, loc=0)``.

Differentiable in ``mu`` (to any order); ``k`` counts (the functions are piecewise
constant in it, so it carries no derivative). ``pmf`` is 0 (``logpmf`` ``-inf``) where
``k - loc`` is negative or not an integer, as in SciPy.

>>> from weifen.scipy.stats import poisson
>>> round(float(poisson.pmf(2.0, 3.0)), 6), round(float(poisson.cdf(2.0, 3.0)), 6)
(0.224042, 0.42319)
"""
from __future__ import annotations

from typing import Any

import numpy as np

from weifen.prims import elementwise as E
from weifen.prims import special as S
from weifen.prims.special import out_dtype
from weifen.scipy.stats._common import exp, fill, log, masked, out, raw

__all__ = ["logpmf", "pmf", "cdf", "logcdf", "sf", "logsf"]


def _count(k: Any, loc: Any, mu: Any) -> Any:
    dt = getattr(k, "dtype", None)
    if dt is not None and np.dtype(dt).kind in "biu":  # integer counts: mu's float dtype
        k = E.astype_p.bind(k, dtype=out_dtype((mu,)))
    k = E.stop_gradient_p.bind(k)
    loc = E.stop_gradient_p.bind(loc)
    return k - loc if not (type(loc) in (int, float) and loc == 0) else k


def logpmf(k: Any, mu: Any, loc: Any = 0.0) -> Any:
    """``xlogy(k, mu) - gammaln(k + 1) - mu`` at nonnegative integers ``k``.

    >>> from weifen.scipy.stats import poisson
    >>> round(float(poisson.logpmf(2.0, 3.0)), 6)
    -1.495923
    """
    k, mu, loc = raw(k, mu, loc)
    k = _count(k, loc, mu)
    inside = E.logical_and_p.bind(E.ge_p.bind(k, 0.0), E.eq_p.bind(E.floor_p.bind(k), k))
    ks = masked(inside, k, 0.0)
    r = S.xlogy_p(ks, mu) - S.gammaln_p(ks + 1.0) - mu
    return out(fill(inside, r, -float("inf")))


def pmf(k: Any, mu: Any, loc: Any = 0.0) -> Any:
    """The probability mass function.

    >>> from weifen.scipy.stats import poisson
    >>> round(float(poisson.pmf(0.0, 2.0)), 6)
    0.135335
    """
    return out(exp(logpmf(k, mu, loc)))


def _tail(prim: Any, k: Any, mu: Any, loc: Any, below: float) -> Any:
    k, mu, loc = raw(k, mu, loc)
    k = E.floor_p.bind(_count(k, loc, mu))
    inside = E.ge_p.bind(k, 0.0)
    # P(K <= k) = gammaincc(k + 1, mu), differentiated in mu: -pmf(k, mu)
    return fill(inside, prim(masked(inside, k, 0.0) + 1.0, mu), below)


def cdf(k: Any, mu: Any, loc: Any = 0.0) -> Any:
    """The cumulative distribution function ``P(K <= k)``.

    >>> from weifen.scipy.stats import poisson
    >>> round(float(poisson.cdf(0.0, 2.0)), 6)
    0.135335
    """
    return out(_tail(S.gammaincc_p, k, mu, loc, 0.0))


def logcdf(k: Any, mu: Any, loc: Any = 0.0) -> Any:
    """``log cdf``.

    >>> from weifen.scipy.stats import poisson
    >>> round(float(poisson.logcdf(0.0, 2.0)), 6)
    -2.0
    """
    return out(log(cdf(k, mu, loc)))


def sf(k: Any, mu: Any, loc: Any = 0.0) -> Any:
    """The survival function ``P(K > k)``.

    >>> from weifen.scipy.stats import poisson
    >>> round(float(poisson.sf(0.0, 2.0)), 6)
    0.864665
    """
    return out(_tail(S.gammainc_p, k, mu, loc, 1.0))


def logsf(k: Any, mu: Any, loc: Any = 0.0) -> Any:
    """``log sf``.

    >>> from weifen.scipy.stats import poisson
    >>> round(float(poisson.logsf(0.0, 2.0)), 6)
    -0.145413
    """
    return out(log(sf(k, mu, loc)))
