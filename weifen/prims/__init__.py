"""The rule table: one block per primitive, one file per family.

``REGISTRY`` (name -> Primitive) lists them all; ``weifen.prims.elementwise.sin_p`` is
where the rules of ``sin`` live.
"""
from weifen.core.primitive import REGISTRY
from weifen.prims import elementwise, indexing, linalg, reduce, shape  # noqa: F401 - fill REGISTRY

__all__ = ["REGISTRY"]
