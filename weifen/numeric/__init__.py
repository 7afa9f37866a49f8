"""Numerical differentiation: finite differences, Richardson extrapolation and ``gradcheck``.

These functions treat ``f`` as a black box (they never look at weifen's rule table), which
is what makes them a check on every other face of the library.

>>> import numpy as np
>>> from weifen import numeric
>>> round(numeric.derivative(np.sin, 0.0), 9)
1.0
"""
from weifen.errors import GradcheckError
from weifen.numeric.differences import derivative, gradient, hessian, jacobian, stencil
from weifen.numeric.gradcheck import gradcheck

__all__ = ["derivative", "gradient", "jacobian", "hessian", "stencil", "gradcheck",
           "GradcheckError"]
