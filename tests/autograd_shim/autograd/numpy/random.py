"""autograd.numpy.random -> weifen.numpy.random (NumPy's: random numbers carry no derivative)."""
import weifen.numpy as _wnp

globals().update({n: getattr(_wnp.random, n) for n in dir(_wnp.random) if not n.startswith("_")})
