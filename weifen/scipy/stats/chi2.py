"""The chi-squared distribution, as ``scipy.stats.chi2``: ``(x, df, loc=0, scale=1)``, the
gamma distribution of shape ``df/2`` and scale ``2 scale``.

The density differentiates in every argument (``df`` included); the cdf and sf in ``x``,
``loc`` and ``scale`` (a traced ``df`` is refused).

>>> from weifen.scipy.stats import chi2
>>> round(float(chi2.pdf(1.0, 2.0)), 6), round(float(chi2.cdf(2.0, 2.0)), 6)
(0.303265, 0.632121)
"""
from __future__ import annotations

from typing import Any

from weifen.scipy.stats import gamma as _gamma
from weifen.scipy.stats._common import exp, log, out, raw, refuse_traced

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"]


def _scale2(scale: Any) -> Any:
    return scale * 2.0


def logpdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``xlogy(df/2 - 1, z) - z/2 - gammaln(df/2) - (df/2) log 2 - log(scale)``.

    >>> from weifen.scipy.stats import chi2
    >>> round(float(chi2.logpdf(3.0, 4.0)), 6)
    -1.787682
    """
    x, df, loc, scale = raw(x, df, loc, scale)
    return _gamma.logpdf(x, df * 0.5, loc, _scale2(scale))


def pdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The density.

    >>> from weifen.scipy.stats import chi2
    >>> round(float(chi2.pdf(3.0, 4.0)), 6)
    0.167348
    """
    return out(exp(logpdf(x, df, loc, scale)))


def cdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The cumulative distribution function, ``gammainc(df/2, z/2)``.

    >>> from weifen.scipy.stats import chi2
    >>> round(float(chi2.cdf(3.0, 4.0)), 6)
    0.442175
    """
    refuse_traced(df, "stats.chi2.cdf", "df")
    x, df, loc, scale = raw(x, df, loc, scale)
    return _gamma.cdf(x, df * 0.5, loc, _scale2(scale))


def logcdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log cdf``.

    >>> from weifen.scipy.stats import chi2
    >>> round(float(chi2.logcdf(3.0, 4.0)), 6)
    -0.81605
    """
    return out(log(cdf(x, df, loc, scale)))


def sf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The survival function, ``gammaincc(df/2, z/2)``.

    >>> from weifen.scipy.stats import chi2
    >>> round(float(chi2.sf(3.0, 4.0)), 6)
    0.557825
    """
    refuse_traced(df, "stats.chi2.sf", "df")
    x, df, loc, scale = raw(x, df, loc, scale)
    return _gamma.sf(x, df * 0.5, loc, _scale2(scale))


def logsf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log sf``.

    >>> from weifen.scipy.stats import chi2
    >>> round(float(chi2.logsf(3.0, 4.0)), 6)
    -0.583709
    """
    return out(log(sf(x, df, loc, scale)))
