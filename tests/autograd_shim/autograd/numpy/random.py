"""autograd.numpy.random -> numpy.random (random numbers carry no derivative)."""
import numpy.random as _npr

globals().update({n: getattr(_npr, n) for n in dir(_npr) if not n.startswith("_")})
