"""SciPy's differentiable functions under SciPy's names and signatures.

``weifen.scipy.special``, ``.stats``, ``.linalg``, ``.signal`` (``convolve``) and
``.integrate`` (``odeint``, differentiated by the adjoint method). Each submodule is
imported on first use. SciPy itself is an optional extra (``pip install weifen[scipy]``),
used only for values SciPy computes best (``gammaln`` of large arguments, ``sqrtm``);
every derivative comes from weifen's own rules, so all faces (tape, transforms, ``Dual``,
``vmap``, graphs) work, and derivatives of any order.

>>> import weifen as wf
>>> from weifen.scipy import special
>>> float(wf.grad(lambda x: special.expit(x))(0.0))
0.25
"""
from __future__ import annotations

import importlib

__all__ = ["special", "stats", "linalg", "signal", "integrate"]


def __getattr__(name: str):
    if name in __all__:
        mod = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = mod
        return mod
    raise AttributeError(f"module 'weifen.scipy' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
