"""autograd.numpy -> weifen.numpy, plus NumPy's constants and non-differentiable helpers.

A name resolves to, in order: weifen.numpy's function; weifen's array creation functions
(``wf.array``, ``wf.zeros``, ...); NumPy's value when it is a constant, a dtype or a class;
NumPy's function when it is on the list below (its result carries no derivative: a bool, an
index, a shape, or an array made from no input). Any other NumPy function is missing, so a
test that needs it fails with a message naming it.
"""
import numpy as _onp

import weifen as _wf
import weifen.numpy as _wnp
from weifen.numpy import *  # noqa: F401,F403

from . import fft, linalg, random  # noqa: F401

__version__ = _onp.__version__

_CREATION = ("array", "asarray", "zeros", "ones", "eye", "arange", "linspace", "full",
             "zeros_like", "ones_like", "full_like")

# NumPy functions whose results carry no derivative, taken from NumPy as they are
_HELPERS = frozenset("""
    allclose isclose array_equal array_equiv isnan isinf isposinf isneginf isfinite signbit
    iscomplex isreal iscomplexobj isrealobj isscalar shape ndim size result_type
    promote_types can_cast issubdtype finfo iinfo argwhere flatnonzero searchsorted ndindex
    unravel_index ravel_multi_index indices broadcast_shapes digitize bincount
    diag_indices tril_indices triu_indices empty empty_like identity tri geomspace logspace
    ndenumerate
""".split())


def __getattr__(name: str):
    if name in _CREATION:
        return getattr(_wf, name)
    if hasattr(_wnp, name) and not name.startswith("_"):
        return getattr(_wnp, name)
    if hasattr(_onp, name) and not name.startswith("_"):
        value = getattr(_onp, name)
        if not callable(value) or isinstance(value, type) or name in _HELPERS:
            return value
    raise AttributeError(f"autograd.numpy (weifen shim): weifen.numpy has no {name!r}")
