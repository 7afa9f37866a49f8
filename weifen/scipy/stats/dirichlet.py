"""The Dirichlet distribution, as ``scipy.stats.dirichlet``: ``pdf``, ``logpdf``
``(x, alpha)`` and ``rvs``.

The components run along the FIRST axis of ``x``, as in SciPy (``(K,)`` or ``(K, n)``); a
``x`` with ``K - 1`` components gets the last one as ``1 - sum``. Both ``x`` and ``alpha``
are differentiable (to any order).

>>> import numpy as np
>>> from weifen.scipy.stats import dirichlet
>>> float(dirichlet.pdf(np.array([0.2, 0.8]), np.array([1.0, 1.0])))
1.0
"""
from __future__ import annotations

from typing import Any

import numpy as np

from weifen.prims.shape import shape_of

import weifen as wf
from weifen.prims import special as S
from weifen.scipy.stats._common import exp, out, raw, refuse_traced

__all__ = ["logpdf", "pdf", "rvs"]


def _logpdf(x: Any, alpha: Any) -> Any:
    x, alpha = raw(x, alpha)
    K = shape_of(alpha)[0]
    if shape_of(x)[0] == K - 1:
        x = wf.concatenate([x, 1.0 - wf.sum(x, axis=0, keepdims=True)], axis=0)
    elif shape_of(x)[0] != K:
        raise ValueError(f"dirichlet: x has {shape_of(x)[0]} components, alpha {K}")
    a = wf.reshape(alpha, (K,) + (1,) * (len(shape_of(x)) - 1))
    lnB = wf.sum(S.gammaln_p(alpha)) - S.gammaln_p(wf.sum(alpha))
    return wf.sum(S.xlogy_p(a - 1.0, x), axis=0) - lnB


def logpdf(x: Any, alpha: Any) -> Any:
    """``sum((alpha - 1) log x) - log B(alpha)``.

    >>> import numpy as np
    >>> from weifen.scipy.stats import dirichlet
    >>> round(float(dirichlet.logpdf(np.array([0.2, 0.3, 0.5]), np.array([2.0, 2.0, 2.0]))), 6)
    1.280934
    """
    return out(_logpdf(x, alpha))


def pdf(x: Any, alpha: Any) -> Any:
    """The density.

    >>> import numpy as np
    >>> from weifen.scipy.stats import dirichlet
    >>> round(float(dirichlet.pdf(np.array([0.2, 0.3, 0.5]), np.array([2.0, 2.0, 2.0]))), 6)
    3.6
    """
    return out(exp(_logpdf(x, alpha)))


def rvs(alpha: Any, size: Any = 1, random_state: Any = None) -> np.ndarray:
    """Samples, shape ``size + (K,)`` (values only: a traced ``alpha`` is refused). Uses
    SciPy's sampler when installed (same stream as ``scipy.stats.dirichlet.rvs``), else
    NumPy's.

    >>> import numpy as np
    >>> from weifen.scipy.stats import dirichlet
    >>> s = dirichlet.rvs(np.array([1.0, 2.0]), size=3, random_state=0)
    >>> s.shape, bool(np.allclose(s.sum(axis=1), 1.0))
    ((3, 2), True)
    """
    refuse_traced(alpha, "stats.dirichlet.rvs", "alpha")
    alpha = np.asarray(alpha)
    try:
        from scipy.stats import dirichlet as sd
    except ImportError:  # pragma: no cover - depends on the environment
        rs = random_state
        if rs is None or isinstance(rs, (int, np.integer)):
            rs = np.random.RandomState(rs) if rs is not None else np.random.mtrand._rand
        return rs.dirichlet(alpha, size)
    return sd.rvs(alpha, size=size, random_state=random_state)
