"""The primitives the tape's fast paths call, gathered for one attribute lookup each."""
from weifen.prims.elementwise import (add_p, div_p, exp_p, log_p, mul_p, neg_p, pow_p,  # noqa: F401
                                      relu_p, sigmoid_p, sub_p, tanh_p)
from weifen.prims.linalg import matmul_p  # noqa: F401
