"""Complex primitives: ``real``, ``imag``, ``conj`` and ``complex`` (``x + i y`` of real parts).

Derivatives follow JAX's convention. A complex value ``z = x + i y`` is a pair of reals, and
the cotangent of ``z`` is ``dL/dx - i dL/dy`` (so ``grad`` of ``|z|**2`` is ``2 conj(z)``).
A cotangent pairs with a tangent by ``real(ct * dz)`` (no conjugate), so the vjp of a
complex-linear map is its plain transpose: the rules of holomorphic primitives (``g * y`` for
``x * y``) hold unchanged for complex values, and only the maps that are linear over the
reals alone need rules of their own:

* ``real``: tangent ``real(dz)``, cotangent ``g + 0i``;
* ``imag``: tangent ``imag(dz)``, cotangent ``-i g``;
* ``conj``: tangent ``conj(dz)``, cotangent ``conj(g)``;
* ``complex(x, y)``: tangent ``dx + i dy``, cotangents ``real(g)`` and ``-imag(g)``.

``real``, ``imag`` and ``conj`` are bound only to complex values (the public functions
return real inputs unchanged, or zeros for ``imag``), so each rule knows its input is
complex.

>>> import numpy as np
>>> complex_p(np.array([1.0, 2.0]), 3.0)
array([1.+3.j, 2.+3.j])
"""
from __future__ import annotations

import numpy as np

from weifen.core.primitive import Primitive
from weifen.prims._batch import elementwise


def _complex(x, y):
    # NumPy's promotion: float32 parts give complex64, float64 (and Python floats) complex128
    dt = np.result_type(x, y, np.complex64)
    if type(x) is float and type(y) is float:
        return complex(x, y)
    return np.add(x, np.multiply(y, 1j)).astype(dt, copy=False)  # stays on x's backend


def _re(g):
    # the cotangent of a real output is real; a complex one arrives where the real value met
    # complex ones downstream (real(z) * 1j), and its real part is the cotangent (JAX takes
    # it where it promotes the real value to complex)
    dt = getattr(g, "dtype", None)
    return real_p(g) if (type(g) is complex if dt is None else dt.kind == "c") else g


real_p = Primitive("real", np.real, keep=((),),
                   vjp=(lambda g, out, z: complex_p(_re(g), 0.0),),
                   jvp=(lambda dz, out, z: real_p(dz),))
imag_p = Primitive("imag", np.imag, keep=((),),
                   vjp=(lambda g, out, z: complex_p(0.0, -_re(g)),),
                   jvp=(lambda dz, out, z: imag_p(dz),))
conj_p = Primitive("conj", np.conj, keep=((),),
                   vjp=(lambda g, out, z: conj_p(g),),
                   jvp=(lambda dz, out, z: conj_p(dz),))
# the cotangent of a complex output is complex; a real one (a user's real seed) has
# imaginary part 0, which np.imag gives too
complex_p = Primitive("complex", _complex, broadcasts=True, keep=((), ()),
                      vjp=(lambda g, out, x, y: real_p(g),
                           lambda g, out, x, y: -imag_p(g)),
                      jvp=(lambda dx, out, x, y: complex_p(dx, 0.0),
                           lambda dy, out, x, y: complex_p(0.0, dy)))

for _p in (real_p, imag_p, conj_p, complex_p):
    _p.batch = elementwise(_p)

real_cotangent = _re  # for the rules of other real outputs of complex values (irfft)

__all__ = ["real_p", "imag_p", "conj_p", "complex_p", "real_cotangent"]
