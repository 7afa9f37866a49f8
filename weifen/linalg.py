"""``wf.linalg``: NumPy's ``numpy.linalg`` names over weifen's differentiable primitives.

The functions live in :mod:`weifen.numpy.linalg` (next to ``dot``, ``einsum``, ``norm``);
this module is the namespace users reach them by, as ``np.linalg`` is for NumPy.

>>> import weifen as wf
>>> a = wf.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)
>>> wf.linalg.det(a).backward()
>>> a.grad
tensor([[ 3., -1.],
        [-1.,  2.]])
"""
from weifen.numpy.decomp import (EigResult, QRResult, SVDResult, eig, eigvals, lstsq,
                                 matrix_power, pinv, qr, svd, svdvals)
from weifen.numpy.linalg import (EighResult, SlogdetResult, cholesky, det, eigh, eigvalsh,
                                 inv, matmul, norm, outer, slogdet, solve, solve_triangular,
                                 tensordot)

__all__ = ["inv", "solve", "solve_triangular", "det", "slogdet", "cholesky", "eigh", "eigvalsh",
           "norm", "matmul", "tensordot", "outer", "svd", "svdvals", "eig", "eigvals", "qr",
           "pinv", "matrix_power", "lstsq", "SlogdetResult", "EighResult", "SVDResult",
           "EigResult", "QRResult"]
