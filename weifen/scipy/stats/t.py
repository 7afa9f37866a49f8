"""Student's t distribution, as ``scipy.stats.t``: ``(x, df, loc=0, scale=1)``.

The density differentiates in every argument (``df`` included); the cdf in ``x``, ``loc``
and ``scale`` (a traced ``df`` is refused: :class:`~weifen.prims.special.NoDerivativeError`).

>>> from weifen.scipy.stats import t
>>> round(float(t.pdf(0.0, 1.0)), 6), float(t.cdf(0.0, 3.0))  # Cauchy at 0: 1/pi
(0.31831, 0.5)
"""
from __future__ import annotations

import math
from typing import Any

from weifen.prims import elementwise as E
from weifen.prims import special as S
from weifen.scipy.stats._common import exp, log, out, raw, refuse_traced, standardize

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"]


def logpdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``gammaln((df+1)/2) - gammaln(df/2) - log(df pi)/2 - log(scale)
    - (df+1)/2 log1p(z**2/df)``.

    >>> from weifen.scipy.stats import t
    >>> round(float(t.logpdf(1.0, 4.0)), 6)
    -1.538688
    """
    x, df, loc, scale = raw(x, df, loc, scale)
    z = standardize(x, loc, scale)
    h = (df + 1) * 0.5
    r = (S.gammaln_p(h) - S.gammaln_p(df * 0.5) - log(df * math.pi) * 0.5
         - h * E.log1p_p.bind(z * z / df))
    if not (type(scale) in (int, float) and scale == 1):
        r = r - log(scale)
    return out(r)


def pdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The density.

    >>> from weifen.scipy.stats import t
    >>> round(float(t.pdf(1.0, 4.0)), 6)
    0.214663
    """
    return out(exp(logpdf(x, df, loc, scale)))


def _stdtr(df: Any, z: Any, name: str) -> Any:
    refuse_traced(df, f"stats.t.{name}", "df")
    return S.stdtr_p.bind(df, z)


def cdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The cumulative distribution function (differentiable in ``x``, ``loc``, ``scale``).

    >>> from weifen.scipy.stats import t
    >>> round(float(t.cdf(1.0, 4.0)), 6)
    0.81305
    """
    x, df, loc, scale = raw(x, df, loc, scale)
    return out(_stdtr(df, standardize(x, loc, scale), "cdf"))


def logcdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log cdf``.

    >>> from weifen.scipy.stats import t
    >>> round(float(t.logcdf(0.0, 4.0)), 6)
    -0.693147
    """
    x, df, loc, scale = raw(x, df, loc, scale)
    return out(log(_stdtr(df, standardize(x, loc, scale), "logcdf")))


def sf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The survival function ``1 - cdf`` (by symmetry, the cdf at ``-z``).

    >>> from weifen.scipy.stats import t
    >>> round(float(t.sf(1.0, 4.0)), 6)
    0.18695
    """
    x, df, loc, scale = raw(x, df, loc, scale)
    return out(_stdtr(df, -standardize(x, loc, scale), "sf"))


def logsf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log sf``.

    >>> from weifen.scipy.stats import t
    >>> round(float(t.logsf(0.0, 4.0)), 6)
    -0.693147
    """
    x, df, loc, scale = raw(x, df, loc, scale)
    return out(log(_stdtr(df, -standardize(x, loc, scale), "logsf")))
