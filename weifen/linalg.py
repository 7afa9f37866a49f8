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
from weifen.numpy.decomp import (EigResult, QRResult, SVDResult, cond, diagonal, eig, eigvals,
                                 lstsq, matrix_norm, matrix_power, matrix_rank,
                                 matrix_transpose, multi_dot, pinv, qr, svd, svdvals, trace,
                                 vecdot, vector_norm)
from weifen.numpy.linalg import (EighResult, SlogdetResult, cholesky, det, eigh, eigvalsh,
                                 inv, matmul, norm, outer, slogdet, solve, solve_triangular,
                                 tensordot)

__all__ = ["inv", "solve", "solve_triangular", "det", "slogdet", "cholesky", "eigh", "eigvalsh",
           "norm", "matmul", "tensordot", "outer", "svd", "svdvals", "eig", "eigvals", "qr",
           "pinv", "matrix_power", "lstsq", "matrix_transpose", "vector_norm", "matrix_norm",
           "cond", "matrix_rank", "multi_dot", "diagonal", "trace", "vecdot", "SlogdetResult",
           "EighResult", "SVDResult", "EigResult", "QRResult"]
