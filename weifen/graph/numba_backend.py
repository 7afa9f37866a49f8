"""The numba backend (``pip install weifen[jit]``): the NumPy backend's straight-line code,
with every elementwise fusion region compiled by numba into one loop nest
(:func:`weifen.graph.kernels.numba_region`), region by region falling back to NumPy where
numba cannot compile.

>>> import numpy as np
>>> import weifen as wf
>>> from weifen.transforms.jit import numba_available
>>> f = wf.jit(lambda x: wf.tanh(x * 0.9 + 0.1).sum(), backend="numba") \\
...     if numba_available() else wf.jit(lambda x: wf.tanh(x * 0.9 + 0.1).sum())
>>> round(float(f(np.zeros(4))), 6)
0.398672
"""
from __future__ import annotations

from typing import Any

from weifen.graph.codegen import Compiled
from weifen.graph.fusion import fuse
from weifen.graph.kernels import numba_region


def compile_numba(g: Any, name: str = "run") -> Compiled:
    """Compile the optimised graph ``g``: fuse it, then generate code whose regions call
    numba kernels."""
    fg = fuse(g)
    return Compiled(fg, name, kernel_for=numba_region)


__all__ = ["compile_numba"]
