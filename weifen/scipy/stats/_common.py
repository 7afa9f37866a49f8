"""Helpers of the distribution modules: standardizing, support masks, refusals.

>>> import numpy as np
>>> standardize(np.array([1.0, 3.0]), 1.0, 2.0)
array([0., 1.])
"""
from __future__ import annotations

import math
from typing import Any

from weifen.numpy._util import _raw, _t
from weifen.prims import elementwise as E
from weifen.prims.special import refuse_traced

HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)

__all__ = ["standardize", "masked", "fill", "support", "log", "exp", "refuse_traced", "raw",
           "out", "HALF_LOG_2PI"]


def raw(*xs: Any) -> Any:
    return tuple(_raw(x) for x in xs)


def out(x: Any) -> Any:
    return _t(x)


def standardize(x: Any, loc: Any, scale: Any) -> Any:
    """``(x - loc) / scale`` (no operation where loc is 0 and scale 1)."""
    if not (type(loc) in (int, float) and loc == 0):
        x = x - loc
    if not (type(scale) in (int, float) and scale == 1):
        x = x / scale
    return x


def log(x: Any) -> Any:
    return E.log_p.bind(x)


def exp(x: Any) -> Any:
    return E.exp_p.bind(x)


def masked(inside: Any, z: Any, safe: float) -> Any:
    """``z`` where ``inside`` holds, ``safe`` elsewhere (so no rule meets a log of a
    negative number outside the support, in the value or any derivative)."""
    return E.where_p.bind(inside, z, safe)


def fill(inside: Any, val: Any, outside: float) -> Any:
    return E.where_p.bind(inside, val, outside)


def support(z: Any, lo: float | None, hi: float | None) -> Any:
    """The boolean mask ``lo <= z <= hi`` (either bound may be None), on the values."""
    m = True
    if lo is not None:
        m = E.ge_p.bind(z, lo)
    if hi is not None:
        m2 = E.le_p.bind(z, hi)
        m = m2 if m is True else E.logical_and_p.bind(m, m2)
    return m
