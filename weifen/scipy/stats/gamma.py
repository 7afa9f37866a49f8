"""The gamma distribution, as ``scipy.stats.gamma``: ``(x, a, loc=0, scale=1)``.

The density differentiates in every argument; the cdf and sf in ``x``, ``loc`` and
``scale`` (a traced shape ``a`` is refused: :class:`~weifen.prims.special.NoDerivativeError`).
Outside the support (``x < loc``) the density is 0 and its log ``-inf``, as in SciPy.

>>> from weifen.scipy.stats import gamma
>>> round(float(gamma.pdf(1.0, 1.0)), 6), round(float(gamma.cdf(1.0, 1.0)), 6)  # exp(-1)
(0.367879, 0.632121)
"""
from __future__ import annotations

from typing import Any

from weifen.prims import special as S
from weifen.scipy.stats._common import (exp, fill, log, masked, out, raw, refuse_traced,
                                        standardize, support)

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"]


def _logpdf(z: Any, a: Any) -> Any:
    """The standardized log density (``z >= 0``; -inf below)."""
    inside = support(z, 0.0, None)
    zs = masked(inside, z, 1.0)
    return fill(inside, S.xlogy_p(a - 1, zs) - zs - S.gammaln_p(a), -float("inf"))


def logpdf(x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``xlogy(a-1, z) - z - gammaln(a) - log(scale)`` with ``z = (x - loc) / scale``.

    >>> from weifen.scipy.stats import gamma
    >>> round(float(gamma.logpdf(2.0, 3.0)), 6)
    -1.306853
    """
    x, a, loc, scale = raw(x, a, loc, scale)
    r = _logpdf(standardize(x, loc, scale), a)
    if not (type(scale) in (int, float) and scale == 1):
        r = r - log(scale)
    return out(r)


def pdf(x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The density.

    >>> from weifen.scipy.stats import gamma
    >>> round(float(gamma.pdf(2.0, 3.0)), 6)
    0.270671
    """
    return out(exp(logpdf(x, a, loc, scale)))


def _p(fn: str, prim: Any, x: Any, a: Any, loc: Any, scale: Any) -> Any:
    refuse_traced(a, f"stats.gamma.{fn}", "a")
    z = standardize(x, loc, scale)
    inside = support(z, 0.0, None)
    return inside, prim(a, masked(inside, z, 0.0))


def cdf(x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The cumulative distribution function, ``gammainc(a, z)``.

    >>> from weifen.scipy.stats import gamma
    >>> round(float(gamma.cdf(2.0, 3.0)), 6)
    0.323324
    """
    inside, p = _p("cdf", S.gammainc_p, *raw(x, a, loc, scale))
    return out(fill(inside, p, 0.0))


def logcdf(x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log cdf``.

    >>> from weifen.scipy.stats import gamma
    >>> round(float(gamma.logcdf(2.0, 3.0)), 6)
    -1.129102
    """
    return out(log(cdf(x, a, loc, scale)))


def sf(x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The survival function, ``gammaincc(a, z)``.

    >>> from weifen.scipy.stats import gamma
    >>> round(float(gamma.sf(2.0, 3.0)), 6)
    0.676676
    """
    inside, p = _p("sf", S.gammaincc_p, *raw(x, a, loc, scale))
    return out(fill(inside, p, 1.0))


def logsf(x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log sf``.

    >>> from weifen.scipy.stats import gamma
    >>> round(float(gamma.logsf(2.0, 3.0)), 6)
    -0.390562
    """
    return out(log(sf(x, a, loc, scale)))
