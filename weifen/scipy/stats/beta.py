"""The beta distribution, as ``scipy.stats.beta``: ``(x, a, b, loc=0, scale=1)``.

The density differentiates in every argument; the cdf and sf in ``x``, ``loc`` and
``scale`` (traced shapes ``a``, ``b`` are refused:
:class:`~weifen.prims.special.NoDerivativeError`).
Outside ``[0, 1]`` (after standardizing) the density is 0, its log ``-inf``.

>>> from weifen.scipy.stats import beta
>>> float(beta.pdf(0.3, 1.0, 1.0)), round(float(beta.cdf(0.5, 2.0, 2.0)), 12)
(1.0, 0.5)
"""
from __future__ import annotations

from typing import Any

from weifen.prims import elementwise as E
from weifen.prims import special as S
from weifen.scipy.stats._common import (exp, fill, log, masked, out, raw, refuse_traced,
                                        standardize, support)

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"]


def logpdf(x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``xlogy(a-1, z) + xlog1py(b-1, -z) - betaln(a, b) - log(scale)``.

    >>> from weifen.scipy.stats import beta
    >>> round(float(beta.logpdf(0.3, 2.0, 3.0)), 6)
    0.567584
    """
    x, a, b, loc, scale = raw(x, a, b, loc, scale)
    z = standardize(x, loc, scale)
    inside = support(z, 0.0, 1.0)
    zs = masked(inside, z, 0.5)
    r = S.xlogy_p(a - 1, zs) + S.xlog1py_p(b - 1, -zs) - S.betaln_p(a, b)
    if not (type(scale) in (int, float) and scale == 1):
        r = r - log(scale)
    return out(fill(inside, r, -float("inf")))


def pdf(x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The density.

    >>> from weifen.scipy.stats import beta
    >>> round(float(beta.pdf(0.3, 2.0, 3.0)), 6)
    1.764
    """
    return out(exp(logpdf(x, a, b, loc, scale)))


def _clipped(fn: str, x: Any, a: Any, b: Any, loc: Any, scale: Any) -> Any:
    refuse_traced(a, f"stats.beta.{fn}", "a")
    refuse_traced(b, f"stats.beta.{fn}", "b")
    x, a, b, loc, scale = raw(x, a, b, loc, scale)
    z = standardize(x, loc, scale)
    below, above = E.lt_p.bind(z, 0.0), E.gt_p.bind(z, 1.0)
    inside = E.logical_not_p.bind(E.logical_or_p.bind(below, above))
    return a, b, masked(inside, z, 0.5), below, above


def cdf(x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The cumulative distribution function, ``betainc(a, b, z)``.

    >>> from weifen.scipy.stats import beta
    >>> round(float(beta.cdf(0.3, 2.0, 3.0)), 6)
    0.3483
    """
    a, b, z, below, above = _clipped("cdf", x, a, b, loc, scale)
    return out(fill(below, 0.0, fill(above, 1.0, S.betainc_p(a, b, z))))


def logcdf(x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log cdf``.

    >>> from weifen.scipy.stats import beta
    >>> round(float(beta.logcdf(0.3, 2.0, 3.0)), 6)
    -1.054691
    """
    return out(log(cdf(x, a, b, loc, scale)))


def sf(x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The survival function, ``betainc(b, a, 1 - z)`` (no cancellation near 1).

    >>> from weifen.scipy.stats import beta
    >>> round(float(beta.sf(0.3, 2.0, 3.0)), 6)
    0.6517
    """
    a, b, z, below, above = _clipped("sf", x, a, b, loc, scale)
    return out(fill(below, 1.0, fill(above, 0.0, S.betainc_p(b, a, 1.0 - z))))


def logsf(x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log sf``.

    >>> from weifen.scipy.stats import beta
    >>> round(float(beta.logsf(0.3, 2.0, 3.0)), 6)
    -0.428171
    """
    return out(log(sf(x, a, b, loc, scale)))
