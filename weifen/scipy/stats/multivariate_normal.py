"""The multivariate normal distribution, as ``scipy.stats.multivariate_normal``:
``pdf``, ``logpdf`` ``(x, mean=None, cov=1, allow_singular=False)`` and ``entropy``.

``x`` holds points along its last axis (``(d,)`` gives a scalar, ``(n, d)`` n values);
``cov`` may be a matrix, a vector (the diagonal) or a scalar, as in SciPy. With a
nonsingular ``cov`` (Cholesky factor) everything is differentiable, ``cov`` included (the
derivative of the function SciPy computes, which reads the lower triangle). With
``allow_singular=True`` the pseudo-inverse and pseudo-determinant are used, as in SciPy;
``x`` and ``mean`` stay differentiable, a traced ``cov`` is refused (as in autograd).

>>> import numpy as np
>>> from weifen.scipy.stats import multivariate_normal as mvn
>>> round(float(mvn.logpdf(np.zeros(2), np.zeros(2), np.eye(2))), 6)  # -log(2 pi)
-1.837877
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from weifen.prims.shape import shape_of

import weifen as wf
from weifen.prims.special import no_derivative_p, out_dtype
from weifen.scipy.stats._common import exp, log, out, raw, refuse_traced

__all__ = ["logpdf", "pdf", "entropy"]

LOG_2PI = math.log(2.0 * math.pi)


def _params(x: Any, mean: Any, cov: Any) -> tuple:
    """(x as (n, d) or (d,), mean as (d,), cov as (d, d), dim), SciPy's shape conventions."""
    cs = shape_of(cov)
    if mean is not None:  # SciPy: the dimension is the size of mean, else cov's
        d = int(np.prod(shape_of(mean), dtype=np.int64))
    else:
        d = cs[0] if cs else 1
    dt = out_dtype(tuple(v for v in (x, mean, cov) if v is not None))
    if mean is None:
        mean = np.zeros(d, dt)
    else:
        mean = wf.reshape(mean, (d,))
    if len(cs) == 0:
        cov = np.eye(d, dtype=dt) * cov
    elif len(cs) == 1:
        cov = wf.diag(cov)
    if x is not None:
        if len(shape_of(x)) == 0:
            x = wf.reshape(x, (1,))
        elif len(shape_of(x)) == 1 and d == 1:
            x = wf.reshape(x, (-1, 1))
    return x, mean, cov, d


def _logpdf(x: Any, mean: Any, cov: Any, allow_singular: bool) -> Any:
    x, mean, cov, d = _params(*raw(x, mean, cov))
    dev = x - mean
    if not allow_singular:
        L = wf.linalg.cholesky(cov)
        y = wf.linalg.solve_triangular(L, wf.swapaxes(wf.atleast_2d(dev), 0, 1), lower=True)
        maha = wf.sum(y * y, axis=0)
        logdet = 2.0 * wf.sum(log(wf.diagonal(L)))
        r = (maha + (logdet + d * LOG_2PI)) * -0.5
        return r if len(shape_of(dev)) > 1 else wf.reshape(r, ())
    refuse_traced(cov, "stats.multivariate_normal (allow_singular=True)", "cov")
    w, V = wf.linalg.eigh(no_derivative_p(cov, what="multivariate_normal with "
                                          "allow_singular=True: cov"))
    w, V = wf.stop_gradient(w), wf.stop_gradient(V)
    # SciPy's cut-off for zero eigenvalues (written with weifen ops: it also runs under vmap)
    factor = 1e3 if np.dtype(w.dtype) == np.float32 else 1e6
    eps = wf.max(wf.abs(w), axis=-1, keepdims=True) * (factor * np.finfo(w.dtype).eps)
    keep = w > eps
    wk = wf.where(keep, w, 1.0)
    U = V * wf.where(keep, 1.0 / wf.sqrt(wk), 0.0)
    proj = wf.matmul(dev, U)
    maha = wf.sum(proj * proj, axis=-1)
    rank = wf.sum(wf.astype(keep, w.dtype), axis=-1)
    r = (maha + (wf.sum(log(wk), axis=-1) + rank * LOG_2PI)) * -0.5
    # points off the support (a component along a zero eigenvalue): -inf, as in SciPy
    off_part = wf.matmul(wf.stop_gradient(dev), V * wf.where(keep, 0.0, 1.0))
    off = wf.sqrt(wf.sum(off_part * off_part, axis=-1)) >= wf.reshape(eps, ())
    return wf.where(off, -np.inf, r)


def logpdf(x: Any, mean: Any = None, cov: Any = 1, allow_singular: bool = False) -> Any:
    """The log density; ``-(d log(2 pi) + log det(cov) + maha) / 2``.

    >>> import numpy as np
    >>> from weifen.scipy.stats import multivariate_normal as mvn
    >>> r = mvn.logpdf(np.zeros((3, 2)), cov=np.eye(2))
    >>> r.shape
    (3,)
    """
    return out(_logpdf(x, mean, cov, allow_singular))


def pdf(x: Any, mean: Any = None, cov: Any = 1, allow_singular: bool = False) -> Any:
    """The density.

    >>> import numpy as np
    >>> from weifen.scipy.stats import multivariate_normal as mvn
    >>> round(float(mvn.pdf(np.zeros(2), cov=np.eye(2))), 6)  # 1 / (2 pi)
    0.159155
    """
    return out(exp(_logpdf(x, mean, cov, allow_singular)))


def entropy(mean: Any = None, cov: Any = 1) -> Any:
    """The differential entropy ``(d (1 + log(2 pi)) + log det(cov)) / 2``; it does not
    depend on ``mean`` (its derivative there is zero).

    >>> import numpy as np
    >>> from weifen.scipy.stats import multivariate_normal as mvn
    >>> round(float(mvn.entropy(cov=np.eye(2))), 6)
    2.837877
    """
    _, _, cov, d = _params(None, *raw(mean, cov))
    L = wf.linalg.cholesky(cov)
    return out(wf.sum(log(wf.diagonal(L))) + 0.5 * d * (1.0 + LOG_2PI))
