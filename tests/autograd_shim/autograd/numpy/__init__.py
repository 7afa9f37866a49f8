"""autograd.numpy -> weifen.numpy (names only: weifen.numpy itself offers NumPy's constants,
dtypes, creation functions and derivative-free helpers beside its differentiable functions).
"""
import weifen.numpy as _wnp
from weifen.numpy import *  # noqa: F401,F403

from . import fft, linalg, random  # noqa: F401

__version__ = _wnp.__version__


def __getattr__(name: str):
    return getattr(_wnp, name)
