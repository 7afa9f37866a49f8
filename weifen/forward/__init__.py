"""Forward mode: dual numbers ``a + b·ε`` with ``ε² = 0``."""
from weifen.forward.dual import Dual

__all__ = ["Dual"]
