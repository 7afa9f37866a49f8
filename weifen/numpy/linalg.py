"""User-facing linear algebra (``matmul dot vdot outer einsum trace``; ``wf.linalg.*``)."""
from __future__ import annotations

from typing import Any

from weifen.numpy._util import _raw, _t
from weifen.prims import linalg as LA


def matmul(a: Any, b: Any) -> Any:
    """Matrix product with NumPy's rules (1-D operands, batched stacks), as ``np.matmul``.

    >>> import weifen as wf
    >>> wf.matmul(wf.eye(2), wf.tensor([1.0, 2.0]))
    tensor([1., 2.])
    """
    return _t(LA.matmul_p.bind(_raw(a), _raw(b)))

__all__ = [n for n in dir() if not n.startswith("_") and n not in ("Any", "np", "annotations", "Box", "E", "R", "S", "LA")]
