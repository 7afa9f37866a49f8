"""autograd.numpy.linalg -> weifen.linalg (names only), plus numpy.linalg's LinAlgError."""
from numpy.linalg import LinAlgError  # noqa: F401

from weifen.linalg import *  # noqa: F401,F403
from weifen.numpy import matmul as _dot  # noqa: F401 - autograd's batched matrix product


def __getattr__(name: str):
    import weifen.linalg as _wl

    if name == "T" and hasattr(_wl, "matrix_transpose"):  # autograd's name for it
        return _wl.matrix_transpose
    if hasattr(_wl, name):
        return getattr(_wl, name)
    raise AttributeError(f"autograd.numpy.linalg (weifen shim): weifen.linalg has no {name!r}")
