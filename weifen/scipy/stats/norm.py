"""The normal distribution, as ``scipy.stats.norm``: every function takes ``loc=0`` and
``scale=1`` and differentiates in ``x`` (or ``q``), ``loc`` and ``scale``.

>>> from weifen.scipy.stats import norm
>>> round(float(norm.pdf(0.0)), 6), float(norm.cdf(0.0)), round(float(norm.ppf(0.975)), 4)
(0.398942, 0.5, 1.96)
"""
from __future__ import annotations

from typing import Any

from weifen.scipy import special
from weifen.scipy.stats._common import HALF_LOG_2PI, exp, log, out, raw, standardize

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf", "isf"]


def _log_scale(scale: Any) -> Any:
    return 0.0 if type(scale) in (int, float) and scale == 1 else log(scale)


def logpdf(x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log pdf = -z**2/2 - log(scale) - log(2 pi)/2`` with ``z = (x - loc) / scale``.

    >>> from weifen.scipy.stats import norm
    >>> round(float(norm.logpdf(1.0, 1.0, 1.0)), 6)
    -0.918939
    """
    x, loc, scale = raw(x, loc, scale)
    z = standardize(x, loc, scale)
    return out(z * z * -0.5 - _log_scale(scale) - HALF_LOG_2PI)


def pdf(x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The density.

    >>> from weifen.scipy.stats import norm
    >>> round(float(norm.pdf(1.0, scale=2.0)), 6)
    0.176033
    """
    return out(exp(logpdf(x, loc, scale)))


def cdf(x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The cumulative distribution function, ``ndtr(z)``.

    >>> from weifen.scipy.stats import norm
    >>> round(float(norm.cdf(1.0)), 6)
    0.841345
    """
    x, loc, scale = raw(x, loc, scale)
    return special.ndtr(standardize(x, loc, scale))


def logcdf(x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log cdf``, accurate far in the left tail.

    >>> from weifen.scipy.stats import norm
    >>> round(float(norm.logcdf(-40.0)), 4)
    -804.6084
    """
    x, loc, scale = raw(x, loc, scale)
    return special.log_ndtr(standardize(x, loc, scale))


def sf(x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The survival function ``1 - cdf``, as ``ndtr(-z)``.

    >>> from weifen.scipy.stats import norm
    >>> round(float(norm.sf(1.0)), 6)
    0.158655
    """
    x, loc, scale = raw(x, loc, scale)
    return special.ndtr(-standardize(x, loc, scale))


def logsf(x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log sf``, accurate far in the right tail.

    >>> from weifen.scipy.stats import norm
    >>> round(float(norm.logsf(40.0)), 4)
    -804.6084
    """
    x, loc, scale = raw(x, loc, scale)
    return special.log_ndtr(-standardize(x, loc, scale))


def ppf(q: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The quantile function (inverse of ``cdf``), ``loc + scale * ndtri(q)``.

    >>> from weifen.scipy.stats import norm
    >>> float(norm.ppf(0.5, loc=3.0))
    3.0
    """
    q, loc, scale = raw(q, loc, scale)
    return out(special.ndtri(q) * scale + loc)


def isf(q: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The inverse of ``sf``, ``loc - scale * ndtri(q)``.

    >>> from weifen.scipy.stats import norm
    >>> round(float(norm.isf(0.025)), 4)
    1.96
    """
    q, loc, scale = raw(q, loc, scale)
    return out(loc - special.ndtri(q) * scale)
